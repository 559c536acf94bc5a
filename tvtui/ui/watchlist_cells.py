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
)
ALL_COLUMNS = tuple(key for key, *_ in COLUMNS)
#: Padding on each side of a cell (as the table had: one space).
PADDING = 1


def wanted_columns(width: int) -> tuple[str, ...]:
    """The columns for a pane ``width`` cells wide."""
    return COMPACT if width < COMPACT_BELOW else ALL_COLUMNS


def trend_width(width: int, visible: tuple[str, ...]) -> int:
    """The trend column takes whatever the other columns leave (it is the flexible one, so the
    table fills the pane without any column ever jittering), within its bounds."""
    fixed = sum(w + 2 * PADDING for key, _l, w, _r in COLUMNS if key != "trend" and key in visible)
    return max(TREND_WIDTH, min(TREND_MAX, width - fixed - 2 * PADDING))


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
        self.colour = colour
        self.flash_colour = flash_colour
        self.trend_width = TREND_WIDTH
        self._sparks: dict[str, tuple[Trend, int, str]] = {}  # trend, width, line

    def _direction_style(self, value: Any) -> str:
        if not isinstance(value, int | float) or value == 0:
            return self.colour("price-flat")
        return self.colour("price-up" if value > 0 else "price-down")

    def symbol_cell(self, symbol: str) -> Cell:
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
        return {
            "symbol": self.symbol_cell(symbol),
            "description": (description[:22], "dim" if not quote else "", None),
            "last": (fmt.price(quote.get("lp"), decimals), last_style, "right"),
            "change": (fmt.signed(change, decimals), direction, "right"),
            "change_pct": (fmt.signed(quote.get("chp"), 2, "%"), direction, "right"),
            "volume": (fmt.compact(quote.get("volume")), "", "right"),
            "trend": (self.sparkline(symbol, trend), trend_style, None),
        }
