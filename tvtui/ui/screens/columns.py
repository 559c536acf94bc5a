"""Which columns a list shows, and in which order (palette "Columns…").

Every column is listed in the list's order, the shown ones ticked: space ticks, ``K`` / ``J``
(or shift+up / shift+down) move the highlighted column, Enter keeps the choice, "Default"
goes back to the columns that follow the pane's width. Returns the column keys, ``[]`` for the
default, None when cancelled.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList
from textual.widgets.selection_list import Selection

from tvtui.config.lists import COLUMN_KEYS
from tvtui.ui.watchlist_cells import COLUMN_INFO


class ColumnChooser(ModalScreen[list[str] | None]):
    DEFAULT_CSS = """
    ColumnChooser #columns-list { height: auto; max-height: 22; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="columns.cancel"),
        Binding("enter", "keep", "Keep", priority=True, id="columns.keep"),
        Binding("K,shift+up", "move(-1)", "Move up", id="columns.move_up"),
        Binding("J,shift+down", "move(1)", "Move down", id="columns.move_down"),
    ]

    def __init__(self, shown: tuple[str, ...]) -> None:
        super().__init__()
        self.order = [*shown, *(k for k in COLUMN_KEYS if k not in shown)]
        self.ticked = set(shown)

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-box", classes="dialog"):
            yield Label("Columns of this list", classes="dialog-title")
            yield SelectionList[str](id="columns-list")
            yield Label("space shows/hides · K/J move · Enter keeps", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="columns-ok", variant="primary")
                yield Button("Default", id="columns-default")
                yield Button("Cancel", id="columns-cancel")

    def on_mount(self) -> None:
        self._fill(0)
        self.query_one(SelectionList).focus()

    def _fill(self, highlighted: int) -> None:
        options = self.query_one(SelectionList)
        options.clear_options()
        options.add_options([Selection(COLUMN_INFO[k][0], k, k in self.ticked) for k in self.order])
        options.highlighted = highlighted

    @on(SelectionList.SelectedChanged)
    def _ticked(self) -> None:
        self.ticked = set(self.query_one(SelectionList).selected)

    def action_move(self, step: int) -> None:
        options = self.query_one(SelectionList)
        index = options.highlighted
        if index is None or not 0 <= index + step < len(self.order):
            return
        self.order.insert(index + step, self.order.pop(index))
        self._fill(index + step)

    def chosen(self) -> list[str]:
        return [k for k in self.order if k in self.ticked]

    @on(Button.Pressed, "#columns-ok")
    def action_keep(self) -> None:
        self.dismiss(self.chosen() or None)

    @on(Button.Pressed, "#columns-default")
    def _default(self) -> None:
        self.dismiss([])

    @on(Button.Pressed, "#columns-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
