"""History on demand, the UI's side: ``Home`` goes to the oldest bar held, ``Home`` again asks
the stream worker for older bars (``LoadOlderBars``) and says "loading older bars…" until they
come (``OlderBarsLoaded``); the cursor stays on its bar as they are added at the left; a
server with nothing older is said once.

The first tests catch the command on its way to the worker and post the message as the worker
does; the last one runs the whole way, app to simulator.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult

from tests.support import hold_still, wait_until
from tvtui.feed.events import Bar
from tvtui.ui.app import TvtuiApp
from tvtui.ui.messages import OlderBarsLoaded
from tvtui.ui.scenes import data_ready
from tvtui.ui.stream_commands import LoadOlderBars
from tvtui.ui.widgets.chart import LOADING_OLDER, NO_OLDER, ChartPane

SIZE = (160, 45)


def bars(count: int, first: float, step: float = 60.0) -> list[Bar]:
    return [
        Bar(first + i * step, 100.0 + i % 7, 103.0 + i % 7, 99.0 + i % 7, 101.0 + i % 5, 5.0 + i)
        for i in range(count)
    ]


class Host(App[None]):
    """Just the chart pane (no simulator, no stream)."""

    def compose(self) -> ComposeResult:
        yield ChartPane(id="chart")


async def test_older_bars_arrive_at_the_left_and_the_cursor_stays_on_its_bar() -> None:
    app = Host()
    async with app.run_test(size=(120, 30)) as pilot:
        chart = app.query_one(ChartPane)
        chart.reset(1, "TEST:X", "1m")
        held = bars(300, first=1_000_000.0)
        chart.set_bars(1, held)
        await pilot.pause()
        chart.move_cursor(-1)
        assert chart.cursor_home() is False  # to the oldest bar held
        assert chart.cursor_home() is True  # again: older bars wanted
        chart.set_loading_older(True)
        assert str(chart.border_subtitle).startswith(LOADING_OLDER)
        before = chart.window
        oldest = chart.cursor_bar
        assert oldest is held[0]
        older = bars(5000, first=1_000_000.0 - 5000 * 60)
        assert chart.add_older_bars(1, older + held, exhausted=False)
        assert chart.cursor_bar is oldest  # the same bar, now at index 5000
        assert chart.window.cursor == 5000 and chart.window.cursor_slot == before.cursor_slot
        assert chart.window.start == before.start + 5000  # the view did not move
        assert LOADING_OLDER not in str(chart.border_subtitle)
        chart.move_cursor(-1)  # and the cursor can go further back now
        assert chart.cursor_bar is older[-1]
        # an answer for an older chart (another symbol since) is dropped
        assert not chart.add_older_bars(0, older, exhausted=True)
        assert not chart.older_exhausted


async def test_past_the_oldest_or_home_again_asks_the_worker_and_no_more_is_said_once(
    make_app,
) -> None:
    app: TvtuiApp = make_app(symbols=["NASDAQ:AAPL"])
    sent: list[Any] = []
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        # the stream held still: on this branch the worker does not add the older bars to
        # what it holds, so its next update would take them away again
        await hold_still(pilot, app)
        send, notify = app.bridge.send, app.notify

        def spy_send(command: Any) -> None:
            sent.append(command)
            send(command)

        def spy_notify(message: str, **kwargs: Any) -> None:
            notes.append(message)
            notify(message, **kwargs)

        app.bridge.send = spy_send  # type: ignore[method-assign]
        app.notify = spy_notify  # type: ignore[method-assign]
        chart = app.query_one(ChartPane)
        await pilot.press("home")
        assert chart.cursor_bar is chart.bars[0]
        assert not [c for c in sent if isinstance(c, LoadOlderBars)]
        await pilot.press("left")  # past the oldest bar held: older ones are asked for
        assert [c for c in sent if isinstance(c, LoadOlderBars)] == [
            LoadOlderBars(chart.generation)
        ]
        assert str(chart.border_subtitle).startswith(LOADING_OLDER)
        await pilot.press("home", "left")  # already asked: not asked twice
        assert len([c for c in sent if isinstance(c, LoadOlderBars)]) == 1
        oldest = chart.cursor_bar
        assert oldest is not None
        older = bars(50, first=oldest.time - 50 * 300, step=300)
        app.post_message(OlderBarsLoaded(chart.generation, older + chart.bars, 50, False))
        await wait_until(pilot, lambda: not chart.loading_older, 5, "the older bars")
        assert chart.cursor_bar is oldest
        assert LOADING_OLDER not in str(chart.border_subtitle)
        await pilot.press("home", "home")  # the new oldest, then older again
        assert chart.cursor_bar is older[0]
        assert len([c for c in sent if isinstance(c, LoadOlderBars)]) == 2
        app.post_message(OlderBarsLoaded(chart.generation, list(chart.bars), 0, True))
        await wait_until(pilot, lambda: chart.older_exhausted, 5, "the server's 'no more'")
        await pilot.press("home", "left")
        assert len([c for c in sent if isinstance(c, LoadOlderBars)]) == 2  # not asked again
        said = [n for n in notes if "no bars older" in n]
        assert len(said) == 1, notes
        assert str(chart.border_subtitle).startswith(NO_OLDER)


async def test_home_twice_against_the_simulator_reaches_a_bar_older_than_the_first_history(
    app_sim, tmp_path
) -> None:
    """End to end: the real app, stream worker, client and simulator. ``Home`` goes to the
    oldest bar held; ``Home`` again sends ``request_more_data`` (counted by the simulator); the
    older page arrives and ``Home`` reaches a bar older than anything the first history had,
    with the simulator's own values for it."""
    from tests.support import app_for

    symbol = "BINANCE:BTCUSDT"
    app = app_for(app_sim, tmp_path, symbols=[symbol], timeframe="1m")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        chart = app.query_one(ChartPane)
        first_oldest = chart.bars[0].time
        held = len(chart.bars)
        await pilot.press("home")  # the cursor on the oldest bar held
        await wait_until(pilot, lambda: chart.cursor_bar is not None, 5, "the cursor")
        assert chart.cursor_bar is not None and chart.cursor_bar.time == first_oldest
        await pilot.press("home")  # again: older bars, please
        await wait_until(pilot, lambda: app_sim.stats.more_data_requests >= 1, 10, "the request")
        await wait_until(pilot, lambda: len(chart.bars) > held, 15, "the older bars")
        assert chart.cursor_bar.time == first_oldest  # the cursor stayed on its bar
        await wait_until(pilot, lambda: not chart.loading_older, 5, "'loading' to go")
        assert LOADING_OLDER not in str(chart.border_subtitle)
        await pilot.press("home")
        await wait_until(
            pilot, lambda: chart.cursor_bar is not None and chart.cursor_bar.time < first_oldest,
            5, "the cursor on an older bar",
        )  # fmt: skip
        bar = chart.cursor_bar
        assert bar is not None
        (row,) = app_sim.market.bars(symbol, "1", bar.time, bar.time + 60)
        assert (bar.open, bar.high, bar.low, bar.close) == pytest.approx(tuple(row)[1:5])
