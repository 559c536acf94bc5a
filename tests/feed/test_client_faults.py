"""FeedClient against a misbehaving simulator: drops, outages, garbage, refusals, bad tokens,
silence. Every wait is bounded; no test asserts on how long something took, only on what
happened within a generous bound."""

from __future__ import annotations

import logging
import time

import pytest

from tests.support import eventually, holds_for
from tvtui.feed.backoff import Backoff
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import (
    ConnectionStatus,
    LinkState,
    MalformedFrame,
    ProtocolError,
    QuoteUpdate,
    SeriesData,
    StudyData,
)
from tvtui.feed.studies import fetch_indicator

from .helpers import CHART_ORDER, CONNECT_ORDER, assert_true_and_continuous


def _count(events, kind, **match):
    return sum(
        1
        for e in events
        if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())
    )


def _client_logs(caplog) -> str:
    """What the client side logged (the simulator's own server logs are not ours)."""
    return "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith(("tvtui.feed", "websocket"))
    )


def _connected_count(events) -> int:
    return _count(events, ConnectionStatus, state=LinkState.CONNECTED)


def test_every_subscription_is_restored_after_the_server_drops_us(sim, collector, make_client):
    client = make_client(sim, collector)
    client.add_symbols("BINANCE:BTCUSDT", "NASDAQ:AAPL")
    handle = client.open_series("BINANCE:ETHUSDT", "1m", 20)
    study = client.add_study(
        handle, fetch_indicator("STD;RSI", "last", Endpoints.from_env(sim.env()))
    )
    collector.wait_for(lambda evs: _count(evs, StudyData, study_id=study) > 0)
    first = len(sim.received)

    sim.go_down()
    sim.come_back()
    collector.wait_for(lambda evs: _connected_count(evs) == 2)
    lost = next(e for e in collector.of(ConnectionStatus) if e.state == LinkState.RECONNECTING)
    assert lost.message.startswith("Connection lost (")
    assert "reconnecting in" in lost.message and "(attempt 1)" in lost.message
    assert lost.retry_in > 0 and lost.attempt == 1
    mark = len(collector.snapshot())
    # Data of every kind flows again, on the same session and series ids.
    collector.wait_for(
        lambda evs: (
            _count(evs[mark:], QuoteUpdate, symbol="NASDAQ:AAPL")
            and _count(evs[mark:], SeriesData, session=handle.chart_session, series_id="sds_1")
            and _count(evs[mark:], StudyData, session=handle.chart_session, study_id=study)
        )
    )
    replayed = sim.received[first:]
    methods = [m["m"] for m in replayed]
    assert methods[:11] == [*CONNECT_ORDER, *CHART_ORDER, "create_study"]
    assert replayed[2]["p"] == [client.quote_session]
    assert replayed[4]["p"][1:] == ["BINANCE:BTCUSDT", "NASDAQ:AAPL"]
    assert replayed[9]["p"][:5] == [handle.chart_session, "sds_1", "s1", "sds_sym_1", "1"]
    assert replayed[10]["p"][:2] == [handle.chart_session, study]
    assert client.stats.reconnects == 1


def test_an_outage_of_three_seconds_is_backfilled_without_a_gap(sim, collector, make_client):
    # 3 s at time_scale 300 is 15 one-minute bars: more than the 10 the series asked for, so
    # only the backfill (a bigger create_series on replay) can close the gap.
    client = make_client(sim, collector)
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 10)
    collector.wait_for(lambda evs: _count(evs, SeriesData, update="live") >= 3)
    sim.go_down()
    down_at = sim.now()
    # down while 15 one-minute bars pass on the simulator's clock (3 s at time_scale 300)
    eventually(lambda: sim.now() - down_at >= 15 * 60, 15, "15 bars' time down")
    sim.come_back()
    collector.wait_for(lambda evs: _connected_count(evs) == 2, timeout=15)
    mark = len(collector.snapshot())
    collector.wait_for(lambda evs: _count(evs[mark:], SeriesData, update="live") >= 3)
    replay = [m for m in sim.received if m["m"] == "create_series"]
    assert len(replay) == 2 and replay[0]["p"][5] == 10
    assert 17 <= replay[1]["p"][5] <= 5000  # >= 15 missed bars + 2
    assert_true_and_continuous(
        sim, collector.bars(handle.chart_session), "BINANCE:BTCUSDT", "1", 60
    )


@pytest.mark.slow
def test_repeated_drops_lose_no_bar_and_duplicate_none(sim, collector, make_client):
    sim.faults.drop_every = 2.0
    client = make_client(sim, collector)
    client.add_symbols("BINANCE:BTCUSDT")
    # count=3 is less than the bars missed while reconnecting: backfill has to do the work.
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 3)
    study = client.add_study(
        handle, fetch_indicator("STD;RSI", "last", Endpoints.from_env(sim.env()))
    )
    collector.wait_for(lambda evs: _connected_count(evs) >= 8, timeout=40)
    sim.faults.drop_every = None
    mark = len(collector.snapshot())
    collector.wait_for(
        lambda evs: (
            _count(evs[mark:], SeriesData, update="live") >= 3
            and _count(evs[mark:], StudyData, study_id=study)
        )
    )
    assert sim.stats.drops >= 7
    assert client.stats.reconnects >= 7
    merged = collector.bars(handle.chart_session)
    assert len(merged) >= 60  # ~16 s at 5 bars/s, minus the reconnect pauses
    assert_true_and_continuous(sim, merged, "BINANCE:BTCUSDT", "1", 60)
    # Study points exist after every reconnect, and quotes kept coming too.
    connects = [
        i
        for i, e in enumerate(collector.snapshot())
        if isinstance(e, ConnectionStatus) and e.state == LinkState.CONNECTED
    ]
    events = collector.snapshot()
    for start, end in zip(connects, [*connects[1:], len(events)], strict=True):
        window = events[start:end]
        if end - start > 50:  # a connection that lived long enough to see data
            assert _count(window, StudyData, study_id=study)
            assert _count(window, QuoteUpdate, symbol="BINANCE:BTCUSDT")


def test_garbage_frames_are_counted_and_lose_no_valid_data(sim, collector, make_client):
    sim.faults.malformed_every = 3
    client = make_client(sim, collector)
    client.add_symbols("BINANCE:BTCUSDT")
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 20)
    collector.wait_for(lambda evs: _count(evs, SeriesData) >= 25)
    sim.faults.silent = True  # let the socket drain, then compare what was sent and read
    eventually(
        lambda: (
            client.stats.frames == sim.stats.frames_sent
            and client.stats.dropped_frames == sim.stats.malformed_sent
        ),
        10,
        "every frame sent read or counted",
    )
    stats = client.stats
    assert sim.stats.malformed_sent >= 8
    assert stats.frames == sim.stats.frames_sent  # every good frame was read
    assert stats.dropped_frames == sim.stats.malformed_sent  # every bad one was counted
    assert sum(e.count for e in collector.of(MalformedFrame)) == stats.dropped_frames
    assert client.state == LinkState.CONNECTED and stats.connections == 1
    assert_true_and_continuous(
        sim, collector.bars(handle.chart_session), "BINANCE:BTCUSDT", "1", 60
    )


@pytest.mark.parametrize("status", [403, 503])
def test_a_refused_handshake_backs_off_instead_of_hammering(sim, collector, make_client, status):
    sim.faults.handshake_status = status
    started = time.monotonic()
    client = make_client(sim, collector, backoff=Backoff(initial=0.5, cap=2.0))
    # the third refusal: tries at 0, 0.5, 1.5 s (+/- 20% jitter); a hot loop is there at once
    collector.wait_for(lambda evs: _count(evs, ConnectionStatus, state=LinkState.RECONNECTING) >= 3)
    assert time.monotonic() - started >= 1.5 * 0.8
    attempts = len(sim.handshakes)
    assert 3 <= attempts <= 4, attempts
    refused = [e for e in collector.of(ConnectionStatus) if e.state == LinkState.RECONNECTING]
    assert refused[0].message.startswith(f"TradingView refused the connection (HTTP {status} ")
    assert "; retrying in " in refused[0].message
    assert [e.attempt for e in refused[:3]] == [1, 2, 3]
    sim.faults.handshake_status = None
    collector.wait_state(LinkState.CONNECTED, timeout=10)
    assert client.state == LinkState.CONNECTED


def test_403s_short_then_long_only_once_the_server_keeps_refusing(sim, collector, make_client):
    """Issue 9.2: short waits for the first refusals (a server coming back after a restart),
    long ones (30 s) from the 10th 403 in a row (the address is blocked: hammering makes it
    worse); ``reconnect()`` still skips the wait, and a success starts the count over."""
    sim.faults.handshake_status = 403
    client = make_client(sim, collector, backoff=Backoff(initial=0.01, cap=0.02))

    def refusals(events):
        return [
            e
            for e in events
            if isinstance(e, ConnectionStatus) and e.state is LinkState.RECONNECTING
        ]

    collector.wait_for(lambda evs: len(refusals(evs)) >= 10)
    delays = [e.retry_in for e in refusals(collector.snapshot())]
    assert all(d <= 0.02 for d in delays[:9]) and delays[9] == 30.0, delays
    assert "retrying in 30 s" in refusals(collector.snapshot())[9].message
    sim.faults.handshake_status = None
    client.reconnect()
    collector.wait_state(LinkState.CONNECTED, timeout=5)
    assert len(sim.handshakes) == 11


def test_429_waits_longer_and_reconnect_skips_the_wait(sim, collector, make_client):
    sim.faults.handshake_status = 429
    client = make_client(sim, collector)
    refused = collector.wait_state(LinkState.RECONNECTING)
    assert refused.message == (
        "TradingView refused the connection (HTTP 429 Too Many Requests); retrying in 8 s"
    )
    assert refused.retry_in == 8.0
    holds_for(lambda: len(sim.handshakes) == 1, 1.5, "no second try within the 8 s")
    sim.faults.handshake_status = None
    client.reconnect()
    collector.wait_state(LinkState.CONNECTED, timeout=5)
    assert len(sim.handshakes) == 2


def test_a_bad_token_fails_once_and_does_not_storm(sim, collector, make_client, caplog):
    token = "not-a-valid-token-s3cret"
    caplog.set_level(logging.DEBUG, logger="tvtui.feed")
    caplog.set_level(logging.DEBUG, logger="websocket")
    client = make_client(sim, collector, token=token)
    client.add_symbols("BINANCE:BTCUSDT")
    failed = collector.wait_state(LinkState.AUTH_FAILED)
    assert failed.message == (
        "TradingView rejected the auth token (bad auth token). "
        "Set TRADINGVIEW_JWT_TOKEN to a valid token."
    )
    assert collector.of(ProtocolError)[0].reason == "bad auth token"
    holds_for(lambda: len(sim.handshakes) == 1, 2.0, "no automatic retry")
    assert client.state == LinkState.AUTH_FAILED
    client.reconnect()  # an explicit retry is allowed, and fails the same way
    collector.wait_for(lambda evs: _count(evs, ConnectionStatus, state=LinkState.AUTH_FAILED) == 2)
    assert len(sim.handshakes) == 2
    texts = [e.message for e in collector.of(ConnectionStatus)] + [
        repr(client),
        _client_logs(caplog),
    ]
    assert not [t for t in texts if token in t]


def test_a_jwt_shaped_token_is_sent_but_never_shown(sim, collector, make_client, caplog):
    token = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoxfQ.c2lnbmF0dXJlc2VjcmV0"
    caplog.set_level(logging.DEBUG, logger="tvtui.feed")
    caplog.set_level(logging.DEBUG, logger="websocket")
    client = make_client(sim, collector, token=token)
    collector.wait_state(LinkState.CONNECTED)
    collector.wait_for(lambda evs: sim.received)
    assert sim.received[0] == {"m": "set_auth_token", "p": [token]}
    sim.go_down()
    sim.come_back()
    collector.wait_for(lambda evs: _connected_count(evs) == 2)
    texts = [e.message for e in collector.of(ConnectionStatus)] + [
        repr(client),
        _client_logs(caplog),
    ]
    assert not [t for t in texts if token in t]


def test_a_silent_server_is_declared_stale_and_replaced(sim, collector, make_client):
    client = make_client(sim, collector)
    client.add_symbols("BINANCE:BTCUSDT")
    collector.wait_state(LinkState.CONNECTED)
    # the client learns the heartbeat period (1 s here) from the interval between two
    eventually(lambda: client.stats.heartbeats_echoed >= 3, 15, "three heartbeats")
    sim.faults.silent = True
    stale = collector.wait_state(LinkState.STALE, timeout=10)
    assert stale.message.startswith(f"No data from {sim.ws_url} for ")
    sim.faults.silent = False
    collector.wait_for(lambda evs: _connected_count(evs) == 2, timeout=10)
    mark = len(collector.snapshot())
    collector.wait_for(lambda evs: _count(evs[mark:], QuoteUpdate, symbol="BINANCE:BTCUSDT"))
    assert sim.stats.connections == 2


def test_a_server_that_never_says_hello_is_left_after_connect_timeout(sim, collector, make_client):
    sim.faults.silent = True
    make_client(sim, collector, connect_timeout=1.0, backoff=Backoff(initial=0.2, cap=0.5))
    lost = collector.wait_state(LinkState.RECONNECTING, timeout=5)
    assert lost.message.startswith("Connection lost (no hello within 1 s)")
    sim.faults.silent = False
    collector.wait_state(LinkState.CONNECTED, timeout=10)


def test_a_server_that_is_down_is_retried_until_it_comes_back(sim, collector, make_client):
    sim.go_down()
    make_client(sim, collector, backoff=Backoff(initial=0.2, cap=1.0))
    failed = collector.wait_state(LinkState.RECONNECTING)
    assert failed.message.startswith(f"Could not connect to {sim.ws_url} (connection refused)")
    sim.come_back()
    collector.wait_state(LinkState.CONNECTED, timeout=10)


def test_reconnect_on_a_healthy_link_replays_at_once(sim, collector, make_client):
    client = make_client(sim, collector)
    client.add_symbols("NASDAQ:AAPL")
    collector.wait_state(LinkState.CONNECTED)
    client.reconnect()
    collector.wait_for(lambda evs: _connected_count(evs) == 2)
    assert sim.stats.connections == 2
    collector.wait_for(lambda evs: [m["m"] for m in sim.received].count("quote_add_symbols") == 2)
    assert not [e for e in collector.of(ConnectionStatus) if e.state == LinkState.RECONNECTING]
