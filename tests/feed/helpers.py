"""Test helpers for the feed tests: an event collector and the bar-continuity check."""

from __future__ import annotations

import base64
import hashlib
import itertools
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
    return bytes([0x81, 126]) + len(payload).to_bytes(2, "big") + payload


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
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
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
