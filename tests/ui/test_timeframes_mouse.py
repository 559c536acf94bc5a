"""Timeframes in the chart header, [ and ] in order, and the mouse (clicks and the wheel)."""

from __future__ import annotations

from textual import events

from tests.support import wait_until
from tvtui.config import DEFAULT_WATCHLIST
from tvtui.feed.timeframes import VALID_NAMES
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.watchlist import Watchlist

SIZE = (160, 45)


def _title(chart: ChartPane) -> str:
    return chart.title_plain


def _tabs(chart: ChartPane) -> list[str]:
    return _title(chart).split(" · ", 1)[1].split()


async def test_every_timeframe_is_in_the_header_and_brackets_walk_them_in_order(
    make_app,
) -> None:
    app: TvtuiApp = make_app(timeframe="1m")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        chart = app.query_one(ChartPane)
        assert _tabs(chart) == list(VALID_NAMES)  # 3m, 45m, 2h and 3h included
        seen = []
        for _ in range(len(VALID_NAMES)):
            await pilot.press("right_square_bracket")
            seen.append(app.timeframe)
        assert seen == [*VALID_NAMES[1:], VALID_NAMES[0]]
        await pilot.press("left_square_bracket")
        assert app.timeframe == VALID_NAMES[-1]
        await wait_until(pilot, lambda: chart.timeframe == "1M", 5, "the chart on 1M")


async def test_clicking_a_timeframe_in_the_header_selects_it(make_app) -> None:
    app: TvtuiApp = make_app(timeframe="5m")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        chart = app.query_one(ChartPane)
        plain = _title(chart)
        x = 3 + plain.index(" 45m ") + 1  # after "╭─ " comes the title
        await pilot.click(ChartPane, offset=(x, 0))
        assert app.timeframe == "45m"
        await wait_until(pilot, lambda: chart.timeframe == "45m" and bool(chart.bars), 10, "45m")


async def test_the_mouse_wheel_scrolls_the_watchlist(make_app) -> None:
    symbols = [*DEFAULT_WATCHLIST, "NASDAQ:NVDA", "NASDAQ:TSLA", "NYSE:IBM"]
    app: TvtuiApp = make_app(symbols=symbols)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        watchlist = app.query_one(Watchlist)
        assert watchlist.max_scroll_y > 0  # more rows than fit at 80x24
        for _ in range(3):
            watchlist.post_message(
                events.MouseScrollDown(watchlist, 5, 3, 0, 0, 0, False, False, False)
            )
        await wait_until(pilot, lambda: watchlist.scroll_y > 0, 5, "the watchlist to scroll")
