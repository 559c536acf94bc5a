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
thread may :meth:`add`, :meth:`remove` or read :meth:`status`. The worker takes no lock (an
uncontended one still costs ~1 us here, 20 % of the worker's whole time per update): add and
remove never change a list the worker may be looping over, they put a new one in its place,
and a band computed while an alert was added is dropped, so the new alert sees the next
price.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from tvtui.alerts.alert import Alert, Firing
from tvtui.alerts.conditions import Mode, Source
from tvtui.alerts.judge import INF, NOWHERE, Judge

#: A study point as the engine takes it: (bar open time, value, signal value or None).
Point = tuple[float, float | None, float | None]
StudyKey = tuple[str, str, Source]
_NOTHING: list[Firing] = []  #: returned when nothing fired (never appended to)
_K = TypeVar("_K")


@dataclass(slots=True)
class AlertStatus:
    """What the alert list shows: armed or not, how often it fired, the last firing."""

    alert: Alert
    armed: bool
    fired: int
    last: Firing | None


class Quiet:
    """Per symbol: the last price judged or passed, and the band it may move in unjudged
    (see :mod:`tvtui.alerts.judge`): ``lo < price < hi`` and ``time < until``."""

    __slots__ = ("behind", "hi", "judged", "lo", "price", "time", "until")

    def __init__(self) -> None:
        self.time = -INF
        self.price = math.nan
        self.judged = self.price  #: the last price judged (another one was passed since)
        self.lo, self.hi = NOWHERE
        self.until = -INF
        #: the last price seen was older than ``time`` (a replay): a quote without a time of
        #: its own has that older time, so it cannot take the fast path
        self.behind = False


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

    def __init__(self, alerts: Iterable[Alert] = (), *, bands: bool = True) -> None:
        """``bands=False`` judges every price in full (no band, see :mod:`~tvtui.alerts.judge`):
        the same firings, slower; the reference the tests hold the fast path to."""
        self._bands = bands
        self._lock = threading.Lock()  #: between threads adding and removing alerts
        self._version = 0  #: bumped by every add and remove of a price alert
        self._judges: dict[str, Judge] = {}
        self._by_symbol: dict[str, list[Judge]] = {}
        self._by_study: dict[StudyKey, list[Judge]] = {}
        #: symbol -> its last price and band (read by the watcher's fast path too)
        self.quiet: dict[str, Quiet] = {}
        self._closed: dict[StudyKey, _ClosedPoints] = {}
        for alert in alerts:
            self.add(alert)

    # --- the alerts (any thread) ----------------------------------------------------------

    def add(self, alert: Alert, *, armed: bool = True) -> None:
        """Watch ``alert`` (replacing one with the same id). ``armed=False`` adds a ``once``
        alert that already fired (in an earlier run), so it stays quiet."""
        with self._lock:
            self._drop(alert.id)
            judge = Judge(alert)
            judge.spent = not armed and alert.mode is Mode.ONCE
            self._judges[alert.id] = judge
            cond = alert.condition
            if cond.source is Source.PRICE:
                _append(self._by_symbol, alert.symbol, judge)
                self._unquiet(alert.symbol)
            else:
                key = (alert.symbol, alert.timeframe, cond.source)
                _append(self._by_study, key, judge)

    def remove(self, alert_id: str) -> bool:
        with self._lock:
            return self._drop(alert_id)

    def _unquiet(self, symbol: str) -> None:
        """The next price of ``symbol`` is judged (its alerts changed)."""
        self._version += 1
        quiet = self.quiet.get(symbol)
        if quiet is not None:
            quiet.lo, quiet.hi = NOWHERE

    def _drop(self, alert_id: str) -> bool:
        judge = self._judges.pop(alert_id, None)
        if judge is None:
            return False
        alert = judge.alert
        if alert.condition.source is Source.PRICE:
            _discard(self._by_symbol, alert.symbol, judge)
            self._unquiet(alert.symbol)
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
        quiet = self.quiet.get(symbol)
        if quiet is None:
            quiet = self.quiet[symbol] = Quiet()
        if time is None:  # no time from the feed: it follows the last one
            time = quiet.time if quiet.time > -INF else 0.0
        if quiet.lo < price < quiet.hi and quiet.time <= time < quiet.until:
            quiet.time, quiet.price, quiet.behind = time, price, False
            return _NOTHING  # inside the band: nothing can change
        if time < quiet.time:
            quiet.behind = True
            return _NOTHING  # replayed: judged already
        quiet.behind = False
        if time == quiet.time and price == quiet.price:
            return _NOTHING  # repeated
        if not math.isfinite(price):
            return _NOTHING
        version = self._version
        judges = self._by_symbol.get(symbol, ())
        passed = quiet.price is not quiet.judged
        before = quiet.price
        quiet.time, quiet.price, quiet.judged = time, price, price
        out: list[Firing] = []
        lo, hi, until = -INF, INF, INF
        bands = self._bands
        for judge in judges:
            if bands and judge.lo < price < judge.hi and time < judge.until:
                judge.passed(price)  # inside this judge's own band: no change for it
            elif not judge.spent:
                if passed:
                    judge.passed(before)
                _judge(judge, price, price, time, out)
                judge.lo, judge.hi = judge.band(price)
            else:
                judge.lo, judge.hi, judge.until = -INF, INF, INF
            j_lo, j_hi = judge.lo, judge.hi
            lo = j_lo if j_lo > lo else lo if j_lo == j_lo else math.nan
            hi = j_hi if j_hi < hi else hi if j_hi == j_hi else math.nan
            if judge.until < until:
                until = judge.until
        if bands and version == self._version:  # (an alert added meanwhile: judge the next)
            quiet.lo, quiet.hi, quiet.until = lo, hi, until
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
    judge: Judge,
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


def _append(table: dict[_K, list[Judge]], key: _K, judge: Judge) -> None:
    """A new list, never the old one changed: the worker may be looping over it."""
    table[key] = [*table.get(key, ()), judge]


def _discard(table: dict[_K, list[Judge]], key: _K, judge: Judge) -> None:
    judges = table.get(key)
    if judges is not None and judge in judges:
        kept = [j for j in judges if j is not judge]
        if kept:
            table[key] = kept
        else:
            del table[key]
