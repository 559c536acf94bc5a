"""Positions: lots bought and sold, what they cost, and what they have gained.

Average-cost accounting (what most brokers show and what ticker and cointop do): every
opening lot adds its quantity and its cost (price x quantity, plus fees) to the position; a
lot in the other direction closes part of it at the average cost, and the difference is the
realised gain (less that lot's fees). A closing lot larger than the position closes it and
opens the rest the other way, so a long becomes a short without a separate entry.

Signs: a positive quantity is a buy, a negative one a sell. A short position has a negative
quantity, a negative market value, and gains when the price falls. Fees always count against
the trader: they raise a long's average cost, lower a short's average entry, and reduce the
realised gain of the lot that closes.

Lots are applied in date order when every lot has a date (ISO dates sort as text), else in the
order given: the order matters once a position is closed and reopened. Nothing here knows
about Textual or the feed: the watchlist calls :func:`position_of` with the lots from the
config and :meth:`Position.valued` with the last price it holds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Lot", "Position", "Valuation", "position_of"]

#: Below this a quantity is zero (float sums of lots such as 0.1 + 0.2 - 0.3).
EPSILON = 1e-9


@dataclass(frozen=True)
class Lot:
    """One trade: ``quantity`` units (negative: sold) at ``price``, with ``fees`` paid."""

    quantity: float
    price: float
    date: str | None = None
    fees: float = 0.0

    def __post_init__(self) -> None:
        for name in ("quantity", "price", "fees"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"a lot's {name} must be a number, not {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"a lot's {name} must be a finite number, not {value!r}")
        if self.quantity == 0:
            raise ValueError("a lot's quantity must not be 0 (negative: sold)")
        if self.price <= 0:
            raise ValueError(f"a lot's price must be above 0, not {self.price!r}")
        if self.fees < 0:
            raise ValueError(f"a lot's fees must not be negative, not {self.fees!r}")


@dataclass(frozen=True)
class Valuation:
    """A position at a price: what it is worth and what it has gained."""

    market_value: float  #: quantity x last price (negative for a short)
    unrealised: float  #: gain of the open quantity over its average cost
    total_gain: float  #: unrealised + realised
    total_gain_pct: float | None  #: unrealised as % of the open cost (None: nothing open)
    day_gain: float | None  #: the open quantity's gain since the previous close (None: unknown)


@dataclass(frozen=True)
class Position:
    """The open quantity, its cost, and the gain already realised by closing lots."""

    quantity: float
    cost: float  #: the open quantity's cost with fees (negative for a short: proceeds)
    realised: float
    fees: float  #: every lot's fees, for the record

    @property
    def is_open(self) -> bool:
        return abs(self.quantity) > EPSILON

    @property
    def average_cost(self) -> float | None:
        """Cost per unit of what is open (None when nothing is)."""
        return self.cost / self.quantity if self.is_open else None

    def valued(self, last: float, previous_close: float | None = None) -> Valuation:
        """The position at ``last``; ``previous_close`` gives the day's gain."""
        value = self.quantity * last if self.is_open else 0.0
        unrealised = value - self.cost if self.is_open else 0.0
        pct = unrealised / abs(self.cost) * 100 if self.is_open and self.cost else None
        day = None
        if previous_close is not None:
            day = self.quantity * (last - previous_close) if self.is_open else 0.0
        return Valuation(value, unrealised, unrealised + self.realised, pct, day)


def _ordered(lots: Iterable[Lot]) -> list[Lot]:
    lots = list(lots)
    if lots and all(lot.date for lot in lots):
        return sorted(lots, key=lambda lot: lot.date or "")  # stable: same day keeps its order
    return lots


def position_of(lots: Iterable[Lot]) -> Position:
    """Average-cost accounting over ``lots`` (see the module's docstring)."""
    quantity = cost = realised = fees = 0.0
    for lot in _ordered(lots):
        fees += lot.fees
        opening = abs(quantity) <= EPSILON or (lot.quantity > 0) == (quantity > 0)
        if opening:
            quantity += lot.quantity
            cost += lot.quantity * lot.price + lot.fees
            continue
        closed = math.copysign(min(abs(lot.quantity), abs(quantity)), lot.quantity)
        share = closed / lot.quantity  # the part of this lot (and of its fees) that closes
        average = cost / quantity
        realised += -closed * (lot.price - average) - lot.fees * share
        quantity += closed
        cost = average * quantity
        rest = lot.quantity - closed
        if abs(quantity) <= EPSILON:
            quantity = cost = 0.0
        if abs(rest) > EPSILON:  # closed through zero: the rest opens the other way
            quantity = rest
            cost = rest * lot.price + lot.fees * (1 - share)
    return Position(quantity, cost, realised, fees)
