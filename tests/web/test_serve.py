"""``tvtui serve`` without a browser: what it refuses, what it runs, how it stops.

Each server is a real subprocess on 127.0.0.1; the "tab" here is a plain WebSocket client
speaking textual-serve's protocol, so these run wherever Python does (no Chromium needed).
"""

from __future__ import annotations

import asyncio
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import websockets

from tests.support import AWHILE
from tests.web.browser import descendants, free_port, screen_text, serve_env, served, still_running
from tvtui.web.serve import app_command
from tvtui.web.server import is_loopback_host, origin_allowed


def run_serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tvtui", "serve", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=serve_env(tmp_path),
        cwd=tmp_path,
    )


def test_a_non_loopback_host_without_allow_remote_is_refused(tmp_path: Path) -> None:
    result = run_serve(tmp_path, "--host", "0.0.0.0", "--port", str(free_port()), "--demo")
    assert result.returncode == 2
    assert "--host 0.0.0.0 is not a loopback address" in result.stderr
    assert "Anyone who can reach this port can use the app" in result.stderr
    assert "--allow-remote" in result.stderr
    assert "tvtui serve: open" not in result.stdout  # it never started


def test_allow_remote_prints_the_warning_before_listening(tmp_path: Path) -> None:
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: the bind fails locally, no packet
    # leaves, and what is left to see is the warning and a clear error
    result = run_serve(tmp_path, "--host", "192.0.2.1", "--allow-remote", "--port", "8000")
    assert "WARNING: listening on 192.0.2.1" in result.stderr
    assert "Anyone who can reach this port can use the app" in result.stderr
    assert result.returncode == 1
    assert "cannot listen on 192.0.2.1:8000" in result.stderr


def test_help_says_who_can_use_it_and_where_it_listens(tmp_path: Path) -> None:
    result = run_serve(tmp_path, "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Anyone who can reach this port can use the app" in text
    assert "TradingView token" in text
    assert "default 127.0.0.1" in text


def test_bad_app_options_fail_at_start_not_in_every_tab(tmp_path: Path) -> None:
    result = run_serve(tmp_path, "--demo", "--timeframe", "7q")
    assert result.returncode == 2
    assert "Unknown timeframe '7q'" in result.stderr
    result = run_serve(tmp_path, "--no-such-option")
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-option" in result.stderr


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_serve(tmp_path, "--demo", "--port", str(port))
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_app_options_reach_the_app_verbatim_never_as_shell_code(tmp_path: Path) -> None:
    hostile = ["--theme", "x; touch pwned", "--export-dir", "$(touch pwned2) `id` 'q\" \\"]
    command = app_command(hostile, python="/bin/echo")
    result = subprocess.run(
        ["/bin/sh", "-c", command], capture_output=True, text=True, cwd=tmp_path, timeout=10
    )
    assert result.stdout == " ".join(["-m", "tvtui", *hostile]) + "\n"
    assert list(tmp_path.iterdir()) == []
    assert shlex.split(app_command(hostile))[1:] == [sys.executable, "-m", "tvtui", *hostile]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.com", False),
        ("localhost.example.com", False),
        ("x.localhost", False),
    ],
)
def test_only_loopback_addresses_count_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_origin_rules() -> None:
    same = "http://127.0.0.1:8000"
    assert origin_allowed("127.0.0.1:8000", same, loopback_only=True)
    assert origin_allowed("127.0.0.1:8000", None, loopback_only=True)  # not a browser
    assert not origin_allowed("127.0.0.1:8000", "http://evil.example", loopback_only=True)
    assert not origin_allowed("127.0.0.1:8000", "http://127.0.0.1:9999", loopback_only=True)
    assert not origin_allowed("127.0.0.1:8000", "null", loopback_only=True)
    # DNS rebinding: the attacker's name now points at 127.0.0.1, Origin and Host agree
    rebound = "evil.example:8000"
    assert not origin_allowed(rebound, f"http://{rebound}", loopback_only=True)
    assert origin_allowed(rebound, f"http://{rebound}", loopback_only=False)
    assert not origin_allowed(None, None, loopback_only=False)


async def first_screen(url: str, **headers: str) -> str:
    """Open a tab as the page would and return the app's first screen that shows prices."""
    ws_url = url.replace("http://", "ws://") + "/ws?width=120&height=36"
    async with websockets.connect(ws_url, additional_headers=headers) as tab:
        raw = b""
        while "BINANCE:BTCUSDT" not in screen_text(raw) or "connected" not in screen_text(raw):
            message = await asyncio.wait_for(tab.recv(), 30)
            raw += message if isinstance(message, bytes) else message.encode()
        return screen_text(raw)


def handshake_status(port: int, host: str, origin: str) -> int:
    """The status of a browser-like WebSocket handshake with these ``Host`` and ``Origin``."""
    request = (
        f"GET /ws?width=80&height=24 HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode())
        status_line = connection.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_a_page_of_another_site_cannot_start_an_app(tmp_path: Path) -> None:
    with served(tmp_path, "--demo") as server:
        port = int(server.url.rsplit(":", 1)[1])
        here = f"127.0.0.1:{port}"
        assert handshake_status(port, here, "http://evil.example") == 403
        rebound = f"evil.example:{port}"  # DNS rebinding: a foreign name now on 127.0.0.1
        assert handshake_status(port, rebound, f"http://{rebound}") == 403
        assert descendants(server.process.pid) == {}  # no app was started
        assert "BINANCE:BTCUSDT" in asyncio.run(first_screen(server.url, Origin=server.url))
        status, printed = server.stop()
    assert status == 0, printed
    assert printed.count("refused a WebSocket from origin") == 2


@pytest.mark.parametrize("whole_group", [False, True], ids=["server-only", "terminal-ctrl-c"])
def test_ctrl_c_stops_every_app_the_server_started(tmp_path: Path, whole_group: bool) -> None:
    async def two_tabs_then_ctrl_c() -> dict[int, str]:
        ws_url = server.url.replace("http://", "ws://") + "/ws?width=100&height=30"
        async with (
            websockets.connect(ws_url, origin=server.url) as one,
            websockets.connect(ws_url, origin=server.url) as two,
        ):
            for tab in (one, two):  # both apps drawing
                raw = b""
                while "BINANCE:BTCUSDT" not in screen_text(raw):
                    message = await asyncio.wait_for(tab.recv(), 30)
                    raw += message if isinstance(message, bytes) else message.encode()
            apps = descendants(server.process.pid)
            assert len(still_running(apps)) == 2, apps
            status, printed = await asyncio.to_thread(server.stop, whole_group=whole_group)
            assert status == 0, printed
            assert printed == server.first_line  # nothing said but the start-up line
            return apps

    with served(tmp_path, "--demo") as server:
        apps = asyncio.run(two_tabs_then_ctrl_c())
    assert still_running(apps) == []


@pytest.mark.parametrize(
    ("program", "signal_seen"),
    [
        ("import time; time.sleep(60)", -15),  # ignores the quit message: SIGTERM ends it
        (  # ignores SIGTERM too: SIGKILL ends it
            "import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "pathlib.Path(sys.argv[1]).touch(); time.sleep(60)",
            -9,
        ),
    ],
)
async def test_an_app_that_will_not_quit_is_still_stopped(
    program: str, signal_seen: int, tmp_path: Path
) -> None:
    from textual_serve.download_manager import DownloadManager

    from tvtui.web.server import TrackedAppService

    async def ignore(_data: object = None) -> None:
        return None

    sessions: set[TrackedAppService] = set()
    service = TrackedAppService(
        "exec " + shlex.join([sys.executable, "-c", program, str(tmp_path / "ready")]),
        sessions=sessions,
        write_bytes=ignore,
        write_str=ignore,
        close=ignore,
        download_manager=DownloadManager(),
    )
    await service.start(80, 24)
    assert sessions == {service} and service.running
    process = service._process
    assert process is not None
    if signal_seen == -9:  # wait until it has set its handler, so SIGTERM is really ignored
        deadline = asyncio.get_running_loop().time() + AWHILE
        while not (tmp_path / "ready").exists():
            assert asyncio.get_running_loop().time() < deadline, "the program did not start"
            await asyncio.sleep(0.02)
    await asyncio.wait_for(service.end(grace=0.5), 10)
    assert process.returncode == signal_seen
    assert sessions == set() and not service.running
