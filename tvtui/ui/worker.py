"""The stream bridge: the one thread that owns the feed client and feeds the panes.

Threads: the feed client reads the socket on its own thread and drops every event into
``inbox`` (a ``queue.Queue``, the cheapest thread-safe hand-off). The app's UI thread drops
commands (watch these symbols, show this chart, these studies, preview that symbol) into the
same queue. :meth:`StreamBridge.run` runs in ONE Textual thread worker: it takes both from the
queue, merges events in the :class:`Coalescer` and posts Textual messages at a steady rate
(``post`` is ``App.post_message``, which is thread-safe). So the UI thread never parses, never
merges and never waits for the network, and the client's socket thread never waits for the UI.

Shutdown: ``stop()`` (or the worker being cancelled) ends the loop within one queue timeout
(at most 0.25 s), then ``client.close()`` returns promptly even mid-read.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from textual.message import Message

from tvtui.config.studies import study_key
from tvtui.feed import events as ev
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.studies import Indicator
from tvtui.ui import messages as msg
from tvtui.ui.alerting import SubscribeAlerts, WorkerAlerts
from tvtui.ui.coalesce import TREND_POINTS, TREND_TIMEFRAME, ChartTarget, Coalescer
from tvtui.ui.older_bars import OlderBars
from tvtui.ui.stream_commands import (
    PREVIEW_TIMEOUT,
    Behind,
    Command,
    EndPreview,
    LoadOlderBars,
    OpenChart,
    Pause,
    Preview,
    QuoteCost,
    Reconnect,
    SetStudies,
    Stop,
    Watch,
)

log = logging.getLogger(__name__)

#: Bars of history asked for per chart: several screens wide, so the export has depth too.
HISTORY_BARS = 300
#: At most this many queued items are handled before flushing (keeps flushes on time).
DRAIN_LIMIT = 5000


class FeedLike(Protocol):
    """What the bridge needs from :class:`tvtui.feed.client.FeedClient`."""

    def start(self) -> Any: ...
    def close(self, timeout: float = ...) -> None: ...
    def add_symbols(self, *symbols: str) -> list[str]: ...
    def remove_symbols(self, *symbols: str) -> None: ...
    def open_series(self, symbol: str, timeframe: str, count: int = ...) -> Any: ...
    def modify_series(
        self, handle: Any, symbol: str | None = ..., timeframe: str | None = ...
    ) -> Any: ...
    def add_study(self, handle: Any, indicator: Indicator) -> str: ...
    def remove_study(self, handle: Any, study_id: str) -> None: ...
    def close_series(self, handle: Any) -> None: ...
    def request_more(self, handle: Any, count: int) -> None: ...
    def reconnect(self) -> None: ...


def default_client_factory(
    endpoints: Endpoints, token: str | None
) -> Callable[[Callable[[ev.Event], None]], FeedLike]:
    def make(sink: Callable[[ev.Event], None]) -> FeedLike:
        from tvtui.feed.client import FeedClient

        return FeedClient(token=token, endpoints=endpoints, sink=sink)

    return make


#: Words of the server's refusal when a chart already runs as many studies as allowed.
MAX_STUDIES_HINT = "maximum number of studies"


def _study_number(study_id: str) -> int:
    """``st12`` -> 12: study ids are numbered in the order they were sent."""
    digits = "".join(ch for ch in study_id if ch.isdigit())
    return int(digits) if digits else 0


class StreamBridge:
    """Commands in (any thread), Textual messages out (posted from the worker thread)."""

    def __init__(
        self,
        post: Callable[[Message], Any],
        client_factory: Callable[[Callable[[ev.Event], None]], FeedLike],
        *,
        history_bars: int = HISTORY_BARS,
        coalescer: Coalescer | None = None,
        clock: Callable[[], float] = time.monotonic,
        alerts: WorkerAlerts | None = None,
    ) -> None:
        self._post = post
        self.factory = client_factory
        self._history_bars = history_bars
        self.coalescer = coalescer or Coalescer()
        self._clock = clock
        self.inbox: queue.Queue[Any] = queue.Queue()
        self._generations = itertools.count(1)
        self._gen_lock = threading.Lock()
        self.generation = 0
        self._stopped = threading.Event()
        self.running = threading.Event()
        #: set once the loop has ended and the client is closed (tests wait on it)
        self.finished = threading.Event()
        # worker-thread state
        self._client: FeedLike | None = None
        self._handle: Any = None
        self._watched: list[str] = []
        self._previewing: set[str] = set()
        self._studies: dict[str, str] = {}  # study key (ChartStudy.key) -> study_id
        self._wanted_studies: list[Indicator] = []
        self._series_failed = False  # the server refused the series: modify_series would fail
        #: the watchlist's trend history: chart session -> (symbol, handle), asked once each
        self._trend_series: dict[str, tuple[str, Any]] = {}
        self._trend_asked: set[str] = set()
        self._older = OlderBars()  #: the chart's requests for older bars
        self.paused = False
        #: judged on every drained batch (ui/alerting.py); default: the config file's alerts
        self.alerts = alerts if alerts is not None else WorkerAlerts(post)

    # --- commands: any thread ----------------------------------------------------------------

    def send(self, command: Command) -> None:
        """Queue ``command`` for the worker thread (safe from any thread)."""
        self.inbox.put(command)

    def watch(self, symbols: list[str]) -> None:
        """Quote these symbols, in this order (the watchlist)."""
        self.send(Watch(list(symbols)))

    def open_chart(self, symbol: str, timeframe: str) -> int:
        """Show ``symbol`` on ``timeframe``; returns the chart generation the panes expect."""
        with self._gen_lock:
            self.generation = next(self._generations)
            generation = self.generation
        self.send(OpenChart(generation, symbol, timeframe))
        return generation

    def set_studies(self, indicators: list[Indicator]) -> None:
        """Exactly these studies on the chart (others are removed)."""
        self.send(SetStudies(list(indicators)))

    def load_older(self, generation: int, count: int = 5000) -> None:
        """Ask for ``count`` bars before the oldest held; answered by ``OlderBarsLoaded``."""
        self.send(LoadOlderBars(generation, count))

    def preview(self, symbol: str, timeout: float = PREVIEW_TIMEOUT) -> None:
        """Ask for one quote of ``symbol``; the answer is a ``PreviewReady`` message."""
        self.send(Preview(symbol, timeout))

    def end_preview(self, symbol: str) -> None:
        """The preview is no longer needed (unsubscribe unless it is on the watchlist)."""
        self.send(EndPreview(symbol))

    def reconnect(self) -> None:
        self.send(Reconnect())

    def quote_cost(self, seconds: float) -> None:
        """What the last quote flush cost the UI thread (the flush rate adapts to it)."""
        self.send(QuoteCost(seconds))

    def pause(self, paused: bool = True) -> None:
        """Stop (or resume) posting; the state keeps merging. Snapshot tests freeze the panes."""
        self.send(Pause(paused))

    def stop(self) -> None:
        self._stopped.set()
        self.send(Stop())

    # --- the loop: the worker thread ---------------------------------------------------------

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Own the client until ``stop()`` or ``cancelled()``; never raises for feed trouble."""
        client = self.factory(self.inbox.put)
        self._client = client
        try:
            client.start()
            self.running.set()
            while not (self._stopped.is_set() or cancelled()):
                now = self._clock()
                timeout = min(self.coalescer.next_due(now), 0.25)
                try:
                    item = self.inbox.get(timeout=max(timeout, 0.0))
                except queue.Empty:
                    item = None
                out: list[Message] = []
                events: list[ev.Event] = []
                handled = 0
                while item is not None:
                    if isinstance(item, ev.Event):
                        events.append(item)
                    out += self._handle_item(item)
                    handled += 1
                    if handled >= DRAIN_LIMIT or self._stopped.is_set():
                        break
                    try:
                        item = self.inbox.get_nowait()
                    except queue.Empty:
                        item = None
                self.alerts.feed_all(events)  # posts AlertFired itself, paused or not
                out += self.coalescer.flush(self._clock())
                if any(isinstance(m, msg.ChartFailed) for m in out):
                    self._series_failed = True
                if not self.paused:
                    for message in out:
                        self._post(message)
        finally:
            self.running.clear()
            client.close()
            self._client = None
            self.finished.set()

    def _handle_item(self, item: Any) -> list[Message]:
        if isinstance(item, Command):
            try:
                return self._command(item)
            except ValueError as exc:  # a malformed symbol or timeframe from a command
                return [msg.FeedProblem(str(exc), "warning")]
        if isinstance(item, SubscribeAlerts) and self._client is not None:
            self.alerts.subscribe(self._client, self._watched)
        if isinstance(item, ev.Event):
            session = getattr(item, "session", "")
            if session and session in self._trend_series:
                self._trend_event(item, session)
                return []
            chart, candles = self.coalescer.chart, self.coalescer.candles
            if self._older.take(item, chart, candles):
                return []
            if isinstance(item, ev.OlderBarsArrived):
                return list(self._older.answered(item, chart, candles))
            out = self.coalescer.feed(item, self._clock())
            if isinstance(item, ev.StudyError):
                out += self._refused(item)
            return out
        return []

    def _ask_trends(self, client: FeedLike, symbols: list[str]) -> None:
        """One short-lived series per new watchlist symbol: the day's bars seed its trend."""
        for symbol in symbols:
            if symbol in self._trend_asked:
                continue
            self._trend_asked.add(symbol)
            try:
                handle = client.open_series(symbol, TREND_TIMEFRAME, TREND_POINTS)
            except ValueError:
                continue
            self._trend_series[handle.chart_session] = (symbol, handle)

    def _trend_event(self, event: ev.Event, session: str) -> None:
        """History of a trend series: seed the trend and close the series; a refusal just
        closes it (the trend then starts from the live price)."""
        symbol, handle = self._trend_series[session]
        if isinstance(event, ev.SeriesData) and event.update == "history" and event.bars:
            bars = sorted(event.bars, key=lambda bar: bar.time)
            age = time.time() - bars[-1].time
            self.coalescer.seed_trend(symbol, [b.close for b in bars], self._clock(), age)
        elif not isinstance(event, ev.SymbolError | ev.SeriesError):
            return
        del self._trend_series[session]
        if self._client is not None:
            self._client.close_series(handle)

    def _refused(self, event: ev.StudyError) -> list[Message]:
        """A study the server refused is no longer ours: forget it (and tell the server and
        the client's replay list), so the next sync sends it again, e.g. once another study
        freed its slot. A refusal for the per-chart limit tells how many studies fit."""
        key = next((k for k, s in self._studies.items() if s == event.study_id), None)
        if key is None:
            return []
        del self._studies[key]
        if self._client is not None and self._handle is not None:
            self._client.remove_study(self._handle, event.study_id)
        self.coalescer.remove_study(event.study_id)
        if MAX_STUDIES_HINT not in event.reason.lower():
            return []
        # The server handles create_study in order: the studies sent before the refused one
        # and still ours are the ones it accepted.
        refused = _study_number(event.study_id)
        running = sum(1 for s in self._studies.values() if _study_number(s) < refused)
        return [msg.StudyLimit(max(1, running))]

    def _command(self, command: Command) -> list[Message]:
        client = self._client
        assert client is not None
        match command:
            case Watch(symbols=wanted):
                symbols = client.add_symbols(*wanted) if wanted else []
                gone = [s for s in self._watched if s not in symbols and s not in self._previewing]
                gone = self.alerts.keep(gone)
                if gone:
                    client.remove_symbols(*gone)
                self._watched = symbols
                self.alerts.subscribe(client, symbols)
                self.coalescer.watch(symbols)
                self._trend_asked.intersection_update(symbols)  # one removed and added: again
                self._ask_trends(client, symbols)
            case OpenChart(generation, symbol, timeframe):
                return self._open_chart(generation, symbol, timeframe)
            case SetStudies(indicators):
                self._wanted_studies = indicators
                return self._sync_studies()
            case LoadOlderBars():
                chart, candles = self.coalescer.chart, self.coalescer.candles
                failed = self._series_failed
                return list(self._older.ask(command, chart, client, self._handle, candles,
                                            failed=failed))  # fmt: skip
            case Preview(symbol, timeout):
                (key,) = client.add_symbols(symbol) if symbol not in self._watched else (symbol,)
                self._previewing.add(key)
                known = self.coalescer.quotes.get(key)
                if known and "lp" in known:
                    return [msg.PreviewReady(key, dict(known), None)]
                self.coalescer.preview(key, self._clock(), timeout)
            case EndPreview(symbol):
                self._previewing.discard(symbol)
                self.coalescer.previews.pop(symbol, None)
                if symbol not in self._watched:
                    client.remove_symbols(symbol)
                    self.coalescer.quotes.pop(symbol, None)
            case Reconnect():
                client.reconnect()
            case QuoteCost(seconds):
                self.coalescer.quote_cost(float(seconds))
            case Pause(paused):
                self.paused = bool(paused)
            case Behind(behind):
                self.coalescer.set_behind(behind, self._clock())
            case Stop():
                pass
        return []

    def _open_chart(self, generation: int, symbol: str, timeframe: str) -> list[Message]:
        client = self._client
        assert client is not None
        try:
            if self._handle is not None and self._series_failed:
                # A refused series no longer exists on the server: start a fresh chart
                # session (its studies are attached again below).
                client.close_series(self._handle)
                self._handle = None
                self._studies.clear()
                if self.coalescer.chart is not None:
                    self.coalescer.chart.studies.clear()
            self._series_failed = False
            if self._handle is None:
                self._handle = client.open_series(symbol, timeframe, self._history_bars)
            else:
                self._handle = client.modify_series(self._handle, symbol, timeframe)
        except ValueError as exc:
            return [msg.ChartFailed(generation, symbol, str(exc))]
        handle = self._handle
        self._older.reset()
        target = ChartTarget(
            generation,
            handle.symbol,
            handle.timeframe,
            handle.chart_session,
            handle.series_id,
            version=getattr(handle, "version", ""),
        )
        out = self.coalescer.open_chart(target)
        return out + self._sync_studies()

    def _sync_studies(self) -> list[Message]:
        client = self._client
        if client is None or self._handle is None:
            return []
        wanted = {study_key(ind): ind for ind in self._wanted_studies}
        for key, study_id in list(self._studies.items()):
            if key not in wanted:
                client.remove_study(self._handle, study_id)
                self.coalescer.remove_study(study_id)
                del self._studies[key]
        for key, indicator in wanted.items():
            if key not in self._studies:
                study_id = client.add_study(self._handle, indicator)
                self._studies[key] = study_id
                # the coalescer's messages name the study by its key (StudyChanged.key)
                self.coalescer.add_study(study_id, key, list(indicator.plot_titles))
        return []
