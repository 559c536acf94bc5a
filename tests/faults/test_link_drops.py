"""Connection dropped every 2 s for 30 s: nothing lost, nothing doubled, every subscription
back after each reconnect, and a status that tells the truth (client, library, app)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from tests.feed.helpers import Collector, assert_true_and_continuous
from tests.support import (
    SIZE,
    LinkTexts,
    app_for,
    assert_stream_bars_true,
    eventually,
    hold_still_when,
    run_stream,
    wait_until,
)
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import ConnectionStatus, LinkState, QuoteUpdate, SeriesData, StudyData
from tvtui.feed.studies import fetch_indicator
from tvtui.ui.scenes import data_ready
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane
from tvtui.ui.widgets.status import StatusLine
from tvtui.ui.widgets.watchlist import Watchlist

SYMBOLS = ("BINANCE:BTCUSDT", "NASDAQ:AAPL")


def replays(received: list[dict]) -> list[list[dict]]:
    """What the client sent, cut into one list per connection (each starts with the token)."""
    out: list[list[dict]] = []
    for message in received:
        if message["m"] == "set_auth_token":
            out.append([])
        if out:
            out[-1].append(message)
    return out


def assert_truthful_states(states: list[LinkState]) -> None:
    """Connecting first; CONNECTED only right after CONNECTING; a RECONNECTING between two
    connections; never CLOSED or AUTH_FAILED while the client runs."""
    assert states[0] is LinkState.CONNECTING
    assert LinkState.CLOSED not in states and LinkState.AUTH_FAILED not in states
    for before, after in itertools.pairwise(states):
        if after is LinkState.CONNECTED:
            assert before is LinkState.CONNECTING, states
        if before is LinkState.CONNECTED:
            assert after in (LinkState.RECONNECTING, LinkState.STALE), states


@pytest.mark.slow
def test_drops_every_2s_for_30s_lose_nothing_and_restore_everything(
    sim, collector: Collector, make_client
) -> None:
    sim.faults.drop_every = 2.0
    endpoints = Endpoints.from_env(sim.env())
    client = make_client(sim, collector)
    client.add_symbols(*SYMBOLS)
    # 3 bars asked for: fewer than a reconnect misses, so only the backfill can close gaps.
    handle = client.open_series("BINANCE:ETHUSDT", "1m", 3)
    rsi = client.add_study(handle, fetch_indicator("STD;RSI", "last", endpoints))
    macd = client.add_study(handle, fetch_indicator("STD;MACD", "last", endpoints))
    # 30 s of drops, one every 2 s: wait for the 14th (a few may hit mid-connect)
    eventually(lambda: sim.stats.drops >= 14, 60, "14 drops")
    sim.faults.drop_every = None
    mark = len(collector.snapshot())
    collector.wait_for(lambda evs: sum(isinstance(e, SeriesData) for e in evs[mark:]) >= 3)

    assert sim.stats.drops >= 12  # 30 s at one drop per 2 s (a few may hit mid-connect)
    # Bars: one per minute, none missing, none doubled, each equal to the simulator's truth.
    merged = collector.bars(handle.chart_session)
    assert len(merged) >= 100  # ~30 s at 5 bars/s, less the reconnect pauses
    assert_true_and_continuous(sim, merged, "BINANCE:ETHUSDT", "1", 60)
    # Studies: their points cover every closed bar from their first point on, both of them.
    bar_times = sorted(merged)[:-1]
    for study in (rsi, macd):
        points = {p.time for e in collector.of(StudyData) if e.study_id == study for p in e.points}
        first = min(points)
        missing = [t for t in bar_times if t >= first and t not in points]
        assert not missing, f"{study}: {len(missing)} bars without a point, first {missing[:3]}"
    # Every connection got the whole subscription again: quotes, series and both studies.
    connections = replays(sim.received)
    assert len(connections) == sim.stats.connections >= 12
    for sent in connections:
        methods = [m["m"] for m in sent]
        assert methods.count("quote_add_symbols") == 1 and methods.count("create_series") == 1
        (add,) = [m for m in sent if m["m"] == "quote_add_symbols"]
        assert add["p"][1:] == list(SYMBOLS)
        assert {m["p"][1] for m in sent if m["m"] == "create_study"} == {rsi, macd}
    # ... and data of every kind flowed on each connection that lived long enough.
    events = collector.snapshot()
    starts = [
        i
        for i, e in enumerate(events)
        if isinstance(e, ConnectionStatus) and e.state is LinkState.CONNECTED
    ]
    lived = 0
    for start, end in zip(starts, [*starts[1:], len(events)], strict=True):
        window = events[start:end]
        if sum(isinstance(e, SeriesData) for e in window) < 5:
            continue  # dropped before the data came
        lived += 1
        for study in (rsi, macd):
            assert any(isinstance(e, StudyData) and e.study_id == study for e in window)
        for symbol in SYMBOLS:
            assert any(isinstance(e, QuoteUpdate) and e.symbol == symbol for e in window)
    assert lived >= 10
    # The status told the truth all along.
    states = collector.states()
    assert_truthful_states(states)
    assert states.count(LinkState.CONNECTED) == client.stats.connections == sim.stats.connections
    lost = [e for e in collector.of(ConnectionStatus) if e.state is LinkState.RECONNECTING]
    assert len(lost) >= 12
    assert all(e.message.startswith("Connection lost (") and e.retry_in > 0 for e in lost)
    assert client.state is LinkState.CONNECTED


def test_tvtui_stream_follow_rides_through_drops(sim) -> None:
    """``tvtui stream --follow``: status lines say reconnecting then connected, and the bar
    lines, merged by timestamp, are continuous and true."""

    def drop_once_connected() -> None:
        # the drops start with the first connection, not with the process: a busy machine
        # may take seconds to start Python, and those would be seconds without drops
        eventually(lambda: sim.stats.connections >= 1, 30, "the first connection")
        sim.faults.drop_every = 2.0

    done = run_stream(
        sim, "BINANCE:BTCUSDT", "--follow", "--seconds", "8", "-n", "3", started=drop_once_connected
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    states = [line["state"] for line in lines if line["type"] == "status"]
    assert states.count("reconnecting") >= 2
    assert states.count("connected") >= 3 and states[-1] in ("connected", "connecting")
    for a, b in itertools.pairwise(states):
        if b == "connected":
            assert a == "connecting"
    assert len(assert_stream_bars_true(sim, lines, "BINANCE:BTCUSDT")) >= 20


async def test_app_status_line_says_reconnecting_then_connected_and_the_chart_has_no_gap(
    app_sim, tmp_path: Path
) -> None:
    app = app_for(app_sim, tmp_path, symbols=list(SYMBOLS), timeframe="1m")
    async with app.run_test(size=SIZE) as pilot:
        sample = LinkTexts(app.query_one(StatusLine))
        seen = sample.seen
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        app_sim.faults.drop_every = 2.0
        # ~9 s of drops, one every 2 s: the fourth
        await wait_until(pilot, lambda: sample() and app_sim.stats.drops >= 4, 30, "four drops")
        app_sim.faults.drop_every = None
        await wait_until(pilot, lambda: sample() and seen[-1] == "● connected", 15, "connected")
        reconnecting = [i for i, t in enumerate(seen) if t.startswith("↻ reconnecting")]
        assert len(reconnecting) >= 3, seen
        assert all("attempt" in seen[i] and "Connection lost" in seen[i] for i in reconnecting)
        # each reconnecting is followed, later, by connected again
        for i in reconnecting:
            assert "● connected" in seen[i + 1 :], seen
        chart = app.query_one(ChartPane)
        watchlist = app.query_one(Watchlist)
        # new data after the drops: a bar newer than any before, and quotes that move again
        newest = chart.bars[-1].time
        price = watchlist.quotes["NASDAQ:AAPL"]["lp"]
        await wait_until(pilot, lambda: chart.bars[-1].time > newest + 60, 10, "new bars")
        await wait_until(
            pilot, lambda: watchlist.quotes["NASDAQ:AAPL"]["lp"] != price, 10, "new prices"
        )
        studies = app.query_one(IndicatorPane).blocks().values()

        def studies_caught_up() -> bool:
            # a new bar's study points come in their own packets, just after the bar's
            last = chart.bars[-2].time
            return all(b.points and max(p.time for p in b.points) >= last for b in studies)

        await hold_still_when(pilot, app, studies_caught_up, 30, "the studies' newest points")
        bars = {b.time: b for b in chart.bars}
        assert_true_and_continuous(app_sim, bars, "BINANCE:BTCUSDT", "1", 60)
        # the studies were restored on the new connections: points up to the newest bars
        closed = sorted(bars)[-2]
        for block in app.query_one(IndicatorPane).blocks().values():
            assert not block.error
            assert max(p.time for p in block.points) >= closed, block.pine_id
    assert app_sim.stats.drops >= 3
