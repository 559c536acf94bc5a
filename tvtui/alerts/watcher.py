"""``AlertWatcher``: alerts attached to a feed, fed by the client's own events.

Why a watcher on events rather than a hook in the client: the events already carry what
exactly-once needs (a quote's ``lp_time``, a study point's bar time), so any consumer of a
:class:`~tvtui.feed.client.FeedClient` (the app's stream worker, ``tvtui stream``, a script)
can run alerts by handing each event to :meth:`AlertWatcher.feed`, on its own thread, with
no change to the client. Quotes drive price conditions; the points of an RSI or MACD study
drive indicator conditions (:meth:`watch_study` says which study is which).

Everything in an event is untrusted: a price that is not a finite number is ignored.

In the app's stream worker (``tvtui/ui/worker.py``, the app part of issue 13), the intended
wiring is: one watcher built from ``tvtui.config.alerts.load_alerts().alerts`` with
``on_fire`` posting a message to the app and ``log=AlertLog()``; the items the worker drains
from its inbox in one round handed to :meth:`AlertWatcher.feed_all` before the coalescer's
flush (order kept, so exactly-once holds); quotes subscribed for every alert's symbol that is
not on the watchlist (``engine.symbols()``); :meth:`watch_study` (or :meth:`watch_series`)
for the chart's RSI / MACD studies; and ``engine.add`` / ``engine.remove`` / ``engine.status``
from the UI thread (they are safe there).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from tvtui.alerts.alert import Alert, Firing, decimals_of
from tvtui.alerts.conditions import STUDY_IDS, AlertError, Source
from tvtui.alerts.engine import AlertEngine, Point
from tvtui.alerts.judge import INF
from tvtui.alerts.log import AlertLog
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import Event, QuoteUpdate, StudyData, StudyError, SymbolError
from tvtui.feed.registry import SeriesHandle
from tvtui.feed.studies import Indicator, fetch_indicator
from tvtui.feed.symbols import SymbolNotFoundError, validate_symbol
from tvtui.feed.untrusted import plain

log = logging.getLogger("tvtui.alerts")

_NOTHING: list[Firing] = []  #: returned when nothing fired (never appended to)
#: History bars asked for per series opened for indicator conditions (the server warms the
#: indicator up on its own; a few bars are enough to learn the side of the level).
SERIES_BARS = 50


@dataclass(frozen=True, slots=True)
class _Study:
    symbol: str
    timeframe: str
    source: Source
    value: int  #: plot index of the line judged (RSI, MACD)
    signal: int | None  #: plot index of the MACD's signal line


def check_symbol(alert: Alert, endpoints: Endpoints | None = None) -> Alert:
    """``alert`` when TradingView knows its symbol (asked once, over HTTP); an
    :class:`AlertError` saying so otherwise, before anything is saved. A failed lookup (the
    network) raises :class:`~tvtui.feed.symbols.SymbolLookupError`, which is not the alert's
    fault."""
    try:
        validate_symbol(alert.symbol, endpoints)
    except SymbolNotFoundError:
        raise AlertError(
            f"TradingView has no symbol {alert.symbol}; the alert was not saved"
        ) from None
    return alert


def studies_needed(alerts: Iterable[Alert], present: Iterable[Indicator] = ()) -> list[str]:
    """Pine ids of the studies the indicator conditions of ``alerts`` read that are not
    among ``present`` (fetch them and hand them to :meth:`AlertWatcher.watch_series`)."""
    have = {meta.pine_id for meta in present}
    wanted = {STUDY_IDS[a.condition.source] for a in alerts if a.condition.closed_bar}
    return sorted(wanted - have)


def _plot(titles: list[str], title: str, default: int) -> int:
    wanted = title.lower()
    for k, name in enumerate(titles):
        if isinstance(name, str) and name.strip().lower() == wanted:
            return k
    return default


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


class AlertWatcher:
    """Alerts judged on a feed's events: each firing goes to ``on_fire`` and the ``log``
    (when given) exactly once, and is returned by :meth:`feed`.

    Usage with a client of your own::

        watcher = AlertWatcher([Alert.parse("BINANCE:BTCUSDT", "crossing-up 110000")],
                               on_fire=print)
        client = FeedClient(sink=watcher.sink())
        watcher.attach(client)
        client.start()
    """

    def __init__(
        self,
        alerts: Iterable[Alert] = (),
        *,
        on_fire: Callable[[Firing], Any] | None = None,
        log: AlertLog | None = None,
        engine: AlertEngine | None = None,
    ) -> None:
        self.engine = engine if engine is not None else AlertEngine(alerts)
        if engine is not None:
            for alert in alerts:
                engine.add(alert)
        self._quiet = self.engine.quiet
        self.on_fire = on_fire
        self.log = log
        self._studies: dict[str, _Study] = {}
        self._sessions: set[str] = set()  #: chart sessions :meth:`attach` opened
        #: Problems met on the way (an unknown symbol, a refused study), for a person.
        self.problems: list[str] = []

    # --- wiring -----------------------------------------------------------------------------

    def watch_study(
        self, study_id: str, symbol: str, timeframe: str, indicator: Indicator | str
    ) -> None:
        """Judge the points of study ``study_id`` (an RSI or a MACD on ``symbol`` and
        ``timeframe``, as the client's ``add_study`` returned it)."""
        pine_id = indicator if isinstance(indicator, str) else indicator.pine_id
        titles = [] if isinstance(indicator, str) else list(indicator.plot_titles)
        if pine_id == STUDY_IDS[Source.RSI]:
            study = _Study(symbol, timeframe, Source.RSI, _plot(titles, "RSI", 0), None)
        elif pine_id == STUDY_IDS[Source.MACD]:
            value = _plot(titles, "MACD", 1)
            study = _Study(symbol, timeframe, Source.MACD, value, _plot(titles, "Signal", 2))
        else:
            raise ValueError(f"Alerts read RSI and MACD studies, not {pine_id!r}")
        self._studies[study_id] = study

    def watch_series(
        self,
        client: FeedClient,
        handle: SeriesHandle,
        studies: Mapping[str, Indicator],
        hidden: Iterable[Indicator] = (),
    ) -> None:
        """Indicator conditions on a series someone else opened: judge its RSI and MACD
        ``studies`` (study id -> indicator, as ``add_study`` returned them) and add the
        ``hidden`` ones (from :func:`studies_needed`) to it for the alerts alone."""
        added = {client.add_study(handle, meta): meta for meta in hidden}
        for study_id, meta in {**studies, **added}.items():
            if meta.pine_id in STUDY_IDS.values():
                self.watch_study(study_id, handle.symbol, handle.timeframe, meta)

    def attach(self, client: FeedClient, endpoints: Endpoints | None = None) -> None:
        """Subscribe ``client`` to what the alerts watch: quotes of every price alert's
        symbol, and a series with an RSI or MACD study per indicator alert's symbol and
        timeframe. ``IndicatorError`` when a study's metadata cannot be fetched."""
        symbols = self.engine.symbols()
        if symbols:
            client.add_symbols(*symbols)
        series: dict[tuple[str, str], Any] = {}
        for symbol, timeframe, source in self.engine.study_keys():
            handle = series.get((symbol, timeframe))
            if handle is None:
                handle = series[symbol, timeframe] = client.open_series(
                    symbol, timeframe, SERIES_BARS
                )
                self._sessions.add(handle.chart_session)
            indicator = fetch_indicator(STUDY_IDS[source], "last", endpoints)
            self.watch_study(client.add_study(handle, indicator), symbol, timeframe, indicator)

    def sink(self, downstream: Callable[[Event], Any] | None = None) -> Callable[[Event], None]:
        """A client sink that feeds the watcher, then hands the event on to ``downstream``."""

        def sink(event: Event) -> None:
            self.feed(event)
            if downstream is not None:
                downstream(event)

        return sink

    # --- events -----------------------------------------------------------------------------

    def feed(self, event: Event) -> list[Firing]:
        """Judge one feed event; the firings it caused (already logged and reported)."""
        cls = event.__class__
        if cls is QuoteUpdate:
            return self._quote(event)  # type: ignore[arg-type]
        if cls is StudyData:
            return self._points(event)  # type: ignore[arg-type]
        if cls is SymbolError or cls is StudyError:
            self._problem(event)
        return _NOTHING

    def feed_all(self, events: Iterable[Event]) -> list[Firing]:
        """:meth:`feed` for a batch, in order (the worker's drained queue): the same firings,
        at a fraction of the cost per event. Most quotes move a price inside its symbol's
        band, where nothing can fire; this loop only remembers those, inline."""
        quiet_of = self._quiet.get
        out: list[Firing] | None = None
        for event in events:
            if event.__class__ is QuoteUpdate:
                quiet = quiet_of(event.symbol)
                if quiet is not None:
                    changes = event.changes
                    price = changes.get("lp")
                    if price.__class__ is float and quiet.lo < price < quiet.hi:
                        t = changes.get("lp_time")
                        if t is None:  # the same second as the last quote
                            if not quiet.behind:
                                quiet.price = price
                                continue
                        elif (t.__class__ is int or t.__class__ is float) and (
                            quiet.time <= t < quiet.until
                        ):
                            quiet.price = price
                            quiet.time = t
                            quiet.behind = False
                            continue
                fired = self._quote(event)
            else:
                fired = self.feed(event)
            if fired:
                if out is None:
                    out = []
                out.extend(fired)
        return out if out else _NOTHING

    def _quote(self, event: QuoteUpdate) -> list[Firing]:
        if event.status != "ok":
            if event.symbol in self.engine.symbols():
                self._note(f"TradingView has no symbol {plain(event.symbol, 80)}: its alerts "
                           "cannot fire")  # fmt: skip
            return []
        changes = event.changes
        if "lp" not in changes and "lp_time" not in changes:
            return []
        quote = event.quote if event.quote is not None else changes
        price = quote.get("lp")
        if price.__class__ is not float or not -INF < price < INF:
            price = _number(price)
            if price is None:
                return _NOTHING
        t = quote.get("lp_time")
        t = float(t) if t.__class__ is int else _number(t)
        firings = self.engine.on_price(event.symbol, price, t)
        if not firings:
            return firings
        decimals = decimals_of(quote.get("pricescale"))
        if decimals is not None:  # the message shows the price as the symbol shows it
            firings = [replace(f, decimals=decimals) for f in firings]
        return self._report(firings)

    def _points(self, event: StudyData) -> list[Firing]:
        study = self._studies.get(event.study_id)
        if study is None or not event.points:
            return []
        points: list[Point] = []
        for point in event.points:
            values = point.values
            t = _number(point.time)
            if t is None:
                continue
            value = _number(values[study.value]) if study.value < len(values) else None
            signal = None
            if study.signal is not None and study.signal < len(values):
                signal = _number(values[study.signal])
            points.append((t, value, signal))
        firings = self.engine.on_points(study.symbol, study.timeframe, study.source, points)
        return self._report(firings) if firings else firings

    def _report(self, firings: list[Firing]) -> list[Firing]:
        for firing in firings:
            if self.log is not None:
                try:
                    self.log.append(firing)
                except OSError as exc:
                    self._note(f"Cannot write the alert log {self.log.path}: {exc.strerror}")
            if self.on_fire is not None:
                try:
                    self.on_fire(firing)
                except Exception:  # a consumer's bug must not stop the alerts
                    log.exception("on_fire failed for %s", firing.alert.text)
        return firings

    def _problem(self, event: Event) -> None:
        if isinstance(event, StudyError) and event.study_id in self._studies:
            study = self._studies[event.study_id]
            self._note(f"The {study.source.value} study on {study.symbol} was refused "
                       f"({plain(event.reason, 200)}): its alerts cannot fire")  # fmt: skip
        elif isinstance(event, SymbolError) and event.session in self._sessions:
            self._note(
                f"TradingView cannot resolve a symbol of the alerts ({plain(event.reason, 200)})"
            )

    def _note(self, message: str) -> None:
        if len(self.problems) < 100 and message not in self.problems:
            self.problems.append(message)
            log.warning("%s", message)
