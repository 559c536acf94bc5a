"""Test helpers for the feed tests: an event collector and the bar-continuity check."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest

from tvtui.feed import wire
from tvtui.feed.events import Bar, ConnectionStatus, Event, LinkState, SeriesData

E = TypeVar("E", bound=Event)


class Collector:
    """A thread-safe event sink that tests can wait on (bounded waits only)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._cond = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def snapshot(self) -> list[Event]:
        with self._cond:
            return list(self.events)

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.snapshot() if isinstance(e, kind)]

    def wait_for(self, predicate: Callable[[list[Event]], object], timeout: float = 10.0) -> object:
        """Wait until ``predicate(events)`` is truthy; return its value, or fail the test."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(self.events)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    states = [e.state.value for e in self.events if isinstance(e, ConnectionStatus)]
                    pytest.fail(f"timed out after {timeout} s; link states seen: {states[-12:]}")
                self._cond.wait(min(remaining, 0.2))

    def wait_state(
        self, state: LinkState, timeout: float = 10.0, after: int = 0
    ) -> ConnectionStatus:
        """The first status with ``state`` among events from index ``after`` on."""

        def find(events: list[Event]) -> ConnectionStatus | None:
            for event in events[after:]:
                if isinstance(event, ConnectionStatus) and event.state == state:
                    return event
            return None

        return self.wait_for(find, timeout)  # type: ignore[return-value]

    def states(self) -> list[LinkState]:
        return [e.state for e in self.of(ConnectionStatus)]

    def bars(self, chart_session: str, series_id: str = "sds_1") -> dict[float, Bar]:
        """Bars of one series merged by open time, as a consumer keeps them."""
        merged: dict[float, Bar] = {}
        for event in self.of(SeriesData):
            if event.session == chart_session and event.series_id == series_id:
                for bar in event.bars:
                    merged[bar.time] = bar
        return merged


def assert_true_and_continuous(sim, merged: dict[float, Bar], symbol: str, res: str, step: int):
    """Bars merged by time: every closed one (all but the newest) present once, one ``step``
    apart, and equal to the simulator's truth."""
    times = sorted(merged)
    closed = times[:-1]
    assert len(closed) >= 2
    gaps = [(a, b) for a, b in itertools.pairwise(closed) if b - a != step]
    assert not gaps, f"{len(gaps)} gaps or overlaps, first {gaps[:3]}"
    truth = sim.bars(symbol, res, closed[0], closed[-1] + 1)
    got = [
        tuple(getattr(merged[t], f) for f in ("time", "open", "high", "low", "close", "volume"))
        for t in closed
    ]
    assert len(got) == len(truth)
    wrong = [(g, t) for g, t in zip(got, truth, strict=True) if g != tuple(t)]
    assert not wrong, f"{len(wrong)} bars differ from the truth, first {wrong[:2]}"


GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455


def ws_text_frame(payload: bytes) -> bytes:
    """An unmasked server text frame."""
    if len(payload) < 126:
        return bytes([0x81, len(payload)]) + payload
    if len(payload) < 2**16:
        return bytes([0x81, 126]) + len(payload).to_bytes(2, "big") + payload
    return bytes([0x81, 127]) + len(payload).to_bytes(8, "big") + payload


def accept_websocket(conn: socket.socket) -> bool:
    """Read a client's HTTP upgrade request and answer 101 (RFC 6455's accept key); False if
    the client hung up before its request was whole."""
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = conn.recv(4096)
        if not chunk:
            return False
        request += chunk
    key = next(
        line.split(b":", 1)[1].strip()
        for line in request.split(b"\r\n")
        if line.lower().startswith(b"sec-websocket-key:")
    )
    accept = base64.b64encode(hashlib.sha1(key + GUID.encode()).digest())
    conn.sendall(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )
    return True


class RawServer:
    """A one-connection WebSocket server on raw TCP, for cases the simulator cannot stage.

    It completes the handshake, sends ``script`` (bytes, in order; after the client's first
    message when ``after_first_message``), records what the client sends, and holds the
    connection until the client goes away or ``close()``.
    """

    def __init__(self, script: list[bytes], after_first_message: bool = True) -> None:
        self.script = script
        self.after_first_message = after_first_message
        self.received = b""
        self.scripted = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(1)
        self.url = f"ws://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            try:
                if not accept_websocket(conn):
                    return
                conn.sendall(ws_text_frame(wire.encode({"session_id": "raw"}).encode()))
                if self.after_first_message:
                    self.received += conn.recv(65536)
                for chunk in self.script:
                    conn.sendall(chunk)
                self.scripted.set()
                while data := conn.recv(65536):
                    self.received += data
            except OSError:
                pass

    def close(self) -> None:
        self._listener.close()
        self._thread.join(5)


#: What a client sends on every (re)connect, in the order the server needs: auth and locale,
#: the quote session with its symbols, then per chart its session, symbol, series (and studies).
CONNECT_ORDER = [
    "set_auth_token",
    "set_locale",
    "quote_create_session",
    "quote_set_fields",
    "quote_add_symbols",
    "quote_fast_symbols",
]
CHART_ORDER = ["chart_create_session", "switch_timezone", "resolve_symbol", "create_series"]


class Peer:
    """The server side of one hostile connection: send what you like, read what the client
    sent (its masked frames, unframed into ``~m~`` payloads parsed as JSON)."""

    def __init__(self, conn: socket.socket, number: int) -> None:
        self.conn = conn
        self.number = number
        self._buffer = b""
        self.messages: list[dict] = []
        self._read = 0  #: messages before this index were looked at by ``wait_for``

    def send(self, *packets: dict) -> None:
        """Each packet as one framed text message."""
        for packet in packets:
            self.send_text(wire.encode(packet))

    def send_text(self, text: str) -> None:
        self.conn.sendall(ws_text_frame(text.encode()))

    def send_raw(self, data: bytes) -> None:
        self.conn.sendall(data)

    def _frame(self) -> bytes | None:
        buf = self._buffer
        if len(buf) < 2:
            return None
        size, at = buf[1] & 0x7F, 2
        if size == 126:
            size, at = int.from_bytes(buf[2:4], "big"), 4
        elif size == 127:
            size, at = int.from_bytes(buf[2:10], "big"), 10
        if len(buf) < at + 4 + size:
            return None
        mask = buf[at : at + 4]
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(buf[at + 4 : at + 4 + size]))
        self._buffer = buf[at + 4 + size :]
        return body if buf[0] & 0x0F == 1 else b""

    def wait_for(self, method: str, timeout: float = 10.0) -> dict:
        """The client's next message with ``m == method`` (after the last one returned),
        reading from the socket until it arrives."""
        deadline = time.monotonic() + timeout
        while True:
            for i in range(self._read, len(self.messages)):
                if self.messages[i].get("m") == method:
                    self._read = i + 1
                    return self.messages[i]
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} from the client")
            self.conn.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = self.conn.recv(65536)
            if not chunk:
                raise ConnectionError("the client went away")
            self._buffer += chunk
            while (body := self._frame()) is not None:
                for payload in wire.unframe(body.decode()).payloads:
                    if not payload.startswith(wire.HEARTBEAT_PREFIX):
                        self.messages.append(json.loads(payload))

    def hold(self) -> None:
        """Keep the connection open until the client closes it."""
        self.conn.settimeout(None)
        with contextlib.suppress(OSError):
            while self.conn.recv(65536):
                pass


class HostileServer:
    """A WebSocket server on 127.0.0.1 that plays ``script(peer)`` on each connection (a
    thread each): it completes the handshake and the hello (``hello`` is its info), then the
    script says everything else. For what a real server might do and the simulator won't."""

    def __init__(self, script: Callable[[Peer], None], hello: dict | None = None) -> None:
        self.script = script
        self.hello = hello or {"session_id": "hostile", "timestamp": int(time.time())}
        self.connections = 0
        self.errors: list[BaseException] = []
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self.url = f"ws://127.0.0.1:{self._listener.getsockname()[1]}"
        self._threads: list[threading.Thread] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(
                target=self._serve, args=(conn, self.connections), daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        with conn:
            try:
                conn.settimeout(10)
                if not accept_websocket(conn):
                    return
                peer = Peer(conn, number)
                peer.send(self.hello)
                self.script(peer)
            except (OSError, TimeoutError, ConnectionError):
                pass
            except BaseException as exc:  # a bug in the script: the test reports it
                self.errors.append(exc)

    def env(self) -> dict[str, str]:
        return {"TVTUI_WS_URL": self.url}

    def close(self) -> None:
        self._listener.close()
        for thread in self._threads:
            thread.join(5)
