"""Helpers for the browser tests: the server as a subprocess, its process tree, the app's frames.

``Served`` runs ``tvtui serve`` on a free loopback port with its own config and export folder.
``AppFrames`` keeps every WebSocket frame Chromium receives from the app and turns them into
text a test can search ("what the page was sent"); it waits on conditions, not on time.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support import AWHILE

#: Where Debian (and most distributions) put Chromium; TVTUI_CHROMIUM overrides.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: Chromium as root in a container: no sandbox; a small /dev/shm must not crash it.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]

# CSI sequences that move the cursor to a row become line breaks, every other escape goes.
_CURSOR_MOVE = re.compile(r"\x1b\[\d*(;\d*)?[Hf]")
_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def find_chromium() -> str | None:
    override = os.environ.get("TVTUI_CHROMIUM")
    if override:
        return override if Path(override).exists() else None
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    return None


def why_no_browser() -> str | None:
    """Why the browser test cannot run here (None: it can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if find_chromium() is None:
        return (
            "no Chromium executable (apt-get install chromium, as .ci/run does; "
            "or set TVTUI_CHROMIUM)"
        )
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def screen_text(raw: bytes) -> str:
    """What the app drew, as text: rows split where the cursor moves, escapes removed."""
    text = raw.decode("utf-8", "replace")
    return _ESCAPE.sub("", _CURSOR_MOVE.sub("\n", text))


@dataclass
class AppFrames:
    """Every frame the app sent to the page, in order, and waits on what they contain."""

    raw: bytearray = field(default_factory=bytearray)
    websockets: list[Any] = field(default_factory=list)

    def attach(self, websocket: Any) -> None:
        self.websockets.append(websocket)
        websocket.on("framereceived", self._add)

    def _add(self, payload: bytes | str) -> None:
        self.raw += payload.encode() if isinstance(payload, str) else payload

    def mark(self) -> int:
        return len(self.raw)

    def text(self, since: int = 0) -> str:
        return screen_text(bytes(self.raw[since:]))

    def wait_for(
        self, page: Any, condition: Callable[[str], bool], since: int = 0, timeout: float = AWHILE
    ) -> str:
        """Pump Playwright's events until ``condition(text since mark)`` holds; that text."""
        deadline = time.monotonic() + timeout
        while not condition(self.text(since)):
            left = deadline - time.monotonic()
            assert left > 0, f"timed out; the page was last sent: {self.text(since)[-600:]!r}"
            if self.websockets:
                with contextlib.suppress(Exception):  # a Playwright TimeoutError: check again
                    self.websockets[-1].wait_for_event(
                        "framereceived",
                        predicate=lambda _payload: condition(self.text(since)),
                        timeout=min(left, 5) * 1000,
                    )
            else:
                page.wait_for_event("websocket", timeout=left * 1000)
        return self.text(since)


def _proc_stat(pid: int) -> tuple[int, str, str] | None:
    """(parent pid, state, start time) of ``pid`` from /proc, None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0], fields[19]


def descendants(root: int) -> dict[int, str]:
    """Every live process under ``root``, as pid -> start time (so a reused pid is told apart)."""
    parents: dict[int, list[int]] = {}
    starts: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _proc_stat(int(entry.name))
        if stat is None or stat[1] == "Z":
            continue
        parents.setdefault(stat[0], []).append(int(entry.name))
        starts[int(entry.name)] = stat[2]
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found[child] = starts[child]
            todo.append(child)
    return found


def still_running(processes: dict[int, str]) -> list[str]:
    """The command lines of those ``processes`` that are still alive (same pid, same start)."""
    alive = []
    for pid, start in processes.items():
        stat = _proc_stat(pid)
        if stat is not None and stat[1] != "Z" and stat[2] == start:
            with contextlib.suppress(OSError):
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                alive.append(f"{pid}: {cmdline.decode(errors='replace')}")
    return alive


@dataclass
class Served:
    """``tvtui serve`` running as a subprocess on 127.0.0.1."""

    process: subprocess.Popen[str]
    url: str
    first_line: str

    def stop(self, timeout: float = AWHILE, *, whole_group: bool = False) -> tuple[int, str]:
        """SIGINT to the server, or (``whole_group``) to its process group as Ctrl-C in a
        terminal sends it, apps included; the exit status and everything it printed."""
        if whole_group:
            os.killpg(self.process.pid, signal.SIGINT)
        else:
            self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=timeout)
        return self.process.returncode, self.first_line + out


def serve_env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "TVTUI_CONFIG": str(tmp_path / "config.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    return env


@contextlib.contextmanager
def served(tmp_path: Path, *args: str) -> Iterator[Served]:
    """``tvtui serve --port <free> *args`` in ``tmp_path``; killed at the end if still up."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tvtui", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=serve_env(tmp_path),
        cwd=tmp_path,
        start_new_session=True,  # its own process group, as a command run from a shell
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()  # the start-up line, once it listens
        assert f"http://127.0.0.1:{port}" in first_line, first_line + process.stdout.read()
        yield Served(process, f"http://127.0.0.1:{port}", first_line)
    finally:
        if process.poll() is None:
            for pid in descendants(process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.kill()
            process.communicate(timeout=10)
