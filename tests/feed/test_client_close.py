"""``close()`` must return promptly even while the socket thread is inside a read.

A raw TCP server completes the WebSocket handshake, sends the hello, then sends only the first
bytes of a frame and stalls: the client's read is then blocked waiting for the rest.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
import time

from tvtui.feed import wire
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import LinkState

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455


def _text_frame(payload: bytes) -> bytes:
    assert len(payload) < 126
    return bytes([0x81, len(payload)]) + payload


def _stalling_server(listener: socket.socket, stalled: threading.Event) -> None:
    conn, _ = listener.accept()
    with conn:
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
        conn.sendall(_text_frame(wire.encode({"session_id": "stall"}).encode()))
        conn.recv(65536)  # set_auth_token and friends
        conn.sendall(bytes([0x81, 126, 0x10]))  # a 4 KB frame's header, cut short
        stalled.set()
        conn.settimeout(10)
        try:
            while conn.recv(65536):
                pass
        except OSError:
            pass


def test_close_returns_within_a_second_while_a_read_is_blocked():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stalled = threading.Event()
    server = threading.Thread(target=_stalling_server, args=(listener, stalled), daemon=True)
    server.start()
    port = listener.getsockname()[1]
    events = []
    client = FeedClient(
        endpoints=Endpoints.from_env({"TVTUI_WS_URL": f"ws://127.0.0.1:{port}"}),
        sink=events.append,
    )
    client.start()
    try:
        assert stalled.wait(10), "client never connected"
        time.sleep(0.3)  # let the client start reading the cut frame
        assert client.state == LinkState.CONNECTED
        started = time.monotonic()
        client.close()
        elapsed = time.monotonic() - started
        assert elapsed < 1.0, f"close() took {elapsed:.2f} s"
        assert client.state == LinkState.CLOSED
        assert events[-1].state == LinkState.CLOSED
    finally:
        client.close()
        listener.close()
        server.join(5)


def test_close_before_start_and_twice_is_harmless():
    client = FeedClient(endpoints=Endpoints.from_env({"TVTUI_WS_URL": "ws://127.0.0.1:9"}))
    client.add_symbols("BINANCE:BTCUSDT")
    client.close()
    client.close()
    assert client.state == LinkState.CLOSED
