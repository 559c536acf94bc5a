"""Bars of any resolution, cut from one trade path per instrument (:mod:`tvtui.sim.trades`).

Why this shape: every test compares what a client received with ``Simulator.bars(...)``, and a
client that reconnects must get exactly the same history. So a FINAL bar is a pure function of
(seed, symbol, bar open time, bar close time): the aggregate of the trades in [open, close).
The forming bar is the same aggregate cut at "now" (whole seconds), so as time reaches the
close it becomes the final bar, and its close is the quote's last price at that moment. Every
resolution aggregates the same trades, so they agree with each other and with the quotes.

Prices are rounded to the instrument's tick only here, at the end; rounding is monotone, so
the highest rounded high is the rounded highest high and aggregation survives it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from tvtui.sim.catalog import Instrument
from tvtui.sim.trades import Stats, TradeTree

_DAY = 86_400
_WEEK_ORIGIN = 4 * _DAY  #: 1970-01-05, a Monday: weekly bars open on Mondays
#: 1990-01-01: no instrument has bars before this (as real listings have a first bar), which
#: also bounds the cost of absurd history requests on weekly and monthly charts.
HISTORY_START = 631_152_000

Bar = tuple[float, float, float, float, float, float | None]

_MINUTES = ("1", "3", "5", "15", "30", "45", "60", "120", "180", "240")
_SECONDS = ("1S", "5S", "10S", "15S", "30S")
_ALIASES = {"D": "1D", "W": "1W", "M": "1M"}


@dataclass(frozen=True, slots=True)
class Grid:
    """How one resolution cuts time: bar length and alignment."""

    resolution: str  #: canonical: "1", "60", "1D", "1W", "1M", "5S"
    seconds: int  #: bar length (a month counts as 30 days here)
    origin: int  #: bars align on this time
    monthly: bool = False

    def open_of(self, t: float) -> int:
        """Open time of the bar that contains ``t``."""
        if self.monthly:
            d = datetime.fromtimestamp(int(t // 1), UTC)
            return int(datetime(d.year, d.month, 1, tzinfo=UTC).timestamp())
        return self.origin + int((t - self.origin) // self.seconds) * self.seconds

    def next_open(self, open_t: int) -> int:
        if self.monthly:
            d = datetime.fromtimestamp(open_t, UTC)
            y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
            return int(datetime(y, m, 1, tzinfo=UTC).timestamp())
        return open_t + self.seconds

    def prev_open(self, open_t: int) -> int:
        if self.monthly:
            d = datetime.fromtimestamp(open_t, UTC)
            y, m = (d.year - 1, 12) if d.month == 1 else (d.year, d.month - 1)
            return int(datetime(y, m, 1, tzinfo=UTC).timestamp())
        return open_t - self.seconds


def grid_for(resolution: object) -> Grid | None:
    """The grid for a server resolution string, or None when the server would refuse it."""
    if not isinstance(resolution, str):
        return None
    res = _ALIASES.get(resolution, resolution)
    if res in _MINUTES:
        seconds = int(res) * 60
    elif res in _SECONDS:
        seconds = int(res[:-1])
    elif res == "1D":
        seconds = _DAY
    elif res == "1W":
        return Grid(res, 7 * _DAY, _WEEK_ORIGIN)
    elif res == "1M":
        return Grid(res, 30 * _DAY, 0, monthly=True)
    else:
        return None
    return Grid(res, seconds, 0)


def to_bar(inst: Instrument, open_t: int, stats: Stats) -> Bar:
    """A bar from the log-price stats of its trades, rounded as the feed rounds."""
    base = inst.base_price
    o, c, h, low, v = stats
    return (
        float(open_t),
        round_price(inst, base * math.exp(o)),
        round_price(inst, base * math.exp(h)),
        round_price(inst, base * math.exp(low)),
        round_price(inst, base * math.exp(c)),
        round(v * (inst.volume_per_day or 0.0), inst.volume_decimals) if inst.has_volume else None,
    )


def final_bars(tree: TradeTree, inst: Instrument, grid: Grid, opens: list[int]) -> list[Bar]:
    """The FINAL bars opening at ``opens``."""
    out: list[Bar] = []
    for open_t in opens:
        stats = tree.stats(open_t, grid.next_open(open_t))
        assert stats is not None
        out.append(to_bar(inst, open_t, stats))
    return out


def forming_bar(tree: TradeTree, inst: Instrument, grid: Grid, open_t: int, now: float) -> Bar:
    """The bar opening at ``open_t`` as it stands at ``now``: the trades of the whole seconds
    since its open (final once ``now`` reaches its close). Before its first trade it is flat at
    the price it opened at, with no volume."""
    end = min(grid.next_open(open_t), math.floor(now))
    stats = tree.stats(open_t, end)
    if stats is None:
        p = tree.price(open_t)
        stats = (p, p, p, p, 0.0)
    return to_bar(inst, open_t, stats)


def round_price(inst: Instrument, price: float) -> float:
    """Round to the instrument's tick, with no float noise past its decimals."""
    decimals = _DECIMALS.get(inst.pricescale)
    if decimals is None:
        decimals = _DECIMALS[inst.pricescale] = max(0, len(str(inst.pricescale)) - 1)
    return round(round(price / inst.tick) * inst.minmov / inst.pricescale, decimals)


_DECIMALS: dict[int, int] = {}


def opens_between(
    grid: Grid, start: float, end: float, limit: int = 200_000, first: float = HISTORY_START
) -> list[int]:
    """Bar open times in [start, end), at most ``limit`` of them, none before ``first`` (the
    instrument's first trade: the history's finite start)."""
    out: list[int] = []
    t = grid.open_of(max(start, first))
    if t < start or t < first:
        t = grid.next_open(t)
    while t < end and len(out) < limit:
        out.append(t)
        t = grid.next_open(t)
    return out


def opens_before(grid: Grid, open_t: int, count: int, first: float = HISTORY_START) -> list[int]:
    """The ``count`` bar opens before ``open_t``, ascending; none before ``first`` (so fewer,
    or none, once the history's start is reached)."""
    if count <= 0:
        return []
    if not grid.monthly:
        lo = max(open_t - grid.seconds * count, grid.open_of(first))
        if lo < first:
            lo += grid.seconds
        return list(range(lo, open_t, grid.seconds))
    out: list[int] = []
    t = open_t
    for _ in range(count):
        t = grid.prev_open(t)
        if t < first:
            break
        out.append(t)
    out.reverse()
    return out
