"""The stream worker's side of history on demand: ``LoadOlderBars`` reaches the simulator as
``request_more_data``, and ``OlderBarsLoaded`` comes back to the app with every bar held.

A small host app runs the real ``StreamBridge`` with the real feed client against the
simulator (as ``TvtuiApp`` does) and handles the message by its Textual name,
``on_older_bars_loaded``, the handler the main screen's chart uses.
"""

from __future__ import annotations

import itertools

from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.support import SIZE, wait_until
from tvtui.feed.endpoints import Endpoints
from tvtui.sim.config import DEFAULT_START
from tvtui.ui import messages as msg
from tvtui.ui.stream_commands import LoadOlderBars
from tvtui.ui.worker import StreamBridge, default_client_factory

SYMBOL = "BINANCE:BTCUSDT"


class Host(App[None]):
    """Just the worker, and a record of what it posts."""

    def __init__(self, sim) -> None:
        super().__init__()
        factory = default_client_factory(Endpoints.from_env(sim.env()), None)
        self.bridge = StreamBridge(self._post, factory)
        self.sim = sim
        self.posted: list[str] = []  #: every message the worker posted, for a failure's story
        self.history: list[msg.CandlesChanged] = []
        self.loaded: list[msg.OlderBarsLoaded] = []

    def _post(self, message: msg.Message) -> bool:
        self.posted.append(type(message).__name__)
        return self.post_message(message)

    async def until(self, pilot, condition, what: str) -> None:
        """``wait_until`` (30 s), failing with what the worker posted and the server heard."""
        try:
            await wait_until(pilot, condition, 30, what)
        except TimeoutError as exc:
            posted = [name for name in self.posted if name != "FeedStats"]
            heard = [m["m"] for m in self.sim.received]
            story = f"{exc}; posted {posted[-20:]}; server heard {heard[-20:]}"
            raise AssertionError(story) from None

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        self.run_worker(lambda: self.bridge.run(), thread=True, exit_on_error=False)

    def on_unmount(self) -> None:
        self.bridge.stop()

    def on_candles_changed(self, message: msg.CandlesChanged) -> None:
        # Any of them: a busy app's queue lets a later one replace the history one
        # (CandlesChanged.can_replace), and each carries every bar held.
        if message.bars:
            self.history.append(message)

    def on_older_bars_loaded(self, message: msg.OlderBarsLoaded) -> None:
        self.loaded.append(message)


def _requests(sim) -> list[list]:
    return [m["p"] for m in sim.received if m["m"] == "request_more_data"]


def _assert_true(sim, bars) -> None:
    times = [b.time for b in bars]
    assert all(b - a == 60 for a, b in itertools.pairwise(times)), "gap or duplicate"
    closed = [(b.time, b.open, b.high, b.low, b.close, b.volume) for b in bars[:-1]]
    assert closed == [tuple(t) for t in sim.bars(SYMBOL, "1", times[0], times[-1])]


async def test_load_older_bars_reaches_the_simulator_and_comes_back_with_more_bars(app_sim):
    app = Host(app_sim)
    async with app.run_test(size=SIZE) as pilot:
        generation = app.bridge.open_chart(SYMBOL, "1m")
        await app.until(pilot, lambda: app.history, "the chart's history")
        first = app.history[0].bars
        app.bridge.send(LoadOlderBars(generation))  # count: 5000, as the web chart pages
        await app.until(pilot, lambda: app.loaded, "OlderBarsLoaded")
        loaded = app.loaded[0]
        assert loaded.generation == generation
        assert loaded.added == 5000 and loaded.exhausted is False
        assert len(loaded.bars) >= len(first) + 5000
        assert loaded.bars[5000].time == first[0].time  # the older ones on the left
        _assert_true(app_sim, loaded.bars)
        # (a reconnect on a loaded machine may add the client's own backfill requests)
        assert [_cs(app), "sds_1", 5000] in _requests(app_sim)


def _cs(app: Host) -> str:
    chart = app.bridge.coalescer.chart
    assert chart is not None
    return chart.chart_session


async def test_at_the_start_of_history_it_says_so_once_and_stops_asking(sim_factory):
    first_bar = DEFAULT_START - 400 * 60
    sim = sim_factory(time_scale=60.0, tick_interval=0.1, history_start=first_bar)
    app = Host(sim)
    async with app.run_test(size=SIZE) as pilot:
        generation = app.bridge.open_chart(SYMBOL, "1m")
        await app.until(pilot, lambda: app.history, "the chart's history")
        app.bridge.send(LoadOlderBars(generation + 1))  # a chart not shown: ignored
        app.bridge.load_older(generation)
        await app.until(pilot, lambda: len(app.loaded) == 1, "the last older bars")
        oldest = app.history[0].bars[0].time  # 300 bars back from when the chart opened
        assert app.loaded[0].added == (oldest - first_bar) // 60 and not app.loaded[0].exhausted
        assert app.loaded[0].bars[0].time == first_bar
        app.bridge.load_older(generation)
        await app.until(pilot, lambda: len(app.loaded) == 2, "the empty answer")
        assert app.loaded[1].added == 0 and app.loaded[1].exhausted
        assert app.loaded[1].bars[0].time == first_bar
        asked = sim.stats.more_data_requests
        assert [p[2] for p in _requests(sim)].count(5000) >= 2
        app.bridge.load_older(generation)  # known now: answered without asking again
        await app.until(pilot, lambda: len(app.loaded) == 3, "the answer from memory")
        assert app.loaded[2].exhausted and app.loaded[2].added == 0
        assert sim.stats.more_data_requests == asked


def test_a_full_chart_or_a_refused_series_is_answered_without_asking_the_server():
    """Nothing to ask for: the chart must still hear back (it shows "loading" until then)."""
    from tvtui.feed.events import Bar
    from tvtui.market.candles import CandleSeries
    from tvtui.ui.coalesce import ChartTarget
    from tvtui.ui.older_bars import OlderBars

    asked: list[int] = []

    class Client:
        def request_more(self, handle, count: int) -> None:
            asked.append(count)

    chart = ChartTarget(3, SYMBOL, "1m", "cs_x", "sds_1")
    full = CandleSeries(max_bars=3)
    full.apply([Bar(float(t), 1, 1, 1, 1) for t in (0, 60, 120)])
    pager = OlderBars()
    (answer,) = pager.ask(LoadOlderBars(3), chart, Client(), "handle", full)
    assert (answer.generation, answer.added, answer.exhausted) == (3, 0, False)
    assert [b.time for b in answer.bars] == [0.0, 60.0, 120.0]
    (answer,) = pager.ask(LoadOlderBars(3), chart, Client(), "handle", CandleSeries(), failed=True)
    assert (answer.added, answer.exhausted) == (0, False)
    assert pager.ask(LoadOlderBars(2), chart, Client(), "handle", CandleSeries()) == []
    assert asked == []
    assert pager.ask(LoadOlderBars(3, 300), chart, Client(), "handle", CandleSeries()) == []
    assert asked == [300]
