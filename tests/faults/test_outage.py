"""The server gone, then back: a countdown while reconnecting, then live again within a few
seconds of the server's return (issue 9.2: the reconnect delay is capped near 5 s), with the gap
backfilled (client and app side by side on one simulator); and a feed that was never there
reported at once (issue 9.4)."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.feed.helpers import Collector, assert_true_and_continuous
from tests.support import (
    SIZE,
    LinkTexts,
    app_for,
    assert_stream_bars_true,
    hold_still_when,
    run_stream,
    wait_until,
)
from tvtui.feed.backoff import Backoff
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import ConnectionStatus, LinkState, SeriesData
from tvtui.stream import FeedUnavailableError, Streamer
from tvtui.ui.scenes import data_ready
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane
from tvtui.ui.widgets.status import StatusLine

OUTAGE = 20.0
#: 20 real seconds are 400 simulated minutes here: more one-minute bars than the app's 300 of
#: history and far more than the client's 5, so only the backfill can close the gap.
TIME_SCALE = 1200.0


@pytest.mark.slow
async def test_a_20s_outage_counts_down_then_backfills_the_gap(
    sim_factory, make_client, tmp_path: Path
) -> None:
    sim = sim_factory(time_scale=TIME_SCALE, tick_interval=0.1)
    collector = Collector()
    client = make_client(sim, collector)  # the default backoff: what a person gets
    handle = client.open_series("BINANCE:ETHUSDT", "1m", 5)
    app = app_for(sim, tmp_path, backoff=Backoff, symbols=["BINANCE:BTCUSDT"], timeframe="1m")
    async with app.run_test(size=SIZE) as pilot:
        sample = LinkTexts(app.query_one(StatusLine))
        seen = sample.seen
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        collector.wait_for(lambda evs: any(isinstance(e, SeriesData) for e in evs))
        before = chart.bars[-1].time
        sim.go_down()
        down_at = time.monotonic()
        await wait_until(pilot, lambda: bool(sample()) and time.monotonic() - down_at > OUTAGE,
                         OUTAGE + 5, "the outage")  # fmt: skip
        mark = len(collector.snapshot())
        sim.come_back()
        back_at = time.monotonic()
        await wait_until(pilot, lambda: sample() == "● connected", 15, "connected again")
        app_resume = time.monotonic() - back_at
        collector.wait_state(LinkState.CONNECTED, timeout=15, after=mark)
        client_resume = time.monotonic() - back_at
        # Issue 9.2: back within 6 s of the server (the old 30 s cap took up to ~11 s here).
        print(f"20 s outage: app back after {app_resume:.2f} s, client {client_resume:.2f} s")
        assert app_resume <= 6.0 and client_resume <= 6.0, (app_resume, client_resume)
        # the first bars after the outage arrive on both
        await wait_until(pilot, lambda: chart.bars[-1].time > before + 60 * 400, 10, "new bars")
        collector.wait_for(lambda evs: sum(isinstance(e, SeriesData) for e in evs[mark:]) >= 3)
        studies = app.query_one(IndicatorPane).blocks().values()

        def studies_caught_up() -> bool:
            # the studies' new points come in their own packets, after the bars' (on a busy
            # machine a moment later): wait for them, then hold them against the bars below
            last = chart.bars[-2].time
            return all(b.points and max(p.time for p in b.points) >= last for b in studies)

        await hold_still_when(pilot, app, studies_caught_up, 20, "the studies across the gap")

        # The app: reconnecting with a countdown that counts down, then connected.
        retrying = [t for t in seen if t.startswith("↻ reconnecting")]
        assert retrying, seen
        assert all("Could not connect" in t or "Connection lost" in t for t in retrying)
        countdown: dict[str, list[int]] = {}
        for text in retrying:
            found = re.search(r"attempt (\d+) · next try in (\d+)s", text)
            if found:
                countdown.setdefault(found[1], []).append(int(found[2]))
        assert any(len(v) >= 2 and v == sorted(v, reverse=True) for v in countdown.values()), seen
        assert seen[-1] == "● connected"
        # ... with the gap filled: every bar across the outage, equal to the truth.
        assert_true_and_continuous(sim, {b.time: b for b in chart.bars}, "BINANCE:BTCUSDT", "1", 60)
        assert chart.bars[0].time < before - 60 * 100  # the history before the outage is kept
        for block in app.query_one(IndicatorPane).blocks().values():
            assert not block.error and max(p.time for p in block.points) >= chart.bars[-2].time

    # The client: one RECONNECTING per failed try, attempts counting up, delays growing with
    # jitter to the cap (no hot loop), then CONNECTED, then the gap backfilled.
    retries = [
        e
        for e in collector.snapshot()[:mark]
        if isinstance(e, ConnectionStatus) and e.state is LinkState.RECONNECTING
    ]
    assert 5 <= len(retries) <= 15
    assert [e.attempt for e in retries] == list(range(1, len(retries) + 1))
    assert retries[0].message.startswith("Connection lost (")
    assert all(
        e.message.startswith(f"Could not connect to {sim.ws_url} (connection refused)")
        for e in retries[1:]
    )
    assert all(0 < e.retry_in <= 5.0 for e in retries)
    assert max(e.retry_in for e in retries) > 4.0  # the curve reached the cap
    creates = [m for m in sim.received if m["m"] == "create_series" and m["p"][0] ==
               handle.chart_session]  # fmt: skip
    assert creates[0]["p"][5] == 5 and creates[-1]["p"][5] >= 400
    assert_true_and_continuous(
        sim, collector.bars(handle.chart_session), "BINANCE:ETHUSDT", "1", 60
    )


def test_a_10s_outage_is_over_for_the_client_within_6s_of_the_servers_return(
    sim_factory, make_client
) -> None:
    """One real outage through the socket with the default backoff (the schedule for 60 s
    and 3 min outages is checked without waiting, in tests/feed/test_backoff.py)."""
    sim = sim_factory(time_scale=60.0, tick_interval=0.1)
    collector = Collector()
    client = make_client(sim, collector)
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 5)
    collector.wait_state(LinkState.CONNECTED)
    sim.go_down()
    collector.wait_state(LinkState.RECONNECTING)
    down_at = time.monotonic()
    # The outage itself is the scenario: wait it out, taking the client's tries as they come.
    collector.wait_for(lambda evs: time.monotonic() - down_at >= 10.0, timeout=15)
    mark = len(collector.snapshot())
    sim.come_back()
    back_at = time.monotonic()
    collector.wait_state(LinkState.CONNECTED, timeout=10, after=mark)
    resume = time.monotonic() - back_at
    print(f"10 s outage: the client resumed {resume:.2f} s after the server's return")
    assert resume <= 6.0, resume
    collector.wait_for(lambda evs: sum(isinstance(e, SeriesData) for e in evs[mark:]) >= 3)
    assert_true_and_continuous(
        sim, collector.bars(handle.chart_session), "BINANCE:BTCUSDT", "1", 60
    )


# --- issue 9.4: slow failures ------------------------------------------------------------------


def stream_failure(env: dict[str, str]) -> tuple[float, str]:
    """How long ``Streamer.stream()`` (10 s timeout) took to raise FeedUnavailableError on
    the endpoints of ``env``, and what it said."""
    with Streamer(endpoints=Endpoints.from_env(env), timeout=10.0) as streamer:
        started = time.monotonic()
        with pytest.raises(FeedUnavailableError) as caught:
            streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=3)
        return time.monotonic() - started, str(caught.value)


def test_an_unreachable_feed_raises_within_2s_with_the_reason(sim_env) -> None:
    """Before: ``stream()`` waited its whole timeout (10 s) for a port nobody listens on."""
    elapsed, error = stream_failure({**sim_env.env(), "TVTUI_WS_URL": "ws://127.0.0.1:1"})
    assert elapsed < 2.5, elapsed
    assert "ws://127.0.0.1:1 is not reachable (connection refused" in error


def test_a_host_name_that_does_not_resolve_raises_within_2s(
    sim_env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DNS failure, staged without asking any resolver: ``getaddrinfo`` refuses the one
    host name the feed is pointed at (every other name resolves as usual)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "feed.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    elapsed, error = stream_failure({**sim_env.env(), "TVTUI_WS_URL": "ws://feed.invalid:80"})
    assert elapsed < 2.5, elapsed
    assert "cannot resolve the host name: Name or service not known" in error


def test_a_closed_streamer_raises_at_once(sim_env) -> None:
    streamer = Streamer(timeout=5.0)
    assert streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=2)["ohlc"]
    streamer.close()
    started = time.monotonic()
    with pytest.raises(FeedUnavailableError, match="closed"):
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=2)
    assert time.monotonic() - started < 0.5


def test_a_feed_that_was_up_once_is_waited_for_not_failed_fast(sim_env) -> None:
    """Fail-fast is for a feed never reached: after a drop, ``stream()`` waits for the
    server's return within its timeout."""
    with Streamer(timeout=10.0) as streamer:
        assert streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=2)["ohlc"]
        sim_env.go_down()
        threading.Timer(2.5, sim_env.come_back).start()
        result = streamer.stream("BINANCE", "ETHUSDT", numb_price_candles=2)
    assert len(result["ohlc"]) == 2


# --- issue 9.2, done when ------------------------------------------------------------------------


class DropAndRefuse(threading.Thread):
    """The server of issue 9.2's "done when": every connection dropped 6 s after it opens,
    then every handshake refused (HTTP 403) for 20 s. Driven from outside the simulator with
    its public switches; records when connections opened and when the server came back."""

    def __init__(self, sim, lifetime: float = 6.0, refusal: float = 20.0) -> None:
        super().__init__(daemon=True)
        self.sim, self.lifetime, self.refusal = sim, lifetime, refusal
        self.stop = threading.Event()
        self.opened: list[float] = []
        self.drops: list[float] = []
        self.returns: list[float] = []

    def _sleep_until(self, t: float) -> bool:
        return not self.stop.wait(max(0.0, t - time.monotonic()))

    def run(self) -> None:
        seen = 0
        while not self.stop.is_set():
            if self.sim.stats.connections == seen:
                self.stop.wait(0.02)
                continue
            seen = self.sim.stats.connections
            opened = time.monotonic()
            self.opened.append(opened)
            if not self._sleep_until(opened + self.lifetime):
                return
            self.sim.faults.handshake_status = 403
            self.sim.go_down()  # aborts the connection ...
            self.sim.come_back()  # ... and listens again, refusing every handshake
            self.drops.append(time.monotonic())
            if not self._sleep_until(time.monotonic() + self.refusal):
                return
            self.sim.faults.handshake_status = None
            self.returns.append(time.monotonic())


@pytest.mark.slow
def test_drops_6s_after_each_open_and_20s_refusals_tvtui_stream_follow_keeps_every_bar(
    sim_factory,
) -> None:
    """``tvtui stream --follow --seconds 60`` at one new 1m bar per second against a server
    that drops each connection after 6 s and refuses handshakes for 20 s after each drop:
    it resumes within 6 s of each return, ends on time, and every bar of the minute range
    it printed is present once and equal to the truth."""
    sim = sim_factory(time_scale=60.0, tick_interval=0.1, heartbeat_interval=2.0)
    faults = DropAndRefuse(sim)
    faults.start()
    started = time.monotonic()
    try:
        done = run_stream(
            sim, "BINANCE:BTCUSDT", "--follow", "--seconds", "60", "-n", "5", timeout=90
        )
    finally:
        faults.stop.set()
        faults.join(5)
    ended = time.monotonic()
    assert done.returncode == 0, done.stderr
    assert ended - started < 70
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    # Resume within 6 s of every return of the server that the run lived to see.
    assert len(faults.returns) >= 1
    for back in faults.returns:
        if back < ended - 6.0:
            resumed = [t for t in faults.opened if t >= back]
            assert resumed and resumed[0] - back <= 6.0, (back, faults.opened)
    # Every bar from the first to the newest closed one: present once, true.
    times = assert_stream_bars_true(sim, lines, "BINANCE:BTCUSDT")
    assert len(times) >= 45  # one a second for ~60 s, history included
    # Live at the end whenever the server let it be: the last connection was not dropped.
    states = [line["state"] for line in lines if line["type"] == "status"]
    print(
        f"opened {[round(t - started, 1) for t in faults.opened]}, "
        f"dropped {[round(t - started, 1) for t in faults.drops]}, "
        f"back {[round(t - started, 1) for t in faults.returns]}, ended {ended - started:.1f}"
    )
    if faults.opened[-1] > faults.drops[-1]:
        assert states[-1] == "connected", states[-6:]
        assert times[-1] >= sim.now() - 3 * 60  # and its bars are the newest ones
