"""Streamer.stream against the simulator: shapes, speed of return, indicators, bad input."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest

from tests.library.conftest import FAKE_JWT
from tvtui.feed.timeframes import parse_timeframe
from tvtui.stream import (
    AuthenticationError,
    IndicatorError,
    RealTimeData,
    Streamer,
    SymbolNotFoundError,
)

OHLC_KEYS = {"index", "timestamp", "open", "high", "low", "close", "volume"}


def test_stream_returns_the_seed_shape_oldest_first_equal_to_the_simulator(sim_env) -> None:
    with Streamer() as streamer:
        result = streamer.stream("BINANCE", "BTCUSDT", timeframe="1m", numb_price_candles=10)
    ohlc = result["ohlc"]
    assert set(result) == {"ohlc", "indicator"} and result["indicator"] == {}
    assert len(ohlc) == 10
    assert all(set(row) == OHLC_KEYS for row in ohlc)
    assert [row["index"] for row in ohlc] == list(range(10))
    times = [row["timestamp"] for row in ohlc]
    assert times == sorted(times) and len(set(times)) == 10
    assert all(b - a == 60 for a, b in itertools.pairwise(times))
    # Every closed bar equals what the simulator says that bar is (the last one may be forming).
    truth = {b[0]: b for b in sim_env.bars("BINANCE:BTCUSDT", "1", times[0], times[-1])}
    for row in ohlc[:-1]:
        bar = truth[row["timestamp"]]
        assert (row["open"], row["high"], row["low"], row["close"]) == bar[1:5]


def test_stream_returns_well_under_a_second(sim_env) -> None:
    with Streamer() as streamer:
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=10)  # connect, warm up
        start = time.monotonic()
        result = streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=10)
        elapsed = time.monotonic() - start
    assert len(result["ohlc"]) == 10
    # it returns once the bars are held, never after a read timeout or a fixed wait (the
    # scraper's took ~6 s); 3 s separates the two on a busy machine (0.01-1 s measured)
    assert elapsed < 3.0, f"stream took {elapsed:.2f} s"


def test_one_streamer_streams_many_times_over_one_connection(sim_env) -> None:
    with Streamer() as streamer:
        for symbol, tf in (("BTCUSDT", "1m"), ("ETHUSDT", "5m"), ("BTCUSDT", "1h")):
            result = streamer.stream("BINANCE", symbol, timeframe=tf, numb_price_candles=4)
            times = [row["timestamp"] for row in result["ohlc"]]
            step = parse_timeframe(tf).seconds
            assert len(times) == 4 and all(b - a == step for a, b in itertools.pairwise(times))
    assert len(sim_env.handshakes) == 1


def test_rsi_and_macd_on_5m(sim_env) -> None:
    with Streamer() as streamer:
        result = streamer.stream(
            "BINANCE", "BTCUSDT", timeframe="5m", numb_price_candles=8,
            indicators=[("STD;RSI", "37.0"), ("STD;MACD", "31.0")],
        )  # fmt: skip
    assert list(result["indicator"]) == ["STD;RSI", "STD;MACD"]
    rsi = result["indicator"]["STD;RSI"]
    assert rsi and all(0 <= row["0"] <= 100 for row in rsi if row["0"] is not None)
    macd = result["indicator"]["STD;MACD"]
    assert {"index", "timestamp", "0", "1", "2"} <= set(macd[-1])
    bar_times = {row["timestamp"] for row in result["ohlc"]}
    assert {row["timestamp"] for row in rsi} <= bar_times


def test_export_writes_json_files_that_match_the_result(sim_env, tmp_path: Path) -> None:
    with Streamer(export_result=True, export_type="json", export_dir=tmp_path) as streamer:
        result = streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=5,
                                 indicators=[("STD;RSI", "37.0")])  # fmt: skip
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n.split("_")[0] for n in names] == ["indicator", "ohlc"]
    ohlc_file = next(p for p in tmp_path.iterdir() if p.name.startswith("ohlc_btcusdt_"))
    assert json.loads(ohlc_file.read_text()) == result["ohlc"]


def test_export_csv_indicator_columns_aligned_by_time(sim_env, tmp_path: Path) -> None:
    with Streamer(export_result=True, export_type="csv", export_dir=tmp_path) as streamer:
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=6,
                        indicators=[("STD;RSI", "37.0"), ("STD;MACD", "31.0")])  # fmt: skip
    indicator = next(p for p in tmp_path.iterdir() if p.name.startswith("indicator_"))
    header = indicator.read_text().splitlines()[0].split(",")
    assert header[0] == "timestamp"
    assert "STD;RSI:0" in header and "STD;MACD:2" in header


@pytest.mark.parametrize("timeframe", ["2m", "1s", "", "1 m", "60", "1H", "weekly"])
def test_unknown_timeframe_raises_naming_the_valid_ones(sim_env, timeframe: str) -> None:
    with Streamer() as streamer, pytest.raises(ValueError, match="Valid timeframes: 1m, 3m"):
        streamer.stream("BINANCE", "BTCUSDT", timeframe=timeframe)


@pytest.mark.parametrize("timeframe", ["1D", "1W", "1d", "1w", "1M"])
def test_daily_weekly_monthly_spellings_are_accepted(sim_env, timeframe: str) -> None:
    with Streamer() as streamer:
        result = streamer.stream("BINANCE", "BTCUSDT", timeframe=timeframe, numb_price_candles=3)
    assert len(result["ohlc"]) == 3


@pytest.mark.parametrize(
    ("exchange", "symbol"),
    [("", "BTCUSDT"), ("BINANCE", ""), ("BINANCE", "BTC USDT"), ("BIN:ANCE", "X"),
     ("..", "etc"), ("BINANCE", "BTC\x00"), ("BINANCE", "X" * 500), ("BİNANCE", "BTC")],
)  # fmt: skip
def test_malformed_symbols_are_refused_before_anything_is_sent(
    sim_env, exchange: str, symbol: str
) -> None:
    with Streamer() as streamer, pytest.raises(ValueError):
        streamer.stream(exchange, symbol)
    assert not any(m.get("m") == "create_series" for m in sim_env.received)


def test_unknown_symbol_is_a_clear_not_found(sim_env) -> None:
    with Streamer() as streamer, pytest.raises(SymbolNotFoundError, match="NOPE:NOTHING"):
        streamer.stream("NOPE", "NOTHING")


def test_unknown_indicator_gives_the_servers_reason(sim_env) -> None:
    with Streamer() as streamer, pytest.raises(IndicatorError) as caught:
        streamer.stream("BINANCE", "BTCUSDT", indicators=[("STD;NOPE", "1.0")])
    assert "STD;NOPE" in str(caught.value)


@pytest.mark.parametrize("bad", [[("RSI", 1.0)], "STD;RSI", [("STD;RSI",)], [{"id": "x"}]])
def test_misshapen_indicators_are_explained(sim_env, bad: object) -> None:
    with Streamer() as streamer, pytest.raises(ValueError, match="STD;RSI"):
        streamer.stream("BINANCE", "BTCUSDT", indicators=bad)  # type: ignore[arg-type]


def test_third_indicator_without_a_token_is_refused_clearly(sim_env) -> None:
    three = [("STD;RSI", "37.0"), ("STD;MACD", "31.0"), ("STD;CCI", "37.0")]
    with Streamer() as streamer, pytest.raises(IndicatorError, match="TRADINGVIEW_JWT_TOKEN"):
        streamer.stream("BINANCE", "BTCUSDT", indicators=three)


def test_third_indicator_with_a_token_streams(sim_env) -> None:
    three = [("STD;RSI", "37.0"), ("STD;MACD", "31.0"), ("STD;CCI", "37.0")]
    with Streamer(websocket_jwt_token=FAKE_JWT) as streamer:
        result = streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=5, indicators=three)
    assert set(result["indicator"]) == {"STD;RSI", "STD;MACD", "STD;CCI"}


def test_premium_only_study_gives_the_servers_reason(sim_env) -> None:
    with Streamer() as streamer, pytest.raises(IndicatorError, match="study_not_auth"):
        streamer.stream("BINANCE", "BTCUSDT", indicators=[("STD;Volume%Profile", "1.0")])


def test_bad_token_is_an_authentication_error_without_the_token(sim_env) -> None:
    secret = "not-a-real-token-s3cr3t"
    with (
        Streamer(websocket_jwt_token=secret) as streamer,
        pytest.raises(AuthenticationError) as caught,
    ):
        streamer.stream("BINANCE", "BTCUSDT", timeout=5)
    assert "auth" in str(caught.value).lower()
    assert secret not in str(caught.value) and secret not in repr(streamer.stream_obj)


def test_realtime_data_goes_on_across_a_dropped_connection(sim_env) -> None:
    with RealTimeData() as rtd:
        hellos = 0
        bars_after_reconnect = 0
        deadline = time.monotonic() + 20
        for packet in rtd.get_ohlcv("BINANCE:BTCUSDT"):
            assert time.monotonic() < deadline, "no reconnect within 20 s"
            if "session_id" in packet:
                hellos += 1
                if hellos == 1:
                    sim_env.faults.drop_every = 0.5  # cut the link; the generator must go on
                else:
                    sim_env.faults.drop_every = None
            elif hellos >= 2 and packet.get("m") in ("timescale_update", "du"):
                bars_after_reconnect += 1
                if bars_after_reconnect >= 3:
                    break
    assert hellos >= 2
