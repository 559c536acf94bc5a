"""One frame in ten malformed (bad LEN, bad JSON, empty, truncated, binary): every valid frame
kept, every bad one counted. Heartbeats: every one echoed, also when packed with data; a
silent server is declared stale (client and app)."""

from __future__ import annotations

import logging
from pathlib import Path

import orjson

from tests.feed.helpers import Collector, assert_true_and_continuous
from tests.support import SIZE, LinkTexts, app_for, eventually, wait_until
from tvtui.feed.events import ConnectionStatus, LinkState, MalformedFrame
from tvtui.stream import RealTimeData
from tvtui.ui.scenes import data_ready
from tvtui.ui.widgets.status import StatusLine


def settle(sim, client, timeout: float = 10.0) -> None:
    """Silence the server and wait until the client has read every frame it was sent (and
    counted every malformed one: a malformed tail message follows its good frames)."""
    sim.faults.silent = True
    eventually(
        lambda: (
            client.stats.frames == sim.stats.frames_sent
            and client.stats.dropped_frames == sim.stats.malformed_sent
        ),
        timeout,
        "the client to read every frame sent",
    )


def test_one_frame_in_ten_malformed_keeps_every_valid_frame(sim, collector, make_client) -> None:
    sim.faults.malformed_every = 10
    client = make_client(sim, collector)
    client.add_symbols("BINANCE:BTCUSDT", "NASDAQ:AAPL")
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 20)
    collector.wait_for(lambda evs: sim.stats.malformed_sent >= 15, timeout=20)
    settle(sim, client)
    stats = client.stats
    assert sim.stats.malformed_sent >= 15  # three rounds of all five kinds
    assert stats.frames == sim.stats.frames_sent  # every good frame read
    assert stats.dropped_frames == sim.stats.malformed_sent  # every bad one counted
    assert sum(e.count for e in collector.of(MalformedFrame)) == stats.dropped_frames
    assert stats.connections == 1 and client.state is LinkState.CONNECTED
    assert_true_and_continuous(
        sim, collector.bars(handle.chart_session), "BINANCE:BTCUSDT", "1", 60
    )


def test_realtimedata_yields_every_packet_sent_through_the_garbage(sim_env, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="tvtui")
    sim_env.faults.malformed_every = 10
    got: list[dict] = []
    with RealTimeData() as live:
        for packet in live.get_ohlcv("BINANCE:BTCUSDT"):
            got.append(packet)
            if sim_env.stats.malformed_sent >= 15 and len(got) >= 200:
                break
    # the simulator records a packet just after sending it: a busy machine can show us one
    # it has not noted yet
    eventually(lambda: len(sim_env.sent) >= len(got), 10, "the simulator's record")
    sent = [orjson.loads(orjson.dumps(p)) for p in sim_env.sent]
    # Exactly what the server sent, in order, none lost, none invented (the client lags the
    # server, so the server may have sent a few more by now).
    assert got == sent[: len(got)]
    skipped = [r for r in caplog.records if "malformed frame" in r.getMessage()]
    assert len(skipped) >= 10


def test_every_heartbeat_is_echoed_also_when_packed_with_data(sim_factory, make_client) -> None:
    # Heartbeats every 0.3 s, ticks every 0.05 s: every other heartbeat rides in a message
    # with data. A missed echo would close the link after 3 s (long enough for a client that a
    # busy machine keeps waiting a second; the run lasts longer) and leave the counts unequal.
    sim = sim_factory(heartbeat_interval=0.3, heartbeat_timeout=3.0, tick_interval=0.05)
    collector = Collector()
    client = make_client(sim, collector, start=False)
    packed = [0]
    read = client._on_message

    def spy(data):
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        if "~h~" in text and '~m~{"m"' in text:
            packed[0] += 1
        return read(data)

    client._on_message = spy
    client.add_symbols("BINANCE:BTCUSDT")
    client.open_series("BINANCE:BTCUSDT", "1m", 10)
    client.start()
    collector.wait_for(lambda evs: sim.stats.heartbeats_sent >= 15, timeout=15)
    settle(sim, client)
    assert packed[0] >= 5  # the packed case really happened
    # (the client counts a frame as read just before it sends the echo: wait for that too)
    eventually(
        lambda: client.stats.heartbeats_echoed == sim.stats.heartbeats_sent, 5, "every echo sent"
    )
    eventually(
        lambda: sim.stats.heartbeats_echoed == sim.stats.heartbeats_sent, 5, "every echo back"
    )
    assert sim.stats.heartbeat_timeouts == 0 and sim.stats.connections == 1


async def test_a_silent_server_is_declared_stale_by_the_client_and_shown_by_the_app(
    sim_factory, make_client, tmp_path: Path
) -> None:
    """The client says STALE and replaces the link; the app's status line says why (no data
    for N s) while it reconnects, then connected again. (The client's STALE is followed at
    once by RECONNECTING, so the line shows the reason rather than the word "stale".)"""
    sim = sim_factory(time_scale=60.0, tick_interval=0.1, heartbeat_interval=1.0)
    collector = Collector()
    client = make_client(sim, collector)
    client.add_symbols("BINANCE:BTCUSDT")
    app_clients: list = []
    app = app_for(sim, tmp_path, clients=app_clients, symbols=["NASDAQ:AAPL"], timeframe="1m")
    async with app.run_test(size=SIZE) as pilot:
        sample = LinkTexts(app.query_one(StatusLine))
        seen = sample.seen
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        # Both clients learn the heartbeat period (1 s) from the interval between two
        # heartbeats; until then they allow 20 s of silence.
        everyone = [client, *app_clients]
        await wait_until(
            pilot,
            lambda: all(c.stats.heartbeats_echoed >= 3 for c in everyone),
            15,
            "three heartbeats on both links",
        )
        sim.faults.silent = True
        await wait_until(pilot, lambda: "no data for" in sample(), 10, "the silence noticed")
        assert seen[-1].startswith(("◌ stale", "↻ reconnecting"))
        stale = collector.wait_state(LinkState.STALE, timeout=15)
        assert stale.message.startswith(f"No data from {sim.ws_url} for ")
        sim.faults.silent = False
        # a liveness bound, not a timing claim (test_outage.py holds the reconnect times):
        # generous for a machine whose cores are both busy
        await wait_until(pilot, lambda: sample() == "● connected", 45, "connected again")

    def stale_then_connected(events) -> bool:
        states = [e.state for e in events if isinstance(e, ConnectionStatus)]
        return LinkState.CONNECTED in states[states.index(LinkState.STALE) :]

    # The app and the test's own client reconnect independently: wait for the client too.
    collector.wait_for(stale_then_connected, timeout=45)  # as the app above: liveness only
    states = collector.states()
    after = states[states.index(LinkState.STALE) :]
    assert after[1] is LinkState.RECONNECTING and LinkState.CONNECTED in after
    assert sim.stats.connections >= 4  # both stale links were replaced


def test_heartbeats_without_a_hello_do_not_keep_a_link_connecting(sim_factory, make_client) -> None:
    """The hello must arrive within ``connect_timeout`` of the connection (linkinfo.watch_limit
    says so). A connection opened while the server was silent never gets one (the simulator
    sends it once, at the start), yet receives heartbeats once the silence ends: the client
    must give that link up and connect again. Before: it waited for ever, each heartbeat
    restarting the wait. (This is what the silent-server test above hits when its client
    reconnects before the silence ends.)"""
    sim = sim_factory(heartbeat_interval=0.3)
    sim.faults.silent = True
    collector = Collector()
    make_client(sim, collector, connect_timeout=4.0)
    eventually(lambda: sim.stats.connections >= 1, 10, "the first connection")
    sim.faults.silent = False  # heartbeats from now on; that connection's hello is gone
    collector.wait_state(LinkState.CONNECTED, timeout=20)
    assert sim.stats.connections >= 2
