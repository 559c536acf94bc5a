"""More of the simulator's indicator math: WMA, Stochastic, Stochastic RSI, ATR, VWAP, OBV,
Volume, and the community script's two moving averages (MaCross).

Why a second module: :mod:`tvtui.sim.ta` holds the ones with hand-written ``peek``; these are
built on :class:`_Replaying`, whose ``peek`` folds the forming bar into a copy of the state.
That costs a small copy per live update and cannot drift from ``push``, which matters more
here than speed: the tests compare these values with independent reference computations.
"""

from __future__ import annotations

import copy
import math
import time
from collections import deque

from tvtui.sim.ta import Bar, Mean, Rma, Rsi, Values, source_value


class _Replaying:
    """``peek`` = ``push`` on a copy, so the forming bar never changes the state."""

    def push(self, bar: Bar) -> Values:
        raise NotImplementedError

    def peek(self, bar: Bar) -> Values:
        return copy.deepcopy(self).push(bar)


class Wma(_Replaying):
    """Pine's ``ta.wma``: weights 1..n, the newest value weighs most."""

    def __init__(self, length: int = 9, source: str = "close") -> None:
        self.n = length
        self.source = source
        self.win: deque[float] = deque(maxlen=length)

    def push(self, bar: Bar) -> Values:
        self.win.append(source_value(bar, self.source))
        if len(self.win) < self.n:
            return None
        total = math.fsum(w * v for w, v in enumerate(self.win, start=1))
        return (total / (self.n * (self.n + 1) / 2.0),)


class MaCross(_Replaying):
    """The open community script "Moving Average Cross [sim]": plots 0 fast, 1 slow, two
    simple moving averages of the close (both once the slow one has its bars)."""

    def __init__(self, fast: int = 9, slow: int = 21) -> None:
        self.fast, self.slow = Mean(fast), Mean(slow)

    def push(self, bar: Bar) -> Values:
        close = source_value(bar, "close")
        fast, slow = self.fast.push(close), self.slow.push(close)
        return None if fast is None or slow is None else (fast, slow)


def _stoch(value: float, high: float, low: float) -> float | None:
    """Pine's ``ta.stoch``: where ``value`` sits in [low, high], 0..100."""
    span = high - low
    return None if span == 0 else 100.0 * (value - low) / span


class Stochastic(_Replaying):
    """Plots: 0 %K, 1 %D. %K is the smoothed ``ta.stoch(close, high, low, k_length)``."""

    def __init__(self, k_length: int = 14, k_smoothing: int = 1, d_smoothing: int = 3) -> None:
        self.highs: deque[float] = deque(maxlen=k_length)
        self.lows: deque[float] = deque(maxlen=k_length)
        self.k = Mean(k_smoothing)
        self.d = Mean(d_smoothing)

    def push(self, bar: Bar) -> Values:
        self.highs.append(bar[2])
        self.lows.append(bar[3])
        if len(self.highs) < (self.highs.maxlen or 0):
            return None
        raw = _stoch(bar[4], max(self.highs), min(self.lows))
        k = None if raw is None else self.k.push(raw)
        d = None if k is None else self.d.push(k)
        return None if k is None or d is None else (k, d)


class StochRsi(_Replaying):
    """Plots: 0 K, 1 D: the Stochastic of the RSI, as TradingView's built-in."""

    def __init__(
        self,
        k: int = 3,
        d: int = 3,
        rsi_length: int = 14,
        stoch_length: int = 14,
        source: str = "close",
    ) -> None:
        self.rsi = Rsi(rsi_length, 1, source)
        self.win: deque[float] = deque(maxlen=stoch_length)
        self.k = Mean(k)
        self.d = Mean(d)

    def push(self, bar: Bar) -> Values:
        values = self.rsi.push(bar)
        if values is None:
            return None
        self.win.append(values[0])
        if len(self.win) < (self.win.maxlen or 0):
            return None
        raw = _stoch(values[0], max(self.win), min(self.win))
        k = None if raw is None else self.k.push(raw)
        d = None if k is None else self.d.push(k)
        return None if k is None or d is None else (k, d)


class Atr(_Replaying):
    """Pine's ``ta.atr``: Wilder's RMA of the true range (high - low on the first bar)."""

    def __init__(self, length: int = 14) -> None:
        self.rma = Rma(length)
        self.prev: float | None = None

    def push(self, bar: Bar) -> Values:
        high, low, close = bar[2], bar[3], bar[4]
        prev, self.prev = self.prev, close
        tr = high - low if prev is None else max(high - low, abs(high - prev), abs(low - prev))
        value = self.rma.push(tr)
        return None if value is None else (value,)


class Obv(_Replaying):
    """Pine's ``ta.obv``: running sum of volume signed by the close's change (0 first)."""

    def __init__(self) -> None:
        self.total = 0.0
        self.prev: float | None = None

    def push(self, bar: Bar) -> Values:
        volume = bar[5]
        if volume is None:
            return None
        close = bar[4]
        if self.prev is not None and close != self.prev:
            self.total += volume if close > self.prev else -volume
        self.prev = close
        return (self.total,)


class Vwap(_Replaying):
    """Session VWAP anchored at each UTC day: sum(source * volume) / sum(volume)."""

    def __init__(self, source: str = "hlc3") -> None:
        self.source = source
        self.day: int | None = None
        self.pv = 0.0
        self.vol = 0.0

    def push(self, bar: Bar) -> Values:
        volume = bar[5]
        if volume is None:
            return None
        day = time.gmtime(bar[0]).tm_yday + 1000 * time.gmtime(bar[0]).tm_year
        if day != self.day:
            self.day, self.pv, self.vol = day, 0.0, 0.0
        self.pv += source_value(bar, self.source) * volume
        self.vol += volume
        return None if self.vol == 0 else (self.pv / self.vol,)


class Volume(_Replaying):
    """Plots: 0 volume, 1 its SMA (``ma_length``)."""

    def __init__(self, ma_length: int = 20) -> None:
        self.ma = Mean(ma_length)

    def push(self, bar: Bar) -> Values:
        volume = bar[5]
        if volume is None:
            return None
        ma = self.ma.push(volume)
        return None if ma is None else (volume, ma)
