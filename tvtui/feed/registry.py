"""The subscription registry: what the client is subscribed to, and how to say it again.

The registry is the single truth of the client's subscriptions. Every command changes it and
returns the messages that express the change on a live connection; after a reconnect,
:meth:`Registry.replay` rebuilds every subscription from scratch, in the order the server needs
(auth, locale, quote session, then per chart: session, timezone, symbol, series, studies).

It is pure (no socket, no clock of its own: ``now`` is passed in) and only ever touched by the
client's socket thread, so it needs no lock and can be tested on its own.

Backfill: the registry remembers, per series, the open time of the last bar handed on. On
replay it asks ``create_series`` for enough bars to cover the time the link was down, by the
server's clock (the hello's timestamp). A clock can be wrong, so the count is only a first
guess: when the first history reply starts after the last bar held, :meth:`Registry.backfill_more`
asks for older bars (``request_more_data``) until the two overlap. The consumer (who keys bars
by time) sees no gap, whatever the server's clock says.

Older history (:meth:`Registry.request_more`): the server answers each ``create_series``,
``modify_series`` and ``request_more_data`` in order, each answer ending in one
``series_completed``. So the registry keeps, per chart, the queue of answers it is owed and
knows which history is older bars (:meth:`Registry.on_bars`) and when a request the consumer
made is answered (:meth:`Registry.completed`: an ``OlderBarsArrived``, plus a
``HistoryExhausted`` when no bar came). After a reconnect the server has forgotten how far back
it went: the replay asks for the older bars again (in pages of at most :data:`MAX_BARS`, up to
:data:`MAX_EXTRA`), so the next ``request_more`` continues where the last one stopped. The
consumer keeps the bars it holds (they are keyed by time), the re-sent ones merge as no-ops.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tvtui.feed import messages
from tvtui.feed.events import Bar, Event, HistoryExhausted, OlderBarsArrived, SeriesData
from tvtui.feed.studies import Indicator
from tvtui.feed.timeframes import Timeframe, parse_timeframe

Message = dict[str, Any]

#: TradingView serves at most this many bars per series request.
MAX_BARS = 5000
TIMEZONE = "Etc/UTC"
SCRIPT_TYPE = "Script@tv-scripting-101!"
#: TradingView's parent name for studies on the main series.
STUDY_PARENT = "st1"
#: At most this many ``request_more_data`` to close one reconnect's gap (a server that never
#: sends older bars must not be asked forever).
MAX_BACKFILL_ASKS = 5
#: Older bars remembered per series for the replay: 8 pages, twice what a chart keeps.
MAX_EXTRA = 40_000
#: Requests for older bars in one replay at most (the pages of ``MAX_EXTRA``).
MAX_PAGES = MAX_EXTRA // MAX_BARS + 1
#: Answers owed per chart at most: a server that never completes cannot grow the queue.
MAX_OWED = 64


class Owed(NamedTuple):
    """One answer the server owes a chart: to a series load (``more=False``) or to a
    ``request_more_data`` of ``bars`` bars (``mine``: the consumer asked for it, so it
    hears of the answer; replay and backfill requests are the client's own business).
    ``older``: its bars go on the left of what is held. Not so for a backfill after a
    reconnect: those fill the gap between the bars held and the new history, in the middle."""

    more: bool
    bars: int = 0  #: asked for (``count`` would shadow tuple.count)
    mine: bool = False
    version: str = ""
    older: bool = True


@dataclass(frozen=True, slots=True)
class SeriesHandle:
    """A consumer's key to one series: its chart session and series id stay the same for the
    life of the subscription, across reconnects and ``modify_series``. ``version`` and
    ``symbol_id`` change with ``modify_series`` (TradingView's ``s2``, ``sds_sym_2``)."""

    chart_session: str
    series_id: str
    symbol: str
    timeframe: str
    count: int
    version: str = "s1"
    symbol_id: str = "sds_sym_1"

    @property
    def tf(self) -> Timeframe:
        return parse_timeframe(self.timeframe)


@dataclass(slots=True)
class ChartEntry:
    """One chart session with its single series and its studies (in creation order)."""

    handle: SeriesHandle
    extra: int = 0  #: bars asked for with ``request_more``
    last_bar_time: float | None = None
    first_bar_time: float | None = None  #: the oldest bar handed on (for the replay's pages)
    #: After a replay: the last bar held before it, until a history reply reaches back to it.
    resume_from: float | None = None
    backfill_asks: int = 0
    studies: dict[str, Indicator] = field(default_factory=dict)
    owed: deque[Owed] = field(default_factory=lambda: deque(maxlen=MAX_OWED))
    received: int = 0  #: bars of history in the answer at the front of ``owed`` so far

    @property
    def wanted(self) -> int:
        return min(MAX_BARS, self.handle.count + self.extra)


def backfill_count(count: int, last_bar_time: float | None, now: float, seconds: int) -> int:
    """Bars to ask for so the history reaches back past ``last_bar_time``:
    ``max(count, ceil((now - last) / seconds) + 2)``, capped at :data:`MAX_BARS`."""
    if last_bar_time is None or seconds <= 0:
        return min(MAX_BARS, max(1, count))
    gap = math.ceil(max(0.0, now - last_bar_time) / seconds) + 2
    return min(MAX_BARS, max(count, gap))


class Registry:
    """Quote symbols, chart sessions, series and studies, in the order they were added."""

    def __init__(
        self,
        quote_session: str,
        token: str = messages.DEFAULT_TOKEN,
        locale: tuple[str, str] = ("en", "US"),
        fields: tuple[str, ...] = messages.QUOTE_FIELDS,
    ) -> None:
        self.quote_session = quote_session
        self.token = token
        self.locale = locale
        self.fields = fields
        self.symbols: list[str] = []
        #: The same symbols as a set, for the per-quote "was this subscribed?" check.
        self.subscribed: set[str] = set()
        self.charts: dict[str, ChartEntry] = {}
        # Whether the quote session exists on the current connection.
        self._quote_open = False

    # --- quotes -----------------------------------------------------------------------------

    def _open_quote_session(self) -> list[Message]:
        self._quote_open = True
        return [
            messages.quote_create_session(self.quote_session),
            messages.quote_set_fields(self.quote_session, self.fields),
        ]

    def add_symbols(self, symbols: Iterable[str]) -> list[Message]:
        new = [s for s in dict.fromkeys(symbols) if s not in self.symbols]
        if not new:
            return []
        self.symbols.extend(new)
        self.subscribed.update(new)
        out = [] if self._quote_open else self._open_quote_session()
        out.append(messages.quote_add_symbols(self.quote_session, *new))
        out.append(messages.quote_fast_symbols(self.quote_session, *self.symbols))
        return out

    def remove_symbols(self, symbols: Iterable[str]) -> list[Message]:
        gone = [s for s in dict.fromkeys(symbols) if s in self.symbols]
        if not gone:
            return []
        self.symbols = [s for s in self.symbols if s not in gone]
        self.subscribed.difference_update(gone)
        if not self._quote_open:
            return []
        return [messages.quote_remove_symbols(self.quote_session, *gone)]

    # --- series -----------------------------------------------------------------------------

    def open_series(self, handle: SeriesHandle) -> list[Message]:
        entry = ChartEntry(handle)
        self.charts[handle.chart_session] = entry
        entry.owed.append(Owed(False))
        return self._chart_messages(entry, handle.count)

    def modify_series(self, handle: SeriesHandle) -> list[Message]:
        """Switch an open series to ``handle``'s symbol/timeframe (new version and symbol id)."""
        entry = self.charts.get(handle.chart_session)
        if entry is None:
            return []
        entry.handle = handle
        entry.extra = 0
        entry.last_bar_time = None
        entry.first_bar_time = None
        entry.resume_from = None
        entry.owed.append(Owed(False))
        cs = handle.chart_session
        return [
            messages.resolve_symbol(cs, handle.symbol_id, handle.symbol),
            messages.modify_series(
                cs, handle.series_id, handle.version, handle.symbol_id, handle.tf.resolution
            ),
        ]

    def close_series(self, chart_session: str) -> list[Message]:
        if self.charts.pop(chart_session, None) is None:
            return []
        return [messages.chart_delete_session(chart_session)]

    def request_more(self, chart_session: str, count: int) -> list[Message]:
        entry = self.charts.get(chart_session)
        if entry is None or count <= 0:
            return []
        entry.extra = min(MAX_EXTRA, entry.extra + count)
        entry.owed.append(Owed(True, count, True, entry.handle.version))
        return [messages.request_more_data(chart_session, entry.handle.series_id, count)]

    def on_bars(self, data: SeriesData, live: bool) -> list[Message]:
        """Bars of a series arrived: remember the newest (for the backfill), mark a history
        that answers a ``request_more_data`` as ``older`` (bars to merge on the left of what
        is held), and return the backfill request a reconnect's history may need."""
        entry = self.charts.get(data.session)
        if data.update != "history" or entry is None:
            self.note_bars(data.session, data.series_id, data.version, data.bars)
            return []
        if data.series_id == entry.handle.series_id and entry.owed and entry.owed[0].more:
            entry.received += len(data.bars)
            data.older = entry.owed[0].older
        self.note_bars(data.session, data.series_id, data.version, data.bars)
        if not live:
            return []
        return self.backfill_more(data.session, data.series_id, data.version, data.bars)

    def completed(self, chart_session: str, series_id: str) -> list[Event]:
        """``series_completed`` arrived: the front answer is done. The events that tell the
        consumer its ``request_more`` was answered (none for other answers)."""
        entry = self.charts.get(chart_session)
        if entry is None or series_id != entry.handle.series_id or not entry.owed:
            return []
        owed = entry.owed.popleft()
        received, entry.received = entry.received, 0
        if not (owed.more and owed.mine):
            return []
        out: list[Event] = [
            OlderBarsArrived(chart_session, series_id, owed.version, owed.bars, received)
        ]
        if received == 0:
            out.append(HistoryExhausted(chart_session, series_id, owed.version))
        return out

    def note_bars(self, chart_session: str, series_id: str, version: str, bars: list[Bar]) -> None:
        """Remember the newest bar time handed on for a series (ignores stale versions)."""
        entry = self.charts.get(chart_session)
        if entry is None or not bars or series_id != entry.handle.series_id:
            return
        if version and version != entry.handle.version:
            return
        newest = max(bar.time for bar in bars)
        if entry.last_bar_time is None or newest > entry.last_bar_time:
            entry.last_bar_time = newest
        oldest = min(bar.time for bar in bars)
        if entry.first_bar_time is None or oldest < entry.first_bar_time:
            entry.first_bar_time = oldest

    def backfill_more(
        self, chart_session: str, series_id: str, version: str, bars: list[Bar]
    ) -> list[Message]:
        """After a replay, one history reply of a series: when its oldest bar is still newer
        than the last bar held before the link went down, the ``request_more_data`` that asks
        for the bars in between (plus two); nothing once they overlap."""
        entry = self.charts.get(chart_session)
        if entry is None or entry.resume_from is None or not bars:
            return []
        handle = entry.handle
        if series_id != handle.series_id or (version and version != handle.version):
            return []
        oldest = min(bar.time for bar in bars)
        if oldest <= entry.resume_from or entry.backfill_asks >= MAX_BACKFILL_ASKS:
            entry.resume_from = None  # overlap reached (or the server has nothing older)
            return []
        entry.backfill_asks += 1
        seconds = max(1, handle.tf.seconds)
        count = min(MAX_BARS, math.ceil((oldest - entry.resume_from) / seconds) + 2)
        entry.owed.append(Owed(True, count, False, handle.version, older=False))
        return [messages.request_more_data(chart_session, handle.series_id, count)]

    def handle(self, chart_session: str) -> SeriesHandle | None:
        entry = self.charts.get(chart_session)
        return entry.handle if entry else None

    # --- studies ----------------------------------------------------------------------------

    def add_study(self, chart_session: str, study_id: str, indicator: Indicator) -> list[Message]:
        entry = self.charts.get(chart_session)
        if entry is None:
            return []
        entry.studies[study_id] = indicator
        return [self._study_message(entry, study_id, indicator)]

    def remove_study(self, chart_session: str, study_id: str) -> list[Message]:
        entry = self.charts.get(chart_session)
        if entry is None or entry.studies.pop(study_id, None) is None:
            return []
        return [messages.remove_study(chart_session, study_id)]

    @staticmethod
    def _study_message(entry: ChartEntry, study_id: str, indicator: Indicator) -> Message:
        return messages.create_study(
            entry.handle.chart_session,
            study_id,
            entry.handle.series_id,
            indicator.inputs,
            SCRIPT_TYPE,
            STUDY_PARENT,
        )

    # --- replay -----------------------------------------------------------------------------

    def _chart_messages(self, entry: ChartEntry, count: int) -> list[Message]:
        h = entry.handle
        cs = h.chart_session
        out = [
            messages.chart_create_session(cs),
            messages.switch_timezone(cs, TIMEZONE),
            messages.resolve_symbol(cs, h.symbol_id, h.symbol),
            messages.create_series(cs, h.series_id, h.version, h.symbol_id, h.tf.resolution, count),
        ]
        out.extend(self._study_message(entry, sid, ind) for sid, ind in entry.studies.items())
        return out

    def replay(self, now: float) -> list[Message]:
        """Everything a fresh connection must hear, in order, with backfilled bar counts."""
        out: list[Message] = [
            messages.set_auth_token(self.token),
            messages.set_locale(*self.locale),
        ]
        self._quote_open = False
        if self.symbols:
            out.extend(self._open_quote_session())
            out.append(messages.quote_add_symbols(self.quote_session, *self.symbols))
            out.append(messages.quote_fast_symbols(self.quote_session, *self.symbols))
        for entry in self.charts.values():
            entry.resume_from = entry.last_bar_time
            entry.backfill_asks = 0
            count = backfill_count(entry.wanted, entry.last_bar_time, now, entry.handle.tf.seconds)
            out.extend(self._chart_messages(entry, count))
            out.extend(self._replay_older(entry, count, now))
        return out

    def _replay_older(self, entry: ChartEntry, loaded: int, now: float) -> list[Message]:
        """The owed answers start again; the older bars beyond the ``loaded`` ones are asked
        for again, in pages, back past the oldest bar handed on (by the server's clock, plus
        two bars: re-sent bars merge as no-ops, a shortfall would only make the next page
        bring fewer new bars). Requests of the consumer still unanswered when the link went
        down are answered by the last pages (so it still hears of them)."""
        waiting = [owed.bars for owed in entry.owed if owed.mine]
        entry.owed.clear()
        entry.received = 0
        entry.owed.append(Owed(False))
        h = entry.handle
        wanted = h.count + entry.extra
        seconds = h.tf.seconds
        if entry.extra and entry.first_bar_time is not None and seconds > 0:
            span = math.ceil(max(0.0, now - entry.first_bar_time) / seconds) + 2
            wanted = min(h.count + MAX_EXTRA, max(wanted, span))
        rest = wanted - loaded
        pages = [min(MAX_BARS, rest - k) for k in range(0, max(0, rest), MAX_BARS)]
        pages += waiting[len(pages) :]  # every unanswered request gets its answer ...
        pages = pages[:MAX_PAGES]  # ... up to a bound (a consumer waits for one or two)
        out = []
        for k, count in enumerate(pages):
            mine = k >= len(pages) - len(waiting)
            entry.owed.append(Owed(True, count, mine, h.version))
            out.append(messages.request_more_data(h.chart_session, h.series_id, count))
        return out

    def connection_lost(self) -> None:
        """The server forgot our sessions: the next quote command must recreate it."""
        self._quote_open = False
