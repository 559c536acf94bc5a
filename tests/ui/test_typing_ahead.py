"""Keys typed right behind the key that opens a dialog go into the dialog: a fast typist, a
paste, or a terminal that delivers a burst of keys at once. Found in tmux: "aBINANCE:SOLUSDT"
typed at once left the symbol field empty, "istoch" opened the chooser without a search and
"p2" the position dialog without a quantity (the keys reached the main screen, which had no
use for them, while the dialog was still opening)."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Input

from tests.support import SIZE, burst, wait_until
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready
from tvtui.ui.screens.indicators import IndicatorScreen
from tvtui.ui.screens.position_entry import PositionEntry
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.widgets.watchlist import Watchlist


async def typed_at_once(
    app: TvtuiApp, pilot, keys: list[str], dialog: type[Screen[object]], field: str, text: str
) -> None:
    """``keys`` in one burst open ``dialog``, whose ``field`` ends up holding ``text``."""
    await wait_until(pilot, lambda: data_ready(app), 10, "data")
    burst(app, *keys)
    await wait_until(pilot, lambda: isinstance(app.screen, dialog), 5, "the dialog")
    typed = app.screen.query_one(field, Input)
    await wait_until(pilot, lambda: typed.value == text, 5, f"{text!r} in {field}")


async def test_a_and_a_symbol_typed_at_once_fill_the_symbol_field(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        keys = ["a", *"nasdaq", "colon", *"msft"]  # lower case: "q" is also the quit key
        await typed_at_once(app, pilot, keys, SymbolEntry, "Input", "nasdaq:msft")
        assert app.is_running and app.screen.query_one(Input).has_focus


async def test_i_and_a_search_typed_at_once_search_the_catalogue(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await typed_at_once(
            app, pilot, ["i", *"stoch"], IndicatorScreen, "#indicator-search", "stoch"
        )


async def test_p_and_a_quantity_typed_at_once_fill_the_quantity(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        keys = ["p", *"2.5"]
        await typed_at_once(app, pilot, keys, PositionEntry, "#position-quantity", "2.5")


async def test_a_dialog_key_typed_into_the_filter_is_a_letter_of_it(make_app) -> None:
    """The dialog keys are taken as the app receives them, except while the watchlist's
    filter takes typing: "fade" is a filter (f, then a, d, e), not Add, Remove and Export."""
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        symbols = list(app.symbols)
        burst(app, *"fade")
        await wait_until(pilot, lambda: app.watchlist.filter == "ade", 5, "the filter 'ade'")
        assert app.screen is app.main and app.query_one(Watchlist).filtering
        assert list(app.symbols) == symbols  # nothing removed
