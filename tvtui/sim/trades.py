"""One trade path per instrument, from which every resolution's bars are cut.

Why this shape: on a real feed every bar, whatever its resolution, aggregates the same trades,
so the last close equals the last price on every time frame and a 5-minute bar is exactly its
five 1-minute bars (open of the first, highest high, lowest low, close of the last, summed
volume). The simulator must hold to that, and stay a pure function of (seed, symbol, time) so a
client that reconnects gets the same history, and stay cheap: 5,000 daily bars must not cost
5,000 x 86,400 one-second trades.

So the path is a tree of time ranges, generated top-down and conditioned on the parent:

* a root per UTC day: open and close from the long-term trend ``G`` (value noise in absolute
  time at scales of 1 to 256 days, shared by BINANCE:BTCUSDT and COINBASE:BTCUSD), high and
  low drawn as a Brownian bridge's extremes, volume around the instrument's daily volume;
* each range splits in two (at an hour, minute or second boundary near its middle) down to
  one-second leaves. The children's stats are drawn given the parent's, which include *when*
  its high and low trade: the child holding that time inherits the extreme, the other draws
  its own (no higher, no lower) and a time for it; the midpoint price is a Brownian bridge
  between the nearest known points (open, high, low, close at their times), so the path
  approaches an extreme gradually instead of jumping to it in one bar; the volume is shared
  out.

A node's stats are therefore exactly the aggregate of its children's, and any range of whole
seconds is the aggregate of the O(log) nodes that tile it: every resolution agrees by
construction. All numbers are log-prices; :mod:`tvtui.sim.prices` turns them into bars.
"""

from __future__ import annotations

import hashlib
import math

DAY = 86_400
_TREND_OCTAVES = 9  #: trend scales 1, 2, 4, ... 256 days
_M64 = (1 << 64) - 1
_TO_UNIT = 2.0 / 18446744073709551616.0
_SQRT_1_5 = math.sqrt(1.5)
#: Splits cached per instrument: those above the minute level (reused by every bar and quote
#: of their day, ~1,440 a day), and the finer ones (only the latest few minutes matter: live
#: quotes and forming bars walk the same path tick after tick). Bounded so 50 instruments
#: quoted for hours stay at a few MB.
_CACHE_COARSE = 8192
_CACHE_FINE = 512

#: (open, close, high, low, volume) of a time range: log-prices, and volume.
Stats = tuple[float, float, float, float, float]
#: A tree node: its stats, then when (seconds into the day) its high and its low trade.
Node = tuple[float, float, float, float, float, float, float]


def unit(key: int, a: int, b: int) -> float:
    """A hash of (key, a, b) as a float uniform in [-1, 1): splitmix64's finaliser."""
    h = (key + a * 0x9E3779B97F4A7C15 + b * 0xD1B54A32D192ED03) & _M64
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & _M64
    return (h ^ (h >> 31)) * _TO_UNIT - 1.0


def hash_key(*parts: object) -> int:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def split_point(a: int, b: int) -> int:
    """Where the range [a, b) of a day splits: an hour, else a minute, else a second boundary
    near the middle. Hours and minutes thus are single nodes; any bar is a few of them."""
    n = b - a
    size = 3600 if n > 3600 and n % 3600 == 0 else 60 if n > 60 and n % 60 == 0 else 1
    return a + (n // size // 2) * size


def combine(parts: list[Node]) -> Stats:
    """The aggregate of consecutive ranges: first open, last close, extremes, summed volume."""
    if len(parts) == 1:
        return parts[0][:5]
    return (
        parts[0][0],
        parts[-1][1],
        max(p[2] for p in parts),
        min(p[3] for p in parts),
        sum(p[4] for p in parts),
    )


def _bridge_max(e0: float, e1: float, var_t: float, u: float) -> float:
    """A draw of a Brownian bridge's maximum from e0 to e1 with variance ``var_t`` over its
    span: P(max > x) = exp(-2 (x - e0)(x - e1) / var_t), inverted at ``u`` in (0, 1]."""
    half = (e0 - e1) * 0.5
    return (e0 + e1) * 0.5 + math.sqrt(half * half - 0.5 * var_t * math.log(u))


def _hit(top: float, e0: float, e1: float, var_t: float) -> float:
    """How likely a bridge from e0 to e1 reaches ``top`` (1 when an end is already there)."""
    if top <= max(e0, e1):
        return 1.0
    return math.exp(-2.0 * (top - e0) * (top - e1) / var_t)


def _capped_max(e0: float, e1: float, var_t: float, top: float, v: float) -> float:
    """A bridge maximum drawn given that it stays at or under ``top``: the inverse CDF at
    ``v`` in [0, 1) of the truncated law. Drawing it uncapped and clipping would pile many
    bars' highs exactly on their parent's high."""
    reach = _hit(top, e0, e1, var_t)
    survive = max(1e-300, 1.0 - v * (1.0 - reach))
    return min(top, _bridge_max(e0, e1, var_t, survive))


def _when(a: float, b: float, e0: float, e1: float, top: float, u: float) -> float:
    """A time in [a, b] for a bridge's maximum ``top``: near the end it rises least from."""
    d0, d1 = top - e0, top - e1
    if d0 <= 0.0:
        return a
    if d1 <= 0.0:
        return b
    w = min(0.97, max(0.03, d0 / (d0 + d1) + 0.3 * u))
    return a + (b - a) * w


class TradeTree:
    """The trade path of one instrument: stats for any range of whole seconds."""

    def __init__(self, seed: int, pro_name: str, trend_key: str, daily_vol: float) -> None:
        self._trend_key = hash_key(seed, "trend", trend_key)
        keys = [hash_key(seed, "trades", pro_name, i) for i in range(9)]
        (self._k_mid1, self._k_mid2, self._k_hi_side, self._k_hi, self._k_lo_side, self._k_lo,
         self._k_vol1, self._k_vol2, self._k_root) = keys  # fmt: skip
        self._daily_vol = daily_vol
        self._var = daily_vol * daily_vol / DAY  #: log-price variance per second
        self._trend_amp = [daily_vol * math.sqrt(1.5 * (1 << k)) for k in range(_TREND_OCTAVES)]
        self._trend_days: dict[int, float] = {}
        self._roots: dict[int, Node] = {}
        self._coarse: dict[int, tuple[Node, Node]] = {}
        self._fine: dict[int, tuple[Node, Node]] = {}

    # --- the long-term trend and the day roots -------------------------------------------------

    def _trend_day(self, day: int) -> float:
        """G at the start of ``day``: every octave's knots fall on day boundaries."""
        found = self._trend_days.get(day)
        if found is not None:
            return found
        total = 0.0
        key = self._trend_key
        for k, amp in enumerate(self._trend_amp):
            i = day >> k
            frac = (day - (i << k)) / (1 << k)
            g = unit(key, k, i)
            if frac:
                g += (unit(key, k, i + 1) - g) * frac
            total += amp * g
        if len(self._trend_days) > 100_000:
            self._trend_days.clear()
        self._trend_days[day] = total
        return total

    def root(self, day: int) -> Node:
        """The whole of UTC day ``day`` (days since 1970-01-01)."""
        found = self._roots.get(day)
        if found is not None:
            return found
        o = self._trend_day(day)
        c = self._trend_day(day + 1)
        var_t = self._daily_vol * self._daily_vol
        key = self._k_root
        h = _bridge_max(o, c, var_t, 0.5 - 0.5 * unit(key, day, 1))
        low = -_bridge_max(-o, -c, var_t, 0.5 - 0.5 * unit(key, day, 2))
        spread = (h - low) / self._daily_vol if self._daily_vol else 1.0
        v = (1.0 + 0.4 * unit(key, day, 3)) * (0.5 + 0.4 * spread)
        t_hi = _when(0, DAY, o, c, h, unit(key, day, 4))
        t_lo = _when(0, DAY, -o, -c, -low, unit(key, day, 5))
        if len(self._roots) > 100_000:
            self._roots.clear()
        node = self._roots[day] = (o, c, h, low, v, t_hi, t_lo)
        return node

    # --- splitting -----------------------------------------------------------------------------

    def children(self, day: int, a: int, b: int, s: Node) -> tuple[Node, Node]:
        """The two halves of node [a, b) of ``day`` whose stats are ``s`` (cached)."""
        n = b - a
        cache = self._coarse if n > 60 else self._fine
        cache_key = (day << 40) | (a << 20) | b
        found = cache.get(cache_key)
        if found is not None:
            return found
        o, c, h, low, v, t_hi, t_lo = s
        m = split_point(a, b)
        at = day * DAY + a  # the hash coordinates of this node: absolute start and length
        var = self._var
        # The midpoint: a Brownian bridge between the known points on either side of it,
        # reflected back inside the range.
        t0, v0, t1, v1 = float(a), o, float(b), c
        for t, x in ((t_hi, h), (t_lo, low)):
            if t0 < t <= m:
                t0, v0 = t, x
            elif m <= t < t1:
                t1, v1 = t, x
        if t1 <= t0 or t0 == m:
            mid = v0
        elif t1 == m:
            mid = v1
        else:
            z = (unit(self._k_mid1, at, n) + unit(self._k_mid2, at, n)) * _SQRT_1_5
            span = t1 - t0
            mid = v0 + (v1 - v0) * (m - t0) / span + math.sqrt(var * (m - t0) * (t1 - m) / span) * z
            if mid > h:
                mid = h - (mid - h)
            if mid < low:
                mid = low + (low - mid)
            mid = min(h, max(low, mid))
        nl, nr = m - a, b - m
        var_l, var_r = var * nl, var * nr
        # The extremes: the child holding the parent's time inherits it; the other draws its
        # own, capped by the parent's, and a time for it.
        u_hi = 0.5 + 0.5 * unit(self._k_hi, at, n)
        u_hi_t = unit(self._k_hi_side, at, n)
        if t_hi <= m:
            h_l, th_l = h, t_hi
            h_r = _capped_max(mid, c, var_r, h, u_hi)
            th_r = _when(m, b, mid, c, h_r, u_hi_t)
        else:
            h_r, th_r = h, t_hi
            h_l = _capped_max(o, mid, var_l, h, u_hi)
            th_l = _when(a, m, o, mid, h_l, u_hi_t)
        u_lo = 0.5 + 0.5 * unit(self._k_lo, at, n)
        u_lo_t = unit(self._k_lo_side, at, n)
        if t_lo <= m:
            l_l, tl_l = low, t_lo
            l_r = -_capped_max(-mid, -c, var_r, -low, u_lo)
            tl_r = _when(m, b, -mid, -c, -l_r, u_lo_t)
        else:
            l_r, tl_r = low, t_lo
            l_l = -_capped_max(-o, -mid, var_l, -low, u_lo)
            tl_l = _when(a, m, -o, -mid, -l_l, u_lo_t)
        # Volume: shared by time, with more where the price ranged further.
        wl = nl * (1.0 + 0.5 * unit(self._k_vol1, at, n)) * (1.0 + (h_l - l_l) / math.sqrt(var_l))
        wr = nr * (1.0 + 0.5 * unit(self._k_vol2, at, n)) * (1.0 + (h_r - l_r) / math.sqrt(var_r))
        v_l = v * wl / (wl + wr)
        pair = ((o, mid, h_l, l_l, v_l, th_l, tl_l), (mid, c, h_r, l_r, v - v_l, th_r, tl_r))
        if len(cache) >= (_CACHE_COARSE if n > 60 else _CACHE_FINE):
            cache.clear()
        cache[cache_key] = pair
        return pair

    # --- queries -------------------------------------------------------------------------------

    def _within_day(self, day: int, lo: int, hi: int) -> list[Node]:
        """The nodes tiling [lo, hi) of ``day`` (seconds into the day), in time order."""
        out: list[Node] = []
        stack = [(0, DAY, self.root(day))]
        while stack:
            a, b, s = stack.pop()
            if lo <= a and b <= hi:
                out.append(s)
                continue
            m = split_point(a, b)
            left, right = self.children(day, a, b, s)
            if hi > m:  # pushed first: popped after the left half
                stack.append((m, b, right))
            if lo < m:
                stack.append((a, m, left))
        return out

    def stats(self, t0: int, t1: int) -> Stats | None:
        """The aggregate of the trades in [t0, t1) (whole seconds); None when t1 <= t0."""
        if t1 <= t0:
            return None
        parts: list[Node] = []
        day = t0 // DAY
        while day * DAY < t1:
            start = day * DAY
            lo, hi = max(t0, start) - start, min(t1, start + DAY) - start
            if lo == 0 and hi == DAY:
                parts.append(self.root(day))
            else:
                parts.extend(self._within_day(day, lo, hi))
            day += 1
        return combine(parts)

    def price(self, t: int) -> float:
        """The log-price at second ``t``: the close of the trades before it."""
        day, offset = divmod(t, DAY)
        a, b, s = 0, DAY, self.root(day)
        while True:
            if offset == a:
                return s[0]
            m = split_point(a, b)
            left, right = self.children(day, a, b, s)
            if offset == m:
                return left[1]
            a, b, s = (a, m, left) if offset < m else (m, b, right)
