"""The watchlist pane: a header line and one line per symbol, repainted line by line.

Why a Line API widget (a ``ScrollView`` whose ``render_line`` returns Strips it keeps) and not
a ``DataTable``: under a quote flood only rows whose cells changed may cost anything, without
touching caches it does not own. A changed row on screen is repainted with ``refresh_lines``
alone; a row out of sight is not even formatted until it is drawn. It looks like the table
it replaced, cell for cell (the ``datatable--*`` component classes the app's CSS styles).

State: :class:`~tvtui.ui.watchlist_state.WatchlistState`; cells:
:class:`~tvtui.ui.watchlist_cells.CellPainter`; lines:
:class:`~tvtui.ui.watchlist_lines.LinePainter`; keys and mouse:
:class:`~tvtui.ui.watchlist_cursor.RowCursor`. Flushes come from the stream worker, paced by
what they cost the UI (:meth:`Watchlist.take_cost`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from tvtui.ui.safe import guarded
from tvtui.ui.watchlist_cells import (
    COLUMN_INFO,
    PADDING,
    CellPainter,
    trend_width,
    wanted_columns,
)
from tvtui.ui.watchlist_colours import FLASH_STRENGTH, ThemeColours
from tvtui.ui.watchlist_cursor import HEADER
from tvtui.ui.watchlist_lines import LinePainter, Look, as_renderable
from tvtui.ui.watchlist_sorting import SortAndFilter
from tvtui.ui.watchlist_state import FLASH_SECONDS, WatchlistState
from tvtui.ui.watchlist_view import TOTALS, build_view, is_symbol, parse_sort, section_index

__all__ = ["FLASH_SECONDS", "FLASH_STRENGTH", "HEADER", "Watchlist"]

log = logging.getLogger(__name__)


class Watchlist(SortAndFilter, can_focus=True):
    """Symbols with last price, change, change %, volume and a small trend."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datatable--header",
        "datatable--cursor",
        "datatable--hover",
        "datatable--header-hover",
    }
    DEFAULT_CSS = """
    Watchlist {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .datatable--header {
                background-tint: $foreground 5%;
            }
        }
        & > .datatable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .datatable--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .datatable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .datatable--header-hover {
            background: $accent 30%;
        }
        & > .datatable--hover {
            background: $block-hover-background;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="watchlist.down"),
        Binding("k", "cursor_up", "Up", show=False, id="watchlist.up"),
        *SortAndFilter.SORT_BINDINGS,
    ]

    class Opened(Message):
        """Enter on a row (or a click on the selected one): show this symbol on the chart."""

        def __init__(self, symbol: str) -> None:
            super().__init__()
            self.symbol = symbol

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        state: WatchlistState | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.state = state or WatchlistState()
        self.colours = ThemeColours(lambda: self.app.theme_variables)
        self.painter = CellPainter(self.state, self.colours.colour, self.colours.flash)
        self.visible_columns: tuple[str, ...] = ()
        self.cursor_row = 0
        self.lines = LinePainter()
        # a state handed in may hold symbols already: their rows from the start
        #: the row keys in display order (symbols, section headers, the totals row)
        self.view: list[str] = build_view(self.state, self.painter.holdings)
        #: row key -> column -> Cell or renderable; key -> row; rows to recompute when drawn
        self._cells: dict[str, dict[str, Any]] = {key: {} for key in self.view}
        self._index: dict[str, int] = {key: k for k, key in enumerate(self.view)}
        self._stale: set[str] = set(self.view)
        self.init_sorting()
        self._cost = 0.0  # UI-thread seconds spent on quotes (handler + repaint) since taken

    # --- what app.py and the tests read -----------------------------------------------------

    @property
    def symbols(self) -> list[str]:
        return self.state.symbols

    @property
    def quotes(self) -> dict[str, dict[str, Any]]:
        return self.state.quotes

    @property
    def trends(self) -> dict[str, tuple[float, ...]]:
        return self.state.trends

    @property
    def rejected(self) -> dict[str, str]:
        return self.state.rejected

    @property
    def active_symbol(self) -> str | None:
        return self.state.active

    @property
    def trend_width(self) -> int:
        return self.painter.trend_width

    @property
    def rows(self) -> tuple[str, ...]:
        """The row keys in display order (``symbol in rows``, ``list(rows)``): symbols, and
        section headers and the totals row when the list has them."""
        return tuple(self.view)

    @property
    def row_count(self) -> int:
        return len(self.view)

    @property
    def selected_key(self) -> str | None:
        view = self.view
        return view[self.cursor_row] if 0 <= self.cursor_row < len(view) else None

    @property
    def selected_symbol(self) -> str | None:
        key = self.selected_key
        return key if key is not None and is_symbol(key) else None

    def get_row_index(self, symbol: str) -> int:
        return self._index[symbol]

    def get_cell(self, symbol: str, column: str) -> Any:
        """What ``symbol``'s ``column`` cell shows: a ``Text`` (or what ``update_cell`` put)."""
        if symbol in self._stale:
            self._update_cells(symbol)
        return as_renderable(self._cells[symbol][column])

    def update_cell(self, symbol: str, column: str, value: Any) -> None:
        """Put ``value`` (a renderable; a string is plain text) in one cell until the row's
        data next changes that cell."""
        if symbol in self._stale:
            self._update_cells(symbol)
        self._cells[symbol][column] = value
        self.lines.forget(symbol)
        self.refresh_lines(HEADER + self._index[symbol])

    def header_text(self) -> str:
        """The header line as drawn (for tests and screen readers)."""
        self.lines.use(self._look())
        return self.lines.header(False, self.app.console, self.app.console_options).text

    # --- layout ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._fit()
        self.set_interval(0.2, self._expire_flashes)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._repaint_all())

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Columns for the width (a narrow pane gets the compact set); the trend column takes
        what the others leave."""
        width = self.scrollable_content_region.width or self.app.size.width
        held = self.painter.holdings.any_held()
        visible = wanted_columns(width, self.state.shown.columns, held)
        trend = trend_width(self.scrollable_content_region.width, visible)
        if visible == self.visible_columns and trend == self.painter.trend_width:
            return
        self.visible_columns = visible
        self.painter.trend_width = trend
        self._repaint_all()

    def table_width(self) -> int:
        return sum(self._column_width(key) + 2 * PADDING for key in self.visible_columns)

    def _column_width(self, key: str) -> int:
        if key == "trend":
            return self.painter.trend_width
        return COLUMN_INFO[key][1]

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self.table_width(), HEADER + len(self.view))

    # --- rows --------------------------------------------------------------------------------

    def set_symbols(self, symbols: list[str], keep: str | None = None) -> None:
        """Show exactly ``symbols`` in this order; the cursor stays on ``keep`` (or its row)."""
        self.state.set_symbols(symbols)
        self.rebuild(keep)

    def set_active(self, symbol: str | None) -> None:
        """Mark the symbol shown on the chart (a ▶ before its name); opening it is seeing it."""
        self.state.seen(symbol)
        for changed in self.state.set_active(symbol):
            self._paint(changed)

    def mark_alerted(self, symbol: str) -> None:
        """An alert fired on ``symbol``: a ⚑ on its row until the cursor or the chart is on it."""
        if self.state.mark_alerted(symbol):
            self._paint(symbol)

    def cursor_moved(self) -> None:
        """The cursor reached a row: its alert mark has been seen."""
        symbol = self.selected_key
        if symbol is not None and self.state.seen(symbol):
            self._paint(symbol)

    # --- data --------------------------------------------------------------------------------

    def update_quotes(
        self, quotes: dict[str, dict[str, Any]], trends: dict[str, tuple[float, ...]]
    ) -> None:
        """Merge a flush from the worker; repaint only the rows whose cells changed."""
        started = time.perf_counter()
        shown = self.rows_on_screen()  # once a flush: hundreds of rows may change in one
        changed = self.state.merge(quotes, trends, self.clock())
        for symbol in changed:
            self._paint(symbol, shown)
        if changed or self.state.rates_changed:
            self.quotes_moved(changed)
        self._cost += time.perf_counter() - started

    def take_cost(self) -> float:
        """UI-thread seconds spent on quote flushes (handling and repainting) since the last
        call: the stream worker paces its flushes by it."""
        cost, self._cost = self._cost, 0.0
        return cost

    def reject(self, symbol: str, reason: str) -> None:
        if self.state.reject(symbol, reason):
            self._paint(symbol)

    @guarded
    def _expire_flashes(self) -> None:
        for symbol in self.state.expire(self.clock()):
            self._paint(symbol)

    def _repaint_all(self) -> None:
        """A new theme or column set: every cell again (when next shown), every line afresh."""
        self.colours.clear()
        self._stale.update(self.view)
        self._forget_lines()
        self._resize_virtual()

    def _paint(self, symbol: str, shown: range | None = None) -> None:
        """``symbol``'s data changed: a row on screen gets its cells now and is redrawn if one
        of them changed; a row out of sight only when it is next drawn (with 500 symbols most
        of a flush is out of sight)."""
        index = self._index.get(symbol)
        if index is None:
            return
        if index not in (self.rows_on_screen() if shown is None else shown):
            self._stale.add(symbol)
            self.lines.forget(symbol)
        elif self._update_cells(symbol):
            self.lines.forget(symbol)
            self.refresh_lines(HEADER + index)

    def _update_cells(self, symbol: str) -> bool:
        """Recompute ``symbol``'s cells (or a header's, or the totals'); True if a visible
        one changed."""
        self._stale.discard(symbol)
        shown = self._cells[symbol]
        changed = False
        for key, cell in self._row_cells(symbol).items():
            if shown.get(key) != cell:
                shown[key] = cell
                changed = changed or key in self.visible_columns
        return changed

    def _row_cells(self, key: str) -> dict[str, Any]:
        if is_symbol(key):
            return self.painter.cells(key, self.visible_columns)
        if key == TOTALS:
            return self.painter.totals_cells()
        index = section_index(key)
        return self.painter.section_cells(index) if index is not None else {}

    def _forget_lines(self) -> None:
        self.lines.clear()
        self.refresh()

    # --- drawing (Textual's Line API) -----------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        started = time.perf_counter()
        try:
            self.lines.use(self._look())  # focus, theme, width, columns or scroll: all afresh
            return super().render_lines(crop)
        except Exception:  # one bad cell must not end the app: blank lines, logged
            log.exception("watchlist render failed; drawn blank")
            return [Strip.blank(crop.width)] * crop.height
        finally:
            self._cost += time.perf_counter() - started

    def render_line(self, y: int) -> Strip:
        console, options = self.app.console, self.app.console_options
        if y < HEADER:
            return self.lines.header(self.show_hover and self.hover_row == -1, console, options)
        index = y - HEADER + self.scroll_offset.y
        view = self.view
        if not 0 <= index < len(view):
            if index == 0 and not view:
                hint = Segment(f" {self.empty_hint()}", self.rich_style + Style(dim=True))
                return Strip([hint]).adjust_cell_length(self.size.width, self.rich_style)
            return Strip.blank(self.size.width, self.rich_style)
        symbol = view[index]
        if symbol in self._stale:
            self._update_cells(symbol)
        how = (index, index == self.cursor_row, self.show_hover and index == self.hover_row)
        try:
            return self.lines.row(symbol, self._cells[symbol], how, console, options)
        except Exception:  # a cell nobody foresaw: this row blank, logged, the rest drawn
            log.exception("watchlist row %r failed to render; drawn blank", symbol)
            return Strip.blank(self.size.width, self.rich_style)

    def _look(self) -> Look:
        def component(name: str) -> Style:  # unstyled until the CSS is applied (a first paint)
            return self.get_component_rich_style(name, default=Style.null())

        sorted_by, reverse = parse_sort(self.state.shown.sort)
        arrow = " ▼" if reverse else " ▲"
        return Look(
            base=self.rich_style,
            header=component("datatable--header"),
            cursor=component("datatable--cursor"),
            hover=component("datatable--hover"),
            header_hover=component("datatable--header-hover"),
            columns=tuple(
                (key, label + (arrow if key == sorted_by else ""), self._column_width(key), right)
                for key in self.visible_columns
                for label, _width, right in (COLUMN_INFO[key],)
            ),
            width=self.size.width,
            scroll_x=self.scroll_offset.x,
        )

    def action_select_cursor(self) -> None:
        self._set_hover(False)
        key = self.selected_key
        if key is not None and (index := section_index(key)) is not None:
            self.toggle_section(index)
        elif symbol := self.selected_symbol:
            self.post_message(self.Opened(symbol))
