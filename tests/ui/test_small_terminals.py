"""Small terminals: at 80x24 every pane is usable (and can be collapsed or maximised);
below what fits the app says so instead of scrolling half a screen."""

from __future__ import annotations

import itertools

import pytest
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tests.support import wait_until
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready
from tvtui.ui.screens.alert_dialog import AlertDialog
from tvtui.ui.screens.help import HelpScreen
from tvtui.ui.screens.position_entry import PositionEntry
from tvtui.ui.widgets.chart import CandlePlot, ChartPane, VolumePlot
from tvtui.ui.widgets.indicators import IndicatorPane, StudyPlot
from tvtui.ui.widgets.watchlist import Watchlist


async def test_at_80x24_every_pane_is_usable(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.pause()  # laid out with the data in
        watchlist, chart = app.query_one(Watchlist), app.query_one(ChartPane)
        indicators = app.query_one(IndicatorPane)
        regions = [w.region for w in (watchlist, chart, indicators)]
        for above, below in itertools.pairwise(regions):
            assert above.bottom <= below.y  # nothing drawn over another pane
        assert regions[-1].bottom <= 22  # status line and footer stay on screen
        assert watchlist.size.height >= 4  # header and a few rows (it scrolls)
        candles = chart.query_one(CandlePlot)
        assert candles.size.height >= 6  # candles and their price labels, not 3 rows
        assert not chart.query_one(VolumePlot).display  # no volume drawn over the candles
        rsi = indicators.blocks()["STD;RSI"].query_one(StudyPlot)
        # a plot, not only the values
        await wait_until(pilot, lambda: rsi.display and rsi.size.height >= 3, 5, "RSI's plot")
        assert app.screen.max_scroll_y == 0


async def test_z_gives_the_chart_the_screen_and_panes_collapse(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        chart, watchlist = app.query_one(ChartPane), app.query_one(Watchlist)
        before = chart.size.height
        await pilot.press("z")
        await wait_until(
            pilot, lambda: chart.outer_size.height >= 18, 5, "the chart maximised"
        )  # all but the collapsed panes' title lines
        assert chart.query_one(VolumePlot).display  # room for the volume strip again
        assert watchlist.outer_size.height == 2 and "W shows it" in watchlist.border_subtitle
        await pilot.press("z")
        await wait_until(pilot, lambda: chart.size.height == before, 5, "the panes back")
        await pilot.press("W")  # only the watchlist: the chart and indicators grow
        await wait_until(pilot, lambda: watchlist.outer_size.height == 2, 5, "collapsed")
        assert chart.size.height > before
        await pilot.press("W")
        await wait_until(pilot, lambda: watchlist.outer_size.height > 2, 5, "the watchlist back")
        indicators = app.query_one(IndicatorPane)
        await pilot.press("I")  # and the indicator pane
        await wait_until(pilot, lambda: indicators.outer_size.height == 2, 5, "collapsed")
        assert "I shows it" in indicators.border_subtitle


async def test_the_help_box_fits_80_columns(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), 5, "help")
        box = app.screen.query_one("#help-box")
        assert box.region.right <= 80 and box.region.bottom <= 24


@pytest.mark.parametrize(("key", "dialog"), [("A", AlertDialog), ("p", PositionEntry)])
async def test_at_80x24_a_dialog_shows_every_button_and_hint_whole(
    make_app, key: str, dialog: type[ModalScreen[object]]
) -> None:
    """The alert dialog's buttons lost their lower edge at 80x24 (the form was a row taller
    than the dialog may be) and the position dialog's hint ended in "Esc can"."""
    app: TvtuiApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, dialog), 5, "the dialog")

        def cut_off() -> list[object]:
            box = app.screen.query_one(".dialog").content_region
            parts = [*app.screen.query(Button), *app.screen.query(".dialog-hint")]
            return [w for w in parts if not box.contains_region(w.region)]

        # laid out, every button and hint inside the box (a wider hint was cut off)
        await wait_until(pilot, lambda: not cut_off(), 5, "every button and hint in the box")
        assert not cut_off()


async def test_below_what_fits_the_app_says_so_instead_of_scrolling(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        notice = app.screen.query_one("#too-small", Static)
        await wait_until(pilot, lambda: "60x20" in str(notice.render()), 5, "the notice")
        assert notice.display
        assert not app.query_one(ChartPane).display and not app.query_one(Watchlist).display
        assert app.screen.max_scroll_y == 0
        await pilot.resize_terminal(100, 30)
        await wait_until(pilot, lambda: not notice.display, 5, "the panes back")
        assert app.query_one(ChartPane).display
