"""What each watchlist cell says and in which colour: (text, style, justify) from the state.

Why apart from the widget: these are the trader's rules (Last, Chg and Chg % share the day's
direction, so a falling symbol is never green; a tick flashes behind Last; a refused symbol
says why; server text is plain text), and they need no Textual: colours come in through a
lookup (theme variable -> Rich colour) the widget provides. A sparkline is only recomputed
when its trend or width changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import JustifyMethod

from tvtui.ui import format as fmt
from tvtui.ui.coalesce import TREND_TIMEFRAME
from tvtui.ui.safe import shown as safe_text
from tvtui.ui.watchlist_holdings import Holdings
from tvtui.ui.watchlist_state import Trend, WatchlistState

TREND_WIDTH = 12
TREND_MAX = 60

#: Below this content width the table drops its least important columns (see COMPACT).
COMPACT_BELOW = 100
#: The columns kept in a narrow terminal.
COMPACT = ("symbol", "last", "change_pct", "trend")

#: A cell before it is drawn: (text, style, justify; None = left).
Cell = tuple[str, str, JustifyMethod | None]

#: (key, label, width, right-aligned)
COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("symbol", "Symbol", 19, False),
    ("description", "Description", 22, False),
    ("last", "Last", 12, True),
    ("change", "Chg", 10, True),
    ("change_pct", "Chg %", 8, True),
    ("volume", "Volume", 8, True),
    ("trend", f"Trend {TREND_TIMEFRAME}", TREND_WIDTH, False),
    ("bid", "Bid", 12, True),
    ("ask", "Ask", 12, True),
    ("high", "High", 12, True),
    ("low", "Low", 12, True),
    ("open", "Open", 12, True),
    ("prev_close", "Prev close", 12, True),
    ("low_52w", "52w low", 12, True),
    ("high_52w", "52w high", 12, True),
    ("quantity", "Qty", 10, True),
    ("avg_cost", "Avg cost", 12, True),
    ("market_value", "Mkt value", 12, True),
    ("day_gain", "Day P&L", 11, True),
    ("total_gain", "P&L", 11, True),
    ("total_gain_pct", "P&L %", 8, True),
)
#: The default columns (what a list shows unless the trader chose its own).
ALL_COLUMNS = ("symbol", "description", "last", "change", "change_pct", "volume", "trend")
#: ... when the list holds positions (wide, and narrow).
POSITION_COLUMNS = (
    "symbol", "last", "change_pct", "quantity", "avg_cost", "market_value", "day_gain",
    "total_gain", "total_gain_pct", "trend",
)  # fmt: skip
POSITION_COMPACT = ("symbol", "last", "change_pct", "total_gain", "trend")
#: Below this content width a list with positions shows POSITION_COMPACT.
POSITIONS_BELOW = 136
#: Every column: key -> (label, width, right-aligned).
COLUMN_INFO = {key: (label, width, right) for key, label, width, right in COLUMNS}
#: Quote fields of the extra price columns.
EXTRA_FIELDS = {
    "bid": "bid",
    "ask": "ask",
    "high": "high_price",
    "low": "low_price",
    "open": "open_price",
    "prev_close": "prev_close_price",
    "low_52w": "price_52_week_low",
    "high_52w": "price_52_week_high",
}
#: Padding on each side of a cell (as the table had: one space).
PADDING = 1


def wanted_columns(
    width: int, chosen: list[str] | None = None, positions: bool = False
) -> tuple[str, ...]:
    """The columns for a pane ``width`` cells wide: the list's own choice (it scrolls
    sideways when wider), else the defaults (with position columns when it holds any)."""
    if chosen:
        return tuple(key for key in chosen if key in COLUMN_INFO)
    if positions:
        return POSITION_COMPACT if width < POSITIONS_BELOW else POSITION_COLUMNS
    return COMPACT if width < COMPACT_BELOW else ALL_COLUMNS


def quantity_text(value: float) -> str:
    if value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.6f}".rstrip("0")


def trend_width(width: int, visible: tuple[str, ...]) -> int:
    """The trend column takes whatever the other columns leave (it is the flexible one, so the
    table fills the pane without any column ever jittering), within its bounds."""
    fixed = sum(COLUMN_INFO[key][1] + 2 * PADDING for key in visible if key != "trend")
    return max(TREND_WIDTH, min(TREND_MAX, width - fixed - 2 * PADDING))


POSITION_CELLS = (
    "quantity",
    "avg_cost",
    "market_value",
    "day_gain",
    "total_gain",
    "total_gain_pct",
)


class CellPainter:
    """Cells of a row from the state; ``colour(name)`` gives a theme variable's Rich colour
    and ``flash_colour(direction)`` the faint background of a tick."""

    def __init__(
        self,
        state: WatchlistState,
        colour: Callable[[str], str],
        flash_colour: Callable[[int], str],
    ) -> None:
        self.state = state
        self.holdings = Holdings(state)
        self.colour = colour
        self.flash_colour = flash_colour
        self.trend_width = TREND_WIDTH
        self._sparks: dict[str, tuple[Trend, int, str]] = {}  # trend, width, line

    def _direction_style(self, value: Any) -> str:
        if not isinstance(value, int | float) or value == 0:
            return self.colour("price-flat")
        return self.colour("price-up" if value > 0 else "price-down")

    def symbol_cell(self, symbol: str) -> Cell:
        if symbol in self.state.alerted:  # an alert fired here, not yet seen: louder than ▶
            return "⚑ " + symbol, f"bold {self.colour('warning')}", None
        active = symbol == self.state.active
        return ("▶ " if active else "  ") + symbol, "bold" if active else "", None

    def sparkline(self, symbol: str, trend: Trend) -> str:
        """The trend as block characters, recomputed only when the trend or width changed."""
        cached = self._sparks.get(symbol)
        if cached is not None and cached[0] is trend and cached[1] == self.trend_width:
            return cached[2]
        line = fmt.sparkline(trend, self.trend_width)
        self._sparks[symbol] = (trend, self.trend_width, line)
        return line

    def forget(self, symbol: str) -> None:
        self._sparks.pop(symbol, None)

    def cells(self, symbol: str, visible: tuple[str, ...]) -> dict[str, Cell]:
        """(text, style, justify) of every cell of ``symbol``'s row, by column key."""
        state = self.state
        quote = state.quotes.get(symbol, {})
        if symbol in state.rejected:
            cells: dict[str, Cell] = {key: ("", "", None) for key in ALL_COLUMNS}
            cells["symbol"] = self.symbol_cell(symbol)
            error = (f"✗ {safe_text(state.rejected[symbol], 80)}", self.colour("error"), None)
            cells["description" if "description" in visible else "last"] = error
            return cells
        decimals = fmt.decimals_for(quote, quote.get("lp"))
        change = quote.get("ch")
        direction = self._direction_style(change)
        description = safe_text(quote.get("description") or ("loading…" if not quote else ""), 60)
        last_style = direction
        flash = state.flash(symbol)
        if flash:
            last_style = f"bold {direction} on {self.flash_colour(flash)}"
        trend = state.trends.get(symbol, ())
        trend_style = self._direction_style(trend[-1] - trend[0]) if len(trend) > 1 else direction
        row: dict[str, Cell] = {
            "symbol": self.symbol_cell(symbol),
            "description": (description[:22], "dim" if not quote else "", None),
            "last": (fmt.price(quote.get("lp"), decimals), last_style, "right"),
            "change": (fmt.signed(change, decimals), direction, "right"),
            "change_pct": (fmt.signed(quote.get("chp"), 2, "%"), direction, "right"),
            "volume": (fmt.compact(quote.get("volume")), "", "right"),
            "trend": (self.sparkline(symbol, trend), trend_style, None),
        }
        for key in visible:
            if key in EXTRA_FIELDS:
                row[key] = (fmt.price(quote.get(EXTRA_FIELDS[key]), decimals), "", "right")
        if any(key in POSITION_CELLS for key in visible):
            row.update(self.position_cells(symbol, decimals))
        return row

    def position_cells(self, symbol: str, decimals: int) -> dict[str, Cell]:
        """Quantity, average cost, market value, day and total gain of ``symbol``'s lots."""
        position = self.holdings.position(symbol)
        if position is None:
            return {key: ("", "", "right") for key in POSITION_CELLS}
        valued = self.holdings.valued(symbol)
        quantity = quantity_text(position.quantity) if position.is_open else "closed"
        cells: dict[str, Cell] = {
            "quantity": (quantity, "", "right"),
            "avg_cost": (fmt.price(position.average_cost, decimals), "", "right"),
        }
        if valued is None:
            return {**dict.fromkeys(POSITION_CELLS, ("…", "dim", "right")), **cells}
        cells["market_value"] = (fmt.price(valued.market_value, 2), "", "right")
        cells.update(self.gain_cells(valued.day_gain, valued.total_gain, valued.total_gain_pct))
        return cells

    def gain_cells(self, day: float | None, total: float, pct: float | None) -> dict[str, Cell]:
        return {
            "day_gain": (fmt.signed(day, 2), self._direction_style(day), "right"),
            "total_gain": (fmt.signed(total, 2), self._direction_style(total), "right"),
            "total_gain_pct": (fmt.signed(pct, 2, "%"), self._direction_style(pct), "right"),
        }

    def section_cells(self, index: int) -> dict[str, Cell]:
        """A section's header row: ▾ (open) or ▸ (folded), its title and how many it holds."""
        section = self.state.shown.sections[index]
        mark = "▸" if section.folded else "▾"
        title = safe_text(section.title or "(no section)", 60)
        text = f"{mark} {title} ({len(section.symbols)})"
        return {"symbol": (text, f"bold {self.colour('accent')}", None)}

    def totals_cells(self) -> dict[str, Cell]:
        """The list's totals in its currency; ⚠ and the symbols left out when a rate (or a
        price) is not known yet."""
        totals = self.holdings.totals()
        label = f"Σ {totals.currency}" + (" ⚠" if totals.unconverted else "")
        cells: dict[str, Cell] = {
            "symbol": (label, "bold", None),
            "market_value": (fmt.price(totals.market_value, 2), "bold", "right"),
            **self.gain_cells(totals.day_gain, totals.total_gain, None),
        }
        cells["total_gain_pct"] = ("", "", "right")
        if totals.unconverted:
            left_out = ", ".join(totals.unconverted[:3]) + (
                "…" if len(totals.unconverted) > 3 else ""
            )
            cells["description"] = (f"no rate: {left_out}", self.colour("warning"), None)
        return cells
