"""What the socket loop reports and decides with, apart from the loop itself: the counters a
client exposes (:class:`FeedStats`), why a connection ended (:class:`Outcome`), and the small
text helpers for status messages. Split from :mod:`tvtui.feed.link` to keep that module to the
loop."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import websocket


@dataclasses.dataclass(slots=True)
class FeedStats:
    """Counters since the client started (a snapshot; read without locking)."""

    messages: int = 0  #: WebSocket messages received
    frames: int = 0  #: ``~m~`` envelopes read (heartbeats included)
    dropped_frames: int = 0  #: envelopes that could not be read
    heartbeats_echoed: int = 0
    connections: int = 0  #: times a hello was received
    reconnects: int = 0  #: connections after the first
    last_message_at: float | None = None  #: ``time.monotonic()`` of the last message
    internal_errors: int = 0  #: unexpected errors on the socket thread (each replaced the link)
    unsubscribed_quotes: int = 0  #: ``qsd`` packets for symbols never subscribed, dropped
    stuck_reads: int = 0  #: reads cut short by the guard (a frame that never ended)
    failed_connects: int = 0  #: failed connection attempts since the last hello
    unreachable: int = 0  #: of those, in a row: refused or the host name did not resolve
    last_failure: str = ""  #: why the last attempt failed (a sentence fragment)


class Outcome:
    """Why a connection ended, and what to do next."""

    LOST = "lost"
    FAILED = "failed"
    REFUSED = "refused"
    AUTH = "auth"
    STOP = "stop"
    RETRY_NOW = "retry_now"


def display_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def secs(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def retry_after(exc: websocket.WebSocketBadStatusException) -> float:
    headers = exc.resp_headers or {}
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return min(60.0, max(0.0, float(value))) if value else 0.0
    except ValueError:
        return 0.0
