"""Seeded, deterministic prices: a smooth random path per (symbol, resolution), cut into bars.

Why this shape: every test compares what a client received with ``Simulator.bars(...)``, and a
client that reconnects must get exactly the same history. So a FINAL bar is a pure function of
(seed, symbol, resolution, bar open time), and the forming bar is the same path cut at "now".

The path, in log-price, is sampled at knots ``K_PER_BAR`` per bar and is linear between knots:

* a long-term trend ``G(t)`` shared by every resolution of an asset: value noise in absolute
  time at scales of 1 to 256 days (BINANCE:BTCUSDT and COINBASE:BTCUSD share it);
* under it, a Brownian bridge per resolution, pinned to ``G`` every ~day and filled in by
  midpoint displacement with hash-seeded offsets, so any knot is computable on its own and a
  whole ~day of knots costs one pass.

A bar's open is the path at its open time, its close the path at its close time (the next
bar's open, as on a 24/7 market), high and low the extremes of the knots in between (exact,
since the path is linear between knots), volume the sum of per-knot volumes. The forming bar
is the same with the path cut at "now", so as time reaches the close it becomes the final bar.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from tvtui.sim.catalog import Instrument

K_PER_BAR = 8  #: knots per bar (fixed-length bars)
MAX_LEVELS = 13  #: at most 8192 knots per bridge segment
_DAY = 86_400
_WEEK_ORIGIN = 4 * _DAY  #: 1970-01-05, a Monday: weekly bars open on Mondays
_TREND_OCTAVES = 9  #: trend scales 1, 2, 4, ... 256 days
_M64 = (1 << 64) - 1
_TO_UNIT = 2.0 / 18446744073709551616.0
_SQRT3 = math.sqrt(3.0)
#: 1990-01-01: no instrument has bars before this (as real listings have a first bar), which
#: also bounds the cost of absurd history requests on weekly and monthly charts.
HISTORY_START = 631_152_000

Bar = tuple[float, float, float, float, float, float | None]

_MINUTES = ("1", "3", "5", "15", "30", "45", "60", "120", "180", "240")
_SECONDS = ("1S", "5S", "10S", "15S", "30S")
_ALIASES = {"D": "1D", "W": "1W", "M": "1M"}


@dataclass(frozen=True, slots=True)
class Grid:
    """How one resolution cuts time: bar length, knot spacing, and bridge depth."""

    resolution: str  #: canonical: "1", "60", "1D", "1W", "1M", "5S"
    seconds: int  #: bar length (a month counts as 30 days here)
    step: float  #: seconds between knots
    origin: int  #: time of knot 0 (bars align on it)
    levels: int  #: a bridge segment spans 2**levels knots
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

    def knot(self, t: float) -> float:
        return (t - self.origin) / self.step


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
        return _make(res, 7 * _DAY, _WEEK_ORIGIN)
    elif res == "1M":
        return Grid(res, 30 * _DAY, float(_DAY), 0, 0, monthly=True)
    else:
        return None
    return _make(res, seconds, 0)


def _make(res: str, seconds: int, origin: int) -> Grid:
    step = seconds / K_PER_BAR
    levels = max(0, min(MAX_LEVELS, round(math.log2(_DAY / step)))) if step < _DAY else 0
    return Grid(res, seconds, step, origin, levels)


def _unit(key: int, a: int, b: int) -> float:
    """A hash of (key, a, b) as a float uniform in [-1, 1): splitmix64's finaliser."""
    h = (key + a * 0x9E3779B97F4A7C15 + b * 0xD1B54A32D192ED03) & _M64
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & _M64
    return (h ^ (h >> 31)) * _TO_UNIT - 1.0


def _key(*parts: object) -> int:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class PricePath:
    """The log-price path of one instrument at one resolution, with a bounded segment cache."""

    _CACHE = 96  #: segments kept (each ~a day of knots)

    def __init__(self, seed: int, inst: Instrument, grid: Grid) -> None:
        self.inst = inst
        self.grid = grid
        self.size = 1 << grid.levels
        self._trend_key = _key(seed, "trend", inst.trend_key)
        self._bridge_key = _key(seed, "bridge", inst.pro_name, grid.resolution)
        sigma = inst.daily_vol
        self._trend_amp = [sigma * math.sqrt(1.5 * (1 << k)) for k in range(_TREND_OCTAVES)]
        unit = sigma / math.sqrt(_DAY)  # log-return std per sqrt(second)
        # Midpoint displacement: a bridge over T seconds has std sqrt(T/4) at its midpoint.
        self._bridge_amp = [
            _SQRT3 * unit * math.sqrt((1 << lvl) * grid.step / 2) for lvl in range(grid.levels)
        ]
        self._step_sigma = unit * math.sqrt(grid.step)
        self._vol_per_knot = (inst.volume_per_day or 0.0) * grid.step / _DAY / 2.6
        self._segments: dict[int, tuple[list[float], list[float]]] = {}
        self._trend_days: dict[int, float] = {}
        self._lock = threading.Lock()

    # --- the path ------------------------------------------------------------------------------

    def trend(self, t: float) -> float:
        """G(t): value noise in absolute time, identical for every resolution.

        Every octave's knots fall on day boundaries, so G is linear within a day: it is
        computed once per day (cached) and interpolated in between.
        """
        pos = t / _DAY
        i = math.floor(pos)
        g0 = self._trend_day(i)
        frac = pos - i
        return g0 if frac == 0.0 else g0 + (self._trend_day(i + 1) - g0) * frac

    def _trend_day(self, day: int) -> float:
        found = self._trend_days.get(day)
        if found is not None:
            return found
        total = 0.0
        key = self._trend_key
        for k, amp in enumerate(self._trend_amp):
            i = day >> k
            frac = (day - (i << k)) / (1 << k)
            g = _unit(key, k, i)
            if frac:
                g += (_unit(key, k, i + 1) - g) * frac
            total += amp * g
        if len(self._trend_days) > 200_000:
            self._trend_days.clear()
        self._trend_days[day] = total
        return total

    def _segment(self, seg: int) -> tuple[list[float], list[float]]:
        with self._lock:
            found = self._segments.get(seg)
        if found is not None:
            return found
        size = self.size
        grid = self.grid
        t0 = grid.origin + seg * size * grid.step
        xs = [0.0] * (size + 1)
        xs[0] = self.trend(t0)
        xs[size] = self.trend(t0 + size * grid.step)
        key = self._bridge_key
        base = seg * size
        for lvl in range(grid.levels - 1, -1, -1):
            half = 1 << lvl
            amp = self._bridge_amp[lvl]
            for i in range(half, size, 2 * half):
                xs[i] = (xs[i - half] + xs[i + half]) * 0.5 + amp * _unit(key, lvl, base + i)
        vols: list[float] = []
        if self._vol_per_knot:
            per = self._vol_per_knot
            inv = 1.0 / self._step_sigma
            vols = [
                per
                * (1.0 + 0.6 * _unit(key, 99, base + i))
                * (1.0 + 2.0 * abs(xs[i + 1] - x) * inv)
                for i, x in enumerate(xs[:-1])
            ]
        with self._lock:
            if len(self._segments) >= self._CACHE:
                self._segments.pop(next(iter(self._segments)))
            self._segments[seg] = (xs, vols)
        return xs, vols

    def values(self, n0: int, n1: int) -> tuple[list[float], list[float]]:
        """Log-prices of knots n0..n1 inclusive, and volumes of the segments n0..n1-1."""
        size = self.size
        xs: list[float] = []
        vols: list[float] = []
        n = n0
        while True:
            seg, off = divmod(n, size)
            sx, sv = self._segment(seg)
            stop = min(size, n1 - seg * size)
            xs.extend(sx[off : stop + 1] if n == n0 else sx[off + 1 : stop + 1])
            if sv:
                vols.extend(sv[off:stop])
            n = seg * size + stop
            if n >= n1:
                return xs, vols

    # --- bars ----------------------------------------------------------------------------------

    def _to_bar(self, open_t: int, xs: list[float], vol: float) -> Bar:
        inst = self.inst
        base = inst.base_price
        hi = max(xs)
        lo = min(xs)
        return (
            float(open_t),
            round_price(inst, base * math.exp(xs[0])),
            round_price(inst, base * math.exp(hi)),
            round_price(inst, base * math.exp(lo)),
            round_price(inst, base * math.exp(xs[-1])),
            round(vol, inst.volume_decimals) if inst.has_volume else None,
        )

    def final_bars(self, opens: list[int]) -> list[Bar]:
        """The FINAL bars opening at ``opens`` (ascending, consecutive)."""
        if not opens:
            return []
        grid = self.grid
        first = round(grid.knot(opens[0]))
        last = round(grid.knot(grid.next_open(opens[-1])))
        xs, vols = self.values(first, last)
        out: list[Bar] = []
        for open_t in opens:
            a = round(grid.knot(open_t)) - first
            b = round(grid.knot(grid.next_open(open_t))) - first
            out.append(self._to_bar(open_t, xs[a : b + 1], sum(vols[a:b])))
        return out

    def forming_bar(self, open_t: int, now: float) -> Bar:
        """The bar opening at ``open_t`` as it stands at ``now`` (final once now >= close)."""
        grid = self.grid
        close_t = grid.next_open(open_t)
        if now >= close_t:
            return self.final_bars([open_t])[0]
        n0 = round(grid.knot(open_t))
        pos = max(float(n0), grid.knot(now))
        i = int(pos)
        frac = pos - i
        xs, vols = self.values(n0, i + 1)
        live = xs[-2] + (xs[-1] - xs[-2]) * frac
        vol = sum(vols[:-1]) + (vols[-1] * frac if vols else 0.0)
        return self._to_bar(open_t, [*xs[:-1], live], vol)

    def log_price(self, t: float) -> float:
        pos = self.grid.knot(t)
        i = math.floor(pos)
        xs, _ = self.values(i, i + 1)
        return xs[0] + (xs[1] - xs[0]) * (pos - i)


def round_price(inst: Instrument, price: float) -> float:
    """Round to the instrument's tick, with no float noise past its decimals."""
    decimals = _DECIMALS.get(inst.pricescale)
    if decimals is None:
        decimals = _DECIMALS[inst.pricescale] = max(0, len(str(inst.pricescale)) - 1)
    return round(round(price / inst.tick) * inst.minmov / inst.pricescale, decimals)


_DECIMALS: dict[int, int] = {}


def opens_between(grid: Grid, start: float, end: float, limit: int = 200_000) -> list[int]:
    """Bar open times in [start, end), at most ``limit`` of them."""
    out: list[int] = []
    t = grid.open_of(max(start, HISTORY_START))
    if t < start or t < HISTORY_START:
        t = grid.next_open(t)
    while t < end and len(out) < limit:
        out.append(t)
        t = grid.next_open(t)
    return out


def opens_before(grid: Grid, open_t: int, count: int) -> list[int]:
    """The ``count`` bar opens before ``open_t``, ascending."""
    if count <= 0:
        return []
    if not grid.monthly:
        first = max(open_t - grid.seconds * count, grid.open_of(HISTORY_START))
        if first < HISTORY_START:
            first += grid.seconds
        return list(range(first, open_t, grid.seconds))
    out: list[int] = []
    t = open_t
    for _ in range(count):
        t = grid.prev_open(t)
        if t < HISTORY_START:
            break
        out.append(t)
    out.reverse()
    return out
