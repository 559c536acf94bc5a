"""The positions a list holds, valued at the live price, and the list's totals in its currency.

Why apart from the cells: a position (average cost over its lots) is recomputed only when its
lots change, not on every tick; a valuation is a multiplication per tick. The totals convert each
symbol's gains from its own currency (the quote's ``currency_code``) into the list's through the
FX quotes the list subscribes for that (:meth:`Holdings.rate_symbols`, never shown as rows);
a symbol whose rate is not known yet is left out of the sums and counted, so the totals row can
say so instead of mixing currencies. Stablecoins count as the currency they are pegged to.
"""

from __future__ import annotations

import math
from typing import Any

from tvtui.market.fx import Totals, fx_symbol, totals
from tvtui.market.positions import Lot, Position, Valuation, position_of
from tvtui.ui.watchlist_state import WatchlistState

#: Coins quoted as a currency they are pegged to (BINANCE:BTCUSDT is priced in USDT).
PEGGED = {"USDT": "USD", "USDC": "USD", "BUSD": "USD", "FDUSD": "USD", "DAI": "USD"}
#: Currencies quoted as the base against USD on the FX market (EURUSD, but USDJPY).
USD_QUOTED = frozenset({"EUR", "GBP", "AUD", "NZD"})


def market_pair(one: str, other: str) -> str:
    """The FX symbol the market quotes for two currencies (one of them USD): ``FX:EURUSD``,
    ``FX:USDJPY``."""
    if one == "USD":
        one, other = other, one
    if other == "USD" and one not in USD_QUOTED:
        return fx_symbol("USD", one)
    return fx_symbol(one, other)


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


class Holdings:
    """Positions of the state's symbols, kept until their lots change."""

    def __init__(self, state: WatchlistState) -> None:
        self.state = state
        self._positions: dict[str, tuple[tuple[Lot, ...], Position]] = {}

    def position(self, symbol: str) -> Position | None:
        lots = self.state.positions.get(symbol)
        if not lots:
            return None
        key = tuple(lots)
        cached = self._positions.get(symbol)
        if cached is None or cached[0] != key:
            cached = self._positions[symbol] = (key, position_of(key))
        return cached[1]

    def valued(self, symbol: str) -> Valuation | None:
        """The position at the last price (None: no position, or no price yet)."""
        position = self.position(symbol)
        if position is None:
            return None
        quote = self.state.quotes.get(symbol, {})
        last = number(quote.get("lp"))
        if last is None:
            return None
        return position.valued(last, number(quote.get("prev_close_price")))

    def currency(self, symbol: str) -> str | None:
        code = self.state.quotes.get(symbol, {}).get("currency_code")
        if not isinstance(code, str) or not code.isalnum() or len(code) > 8:
            return None
        return PEGGED.get(code.upper(), code.upper())

    def any_held(self) -> bool:
        positions = self.state.positions
        return any(positions.get(symbol) for symbol in self.state.symbols)

    def rate_symbols(self) -> list[str]:
        """The FX symbols the shown list's totals need (to subscribe, not to show)."""
        target = self.state.shown.currency
        needed: list[str] = []
        positions = self.state.positions
        for symbol in [s for s in self.state.symbols if s in positions]:
            source = self.currency(symbol)
            if source is None or source == target or self.position(symbol) is None:
                continue
            if "USD" in (source, target):
                needed.append(market_pair(source, target))
            else:
                needed += [market_pair(source, "USD"), market_pair(target, "USD")]
        return list(dict.fromkeys(needed))

    def totals(self) -> Totals:
        """The shown list's market value, day and total gain in its currency."""
        rows: list[tuple[str, str, Valuation]] = []
        unknown: list[str] = []
        for symbol in self.state.symbols:
            valuation = self.valued(symbol)
            if valuation is None:
                if self.position(symbol) is not None:
                    unknown.append(symbol)  # no price yet
                continue
            currency = self.currency(symbol)
            if currency is None:
                unknown.append(symbol)
                continue
            rows.append((symbol, currency, valuation))
        result = totals(rows, self.state.shown.currency, self.state.rates)
        result.unconverted = unknown + result.unconverted
        return result
