"""Indicator inputs through the library: overrides reach the simulator's math, bad ones are a
``ValueError`` before anything is sent, and a Streamer checks a symbol once."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.library.conftest import FAKE_JWT
from tests.sim.test_studies_and_errors import _rsi
from tvtui.stream import Streamer

RSI7 = ("STD;RSI", "37.0", {"length": 7})


def _by_time(rows: list[dict]) -> dict[int, float]:
    return {row["timestamp"]: row["0"] for row in rows if row["0"] is not None}


def test_rsi_length_7_is_the_simulators_rsi_7_and_not_rsi_14(sim_env) -> None:
    with Streamer() as streamer:
        result = streamer.stream(
            "BINANCE", "BTCUSDT", numb_price_candles=20, indicators=[RSI7, ("STD;RSI", "37.0")]
        )
    assert list(result["indicator"]) == ["STD;RSI rsi_length=7", "STD;RSI"]
    seven = _by_time(result["indicator"]["STD;RSI rsi_length=7"])
    fourteen = _by_time(result["indicator"]["STD;RSI"])
    times = sorted(seven)[:-1]  # closed bars (the last may be forming)
    truth = sim_env.bars("BINANCE:BTCUSDT", "1", times[0] - 400 * 60, times[-1] + 1)
    reference = dict(zip([b[0] for b in truth], _rsi([b[4] for b in truth], 7), strict=True))
    assert len(times) >= 15
    for t in times:
        assert math.isclose(seven[t], reference[t], rel_tol=0, abs_tol=1e-9)
    assert any(abs(seven[t] - fourteen[t]) > 1e-3 for t in times)


def test_sma_50_and_sma_200_at_once_on_an_authenticated_token(sim_env, tmp_path: Path) -> None:
    with Streamer(
        websocket_jwt_token=FAKE_JWT, export_result=True, export_dir=tmp_path
    ) as streamer:
        result = streamer.stream(
            "BINANCE", "BTCUSDT", numb_price_candles=5,
            indicators=[("STD;SMA", "34.0", {"length": 50}), ("STD;SMA", "34.0", {"length": 200})],
        )  # fmt: skip
    fifty = _by_time(result["indicator"]["STD;SMA length=50"])
    two_hundred = _by_time(result["indicator"]["STD;SMA length=200"])
    t = sorted(fifty)[-2]  # the newest closed bar
    closes = [b[4] for b in sim_env.bars("BINANCE:BTCUSDT", "1", t - 300 * 60, t + 1)]
    assert math.isclose(fifty[t], math.fsum(closes[-50:]) / 50, rel_tol=1e-12)
    assert math.isclose(two_hundred[t], math.fsum(closes[-200:]) / 200, rel_tol=1e-12)
    exported = next(p for p in tmp_path.iterdir() if p.name.startswith("indicator_"))
    assert {"STD;SMA length=50", "STD;SMA length=200"} <= set(json.loads(exported.read_text()))
    sent = [m for m in sim_env.received if m.get("m") == "create_study"]
    lengths = sorted(m["p"][5]["in_0"]["v"] for m in sent)
    assert lengths == [50, 200]


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"lenght": 7}, ["lenght", "rsi_length", "ma_length", "source"]),
        ({"length": 0}, ["rsi_length", "1..2000"]),
        ({"length": 7.5}, ["rsi_length", "integer"]),
        ({"source": "volume"}, ["source", "close", "hlc3"]),
        ({"length": True}, ["rsi_length"]),
    ],
)
def test_a_bad_input_is_a_value_error_naming_the_valid_ones_before_anything_is_sent(
    sim_env, inputs: dict, words: list[str]
) -> None:
    with Streamer() as streamer, pytest.raises(ValueError) as caught:
        streamer.stream("BINANCE", "BTCUSDT", indicators=[("STD;RSI", "37.0", inputs)])
    assert all(word in str(caught.value) for word in words), caught.value
    assert not [m for m in sim_env.received if m.get("m") in ("create_series", "create_study")]


def test_twenty_streams_of_one_symbol_make_one_symbol_check(sim_env) -> None:
    with Streamer() as streamer:
        for _ in range(20):
            streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=2, indicators=[RSI7])
        streamer.stream("NASDAQ", "AAPL", numb_price_candles=2)
    checks = [r["path"] for r in sim_env.http_requests if r["path"].startswith("/symbol?")]
    assert len(checks) == 2, checks
    assert "BINANCE%3ABTCUSDT" in checks[0] and "NASDAQ%3AAAPL" in checks[1]
    metadata = [r for r in sim_env.http_requests if r["path"].startswith("/pine-facade/")]
    assert len(metadata) == 1  # the indicator's metadata is cached too
