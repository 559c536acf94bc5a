"""The seed document's own examples, run as scripts with only the import line changed.

Each runs in a subprocess against the simulator through the TVTUI_* variables, as a user
switching from tradingview_scraper would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.library.conftest import FAKE_JWT

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name: str, sim, cwd: Path, token: str | None = None) -> str:
    script = (EXAMPLES / name).read_text()
    # The seed's placeholder stands for "your token"; give it one the simulator accepts.
    (cwd / name).write_text(script.replace("your_jwt_token_here", FAKE_JWT))
    env = {**os.environ, **sim.env()}
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    if token:
        env["TRADINGVIEW_JWT_TOKEN"] = token
    done = subprocess.run(
        [sys.executable, name], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_streamer_examples_ohlc_json_export_rsi_and_rsi_macd(sim, tmp_path: Path) -> None:
    out = run_example("seed_streamer.py", sim, tmp_path)
    assert "Received 10 OHLC candles" in out
    assert "First candle: {'index': 0, 'timestamp': " in out
    assert "OHLC candles: 5" in out
    rsi_points = int(out.split("RSI data points: ")[1].split()[0])
    assert rsi_points >= 1
    assert "Indicators received: ['STD;RSI', 'STD;MACD']" in out
    exported = sorted((tmp_path / "export").iterdir())
    ohlc = [p for p in exported if p.name.startswith("ohlc_btcusdt_")]
    indicators = [p for p in exported if p.name.startswith("indicator_btcusdt_")]
    assert len(ohlc) == 3 and len(indicators) == 2  # three streams, two with indicators
    sizes = sorted(len(json.loads(p.read_text())) for p in ohlc)
    assert sizes == [5, 8, 10]


def test_realtime_data_packet_loop(sim, tmp_path: Path) -> None:
    out = run_example("seed_realtime.py", sim, tmp_path)
    lines = [line for line in out.splitlines() if line.startswith("Packet ")]
    assert len(lines) == 21
    assert "'session_id'" in lines[0]  # the hello comes first, as from TradingView
    assert any("'m': 'timescale_update'" in line for line in lines)
    assert not any("~h~" in line for line in lines)  # heartbeats answered, never yielded


def test_token_from_the_environment(sim, tmp_path: Path) -> None:
    out = run_example("seed_token_env.py", sim, tmp_path, token=FAKE_JWT)
    assert "Received 3 OHLC candles" in out
    auth = [m for m in sim.received if m.get("m") == "set_auth_token"]
    assert auth and auth[-1]["p"] == [FAKE_JWT]
