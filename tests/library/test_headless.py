"""``tvtui stream``, the headless face, as a script would run it: output, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def tvtui(sim, *args: str, env: dict[str, str] | None = None, timeout: float = 60):
    full_env = {**os.environ, **(sim.env() if sim is not None else {}), **(env or {})}
    full_env.pop("TRADINGVIEW_JWT_TOKEN", None) if not env else None
    return subprocess.run(
        [sys.executable, "-m", "tvtui", "stream", *args],
        env=full_env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_prints_the_streamer_result_as_json(sim) -> None:
    done = tvtui(sim, "BINANCE:BTCUSDT", "--candles", "4", "--indicator", "STD;RSI@37.0")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert len(result["ohlc"]) == 4 and "STD;RSI" in result["indicator"]


def test_csv_has_one_row_per_bar_and_a_column_per_plot(sim, tmp_path: Path) -> None:
    out = tmp_path / "btc.csv"
    done = tvtui(sim, "BINANCE:BTCUSDT", "-n", "5", "-i", "STD;MACD@31.0", "--format", "csv",
                 "--output", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 5
    assert {"timestamp", "open", "close", "STD;MACD:Histogram", "STD;MACD:Signal"} <= set(rows[0])


def test_follow_prints_bar_quote_study_and_status_lines_then_exits_0(sim) -> None:
    done = tvtui(sim, "BINANCE:ETHUSDT", "--follow", "--seconds", "2", "-n", "3",
                 "-i", "STD;RSI@37.0")  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    kinds = {line["type"] for line in lines}
    assert kinds >= {"bar", "quote", "study", "status"}
    assert lines[0] == {**lines[0], "type": "status", "state": "connecting"}
    bars = [line for line in lines if line["type"] == "bar"]
    assert {"symbol", "timeframe", "timestamp", "open", "high", "low", "close", "volume"} <= set(
        bars[0]
    )
    assert bars[0]["symbol"] == "BINANCE:ETHUSDT" and bars[0]["timeframe"] == "1m"
    # Live updates repeat the forming bar's time; times never go backwards.
    times = [b["timestamp"] for b in bars]
    assert len(times) > len(set(times)) and times == sorted(times)


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["BTCUSDT"], 2, "EXCHANGE:SYMBOL"),
        (["BINANCE:BTCUSDT", "--timeframe", "2m"], 2, "Valid timeframes"),
        (["BINANCE:BTCUSDT", "-i", "RSI"], 2, "STD;RSI"),
        (["NOPE:NOTHING"], 3, "does not exist"),
        (["BINANCE:BTCUSDT", "-i", "STD;NOPE@1.0"], 3, "STD;NOPE"),
    ],
)
def test_exit_codes_and_messages(sim, args: list[str], code: int, says: str) -> None:
    done = tvtui(sim, *args)
    assert done.returncode == code
    assert says in done.stderr and done.stdout == ""


def test_bad_token_exits_3_without_printing_it(sim) -> None:
    done = tvtui(sim, "BINANCE:BTCUSDT", env={**sim.env(), "TRADINGVIEW_JWT_TOKEN": "zz-secret"})
    assert done.returncode == 3
    assert "token" in done.stderr and "zz-secret" not in done.stderr + done.stdout


def test_unreachable_network_exits_4(unused_tcp_port: int) -> None:
    dead = f"http://127.0.0.1:{unused_tcp_port}"
    env = {"TVTUI_WS_URL": dead.replace("http", "ws"), "TVTUI_SCANNER_URL": dead,
           "TVTUI_PINE_URL": dead, "TVTUI_SEARCH_URL": dead}  # fmt: skip
    done = tvtui(None, "BINANCE:BTCUSDT", env=env)
    assert done.returncode == 4
    assert "Could not check symbol BINANCE:BTCUSDT" in done.stderr
