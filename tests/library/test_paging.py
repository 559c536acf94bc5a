"""More bars than one server reply: ``Streamer.stream(numb_price_candles=N)`` and
``tvtui stream --candles N`` page back with ``request_more_data`` (5,000 at a time) until they
hold N bars or the server has nothing older, against the simulator through ``TVTUI_*``."""

from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import sys

import pytest

from tests.library.test_headless import tvtui
from tests.support import SimEnv
from tvtui.sim.config import DEFAULT_START
from tvtui.stream import Streamer


def _env(sim, monkeypatch) -> SimEnv:
    env = SimEnv(sim)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def _assert_consecutive_and_true(sim, ohlc, resolution: str, step: int) -> None:
    times = [row["timestamp"] for row in ohlc]
    assert [row["index"] for row in ohlc] == list(range(len(ohlc)))
    assert all(b - a == step for a, b in itertools.pairwise(times)), "gap or duplicate"
    truth = sim.bars("BINANCE:BTCUSDT", resolution, times[0], times[-1])  # all but the last
    got = [(r["timestamp"], r["open"], r["high"], r["low"], r["close"], r["volume"])
           for r in ohlc[:-1]]  # fmt: skip
    assert got == [tuple(bar) for bar in truth]


def test_twelve_thousand_bars_come_in_pages_consecutive_and_true(sim_env) -> None:
    with Streamer(timeout=30) as streamer:
        result = streamer.stream("BINANCE", "BTCUSDT", "1m", numb_price_candles=12_000)
    ohlc = result["ohlc"]
    assert set(result) == {"ohlc", "indicator"}
    assert len(ohlc) == 12_000
    _assert_consecutive_and_true(sim_env, ohlc, "1", 60)
    asked = [m["p"][2] for m in sim_env.received if m["m"] == "request_more_data"]
    # 5,001 came with the series (the forming bar too), and bars closed meanwhile
    assert asked[0] == 5000 and len(asked) == 2 and 1900 < asked[1] <= 1999


def test_more_than_the_server_has_returns_all_there_is_and_says_so(
    sim_factory, monkeypatch, caplog
) -> None:
    first = DEFAULT_START - 3000 * 3600
    sim = sim_factory(history_start=first)
    _env(sim, monkeypatch)
    with caplog.at_level(logging.WARNING, "tvtui.stream"), Streamer(timeout=30) as streamer:
        result = streamer.stream("BINANCE", "BTCUSDT", "1h", numb_price_candles=8000)
    ohlc = result["ohlc"]
    assert ohlc[0]["timestamp"] == first  # back to the very first bar
    assert 3000 <= len(ohlc) <= 3002  # the history, and the bars that closed meanwhile
    _assert_consecutive_and_true(sim, ohlc, "60", 3600)
    warning = next(r.getMessage() for r in caplog.records if "no 1h bars" in r.getMessage())
    assert f"{len(ohlc)} of the 8000 asked for" in warning
    assert "BINANCE:BTCUSDT" in warning
    assert sim.stats.more_data_requests == 1  # 3,001 came first; one empty page ends it


@pytest.mark.parametrize("bad", [0, -1, 20_001, True, 2.5, "100"])
def test_a_count_outside_1_to_20000_is_refused_before_anything_is_sent(sim_env, bad) -> None:
    with (
        Streamer() as streamer,
        pytest.raises(
            ValueError, match="numb_price_candles must be a whole number from 1 to 20,000"
        ),
    ):
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=bad)
    assert not [m for m in sim_env.received if m["m"] == "create_series"]


def test_tvtui_stream_candles_pages_too(sim) -> None:
    done = tvtui(sim, "BINANCE:BTCUSDT", "--candles", "7000", "--timeframe", "5m")
    assert done.returncode == 0, done.stderr
    ohlc = json.loads(done.stdout)["ohlc"]
    assert len(ohlc) == 7000
    _assert_consecutive_and_true(sim, ohlc, "5", 300)
    refused = tvtui(sim, "BINANCE:BTCUSDT", "--candles", "20001")
    assert refused.returncode == 2
    assert "--candles must be a whole number from 1 to 20,000" in refused.stderr


def test_tvtui_stream_follow_pages_its_history_too(sim) -> None:
    """Read the lines as they come and stop the process once the history is in (it would
    stop by itself after 60 s, so a broken run cannot hang)."""
    env = {**os.environ, **sim.env()}
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    cmd = [sys.executable, "-m", "tvtui", "stream", "BINANCE:BTCUSDT", "--follow",
           "--seconds", "60", "-n", "6000", "-t", "15m"]  # fmt: skip
    times: set[int] = set()
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as proc:  # fmt: skip
        assert proc.stdout is not None
        for line in proc.stdout:
            row = json.loads(line)
            if row["type"] == "bar":
                times.add(row["timestamp"])
            # the older page is written bar by bar: stop once it is all in (no hole left)
            if len(times) >= 6000 and max(times) - min(times) == (len(times) - 1) * 900:
                break
        proc.terminate()
        proc.wait(10)
    ordered = sorted(times)
    assert len(ordered) >= 6000
    assert all(b - a == 900 for a, b in itertools.pairwise(ordered)), "gap in the history"
