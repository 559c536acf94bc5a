"""A raw protocol client for simulator tests: websocket-client plus the project's codec.

Deliberately not the FeedClient: these tests pin the simulator's wire behaviour on its own.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import websocket

from tvtui.feed import wire
from tvtui.feed.decoder import decode
from tvtui.feed.endpoints import ORIGIN, USER_AGENT
from tvtui.feed.events import Event, Heartbeat, MalformedFrame

WS_PATH = "/socket.io/websocket?from=chart%2F&type=chart"


class RawClient:
    """Send messages, read events; echoes heartbeats unless told not to. Every wait is bounded."""

    def __init__(self, url: str, echo: bool = True, timeout: float = 5.0) -> None:
        self.ws = websocket.create_connection(
            url + WS_PATH, timeout=timeout, origin=ORIGIN, header=[f"User-Agent: {USER_AGENT}"]
        )
        self.echo = echo
        self.events: list[Event] = []
        self.packets: list[dict[str, Any]] = []
        self.messages = 0
        self.binary_messages = 0
        self.dropped = 0
        self.closed = False

    def send(self, *messages: dict[str, Any]) -> None:
        for message in messages:
            self.ws.send(wire.encode(message))

    def read(self) -> list[Event]:
        """One WebSocket message, decoded (heartbeats echoed when ``echo``)."""
        try:
            opcode, data = self.ws.recv_data()
        except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
            self.closed = True
            raise
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            self.closed = True
            raise websocket.WebSocketConnectionClosedException("closed by the server")
        self.messages += 1
        if opcode == websocket.ABNF.OPCODE_BINARY:
            self.binary_messages += 1
            decoded = decode(bytes(data))
        else:
            decoded = decode(data.decode("utf-8"))
        self.dropped += decoded.dropped
        self.packets.extend(decoded.packets)
        for event in decoded.events:
            if isinstance(event, Heartbeat) and self.echo:
                self.ws.send(wire.heartbeat(event.payload))
        self.events.extend(decoded.events)
        return decoded.events

    def wait_for(
        self, predicate: Callable[[Event], bool], timeout: float = 5.0, what: str = "event"
    ) -> Event:
        """The first event (already read or arriving within ``timeout``) matching."""
        for event in self.events:
            if predicate(event):
                return event
        return self.wait_new(predicate, timeout, what)

    def wait_new(
        self, predicate: Callable[[Event], bool], timeout: float = 5.0, what: str = "event"
    ) -> Event:
        """Like ``wait_for`` but only events read from now on."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                for event in self.read():
                    if predicate(event):
                        return event
            except websocket.WebSocketTimeoutException:
                continue
        raise AssertionError(f"no new {what} within {timeout} s")

    def read_for(self, seconds: float) -> list[Event]:
        """Everything that arrives for ``seconds`` (stops early if the server closes)."""
        out: list[Event] = []
        deadline = time.monotonic() + seconds
        self.ws.settimeout(0.2)
        try:
            while time.monotonic() < deadline:
                try:
                    out.extend(self.read())
                except websocket.WebSocketTimeoutException:
                    continue
                except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
                    break
        finally:
            if not self.closed:
                self.ws.settimeout(5.0)
        return out

    def wait_closed(self, timeout: float) -> bool:
        """Read until the server closes the connection; True if it did within ``timeout``."""
        deadline = time.monotonic() + timeout
        self.ws.settimeout(0.2)
        while time.monotonic() < deadline:
            try:
                self.read()
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
                return True
        return False

    def close(self) -> None:
        with contextlib.suppress(Exception):  # best effort at teardown
            self.ws.close(timeout=0.5)


def malformed(events: list[Event]) -> int:
    return sum(e.count for e in events if isinstance(e, MalformedFrame))


@pytest.fixture
def connect() -> Iterator[Callable[..., RawClient]]:
    """``connect(sim, echo=True)`` opens a RawClient; all are closed at teardown."""
    clients: list[RawClient] = []

    def make(sim: Any, echo: bool = True) -> RawClient:
        client = RawClient(sim.ws_url, echo=echo)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
