"""Command palette and the ``tvtui`` command line."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches

from tests.support import wait_until
from tvtui.ui.app import TvtuiApp
from tvtui.ui.launch import build_parser, main
from tvtui.ui.widgets.chart import ChartPane

SIZE = (160, 45)


def _highlighted(app: TvtuiApp, text: str) -> bool:
    """The palette's highlighted hit (what Enter runs) says ``text``."""
    try:
        hits = app.screen.query_one(CommandList)
    except NoMatches:
        return False
    index = hits.highlighted
    return index is not None and text in str(hits.get_option_at_index(index).prompt)


async def test_the_palette_opens_a_watchlist_symbol(make_app) -> None:
    app: TvtuiApp = make_app(symbols=["BINANCE:BTCUSDT", "NASDAQ:AAPL"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), 5, "palette")
        await pilot.press(*"open aapl")
        await wait_until(pilot, lambda: _highlighted(app, "Open NASDAQ:AAPL"), 5, "the hit")
        await pilot.press("enter")
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: chart.symbol == "NASDAQ:AAPL", 5, "the AAPL chart")


async def test_the_palette_lists_the_apps_commands(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE):
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for wanted in ("Export session", "Theme", "Timeframe 1h", "Reconnect", "Add symbol"):
            assert wanted in titles
        assert "Choose indicators" in titles


async def test_the_palette_can_switch_timeframe(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), 5, "palette")
        await pilot.press(*"timeframe 1h")
        await wait_until(pilot, lambda: _highlighted(app, "Timeframe 1h"), 5, "the hit")
        await pilot.press("enter")
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: chart.timeframe == "1h", 5, "the 1h chart")


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--demo", "--timeframe", "--theme", "--export-dir", "SYMBOL"):
        assert option in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [(["AAPL"], "no colon"), (["--timeframe", "7m"], "Unknown timeframe")],
)
def test_bad_arguments_fail_with_a_clear_message(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert needle in capsys.readouterr().err


def test_symbols_on_the_command_line_are_parsed() -> None:
    args = build_parser().parse_args(["BINANCE:BTCUSDT", "NASDAQ:AAPL", "--demo", "-t", "1h"])
    assert args.symbols == ["BINANCE:BTCUSDT", "NASDAQ:AAPL"] and args.demo


async def test_the_palette_offers_to_add_symbols_from_tradingview_search(make_app) -> None:
    from tvtui.ui.screens.symbol_entry import SymbolEntry

    app: TvtuiApp = make_app(symbols=["BINANCE:BTCUSDT"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), 5, "palette")
        await pilot.press(*"TSLA")
        palette = app.screen

        def offers_tesla() -> bool:
            from textual.widgets import OptionList

            options = palette.query_one(OptionList)
            return any(
                "Add NASDAQ:TSLA" in str(options.get_option_at_index(i).prompt)
                for i in range(options.option_count)
            )

        await wait_until(pilot, offers_tesla, 10, "a search result")
        # choosing it opens the entry dialog, pre-filled, so the symbol is still checked
        options = palette.query_one("OptionList")
        for i in range(options.option_count):
            if "Add NASDAQ:TSLA" in str(options.get_option_at_index(i).prompt):
                options.highlighted = i
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SymbolEntry), 5, "the entry")
        await wait_until(pilot, lambda: app.screen.state == "resolved", 10, "the preview")
