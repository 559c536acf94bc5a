"""Typed events: what the decoder and the client hand to everyone else.

Every server packet becomes one or more of these, and the client adds its own connection
events. They are plain slotted dataclasses so that a consumer (the library, the app's stream
worker, a test) can ``match`` on them and so that decoding stays cheap.

Times are epoch seconds as floats, exactly as the server sends them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: Quotes for instruments without traded volume report this value (e.g. NASDAQ:NDX).
NO_VOLUME_SENTINEL = 1e100


@dataclass(slots=True)
class Bar:
    """One OHLC(V) bar. ``time`` is the bar's open time; it, not ``index``, identifies the bar."""

    time: float
    open: float
    high: float
    low: float
    close: float
    volume: float | None = None
    index: int = 0


@dataclass(slots=True)
class StudyPoint:
    """One study value row: ``values[k]`` is plot ``k`` (TradingView's ``plot_k``)."""

    time: float
    values: list[float | None]
    index: int = 0


# --- server events ---------------------------------------------------------------------------


@dataclass(slots=True)
class Event:
    """Base class: every event can say which session it belongs to ('' for the connection)."""

    session: str = ""


@dataclass(slots=True)
class Hello(Event):
    """The server's first frame: a JSON object without ``m`` (session_id, release, ...)."""

    info: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Heartbeat(Event):
    """``~h~N``: must be echoed at once. ``payload`` is the bare ``~h~N`` text."""

    payload: str = ""


@dataclass(slots=True)
class QuoteUpdate(Event):
    """``qsd``: ``changes`` holds the fields this packet carried; ``quote`` the merged view.

    The decoder fills only ``changes`` (``quote`` stays ``None``, which keeps decoding cheap); a
    :class:`tvtui.feed.quotes.QuoteBook` merges them and fills ``quote`` (the client does this
    before handing the event on, so every event a client emits has it).
    """

    symbol: str = ""
    status: str = "ok"
    changes: dict[str, Any] = field(default_factory=dict)
    quote: dict[str, Any] | None = None


@dataclass(slots=True)
class QuoteCompleted(Event):
    symbol: str = ""


@dataclass(slots=True)
class SymbolResolved(Event):
    symbol_id: str = ""
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SymbolError(Event):
    symbol_id: str = ""
    reason: str = ""


@dataclass(slots=True)
class SeriesLoading(Event):
    series_id: str = ""
    version: str = ""


@dataclass(slots=True)
class SeriesData(Event):
    """Bars of one series from ``timescale_update`` (history, ``update="history"``) or ``du``
    (live, ``update="live"``). ``bar_close_time`` is ``lbs.bar_close_time`` when present.
    ``older`` is set by the client on the history that answers its ``request_more_data``:
    bars before the ones held, to merge on the left (``CandleSeries.add_older``)."""

    series_id: str = ""
    bars: list[Bar] = field(default_factory=list)
    update: str = "live"
    version: str = ""
    bar_close_time: float | None = None
    older: bool = False


@dataclass(slots=True)
class StudyData(Event):
    """Points of one study from ``timescale_update`` or ``du``. ``graphics`` is ``ns.d`` (a JSON
    string with ``graphicsCmds`` and the like) when the server sent any."""

    study_id: str = ""
    points: list[StudyPoint] = field(default_factory=list)
    update: str = "live"
    version: str = ""
    graphics: str = ""


@dataclass(slots=True)
class SeriesCompleted(Event):
    series_id: str = ""
    update_mode: str = ""
    version: str = ""
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class OlderBarsArrived(Event):
    """The server finished answering one ``FeedClient.request_more``: ``received`` bars came
    (in the ``SeriesData`` with ``older=True`` just before) of the ``requested``. Emitted by
    the client after that reply's ``series_completed``."""

    series_id: str = ""
    version: str = ""
    requested: int = 0
    received: int = 0


@dataclass(slots=True)
class HistoryExhausted(Event):
    """The server has nothing older for this series: a ``request_more`` reply brought no bar.
    Follows that reply's :class:`OlderBarsArrived` (``received == 0``)."""

    series_id: str = ""
    version: str = ""


@dataclass(slots=True)
class SeriesError(Event):
    series_id: str = ""
    reason: str = ""


@dataclass(slots=True)
class StudyLoading(Event):
    study_id: str = ""
    version: str = ""


@dataclass(slots=True)
class StudyCompleted(Event):
    study_id: str = ""
    version: str = ""


@dataclass(slots=True)
class StudyError(Event):
    """``reason`` is a readable text; ``detail`` keeps structured payloads (Pine runtime errors)."""

    study_id: str = ""
    reason: str = ""
    detail: Any = None


@dataclass(slots=True)
class ProtocolError(Event):
    """Connection-level refusal, e.g. ``bad auth token``. The server closes right after."""

    reason: str = ""


@dataclass(slots=True)
class CriticalError(Event):
    name: str = ""
    detail: str = ""


@dataclass(slots=True)
class RawMessage(Event):
    """A message the decoder does not model (``series_timeframe``, replay, ...), passed through."""

    method: str = ""
    params: list[Any] = field(default_factory=list)
    packet: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class MalformedFrame(Event):
    """A frame that could not be read. ``count`` frames were dropped; ``sample`` is a short
    excerpt for the log (never more than 200 characters)."""

    count: int = 1
    sample: str = ""


@dataclass(slots=True)
class RawPackets(Event):
    """Every parsed JSON packet of one WebSocket message, in order (hello included, heartbeats
    and unreadable frames not). Emitted only by a client asked for raw packets, for consumers
    that want the server's dicts as they are (``RealTimeData.get_data``)."""

    packets: list[dict[str, Any]] = field(default_factory=list)


# --- client events ---------------------------------------------------------------------------


class LinkState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    STALE = "stale"
    RECONNECTING = "reconnecting"
    AUTH_FAILED = "auth_failed"
    CLOSED = "closed"


@dataclass(slots=True)
class ConnectionStatus(Event):
    """The client's view of the link. ``attempt`` and ``retry_in`` are set while reconnecting;
    ``message`` is a sentence a person can read (never containing the token)."""

    state: LinkState = LinkState.CONNECTING
    attempt: int = 0
    retry_in: float = 0.0
    message: str = ""
    url: str = ""
