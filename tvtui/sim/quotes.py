"""Quote sessions: a snapshot of the requested fields per symbol, then only what changed.

Bid and ask come from the market (a tick either side of the last price); the 52-week range
(``price_52_week_high`` / ``_low``, which TradingView's quote session sends when asked) is the
daily bars' highest high and lowest low over the last 52 weeks, today's forming bar included,
so it agrees with the 1D chart. The whole days before today change once a day: they are
computed once per market, symbol and day.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from tvtui.sim import catalog
from tvtui.sim.catalog import Instrument
from tvtui.sim.market import Market
from tvtui.sim.prices import Grid, grid_for
from tvtui.sim.trades import DAY

Packet = dict[str, Any]

#: What a session that never called ``quote_set_fields`` gets.
DEFAULT_FIELDS = (
    "lp", "ch", "chp", "volume", "description", "local_description", "exchange", "type",
    "pro_name", "short_name", "currency_code", "update_mode", "pricescale", "minmov", "lp_time",
    "high_price", "low_price", "open_price", "prev_close_price", "current_session",
)  # fmt: skip
#: The 52-week range's fields, and the whole days before today it spans (52 weeks with today).
RANGE_FIELDS = ("price_52_week_high", "price_52_week_low")
RANGE_DAYS = 52 * 7 - 1
_DAILY: Grid = grid_for("1D")  # type: ignore[assignment]  # a resolution it knows

#: market -> (symbol, day) -> (highest high, lowest low) of the whole days before ``day``
_ranges: weakref.WeakKeyDictionary[Market, dict[tuple[str, int], tuple[float, float] | None]] = (
    weakref.WeakKeyDictionary()
)


def range_before(market: Market, inst: Instrument, day: int) -> tuple[float, float] | None:
    """Highest high and lowest low of the daily bars in the ``RANGE_DAYS`` days before ``day``
    (a day's open time); None when the history starts later."""
    cache = _ranges.setdefault(market, {})
    key = (inst.pro_name, day)
    if key not in cache:
        bars = market.history(inst, _DAILY, day, RANGE_DAYS)
        cache[key] = (max(b[2] for b in bars), min(b[3] for b in bars)) if bars else None
    return cache[key]


@dataclass(slots=True)
class _Sub:
    key: str  #: exactly what the client sent; echoed back as ``n``
    inst: Instrument
    last: dict[str, Any] = field(default_factory=dict)
    static: dict[str, Any] = field(default_factory=dict)  #: catalog fields, filtered
    moving: tuple[str, ...] = ()  #: requested fields that come from the market
    ranged: bool = False  #: the 52-week range was asked for
    range_day: int = -1  #: the day ``before`` was found for
    before: tuple[float, float] | None = None  #: the range of the whole days before it


@dataclass(slots=True)
class QuoteSession:
    id: str
    market: Market
    fields: tuple[str, ...] = DEFAULT_FIELDS
    subs: dict[str, _Sub] = field(default_factory=dict)

    def set_fields(self, fields: list[Any]) -> list[Packet]:
        self.fields = tuple(f for f in fields if isinstance(f, str)) or DEFAULT_FIELDS
        for sub in self.subs.values():
            self._prepare(sub)
        return []

    def _prepare(self, sub: _Sub) -> None:
        """Split the requested fields once: fixed catalog values, and ones that move."""
        static = catalog.quote_static(sub.inst)
        sub.static = {f: static[f] for f in self.fields if static.get(f) is not None}
        sub.moving = tuple(f for f in self.fields if f not in static)
        sub.ranged = any(f in RANGE_FIELDS for f in sub.moving)

    def _quote(self, sub: _Sub, now: float) -> dict[str, Any]:
        """The market's quote of ``sub`` at ``now``, with the 52-week range when asked."""
        quote = self.market.quote(sub.inst, now)
        if sub.ranged:
            high, low = quote["high_price"], quote["low_price"]
            day = int(now) // DAY * DAY
            if day != sub.range_day:
                sub.range_day, sub.before = day, range_before(self.market, sub.inst, day)
            before = sub.before
            if before is not None:
                high, low = max(high, before[0]), min(low, before[1])
            quote["price_52_week_high"], quote["price_52_week_low"] = high, low
        return quote

    def add_symbols(self, keys: list[Any], now: float) -> list[Packet]:
        out: list[Packet] = []
        for key in keys:
            if not isinstance(key, str):  # the trailing {"flags": [...]} object
                continue
            if key in self.subs:
                continue
            inst = catalog.lookup(key)
            if inst is None:
                out.append(self._qsd(key, {}, "error"))
                continue
            sub = _Sub(key, inst)
            self._prepare(sub)
            self.subs[key] = sub
            values = self._values(sub, now)
            # A copy: ``tick`` updates ``last`` in place, and ``values`` goes out in the packet
            # (the ``sent`` record keeps it), which must stay what was actually sent.
            sub.last = dict(values)
            out.append(self._qsd(key, values))
            out.append({"m": "quote_completed", "p": [self.id, key]})
        return out

    def remove_symbols(self, keys: list[Any]) -> list[Packet]:
        for key in keys:
            self.subs.pop(key, None)
        return []

    def _values(self, sub: _Sub, now: float) -> dict[str, Any]:
        quote = self._quote(sub, now)
        values = dict(sub.static)
        for f in sub.moving:
            value = quote.get(f)
            if value is not None:
                values[f] = value
        return values

    def _changes(self, sub: _Sub, now: float) -> dict[str, Any]:
        quote = self._quote(sub, now)
        last = sub.last
        changed = {}
        for f in sub.moving:
            value = quote.get(f)
            if value is not None and last.get(f) != value:
                changed[f] = value
        return changed

    def _qsd(self, key: str, values: dict[str, Any], status: str = "ok") -> Packet:
        body: dict[str, Any] = {"n": key, "s": status, "v": values}
        if status == "error":
            body["errmsg"] = "invalid symbol"
        return {"m": "qsd", "p": [self.id, body]}

    def tick(self, now: float) -> list[Packet]:
        """A delta ``qsd`` per symbol whose values changed since the last one sent."""
        out: list[Packet] = []
        for sub in self.subs.values():
            changed = self._changes(sub, now)
            if changed:
                sub.last.update(changed)
                out.append(self._qsd(sub.key, changed))
        return out
