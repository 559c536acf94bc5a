"""The simulator's indicator math, one incremental class per TradingView built-in.

Each indicator is incremental: ``push(bar)`` folds a closed bar in and returns its values,
``peek(bar)`` returns the values the forming bar would have without folding it in. That is
what a live chart needs (one point per update, cheap) and it makes every closed point depend
only on the bars before it, as on TradingView. Values follow TradingView's definitions:
Wilder's RMA for RSI, EMAs seeded with the first value, population deviation for CCI and BB.
Keyword arguments are named after the study's inputs (``length``, ``source``, ``fast``...),
which is how :func:`tvtui.sim.indicators.build` passes a client's ``in_N`` values.
"""

from __future__ import annotations

import math
from collections import deque

Bar = tuple[float, float, float, float, float, float | None]
Values = tuple[float, ...] | None

SOURCES = ("open", "high", "low", "close", "hl2", "hlc3", "ohlc4")


def source_value(bar: Bar, source: str) -> float:
    """The bar's value for a Pine ``source`` input (``close`` for anything unknown)."""
    _, o, h, l_, c = bar[:5]
    match source:
        case "open":
            return o
        case "high":
            return h
        case "low":
            return l_
        case "hl2":
            return (h + l_) / 2.0
        case "hlc3":
            return (h + l_ + c) / 3.0
        case "ohlc4":
            return (o + h + l_ + c) / 4.0
    return c


class Mean:
    """A rolling simple mean of the last n values (Pine's ``ta.sma``)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.win: deque[float] = deque(maxlen=n)

    def push(self, x: float) -> float | None:
        self.win.append(x)
        return math.fsum(self.win) / self.n if len(self.win) == self.n else None

    def peek(self, x: float) -> float | None:
        if len(self.win) < self.n - 1:
            return None
        items = list(self.win)[1:] if len(self.win) == self.n else list(self.win)
        return (math.fsum(items) + x) / self.n


class _Ema:
    """Pine's ``ta.ema``: seeded with the first value, then alpha = 2 / (n + 1)."""

    def __init__(self, n: int) -> None:
        self.alpha = 2.0 / (n + 1)
        self.value: float | None = None

    def push(self, x: float) -> float:
        self.value = self.peek(x)
        return self.value

    def peek(self, x: float) -> float:
        return x if self.value is None else self.value + self.alpha * (x - self.value)


class Rma:
    """Pine's ``ta.rma`` (Wilder): seeded with the SMA of the first n values."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seed: list[float] = []
        self.value: float | None = None

    def push(self, x: float) -> float | None:
        if self.value is None:
            self.seed.append(x)
            if len(self.seed) == self.n:
                self.value = math.fsum(self.seed) / self.n
            return self.value
        self.value = (self.value * (self.n - 1) + x) / self.n
        return self.value

    def peek(self, x: float) -> float | None:
        if self.value is None:
            return math.fsum([*self.seed, x]) / self.n if len(self.seed) == self.n - 1 else None
        return (self.value * (self.n - 1) + x) / self.n


class Rsi:
    """RSI (plot 0) and its SMA (plot 1)."""

    def __init__(self, length: int = 14, ma_length: int = 14, source: str = "close") -> None:
        self.source = source
        self.prev: float | None = None
        self.up = Rma(length)
        self.down = Rma(length)
        self.ma = Mean(ma_length)

    @staticmethod
    def _rsi(up: float | None, down: float | None) -> float | None:
        if up is None or down is None:
            return None
        if down == 0:
            return 100.0 if up > 0 else 50.0
        return 100.0 - 100.0 / (1.0 + up / down)

    def push(self, bar: Bar) -> Values:
        close = source_value(bar, self.source)
        prev, self.prev = self.prev, close
        if prev is None:
            return None
        change = close - prev
        rsi = self._rsi(self.up.push(max(change, 0.0)), self.down.push(max(-change, 0.0)))
        if rsi is None:
            return None
        ma = self.ma.push(rsi)
        return None if ma is None else (rsi, ma)

    def peek(self, bar: Bar) -> Values:
        if self.prev is None:
            return None
        change = source_value(bar, self.source) - self.prev
        rsi = self._rsi(self.up.peek(max(change, 0.0)), self.down.peek(max(-change, 0.0)))
        if rsi is None:
            return None
        ma = self.ma.peek(rsi)
        return None if ma is None else (rsi, ma)


class Macd:
    """Plots: 0 histogram, 1 MACD, 2 signal."""

    def __init__(
        self, fast: int = 12, slow: int = 26, signal: int = 9, source: str = "close"
    ) -> None:
        self.source = source
        self.fast = _Ema(fast)
        self.slow = _Ema(slow)
        self.signal = _Ema(signal)

    def push(self, bar: Bar) -> Values:
        x = source_value(bar, self.source)
        macd = self.fast.push(x) - self.slow.push(x)
        signal = self.signal.push(macd)
        return (macd - signal, macd, signal)

    def peek(self, bar: Bar) -> Values:
        x = source_value(bar, self.source)
        macd = self.fast.peek(x) - self.slow.peek(x)
        signal = self.signal.peek(macd)
        return (macd - signal, macd, signal)


class Sma:
    def __init__(self, length: int = 9, source: str = "close") -> None:
        self.source = source
        self.sma = Mean(length)

    def push(self, bar: Bar) -> Values:
        v = self.sma.push(source_value(bar, self.source))
        return None if v is None else (v,)

    def peek(self, bar: Bar) -> Values:
        v = self.sma.peek(source_value(bar, self.source))
        return None if v is None else (v,)


class Ema:
    def __init__(self, length: int = 9, source: str = "close") -> None:
        self.source = source
        self.ema = _Ema(length)

    def push(self, bar: Bar) -> Values:
        return (self.ema.push(source_value(bar, self.source)),)

    def peek(self, bar: Bar) -> Values:
        return (self.ema.peek(source_value(bar, self.source)),)


class _Window:
    """Indicators computed from the last n values of a source (CCI, Bollinger Bands)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.win: deque[float] = deque(maxlen=n)

    def values_with(self, x: float, commit: bool) -> list[float] | None:
        items = [*list(self.win)[-(self.n - 1) :], x] if self.n > 1 else [x]
        if commit:
            self.win.append(x)
        return items if len(items) == self.n else None


class Cci(_Window):
    def __init__(self, length: int = 20, source: str = "hlc3") -> None:
        super().__init__(length)
        self.source = source

    def _calc(self, bar: Bar, commit: bool) -> Values:
        tp = source_value(bar, self.source)
        items = self.values_with(tp, commit)
        if items is None:
            return None
        mean = math.fsum(items) / self.n
        dev = math.fsum(abs(v - mean) for v in items) / self.n
        return ((tp - mean) / (0.015 * dev) if dev else 0.0,)

    def push(self, bar: Bar) -> Values:
        return self._calc(bar, True)

    def peek(self, bar: Bar) -> Values:
        return self._calc(bar, False)


class Bollinger(_Window):
    """Plots: 0 basis, 1 upper, 2 lower."""

    def __init__(self, length: int = 20, mult: float = 2.0, source: str = "close") -> None:
        super().__init__(length)
        self.source = source
        self.mult = mult

    def _calc(self, bar: Bar, commit: bool) -> Values:
        items = self.values_with(source_value(bar, self.source), commit)
        if items is None:
            return None
        mean = math.fsum(items) / self.n
        dev = math.sqrt(math.fsum((v - mean) ** 2 for v in items) / self.n)
        return (mean, mean + self.mult * dev, mean - self.mult * dev)

    def push(self, bar: Bar) -> Values:
        return self._calc(bar, True)

    def peek(self, bar: Bar) -> Values:
        return self._calc(bar, False)
