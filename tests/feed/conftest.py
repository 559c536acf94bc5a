"""Fixtures for the feed tests: a scripted HTTP server on loopback.

The simulator (``tests/conftest.py``: ``sim``, ``sim_factory``, and there too ``collector``
and ``make_client``) is the reference server; this
small one exists for HTTP paths that need an exact sequence of statuses (503, 503, 200) and a
record of every request, over a real socket.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tvtui.feed.endpoints import Endpoints


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
