"""tvtui.export: the Streamer's files and the app's session file, in shapes a person can
open, and never an overwrite."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import tvtui
from tests.export.helpers import NOW, STAMP, T0, listing, make_view, read_csv
from tvtui.export import export_result, export_session, safe_name
from tvtui.feed.events import Bar
from tvtui.market.session import SessionView

# --- export_result: the Streamer's files -----------------------------------------------------


def test_json_round_trip_with_the_streamer_names(tmp_path: Path) -> None:
    result = make_view().to_result()
    paths = export_result(result, "BINANCE:BTCUSDT", "json", tmp_path / "export", now=NOW)
    assert [p.name for p in paths] == [
        f"ohlc_btcusdt_{STAMP}.json",
        f"indicator_btcusdt_{STAMP}.json",
    ]
    assert json.loads(paths[0].read_text(encoding="utf-8")) == result["ohlc"]
    assert json.loads(paths[1].read_text(encoding="utf-8")) == result["indicator"]
    assert paths[0].read_text(encoding="utf-8").startswith('[\n  {\n    "index": 0,')
    # the MACD na plot is a JSON null, never NaN or 1e100
    assert json.loads(paths[1].read_text())["STD;MACD"][0]["1"] is None


def test_no_indicator_file_without_indicators(tmp_path: Path) -> None:
    view = make_view()
    view.studies.clear()
    paths = export_result(view.to_result(), "BINANCE:BTCUSDT", "csv", tmp_path, now=NOW)
    assert [p.name for p in paths] == [f"ohlc_btcusdt_{STAMP}.csv"]
    assert listing(tmp_path).keys() == {f"ohlc_btcusdt_{STAMP}.csv"}


def test_ohlc_csv_round_trip_and_blank_volume(tmp_path: Path) -> None:
    view = make_view()
    view.candles.apply([Bar(T0 + 600, 1.0, 2.0, 0.5, 1.5, None)])
    result = view.to_result()
    ohlc_path = export_result(result, "BINANCE:BTCUSDT", "csv", tmp_path, now=NOW)[0]
    rows = read_csv(ohlc_path)
    assert list(rows[0]) == ["index", "timestamp", "open", "high", "low", "close", "volume"]
    assert len(rows) == len(result["ohlc"]) == 11
    for row, original in zip(rows, result["ohlc"], strict=True):
        assert int(row["index"]) == original["index"]
        assert int(row["timestamp"]) == original["timestamp"]
        for key in ("open", "high", "low", "close"):
            assert float(row[key]) == original[key]  # exact: floats are written with repr
    assert float(rows[3]["volume"]) == result["ohlc"][3]["volume"]
    assert rows[-1]["volume"] == ""


def test_indicator_csv_is_an_outer_join_on_time_whatever_the_lengths(tmp_path: Path) -> None:
    result = make_view().to_result()
    # a third indicator with points before and after the others, and a gap
    result["indicator"]["Script;X"] = [
        {"index": 0, "timestamp": T0 - 60, "0": 7.0},
        {"index": 1, "timestamp": T0 + 120, "0": 8.0},
        {"index": 2, "timestamp": T0 + 6000, "0": 9.0},
    ]
    path = export_result(result, "BINANCE:BTCUSDT", "csv", tmp_path, now=NOW)[1]
    rows = read_csv(path)
    assert list(rows[0]) == [
        "timestamp",
        "STD;RSI:0",
        "STD;MACD:0",
        "STD;MACD:1",
        "STD;MACD:2",
        "Script;X:0",
    ]
    expected_times = sorted({T0 + 60 * i for i in range(10)} | {T0 - 60, T0 + 6000})
    assert [int(r["timestamp"]) for r in rows] == expected_times
    by_time = {int(r["timestamp"]): r for r in rows}
    assert by_time[T0 - 60]["STD;RSI:0"] == "" and by_time[T0 - 60]["Script;X:0"] == "7.0"
    assert by_time[T0]["STD;RSI:0"] == ""  # RSI starts at bar 3
    assert by_time[T0]["STD;MACD:1"] == ""  # the na plot
    assert float(by_time[T0 + 180]["STD;RSI:0"]) == 51.0
    assert float(by_time[T0 + 120]["Script;X:0"]) == 8.0
    assert by_time[T0 + 6000]["STD;MACD:0"] == ""
    for t, row in by_time.items():  # every value is the one exported for that time
        for pine_id, points in result["indicator"].items():
            for point in points:
                if point["timestamp"] == t and point["0"] is not None:
                    assert float(row[f"{pine_id}:0"]) == point["0"]


def test_symbol_becomes_a_safe_file_name() -> None:
    assert safe_name("BINANCE:BTCUSDT") == "btcusdt"
    assert safe_name("NASDAQ:BRK.B") == "brk.b"
    assert safe_name("FX:EUR/USD") == "eurusd"
    assert safe_name("X:../../etc/passwd") == "etcpasswd"
    assert safe_name("X:..") == "symbol" and safe_name("") == "symbol"
    assert safe_name("BINANCE:ÄBC$1!") == "bc1"


def test_unknown_format_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"json.*csv"):
        export_result({"ohlc": []}, "X:Y", "xlsx", tmp_path)
    assert not any(tmp_path.iterdir())


def test_nan_in_a_hand_made_result_is_written_as_null(tmp_path: Path) -> None:
    result = {"ohlc": [{"index": 0, "timestamp": 1, "open": float("nan"), "close": 2.0}]}
    path = export_result(result, "X:Y", "json", tmp_path, now=NOW)[0]
    assert json.loads(path.read_text()) == [
        {"index": 0, "timestamp": 1, "open": None, "close": 2.0}
    ]


# --- never overwrite ---------------------------------------------------------------------------


def test_two_exports_in_the_same_second_do_not_overwrite(tmp_path: Path) -> None:
    view = make_view()
    first = export_result(view.to_result(), "BINANCE:BTCUSDT", "json", tmp_path, now=NOW)
    before = listing(tmp_path)
    view.candles.apply([Bar(T0 + 600, 1, 2, 0, 1, 1.0)])
    second = export_result(view.to_result(), "BINANCE:BTCUSDT", "json", tmp_path, now=NOW)
    assert [p.name for p in second] == [
        f"ohlc_btcusdt_{STAMP}-1.json",
        f"indicator_btcusdt_{STAMP}-1.json",
    ]
    assert {p.name: p.read_bytes() for p in first} == before
    assert len(json.loads(second[0].read_text())) == 11
    third = export_result(view.to_result(), "BINANCE:BTCUSDT", "json", tmp_path, now=NOW)
    assert third[0].name == f"ohlc_btcusdt_{STAMP}-2.json"
    assert len(listing(tmp_path)) == 6


def test_files_of_one_export_share_the_suffix(tmp_path: Path) -> None:
    # Only the indicator name is taken (say, by hand): both files move to -1 together.
    (tmp_path / f"indicator_btcusdt_{STAMP}.json").write_text("mine")
    paths = export_result(make_view().to_result(), "BINANCE:BTCUSDT", "json", tmp_path, now=NOW)
    assert [p.name for p in paths] == [
        f"ohlc_btcusdt_{STAMP}-1.json",
        f"indicator_btcusdt_{STAMP}-1.json",
    ]
    assert (tmp_path / f"indicator_btcusdt_{STAMP}.json").read_text() == "mine"
    assert not (tmp_path / f"ohlc_btcusdt_{STAMP}.json").exists()


def test_concurrent_exports_get_distinct_complete_files(tmp_path: Path) -> None:
    view = make_view(200)
    errors: list[BaseException] = []
    results: list[Path] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            path = export_session(view, "json", tmp_path, now=NOW)
            with lock:
                results.append(path)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == [] and len(results) == 8
    assert len(set(results)) == 8
    for path in results:
        assert len(json.loads(path.read_text())["ohlc"]) == 200
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in results)


# --- export_session: the app's file --------------------------------------------------------


def test_session_json_round_trip(tmp_path: Path) -> None:
    view = make_view()
    path = export_session(view, "json", tmp_path, now=NOW)
    assert path.name == f"tvtui_BINANCE-BTCUSDT_1m_{STAMP}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(document) == ["metadata", "quote", "ohlc", "indicator"]
    assert document["metadata"] == {
        "symbol": "BINANCE:BTCUSDT",
        "timeframe": "1m",
        "source": "demo",
        "exported_at": "2024-12-13T09:34:05Z",
        "bars": 10,
        "tvtui_version": tvtui.__version__,
    }
    assert document["quote"] == view.quote
    assert "TetherUS — spot" in path.read_text(encoding="utf-8")  # ensure_ascii=False
    result = view.to_result()
    assert document["ohlc"] == result["ohlc"] and document["indicator"] == result["indicator"]


def test_session_csv_has_plot_titles_and_a_sidecar(tmp_path: Path) -> None:
    view = make_view()
    path = export_session(view, "csv", tmp_path, now=NOW)
    assert path.name == f"tvtui_BINANCE-BTCUSDT_1m_{STAMP}.csv"
    rows = read_csv(path)
    assert list(rows[0]) == [
        "timestamp",
        "time_utc",
        "open",
        "high",
        "low",
        "close",
        "volume",
        "STD;RSI:RSI",
        "STD;MACD:Histogram",
        "STD;MACD:MACD",
        "STD;MACD:Signal",
    ]
    assert len(rows) == 10
    bars = view.candles.bars()
    for row, bar in zip(rows, bars, strict=True):
        assert int(row["timestamp"]) == int(bar.time)
        assert datetime.fromisoformat(row["time_utc"]) == datetime.fromtimestamp(bar.time, UTC)
        assert float(row["close"]) == bar.close and float(row["volume"]) == bar.volume
    assert rows[0]["time_utc"] == "2024-12-13T09:34:00Z"
    assert [r["STD;RSI:RSI"] for r in rows[:3]] == ["", "", ""]
    assert float(rows[3]["STD;RSI:RSI"]) == 51.0
    assert rows[0]["STD;MACD:MACD"] == "" and float(rows[5]["STD;MACD:MACD"]) == 6.0

    sidecar = tmp_path / f"tvtui_BINANCE-BTCUSDT_1m_{STAMP}.meta.json"
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    assert meta["metadata"]["bars"] == 10 and meta["metadata"]["symbol"] == "BINANCE:BTCUSDT"
    assert meta["quote"]["lp"] == 109.5
    assert {"column": "STD;MACD:Signal", "pine_id": "STD;MACD", "plot": "2", "title": "Signal"} in (
        meta["indicator_columns"]
    )
    # a second export in the same second: the CSV and its sidecar move together
    again = export_session(view, "csv", tmp_path, now=NOW)
    assert again.name == f"tvtui_BINANCE-BTCUSDT_1m_{STAMP}-1.csv"
    assert (tmp_path / f"tvtui_BINANCE-BTCUSDT_1m_{STAMP}-1.meta.json").is_file()


def test_session_csv_without_titles_uses_plot_keys_and_dedupes(tmp_path: Path) -> None:
    view = make_view(5)
    view.study("STD;RSI", [])
    view.study("STD;MACD", ["Same", "Same", ""])
    header = list(read_csv(export_session(view, "csv", tmp_path, now=NOW))[0])
    assert header[7:] == ["STD;RSI:0", "STD;MACD:Same", "STD;MACD:1", "STD;MACD:2"]


def test_month_and_minute_timeframes_do_not_share_a_name(tmp_path: Path) -> None:
    minute = export_session(SessionView("X:Y", "1m"), "json", tmp_path, now=NOW)
    month = export_session(SessionView("X:Y", "1M"), "json", tmp_path, now=NOW)
    assert minute.name != month.name and "_1M_" in month.name


def test_naive_and_local_times_are_stamped_in_utc(tmp_path: Path) -> None:
    local = NOW.astimezone(timezone(timedelta(hours=7)))
    a = export_session(SessionView("X:Y"), "json", tmp_path, now=local)
    b = export_session(SessionView("X:Y"), "json", tmp_path, now=NOW.replace(tzinfo=None))
    assert a.name == f"tvtui_X-Y_1m_{STAMP}.json" and b.name == f"tvtui_X-Y_1m_{STAMP}-1.json"


def test_the_token_never_reaches_the_export(tmp_path: Path, monkeypatch) -> None:
    secret = "eyJhbGciOi.secret-token.value"
    monkeypatch.setenv("TRADINGVIEW_JWT_TOKEN", secret)
    view = make_view()
    view.source = f"ws://127.0.0.1:1/socket.io/websocket?auth={secret}"
    for fmt in ("json", "csv"):
        export_session(view, fmt, tmp_path, now=NOW)
    for content in listing(tmp_path).values():
        assert secret.encode() not in content
