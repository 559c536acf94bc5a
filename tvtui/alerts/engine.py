"""The alert engine: prices and closed indicator values in, each firing out exactly once.

Why exactly once holds, whatever the connection does:

- **Prices** are judged between two consecutive prices of a symbol, ordered by the feed's
  time (a quote's ``lp_time``). A price older than the newest one judged (a replay after a
  reconnect) is dropped, and so is a repeat of the same price at the same time; so replayed
  data never makes a crossing appear twice. The first price after a reconnect is judged
  against the last one before the drop, so a crossing that happened while the link was down
  is caught (once) when the link comes back.
- **Indicator values** (closed-bar conditions) are judged between two consecutive *closed*
  bars. A bar is closed once a newer bar's point arrives; its final value is the last one
  received for its time. A point at or before the newest closed bar already judged (the
  history replayed after a reconnect) is dropped; the bars closed during the drop arrive in
  that history and are judged in order, each once.
- A side of the level is remembered, not a previous price: ``crossing-up`` fires when the
  value goes from below the level to above it; touching the level and going back is no
  crossing, and ``every-time`` re-arms only once the value is back on the other side.

Threads: one writer (the stream worker) calls :meth:`on_price` / :meth:`on_points`; any
thread may :meth:`add`, :meth:`remove` or read :meth:`status`. A lock keeps them apart (it
is uncontended in the worker's loop, so it costs next to nothing per update).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from tvtui.alerts.alert import Alert, Firing
from tvtui.alerts.conditions import CHANNELS, CROSSINGS, MOVING, Mode, Source, Word
from tvtui.feed.timeframes import parse_timeframe

#: A study point as the engine takes it: (bar open time, value, signal value or None).
Point = tuple[float, float | None, float | None]
StudyKey = tuple[str, str, Source]
_K = TypeVar("_K")


@dataclass(slots=True)
class AlertStatus:
    """What the alert list shows: armed or not, how often it fired, the last firing."""

    alert: Alert
    armed: bool
    fired: int
    last: Firing | None


class _Judge:
    """One alert's run-time state: which side of its level(s) the value was last on."""

    __slots__ = (
        "alert", "armed", "bars", "fired", "high", "last", "last_payload", "levels", "low",
        "previous", "seconds", "spent", "word", "zone",
    )  # fmt: skip

    def __init__(self, alert: Alert) -> None:
        self.alert = alert
        cond = alert.condition
        self.word = cond.word
        self.levels = cond.levels if not cond.signal_line else (0.0,)
        self.low = self.levels[0] if self.levels else 0.0
        self.high = self.levels[-1] if self.levels else 0.0
        self.armed = True  #: a state condition (greater-than, a move) may fire
        self.spent = False  #: a ``once`` alert that fired
        self.zone = 0  #: the last definite side: -1 below, +1 above, 0 inside a channel
        self.last_payload: float | None = None  #: the value seen last on that side
        self.previous: float | None = None  #: the value seen last
        self.fired = 0
        self.last: Firing | None = None
        self.seconds = parse_timeframe(alert.timeframe).seconds
        self.bars: deque[list[float]] = deque()  #: [open, low, high] of the move window

    def observe(
        self, value: float, payload: float, t: float, silent: bool = False
    ) -> tuple[bool, float | None]:
        """Whether the alert fires at ``value``, and the previous value to report.
        ``payload`` is what is reported as the price (the MACD line when ``value`` is the
        MACD's distance to its signal line). ``silent``: learn the side, never fire."""
        previous, self.previous = self.previous, payload
        word = self.word
        if word in CROSSINGS or word in CHANNELS:
            zone = self._zone(value)
            if zone is None:  # on the level: no side yet
                return False, None
            before, before_payload = self.zone, self.last_payload
            self.zone, self.last_payload = zone, payload
            if before_payload is None or zone == before or silent:
                return False, None
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
        if word in MOVING:
            holds, reference = self._moving(value, t)
            previous = reference
        elif word is Word.GREATER_THAN:
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
            bar[1] = min(bar[1], price)
            bar[2] = max(bar[2], price)
        else:
            bars.append([opened, price, price])
            horizon = opened - self.alert.condition.bars * seconds
            while bars[0][0] <= horizon:
                bars.popleft()
        percent = self.low
        if self.word is Word.MOVING_UP:
            reference = min(bar[1] for bar in bars)
            return reference > 0 and price >= reference * (1 + percent / 100), reference
        reference = max(bar[2] for bar in bars)
        return reference > 0 and price <= reference * (1 - percent / 100), reference


class _ClosedPoints:
    """Turns a study's points (history, live updates, replays) into its closed bars, each
    handed on once, in time order."""

    __slots__ = ("pending", "watermark")

    def __init__(self) -> None:
        self.watermark: float | None = None  #: the newest closed bar handed on
        self.pending: Point | None = None  #: the forming bar, as last received

    def feed(self, points: Iterable[Point]) -> tuple[list[Point], bool]:
        """The bars closed by ``points``, and whether they are the first history (a
        baseline to learn the side from, never to fire on)."""
        fresh = self.watermark is None and self.pending is None
        closed: list[Point] = []
        for point in sorted(points, key=lambda p: p[0]):
            t = point[0]
            if self.watermark is not None and t <= self.watermark:
                continue  # judged already (a replay)
            pending = self.pending
            if pending is None or t == pending[0]:
                self.pending = point  # the forming bar's newest values
            elif t > pending[0]:
                closed.append(pending)
                self.watermark = pending[0]
                self.pending = point
            # else: older than the forming bar but newer than the last closed one, which
            # cannot happen with one bar forming at a time; ignored rather than judged late
        return closed, fresh


class AlertEngine:
    """Every alert's state, judged on every price and every closed indicator bar."""

    def __init__(self, alerts: Iterable[Alert] = ()) -> None:
        self._lock = threading.Lock()
        self._judges: dict[str, _Judge] = {}
        self._by_symbol: dict[str, list[_Judge]] = {}
        self._by_study: dict[StudyKey, list[_Judge]] = {}
        self._last: dict[str, tuple[float, float]] = {}  #: symbol -> (time, price) judged
        self._closed: dict[StudyKey, _ClosedPoints] = {}
        for alert in alerts:
            self.add(alert)

    # --- the alerts (any thread) ----------------------------------------------------------

    def add(self, alert: Alert, *, armed: bool = True) -> None:
        """Watch ``alert`` (replacing one with the same id). ``armed=False`` adds a ``once``
        alert that already fired (in an earlier run), so it stays quiet."""
        with self._lock:
            self._drop(alert.id)
            judge = _Judge(alert)
            judge.spent = not armed and alert.mode is Mode.ONCE
            self._judges[alert.id] = judge
            cond = alert.condition
            if cond.source is Source.PRICE:
                self._by_symbol.setdefault(alert.symbol, []).append(judge)
            else:
                key = (alert.symbol, alert.timeframe, cond.source)
                self._by_study.setdefault(key, []).append(judge)

    def remove(self, alert_id: str) -> bool:
        with self._lock:
            return self._drop(alert_id)

    def _drop(self, alert_id: str) -> bool:
        judge = self._judges.pop(alert_id, None)
        if judge is None:
            return False
        alert = judge.alert
        if alert.condition.source is Source.PRICE:
            _discard(self._by_symbol, alert.symbol, judge)
        else:
            _discard(self._by_study, (alert.symbol, alert.timeframe, alert.condition.source), judge)
        return True

    @property
    def alerts(self) -> list[Alert]:
        with self._lock:
            return [j.alert for j in self._judges.values()]

    def symbols(self) -> list[str]:
        """Symbols whose price some alert watches (their quotes must be subscribed)."""
        with self._lock:
            return list(self._by_symbol)

    def study_keys(self) -> list[StudyKey]:
        """(symbol, timeframe, source) of every indicator condition (each needs a study)."""
        with self._lock:
            return list(self._by_study)

    def status(self, alert_id: str) -> AlertStatus | None:
        with self._lock:
            judge = self._judges.get(alert_id)
            if judge is None:
                return None
            return AlertStatus(judge.alert, not judge.spent, judge.fired, judge.last)

    # --- evaluation (the stream worker) ---------------------------------------------------

    def on_price(self, symbol: str, price: float, time: float | None = None) -> list[Firing]:
        """A symbol's last price at the feed's ``time``; the firings it causes."""
        last = self._last.get(symbol)
        if time is None:  # no time from the feed: it follows the last one
            time = last[0] if last is not None else 0.0
        if last is not None and (time < last[0] or (time == last[0] and price == last[1])):
            return []  # replayed or repeated: judged already
        self._last[symbol] = (time, price)
        judges = self._by_symbol.get(symbol)
        if not judges:
            return []
        out: list[Firing] = []
        with self._lock:
            for judge in judges:
                if not judge.spent:
                    _judge(judge, price, price, time, out)
        return out

    def on_points(
        self, symbol: str, timeframe: str, source: Source, points: Iterable[Point]
    ) -> list[Firing]:
        """Points of ``source``'s study on ``symbol`` / ``timeframe`` (history or live, as
        they come); the firings of the bars they close. A point is (bar open time, value,
        signal): the RSI line and ``None``, or the MACD line and its signal line."""
        key = (symbol, timeframe, source)
        tracker = self._closed.get(key)
        if tracker is None:
            tracker = self._closed[key] = _ClosedPoints()
        closed, baseline = tracker.feed(points)
        judges = self._by_study.get(key)
        if not closed or not judges:
            return []
        if baseline:  # history from before the alert was watched: learn the side only
            closed = closed[-1:]
        out: list[Firing] = []
        with self._lock:
            for t, value, signal in closed:
                if value is None:
                    continue
                for judge in judges:
                    if judge.spent:
                        continue
                    if not judge.alert.condition.signal_line:
                        _judge(judge, value, value, t, out, baseline)
                    elif signal is not None:
                        _judge(judge, value - signal, value, t, out, baseline, signal)
        return out


def _judge(
    judge: _Judge,
    value: float,
    payload: float,
    t: float,
    out: list[Firing],
    silent: bool = False,
    level: float | None = None,
) -> None:
    alert = judge.alert
    if alert.expires is not None and t > alert.expires:
        return
    hit, before = judge.observe(value, payload, t, silent)
    if not hit:
        return
    judge.spent = alert.mode is Mode.ONCE
    firing = Firing(
        alert, payload, before, t, level if level is not None else alert.condition.level
    )
    judge.fired += 1
    judge.last = firing
    out.append(firing)


def _discard(table: dict[_K, list[_Judge]], key: _K, judge: _Judge) -> None:
    judges = table.get(key)
    if judges is not None and judge in judges:
        judges.remove(judge)
        if not judges:
            del table[key]
