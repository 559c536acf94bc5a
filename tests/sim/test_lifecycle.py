"""Starting, stopping, going down and coming back; handshake records; determinism; the CLI."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import threading
import urllib.request

import pytest
import websocket

from tvtui.feed import messages as msg
from tvtui.feed.endpoints import ORIGIN, USER_AGENT
from tvtui.feed.events import SeriesData
from tvtui.feed.timeframes import from_resolution
from tvtui.sim import SimConfig, Simulator

from .conftest import WS_PATH, RawClient


def test_handshakes_record_path_and_headers(sim, connect):
    client = connect(sim)
    client.read()
    record = sim.handshakes[-1]
    assert record["path"] == WS_PATH
    assert record["headers"]["Origin"] == ORIGIN
    assert record["headers"]["User-Agent"] == USER_AGENT
    assert sim.stats.connections == 1


def test_env_points_every_endpoint_at_the_simulator(sim):
    env = sim.env()
    assert env["TVTUI_WS_URL"] == sim.ws_url
    assert re.fullmatch(r"ws://127\.0\.0\.1:\d+", sim.ws_url)
    for name in ("TVTUI_SCANNER_URL", "TVTUI_PINE_URL", "TVTUI_SEARCH_URL"):
        assert env[name] == sim.http_url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sim.http_url)


def test_go_down_refuses_then_come_back_on_the_same_port(sim, connect):
    client = connect(sim)
    client.read()
    url = sim.ws_url
    sim.go_down()
    assert client.wait_closed(timeout=3)
    with pytest.raises(ConnectionRefusedError):
        RawClient(url)
    sim.come_back()
    assert sim.ws_url == url
    again = connect(sim)
    again.read()
    assert sim.stats.connections == 2
    assert sim.stats.drops == 1


def test_stop_closes_connections_promptly_and_frees_the_ports(sim_factory):
    sim = sim_factory()
    client = RawClient(sim.ws_url)
    client.read()
    stopper = threading.Thread(target=sim.stop)
    stopper.start()
    stopper.join(timeout=2)
    assert not stopper.is_alive()
    assert client.wait_closed(timeout=2)
    with pytest.raises(ConnectionRefusedError):
        RawClient(sim.ws_url)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{sim.http_url}/symbol?symbol=A%3AB", timeout=2)


def test_context_manager_starts_and_stops():
    with Simulator(SimConfig(time_scale=300)) as sim:
        client = RawClient(sim.ws_url)
        assert client.read()
        client.close()
    with pytest.raises(ConnectionRefusedError):
        websocket.create_connection(sim.ws_url, timeout=2)


def _history(url, symbol="NASDAQ:TSLA", count=30):
    client = RawClient(url)
    try:
        client.send(
            msg.chart_create_session("cs_d"),
            msg.resolve_symbol("cs_d", "s", symbol),
            msg.create_series("cs_d", "sds_1", "s1", "s", "1D", count),
        )
        event = client.wait_for(lambda e: isinstance(e, SeriesData))
    finally:
        client.close()
    return event.bars


def test_a_reconnecting_client_gets_the_same_history_with_indexes_from_zero(sim):
    first = _history(sim.ws_url)
    second = _history(sim.ws_url)
    assert [b.index for b in second] == list(range(31))
    # Daily bars: the closed ones are identical; at most the forming one has moved on.
    assert [(b.time, b.open, b.close, b.volume) for b in first[:-1]] == [
        (b.time, b.open, b.close, b.volume) for b in second[:-1]
    ]


def test_same_seed_same_bars_other_seed_other_bars():
    start, end = 1_717_000_000, 1_717_000_000 + 3600 * 24
    a = Simulator(SimConfig(seed=7)).bars("BINANCE:BTCUSDT", "60", start, end)
    b = Simulator(SimConfig(seed=7)).bars("BINANCE:BTCUSDT", "60", start, end)
    c = Simulator(SimConfig(seed=8)).bars("BINANCE:BTCUSDT", "60", start, end)
    assert a == b and a != c
    assert len(a) == 24


@pytest.mark.parametrize(
    ("symbol", "resolution"),
    [("NASDAQ:AAPL", "1"), ("FX:EURUSD", "60"), ("TSE:7203", "1D"), ("SP:SPX", "1W"),
     ("NASDAQ:NDX", "1M"), ("KRX:005930", "15")],
)  # fmt: skip
def test_bars_are_consistent_candles(symbol, resolution):
    sim = Simulator(SimConfig(seed=3))
    end = 1_717_977_600
    bars = sim.bars(symbol, resolution, end - 300 * from_resolution(resolution).seconds, end)
    assert len(bars) >= 290
    no_volume = symbol in ("FX:EURUSD", "SP:SPX", "NASDAQ:NDX")
    for _t, o, h, l_, c, v in bars:
        assert l_ <= min(o, c) <= max(o, c) <= h
        assert l_ > 0
        assert (v is None) == no_volume
        assert no_volume or v > 0
    times = [b[0] for b in bars]
    assert times == sorted(set(times))
    for prev, nxt in itertools.pairwise(bars):
        assert prev[4] == nxt[1]  # close is the next open: a continuous path


def test_unknown_symbol_or_resolution_in_bars_raises():
    sim = Simulator()
    with pytest.raises(ValueError, match="symbol"):
        sim.bars("NOPE:NOPE", "1", 0, 100)
    with pytest.raises(ValueError, match="resolution"):
        sim.bars("NASDAQ:AAPL", "7X", 0, 100)


def test_cli_prints_urls_and_exports_then_exits():
    result = subprocess.run(
        [sys.executable, "-m", "tvtui.sim", "--seconds", "0.3", "--seed", "3"],
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    assert re.search(r"^export TVTUI_WS_URL=ws://127\.0\.0\.1:\d+$", result.stdout, re.M)
    assert re.search(r"^export TVTUI_SCANNER_URL=http://127\.0\.0\.1:\d+$", result.stdout, re.M)
