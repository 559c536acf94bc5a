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

Watchdog: a link silent for longer than :func:`~tvtui.feed.linkinfo.watch_limit` (its
docstring says how that is measured) is replaced.

A server that trickles a frame (declares 10 MB, sends a byte every 2 s) keeps ``recv`` busy
under its socket timeout, so the loop itself cannot look at the clock. A guard thread can:
while the socket thread is inside a read, it checks the time since the last *whole* message
against the same limit and, past it (or when ``reconnect()`` is waiting), shuts the socket
down from outside so the read returns and the link is replaced.

Backoff: every failed or lost connection waits, and how long is decided in
:mod:`tvtui.feed.linkinfo` (its docstring says why).

Nothing a packet holds can end the thread: an unexpected error while handling a message or a
command is logged, counted (``FeedStats.internal_errors``) and the link is replaced, as for a
drop; the client keeps reconnecting and ``reconnect()`` keeps working.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import websocket

from tvtui.feed import wire
from tvtui.feed.backoff import Backoff
from tvtui.feed.endpoints import ORIGIN, Endpoints, redact
from tvtui.feed.events import ConnectionStatus, Event, LinkState
from tvtui.feed.linkinfo import (
    GUARD_TICK,
    HEADERS,
    IO_TIMEOUT,
    FeedStats,
    Outcome,
    display_url,
    failure_reason,
    is_unreachable,
    retry_after,
    retry_notice,
    secs,
    watch_limit,
)

log = logging.getLogger("tvtui.feed.client")


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
        self._forbidden = 0  #: 403s in a row at the handshake
        # Shared with the guard thread (plain attributes, each written whole):
        self._read_started: float | None = None  #: monotonic time a read began, None if idle
        self._last_whole = 0.0  #: monotonic time of the last whole message (or of the connect)
        self._reconnect_asked: float | None = None  #: when ``reconnect()`` was called
        self._abort_reason: str | None = None  #: set by the guard when it cut a read short

    # --- hooks ------------------------------------------------------------------------------

    def _apply(self, kind: str, arg: Any) -> None:
        raise NotImplementedError

    def _on_message(self, data: str | bytes) -> bool:
        raise NotImplementedError

    def _on_connection_lost(self) -> None:
        raise NotImplementedError

    # --- commands and the loop ----------------------------------------------------------------

    def _enqueue(self, kind: str, arg: Any = None) -> None:
        if kind == "reconnect":
            self._reconnect_asked = time.monotonic()
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
            if kind == "reconnect":
                self._reconnect_asked = None
            try:
                self._apply(kind, arg)
            except (OSError, websocket.WebSocketException):
                raise  # the link itself failed: the read loop handles that as a drop
            except Exception as exc:  # a bug: the registry may now disagree with the server
                self._internal_error(f"the {kind} command", exc)
                self._retry_now = True  # so replace the link: the replay makes them agree

    def _status(
        self, state: LinkState, message: str, attempt: int = 0, retry_in: float = 0.0
    ) -> None:
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
        guard = threading.Thread(target=self._guard, name="tvtui-feed-guard", daemon=True)
        guard.start()
        auth_failed = False
        try:
            while not self._stop.is_set():
                try:
                    auth_failed = self._step(auth_failed)
                except Exception as exc:  # never a silent dead client: count, replace, go on
                    self._internal_error("the reconnect loop", exc)
                    self._close_socket()
                    self._stop.wait(self._backoff.next_delay())
        finally:
            self._close_socket()
            self._status(LinkState.CLOSED, "Connection closed")
            for sock in (self._wake_r, self._wake_w):
                with contextlib.suppress(OSError):
                    sock.close()

    def _step(self, auth_failed: bool) -> bool:
        """One turn of the loop: a connection's life and the wait after it. Returns whether
        the token was refused (then only ``reconnect()`` or ``close()`` go on)."""
        if auth_failed:
            self._wait(None)
            return not self._retry_now
        outcome, reason, extra = self._connection()
        if outcome == Outcome.STOP or self._stop.is_set():
            return False
        if outcome == Outcome.AUTH:
            return True
        if outcome == Outcome.RETRY_NOW:
            self._backoff.reset()
            return False
        self._wait(self._announce_retry(outcome, reason, extra))
        if self._retry_now:
            self._backoff.reset()
        return False

    def _internal_error(self, where: str, exc: BaseException) -> None:
        """An error no packet should be able to cause: log it (with the traceback), count it."""
        self._stats.internal_errors += 1
        log.error(
            "unexpected %s in %s; replacing the link", type(exc).__name__, where, exc_info=exc
        )

    def _guard(self) -> None:
        """The guard thread: cut short a read that outlived the watchdog's limit (a frame
        trickled in byte by byte) or that keeps a ``reconnect()`` waiting."""
        while not self._stop.wait(GUARD_TICK):
            started = self._read_started
            ws = self._ws
            if started is None or ws is None or ws.sock is None:
                continue
            now = time.monotonic()
            quiet = now - self._last_whole
            limit = self._watch_limit()
            asked = self._reconnect_asked
            if quiet >= limit:
                reason = f"no whole message for {secs(quiet)} s (a frame that never ends)"
            elif asked is not None and now - asked >= GUARD_TICK:
                reason = "reconnect asked for during a read"
            else:
                continue
            if self._read_started is not started or self._ws is not ws:
                continue  # the read ended meanwhile
            self._abort_reason = reason
            self._stats.stuck_reads += 1
            with contextlib.suppress(OSError, AttributeError):
                ws.sock.shutdown(socket.SHUT_RDWR)

    def _announce_retry(self, outcome: str, reason: str, extra: float) -> float:
        delay, message = retry_notice(
            outcome, reason, extra, self._backoff.next_delay(), self._backoff.attempt,
            self._forbidden, self.url,
        )  # fmt: skip
        self._status(LinkState.RECONNECTING, message, self._backoff.attempt, delay)
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
        # Origin inside ``header`` would be sent twice.
        ws.connect(self.endpoints.ws, origin=ORIGIN, header=list(HEADERS))
        return ws

    def _connection(self) -> tuple[str, str, float]:
        """One connection's life: connect, read until it ends; returns (outcome, reason, extra)."""
        self._retry_now = False
        self._status(LinkState.CONNECTING, f"Connecting to {self.url}", self._backoff.attempt + 1)
        stats = self._stats
        try:
            ws = self._connect()
        except websocket.WebSocketBadStatusException as exc:
            self._close_socket()
            reason = redact(f"HTTP {exc.status_code} {exc.status_message or ''}".strip(),
                            self._token)  # fmt: skip
            self._forbidden = self._forbidden + 1 if exc.status_code == 403 else 0
            stats.failed_connects += 1
            stats.unreachable = 0
            stats.last_failure = reason
            return Outcome.REFUSED, reason, retry_after(exc)
        except (OSError, websocket.WebSocketException) as exc:
            self._close_socket()
            if self._stop.is_set():
                return Outcome.STOP, "", 0.0
            reason = self._reason(exc)
            stats.failed_connects += 1
            stats.unreachable = stats.unreachable + 1 if is_unreachable(exc) else 0
            stats.last_failure = reason
            return Outcome.FAILED, reason, 0.0
        self._forbidden = 0
        try:
            return self._read_loop(ws)
        except Exception as exc:  # a bug or a packet no check foresaw: never the thread's end
            self._internal_error("handling a message", exc)
            return Outcome.LOST, f"internal error: {type(exc).__name__}", 0.0
        finally:
            self._read_started = None
            self._live = False
            self._on_connection_lost()
            self._close_socket()

    def _reason(self, exc: BaseException) -> str:
        return failure_reason(exc, self._token)

    def _watch_limit(self) -> float:
        return watch_limit(self._live, self._connect_timeout, self._stale_after, self._hb_period)

    def _read_loop(self, ws: websocket.WebSocket) -> tuple[str, str, float]:
        sock = ws.sock
        assert sock is not None
        ws.settimeout(IO_TIMEOUT)
        opened = last_frame = self._last_whole = time.monotonic()
        self._abort_reason = None
        self._last_hb = None
        while True:
            if self._stop.is_set():
                return Outcome.STOP, "", 0.0
            limit = self._watch_limit()
            # before the hello, heartbeats are no answer: its wait counts from the opening
            quiet = time.monotonic() - (last_frame if self._live else opened)
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
                    self._read_started = time.monotonic()
                    try:
                        opcode, data = ws.recv_data()
                    except websocket.WebSocketTimeoutException:
                        continue  # part of a frame arrived; the rest is read next time
                    finally:
                        self._read_started = None
                    if opcode == websocket.ABNF.OPCODE_CLOSE:
                        return Outcome.LOST, "server closed the connection", 0.0
                    last_frame = self._last_whole = time.monotonic()
                    if self._on_message(data):
                        return Outcome.AUTH, "", 0.0
            except (OSError, websocket.WebSocketException) as exc:
                if self._stop.is_set():
                    return Outcome.STOP, "", 0.0
                aborted = self._abort_reason
                if aborted is not None:
                    self._abort_reason = None
                    if self._live and aborted.startswith("no whole message"):
                        self._status(
                            LinkState.STALE, f"{aborted.capitalize()} from {self.url}; "
                            "the link looks stale",
                        )  # fmt: skip
                    return Outcome.LOST, aborted, 0.0
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
