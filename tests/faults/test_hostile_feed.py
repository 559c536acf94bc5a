"""Hostile servers against the feed layer (issue 17: 1, 5, 6, 8, 11).

Each test stands up a small WebSocket server on 127.0.0.1 (``tests.feed.helpers.HostileServer``)
that does one thing a real server might and the simulator won't: a bar time of ``"x"``, a
frame trickled in a byte at a time, quotes for symbols nobody asked for, megabyte-long texts,
a clock that lies about how long the link was down. The client must carry on, live, with
bounded memory and no gap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from tests.feed.helpers import Collector, HostileServer, Peer
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import (
    ConnectionStatus,
    CriticalError,
    LinkState,
    MalformedFrame,
    QuoteUpdate,
    RawPackets,
    SeriesData,
    SeriesError,
    SymbolError,
)
from tvtui.feed.registry import Registry
from tvtui.feed.untrusted import CUT_MARK, FEED_LIMIT

T0 = 1_717_977_600  # a minute boundary
SYMBOL = "BINANCE:BTCUSDT"


def bar(i: int) -> dict:
    """Bar ``i`` (open time ``T0 + 60 i``), the same whoever asks."""
    price = 100.0 + i
    return {"i": i, "v": [T0 + 60.0 * i, price, price + 2, price - 1, price + 1, 10.0 + i]}


def history(cs: str, bars: list[dict]) -> dict:
    return {"m": "timescale_update", "p": [cs, {"sds_1": {"s": bars, "t": "s1"}}]}


def live(cs: str, row: dict) -> dict:
    return {"m": "du", "p": [cs, {"sds_1": {"s": [row], "t": "s1"}}]}


def completed(cs: str) -> dict:
    return {"m": "series_completed", "p": [cs, "sds_1", "streaming", "s1", {}]}


@pytest.fixture
def servers() -> Iterator[list[HostileServer]]:
    made: list[HostileServer] = []
    yield made
    for server in made:
        server.close()
        assert not server.errors, server.errors


@pytest.fixture
def clients() -> Iterator[list[FeedClient]]:
    made: list[FeedClient] = []
    yield made
    for client in made:
        client.close()


def start(
    server: HostileServer, clients: list[FeedClient], **kwargs
) -> tuple[FeedClient, Collector]:
    seen = Collector()
    client = FeedClient(endpoints=Endpoints.from_env(server.env()), sink=seen, **kwargs)
    clients.append(client)
    return client, seen


def connected(seen: Collector, count: int):
    return lambda evs: sum(
        isinstance(e, ConnectionStatus) and e.state is LinkState.CONNECTED for e in evs
    ) >= count  # fmt: skip


# --- 17.1 -------------------------------------------------------------------------------------


def test_a_bar_time_of_x_or_null_is_a_counted_malformed_frame_and_the_feed_goes_on(
    servers, clients
) -> None:
    """Before: ``TypeError`` in the registry's bar-time bookkeeping on the socket thread,
    "feed client thread crashed", status closed for good, ``reconnect()`` ignored."""

    def script(peer: Peer) -> None:
        cs = peer.wait_for("create_series")["p"][0]
        if peer.number == 1:
            peer.send(history(cs, [bar(0), bar(1)]), completed(cs))
            bad_x = {"i": 2, "v": ["x", 1.0, 2.0, 0.5, 1.5, 3.0]}
            bad_null = {"i": 2, "v": [None, 1.0, 2.0, 0.5, 1.5, 3.0]}
            bad_price = {"i": 2, "v": [T0 + 120.0, "1.5", 2.0, 0.5, 1.5, 3.0]}
            peer.send(live(cs, bad_x), live(cs, bad_null), live(cs, bad_price), live(cs, bar(2)))
        else:
            peer.send(history(cs, [bar(1), bar(2), bar(3)]), completed(cs))
        peer.hold()

    server = HostileServer(script)
    servers.append(server)
    client, seen = start(server, clients)
    handle = client.open_series(SYMBOL, "1m", 2)
    client.start()
    seen.wait_for(lambda evs: T0 + 120.0 in seen.bars(handle.chart_session))
    assert client.state is LinkState.CONNECTED
    assert client.stats.dropped_frames == 3
    assert sum(e.count for e in seen.of(MalformedFrame)) == 3
    assert all(
        isinstance(b.time, float) and isinstance(b.close, float)
        for e in seen.of(SeriesData)
        for b in e.bars
    )
    # The socket thread is alive: reconnect() is heard and the series comes back.
    client.reconnect()
    seen.wait_for(connected(seen, 2))
    seen.wait_for(lambda evs: T0 + 180.0 in seen.bars(handle.chart_session))
    assert client.stats.internal_errors == 0


def test_an_unexpected_error_on_the_socket_thread_is_logged_counted_and_the_link_replaced(
    servers, clients, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever a check missed: the error is logged with its traceback, counted in the
    stats, and the client reconnects (it never becomes a silent dead thread)."""
    original = Registry.note_bars
    calls = {"n": 0}

    def note_bars(self, *args) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("a bug no packet should reach")
        original(self, *args)

    monkeypatch.setattr(Registry, "note_bars", note_bars)

    def script(peer: Peer) -> None:
        cs = peer.wait_for("create_series")["p"][0]
        peer.send(history(cs, [bar(0), bar(1)]), completed(cs), live(cs, bar(1)))
        peer.hold()

    server = HostileServer(script)
    servers.append(server)
    client, seen = start(server, clients)
    client.open_series(SYMBOL, "1m", 2)
    with caplog.at_level(logging.ERROR, logger="tvtui.feed.client"):
        client.start()
        seen.wait_for(connected(seen, 2))
    assert client.stats.internal_errors == 1
    assert server.connections == 2
    lost = [e for e in seen.of(ConnectionStatus) if e.state is LinkState.RECONNECTING]
    assert lost and "internal error: RuntimeError" in lost[0].message
    assert any("RuntimeError" in r.getMessage() and r.exc_info for r in caplog.records)
    assert LinkState.CLOSED not in seen.states()


# --- 17.5 -------------------------------------------------------------------------------------


def trickle(peer: Peer, started: threading.Event | None = None) -> None:
    """The header of a 10 MB text frame, then one byte a second (under the 5 s socket
    timeout) until the client goes away; ``started`` is set once the second byte is out (the
    client has had a second to be well inside the read of the frame)."""
    peer.wait_for("set_locale")
    if peer.number > 1:
        peer.hold()
        return
    peer.send_raw(bytes([0x81, 127]) + (10 * 2**20).to_bytes(8, "big"))
    for n in range(60):
        peer.send_raw(b"~")
        if started is not None and n >= 1:
            started.set()
        time.sleep(1.0)  # the server's pace, not a wait of the test


def test_a_trickled_frame_is_judged_by_whole_messages_stale_and_replaced(servers, clients) -> None:
    """Before: ``recv`` never returned, no stale detection, status "connected" forever."""
    server = HostileServer(trickle)
    servers.append(server)
    client, seen = start(server, clients, stale_after=3.0)
    client.start()
    seen.wait_for(connected(seen, 1))
    started = time.monotonic()
    stale = seen.wait_state(LinkState.STALE, timeout=10)
    assert time.monotonic() - started < 5.0  # the 3 s limit, checked every 0.25 s
    assert "no whole message" in stale.message.lower()
    seen.wait_for(connected(seen, 2), timeout=10)
    assert client.stats.stuck_reads == 1


def test_reconnect_is_heard_while_a_frame_is_trickling_in(servers, clients) -> None:
    """Before: ``reconnect()`` went to a queue the stuck socket thread never read."""
    trickling = threading.Event()
    server = HostileServer(lambda peer: trickle(peer, trickling))
    servers.append(server)
    client, seen = start(server, clients, stale_after=60.0)
    client.start()
    seen.wait_for(connected(seen, 1))
    assert trickling.wait(10), "the frame never started"  # the client is inside its read
    asked = time.monotonic()
    client.reconnect()
    seen.wait_for(connected(seen, 2), timeout=5)
    assert time.monotonic() - asked < 2.0
    assert LinkState.STALE not in seen.states()


# --- 17.6 -------------------------------------------------------------------------------------


def test_quotes_for_symbols_never_subscribed_are_counted_and_dropped(servers, clients) -> None:
    """Before: every one was merged into the quote book forever and handed on (609k symbols,
    362 MB in 50 s)."""
    flood = 2000

    def script(peer: Peer) -> None:
        qs = peer.wait_for("quote_add_symbols")["p"][0]
        for i in range(flood):
            peer.send({"m": "qsd", "p": [qs, {"n": f"X:JUNK{i}", "s": "ok", "v": {"lp": 1.0}}]})
        peer.send({"m": "qsd", "p": [qs, {"n": SYMBOL, "s": "ok", "v": {"lp": 2.0}}]})
        peer.hold()

    server = HostileServer(script)
    servers.append(server)
    client, seen = start(server, clients, packets=True)
    client.add_symbols(SYMBOL)
    client.start()
    seen.wait_for(lambda evs: any(isinstance(e, QuoteUpdate) for e in evs))
    seen.wait_for(lambda evs: client.stats.unsubscribed_quotes == flood)
    assert {e.symbol for e in seen.of(QuoteUpdate)} == {SYMBOL}
    assert client._quotes.symbols() == [SYMBOL]  # the book holds nothing else
    raw = [p for e in seen.of(RawPackets) for p in e.packets if p.get("m") == "qsd"]
    assert [p["p"][1]["n"] for p in raw] == [SYMBOL]


# --- 17.8 -------------------------------------------------------------------------------------


def test_megabyte_texts_are_cut_at_the_feed_boundary(servers, clients) -> None:
    """Before: a 50 MB description was kept whole and froze the app when shown."""
    huge = "[/]" + "A" * 1_000_000

    def script(peer: Peer) -> None:
        qs = peer.wait_for("quote_add_symbols")["p"][0]
        cs = peer.wait_for("create_series")["p"][0]
        peer.send(
            {"m": "qsd", "p": [qs, {"n": SYMBOL, "s": "ok", "v": {"description": huge,
                                                                 "lp": 1.0}}]},
            {"m": "symbol_error", "p": [cs, "sds_sym_1", huge]},
            {"m": "series_error", "p": [cs, "sds_1", "s1", huge]},
            {"m": "critical_error", "p": [cs, huge, huge]},
        )  # fmt: skip
        peer.hold()

    server = HostileServer(script)
    servers.append(server)
    client, seen = start(server, clients)
    client.add_symbols(SYMBOL)
    client.open_series(SYMBOL, "1m", 2)
    client.start()
    seen.wait_for(lambda evs: any(isinstance(e, CriticalError) for e in evs))
    texts = [
        seen.of(QuoteUpdate)[0].quote["description"],
        seen.of(SymbolError)[0].reason,
        seen.of(SeriesError)[0].reason,
        seen.of(CriticalError)[0].name,
        seen.of(CriticalError)[0].detail,
    ]
    for text in texts:
        assert len(text) == FEED_LIMIT and text.startswith("[/]") and text.endswith(CUT_MARK)
    assert seen.of(QuoteUpdate)[0].quote["lp"] == 1.0


# --- 17.11 ------------------------------------------------------------------------------------


def test_backfill_asks_for_more_until_it_overlaps_whatever_the_servers_clock_says(
    servers, clients
) -> None:
    """The link is down while 35 bars pass, but the server's hello says no time passed:
    sized by that clock, the reconnect's history starts 30 bars after the last bar held.
    Before: that gap stayed. Now the client asks for more until the two overlap."""
    newest = 40
    asked: list[int] = []

    def script(peer: Peer) -> None:
        created = peer.wait_for("create_series")
        cs, count = created["p"][0], created["p"][5]
        if peer.number == 1:
            peer.send(history(cs, [bar(i) for i in range(6)]), completed(cs))
            time.sleep(0.3)
            return  # drop the link
        first = newest + 1 - count
        peer.send(history(cs, [bar(i) for i in range(first, newest + 1)]), completed(cs))
        while first > 0:
            more = peer.wait_for("request_more_data", timeout=5)["p"][2]
            asked.append(more)
            start_at = max(0, first - more)
            peer.send(history(cs, [bar(i) for i in range(start_at, first)]), completed(cs))
            first = start_at
            if first <= 5:
                break
        peer.hold()

    # Both hellos carry the same timestamp: the time of bar 5, as if the link was never down.
    server = HostileServer(script, hello={"session_id": "liar", "timestamp": T0 + 300})
    servers.append(server)
    client, seen = start(server, clients)
    handle = client.open_series(SYMBOL, "1m", 5)
    client.start()
    seen.wait_for(connected(seen, 2))
    merged = seen.wait_for(
        lambda evs: (m := seen.bars(handle.chart_session)) and len(m) == newest + 1 and m,
        timeout=10,
    )
    assert sorted(merged) == [T0 + 60.0 * i for i in range(newest + 1)]
    assert all(merged[T0 + 60.0 * i].close == 101.0 + i for i in range(newest + 1))
    assert asked and asked[0] >= 30
