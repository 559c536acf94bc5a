"""The feed client: one thread owns the WebSocket; everyone else sends it commands.

Threading. The socket thread runs ``create_connection`` + its own receive loop (not
websocket-client's ``WebSocketApp``) because the loop must interleave four things that
``WebSocketApp`` hides: reading frames, sending queued commands the moment they arrive, a
stale-link watchdog, and backoff waits that a command (``reconnect()``, ``close()``) can cut
short. It waits with ``select`` on the socket and on a socketpair that command callers write a
byte to, so a command is sent at once and an idle client burns no CPU. Public methods only
touch a lock-protected id allocator and the command queue; the subscription
:class:`~tvtui.feed.registry.Registry` is read and written by the socket thread alone, which
makes "replay after reconnect" and "a command arrives meanwhile" impossible to interleave badly.

Events (decoded packets with quotes merged, plus :class:`ConnectionStatus`) go to ``sink(event)``
on the socket thread, or to ``client.events`` (a ``queue.Queue``) when no sink is given.

Watchdog. TradingView does not document its heartbeat period, so the client measures it:
``stale_after`` defaults to 2.5 x the observed interval between heartbeats (at least 3 s).
Until two heartbeats have been seen (the first connection only; the estimate is kept across
reconnects) it allows :data:`INITIAL_STALE_AFTER` seconds, long enough for a real server whose
period is believed to be around 10 s. A hello that does not arrive within ``connect_timeout``
also counts as a stale link.

The token is only ever sent in ``set_auth_token``; status messages are passed through
:func:`~tvtui.feed.endpoints.redact` and never include it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import queue
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import websocket

from tvtui.feed import messages, wire
from tvtui.feed.backoff import Backoff
from tvtui.feed.decoder import decode
from tvtui.feed.endpoints import ORIGIN, USER_AGENT, Endpoints, redact, resolve_token
from tvtui.feed.events import (
    ConnectionStatus,
    Event,
    Heartbeat,
    Hello,
    LinkState,
    ProtocolError,
    QuoteUpdate,
    RawPackets,
    SeriesData,
)
from tvtui.feed.quotes import QuoteBook
from tvtui.feed.registry import MAX_BARS, Registry, SeriesHandle
from tvtui.feed.studies import Indicator
from tvtui.feed.symbols import normalize_symbol
from tvtui.feed.timeframes import parse_timeframe

__all__ = ["FeedClient", "FeedStats", "SeriesHandle"]

log = logging.getLogger(__name__)

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


class _Outcome:
    """Why a connection ended, and what to do next."""

    LOST = "lost"
    FAILED = "failed"
    REFUSED = "refused"
    AUTH = "auth"
    STOP = "stop"
    RETRY_NOW = "retry_now"


def _display_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _secs(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


class FeedClient:
    """A TradingView real-time feed connection that survives drops and replays subscriptions."""

    def __init__(
        self,
        token: str | None = None,
        endpoints: Endpoints | None = None,
        *,
        sink: Callable[[Event], Any] | None = None,
        locale: tuple[str, str] = ("en", "US"),
        stale_after: float | None = None,
        backoff: Backoff | None = None,
        connect_timeout: float = 10.0,
        packets: bool = False,
    ) -> None:
        self._token = resolve_token(token)
        #: Also emit each message's parsed packets as one :class:`RawPackets` event, before its
        #: typed events (for ``RealTimeData.get_data``, which yields the server's dicts).
        self._packets = packets
        self._pending_raw: list[dict[str, Any]] = []
        self.endpoints = endpoints or Endpoints.from_env()
        self.url = _display_url(self.endpoints.ws)
        self.events: queue.Queue[Event] = queue.Queue()
        self._sink = sink if sink is not None else self.events.put
        self._registry = Registry(messages.session_id("qs"), self._token, locale)
        self._stale_after = stale_after
        self._backoff = backoff or Backoff()
        self._connect_timeout = connect_timeout
        self._quotes = QuoteBook()
        self._stats = FeedStats()
        self._state = LinkState.CLOSED
        self._lock = threading.Lock()
        self._commands: deque[tuple[str, Any]] = deque()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ws: websocket.WebSocket | None = None
        self._live = False
        self._handles: dict[str, SeriesHandle] = {}
        self._study_ids = itertools.count(9)
        self._hb_period: float | None = None
        self._last_hb: float | None = None
        self._retry_now = False
        self._server_time: float | None = None

    def __repr__(self) -> str:  # never show the token
        return f"<FeedClient {self.url} {self._state.value}>"

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> FeedClient:
        """Start the socket thread (once). Returns ``self`` for chaining."""
        with self._lock:
            if self._stop.is_set():
                raise RuntimeError("FeedClient was closed; create a new one")
            if self._thread is not None:
                return self
            self._thread = threading.Thread(target=self._run, name="tvtui-feed", daemon=True)
        self._thread.start()
        return self

    def close(self, timeout: float = 2.0) -> None:
        """Stop the client and close the socket; returns within ``timeout`` even mid-read."""
        self._stop.set()
        self._wake()
        thread = self._thread
        if thread is None:  # never started: nothing owns the wake-up sockets
            self._state = LinkState.CLOSED
            for sock in (self._wake_r, self._wake_w):
                sock.close()
            return
        if thread is threading.current_thread():  # called from the sink: the loop sees _stop
            return
        deadline = time.monotonic() + timeout
        thread.join(min(0.2, timeout / 2))
        if thread.is_alive():  # blocked in a handshake, a read or a send: break it from here
            ws = self._ws
            sock = ws.sock if ws is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> FeedClient:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def state(self) -> LinkState:
        return self._state

    @property
    def stats(self) -> FeedStats:
        return dataclasses.replace(self._stats)

    @property
    def quote_session(self) -> str:
        return self._registry.quote_session

    # --- commands (any thread) --------------------------------------------------------------

    def _enqueue(self, kind: str, arg: Any = None) -> None:
        self._commands.append((kind, arg))
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"\0")

    def add_symbols(self, *symbols: str) -> list[str]:
        """Watch quotes for ``symbols`` (``EXCHANGE:SYMBOL``); returns them normalised, which
        is the key ``QuoteUpdate.symbol`` will carry. ``ValueError`` on a malformed one."""
        keys = [normalize_symbol(s) for s in symbols]
        if keys:
            self._enqueue("add_symbols", keys)
        return keys

    def remove_symbols(self, *symbols: str) -> None:
        keys = [normalize_symbol(s) for s in symbols]
        if keys:
            self._enqueue("remove_symbols", keys)

    def open_series(self, symbol: str, timeframe: str, count: int = 300) -> SeriesHandle:
        """Open a chart session with one series of ``count`` history bars, then live bars.

        ``ValueError`` (raised here, before anything is sent) for a malformed symbol, an
        unknown timeframe or a count outside 1..5000.
        """
        tf = parse_timeframe(timeframe)
        key = normalize_symbol(symbol)
        count = self._check_count(count)
        handle = SeriesHandle(messages.session_id("cs"), "sds_1", key, tf.name, count)
        with self._lock:
            self._handles[handle.chart_session] = handle
        self._enqueue("open_series", handle)
        return handle

    def modify_series(
        self, handle: SeriesHandle, symbol: str | None = None, timeframe: str | None = None
    ) -> SeriesHandle:
        """Switch a series to another symbol and/or timeframe; returns the new handle (same
        chart session and series id, next version ``sN`` and symbol id ``sds_sym_N``)."""
        tf = parse_timeframe(timeframe) if timeframe is not None else None
        key = normalize_symbol(symbol) if symbol is not None else None
        with self._lock:
            current = self._current(handle)
            n = int(current.version.lstrip("s") or "1") + 1
            new = dataclasses.replace(
                current,
                symbol=key or current.symbol,
                timeframe=tf.name if tf else current.timeframe,
                version=f"s{n}",
                symbol_id=f"sds_sym_{n}",
            )
            self._handles[new.chart_session] = new
        self._enqueue("modify_series", new)
        return new

    def close_series(self, handle: SeriesHandle) -> None:
        with self._lock:
            self._handles.pop(handle.chart_session, None)
        self._enqueue("close_series", handle.chart_session)

    def request_more(self, handle: SeriesHandle, count: int) -> None:
        """Ask for ``count`` more history bars before the oldest one loaded."""
        self._enqueue("request_more", (handle.chart_session, self._check_count(count)))

    def add_study(self, handle: SeriesHandle, indicator: Indicator) -> str:
        """Attach a study (from :func:`tvtui.feed.studies.fetch_indicator`); returns its id."""
        with self._lock:
            self._current(handle)
            study_id = f"st{next(self._study_ids)}"
        self._enqueue("add_study", (handle.chart_session, study_id, indicator))
        return study_id

    def remove_study(self, handle: SeriesHandle, study_id: str) -> None:
        self._enqueue("remove_study", (handle.chart_session, study_id))

    def send(self, message: dict[str, Any]) -> None:
        """Send one raw ``{"m": ..., "p": [...]}`` message as is (queued until connected).

        For ``StreamHandler.send_message``; it is not recorded for replay after a reconnect,
        because the client cannot know what an arbitrary message subscribes to.
        """
        self._enqueue("send", message)

    def reconnect(self) -> None:
        """Drop the current connection (if any) and connect again now, also after AUTH_FAILED."""
        self._enqueue("reconnect")

    def _current(self, handle: SeriesHandle) -> SeriesHandle:
        current = self._handles.get(handle.chart_session)
        if current is None:
            raise ValueError(f"Series {handle.chart_session} is not open (closed already?)")
        return current

    @staticmethod
    def _check_count(count: int) -> int:
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_BARS:
            raise ValueError(
                f"Bar count must be a whole number from 1 to {MAX_BARS}, not {count!r}"
            )
        return count

    # --- socket thread: commands -----------------------------------------------------------

    def _drain_commands(self) -> None:
        with contextlib.suppress(OSError):
            while self._wake_r.recv(4096):
                pass
        while self._commands:
            kind, arg = self._commands.popleft()
            self._apply(kind, arg)

    def _apply(self, kind: str, arg: Any) -> None:
        reg = self._registry
        if kind == "add_symbols":
            out = reg.add_symbols(arg)
        elif kind == "remove_symbols":
            out = reg.remove_symbols(arg)
            for key in arg:
                self._quotes.forget(key)
        elif kind == "open_series":
            out = reg.open_series(arg)
        elif kind == "modify_series":
            out = reg.modify_series(arg)
        elif kind == "close_series":
            out = reg.close_series(arg)
        elif kind == "request_more":
            out = reg.request_more(*arg)
        elif kind == "add_study":
            out = reg.add_study(*arg)
        elif kind == "remove_study":
            out = reg.remove_study(*arg)
        elif kind == "reconnect":
            self._retry_now = True
            out = []
        elif kind == "send":
            if not self._live:  # raw messages wait for the next hello, then go out once
                self._pending_raw.append(arg)
            out = [arg]
        else:  # pragma: no cover - programming error
            raise AssertionError(kind)
        if self._live:
            self._send_all(out)

    # --- socket thread: the loop -----------------------------------------------------------

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
                if outcome == _Outcome.STOP or self._stop.is_set():
                    break
                if outcome == _Outcome.AUTH:
                    auth_failed = True
                    continue
                if outcome == _Outcome.RETRY_NOW:
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
        if outcome == _Outcome.REFUSED:
            if "429" in reason:
                delay = max(delay, RATE_LIMIT_DELAY, extra)
            message = f"TradingView refused the connection ({reason}); retrying in {_secs(delay)} s"
        elif outcome == _Outcome.FAILED:
            message = (
                f"Could not connect to {self.url} ({reason}); "
                f"retrying in {_secs(delay)} s (attempt {attempt})"
            )
        else:
            message = (
                f"Connection lost ({reason}); reconnecting in {_secs(delay)} s (attempt {attempt})"
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
            return _Outcome.REFUSED, redact(reason, self._token), _retry_after(exc)
        except (OSError, websocket.WebSocketException) as exc:
            self._close_socket()
            if self._stop.is_set():
                return _Outcome.STOP, "", 0.0
            return _Outcome.FAILED, self._reason(exc), 0.0
        try:
            return self._read_loop(ws)
        finally:
            self._live = False
            self._registry.connection_lost()
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
                return _Outcome.STOP, "", 0.0
            limit = self._watch_limit()
            quiet = time.monotonic() - last_frame
            if quiet >= limit:
                if not self._live:
                    return _Outcome.LOST, f"no hello within {_secs(limit)} s", 0.0
                self._status(
                    LinkState.STALE,
                    f"No data from {self.url} for {_secs(quiet)} s; the link looks stale",
                )
                return _Outcome.LOST, f"no data for {_secs(quiet)} s", 0.0
            pending = getattr(sock, "pending", None)
            if pending is not None and pending():
                readable: list[Any] = [sock]
            else:
                try:
                    readable, _, _ = select.select([sock, self._wake_r], [], [], limit - quiet)
                except (OSError, ValueError):
                    return _Outcome.LOST, "socket closed", 0.0
            try:
                if self._wake_r in readable:
                    self._drain_commands()
                    if self._stop.is_set():
                        return _Outcome.STOP, "", 0.0
                    if self._retry_now:
                        return _Outcome.RETRY_NOW, "", 0.0
                if sock in readable:
                    try:
                        opcode, data = ws.recv_data()
                    except websocket.WebSocketTimeoutException:
                        continue  # part of a frame arrived; the rest is read next time
                    if opcode == websocket.ABNF.OPCODE_CLOSE:
                        return _Outcome.LOST, "server closed the connection", 0.0
                    last_frame = time.monotonic()
                    if self._on_message(data):
                        return _Outcome.AUTH, "", 0.0
            except (OSError, websocket.WebSocketException) as exc:
                if self._stop.is_set():
                    return _Outcome.STOP, "", 0.0
                return _Outcome.LOST, self._reason(exc) or "connection closed", 0.0

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

    def _on_message(self, data: str | bytes) -> bool:
        """Handle one WebSocket message; True when the server refused our token."""
        now = time.monotonic()
        stats = self._stats
        stats.messages += 1
        stats.last_message_at = now
        decoded = decode(data)
        stats.dropped_frames += decoded.dropped
        events = decoded.events
        heartbeats = [ev for ev in events if isinstance(ev, Heartbeat)]
        stats.frames += len(decoded.packets) + len(heartbeats)
        for hb in heartbeats:  # echo first, at once, wherever it sat in the message
            self._send_raw(wire.heartbeat(hb.payload))
            stats.heartbeats_echoed += 1
            if self._last_hb is not None:
                interval = now - self._last_hb
                self._hb_period = (
                    interval if self._hb_period is None else 0.7 * self._hb_period + 0.3 * interval
                )
            self._last_hb = now
        if self._packets and decoded.packets:
            self._emit(RawPackets(packets=decoded.packets))
        refused = False
        for ev in events:
            if isinstance(ev, QuoteUpdate):
                ev.quote = dict(self._quotes.apply(ev))  # a copy: consumers read it elsewhere
            elif isinstance(ev, SeriesData):
                self._registry.note_bars(ev.session, ev.series_id, ev.version, ev.bars)
            elif isinstance(ev, Hello):
                self._emit(ev)
                self._on_hello(ev)
                continue
            elif isinstance(ev, ProtocolError):
                refused = True
            self._emit(ev)
        if refused:
            reason = redact(
                next(e.reason for e in events if isinstance(e, ProtocolError)), self._token
            )
            self._status(
                LinkState.AUTH_FAILED,
                f"TradingView rejected the auth token ({reason}). "
                "Set TRADINGVIEW_JWT_TOKEN to a valid token.",
            )
        return refused

    def _on_hello(self, hello: Hello) -> None:
        stamp = hello.info.get("timestamp")
        now = float(stamp) if isinstance(stamp, int | float) and stamp > 0 else time.time()
        self._send_all(self._registry.replay(now))
        pending, self._pending_raw = self._pending_raw, []
        self._send_all(pending)
        self._live = True
        self._stats.connections += 1
        self._stats.reconnects = self._stats.connections - 1
        self._backoff.reset()
        self._status(LinkState.CONNECTED, f"Connected to {self.url}")

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
