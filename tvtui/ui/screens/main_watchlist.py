"""The main screen's watchlist editing: add (through the checking dialog), remove, reorder, save.

A mixin of :class:`tvtui.ui.screens.main.MainScreen`. The list itself is the app's
:class:`~tvtui.ui.watchlist_state.WatchlistState` (``app.watchlist``: the pane draws it, the
palette and the stream worker read its symbols); every change is made there and goes to the
watchlist pane, to the worker (which quotes exactly these symbols) and to ``config.toml`` (saved
merged with whatever another tvtui wrote meanwhile), unless the list came from the command
line or the config file could not be read: then it says, once, why nothing is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from tvtui.config import save_watchlist
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.widgets.watchlist import Watchlist

if TYPE_CHECKING:
    from tvtui.ui.app import TvtuiApp

    _Base = Screen[None]
else:
    _Base = object


class WatchlistActions(_Base):
    """``a``, ``d``, ``K`` / ``J`` on the watchlist, and saving the result."""

    #: said once each: why the watchlist is not saved
    _unsaved_warned = False
    _save_warned = False

    if TYPE_CHECKING:

        @property
        def tvtui(self) -> TvtuiApp: ...

    def action_add_symbol(self, initial: str = "") -> None:
        app = self.tvtui
        screen = SymbolEntry(app.endpoints, list(app.symbols), app.bridge, initial=initial)
        app.push_screen(screen, self.symbol_chosen)

    def symbol_chosen(self, symbol: str | None) -> None:
        """What the add dialog hands back (None: cancelled)."""
        if not symbol:
            return
        app = self.tvtui
        if app.watchlist.add(symbol):
            self.watchlist_changed(keep=symbol)
        app.bridge.end_preview(symbol)
        app.notify(f"Added {symbol}", timeout=3)

    def action_remove_symbol(self) -> None:
        watchlist = self.query_one(Watchlist)
        symbol = watchlist.selected_symbol
        if symbol is None:
            return
        self.tvtui.watchlist.remove(symbol)
        self.watchlist_changed()
        self.app.notify(f"Removed {symbol}", timeout=3)

    def action_move(self, step: int) -> None:
        symbol = self.query_one(Watchlist).selected_symbol
        if symbol is None:
            return
        if self.tvtui.watchlist.move(symbol, step):
            self.watchlist_changed(keep=symbol)

    def watchlist_changed(self, keep: str | None = None) -> None:
        """The list changed: show it, quote it, save it (when it may be saved)."""
        app = self.tvtui
        self.query_one(Watchlist).set_symbols(app.symbols, keep=keep)
        app.bridge.watch(app.symbols)
        if not app.persist_watchlist:
            if not self._unsaved_warned:
                self._unsaved_warned = True
                app.notify(
                    "This watchlist came from the command line, so changes to it are not "
                    "saved (start tvtui without symbols to keep them).",
                    title="Watchlist",
                    severity="warning",
                    timeout=10,
                )
            return
        if not app.config.can_save:
            if not self._save_warned:
                self._save_warned = True
                app.notify(
                    "The watchlist is not saved: the config file had errors at start "
                    "(fix it and restart).",
                    title="Settings",
                    severity="warning",
                )
            return
        try:
            saved = save_watchlist(app.config, app.watchlist.saved())
        except OSError as exc:
            app.notify(f"Could not save the watchlist: {exc}", severity="error")
            return
        if saved != app.symbols:  # another tvtui changed the file meanwhile: merged in
            self.query_one(Watchlist).set_symbols(saved, keep=keep)
            app.bridge.watch(app.symbols)
