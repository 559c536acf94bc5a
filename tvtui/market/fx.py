"""Currency conversion through the feed's own FX quotes, and a list's totals in one currency.

A watchlist can hold symbols priced in USD, EUR, JPY...; its totals row is in the list's
currency. The rates are the last prices of TradingView's FX symbols (``FX:EURUSD`` is the USD
price of one EUR), streamed like any other quote, so the totals move with the market. A rate
is found directly, inverted (``FX:USDJPY`` gives JPY->USD), or through USD as a cross (EUR->JPY
= EURUSD x USDJPY). A symbol whose rate is unknown is left out of the totals and named, so
the row never shows a sum that silently mixes currencies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tvtui.market.positions import Valuation

__all__ = ["Totals", "convert", "fx_symbol", "rate", "totals"]

#: The currency crosses go through when no direct pair is quoted.
PIVOT = "USD"


def fx_symbol(base: str, quote: str) -> str:
    """The feed symbol whose price is one ``base`` in ``quote`` (``FX:EURUSD``)."""
    return f"FX:{base.upper()}{quote.upper()}"


def _price(prices: Mapping[str, float], base: str, quote: str) -> float | None:
    value = prices.get(fx_symbol(base, quote))
    if isinstance(value, int | float) and math.isfinite(value) and value > 0:
        return float(value)
    return None


def _pair(prices: Mapping[str, float], source: str, target: str) -> float | None:
    direct = _price(prices, source, target)
    if direct is not None:
        return direct
    inverse = _price(prices, target, source)
    return 1.0 / inverse if inverse is not None else None


def rate(prices: Mapping[str, float], source: str, target: str) -> float | None:
    """How many ``target`` one ``source`` buys (None: no quote gives it). ``prices`` maps FX
    symbols to their last price."""
    source, target = source.upper(), target.upper()
    if source == target:
        return 1.0
    found = _pair(prices, source, target)
    if found is None and PIVOT not in (source, target):
        first, second = _pair(prices, source, PIVOT), _pair(prices, PIVOT, target)
        if first is not None and second is not None:
            found = first * second
    return found


def convert(amount: float, source: str, target: str, prices: Mapping[str, float]) -> float | None:
    """``amount`` of ``source`` in ``target`` (None: no rate)."""
    found = rate(prices, source, target)
    return None if found is None else amount * found


@dataclass
class Totals:
    """A list's totals in its currency; ``unconverted`` names the symbols left out."""

    currency: str
    market_value: float = 0.0
    day_gain: float = 0.0
    total_gain: float = 0.0
    unconverted: list[str] = field(default_factory=list)


def totals(
    rows: Iterable[tuple[str, str, Valuation]], currency: str, prices: Mapping[str, float]
) -> Totals:
    """Sum ``(symbol, its currency, valuation)`` rows in ``currency``."""
    result = Totals(currency.upper())
    for symbol, source, valuation in rows:
        found = rate(prices, source, currency)
        if found is None:
            result.unconverted.append(symbol)
            continue
        result.market_value += valuation.market_value * found
        result.day_gain += (valuation.day_gain or 0.0) * found
        result.total_gain += valuation.total_gain * found
    return result
