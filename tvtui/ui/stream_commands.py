"""What the UI asks the stream worker to do: one frozen dataclass per command.

The UI thread (and the symbol dialog) queue these through ``StreamBridge``'s methods
(``ui/worker.py``); the worker thread takes them from the same queue as the feed's events and
handles each with one ``match`` (``StreamBridge._command``), so a new command is a new class
here and one new case there.
"""

from __future__ import annotations

from dataclasses import dataclass

from tvtui.feed.studies import Indicator

#: How long a symbol preview waits for the feed's first quote.
PREVIEW_TIMEOUT = 6.0


@dataclass(frozen=True)
class Watch:
    """Quote these symbols, in this order (the watchlist)."""

    symbols: list[str]


@dataclass(frozen=True)
class OpenChart:
    """Show ``symbol`` on ``timeframe`` as chart ``generation``."""

    generation: int
    symbol: str
    timeframe: str


@dataclass(frozen=True)
class SetStudies:
    """Exactly these studies on the chart (others are removed)."""

    indicators: list[Indicator]


@dataclass(frozen=True)
class LoadOlderBars:
    """Ask the server for ``count`` bars before the oldest the chart ``generation`` holds
    (TradingView's web chart pages back 5,000 at a time); answered by an
    ``OlderBarsLoaded`` message. Ignored for a chart that is no longer shown."""

    generation: int
    count: int = 5000


@dataclass(frozen=True)
class Preview:
    """One quote of ``symbol``, answered by a ``PreviewReady`` within ``timeout`` seconds."""

    symbol: str
    timeout: float = PREVIEW_TIMEOUT


@dataclass(frozen=True)
class EndPreview:
    """The preview of ``symbol`` is no longer needed."""

    symbol: str


@dataclass(frozen=True)
class Reconnect:
    """Drop the link and connect again."""


@dataclass(frozen=True)
class QuoteCost:
    """What the last quote flush cost the UI thread, in seconds."""

    seconds: float


@dataclass(frozen=True)
class Pause:
    """Stop (or resume) posting."""

    paused: bool = True


@dataclass(frozen=True)
class Behind:
    """The main screen is behind a dialog (or back in front): pace its live updates."""

    behind: bool = True


@dataclass(frozen=True)
class Stop:
    """End the loop."""


Command = (
    Watch
    | OpenChart
    | SetStudies
    | LoadOlderBars
    | Preview
    | EndPreview
    | Reconnect
    | QuoteCost
    | Pause
    | Behind
    | Stop
)
