"""SessionView.to_result: exactly the shape of tradingview_scraper's Streamer.stream result."""

from __future__ import annotations

import json

import pytest

from tvtui.feed.events import Bar, StudyPoint
from tvtui.market.session import SessionView

T0 = 1_734_082_440.0  # a real bar time from the protocol reference


def session_with_data(bars: int = 10) -> SessionView:
    view = SessionView("BINANCE:BTCUSDT", "1m", source="demo")
    view.candles.apply(
        [
            Bar(T0 + 60 * i, 100.0 + i, 101.0 + i, 99.0 + i, 100.5 + i, 2.5 * i, index=500 + i)
            for i in range(bars)
        ]
    )
    # RSI starts later than the candles (warm-up), MACD has three plots and an na value.
    view.study("STD;RSI", ["RSI"]).apply(
        [StudyPoint(T0 + 60 * i, [50.0 + i], index=-3 + i) for i in range(3, bars)]
    )
    view.study("STD;MACD", ["Histogram", "MACD", "Signal"]).apply(
        [StudyPoint(T0 + 60 * i, [0.1 * i, 1e100 if i == 0 else 1.0, 2.0]) for i in range(bars)]
    )
    return view


def test_to_result_matches_the_streamer_shape() -> None:
    result = session_with_data().to_result()
    assert set(result) == {"ohlc", "indicator"}
    ohlc = result["ohlc"]
    assert len(ohlc) == 10
    assert ohlc[0] == {
        "index": 0,
        "timestamp": int(T0),
        "open": 100.0,
        "high": 101.0,
        "low": 99.0,
        "close": 100.5,
        "volume": 0.0,
    }
    assert all(type(row["timestamp"]) is int for row in ohlc)
    # positions, not the server's index (500..509)
    assert [row["index"] for row in ohlc] == list(range(10))
    assert [row["timestamp"] for row in ohlc] == [int(T0) + 60 * i for i in range(10)]

    rsi = result["indicator"]["STD;RSI"]
    assert rsi[0] == {"index": 0, "timestamp": int(T0) + 180, "0": 53.0}
    assert len(rsi) == 7
    macd = result["indicator"]["STD;MACD"]
    assert macd[0] == {"index": 0, "timestamp": int(T0), "0": 0.0, "1": None, "2": 2.0}
    # It serialises to strict JSON (no NaN / Infinity).
    json.loads(json.dumps(result, allow_nan=False))


def test_volume_is_omitted_for_bars_without_volume() -> None:
    view = SessionView("NASDAQ:NDX", "1d")
    view.candles.apply([Bar(0, 1, 2, 0, 1, None), Bar(86400, 1, 2, 0, 1, 5.0)])
    rows = view.to_result()["ohlc"]
    assert "volume" not in rows[0] and rows[1]["volume"] == 5.0
    assert view.to_result()["indicator"] == {}


def test_limit_gives_the_newest_bars_and_the_points_in_their_range() -> None:
    view = session_with_data()
    result = view.to_result(limit=4)
    assert [r["timestamp"] for r in result["ohlc"]] == [int(T0) + 60 * i for i in range(6, 10)]
    assert [r["index"] for r in result["ohlc"]] == [0, 1, 2, 3]
    for rows in result["indicator"].values():
        assert [r["timestamp"] for r in rows] == [int(T0) + 60 * i for i in range(6, 10)]
        assert [r["index"] for r in rows] == [0, 1, 2, 3]
    # Range starting before RSI's first point: RSI only has what it has.
    result = view.to_result(limit=8)
    assert len(result["ohlc"]) == 8 and len(result["indicator"]["STD;RSI"]) == 7
    assert view.to_result(limit=0) == {"ohlc": [], "indicator": {}}
    with pytest.raises(ValueError):
        view.to_result(limit=-1)


def test_limit_before_any_bar_gives_the_newest_points() -> None:
    view = SessionView("BINANCE:BTCUSDT")
    view.study("STD;RSI").apply([StudyPoint(60 * i, [float(i)]) for i in range(20)])
    rows = view.to_result(limit=3)["indicator"]["STD;RSI"]
    assert [r["0"] for r in rows] == [17.0, 18.0, 19.0]


def test_study_without_points_is_left_out() -> None:
    view = session_with_data()
    refused = view.study("Script;X")
    refused.error = "study_not_auth:Script@tv-scripting-417"
    assert "Script;X" not in view.to_result()["indicator"]
    view.remove_study("STD;RSI")
    assert set(view.to_result()["indicator"]) == {"STD;MACD"}


def test_reset_and_quote_merge() -> None:
    view = session_with_data()
    view.update_quote({"lp": 1.0, "ch": 0.1})
    view.update_quote({"lp": 2.0})
    assert view.quote == {"lp": 2.0, "ch": 0.1}
    macd = view.study("STD;MACD", ["A", "B", "C"])
    assert macd.plot_titles == ["A", "B", "C"]

    view.reset(timeframe="5m")
    assert view.timeframe == "5m" and len(view.candles) == 0
    assert view.quote == {"lp": 2.0, "ch": 0.1}
    assert set(view.studies) == {"STD;RSI", "STD;MACD"} and len(view.studies["STD;RSI"]) == 0
    view.reset(symbol="BINANCE:ETHUSDT")
    assert view.symbol == "BINANCE:ETHUSDT" and view.quote == {}
