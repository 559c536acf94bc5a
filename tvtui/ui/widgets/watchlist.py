"""The watchlist pane: one DataTable row per symbol, updated in place.

Why a DataTable with row key = symbol, fixed-width columns and ``update_cell`` for changed
cells only: rows keep their place, the cursor never jumps (``clear()`` would reset it), and
the columns never change width.

Flushes arrive up to 40 times a second from the stream worker (paced by what they cost the UI,
measured here: :meth:`Watchlist.take_cost`), so a flush must cost little: a symbol
whose quote and trend are the very objects of the previous flush is skipped outright (the
worker re-sends unchanged ones as they were), a cell is compared as (text, style) before any
``Text`` is built, and a sparkline is only recomputed when its trend or width changed.

Last, Chg and Chg % share one colour: the day's direction (a falling symbol is never green).
A tick shows as a brief flash behind the last price (the tick's direction, faint, for
:data:`FLASH_SECONDS`), its text keeping the day's colour. The Trend column's header names its
period: one point per :data:`~tvtui.ui.coalesce.TREND_TIMEFRAME` bar, seeded from the day's
history.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from rich.console import JustifyMethod
from rich.text import Text
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from tvtui.ui import format as fmt
from tvtui.ui.coalesce import TREND_TIMEFRAME
from tvtui.ui.safe import guarded
from tvtui.ui.safe import shown as safe_text
from tvtui.ui.themes import rich_colour
from tvtui.ui.widgets.table_cells import update_cells

log = logging.getLogger(__name__)

FLASH_SECONDS = 0.3
#: How much of the tick's colour the flash background takes (the rest is the pane's).
FLASH_STRENGTH = 0.45
TREND_WIDTH = 12
TREND_MAX = 60

#: Below this content width the table drops its least important columns (see COMPACT).
COMPACT_BELOW = 100
#: The columns kept in a narrow terminal.
COMPACT = ("symbol", "last", "change_pct", "trend")

#: (key, label, width, right-aligned)
#: A cell before it becomes a ``Text``: (text, style, justify; None = the table's default).
Cell = tuple[str, str, JustifyMethod | None]

COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("symbol", "Symbol", 19, False),
    ("description", "Description", 22, False),
    ("last", "Last", 12, True),
    ("change", "Chg", 10, True),
    ("change_pct", "Chg %", 8, True),
    ("volume", "Volume", 8, True),
    ("trend", f"Trend {TREND_TIMEFRAME}", TREND_WIDTH, False),
)


class Watchlist(DataTable):
    """Symbols with last price, change, change %, volume and a small trend."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="watchlist.down"),
        Binding("k", "cursor_up", "Up", show=False, id="watchlist.up"),
    ]

    class Opened(Message):
        """Enter on a row: show this symbol on the chart."""

        def __init__(self, symbol: str) -> None:
            super().__init__()
            self.symbol = symbol

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.clock = clock
        self.symbols: list[str] = []
        self.quotes: dict[str, dict[str, Any]] = {}
        self.trends: dict[str, tuple[float, ...]] = {}
        self.rejected: dict[str, str] = {}
        self._shown: dict[tuple[str, str], tuple[str, str]] = {}  # -> (text, style) on screen
        self._sparks: dict[str, tuple[tuple[float, ...], int, str]] = {}  # trend, width, line
        self._colours: dict[str, str] = {}  # theme variable -> Rich colour (per theme)
        self._pending: list[tuple[str, str, Text]] = []  # cells to put in the table
        self._cost = 0.0  # UI-thread seconds spent on quotes (handler + repaint) since taken
        self._flash_until: dict[str, tuple[float, int]] = {}  # symbol -> (deadline, direction)
        self.active_symbol: str | None = None
        self.trend_width = TREND_WIDTH
        self.visible_columns: tuple[str, ...] = ()

    def on_mount(self) -> None:
        self._build_columns(self._wanted_columns())
        self.set_interval(0.2, self._expire_flashes)
        self._fit_trend()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._repaint_all())

    def on_resize(self) -> None:
        self._fit_trend()

    def _wanted_columns(self) -> tuple[str, ...]:
        width = self.scrollable_content_region.width or self.app.size.width
        if width < COMPACT_BELOW:
            return COMPACT
        return tuple(key for key, *_ in COLUMNS)

    def _build_columns(self, keys: tuple[str, ...]) -> None:
        """(Re)create the columns; rows are rebuilt and the cursor stays on its symbol."""
        keep = self.selected_symbol if self.row_count else None
        self.clear(columns=True)
        self.visible_columns = keys
        for key, label, width, right in COLUMNS:
            if key in keys:
                text = Text(label, justify="right" if right else "left")
                self.add_column(text, key=key, width=width)
        self._shown.clear()
        if self.symbols:
            symbols, self.symbols = self.symbols, []
            self.set_symbols(symbols, keep=keep)

    def _fit_trend(self) -> None:
        """Give the trend column whatever width the other columns leave (it is the flexible
        one, so the table fills the pane without any column ever jittering). A narrow
        terminal gets the compact column set."""
        wanted = self._wanted_columns()
        if wanted != self.visible_columns:
            self._build_columns(wanted)
        fixed = sum(
            width + 2
            for key, _label, width, _right in COLUMNS
            if key != "trend" and key in self.visible_columns
        )
        available = self.scrollable_content_region.width - fixed - 2
        width = max(TREND_WIDTH, min(TREND_MAX, available))
        column = self.columns.get(ColumnKey("trend"))
        if column is not None and column.width != width:
            column.width = width
            self.trend_width = width
            self._shown = {k: v for k, v in self._shown.items() if k[1] != "trend"}
            for symbol in self.symbols:
                if symbol in self.rows:
                    self._paint(symbol)
            self._put_cells(whole=True)  # a new column width: every cached render is stale
            self.refresh()

    # --- rows --------------------------------------------------------------------------------

    def set_symbols(self, symbols: list[str], keep: str | None = None) -> None:
        """Show exactly ``symbols`` in this order; the cursor stays on ``keep`` (or its row)."""
        current = keep or self.selected_symbol
        row = self.cursor_row
        self.symbols = list(dict.fromkeys(symbols))
        if set(self.symbols) == set(self.rows) and len(self.symbols) == len(self.rows):
            order = {s: i for i, s in enumerate(self.symbols)}
            self.sort("symbol", key=lambda cell: order[cell.plain[2:]])
        else:
            self.clear()
            self._shown.clear()
            for symbol in self.symbols:
                self.add_row(*self._cells(symbol), key=symbol)
        if current in self.symbols:
            self.move_cursor(row=self.symbols.index(current), animate=False)
        elif self.symbols:
            self.move_cursor(row=min(row, len(self.symbols) - 1), animate=False)

    @property
    def selected_symbol(self) -> str | None:
        if not self.symbols or self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return str(key.value) if key.value is not None else None

    def set_active(self, symbol: str | None) -> None:
        """Mark the symbol shown on the chart (a ▶ before its name)."""
        previous, self.active_symbol = self.active_symbol, symbol
        for s in (previous, symbol):
            if s in self.rows:
                self._set(s, "symbol", self._symbol_spec(s))
        self._put_cells()

    # --- data --------------------------------------------------------------------------------

    def update_quotes(
        self, quotes: dict[str, dict[str, Any]], trends: dict[str, tuple[float, ...]]
    ) -> None:
        """Merge a flush from the worker; touch only the cells whose text changed.

        A symbol whose quote and trend are the same objects as last time did not change."""
        started = time.perf_counter()
        now = self.clock()
        known_quotes, known_trends = self.quotes, self.trends
        for symbol, quote in quotes.items():
            trend = trends.get(symbol)
            previous = known_quotes.get(symbol)
            if quote is previous and (trend is None or trend is known_trends.get(symbol)):
                continue
            if symbol not in self.rows:
                continue
            old = previous.get("lp") if previous is not None else None
            new = quote.get("lp")
            if isinstance(old, int | float) and isinstance(new, int | float) and new != old:
                self._flash_until[symbol] = (now + FLASH_SECONDS, 1 if new > old else -1)
            known_quotes[symbol] = quote
            self.rejected.pop(symbol, None)
            if trend is not None:
                known_trends[symbol] = trend
            self._paint(symbol)
        self._put_cells()
        self._cost += time.perf_counter() - started

    def take_cost(self) -> float:
        """UI-thread seconds spent on quote flushes (handling and repainting) since the last
        call: the stream worker paces its flushes by it."""
        cost, self._cost = self._cost, 0.0
        return cost

    def render_lines(self, crop: Region) -> list[Strip]:
        started = time.perf_counter()
        try:
            return super().render_lines(crop)
        except Exception:  # one bad cell must not end the app: blank lines, logged
            log.exception("watchlist render failed; drawn blank")
            return [Strip.blank(crop.width)] * crop.height
        finally:
            self._cost += time.perf_counter() - started

    def reject(self, symbol: str, reason: str) -> None:
        self.rejected[symbol] = reason
        if symbol in self.rows:
            self._paint(symbol)
            self._put_cells()

    @guarded
    def _expire_flashes(self) -> None:
        now = self.clock()
        for symbol, (deadline, _direction) in list(self._flash_until.items()):
            if now >= deadline:
                del self._flash_until[symbol]
                if symbol in self.rows:
                    self._paint(symbol)
        self._put_cells()

    def _repaint_all(self) -> None:
        self._shown.clear()
        self._colours.clear()  # a new theme
        for symbol in self.symbols:
            if symbol in self.rows:
                self._paint(symbol)
        self._put_cells(whole=True)

    # --- cells -------------------------------------------------------------------------------

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
                blended = Color.parse(base).blend(Color.parse(tick), FLASH_STRENGTH)
                colour = blended.hex6
            except ColorParseError:  # an ansi theme: the terminal's own colour
                colour = tick
            self._colours[name] = colour
        return colour

    def _direction_style(self, value: Any) -> str:
        if not isinstance(value, int | float) or value == 0:
            return self._colour("price-flat")
        return self._colour("price-up" if value > 0 else "price-down")

    def _symbol_spec(self, symbol: str) -> Cell:
        active = symbol == self.active_symbol
        return ("▶ " if active else "  ") + symbol, "bold" if active else "", None

    def _cells(self, symbol: str) -> list[Text]:
        """The visible cells of ``symbol``'s row, in column order."""
        specs = self._specs(symbol)
        return [
            Text(plain, style=style, justify=justify)
            for key, *_ in COLUMNS
            if key in self.visible_columns
            for plain, style, justify in (specs[key],)
        ]

    def _sparkline(self, symbol: str, trend: tuple[float, ...]) -> str:
        """The trend as block characters, recomputed only when the trend or width changed."""
        cached = self._sparks.get(symbol)
        if cached is not None and cached[0] is trend and cached[1] == self.trend_width:
            return cached[2]
        line = fmt.sparkline(trend, self.trend_width)
        self._sparks[symbol] = (trend, self.trend_width, line)
        return line

    def _specs(self, symbol: str) -> dict[str, Cell]:
        """(text, style, justify) of every cell of ``symbol``'s row, by column key."""
        quote = self.quotes.get(symbol, {})
        if symbol in self.rejected:
            cells: dict[str, Cell] = {key: ("", "", None) for key, *_ in COLUMNS}
            cells["symbol"] = self._symbol_spec(symbol)
            error = (f"✗ {safe_text(self.rejected[symbol], 80)}", self._colour("error"), None)
            cells["description" if "description" in self.visible_columns else "last"] = error
            return cells
        decimals = fmt.decimals_for(quote, quote.get("lp"))
        change = quote.get("ch")
        direction = self._direction_style(change)
        description = safe_text(quote.get("description") or ("loading…" if not quote else ""), 60)
        last_style = direction
        flash = self._flash_until.get(symbol)
        if flash is not None:
            last_style = f"bold {direction} on {self._flash_colour(flash[1])}"
        trend = self.trends.get(symbol, ())
        trend_style = self._direction_style(trend[-1] - trend[0]) if len(trend) > 1 else direction
        return {
            "symbol": self._symbol_spec(symbol),
            "description": (description[:22], "dim" if not quote else "", None),
            "last": (fmt.price(quote.get("lp"), decimals), last_style, "right"),
            "change": (fmt.signed(change, decimals), direction, "right"),
            "change_pct": (fmt.signed(quote.get("chp"), 2, "%"), direction, "right"),
            "volume": (fmt.compact(quote.get("volume")), "", "right"),
            "trend": (self._sparkline(symbol, trend), trend_style, None),
        }

    def _paint(self, symbol: str) -> None:
        specs = self._specs(symbol)
        for key in self.visible_columns:
            self._set(symbol, key, specs[key])

    def _set(self, symbol: str, column: str, spec: Cell) -> None:
        plain, style, justify = spec
        shown = (plain, style)
        if self._shown.get((symbol, column)) == shown:
            return
        self._shown[(symbol, column)] = shown
        self._pending.append((symbol, column, Text(plain, style=style, justify=justify)))

    def _put_cells(self, *, whole: bool = False) -> None:
        """Everything ``_set`` collected goes into the table; only those rows re-render
        (``whole``: the whole table, after a change of column width or theme)."""
        cells, self._pending = self._pending, []
        if whole:
            for symbol, column, cell in cells:
                self.update_cell(symbol, column, cell)
        else:
            update_cells(self, cells)

    # --- events ------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Opened(str(event.row_key.value)))
