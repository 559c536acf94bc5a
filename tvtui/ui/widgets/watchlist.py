"""The watchlist pane: a header line and one line per symbol, repainted line by line.

Why its own Line API widget (a ``ScrollView`` whose ``render_line`` returns cached Strips)
rather than a ``DataTable``: under a quote flood only the rows whose cells changed may cost
anything. The table keeps no caches it does not own: each row's Strip is kept until one of its
cells, the cursor or hover on it, or the styles (focus, theme, width) change, and a changed row
is repainted with ``refresh_lines`` alone. The look is the table's it replaces, cell for cell
(one space of padding each side, the ``datatable--*`` component classes the app's CSS styles),
so the snapshots did not change.

What the rows say lives in :class:`~tvtui.ui.watchlist_state.WatchlistState` and
:class:`~tvtui.ui.watchlist_cells.CellPainter`; this module draws it and handles keys and mouse.
Flushes arrive up to 40 times a second from the stream worker, paced by what they cost the UI
(measured here: :meth:`Watchlist.take_cost`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, ClassVar

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tvtui.feed.untrusted import plain
from tvtui.ui.safe import guarded
from tvtui.ui.themes import rich_colour
from tvtui.ui.watchlist_cells import (
    COLUMNS,
    PADDING,
    CellPainter,
    trend_width,
    wanted_columns,
)
from tvtui.ui.watchlist_state import FLASH_SECONDS, WatchlistState

__all__ = ["FLASH_SECONDS", "FLASH_STRENGTH", "Watchlist"]

log = logging.getLogger(__name__)

#: How much of the tick's colour the flash background takes (the rest is the pane's).
FLASH_STRENGTH = 0.45
#: The header is the first line; it does not scroll.
HEADER = 1


class _TableKeys(ScrollView):
    """The keys a table has (kept out of ``Watchlist.BINDINGS``, which the help lists)."""

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


class Watchlist(_TableKeys, can_focus=True):
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
        self.painter = CellPainter(self.state, self._colour, self._flash_colour)
        self.visible_columns: tuple[str, ...] = ()
        self.cursor_row = 0
        self.hover_row = 0
        self._show_hover = False
        self._cells: dict[str, dict[str, Any]] = {}  # symbol -> column -> Cell or renderable
        self._stale: set[str] = set()  # symbols whose cells are recomputed when next drawn
        self._index: dict[str, int] = {}  # symbol -> row
        self._colours: dict[str, str] = {}  # theme variable -> Rich colour (per theme)
        self._cost = 0.0  # UI-thread seconds spent on quotes (handler + repaint) since taken
        # drawn lines: symbol -> ((row, cursor, hover), strip); cells: (symbol, column) -> ...
        self._lines: dict[str, tuple[tuple[int, bool, bool], Strip]] = {}
        self._cell_segments: dict[tuple[str, str], tuple[Any, int, bool, bool, list[Segment]]] = {}
        self._header: Strip | None = None
        self._looks: tuple[Any, ...] = ()  # the styles the cached lines were drawn with
        self._metas: dict[tuple[int, int], Style] = {}

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
        """The symbols in display order (``symbol in rows``, ``list(rows)``)."""
        return tuple(self.state.symbols)

    @property
    def row_count(self) -> int:
        return len(self.state.symbols)

    @property
    def selected_symbol(self) -> str | None:
        symbols = self.state.symbols
        return symbols[self.cursor_row] if 0 <= self.cursor_row < len(symbols) else None

    def get_row_index(self, symbol: str) -> int:
        return self._index[symbol]

    def get_cell(self, symbol: str, column: str) -> Any:
        """What ``symbol``'s ``column`` cell shows: a ``Text`` (or what ``update_cell`` put)."""
        if symbol in self._stale:
            self._update_cells(symbol)
        return _as_renderable(self._cells[symbol][column])

    def update_cell(self, symbol: str, column: str, value: Any) -> None:
        """Put ``value`` (a renderable; a string is plain text) in one cell until the row's
        data next changes that cell."""
        if symbol in self._stale:
            self._update_cells(symbol)
        self._cells[symbol][column] = value
        self._lines.pop(symbol, None)
        self.refresh_lines(HEADER + self._index[symbol])

    def header_text(self) -> str:
        """The header line as drawn (for tests and screen readers)."""
        return "".join(s.text for s in self._render_header(self.size.width))

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
        visible = wanted_columns(width)
        trend = trend_width(self.scrollable_content_region.width, visible)
        if visible == self.visible_columns and trend == self.painter.trend_width:
            return
        self.visible_columns = visible
        self.painter.trend_width = trend
        self._repaint_all()

    def _table_width(self) -> int:
        return sum(self._column_width(key) + 2 * PADDING for key in self.visible_columns)

    def _column_width(self, key: str) -> int:
        if key == "trend":
            return self.painter.trend_width
        return next(width for k, _label, width, _right in COLUMNS if k == key)

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self._table_width(), HEADER + len(self.state.symbols))

    # --- rows --------------------------------------------------------------------------------

    def set_symbols(self, symbols: list[str], keep: str | None = None) -> None:
        """Show exactly ``symbols`` in this order; the cursor stays on ``keep`` (or its row)."""
        current = keep or self.selected_symbol
        row = self.cursor_row
        self.state.set_symbols(symbols)
        for gone in set(self._cells) - set(self.state.symbols):
            del self._cells[gone]
            self.painter.forget(gone)
        self._index = {symbol: k for k, symbol in enumerate(self.state.symbols)}
        for symbol in self.state.symbols:
            if symbol not in self._cells:
                self._cells[symbol] = {}
                self._stale.add(symbol)
        self._stale &= set(self._index)
        self._forget_lines()
        self._resize_virtual()
        # scrolled once the pane has its new height (more rows: a taller pane)
        if current in self.state.symbols:
            self.move_cursor(row=self.state.symbols.index(current), scroll=False)
        elif self.state.symbols:
            self.move_cursor(row=min(row, len(self.state.symbols) - 1), scroll=False)
        else:
            self.cursor_row = 0
        self.call_after_refresh(self._scroll_cursor_into_view)

    def set_active(self, symbol: str | None) -> None:
        """Mark the symbol shown on the chart (a ▶ before its name)."""
        for changed in self.state.set_active(symbol):
            self._paint(changed)

    # --- data --------------------------------------------------------------------------------

    def update_quotes(
        self, quotes: dict[str, dict[str, Any]], trends: dict[str, tuple[float, ...]]
    ) -> None:
        """Merge a flush from the worker; repaint only the rows whose cells changed."""
        started = time.perf_counter()
        for symbol in self.state.merge(quotes, trends, self.clock()):
            self._paint(symbol)
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
        self._colours.clear()
        self._stale.update(self.state.symbols)
        self._forget_lines()
        self._resize_virtual()

    def _paint(self, symbol: str) -> None:
        """``symbol``'s data changed: a row on screen gets its cells now and is redrawn if one
        of them changed; a row out of sight only when it is next drawn (with 500 symbols most
        of a flush is out of sight)."""
        index = self._index.get(symbol)
        if index is None:
            return
        if not self._on_screen(index):
            self._stale.add(symbol)
            self._lines.pop(symbol, None)
        elif self._update_cells(symbol):
            self._changed(symbol)

    def _on_screen(self, index: int) -> bool:
        top = int(self.scroll_y)
        return top <= index < top + self.scrollable_content_region.height - HEADER

    def _update_cells(self, symbol: str) -> bool:
        """Recompute ``symbol``'s cells; True if a visible one changed."""
        self._stale.discard(symbol)
        shown = self._cells[symbol]
        changed = False
        for key, cell in self.painter.cells(symbol, self.visible_columns).items():
            if shown.get(key) != cell:
                shown[key] = cell
                changed = changed or key in self.visible_columns
        return changed

    def _changed(self, symbol: str) -> None:
        self._lines.pop(symbol, None)
        index = self._index.get(symbol)
        if index is not None and self._on_screen(index):
            self.refresh_lines(HEADER + index)

    def _forget_lines(self) -> None:
        self._lines.clear()
        self._cell_segments.clear()
        self._header = None
        self.refresh()

    # --- colours -----------------------------------------------------------------------------

    def _colour(self, name: str) -> str:
        colour = self._colours.get(name)
        if colour is None:
            colour = self._colours[name] = rich_colour(self.app.theme_variables, name)
        return colour

    def _flash_colour(self, direction: int) -> str:
        """A faint background in the tick's direction (the text keeps the day's colour)."""
        name = f"flash-{'up' if direction > 0 else 'down'}"
        colour = self._colours.get(name)
        if colour is None:
            variables = self.app.theme_variables
            tick = rich_colour(variables, "price-up" if direction > 0 else "price-down")
            base = rich_colour(variables, "surface") or "#000000"
            try:
                colour = Color.parse(base).blend(Color.parse(tick), FLASH_STRENGTH).hex6
            except ColorParseError:  # an ansi theme: the terminal's own colour
                colour = tick
            self._colours[name] = colour
        return colour

    # --- drawing (Textual's Line API) -----------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        started = time.perf_counter()
        try:
            looks = (
                self.rich_style,
                self.get_component_rich_style("datatable--header"),
                self.get_component_rich_style("datatable--cursor"),
                self.get_component_rich_style("datatable--hover"),
                self.get_component_rich_style("datatable--header-hover"),
                self.size.width,
                self.scroll_offset.x,
            )
            if looks != self._looks:  # focus, theme, width or horizontal scroll: all afresh
                self._looks = looks
                self._lines.clear()
                self._cell_segments.clear()
                self._header = None
            return super().render_lines(crop)
        except Exception:  # one bad cell must not end the app: blank lines, logged
            log.exception("watchlist render failed; drawn blank")
            return [Strip.blank(crop.width)] * crop.height
        finally:
            self._cost += time.perf_counter() - started

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y < HEADER:
            if self._header is None:
                self._header = self._finish(self._render_header(width), width)
            return self._header
        index = y - HEADER + self.scroll_offset.y
        symbols = self.state.symbols
        if not 0 <= index < len(symbols):
            return Strip.blank(width, self.rich_style)
        symbol = symbols[index]
        if symbol in self._stale:
            self._update_cells(symbol)
        how = (index, index == self.cursor_row, self._show_hover and index == self.hover_row)
        cached = self._lines.get(symbol)
        if cached is not None and cached[0] == how:
            return cached[1]
        try:
            strip = self._finish(self._render_row(symbol, *how, width), width)
        except Exception:  # a cell nobody foresaw: this row blank, logged, the rest drawn
            log.exception("watchlist row %r failed to render; drawn blank", symbol)
            return Strip.blank(width, self.rich_style)
        self._lines[symbol] = (how, strip)
        return strip

    def _finish(self, segments: list[Segment], width: int) -> Strip:
        x = self.scroll_offset.x
        return (
            Strip(segments).crop(x, x + width).adjust_cell_length(width, self.rich_style).simplify()
        )

    def _meta(self, row: int, column: int) -> Style:
        style = self._metas.get((row, column))
        if style is None:
            style = self._metas[(row, column)] = Style.from_meta({"row": row, "column": column})
        return style

    def _component(self, header: bool, cursor: bool, hover: bool) -> Style:
        style = Style()
        if hover:
            style += self.get_component_rich_style("datatable--hover")
            if header:
                style += self.get_component_rich_style("datatable--header-hover")
        if cursor:
            style += self.get_component_rich_style("datatable--cursor")
        return style

    def _cell(
        self, cell: Any, row: int, column: int, base: Style, component: Style
    ) -> list[Segment]:
        width = self._column_width(self.visible_columns[column]) + 2 * PADDING
        options = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
        post = Style.from_color(color=component.color)
        lines = self.app.console.render_lines(
            _Layered(
                Padding(_as_renderable(cell), (0, PADDING)),
                pre_style=base + self._meta(row, column) + component,
                post_style=post,
            ),
            options,
        )
        return lines[0]

    def _extend(self, row: int, row_style: Style, component: Style, width: int) -> Segment:
        """The rest of the line after the last column, in the row's style."""
        meta = Style.from_meta({"row": row, "column": 0, "out_of_bounds": True})
        space = max(0, width - self._table_width())
        return Segment(" " * space, row_style + component + meta)

    def _render_header(self, width: int) -> list[Segment]:
        style = self.get_component_rich_style("datatable--header")
        hover = self._show_hover and self.hover_row == -1
        component = self._component(True, False, hover)
        segments: list[Segment] = []
        for column, key in enumerate(self.visible_columns):
            label, right = next((lab, r) for k, lab, _w, r in COLUMNS if k == key)
            text = Text(label, justify="right" if right else "left")
            segments += self._cell(text, -1, column, style, component)
        segments.append(self._extend(-1, style, component, width))
        return segments

    def _render_row(
        self, symbol: str, row: int, cursor: bool, hover: bool, width: int
    ) -> list[Segment]:
        base = self.rich_style
        component = self._component(False, cursor, hover)
        cells = self._cells[symbol]
        segments: list[Segment] = []
        for column, key in enumerate(self.visible_columns):
            value = cells.get(key, ("", "", None))
            cached = self._cell_segments.get((symbol, key))
            if (
                cached is not None
                and cached[1:4] == (row, cursor, hover)
                and (cached[0] is value or cached[0] == value)
            ):
                segments += cached[4]
                continue
            drawn = self._cell(value, row, column, base, component)
            self._cell_segments[(symbol, key)] = (value, row, cursor, hover, drawn)
            segments += drawn
        segments.append(self._extend(row, base, component, width))
        return segments

    # --- cursor ------------------------------------------------------------------------------

    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        """Put the cursor on ``row`` (clamped) and, unless told not to, scroll it into view."""
        row = max(0, min(row, len(self.state.symbols) - 1))
        previous, self.cursor_row = self.cursor_row, row
        if previous != row:
            self.refresh_lines(HEADER + previous)
            self.refresh_lines(HEADER + row)
        if scroll:
            self._scroll_cursor_into_view(animate)

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        width = max(self.size.width, self._table_width())
        region = Region(int(self.scroll_x), HEADER + self.cursor_row, width, 1)
        self.scroll_to_region(region, animate=animate, spacing=Spacing(HEADER, 0, 0, 0), force=True)

    def _set_hover(self, active: bool, row: int | None = None) -> None:
        old = (self._show_hover, self.hover_row)
        self._show_hover = active
        if row is not None:
            self.hover_row = row
        if old != (self._show_hover, self.hover_row):
            for line in {old[1], self.hover_row}:
                if line == -1:
                    self._header = None
                    self.refresh(Region(0, 0, self.size.width, HEADER))
                else:
                    self.refresh_lines(HEADER + line)

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
        self.move_cursor(row=len(self.state.symbols) - 1)

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

    def action_select_cursor(self) -> None:
        self._set_hover(False)
        if symbol := self.selected_symbol:
            self.post_message(self.Opened(symbol))

    # --- mouse -------------------------------------------------------------------------------

    def on_mouse_move(self, event: events.MouseMove) -> None:
        meta = event.style.meta
        if "row" not in meta:
            self._set_hover(False)
            return
        self._set_hover(True, meta["row"])

    def on_leave(self, _event: events.Leave) -> None:
        self._set_hover(False)

    def on_click(self, event: events.Click) -> None:
        """A click selects its row; a click on the selected row opens it (as Enter)."""
        meta = event.style.meta
        self._set_hover(True)
        row = meta.get("row")
        if not isinstance(row, int) or row < 0 or row >= len(self.state.symbols):
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
            self._set_hover(True)
        else:
            self.move_cursor(row=row, animate=True)


def _as_renderable(value: Any) -> RenderableType:
    """A cell as Rich draws it: a (text, style, justify) spec is a ``Text``; a string is plain
    text, never markup."""
    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str):
        text, style, justify = value
        return Text(text, style=style, justify=justify)
    if isinstance(value, str):
        return Text(plain(value), end="")
    if isinstance(value, Text) or hasattr(value, "__rich__") or hasattr(value, "__rich_console__"):
        return value  # type: ignore[no-any-return]
    return Text(plain(str(value)), end="")


class _Layered:
    """A renderable between two styles: ``pre`` under its own styles, ``post`` over them (the
    cursor's text colour wins over a cell's; its background does not)."""

    def __init__(self, renderable: RenderableType, pre_style: Style, post_style: Style) -> None:
        self.renderable = renderable
        self.pre_style = pre_style
        self.post_style = post_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        segments = console.render(self.renderable, options)
        return Segment.apply_style(segments, style=self.pre_style, post_style=self.post_style)
