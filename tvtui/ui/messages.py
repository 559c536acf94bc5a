"""The domain messages the stream worker posts to the app (and the app routes to panes).

Each message carries an immutable snapshot the receiver may keep: the panes hold exactly what
they draw, and the export writes exactly what the panes hold. Messages that describe "the
latest state" can replace an older pending one of the same kind (``can_replace``), so when the
UI falls behind it skips to the newest state instead of replaying history. Errors, switches and
closed bars are never replaced.

``generation`` counts chart switches: a pane drops data from an older generation, so bars of
the previous symbol that were already in flight never land on the new chart.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from tvtui.feed.events import Bar, ConnectionStatus, StudyPoint


class QuotesChanged(Message):
    """Latest quote (merged fields) and a short price trend for every watched symbol."""

    def __init__(
        self, quotes: dict[str, dict[str, Any]], trends: dict[str, tuple[float, ...]]
    ) -> None:
        super().__init__()
        self.quotes = quotes
        self.trends = trends

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, QuotesChanged)


class SymbolRejected(Message):
    """The feed refused a watchlist symbol (``qsd`` with ``s: error``)."""

    def __init__(self, symbol: str, reason: str) -> None:
        super().__init__()
        self.symbol = symbol
        self.reason = reason


class ChartReset(Message):
    """A new chart (symbol or timeframe) was requested: panes clear and say 'loading'."""

    def __init__(self, generation: int, symbol: str, timeframe: str) -> None:
        super().__init__()
        self.generation = generation
        self.symbol = symbol
        self.timeframe = timeframe


class CandlesChanged(Message):
    """Every bar of the chart, oldest first. ``closed``: a bar just closed (or history came)."""

    def __init__(
        self,
        generation: int,
        symbol: str,
        timeframe: str,
        bars: list[Bar],
        *,
        closed: bool = False,
        history: bool = False,
    ) -> None:
        super().__init__()
        self.generation = generation
        self.symbol = symbol
        self.timeframe = timeframe
        self.bars = bars
        self.closed = closed
        self.history = history

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CandlesChanged) and message.generation == self.generation


class StudyChanged(Message):
    """Every point of one study on the chart, oldest first."""

    def __init__(
        self,
        generation: int,
        study_id: str,
        pine_id: str,
        titles: list[str],
        points: list[StudyPoint],
    ) -> None:
        super().__init__()
        self.generation = generation
        self.study_id = study_id
        self.pine_id = pine_id
        self.titles = titles
        self.points = points

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, StudyChanged)
            and message.generation == self.generation
            and message.study_id == self.study_id
        )


class StudyFailed(Message):
    """A study could not be shown: the server refused it or its metadata could not be read."""

    def __init__(self, pine_id: str, reason: str) -> None:
        super().__init__()
        self.pine_id = pine_id
        self.reason = reason


class StudyLimit(Message):
    """The server refused a study for the per-chart limit: ``limit`` studies were running."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit


class ChartFailed(Message):
    """The chart's symbol or series was refused (``symbol_error``, ``series_error``)."""

    def __init__(self, generation: int, symbol: str, reason: str) -> None:
        super().__init__()
        self.generation = generation
        self.symbol = symbol
        self.reason = reason


class LinkChanged(Message):
    """The client's view of the connection changed. ``at`` is ``time.monotonic()``."""

    def __init__(self, status: ConnectionStatus, at: float) -> None:
        super().__init__()
        self.status = status
        self.at = at

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LinkChanged)


class FeedStats(Message):
    """Throughput: messages per second over the last second, and when the last one came."""

    def __init__(self, rate: float, last_message_at: float | None, total: int) -> None:
        super().__init__()
        self.rate = rate
        self.last_message_at = last_message_at
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FeedStats)


class FeedProblem(Message):
    """Something a person should know about the feed (auth refused, critical error...)."""

    def __init__(self, text: str, severity: str = "error") -> None:
        super().__init__()
        self.text = text
        self.severity = severity


class PreviewReady(Message):
    """The answer to a symbol preview: the quote snapshot, or why there is none."""

    def __init__(self, symbol: str, quote: dict[str, Any] | None, error: str | None) -> None:
        super().__init__()
        self.symbol = symbol
        self.quote = quote
        self.error = error
