"""The watchlist's sort, filter and folds: the keys, the header click, and live re-sorting.

Why paced: under a quote flood the values a list is sorted by change many times a second; rows
that reorder on every tick cannot be read (or clicked). The order is therefore computed again
at most every :data:`RESORT_EVERY` seconds, and only when a flush changed something the order
depends on; the cursor stays on its symbol wherever it moves. ``resorts`` counts the times the
order actually changed (the benchmark reports it).

Filtering is a mode of the pane itself (``f``, then type): the text goes into the state's
filter, the rows narrow as it is typed, Enter keeps it, Escape clears it. While typing, the
keys are the filter's, so ``q`` or ``d`` typed into it never quit or delete.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message

from tvtui.ui.safe import guarded
from tvtui.ui.watchlist_cells import CellPainter
from tvtui.ui.watchlist_cursor import RowCursor
from tvtui.ui.watchlist_state import WatchlistState
from tvtui.ui.watchlist_view import (
    POSITION_SORT,
    QUOTE_SORT,
    SORT_CYCLE,
    TOTALS,
    build_view,
    is_symbol,
    parse_sort,
)

#: At most this often (seconds) the rows are reordered under live updates.
RESORT_EVERY = 0.3
#: Columns whose natural order is ascending (the rest start with the largest first).
ASCENDING_FIRST = frozenset({"symbol", "description"})


class WatchlistEdited(Message):
    """The pane changed the shown list (sort, a fold): the screen saves it."""


class SortAndFilter(RowCursor):
    """The rows' order and filter over a :class:`RowCursor`; the widget says what the rows
    are (``rebuild``) and repaints one (``_paint``)."""

    state: WatchlistState
    painter: CellPainter
    view: list[str]
    visible_columns: tuple[str, ...]
    _index: dict[str, int]
    _cells: dict[str, dict[str, Any]]
    _stale: set[str]

    def _fit(self) -> None:
        raise NotImplementedError

    def _forget_lines(self) -> None:
        raise NotImplementedError

    def _resize_virtual(self) -> None:
        raise NotImplementedError

    def rebuild(self, keep: str | None = None, everything: bool = True) -> bool:
        """The rows again from the state (a list switched, a section folded, the sort, the
        filter); the cursor stays on ``keep`` (else on its row's key, else its row). False
        when nothing moved (``everything`` False: only the order may have changed)."""
        current = keep or self.selected_key
        row = self.cursor_row
        view = build_view(self.state, self.painter.holdings)
        if not everything and view == self.view:
            return False
        self.view = view
        for gone in set(self._cells) - set(view):
            del self._cells[gone]
            self.painter.forget(gone)
        self._index = {key: k for k, key in enumerate(view)}
        for key in view:
            if key not in self._cells or not is_symbol(key):
                self._cells[key] = {}
                self._stale.add(key)
        self._stale &= set(self._index)
        if everything:
            self._fit()
        self._forget_lines()
        self._resize_virtual()
        # scrolled once the pane has its new height (more rows: a taller pane)
        if current in self._index:
            self.move_cursor(row=self._index[current], scroll=False)
        elif view:
            self.move_cursor(row=min(row, len(view) - 1), scroll=False)
        else:
            self.cursor_row = 0
        self.call_after_refresh(self.scroll_cursor_into_view)
        return True

    @property
    def selected_key(self) -> str | None:
        raise NotImplementedError

    def _paint(self, symbol: str, shown: Any = None) -> None:
        raise NotImplementedError

    SORT_BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "s", "cycle_sort", "Sort: next column, again reverses", show=False, id="watchlist.sort"
        ),
        Binding("f", "filter", "Filter", show=False, id="watchlist.filter", priority=True),
        Binding("w", "screen.next_list(1)", "Next watchlist", show=False, id="watchlist.next_list"),
        Binding(
            "ctrl+n",
            "screen.new_list",
            "New list",
            show=False,
            id="watchlist.new_list",
            priority=True,
        ),
        Binding(
            "p",
            "screen.edit_position",
            "Position",
            show=False,
            id="watchlist.position",
            priority=True,
        ),
    ]

    def init_sorting(self) -> None:
        self.resorts = 0
        #: re-sort passes run (each after a flush that may have changed the order)
        self.resort_passes = 0
        self.filtering = False
        self._resort_due = False

    def on_mount(self) -> None:
        self.set_interval(RESORT_EVERY, self._resort_tick)

    # --- live data -------------------------------------------------------------------------

    def quotes_moved(self, changed: list[str]) -> None:
        """A flush changed ``changed`` (or a rate): the totals, and the order soon."""
        state = self.state
        if TOTALS in self._index and (
            state.rates_changed or any(symbol in state.positions for symbol in changed)
        ):
            state.rates_changed = False
            self._paint(TOTALS)
        key, _reverse = parse_sort(state.shown.sort)
        if (key is not None and key != "symbol") or state.filter:
            self._resort_due = True

    @guarded
    def _resort_tick(self) -> None:
        if self._resort_due:
            self._resort_due = False
            self.resort_passes += 1
            if self.rebuild(everything=False):
                self.resorts += 1

    # --- sort --------------------------------------------------------------------------------

    def sort_by(self, sort: str | None) -> None:
        """Sort the shown list by ``sort`` (``"-key"`` descending; None: the saved order)."""
        self.state.shown.sort = sort
        self.rebuild()
        self.post_message(WatchlistEdited())

    def sortable(self) -> tuple[str | None, ...]:
        """What ``s`` goes through: the manual order, then the shown columns it sorts by, left
        to right (a column out of sight would sort the rows with no arrow to say why)."""
        held = self.painter.holdings.any_held()
        keys = (k for k in self.visible_columns if k in SORT_CYCLE or k in QUOTE_SORT)
        return (None, *(k for k in keys if held or k not in POSITION_SORT))

    def action_cycle_sort(self) -> None:
        """``s``: the next column in its natural order, again to reverse it, then the next
        column ... and back to the saved order."""
        key, reverse = parse_sort(self.state.shown.sort)
        cycle = self.sortable()
        if key in cycle and key is not None and reverse == (key not in ASCENDING_FIRST):
            self.sort_by(("" if reverse else "-") + key)  # natural so far: the other direction
            return
        if key in cycle:
            after = cycle[(cycle.index(key) + 1) % len(cycle)]
        else:  # manual, or sorted by a column the cycle does not hold: its first column
            after = cycle[1] if len(cycle) > 1 else None
        self.sort_by(None if after is None else _natural(after))

    def sort_by_column(self, key: str) -> None:
        """A click on a header: sort by it; on the sorted one, reverse."""
        current, reverse = parse_sort(self.state.shown.sort)
        if key == "trend":
            return
        if current == key:
            self.sort_by(("" if reverse else "-") + key)
        else:
            self.sort_by(_natural(key))

    def on_click(self, event: events.Click) -> None:
        if event.style.meta.get("row") == -1 and not event.style.meta.get("out_of_bounds"):
            column = event.style.meta.get("column")
            if isinstance(column, int) and 0 <= column < len(self.visible_columns):
                event.stop()
                event.prevent_default()
                self.sort_by_column(self.visible_columns[column])

    # --- sections ----------------------------------------------------------------------------

    def toggle_section(self, index: int) -> None:
        sections = self.state.shown.sections
        if 0 <= index < len(sections):
            sections[index].folded = not sections[index].folded
            self.rebuild()
            self.post_message(WatchlistEdited())

    # --- filter ------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.filtering = True
        self._show_filter()

    def empty_hint(self) -> str:
        """What a pane with no rows says in its first row: why, and the key that fills it
        (found in tmux: a new list was a blank pane, a filter matching nothing too)."""
        if self.state.filter:
            return f"no symbol matches {self.state.filter!r} · Esc clears the filter"
        keys = (
            k for k, b in self.screen.active_bindings.items() if b.binding.action == "add_symbol"
        )
        return f"an empty list: {next(keys, 'a')} adds a symbol"

    def set_filter(self, text: str) -> None:
        self.state.filter = text
        self.rebuild()
        self._show_filter()

    def _show_filter(self) -> None:
        text = self.state.filter
        if self.filtering:
            self.border_subtitle = f"filter: {text}▏ Enter keeps · Esc clears"
        elif text:
            self.border_subtitle = f"filter: {text} · f edits · Esc clears"
        else:
            self.border_subtitle = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``f`` is a priority binding: taken as the app receives it, so the keys typed right
        behind it are already the filter's ("f" then "eth" at once once went "e": export).
        While the filter takes typing, "f" is a letter of it."""
        return not (action == "filter" and self.filtering)

    def on_key(self, event: events.Key) -> None:
        if not self.filtering:
            if event.key == "escape" and self.state.filter:
                event.stop()
                self.set_filter("")
            return
        text = self.state.filter
        if event.key == "escape":
            self.filtering = False
            text = ""
        elif event.key == "enter":
            self.filtering = False
        elif event.key == "backspace":
            text = text[:-1]
        elif event.character and event.character.isprintable() and len(text) < 40:
            text += event.character
        else:
            return  # arrows and the like keep working while filtering
        event.stop()
        event.prevent_default()
        self.set_filter(text)


def _natural(key: str) -> str:
    return key if key in ASCENDING_FIRST else "-" + key
