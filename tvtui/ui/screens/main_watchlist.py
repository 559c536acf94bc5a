"""The main screen's watchlist editing: symbols, lists, sections, positions, and saving them.

A mixin of :class:`tvtui.ui.screens.main.MainScreen`. The lists are held by the app's
:class:`~tvtui.ui.watchlist_state.WatchlistState` (``app.watchlist``: the pane draws the shown
list, the palette and the stream worker read its symbols); every change is made there and goes
to the watchlist pane, to the worker (which quotes exactly the shown list's symbols, plus the
FX symbols its totals need) and to ``config.toml`` (saved merged with whatever another tvtui
wrote meanwhile), unless the list came from the command line or the config file could not be
read: then it says, once, why nothing is saved.
"""

from __future__ import annotations

import copy
import time
from functools import partial
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel
from textual.screen import Screen

from tvtui.config.lists import ListSpec, SectionSpec, list_name_problem
from tvtui.config.saving import save_lists
from tvtui.market.positions import Lot
from tvtui.ui.background import run_in_background
from tvtui.ui.format import decimals_for
from tvtui.ui.safe import guarded
from tvtui.ui.screens.columns import ColumnChooser
from tvtui.ui.screens.position_entry import PositionEntry
from tvtui.ui.screens.prompt import Prompt
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.watchlist_commands import ListCommands
from tvtui.ui.watchlist_holdings import number
from tvtui.ui.watchlist_import import Imported, import_file, path_problem, summary
from tvtui.ui.watchlist_sorting import WatchlistEdited
from tvtui.ui.watchlist_view import section_index
from tvtui.ui.widgets.watchlist import Watchlist

if TYPE_CHECKING:
    from tvtui.ui import messages as msg
    from tvtui.ui.app import TvtuiApp

    _Base = Screen[None]
else:
    _Base = object


#: How often (seconds, at most) the FX symbols the totals need are looked at again.
RATE_CHECK_EVERY = 1.0


class WatchlistActions(_Base):
    """``a``, ``d``, ``K`` / ``J``, lists (``w``, ctrl+n, the palette), sections, ``p``."""

    COMMANDS = {ListCommands}
    #: said once each: why the watchlist is not saved
    _unsaved_warned = False
    _save_warned = False
    #: the symbols the worker was last told to quote, and which worker (a restarted one
    #: is told again)
    _watching: tuple[object, list[str]] | None = None
    _next_rate_check = 0.0
    _rate_check_due = False

    if TYPE_CHECKING:

        @property
        def tvtui(self) -> TvtuiApp: ...

    def on_mount(self) -> None:
        """The lists from the config (the shown one is already on screen: app.symbols)."""
        app = self.tvtui
        state = app.watchlist
        state.positions = copy.deepcopy(app.settings.positions)
        if app.persist_watchlist:
            shown = app.settings.shown_list().name
            state.use_lists(copy.deepcopy(app.settings.watchlists), shown)
        self.show_list()

    @property
    def watchlist_pane(self) -> Watchlist:
        return self.query_one(Watchlist)

    # --- what is shown and quoted --------------------------------------------------------

    def show_list(self, keep: str | None = None) -> None:
        """The shown list (or its order, folds, positions) changed: draw it and quote it."""
        app = self.tvtui
        pane = self.watchlist_pane
        spec = app.watchlist.shown
        several = len(app.watchlist.lists) > 1 or spec.name != "Watchlist"
        pane.border_title = f"Watchlist · {spec.name}" if several else "Watchlist"
        pane.rebuild(keep)
        self.watch_shown()

    def watch_shown(self) -> None:
        """Tell the worker the shown list's symbols and the FX rates its totals need."""
        app = self.tvtui
        rates = self.watchlist_pane.painter.holdings.rate_symbols()
        app.watchlist.rate_symbols = set(rates)
        wanted = list(dict.fromkeys([*app.symbols, *rates]))
        told = self._watching
        if told is None or told[0] is not app.bridge or told[1] != wanted:
            self._watching = (app.bridge, wanted)
            app.bridge.watch(wanted)

    @guarded
    def on_quotes_changed(self, _message: msg.QuotesChanged) -> None:
        """A symbol's currency is known once its quote came: its FX rate may be needed now
        (looked at once a second at most: a flood of flushes needs no more)."""
        if not self.tvtui.watchlist.positions or self._rate_check_due:
            return
        wait = self._next_rate_check - time.monotonic()
        if wait <= 0:
            self._rate_check()
        else:  # soon, not never: a quiet market may send no further flush
            self._rate_check_due = True
            self.set_timer(wait, self._rate_check)

    def _rate_check(self) -> None:
        self._rate_check_due = False
        self._next_rate_check = time.monotonic() + RATE_CHECK_EVERY
        self.watch_shown()

    def on_watchlist_edited(self, _message: WatchlistEdited) -> None:
        self.save_lists()

    # --- symbols -------------------------------------------------------------------------

    async def action_add_symbol(self, initial: str = "") -> None:
        app = self.tvtui
        screen = SymbolEntry(app.endpoints, list(app.symbols), app.bridge, initial=initial)
        await app.push_screen(screen, self.symbol_chosen)

    def symbol_chosen(self, symbol: str | None) -> None:
        """What the add dialog hands back (None: cancelled)."""
        if not symbol:
            return
        app = self.tvtui
        if app.watchlist.add(symbol, beside=self.watchlist_pane.selected_symbol):
            self.watchlist_changed(keep=symbol)
        app.bridge.end_preview(symbol)
        app.notify(f"Added {symbol}", timeout=3)

    def action_remove_symbol(self) -> None:
        symbol = self.watchlist_pane.selected_symbol
        if symbol is None:
            return
        self.tvtui.watchlist.remove(symbol)
        self.watchlist_changed()
        self.app.notify(f"Removed {symbol}", timeout=3)

    def action_move(self, step: int) -> None:
        symbol = self.watchlist_pane.selected_symbol
        if symbol is None:
            return
        if self.tvtui.watchlist.move(symbol, step):
            self.watchlist_changed(keep=symbol)

    def watchlist_changed(self, keep: str | None = None) -> None:
        """The list changed: show it, quote it, save it (when it may be saved)."""
        self.show_list(keep)
        self.save_lists(keep)

    # --- lists ---------------------------------------------------------------------------

    def action_next_list(self, step: int = 1) -> None:
        """``w``: the next list (after the last, the first again; the palette names them)."""
        state = self.tvtui.watchlist
        if len(state.lists) > 1:
            self.switch_list(state.current + step)
        else:
            self.app.notify("The only list: ctrl+n makes another.", timeout=3)

    def switch_list(self, index: int) -> None:
        state = self.tvtui.watchlist
        state.show_list(index)
        self.watchlist_pane.set_filter("")
        self.show_list()
        self.watchlist_pane.move_cursor(row=0)
        self.save_lists()  # which one is shown is kept too
        self.app.notify(f"List: {state.shown.name}", timeout=2)

    def _names(self, but: str | None = None) -> list[str]:
        return [spec.name for spec in self.tvtui.watchlist.lists if spec.name != but]

    async def action_new_list(self) -> None:
        """ctrl+n: a new, empty list (named in a dialog), shown at once."""

        def made(name: str | None) -> None:
            if name:
                self.add_list(ListSpec(name, [SectionSpec(None)]))

        check = lambda text: list_name_problem(text, self._names())  # noqa: E731
        await self.app.push_screen(Prompt("New list", placeholder="a name", check=check), made)

    def add_list(self, spec: ListSpec) -> None:
        state = self.tvtui.watchlist
        state.lists.append(spec)
        self.switch_list(len(state.lists) - 1)

    def action_rename_list(self) -> None:
        state = self.tvtui.watchlist
        old = state.shown.name

        def renamed(name: str | None) -> None:
            if name and name != old:
                state.shown.name = name
                self.show_list()
                self.save_lists()

        check = lambda text: list_name_problem(text, self._names(but=old))  # noqa: E731
        prompt = Prompt(f"Rename the list {old!r}", value=old, check=check)
        self.app.push_screen(prompt, renamed)

    def action_delete_list(self) -> None:
        """Delete the shown list (never the last one: a list to show is always there)."""
        state = self.tvtui.watchlist
        if len(state.lists) == 1:
            self.app.notify("The last list cannot be deleted.", severity="warning")
            return
        gone = state.lists.pop(state.current)
        self.switch_list(min(state.current, len(state.lists) - 1))
        self.app.notify(f"Deleted the list {gone.name!r}", timeout=4)

    # --- sections ------------------------------------------------------------------------

    def action_add_section(self) -> None:
        """A new section starting at the selected symbol (it and those below it in its
        section move in), or an empty one at the end."""
        state = self.tvtui.watchlist
        symbol = self.watchlist_pane.selected_symbol

        def made(title: str | None) -> None:
            if not title:
                return
            sections = state.shown.sections
            home = state.section_of(symbol) if symbol else None
            if home is None or symbol is None:
                sections.append(SectionSpec(title))
            elif home.title is None and home.symbols.index(symbol) == 0:
                home.title = title  # the untitled top part, from its first symbol: named
            else:
                cut = home.symbols.index(symbol)
                moved, home.symbols[cut:] = home.symbols[cut:], []
                sections.insert(sections.index(home) + 1, SectionSpec(title, moved))
            self.watchlist_changed(keep=symbol)

        self.app.push_screen(Prompt("New section", placeholder="a title"), made)

    def _selected_section(self) -> SectionSpec | None:
        pane = self.watchlist_pane
        key = pane.selected_key
        state = self.tvtui.watchlist
        index = section_index(key) if key else None
        if index is not None:
            return state.shown.sections[index]
        return state.section_of(pane.selected_symbol) if pane.selected_symbol else None

    def action_rename_section(self) -> None:
        section = self._selected_section()
        if section is None:
            return

        def renamed(title: str | None) -> None:
            if title:
                section.title = title
                self.watchlist_changed()

        prompt = Prompt("Rename the section", value=section.title or "")
        self.app.push_screen(prompt, renamed)

    def action_remove_section(self) -> None:
        """The selected section's header goes; its symbols join the section above."""
        sections = self.tvtui.watchlist.shown.sections
        section = self._selected_section()
        if section is None or (section.title is None and len(sections) == 1):
            return
        index = sections.index(section)
        if index > 0:
            sections[index - 1].symbols += section.symbols
            del sections[index]
        elif len(sections) > 1:
            sections[1].symbols[:0] = section.symbols
            del sections[0]
        else:
            section.title = None
        self.watchlist_changed()

    # --- positions -----------------------------------------------------------------------

    async def action_edit_position(self) -> None:
        """``p``: the selected symbol's lots."""
        symbol = self.watchlist_pane.selected_symbol
        if symbol is None:
            return
        state = self.tvtui.watchlist
        quote = state.quotes.get(symbol, {})
        last = number(quote.get("lp"))
        decimals = decimals_for(quote, last) if last is not None else None
        lots = state.positions.get(symbol, [])

        def done(new: list[Lot] | None) -> None:
            if new is None:
                return
            if new:
                state.positions[symbol] = new
            else:
                state.positions.pop(symbol, None)
            self.watchlist_pane.rebuild(symbol)
            self.watchlist_changed(keep=symbol)

        await self.app.push_screen(PositionEntry(symbol, lots, last, decimals), done)

    def action_choose_columns(self) -> None:
        """Palette "Columns…": which columns the shown list has, in which order."""

        def chosen(columns: list[str] | None) -> None:
            if columns is not None:
                self.tvtui.watchlist.shown.columns = columns or None
                self.watchlist_changed()

        self.app.push_screen(ColumnChooser(self.watchlist_pane.visible_columns), chosen)

    # --- import --------------------------------------------------------------------------

    def action_import_watchlist(self) -> None:
        """Palette "Import watchlist…": a TradingView export into a new list."""
        app = self.tvtui

        def path_given(path: str | None) -> None:
            if not path:
                return
            app.notify("Checking the symbols of the file…", timeout=3)
            job = partial(import_file, path, self._names(), app.endpoints)
            run_in_background(self, job, lambda result: result, name="import")

        prompt = Prompt("Import a TradingView watchlist", placeholder="path", check=path_problem)
        app.push_screen(prompt, path_given)

    def on_imported(self, result: Imported) -> None:
        if result.spec is not None:
            self.add_list(result.spec)
        bad = result.refused or result.spec is None
        severity: SeverityLevel = "warning" if bad else "information"
        self.app.notify(summary(result), title="Import", severity=severity, timeout=15)

    # --- saving --------------------------------------------------------------------------

    def save_lists(self, keep: str | None = None) -> None:
        """Write the lists, the one shown and the lots (merged with the file as it is now)."""
        app = self.tvtui
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
        state = app.watchlist
        try:
            lists, positions = save_lists(
                app.config, state.lists, state.shown.name, state.positions
            )
        except OSError as exc:
            app.notify(f"Could not save the watchlist: {exc}", severity="error")
            return
        if lists != state.lists or positions != state.positions:
            # another tvtui changed the file meanwhile: merged in
            state.positions = copy.deepcopy(positions)
            state.use_lists(copy.deepcopy(lists), state.shown.name)
            self.show_list(keep)
