"""The stream worker's merging logic, kept pure so it can be tested without a socket or an app.

Why it exists: the feed can deliver thousands of updates a second, and a Textual app that
handles each one (a message, a repainted watchlist row, a plot rebuild) falls behind and
freezes (measured: 11,120 handler runs and 100 ms stalls naive, 24 runs coalesced).
So the worker thread merges every event into the latest state here, and the app only sees:

- at once: a chart switch, history, a closed bar, any error, a link state change;
- quotes as they change, at most every ``quote_interval``: the first change after a quiet
  spell goes out at once (leading edge), then at most one flush per interval while busy;
- every ``chart_interval`` (1 s): the forming bar and live study points, if any changed;
- every second: messages per second and the time of the last message;
- while the main screen is behind a dialog or the palette (:meth:`Coalescer.set_behind`):
  quotes, the forming bar and study points only with the stats, once a second. Textual draws
  a dialog over a tinted copy of the screen beneath, and re-tints it for every change down
  there (measured: an open dialog took 4x the CPU of the live screen alone); the dimmed panes
  stay live, at the pace a glance behind a dialog needs.

Why an adaptive interval: a quote waits at most one interval for its flush, so the interval is
the bulk of what a user waits for (a fixed 0.25 s gave a p99 of 250 ms), but every flush costs
the UI thread its handler plus a repaint of the changed rows: ~1 ms for a few symbols, 10+ ms
when 50 symbols all move under a flood. So the app reports what each flush cost it
(:meth:`Coalescer.quote_cost`) and the interval is that cost over :data:`QUOTE_UI_SHARE`,
between :data:`QUOTE_INTERVAL` (25 ms) and :data:`QUOTE_INTERVAL_MAX` (250 ms): quotes are
near-instant when the UI can afford it and the watchlist never eats the UI thread when it
cannot. A flush shares every unchanged symbol's dict and trend tuple with the previous one
(one copy per *changed* symbol), so the watchlist skips unchanged symbols by identity.

All methods run on the worker thread; ``now`` is ``time.monotonic()`` passed in (tests pass
their own clock).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from tvtui.feed import events as ev
from tvtui.market.candles import CandleSeries
from tvtui.market.studies import StudySeries
from tvtui.ui import messages as msg

#: The watchlist's trend column: one point per bar of this timeframe (the header says so),
#: seeded from the day's history, the newest point following the live price.
TREND_TIMEFRAME = "15m"
TREND_SECONDS = 900
#: Points kept per symbol (16 hours of 15-minute bars: a trading day and then some).
TREND_POINTS = 64
#: Shortest time between two quote flushes (the leading edge goes out at once).
QUOTE_INTERVAL = 0.025
#: Longest: what the app used before it adapted (never slower than that).
QUOTE_INTERVAL_MAX = 0.25
#: Share of the UI thread quote flushes may take (handler and repaint).
QUOTE_UI_SHARE = 0.12


@dataclass
class ChartTarget:
    """Which series and studies the chart shows, as the feed client named them."""

    generation: int
    symbol: str
    timeframe: str
    chart_session: str = ""
    series_id: str = ""
    version: str = ""  #: the series version (``s1``, ``s2`` ...) after the latest switch
    awaiting_history: bool = True
    studies: dict[str, StudySeries] = field(default_factory=dict)  # study_id -> series


class Coalescer:
    """Latest-value store plus fixed-rate flushing (see the module docstring)."""

    def __init__(
        self,
        *,
        quote_interval: float = QUOTE_INTERVAL,
        chart_interval: float = 1.0,
        stats_interval: float = 1.0,
        trend_every: float = TREND_SECONDS,
    ) -> None:
        self.quote_interval = quote_interval  #: the current one (adapts, see quote_cost)
        self.quote_interval_min = quote_interval
        self.quote_interval_max = max(quote_interval, QUOTE_INTERVAL_MAX)
        self._quote_cost: float | None = None
        self.chart_interval = chart_interval
        self.stats_interval = stats_interval
        self.trend_every = trend_every
        self.watched: list[str] = []
        self.quotes: dict[str, dict[str, Any]] = {}
        self.trends: dict[str, deque[float]] = {}
        self._trend_at: dict[str, float] = {}
        self._quotes_dirty = False
        # What went out last, per symbol: a flush re-sends these objects for symbols that did
        # not change (never mutated once sent: the receiver keeps them).
        self._sent_quotes: dict[str, dict[str, Any]] = {}
        self._sent_trends: dict[str, tuple[float, ...]] = {}
        self._changed: set[str] = set()  # symbols whose quote or trend moved since the flush
        self.chart: ChartTarget | None = None
        self.candles = CandleSeries()
        self._chart_dirty = False
        self._studies_dirty: set[str] = set()
        #: the main screen is behind a dialog: flush quotes and the chart with the stats only
        self.behind = False
        self.previews: dict[str, float] = {}  # symbol -> deadline
        self._next_quotes = 0.0
        self._next_chart = 0.0
        self._next_stats = 0.0
        self._window_start: float | None = None
        self._window_count = 0
        self.total = 0
        self.rate = 0.0
        self.last_message_at: float | None = None

    # --- what the worker tells it ------------------------------------------------------------

    def watch(self, symbols: list[str]) -> None:
        """The watchlist, in order. Quotes of symbols no longer watched are forgotten."""
        self.watched = list(dict.fromkeys(symbols))
        keep = set(self.watched) | set(self.previews)
        for symbol in list(self.quotes):
            if symbol not in keep:
                self.quotes.pop(symbol, None)
                self.trends.pop(symbol, None)
                self._trend_at.pop(symbol, None)
                self._sent_quotes.pop(symbol, None)
                self._sent_trends.pop(symbol, None)
                self._changed.discard(symbol)
        # a symbol watched again (or a preview just added) goes out with its current quote
        self._changed.update(s for s in self.watched if s in self.quotes)
        self._quotes_dirty = True
        self._next_quotes = 0.0

    def open_chart(self, target: ChartTarget) -> list[Message]:
        """A new symbol/timeframe: forget the old bars; the panes clear at once."""
        old_studies = self.chart.studies if self.chart else {}
        for series in old_studies.values():
            series.clear()
        target.studies = {**old_studies, **target.studies}
        self.chart = target
        self.candles = CandleSeries()
        self._chart_dirty = False
        self._studies_dirty.clear()
        return [msg.ChartReset(target.generation, target.symbol, target.timeframe)]

    def add_study(self, study_id: str, key: str, titles: list[str]) -> None:
        """Study ``study_id`` is ``key`` in the app (``STD;SMA length=50``): its messages name
        it so, so the same indicator twice with other inputs stays two studies."""
        if self.chart is not None:
            self.chart.studies[study_id] = StudySeries(key, titles)

    def remove_study(self, study_id: str) -> None:
        if self.chart is not None:
            self.chart.studies.pop(study_id, None)
            self._studies_dirty.discard(study_id)

    def quote_cost(self, seconds: float) -> None:
        """What the last quote flush cost the UI thread: the interval becomes the (smoothed)
        cost over :data:`QUOTE_UI_SHARE`, within the minimum and maximum intervals."""
        cost = self._quote_cost
        cost = seconds if cost is None else 0.7 * cost + 0.3 * seconds
        self._quote_cost = cost
        wanted = cost / QUOTE_UI_SHARE
        self.quote_interval = min(max(self.quote_interval_min, wanted), self.quote_interval_max)

    def set_behind(self, behind: bool, now: float) -> None:
        """The main screen went behind a dialog (or came back: what was held goes out now)."""
        self.behind = behind
        if not behind:
            self._next_quotes = self._next_chart = now

    def preview(self, symbol: str, now: float, timeout: float) -> None:
        self.previews[symbol] = now + timeout

    # --- events ------------------------------------------------------------------------------

    def feed(self, event: ev.Event, now: float) -> list[Message]:
        """Merge one feed event; return what must go out at once."""
        if isinstance(event, ev.ConnectionStatus):
            return [msg.LinkChanged(event, now)]
        self.total += 1
        self._window_count += 1
        self.last_message_at = now
        if isinstance(event, ev.QuoteUpdate):
            return self._quote(event, now)
        if isinstance(event, ev.SeriesData):
            return self._series(event)
        if isinstance(event, ev.StudyData):
            return self._study(event)
        if isinstance(event, ev.StudyError):
            return self._study_error(event)
        if isinstance(event, ev.SymbolError | ev.SeriesError) and self._is_chart(event.session):
            chart = self.chart
            assert chart is not None
            reason = event.reason or "refused by the server"
            return [msg.ChartFailed(chart.generation, chart.symbol, reason)]
        if isinstance(event, ev.ProtocolError):
            # The client follows it with ConnectionStatus(AUTH_FAILED), whose message the app
            # shows and notifies once; a second notice here would say the same thing twice.
            return []
        if isinstance(event, ev.CriticalError):
            detail = f" ({event.detail})" if event.detail else ""
            return [msg.FeedProblem(f"Server error: {event.name}{detail}")]
        return []

    def _quote(self, event: ev.QuoteUpdate, now: float) -> list[Message]:
        symbol = event.symbol
        out: list[Message] = []
        if event.status != "ok":
            reason = "unknown symbol"
            if symbol in self.previews:
                self.previews.pop(symbol)
                out.append(msg.PreviewReady(symbol, None, f"The feed does not know {symbol}."))
            if symbol in self.watched:
                out.append(msg.SymbolRejected(symbol, reason))
            return out
        if symbol not in self.watched and symbol not in self.previews:
            return out
        # Merge the deltas ourselves: ``event.quote`` is the client's live dict, which its
        # socket thread keeps mutating.
        quote = self.quotes.setdefault(symbol, {})
        quote.update(event.changes)
        price = quote.get("lp")
        if isinstance(price, int | float):
            self._trend_tick(symbol, float(price), now)
        if symbol in self.previews and ("lp" in quote or "description" in quote):
            self.previews.pop(symbol)
            out.append(msg.PreviewReady(symbol, dict(quote), None))
        if symbol in self.watched:
            self._quotes_dirty = True
            self._changed.add(symbol)
        return out

    def _trend_tick(self, symbol: str, price: float, now: float) -> None:
        """A new point once per ``trend_every``; in between the newest point is the price."""
        trend = self.trends.setdefault(symbol, deque(maxlen=TREND_POINTS))
        if not trend or now - self._trend_at.get(symbol, -1e9) >= self.trend_every:
            trend.append(price)
            self._trend_at[symbol] = now
        else:
            trend[-1] = price

    def seed_trend(self, symbol: str, closes: list[float], now: float, age: float = 0.0) -> None:
        """The trend from history: ``closes`` of the day's bars, oldest first, the last one the
        forming bar (``age`` seconds old), so the column is never empty after a start."""
        if not closes or (symbol not in self.watched and symbol not in self.quotes):
            return
        trend = deque(closes[-TREND_POINTS:], maxlen=TREND_POINTS)
        live = self.quotes.get(symbol, {}).get("lp")
        if isinstance(live, int | float):
            trend[-1] = float(live)
        self.trends[symbol] = trend
        self._trend_at[symbol] = now - min(max(age, 0.0), self.trend_every)
        if symbol in self.watched:
            self._changed.add(symbol)
            self._quotes_dirty = True

    def _is_chart(self, session: str) -> bool:
        chart = self.chart
        return chart is not None and (not chart.chart_session or session == chart.chart_session)

    def _series(self, event: ev.SeriesData) -> list[Message]:
        chart = self.chart
        if chart is None or not self._is_chart(event.session):
            return []
        if chart.series_id and event.series_id != chart.series_id:
            return []
        if chart.version and event.version and event.version != chart.version:
            return []  # bars of the series before the latest modify_series
        history = event.update == "history"
        if chart.awaiting_history and not history:
            return []  # a late update of the previous symbol: never mix it into the new chart
        result = self.candles.apply(event.bars)
        if history:
            chart.awaiting_history = False
        if history or result.closed:
            self._chart_dirty = False
            return [self._candles_message(closed=True, history=history)]
        if result.changed:
            self._chart_dirty = True
        return []

    def _study(self, event: ev.StudyData) -> list[Message]:
        chart = self.chart
        if chart is None or not self._is_chart(event.session):
            return []
        series = chart.studies.get(event.study_id)
        if series is None:
            return []
        result = series.apply(event.points)
        if event.update == "history" or result.closed:
            self._studies_dirty.discard(event.study_id)
            return [self._study_message(event.study_id, series)]
        if result.changed:
            self._studies_dirty.add(event.study_id)
        return []

    def _study_error(self, event: ev.StudyError) -> list[Message]:
        chart = self.chart
        series = chart.studies.get(event.study_id) if chart is not None else None
        key = series.pine_id if series is not None else event.study_id  # the study's key
        if series is not None:
            series.error = event.reason
        return [msg.StudyFailed(key, event.reason or "refused by the server")]

    # --- flushing ----------------------------------------------------------------------------

    def _candles_message(self, *, closed: bool, history: bool = False) -> msg.CandlesChanged:
        chart = self.chart
        assert chart is not None
        return msg.CandlesChanged(
            chart.generation,
            chart.symbol,
            chart.timeframe,
            self.candles.bars(),
            closed=closed,
            history=history,
        )

    def _study_message(self, study_id: str, series: StudySeries) -> msg.StudyChanged:
        chart = self.chart
        assert chart is not None
        return msg.StudyChanged(
            chart.generation, study_id, series.pine_id, series.titles(), series.points()
        )

    def flush(self, now: float) -> list[Message]:
        """Whatever is due at ``now``: quotes, forming bar, live study points, stats, timeouts."""
        out: list[Message] = []
        with_stats = not self.behind or now >= self._next_stats  # behind a dialog: together
        if self._quotes_dirty and now >= self._next_quotes and with_stats:
            for symbol in self._changed:
                if symbol in self.quotes:
                    self._sent_quotes[symbol] = dict(self.quotes[symbol])
                if symbol in self.trends:
                    trend = tuple(self.trends[symbol])
                    if trend != self._sent_trends.get(symbol):
                        self._sent_trends[symbol] = trend
            self._changed.clear()
            sent_quotes, sent_trends = self._sent_quotes, self._sent_trends
            quotes = {s: sent_quotes[s] for s in self.watched if s in sent_quotes}
            trends = {s: sent_trends[s] for s in self.watched if s in sent_trends}
            out.append(msg.QuotesChanged(quotes, trends))
            self._quotes_dirty = False
            self._next_quotes = now + self.quote_interval
        if (self._chart_dirty or self._studies_dirty) and now >= self._next_chart and with_stats:
            if self._chart_dirty and self.chart is not None:
                out.append(self._candles_message(closed=False))
            if self.chart is not None:
                for study_id in sorted(self._studies_dirty):
                    series = self.chart.studies.get(study_id)
                    if series is not None:
                        out.append(self._study_message(study_id, series))
            self._chart_dirty = False
            self._studies_dirty.clear()
            self._next_chart = now + self.chart_interval
        if now >= self._next_stats:
            if self._window_start is not None:
                elapsed = max(now - self._window_start, 1e-6)
                self.rate = self._window_count / elapsed
            self._window_start = now
            self._window_count = 0
            out.append(msg.FeedStats(self.rate, self.last_message_at, self.total))
            self._next_stats = now + self.stats_interval
        for symbol, deadline in list(self.previews.items()):
            if now >= deadline:
                self.previews.pop(symbol)
                error = f"No quote for {symbol} arrived in time; the feed may be slow or down."
                out.append(msg.PreviewReady(symbol, None, error))
        return out

    def next_due(self, now: float) -> float:
        """Seconds until the next flush could have something to send (for the queue timeout)."""
        deadlines = [self._next_stats]
        held = self._next_stats if self.behind else 0.0  # behind a dialog: with the stats
        if self._quotes_dirty:
            deadlines.append(max(self._next_quotes, held))
        if self._chart_dirty or self._studies_dirty:
            deadlines.append(max(self._next_chart, held))
        deadlines.extend(self.previews.values())
        return max(0.0, min(deadlines) - now)
