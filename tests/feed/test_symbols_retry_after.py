"""A garbage ``Retry-After`` from the symbol check is the network misbehaving, not bad input.

A hostile (or broken) scanner answers 429 with a ``Retry-After`` that is neither seconds nor a
date, and carries markup and terminal escape sequences. The check must end as a network error
(``SymbolLookupError``; ``tvtui stream`` exits 4, not 2) and nothing of the header may reach a
message raw.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tvtui.feed.endpoints import Endpoints
from tvtui.feed.symbols import SymbolLookupError, validate_symbol

#: Markup, an OSC 52 clipboard write, a screen clear, and a date that does not parse.
HOSTILE = "[/][@click=app.quit]x\x1b]52;c;ZXZpbA==\x07\x1b[2J Wed, 99 Foo 2020"


@pytest.fixture
def hostile_scanner() -> Iterator[str]:
    """A loopback scanner that answers every request 429 with the hostile ``Retry-After``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"error":"slow down"}'
            self.send_response(429)
            self.send_header("Retry-After", HOSTILE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _env(url: str) -> dict[str, str]:
    return {
        "TVTUI_WS_URL": "ws://127.0.0.1:9",
        "TVTUI_SCANNER_URL": url,
        "TVTUI_PINE_URL": url,
        "TVTUI_SEARCH_URL": url,
    }


def test_the_library_reports_a_lookup_failure_without_the_header(hostile_scanner: str) -> None:
    sleeps: list[float] = []
    with pytest.raises(SymbolLookupError) as caught:
        validate_symbol(
            "BINANCE:BTCUSDT",
            Endpoints.from_env(_env(hostile_scanner)),
            sleep=sleeps.append,
        )
    message = str(caught.value)
    assert "429" in message
    assert "\x1b" not in message and "\x07" not in message and "[/]" not in message
    assert "Foo 2020" not in message
    assert len(sleeps) == 2  # retried with the client's own backoff, the header ignored


def test_tvtui_stream_exits_4_and_prints_nothing_of_the_header(hostile_scanner: str) -> None:
    env = {**os.environ, **_env(hostile_scanner)}
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "tvtui", "stream", "BINANCE:BTCUSDT", "-n", "3"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 4, done.stderr
    assert "429" in done.stderr
    for raw in ("\x1b", "\x07", "[/]", "Foo 2020"):
        assert raw not in done.stderr and raw not in done.stdout
