"""What the socket loop reports and decides with, apart from the loop itself: the counters a
client exposes (:class:`FeedStats`), why a connection ended (:class:`Outcome`), how long to
wait before the next try and how long a quiet link is trusted, and the small text helpers for
status messages. Split from :mod:`tvtui.feed.link` to keep that module to the loop; these are
plain functions of their arguments, so each rule can be read (and tested) without a socket.

Backoff. Every failed or lost connection waits ``Backoff.next_delay()`` (reset on each hello;
capped near 5 s, so a person is back within seconds of the server). Long waits are for when the
server asks for them: an HTTP 429 at the handshake waits at least :data:`RATE_LIMIT_DELAY` (or
the server's ``Retry-After``), and from the :data:`REPEATED_403`-th 403 in a row the wait is
:data:`FORBIDDEN_DELAY`. A refused token (``protocol_error``) waits for ``reconnect()``:
retrying a bad token automatically would only get the address rate-limited.
"""

from __future__ import annotations

import dataclasses
import socket
from urllib.parse import urlsplit

import websocket

from tvtui.feed.endpoints import USER_AGENT, redact

HEADERS = [
    f"User-Agent: {USER_AGENT}",
    "Accept-Language: en-US,en;q=0.9",
    "Cache-Control: no-cache",
    "Pragma: no-cache",
]
INITIAL_STALE_AFTER = 20.0
MIN_STALE_AFTER = 3.0
STALE_FACTOR = 2.5
#: Smallest delay after a 429 at the handshake: rate limits are not lifted in half a second.
RATE_LIMIT_DELAY = 8.0
#: Socket timeout for sends and for the rest of a frame once its first bytes arrived.
IO_TIMEOUT = 5.0
#: This many 403s in a row at the handshake mean "you are blocked": wait longer between tries.
REPEATED_403 = 10
FORBIDDEN_DELAY = 30.0
#: How often the guard thread looks at a read in progress.
GUARD_TICK = 0.25


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


def failure_reason(exc: BaseException, token: str) -> str:
    """Why a connection attempt or a link failed, as a sentence fragment without the token."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError | websocket.WebSocketTimeoutException):
        return "timed out"
    if isinstance(exc, websocket.WebSocketAddressException) and exc.args:
        exc = exc.args[0]  # websocket-client wraps the resolver's error
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the host name: {exc.strerror or exc}"
    text = str(exc).split(" -+-+- ")[0] or type(exc).__name__
    return redact(text[:200], token)


def is_unreachable(exc: BaseException) -> bool:
    """True when nothing answers at that address (refused, or the name does not resolve):
    what ``Streamer`` counts to give up early instead of waiting out its timeout."""
    if isinstance(exc, ConnectionRefusedError | socket.gaierror):
        return True
    return isinstance(exc, websocket.WebSocketAddressException) and isinstance(
        exc.args[0] if exc.args else None, socket.gaierror
    )


def watch_limit(
    live: bool, connect_timeout: float, stale_after: float | None, hb_period: float | None
) -> float:
    """Seconds of silence after which the link counts as lost: the hello's wait before it is
    live, then ``stale_after`` if given, else a multiple of the measured heartbeat period.

    Watchdog. TradingView does not document its heartbeat period, so the client measures it:
    ``stale_after`` defaults to 2.5 x the observed interval between heartbeats (at least 3 s).
    Until two heartbeats have been seen (the first connection only; the estimate is kept across
    reconnects) it allows :data:`INITIAL_STALE_AFTER` seconds, long enough for a real server whose
    period is believed to be around 10 s. A hello that does not arrive within ``connect_timeout``
    also counts as a lost link.
    """
    if not live:
        return connect_timeout
    if stale_after is not None:
        return stale_after
    if hb_period is None:
        return INITIAL_STALE_AFTER
    return max(MIN_STALE_AFTER, STALE_FACTOR * hb_period)


def retry_notice(
    outcome: str,
    reason: str,
    extra: float,
    delay: float,
    attempt: int,
    forbidden: int,
    url: str,
) -> tuple[float, str]:
    """The wait before the next try and the status line saying so. ``delay`` is the backoff's
    next delay, ``extra`` the server's ``Retry-After``, ``forbidden`` the 403s in a row."""
    if outcome == Outcome.REFUSED:
        if "429" in reason:
            delay = max(delay, RATE_LIMIT_DELAY, extra)
        elif "403" in reason and forbidden >= REPEATED_403:
            delay = max(delay, FORBIDDEN_DELAY, extra)
        return delay, f"TradingView refused the connection ({reason}); retrying in {secs(delay)} s"
    if outcome == Outcome.FAILED:
        return delay, (
            f"Could not connect to {url} ({reason}); "
            f"retrying in {secs(delay)} s (attempt {attempt})"
        )
    return delay, (
        f"Connection lost ({reason}); reconnecting in {secs(delay)} s (attempt {attempt})"
    )
