"""Cases staged by a raw TCP WebSocket server: a read blocked mid-frame, server errors and a
consumer whose sink raises."""

from __future__ import annotations

import time

from tests.support import eventually
from tvtui.feed import wire
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import CriticalError, LinkState, QuoteUpdate

from .helpers import Collector, RawServer, ws_text_frame


def _client(server: RawServer, sink) -> FeedClient:
    return FeedClient(endpoints=Endpoints.from_env({"TVTUI_WS_URL": server.url}), sink=sink)


def test_close_returns_within_a_second_while_a_read_is_blocked():
    # The header of a 4 KB frame, cut short: the client's read waits for the rest.
    server = RawServer([bytes([0x81, 126, 0x10])])
    events = Collector()
    client = _client(server, events)
    client.start()
    try:
        assert server.scripted.wait(10), "client never connected"
        time.sleep(0.3)  # the client is now inside the read of the cut frame
        assert client.state == LinkState.CONNECTED
        started = time.monotonic()
        client.close()
        elapsed = time.monotonic() - started
        assert elapsed < 1.0, f"close() took {elapsed:.2f} s"
        assert client.state == LinkState.CLOSED
        assert events.snapshot()[-1].state == LinkState.CLOSED
    finally:
        client.close()
        server.close()


def test_close_before_start_and_twice_is_harmless():
    client = FeedClient(endpoints=Endpoints.from_env({"TVTUI_WS_URL": "ws://127.0.0.1:9"}))
    client.add_symbols("BINANCE:BTCUSDT")
    client.close()
    client.close()
    assert client.state == LinkState.CLOSED


def test_critical_errors_and_a_raising_sink_do_not_stop_the_feed():
    critical = wire.encode(
        {"m": "critical_error", "p": ["qs_x", "invalid_parameters", "quote_add_symbols"]}
    )
    quote = wire.encode(
        {"m": "qsd", "p": ["qs_x", {"n": "BINANCE:BTCUSDT", "s": "ok", "v": {"lp": 1.5}}]}
    )
    # One message holds the error, a heartbeat and a quote; another quote follows alone.
    server = RawServer(
        [
            ws_text_frame((critical + wire.heartbeat("~h~1") + quote).encode()),
            ws_text_frame(quote.encode()),
        ]
    )
    seen = Collector()

    def sink(event):
        seen(event)
        if isinstance(event, CriticalError):
            raise RuntimeError("a consumer bug")

    client = _client(server, sink)
    client.add_symbols("BINANCE:BTCUSDT")  # quotes are kept only for subscribed symbols
    client.start()
    try:
        seen.wait_for(lambda evs: sum(isinstance(e, QuoteUpdate) for e in evs) == 2)
        error = seen.of(CriticalError)[0]
        assert (error.session, error.name, error.detail) == (
            "qs_x",
            "invalid_parameters",
            "quote_add_symbols",
        )
        assert client.state == LinkState.CONNECTED
        # (the server's bytes from the client are masked: count on the client's side)
        eventually(lambda: client.stats.heartbeats_echoed >= 1, 5, "the heartbeat echoed")
        assert client.stats.heartbeats_echoed == 1
    finally:
        client.close()
        server.close()
