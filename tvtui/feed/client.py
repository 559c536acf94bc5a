"""The feed client: one thread owns the WebSocket; everyone else sends it commands.

Public methods only touch a lock-protected id allocator and the command queue; the
subscription :class:`~tvtui.feed.registry.Registry` is read and written by the socket thread
alone, which makes "replay after reconnect" and "a command arrives meanwhile" impossible to
interleave badly. How that thread connects, reads, watches for a stale link and backs off lives
in :mod:`tvtui.feed.link`; this module says what the protocol means: heartbeats echoed at once
(wherever they sit in a message), quotes merged (only for subscribed symbols: the rest are
counted in ``stats.unsubscribed_quotes`` and dropped, so a server cannot fill memory with
them), bar times tracked for backfill and older history (:mod:`tvtui.feed.registry`), the
hello answered with the full replay, a refused token turned into AUTH_FAILED.

Events (decoded packets with quotes merged, plus :class:`ConnectionStatus`) go to ``sink(event)``
on the socket thread, or to ``client.events`` (an unbounded ``queue.Queue``, so someone must
drain it) when no sink is given. A sink must be quick: it runs on the thread that echoes
heartbeats. An exception in the sink is logged and the feed carries on.

The token is only ever sent in ``set_auth_token``; status messages are passed through
:func:`~tvtui.feed.endpoints.redact` and never include it, nor does ``repr(client)``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from tvtui.feed import messages, wire
from tvtui.feed.backoff import Backoff
from tvtui.feed.decoder import decode
from tvtui.feed.endpoints import Endpoints, redact, resolve_token
from tvtui.feed.events import (
    Event,
    Heartbeat,
    Hello,
    LinkState,
    ProtocolError,
    QuoteUpdate,
    RawPackets,
    SeriesCompleted,
    SeriesData,
)
from tvtui.feed.link import SocketLoop
from tvtui.feed.linkinfo import FeedStats
from tvtui.feed.quotes import QuoteBook
from tvtui.feed.registry import MAX_BARS, Registry, SeriesHandle
from tvtui.feed.studies import Indicator
from tvtui.feed.symbols import normalize_symbol
from tvtui.feed.timeframes import parse_timeframe

__all__ = ["FeedClient", "FeedStats", "SeriesHandle"]


class FeedClient(SocketLoop):
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
        token = resolve_token(token)
        self.events: queue.Queue[Event] = queue.Queue()
        self._init_loop(
            token,
            endpoints or Endpoints.from_env(),
            sink if sink is not None else self.events.put,
            stale_after,
            backoff,
            connect_timeout,
        )
        #: Also emit each message's parsed packets as one :class:`RawPackets` event, before its
        #: typed events (for ``RealTimeData.get_data``, which yields the server's dicts).
        self._packets = packets
        self._pending_raw: list[dict[str, Any]] = []
        #: Symbols subscribed by raw ``send()`` messages (``StreamHandler.send_message``):
        #: their quotes are kept too, though they are not replayed.
        self._raw_symbols: set[str] = set()
        self._registry = Registry(messages.session_id("qs"), token, locale)
        self._quotes = QuoteBook()
        self._lock = threading.Lock()
        self._handles: dict[str, SeriesHandle] = {}
        self._study_ids = itertools.count(9)

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
            raw = ws.sock if ws is not None else None
            if raw is not None:
                with contextlib.suppress(OSError):
                    raw.shutdown(socket.SHUT_RDWR)
            thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> FeedClient:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def state(self) -> LinkState:
        return self._state

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called: the client takes no more commands."""
        return self._stop.is_set()

    @property
    def stats(self) -> FeedStats:
        return dataclasses.replace(self._stats)

    @property
    def quote_session(self) -> str:
        return self._registry.quote_session

    # --- commands (any thread) --------------------------------------------------------------

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
        """``count`` (1..5000) bars before the oldest sent: ``SeriesData(older=True)``, then
        ``OlderBarsArrived`` (and ``HistoryExhausted`` when the server has nothing older)."""
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
            self._note_raw_symbols(arg)
            if not self._live:  # raw messages wait for the next hello, then go out once
                self._pending_raw.append(arg)
            out = [arg]
        else:  # pragma: no cover - programming error
            raise AssertionError(kind)
        if self._live:
            self._send_all(out)

    def _note_raw_symbols(self, message: dict[str, Any]) -> None:
        method = message.get("m")
        params = message.get("p")
        if not isinstance(params, list) or method not in (
            "quote_add_symbols",
            "quote_remove_symbols",
        ):
            return
        names = {p for p in params[1:] if isinstance(p, str)}
        if method == "quote_add_symbols":
            self._raw_symbols |= names
        else:
            self._raw_symbols -= names
            for name in names:
                if name not in self._registry.subscribed:
                    self._quotes.forget(name)

    # --- socket thread: the loop -----------------------------------------------------------

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
        subscribed = self._registry.subscribed
        raw_symbols = self._raw_symbols
        unsubscribed = 0
        for ev in events:  # quotes for symbols never asked for: counted, never kept or shown
            if ev.__class__ is QuoteUpdate and ev.symbol not in subscribed:
                unsubscribed += ev.symbol not in raw_symbols
        if unsubscribed:
            stats.unsubscribed_quotes += unsubscribed
        if self._packets and decoded.packets:
            packets = decoded.packets
            if unsubscribed:
                packets = [p for p in packets if self._wanted_packet(p)]
            if packets:
                self._emit(RawPackets(packets=packets))
        refused = False
        for ev in events:
            if isinstance(ev, QuoteUpdate):
                if ev.symbol not in subscribed and ev.symbol not in raw_symbols:
                    continue
                ev.quote = dict(self._quotes.apply(ev))  # a copy: consumers read it elsewhere
            elif isinstance(ev, SeriesData):  # older bars marked, backfill asked for
                self._send_all(self._registry.on_bars(ev, self._live))
            elif isinstance(ev, SeriesCompleted):  # then what a request_more brought
                self._emit(ev)
                for answer in self._registry.completed(ev.session, ev.series_id):
                    self._emit(answer)
                continue
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

    def _wanted_packet(self, packet: dict[str, Any]) -> bool:
        """False for a ``qsd`` packet about a symbol nobody subscribed to."""
        if packet.get("m") != "qsd":
            return True
        params = packet.get("p")
        body = params[1] if isinstance(params, list) and len(params) > 1 else None
        name = body.get("n") if isinstance(body, dict) else None
        return isinstance(name, str) and (
            name in self._registry.subscribed or name in self._raw_symbols
        )

    def _on_connection_lost(self) -> None:
        self._registry.connection_lost()

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
