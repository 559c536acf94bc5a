"""What the watchlist holds, apart from how it looks: symbols in order, their latest quotes and
trends, refusals, the symbol on the chart, and the brief flash after a tick.

Why a plain object (no Textual): the rules (a flush merges only what changed, a tick starts a
flash, a move keeps the order, only the symbols are saved) are testable without an app, and
the widget (``tvtui.ui.widgets.watchlist``) only reads this and draws it. Time comes in as an
argument (``now``), so a test decides when a flash ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: How long the flash behind a ticked last price lasts (seconds).
FLASH_SECONDS = 0.3

Quote = dict[str, Any]
Trend = tuple[float, ...]


@dataclass
class WatchlistState:
    """Symbols (unique, in display order) and everything the rows show about them."""

    symbols: list[str] = field(default_factory=list)
    quotes: dict[str, Quote] = field(default_factory=dict)
    trends: dict[str, Trend] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    active: str | None = None
    #: symbol -> (deadline, direction +1 / -1) of a running flash
    flashes: dict[str, tuple[float, int]] = field(default_factory=dict)

    # --- symbols -------------------------------------------------------------------------

    def set_symbols(self, symbols: list[str]) -> None:
        """Exactly ``symbols`` in this order (duplicates dropped, first one kept)."""
        self.symbols = list(dict.fromkeys(symbols))

    def index(self, symbol: str) -> int | None:
        try:
            return self.symbols.index(symbol)
        except ValueError:
            return None

    def add(self, symbol: str) -> bool:
        """Append ``symbol``; False if it was already there."""
        if symbol in self.symbols:
            return False
        self.symbols.append(symbol)
        return True

    def remove(self, symbol: str) -> bool:
        """Drop ``symbol`` and all it showed; False if it was not there."""
        if symbol not in self.symbols:
            return False
        self.symbols.remove(symbol)
        for table in (self.quotes, self.trends, self.rejected, self.flashes):
            table.pop(symbol, None)
        if self.active == symbol:
            self.active = None
        return True

    def move(self, symbol: str, step: int) -> bool:
        """Move ``symbol`` ``step`` places (negative: up); False when that leaves the list."""
        index = self.index(symbol)
        if index is None:
            return False
        target = index + step
        if not 0 <= target < len(self.symbols):
            return False
        self.symbols.insert(target, self.symbols.pop(index))
        return True

    def saved(self) -> list[str]:
        """What goes into the config file: the symbols in order (quotes are never saved)."""
        return list(self.symbols)

    # --- data ----------------------------------------------------------------------------

    def merge(self, quotes: dict[str, Quote], trends: dict[str, Trend], now: float) -> list[str]:
        """Take a flush from the stream worker; return the watched symbols that changed.

        A symbol whose quote and trend are the very objects of the previous flush did not
        change (the worker re-sends unchanged ones as they were). A new last price starts a
        flash in its direction. Quotes of symbols not watched are ignored."""
        changed: list[str] = []
        watched = set(self.symbols)
        known_quotes, known_trends = self.quotes, self.trends
        for symbol, quote in quotes.items():
            trend = trends.get(symbol)
            previous = known_quotes.get(symbol)
            if quote is previous and (trend is None or trend is known_trends.get(symbol)):
                continue
            if symbol not in watched:
                continue
            old = previous.get("lp") if previous is not None else None
            new = quote.get("lp")
            if isinstance(old, int | float) and isinstance(new, int | float) and new != old:
                self.flashes[symbol] = (now + FLASH_SECONDS, 1 if new > old else -1)
            known_quotes[symbol] = quote
            self.rejected.pop(symbol, None)
            if trend is not None:
                known_trends[symbol] = trend
            changed.append(symbol)
        return changed

    def reject(self, symbol: str, reason: str) -> bool:
        """The feed refused ``symbol``; True if it is watched (its row shows why)."""
        self.rejected[symbol] = reason
        return symbol in self.symbols

    def flash(self, symbol: str) -> int:
        """The running flash's direction (+1 / -1), 0 when none."""
        running = self.flashes.get(symbol)
        return running[1] if running is not None else 0

    def expire(self, now: float) -> list[str]:
        """End the flashes due by ``now``; return their symbols."""
        ended = [s for s, (deadline, _d) in self.flashes.items() if now >= deadline]
        for symbol in ended:
            del self.flashes[symbol]
        return ended

    def set_active(self, symbol: str | None) -> list[str]:
        """Mark the symbol on the chart; return the symbols whose rows change."""
        previous, self.active = self.active, symbol
        return [s for s in dict.fromkeys((previous, symbol)) if s is not None and s != ""]
