"""A row cursor for a Line API list with a fixed header line: keys, mouse, scrolling.

Why apart from the watchlist: it is the table behaviour people's hands know (up/down, page
up/down, ctrl+home/end, Enter, click to select and click again to open, a faint hover row)
and does not care what the rows hold. It repaints only the lines the cursor or the hover
leave and enter (``refresh_lines``). The subclass says how many rows there are, how wide the
table is, and what selecting a row does.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Spacing
from textual.scroll_view import ScrollView

#: The header is the first line; it does not scroll.
HEADER = 1


class RowCursor(ScrollView):
    """A cursor over rows ``0 .. row_count - 1`` drawn below a one-line header."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "cursor_top", "Top", show=False),
        Binding("ctrl+end", "cursor_bottom", "Bottom", show=False),
        Binding("home", "scroll_home", "Home", show=False),
        Binding("end", "scroll_end", "End", show=False),
    ]

    cursor_row: int = 0
    #: The row under the mouse (-1: the header), shown only while ``show_hover``.
    hover_row: int = 0
    show_hover: bool = False

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def table_width(self) -> int:
        raise NotImplementedError

    def action_select_cursor(self) -> None:
        raise NotImplementedError

    def cursor_moved(self) -> None:
        """The cursor is on another row (a subclass may care)."""

    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        """Put the cursor on ``row`` (clamped) and, unless told not to, scroll it into view."""
        row = max(0, min(row, self.row_count - 1))
        previous, self.cursor_row = self.cursor_row, row
        if previous != row:
            self.refresh_lines(HEADER + previous)
            self.refresh_lines(HEADER + row)
            self.cursor_moved()
        if scroll:
            self.scroll_cursor_into_view(animate)

    def scroll_cursor_into_view(self, animate: bool = False) -> None:
        width = max(self.size.width, self.table_width())
        region = Region(int(self.scroll_x), HEADER + self.cursor_row, width, 1)
        self.scroll_to_region(region, animate=animate, spacing=Spacing(HEADER, 0, 0, 0), force=True)

    def rows_on_screen(self) -> range:
        """The rows in the visible part of the list."""
        top = int(self.scroll_y)
        return range(top, top + self.scrollable_content_region.height - HEADER)

    def _set_hover(self, active: bool, row: int | None = None) -> None:
        old = (self.show_hover, self.hover_row)
        self.show_hover = active
        if row is not None:
            self.hover_row = row
        if old != (self.show_hover, self.hover_row):
            for line in {old[1], self.hover_row}:
                if line == -1:
                    self.refresh(Region(0, 0, self.size.width, HEADER))
                else:
                    self.refresh_lines(HEADER + line)

    # --- keys --------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._set_hover(False)
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._set_hover(False)
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_top(self) -> None:
        self._set_hover(False)
        self.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        self._set_hover(False)
        self.move_cursor(row=self.row_count - 1)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER)

    def action_page_down(self) -> None:
        self._set_hover(False)
        self.scroll_relative(y=self._page(), animate=False, force=True)
        self.move_cursor(row=self.cursor_row + self._page(), scroll=False)

    def action_page_up(self) -> None:
        self._set_hover(False)
        self.scroll_relative(y=-self._page(), animate=False)
        self.move_cursor(row=self.cursor_row - self._page(), scroll=False)

    def action_scroll_home(self) -> None:
        self._set_hover(False)
        self.scroll_x = 0

    def action_scroll_end(self) -> None:
        self._set_hover(False)
        self.scroll_x = self.max_scroll_x

    # --- mouse (the row and column ride in each cell's style meta) ----------------------------

    def on_mouse_move(self, event: events.MouseMove) -> None:
        row = event.style.meta.get("row")
        if isinstance(row, int):
            self._set_hover(True, row)
        else:
            self._set_hover(False)

    def on_leave(self, _event: events.Leave) -> None:
        self._set_hover(False)

    def on_click(self, event: events.Click) -> None:
        """A click selects its row; a click on the selected row opens it (as Enter)."""
        self._set_hover(True)
        row = event.style.meta.get("row")
        if not isinstance(row, int) or not 0 <= row < self.row_count:
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
            self._set_hover(True)
        else:
            self.move_cursor(row=row, animate=True)
