"""The socket thread behind :class:`~tvtui.feed.client.FeedClient`: connect, read, watch,
back off, reconnect. ``client.py`` holds the public commands and what the protocol means;
this module holds how one thread keeps a WebSocket alive. They are split only to keep each
file to one job; :class:`SocketLoop` is not meant to be used on its own.

Threading. The socket thread runs websocket-client's ``WebSocket`` + its own receive loop (not
``WebSocketApp``) because the loop must interleave four things that ``WebSocketApp`` hides:
reading frames, sending queued commands the moment they arrive, a stale-link watchdog, and
backoff waits that a command (``reconnect()``, ``close()``) can cut short. It waits with
``select`` on the socket and on a socketpair that command callers write a byte to, so a
command is sent at once and an idle client burns no CPU. websocket-client reads exactly one
frame's bytes at a time, so ``select`` on the raw socket never misses buffered data (TLS
sockets are asked for ``pending()`` bytes first).

Watchdog. TradingView does not document its heartbeat period, so the client measures it:
``stale_after`` defaults to 2.5 x the observed interval between heartbeats (at least 3 s).
Until two heartbeats have been seen (the first connection only; the estimate is kept across
reconnects) it allows :data:`INITIAL_STALE_AFTER` seconds, long enough for a real server whose
period is believed to be around 10 s. A hello that does not arrive within ``connect_timeout``
also counts as a lost link.

Backoff. Every failed or lost connection waits ``Backoff.next_delay()`` (reset on each hello);
an HTTP 429 at the handshake waits at least :data:`RATE_LIMIT_DELAY` (or the server's
``Retry-After``). A refused token (``protocol_error``) waits for ``reconnect()``: retrying a bad
token automatically would only get the address rate-limited.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import websocket

from tvtui.feed import wire
from tvtui.feed.backoff import Backoff
from tvtui.feed.endpoints import ORIGIN, USER_AGENT, Endpoints, redact
from tvtui.feed.events import ConnectionStatus, Event, LinkState

log = logging.getLogger("tvtui.feed.client")

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


class SocketLoop:
    """The connection half of the client. Subclasses provide :meth:`_apply` (one command),
    :meth:`_on_message` (one WebSocket message; True when the server refused the token) and
    :meth:`_on_connection_lost`."""

    def _init_loop(
        self,
        token: str,
        endpoints: Endpoints,
        sink: Callable[[Event], Any],
        stale_after: float | None,
        backoff: Backoff | None,
        connect_timeout: float,
    ) -> None:
        self._token = token
        self.endpoints = endpoints
        self.url = display_url(endpoints.ws)
        self._sink = sink
        self._stale_after = stale_after
        self._backoff = backoff or Backoff()
        self._connect_timeout = connect_timeout
        self._stats = FeedStats()
        self._state = LinkState.CLOSED
        self._commands: deque[tuple[str, Any]] = deque()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ws: websocket.WebSocket | None = None
        self._live = False  #: hello received and subscriptions replayed
        self._hb_period: float | None = None
        self._last_hb: float | None = None
        self._retry_now = False

    # --- hooks ------------------------------------------------------------------------------

    def _apply(self, kind: str, arg: Any) -> None:
        raise NotImplementedError

    def _on_message(self, data: str | bytes) -> bool:
        raise NotImplementedError

    def _on_connection_lost(self) -> None:
        raise NotImplementedError

    # --- commands and the loop ----------------------------------------------------------------

    def _enqueue(self, kind: str, arg: Any = None) -> None:
        self._commands.append((kind, arg))
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"\0")

    def _drain_commands(self) -> None:
        with contextlib.suppress(OSError):
            while self._wake_r.recv(4096):
                pass
        while self._commands:
            kind, arg = self._commands.popleft()
            self._apply(kind, arg)

    def _status(self, state: LinkState, message: str, attempt: int = 0, retry_in: float = 0.0):
        self._state = state
        self._emit(
            ConnectionStatus(
                state=state,
                attempt=attempt,
                retry_in=retry_in,
                message=redact(message, self._token),
                url=self.url,
            )
        )

    def _emit(self, event: Event) -> None:
        try:
            self._sink(event)
        except Exception:  # a consumer bug must not kill the feed
            log.exception("feed event sink raised on %s", type(event).__name__)

    def _run(self) -> None:
        auth_failed = False
        try:
            while not self._stop.is_set():
                if auth_failed:
                    self._wait(None)
                    if self._retry_now:
                        auth_failed = False
                    continue
                outcome, reason, extra = self._connection()
                if outcome == Outcome.STOP or self._stop.is_set():
                    break
                if outcome == Outcome.AUTH:
                    auth_failed = True
                    continue
                if outcome == Outcome.RETRY_NOW:
                    self._backoff.reset()
                    continue
                self._wait(self._announce_retry(outcome, reason, extra))
                if self._retry_now:
                    self._backoff.reset()
        except Exception:  # pragma: no cover - last resort: report, never hang silently
            log.exception("feed client thread crashed")
        finally:
            self._close_socket()
            self._status(LinkState.CLOSED, "Connection closed")
            for sock in (self._wake_r, self._wake_w):
                with contextlib.suppress(OSError):
                    sock.close()

    def _announce_retry(self, outcome: str, reason: str, extra: float) -> float:
        delay = self._backoff.next_delay()
        attempt = self._backoff.attempt
        if outcome == Outcome.REFUSED:
            if "429" in reason:
                delay = max(delay, RATE_LIMIT_DELAY, extra)
            message = f"TradingView refused the connection ({reason}); retrying in {secs(delay)} s"
        elif outcome == Outcome.FAILED:
            message = (
                f"Could not connect to {self.url} ({reason}); "
                f"retrying in {secs(delay)} s (attempt {attempt})"
            )
        else:
            message = (
                f"Connection lost ({reason}); reconnecting in {secs(delay)} s (attempt {attempt})"
            )
        self._status(LinkState.RECONNECTING, message, attempt, delay)
        return delay

    def _wait(self, delay: float | None) -> None:
        """Sleep ``delay`` seconds (forever if None) while still taking commands; returns early
        on ``close()`` or ``reconnect()``."""
        self._retry_now = False
        deadline = None if delay is None else time.monotonic() + delay
        while not self._stop.is_set() and not self._retry_now:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return
            select.select([self._wake_r], [], [], 1.0 if remaining is None else remaining)
            self._drain_commands()

    def _connect(self) -> websocket.WebSocket:
        """Open the socket and do the handshake. The ``WebSocket`` object is published in
        ``self._ws`` before the handshake, so ``close()`` can cut a hanging handshake short."""
        ws = websocket.WebSocket(skip_utf8_validation=True, enable_multithread=True)
        self._ws = ws
        ws.settimeout(self._connect_timeout)
        # ``origin=`` and ``header=`` are the keywords websocket-client really reads; a second
        # Origin inside ``header`` would be sent twice (protocol reference §1.2).
        ws.connect(self.endpoints.ws, origin=ORIGIN, header=list(HEADERS))
        return ws

    def _connection(self) -> tuple[str, str, float]:
        """One connection's life: connect, read until it ends; returns (outcome, reason, extra)."""
        self._retry_now = False
        self._status(LinkState.CONNECTING, f"Connecting to {self.url}", self._backoff.attempt + 1)
        try:
            ws = self._connect()
        except websocket.WebSocketBadStatusException as exc:
            self._close_socket()
            reason = f"HTTP {exc.status_code} {exc.status_message or ''}".strip()
            return Outcome.REFUSED, redact(reason, self._token), _retry_after(exc)
        except (OSError, websocket.WebSocketException) as exc:
            self._close_socket()
            if self._stop.is_set():
                return Outcome.STOP, "", 0.0
            return Outcome.FAILED, self._reason(exc), 0.0
        try:
            return self._read_loop(ws)
        finally:
            self._live = False
            self._on_connection_lost()
            self._close_socket()

    def _reason(self, exc: BaseException) -> str:
        if isinstance(exc, ConnectionRefusedError):
            return "connection refused"
        if isinstance(exc, TimeoutError | websocket.WebSocketTimeoutException):
            return "timed out"
        text = str(exc).split(" -+-+- ")[0] or type(exc).__name__
        return redact(text[:200], self._token)

    def _watch_limit(self) -> float:
        if not self._live:
            return self._connect_timeout
        if self._stale_after is not None:
            return self._stale_after
        if self._hb_period is None:
            return INITIAL_STALE_AFTER
        return max(MIN_STALE_AFTER, STALE_FACTOR * self._hb_period)

    def _read_loop(self, ws: websocket.WebSocket) -> tuple[str, str, float]:
        sock = ws.sock
        assert sock is not None
        ws.settimeout(IO_TIMEOUT)
        last_frame = time.monotonic()
        self._last_hb = None
        while True:
            if self._stop.is_set():
                return Outcome.STOP, "", 0.0
            limit = self._watch_limit()
            quiet = time.monotonic() - last_frame
            if quiet >= limit:
                if not self._live:
                    return Outcome.LOST, f"no hello within {secs(limit)} s", 0.0
                self._status(
                    LinkState.STALE,
                    f"No data from {self.url} for {secs(quiet)} s; the link looks stale",
                )
                return Outcome.LOST, f"no data for {secs(quiet)} s", 0.0
            pending = getattr(sock, "pending", None)
            if pending is not None and pending():
                readable: list[Any] = [sock]
            else:
                try:
                    readable, _, _ = select.select([sock, self._wake_r], [], [], limit - quiet)
                except (OSError, ValueError):
                    return Outcome.LOST, "socket closed", 0.0
            try:
                if self._wake_r in readable:
                    self._drain_commands()
                    if self._stop.is_set():
                        return Outcome.STOP, "", 0.0
                    if self._retry_now:
                        return Outcome.RETRY_NOW, "", 0.0
                if sock in readable:
                    try:
                        opcode, data = ws.recv_data()
                    except websocket.WebSocketTimeoutException:
                        continue  # part of a frame arrived; the rest is read next time
                    if opcode == websocket.ABNF.OPCODE_CLOSE:
                        return Outcome.LOST, "server closed the connection", 0.0
                    last_frame = time.monotonic()
                    if self._on_message(data):
                        return Outcome.AUTH, "", 0.0
            except (OSError, websocket.WebSocketException) as exc:
                if self._stop.is_set():
                    return Outcome.STOP, "", 0.0
                return Outcome.LOST, self._reason(exc) or "connection closed", 0.0

    def _send(self, message: dict[str, Any]) -> None:
        self._send_raw(wire.encode(message))

    def _send_raw(self, text: str) -> None:
        ws = self._ws
        if ws is None:
            raise websocket.WebSocketConnectionClosedException("not connected")
        ws.send(text)

    def _send_all(self, out: list[dict[str, Any]]) -> None:
        for message in out:
            self._send(message)

    def _close_socket(self) -> None:
        ws, self._ws = self._ws, None
        if ws is None:
            return
        with contextlib.suppress(Exception):
            if ws.connected:
                ws.send_close()
        with contextlib.suppress(Exception):
            ws.shutdown()


def _retry_after(exc: websocket.WebSocketBadStatusException) -> float:
    headers = exc.resp_headers or {}
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return min(60.0, max(0.0, float(value))) if value else 0.0
    except ValueError:
        return 0.0
