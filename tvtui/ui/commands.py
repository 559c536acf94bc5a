"""Command palette (ctrl+p): the watchlist's symbols, and TradingView's symbol search.

The app's own commands (export, theme, timeframe, reconnect, add symbol, indicators) are
system commands (``TvtuiApp.get_system_commands``, most run on the main screen); this provider
adds symbols: "Open X" for every watchlist entry, and "Add X" from the symbol search when the
query looks like a ticker. A failing search never breaks the palette: it just yields nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tvtui.feed.symbols import SymbolLookupError, normalize_symbol, search_symbols
from tvtui.ui.background import await_in_background
from tvtui.ui.safe import markup_literal

if TYPE_CHECKING:
    from tvtui.ui.app import TvtuiApp

SEARCH_TIMEOUT = 3.0


def app_commands(app: TvtuiApp) -> Iterable[SystemCommand]:
    """The app's own palette commands (Textual adds theme, keys, quit ...)."""
    from tvtui.ui.widgets.chart import TIMEFRAMES

    main = app.main
    if main is None:
        return
    yield SystemCommand("Add symbol", "Check a symbol and add it", main.action_add_symbol)
    yield SystemCommand("Export session", "Write JSON or CSV", main.action_export)
    yield SystemCommand("Choose indicators", "RSI, MACD and more", main.action_choose_indicators)
    yield SystemCommand("Reconnect", "Drop the link and connect again", app.action_reconnect)
    yield SystemCommand("Alerts", "List, pause, edit, delete alerts", main.action_alert_list)
    yield SystemCommand("New alert", "Alert on the selected symbol", main.action_new_alert)
    yield SystemCommand("Help", "Every key binding", main.action_help)
    for name in app.theme_cycle:
        theme = app.get_theme(name)
        kind = "dark" if theme is None or theme.dark else "light"
        # the words a person types ("light", "dark", "amber") are in the title, which is
        # what the palette matches
        yield SystemCommand(
            f"Theme {name} ({kind})",
            f"Switch to the {kind} theme {name}",
            partial(setattr, app, "theme", name),
        )
    for timeframe in TIMEFRAMES:
        yield SystemCommand(
            f"Timeframe {timeframe}",
            f"Show {timeframe} candles",
            partial(main.action_select_timeframe, timeframe),
        )


class SymbolCommands(Provider):
    @property
    def tvtui(self) -> TvtuiApp:
        return cast("TvtuiApp", self.app)

    async def discover(self) -> Hits:
        main = self.tvtui.main
        if main is None:
            return
        for symbol in list(self.tvtui.symbols):
            description = main.quote_of(symbol).get("description", "")
            yield DiscoveryHit(
                f"Open {symbol}",
                partial(main.open_symbol, symbol),
                help=_help(description, "Show it on the chart"),
            )

    async def search(self, query: str) -> Hits:
        app = self.tvtui
        main = app.main
        if main is None:
            return
        matcher = self.matcher(query)
        for symbol in list(app.symbols):
            command = f"Open {symbol}"
            description = str(main.quote_of(symbol).get("description", ""))
            # "apple" finds NASDAQ:AAPL by its description
            score = max(matcher.match(command), matcher.match(description) * 0.95)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command),
                    partial(main.open_symbol, symbol),
                    help=_help(description, "Show it on the chart"),
                )
        text = query.strip()
        if len(text) < 2 or " " in text:
            return
        try:
            results = await await_in_background(
                partial(search_symbols, text, app.endpoints, 8, SEARCH_TIMEOUT),
                SEARCH_TIMEOUT + 1,
            )
        except (SymbolLookupError, ValueError, TimeoutError, OSError):
            return
        known = set(app.symbols)
        for row in results:
            try:  # a search result's id is the server's text: only a real symbol is offered
                symbol = normalize_symbol(str(row.get("id") or ""))
            except ValueError:
                continue
            if symbol in known:
                continue
            command = f"Add {symbol}"
            yield Hit(
                max(0.1, matcher.match(command) * 0.9),
                matcher.highlight(command),
                partial(main.action_add_symbol, symbol),  # pre-filled: still checked
                help=_help(row.get("description"), "Add it to the watchlist"),
            )


def _help(description: object, default: str) -> str:
    """A hit's help line from server text: the palette reads ``help`` as markup, so the text
    goes in escaped (``[/]`` shown as such, never a tag or a click action)."""
    return markup_literal(description, 200) if description else default
