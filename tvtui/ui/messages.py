"""The domain messages the stream worker posts to the app (and the main screen routes to panes).

Each message carries an immutable snapshot the receiver may keep: the panes hold exactly what
they draw, and the export writes exactly what the panes hold. Messages that describe "the
latest state" can replace an older pending one of the same kind (``can_replace``), so when the
UI falls behind it skips to the newest state instead of replaying history. Errors, switches and
closed bars are never replaced.

``generation`` counts chart switches: a pane drops data from an older generation, so bars of
the previous symbol that were already in flight never land on the new chart.

Each message is a dataclass (Textual's ``Message.__post_init__`` sets up what ``__init__``
would): the fields are the message, with no constructor to keep in step with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from tvtui.feed.events import Bar, ConnectionStatus, StudyPoint
from tvtui.feed.studies import Indicator


class StreamMessage(Message, bubble=False):
    """What the stream worker posts: the main screen's to route to its panes, whoever posts
    it (``TvtuiApp.post_message`` hands these to the main screen). None bubbles (each class
    says ``bubble=False``): the screen's parent is the app, which would hand it back."""


@dataclass
class QuotesChanged(StreamMessage, bubble=False):
    """Latest quote (merged fields) and a short price trend for every watched symbol."""

    quotes: dict[str, dict[str, Any]]
    trends: dict[str, tuple[float, ...]]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, QuotesChanged)


@dataclass
class SymbolRejected(StreamMessage, bubble=False):
    """The feed refused a watchlist symbol (``qsd`` with ``s: error``)."""

    symbol: str
    reason: str


@dataclass
class ChartReset(StreamMessage, bubble=False):
    """A new chart (symbol or timeframe) was requested: panes clear and say 'loading'."""

    generation: int
    symbol: str
    timeframe: str


@dataclass
class CandlesChanged(StreamMessage, bubble=False):
    """Every bar of the chart, oldest first. ``closed``: a bar just closed (or history came)."""

    generation: int
    symbol: str
    timeframe: str
    bars: list[Bar]
    closed: bool = field(default=False, kw_only=True)
    history: bool = field(default=False, kw_only=True)

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CandlesChanged) and message.generation == self.generation


@dataclass
class OlderBarsLoaded(StreamMessage, bubble=False):
    """The answer to ``LoadOlderBars``: ``bars`` is every bar the chart now holds, oldest
    first (the chart replaces its list), ``added`` how many of them are new (older than the
    oldest held before), ``exhausted`` True when the server has nothing older. Never
    replaced by a later message: each request gets its answer."""

    generation: int
    bars: list[Bar]
    added: int
    exhausted: bool


@dataclass
class StudyChanged(StreamMessage, bubble=False):
    """Every point of one study on the chart, oldest first."""

    generation: int
    study_id: str
    #: the study's key in the app (``STD;SMA length=50``: ``config/studies.py``), which is
    #: the plain pine id for a study with its defaults
    key: str
    titles: list[str]
    points: list[StudyPoint]

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, StudyChanged)
            and message.generation == self.generation
            and message.study_id == self.study_id
        )


@dataclass
class StudyFailed(StreamMessage, bubble=False):
    """A study could not be shown: the server refused it or its metadata could not be read."""

    #: the study's key (``STD;SMA length=50``), as in :class:`StudyChanged`
    key: str
    reason: str


@dataclass
class StudyLimit(StreamMessage, bubble=False):
    """The server refused a study for the per-chart limit: ``limit`` studies were running."""

    limit: int


@dataclass
class ChartFailed(StreamMessage, bubble=False):
    """The chart's symbol or series was refused (``symbol_error``, ``series_error``)."""

    generation: int
    symbol: str
    reason: str


@dataclass
class LinkChanged(StreamMessage, bubble=False):
    """The client's view of the connection changed. ``at`` is ``time.monotonic()``."""

    status: ConnectionStatus
    at: float

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LinkChanged)


@dataclass
class FeedStats(StreamMessage, bubble=False):
    """Throughput: messages per second over the last second, and when the last one came."""

    rate: float
    last_message_at: float | None
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FeedStats)


@dataclass
class FeedProblem(StreamMessage, bubble=False):
    """Something a person should know about the feed (auth refused, critical error...)."""

    text: str
    severity: str = "error"


@dataclass
class PreviewReady(StreamMessage, bubble=False):
    """The answer to a symbol preview: the quote snapshot, or why there is none."""

    symbol: str
    quote: dict[str, Any] | None
    error: str | None


# --- answers of background jobs (ui/background.py), posted to the node that asked --------------


class Answer(Message, bubble=False):
    """A background job's result, for the node that asked only (it does not bubble)."""


@dataclass
class IndicatorsLoaded(Answer, bubble=False):
    """The studies' metadata fetched in the background (``pine_ids``: what was asked for):
    the ones ``loaded``, and ``failed`` as (pine id, reason)."""

    pine_ids: list[str]
    loaded: list[Indicator]
    failed: list[tuple[str, str]]


@dataclass
class SymbolChecked(Answer, bubble=False):
    """The scanner's answer about ``symbol``: ``ok``, ``unknown`` or ``lookup-failed``."""

    symbol: str
    outcome: str
    detail: str


@dataclass
class AlertFired(StreamMessage, bubble=False):
    """An alert fired (posted from the stream worker as it judged the update): the screen
    notifies, rings the bell and marks the symbol until seen. Never replaced: each firing is
    an event a person must hear of."""

    firing: Any  #: a :class:`tvtui.alerts.Firing` (typed loosely: no alerts import here)
