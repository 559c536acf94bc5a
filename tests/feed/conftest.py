"""Fixtures for the feed tests: a scripted HTTP server on loopback.

The simulator (``tests/conftest.py``: ``sim``, ``sim_factory``) is the reference server; this
small one exists for HTTP paths that need an exact sequence of statuses (503, 503, 200) and a
record of every request, over a real socket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

import pytest

from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import Bar, ConnectionStatus, Event, LinkState, SeriesData

E = TypeVar("E", bound=Event)


@dataclass
class ScriptedHTTP:
    """Answers each request with the next ``(status, body)`` of ``script`` (the last one
    repeats); records ``(path, headers)`` of every request."""

    url: str = ""
    script: list[tuple[int, bytes]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def respond(self, *script: tuple[int, bytes | str]) -> None:
        self.script = [(s, b.encode() if isinstance(b, str) else b) for s, b in script]
        self.requests.clear()

    def endpoints(self) -> Endpoints:
        return Endpoints.from_env(
            {
                "TVTUI_WS_URL": "ws://127.0.0.1:9",
                "TVTUI_SCANNER_URL": self.url,
                "TVTUI_PINE_URL": self.url,
                "TVTUI_SEARCH_URL": self.url,
            }
        )


@pytest.fixture
def scripted_http() -> Iterator[ScriptedHTTP]:
    state = ScriptedHTTP()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                state.requests.append((self.path, dict(self.headers.items())))
                status, body = state.script.pop(0) if len(state.script) > 1 else state.script[0]
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    state.respond((200, "{}"))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


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


@pytest.fixture
def collector() -> Collector:
    return Collector()


@pytest.fixture
def make_client():
    """``make_client(sim, **kwargs)``: a started FeedClient aimed at ``sim``, with a
    :class:`Collector` as its sink; closed after the test."""
    clients: list[FeedClient] = []

    def make(sim, sink: Collector | None = None, start: bool = True, **kwargs) -> FeedClient:
        endpoints = Endpoints.from_env(sim.env())
        client = FeedClient(endpoints=endpoints, sink=sink, **kwargs)
        clients.append(client)
        if start:
            client.start()
        return client

    yield make
    for client in clients:
        client.close()
