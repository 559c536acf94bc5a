"""``Judge``: one alert's run-time state, and the band of prices that cannot change it.

Why the band: with 200 alerts on 50 symbols at 10,000 updates/s, nearly every update moves a
price a little without getting near any level. Each judge says, after each price it saw, the
open interval of prices (and the time) within which the next price changes nothing for it:
the same side of its level, the same bar of its move window, the same state. The engine keeps
the intersection per symbol and judges a price only when it leaves that band; the prices in
between are remembered (the last one is what a crossing reports as ``previous``).
"""

from __future__ import annotations

import math
from collections import deque

from tvtui.alerts.alert import Alert, Firing
from tvtui.alerts.conditions import CHANNELS, CROSSINGS, MOVING, Word
from tvtui.feed.timeframes import parse_timeframe

INF = math.inf
#: An empty band: no price is inside it (comparisons with NaN are false).
NOWHERE = (math.nan, math.nan)

_SIDED, _STATE, _MOVE = 0, 1, 2


class Judge:
    """Which side of its level(s) an alert's value was last on, armed or spent."""

    __slots__ = (
        "alert", "armed", "bars", "fired", "hi", "high", "kind", "last", "last_payload", "lo",
        "low", "older", "percent", "previous", "seconds", "spent", "until", "word", "zone",
    )  # fmt: skip

    def __init__(self, alert: Alert) -> None:
        self.alert = alert
        cond = alert.condition
        self.word = cond.word
        levels = cond.levels if not cond.signal_line else (0.0,)
        self.low = levels[0] if levels else 0.0
        self.high = levels[-1] if levels else 0.0
        self.percent = self.low
        word = self.word
        self.kind = _SIDED if word in CROSSINGS or word in CHANNELS else (
            _MOVE if word in MOVING else _STATE)  # fmt: skip
        self.armed = True  #: a state condition (greater-than, a move) may fire
        self.spent = False  #: a ``once`` alert that fired
        self.zone = 0  #: the last definite side: -1 below, +1 above, 0 inside a channel
        self.last_payload: float | None = None  #: the value seen last on that side
        self.previous: float | None = None  #: the value seen last
        self.fired = 0
        self.last: Firing | None = None
        self.seconds = parse_timeframe(alert.timeframe).seconds
        self.bars: deque[list[float]] = deque()  #: [open, low, high] of the move window
        self.older = (INF, -INF)  #: the lowest low and highest high of the window's older bars
        self.until = INF  #: the band holds until this time (the current bar's end)
        self.lo, self.hi = NOWHERE  #: the band as of the last price this judge observed

    def observe(
        self, value: float, payload: float, t: float, silent: bool = False
    ) -> tuple[bool, float | None]:
        """Whether the alert fires at ``value``, and the previous value to report.
        ``payload`` is what is reported as the price (the MACD line when ``value`` is the
        MACD's distance to its signal line). ``silent``: learn the side, never fire."""
        previous, self.previous = self.previous, payload
        kind = self.kind
        if kind == _SIDED:
            zone = self._zone(value)
            if zone is None:  # on the level: no side yet
                return False, None
            before, before_payload = self.zone, self.last_payload
            self.zone, self.last_payload = zone, payload
            if before_payload is None or zone == before or silent:
                return False, None
            word = self.word
            if word is Word.CROSSING_UP:
                hit = zone > before
            elif word is Word.CROSSING_DOWN:
                hit = zone < before
            elif word is Word.ENTERING_CHANNEL:
                hit = zone == 0
            elif word is Word.EXITING_CHANNEL:
                hit = before == 0
            else:
                hit = True
            return hit, before_payload
        if kind == _MOVE:
            holds, reference = self._moving(value, t)
            previous = reference
        elif self.word is Word.GREATER_THAN:
            holds = value > self.low
        else:
            holds = value < self.low
        # a state: fires on entering it, re-arms on leaving it
        if not holds:
            self.armed = True
            return False, None
        if not self.armed or silent:
            return False, None
        self.armed = False
        return True, previous

    def passed(self, price: float) -> None:
        """A price inside the band went by unjudged: it is now the value seen last (and on
        this judge's side, which the band guarantees)."""
        self.previous = price
        if self.kind == _SIDED and self.last_payload is not None:
            self.last_payload = price

    def _zone(self, value: float) -> int | None:
        if self.word in CHANNELS:
            if value < self.low:
                return -1
            if value > self.high:
                return 1
            return 0 if self.low < value < self.high else None
        return 1 if value > self.low else -1 if value < self.low else None

    def _moving(self, price: float, t: float) -> tuple[bool, float]:
        """Moved by P % from the lowest (highest) price of the last N bars, this one
        included: fires on getting there, re-arms once the move is less than P % again."""
        bars, seconds = self.bars, self.seconds
        opened = t - t % seconds
        if bars and bars[-1][0] == opened:
            bar = bars[-1]
            if price < bar[1]:
                bar[1] = price
            elif price > bar[2]:
                bar[2] = price
        else:
            bars.append([opened, price, price])
            horizon = opened - self.alert.condition.bars * seconds
            while bars[0][0] <= horizon:
                bars.popleft()
            self.until = opened + seconds
            # the extremes of the bars before this one change only now
            self.older = (
                min((b[1] for b in list(bars)[:-1]), default=INF),
                max((b[2] for b in list(bars)[:-1]), default=-INF),
            )
        bar = bars[-1]
        if self.word is Word.MOVING_UP:
            reference = min(self.older[0], bar[1])
            return reference > 0 and price >= reference * (1 + self.percent / 100), reference
        reference = max(self.older[1], bar[2])
        return reference > 0 and price <= reference * (1 - self.percent / 100), reference

    def band(self, price: float) -> tuple[float, float]:
        """The open interval of next prices that change nothing for this judge, given that
        ``price`` was the last one observed (and until :attr:`until`)."""
        if self.spent:
            return -INF, INF
        kind = self.kind
        if kind == _MOVE:
            return self._move_band(price)
        if self.previous is None:
            return NOWHERE  # not one price seen yet
        low = self.low
        if kind == _STATE or self.word not in CHANNELS:
            if price > low:
                return low, INF
            if price < low:
                return -INF, low
            return NOWHERE
        high = self.high
        if price < low:
            return -INF, low
        if price > high:
            return high, INF
        if low < price < high:
            return low, high
        return NOWHERE

    def _move_band(self, price: float) -> tuple[float, float]:
        """A price equal to this bar's low (high) or to the threshold of a move that holds
        changes nothing either: those bounds are widened by one float step (the band is
        open), so a price ticking back to the bar's low is not judged again."""
        if not self.bars:
            return NOWHERE
        _, bar_low, bar_high = self.bars[-1]
        if self.word is Word.MOVING_UP:  # the lows matter: stay at or above this bar's low
            reference = min(self.older[0], bar_low)
            threshold = reference * (1 + self.percent / 100)
            if price >= threshold:
                return _below(max(threshold, bar_low)), INF
            return _below(bar_low), threshold
        reference = max(self.older[1], bar_high)  # the highs matter: stay at or below
        threshold = reference * (1 - self.percent / 100)
        if price <= threshold:
            return -INF, _above(min(threshold, bar_high))
        return threshold, _above(bar_high)


def _below(x: float) -> float:
    return math.nextafter(x, -INF)


def _above(x: float) -> float:
    return math.nextafter(x, INF)
