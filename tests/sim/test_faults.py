"""Each fault mode does what it says, and a correct client still gets all the good data."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request

import pytest
import websocket

from tvtui.feed import messages as msg
from tvtui.feed.events import Heartbeat, QuoteUpdate, SeriesData

from .conftest import RawClient


def _subscribe(client, symbol="BINANCE:BTCUSDT"):
    client.send(
        msg.set_auth_token("unauthorized_user_token"),
        msg.quote_create_session("qs_f"),
        msg.quote_add_symbols("qs_f", symbol),
        msg.chart_create_session("cs_f"),
        msg.resolve_symbol("cs_f", "sds_sym_1", symbol),
        msg.create_series("cs_f", "sds_1", "s1", "sds_sym_1", "1", 20),
    )
    return client.wait_for(lambda e: isinstance(e, SeriesData) and e.update == "history")


def _bar(b):
    return (b.time, b.open, b.high, b.low, b.close, b.volume)


def test_drop_every_aborts_connections_repeatedly(sim, connect):
    first = connect(sim)
    first.read()
    sim.faults.drop_every = 0.3
    assert first.wait_closed(timeout=3)
    second = connect(sim)
    assert second.wait_closed(timeout=3)
    assert sim.stats.drops >= 2
    sim.faults.drop_every = None
    third = connect(sim)
    third.read_for(0.8)
    assert not third.closed


def test_malformed_frames_are_injected_and_the_good_data_survives(sim, connect):
    client = connect(sim)
    history = _subscribe(client)
    sim.faults.malformed_every = 2
    client.read_for(1.5)
    sim.faults.malformed_every = None
    client.read_for(0.4)  # let the last injected frames arrive
    injected = sim.stats.malformed_sent
    assert injected >= 5  # every kind of the rotation at least once
    assert client.dropped == injected  # each bad frame is seen and skipped, nothing else is
    assert client.binary_messages >= 1
    # The good data is all there: every bar that closed while frames were being mangled
    # arrived with its true final values, and no index was skipped.
    live = [e for e in client.events if isinstance(e, SeriesData) and e.update == "live"]
    closed = {b.time: b for e in live for b in e.bars[:-1]}
    assert len(closed) >= 3
    first, last = min(closed), max(closed)
    truth = sim.bars("BINANCE:BTCUSDT", "1", first, last + 1)
    assert [_bar(closed[t]) for t in sorted(closed)] == truth
    assert history.bars[-1].time <= first


def test_reply_delay_holds_answers_back(sim, connect):
    client = connect(sim)
    client.read()
    sim.faults.reply_delay = 1.0
    client.send(msg.quote_create_session("qs_d"), msg.quote_add_symbols("qs_d", "NYSE:IBM"))
    early = client.read_for(0.3)
    assert not any(isinstance(e, QuoteUpdate) for e in early)
    sim.faults.reply_delay = 0.0
    update = client.wait_for(lambda e: isinstance(e, QuoteUpdate), timeout=5)
    assert update.symbol == "NYSE:IBM"


def test_burst_rate_floods_batched_updates(sim, connect):
    client = connect(sim)
    _subscribe(client)
    normal = client.read_for(0.5)
    normal_live = sum(isinstance(e, SeriesData) for e in normal)
    sim.faults.burst_rate = 5000
    before = client.messages
    started = time.monotonic()
    burst: list = []
    # Read until a thousand updates are in (a loaded machine reads them later, not fewer).
    while sum(isinstance(e, SeriesData | QuoteUpdate) for e in burst) < 1000:
        assert time.monotonic() - started < 20, "no flood of 1000 updates within 20 s"
        burst += client.read_for(0.2)
    elapsed = time.monotonic() - started
    sim.faults.burst_rate = None
    updates = [e for e in burst if isinstance(e, SeriesData | QuoteUpdate)]
    # far faster than the normal pace (``normal_live`` series updates per 0.5 s; 5x, not
    # 10x: a busy machine reads the flood slower, and the normal pace can't reach even 2x) ...
    assert len(updates) / elapsed > 5 * max(1, normal_live * 2)
    # ... and several frames per message
    assert len(updates) / max(1, client.messages - before) >= 10


@pytest.mark.parametrize("status", [403, 429])
def test_handshake_status_refuses_the_upgrade(sim, status):
    sim.faults.handshake_status = status
    with pytest.raises(websocket.WebSocketBadStatusException) as info:
        RawClient(sim.ws_url)
    assert info.value.status_code == status
    assert sim.stats.handshakes_refused == 1
    assert sim.stats.connections == 0
    sim.faults.handshake_status = None
    client = RawClient(sim.ws_url)
    try:
        client.read()
    finally:
        client.close()
    assert sim.stats.connections == 1


def test_silent_keeps_the_connection_open_but_sends_nothing(sim_factory, connect):
    sim = sim_factory(heartbeat_interval=0.4)
    client = connect(sim)
    _subscribe(client)
    sim.faults.silent = True
    client.read_for(0.3)  # whatever was already in flight
    quiet = client.read_for(1.0)  # longer than two heartbeat intervals
    assert quiet == []
    assert not client.closed
    sim.faults.silent = False
    client.wait_new(lambda e: isinstance(e, SeriesData), timeout=3)
    client.wait_new(lambda e: isinstance(e, Heartbeat), timeout=3)


def test_http_delay_slows_answers(sim):
    sim.faults.http_delay = 1.0
    url = f"{sim.http_url}/symbol?symbol=NYSE%3AIBM&fields=market&no_404=false"
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        urllib.request.urlopen(url, timeout=0.3)
    sim.faults.http_delay = 0.0
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
