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

from tvtui.config.lists import ListSpec, Positions, SectionSpec, single_list

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
    #: symbols an alert fired on that the trader has not looked at yet (marked on their row)
    alerted: set[str] = field(default_factory=set)
    #: symbol -> (deadline, direction +1 / -1) of a running flash
    flashes: dict[str, tuple[float, int]] = field(default_factory=dict)
    #: the named lists (``symbols`` is the shown one's, every section, in the saved order)
    lists: list[ListSpec] = field(default_factory=lambda: [single_list([])])
    current: int = 0
    #: position lots by symbol (every list shows the same holdings)
    positions: Positions = field(default_factory=dict)
    #: what the filter keeps (symbol or description contains it; not saved)
    filter: str = ""
    #: FX symbol -> last price, for the totals' conversion (``rate_symbols``: those wanted)
    rates: dict[str, float] = field(default_factory=dict)
    rate_symbols: set[str] = field(default_factory=set)
    #: a rate changed since the widget last drew the totals
    rates_changed: bool = False

    def __post_init__(self) -> None:
        if self.symbols and not self.shown.symbols:  # WatchlistState([...]): one plain list
            self.set_symbols(self.symbols)

    # --- lists ---------------------------------------------------------------------------

    @property
    def shown(self) -> ListSpec:
        return self.lists[self.current]

    def use_lists(self, lists: list[ListSpec], shown: str | None = None) -> None:
        """Hold ``lists`` and show the one named ``shown`` (else the first)."""
        self.lists = lists or [single_list([])]
        names = [spec.name for spec in self.lists]
        self.current = names.index(shown) if shown in names else 0
        self._sync()

    def show_list(self, index: int) -> None:
        self.current = index % len(self.lists)
        self.filter = ""
        self._sync()

    def _sync(self) -> None:
        """``symbols`` from the shown list's sections (quotes of symbols gone are dropped)."""
        self.symbols = self.shown.symbols
        keep = set(self.symbols)
        for table in (self.quotes, self.trends, self.rejected, self.flashes):
            for symbol in [s for s in table if s not in keep]:
                del table[symbol]

    def section_of(self, symbol: str) -> SectionSpec | None:
        return next((sec for sec in self.shown.sections if symbol in sec.symbols), None)

    # --- symbols -------------------------------------------------------------------------

    def set_symbols(self, symbols: list[str]) -> None:
        """Exactly ``symbols`` in this order (duplicates dropped, first one kept): each known
        symbol stays in its section (in the new order), a new one goes to the last section."""
        symbols = list(dict.fromkeys(symbols))
        sections = self.shown.sections
        if len(sections) == 1:
            sections[0].symbols = symbols
        else:
            rank = {symbol: k for k, symbol in enumerate(symbols)}
            for section in sections:
                section.symbols = sorted(
                    (s for s in section.symbols if s in rank), key=rank.__getitem__
                )
            placed = {s for sec in sections for s in sec.symbols}
            sections[-1].symbols += [s for s in symbols if s not in placed]
        self.symbols = self.shown.symbols

    def index(self, symbol: str) -> int | None:
        try:
            return self.symbols.index(symbol)
        except ValueError:
            return None

    def add(self, symbol: str, beside: str | None = None) -> bool:
        """Append ``symbol`` to the section of ``beside`` (else the last one); False if it
        was already there."""
        if symbol in self.symbols:
            return False
        section = (self.section_of(beside) if beside else None) or self.shown.sections[-1]
        section.symbols.append(symbol)
        self.symbols = self.shown.symbols
        return True

    def remove(self, symbol: str) -> bool:
        """Drop ``symbol`` and all it showed; False if it was not there."""
        section = self.section_of(symbol)
        if section is None:
            return False
        section.symbols.remove(symbol)
        self.symbols = self.shown.symbols
        for table in (self.quotes, self.trends, self.rejected, self.flashes):
            table.pop(symbol, None)
        if self.active == symbol:
            self.active = None
        return True

    def move(self, symbol: str, step: int) -> bool:
        """Move ``symbol`` ``step`` places (negative: up) in its section; past the section's
        edge it goes into the next section (its first or last place); False when that leaves
        the list."""
        sections = self.shown.sections
        section = self.section_of(symbol)
        if section is None:
            return False
        index = section.symbols.index(symbol)
        target = index + step
        if 0 <= target < len(section.symbols):
            section.symbols.insert(target, section.symbols.pop(index))
        else:
            where = sections.index(section) + (1 if step > 0 else -1)
            if not 0 <= where < len(sections):
                return False
            section.symbols.remove(symbol)
            other = sections[where].symbols
            other.insert(0 if step > 0 else len(other), symbol)
        self.symbols = self.shown.symbols
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
            if symbol in self.rate_symbols:
                rate = quote.get("lp")
                if isinstance(rate, int | float) and self.rates.get(symbol) != rate:
                    self.rates[symbol] = float(rate)
                    self.rates_changed = True
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

    def mark_alerted(self, symbol: str) -> bool:
        """An alert fired on ``symbol``: its row is marked until seen; True if it is watched."""
        self.alerted.add(symbol)
        return symbol in self.symbols

    def seen(self, symbol: str | None) -> bool:
        """The trader looked at ``symbol`` (the cursor on its row, or it opened on the chart):
        True if that took a mark away."""
        if symbol in self.alerted:
            self.alerted.discard(symbol)
            return True
        return False

    def set_active(self, symbol: str | None) -> list[str]:
        """Mark the symbol on the chart; return the symbols whose rows change."""
        previous, self.active = self.active, symbol
        return [s for s in dict.fromkeys((previous, symbol)) if s is not None and s != ""]
