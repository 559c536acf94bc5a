"""The watchlist's palette commands (ctrl+p): lists, sections, sort, columns, positions, import.

A provider of the main screen (``MainScreen.COMMANDS``, through its watchlist mixin), so the
app's own commands stay where they are. The commands are words a trader types: "list" finds
every list command, "sort" every sort, the name of a list switches to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tvtui.ui.watchlist_cells import COLUMN_INFO
from tvtui.ui.watchlist_view import SORT_CYCLE

if TYPE_CHECKING:
    from tvtui.ui.screens.main import MainScreen

Command = tuple[str, Callable[[], Any], str]


class ListCommands(Provider):
    @property
    def main(self) -> MainScreen | None:
        main = getattr(self.app, "main", None)
        return cast("MainScreen | None", main)

    def commands(self) -> Iterator[Command]:
        main = self.main
        if main is None:
            return
        state = main.tvtui.watchlist
        pane = main.watchlist_pane
        for index, spec in enumerate(state.lists):
            if index != state.current:
                yield f"List: {spec.name}", partial(main.switch_list, index), "Show this list"
        yield "New list…", main.action_new_list, "An empty named list (ctrl+n)"
        yield "Rename list…", main.action_rename_list, f"Rename {state.shown.name!r}"
        if len(state.lists) > 1:
            yield "Delete list", main.action_delete_list, f"Delete {state.shown.name!r}"
        yield "Add section…", main.action_add_section, "A header from the selected symbol down"
        yield "Rename section…", main.action_rename_section, "The selected symbol's section"
        yield "Remove section", main.action_remove_section, "Its symbols join the one above"
        yield "Columns…", main.action_choose_columns, "Which columns this list shows"
        yield "Import watchlist…", main.action_import_watchlist, "A TradingView export file"
        yield "Filter watchlist", pane.action_filter, "Type to keep matching rows (f)"
        yield "Position…", main.action_edit_position, "Lots of the selected symbol (p)"
        for key in SORT_CYCLE:
            if key is None:
                yield "Sort: manual", partial(pane.sort_by, None), "The saved order"
            else:
                label = COLUMN_INFO[key][0]
                yield f"Sort: {label}", partial(pane.sort_by_column, key), "Again to reverse"

    async def discover(self) -> Hits:
        for text, run, help_text in self.commands():
            yield DiscoveryHit(text, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, run, help_text in self.commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)
