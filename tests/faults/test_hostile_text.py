"""Issue 17 (2, 3, 4, 7): text and numbers a hostile server sends are shown, never obeyed.

Each case runs the app against the simulator on 127.0.0.1 rewritten by ``hostile.py`` into a
server that puts markup, a click action or terminal escape sequences where a person reads:
the app must keep running, show the text literally, run no action, and put none of the data's
escape sequences on screen. Random text through every place server text is shown is in
``test_hostile_sweep.py``; the command line's output in ``test_hostile_cli.py``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette

from tests.support import SIZE, app_for, holds_for_app, wait_until
from tvtui.feed import events as ev
from tvtui.feed.events import LinkState
from tvtui.ui.coalesce import TREND_TIMEFRAME
from tvtui.ui.format import sparkline
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.status import StatusLine
from tvtui.ui.widgets.watchlist import Watchlist

from .hostile import (
    ESCAPES,
    MARKUP,
    SYMBOL,
    Hostility,
    assert_clean,
    click_action,
    hostile_retry_after,
    make_hostile,
    notices,
    screen_text,
    stub_app,
    toast_laid_out,
)

# --- 17.2 / 17.4: markup and escapes in what the server sends --------------------------------


async def test_markup_and_escapes_in_a_description_are_shown_as_text(
    app_sim, tmp_path: Path, monkeypatch
) -> None:
    hostile = make_hostile(monkeypatch, Hostility(description=MARKUP + ESCAPES))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        watchlist = app.query_one(Watchlist)
        await wait_until(
            pilot, lambda: "description" in watchlist.quotes.get(SYMBOL, {}), 10, "a quote"
        )
        assert hostile.sent.get("description")
        await wait_until(
            pilot,
            lambda: str(watchlist.get_cell(SYMBOL, "description")).startswith("Bad[/]"),
            5,
            "the description in its cell",
        )
        cell = str(watchlist.get_cell(SYMBOL, "description"))
        assert cell.startswith("Bad[/] [b]bold?")  # literally, not as markup
        assert "\x1b" not in cell
        # the palette lists the watchlist with each description (it crashed on "[/]")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), 5, "palette")
        await wait_until(
            pilot,
            lambda: "Bad[/]" in screen_text(app) or "Bad[/]" in str(app.screen.query("*")),
            5,
            "the description in the palette",
        )
        assert_clean(app)
        await pilot.press("escape")
        assert_clean(app)
        assert app.is_running


@pytest.mark.parametrize("kind", ["symbol_error", "series_error"])
async def test_every_error_reason_kind_is_shown_as_text(
    app_sim, tmp_path: Path, monkeypatch, kind: str
) -> None:
    hostile = make_hostile(monkeypatch, Hostility(chart_error=(kind, MARKUP + ESCAPES)))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: chart.problem is not None, 10, f"the {kind}")
        await wait_until(pilot, lambda: any("Bad[/]" in n for n in notices(app)), 5, kind)
        assert hostile.sent.get(kind)
        await wait_until(pilot, lambda: bool(app.screen.query("Toast")), 5, "the notice shown")
        assert_clean(app)
        assert all("\x1b" not in n for n in notices(app))
        assert app.is_running


async def test_a_critical_error_is_shown_as_text(app_sim, tmp_path: Path, monkeypatch) -> None:
    reason = MARKUP + ESCAPES
    make_hostile(monkeypatch, Hostility(critical=reason))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: any("Bad[/]" in n for n in notices(app)), 10, "notice")
        await wait_until(pilot, lambda: bool(app.screen.query("Toast")), 5, "the notice shown")
        assert_clean(app)


async def test_a_protocol_error_is_shown_as_text(app_sim, tmp_path: Path, monkeypatch) -> None:
    reason = MARKUP + ESCAPES
    make_hostile(monkeypatch, Hostility(protocol=reason))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        status = app.query_one(StatusLine)
        await wait_until(
            pilot, lambda: status.status.state == LinkState.AUTH_FAILED, 10, "auth refused"
        )
        await pilot.pause()  # the refusal's messages handled (the screenshot composes anew)
        assert_clean(app)
        assert app.is_running


async def test_markup_in_an_http_retry_after_never_reaches_the_screen(
    app_sim, tmp_path: Path, monkeypatch
) -> None:
    """The indicator metadata requests get 429s whose Retry-After is markup and escapes. The
    feed treats a garbage Retry-After as absent (it keeps its own backoff), so the header never
    reaches a notice; whatever the app shows meanwhile is clean and the app keeps running."""
    hostile_retry_after(monkeypatch, "[/]" + "\x1b]2;PWNED\x07")
    app_sim.faults.http_fail = [429] * 60
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: app_sim.stats.http_requests >= 4, 20, "hostile 429s")
        await holds_for_app(pilot, lambda: not any("PWNED" in n for n in notices(app)), 0.3)
        assert_clean(app)
        assert app.is_running


# --- 17.3: a server-chosen action never runs ------------------------------------------------


async def test_a_click_on_a_notice_runs_no_server_chosen_action(
    app_sim, tmp_path: Path, monkeypatch
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    make_hostile(monkeypatch, Hostility(chart_error=("symbol_error", click_action(str(victim)))))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(
            pilot,
            lambda: toast_laid_out(app),
            10,
            "the notice laid out",
        )
        rendered = str(app.screen.query("Toast").last().render())
        # Click every line of the notice (a click on a toast also dismisses it, which is how a
        # person gets rid of one): a link anywhere in it would run app.screenshot.
        for dy in range(1, 8):
            if not app.screen.query("Toast"):
                app.notify(click_action(str(victim)), title="again")
                await wait_until(
                    pilot,
                    lambda: (
                        app.screen.query("Toast") and app.screen.query("Toast").last().region.height
                    ),
                    5,
                    "the notice again",
                )
            region = app.screen.query("Toast").last().region
            if dy >= region.height:
                break
            await pilot.click(offset=(region.x + region.width // 2, region.y + dy))
        await holds_for_app(pilot, lambda: not list(victim.iterdir()), 0.3, "no file written")
        assert "[@click=app.screenshot(" in rendered  # shown as the text it is
        assert app.is_running


# --- 17.7: odd numbers ------------------------------------------------------------------------


def test_sparkline_of_extreme_and_non_finite_values() -> None:
    values = [1e308, -1e308] * 10 + [math.nan, math.inf, -math.inf, 1.5]
    line = sparkline(values, 24)
    assert len(line) == 24
    assert sparkline([1e308, -1e308], 2) == "█▁"


async def test_odd_numbers_in_bars_and_quotes_leave_the_app_running(tmp_path: Path) -> None:
    """+-1e308 alternating, NaN, inf and a close sent as a string: shown as dashes or clipped,
    never an exception on the UI thread."""
    app, feeds = stub_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: bool(feeds), 5, "the feed")
        sink = feeds[0].sink
        odd: list[Any] = [1e308, -1e308, math.nan, math.inf, -math.inf, "1.5", 1.5]
        bars = [
            ev.Bar(time=1_717_977_600 + 300 * n, open=odd[n % 7], high=odd[(n + 1) % 7],
                   low=odd[(n + 2) % 7], close=odd[(n + 3) % 7], volume=odd[(n + 4) % 7])
            for n in range(40)
        ]  # fmt: skip
        await wait_until(
            pilot,
            lambda: any(h.timeframe != TREND_TIMEFRAME for h in feeds[0].handles),
            5,
            "the chart series",
        )
        session = feeds[0].chart_session
        sink(ev.SeriesData(session=session, series_id="sds_1", bars=bars, update="history"))
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: len(chart.bars) > 0, 5, "the odd bars")
        for n in range(60):  # the last price alternates +1e308 / -1e308 (then NaN, a string)
            price = [1e308, -1e308][n % 2] if n < 50 else odd[n % 7]
            sink(ev.QuoteUpdate(symbol=SYMBOL, changes={"lp": price, "ch": price, "chp": price}))
            await pilot.pause()
        watchlist = app.query_one(Watchlist)
        await wait_until(
            pilot, lambda: "—" in str(watchlist.get_cell(SYMBOL, "change")), 5, "a dash shown"
        )
        assert_clean(app)
        assert app.is_running


async def test_a_cell_that_fails_to_render_costs_the_table_not_the_app(tmp_path: Path) -> None:
    """Whatever a future bug puts in a cell, a render error is logged and the app goes on."""

    class Boom:
        def __rich__(self) -> Any:
            raise ValueError("a value nobody foresaw")

    app, _feeds = stub_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        watchlist = app.query_one(Watchlist)
        await wait_until(pilot, lambda: watchlist.row_count == 1, 5, "the row")
        watchlist.update_cell(SYMBOL, "description", Boom())
        await pilot.pause()  # the refresh it asked for has run
        app.export_screenshot()
        assert app.is_running
        watchlist.update_cell(SYMBOL, "description", "fine again")
        await wait_until(
            pilot,
            lambda: "fine again" in app.export_screenshot().replace("&#160;", " "),
            5,
            "the cell drawn again",
        )
