"""The real command in a pseudo-terminal: ``tvtui --demo`` shows live data, ``q`` quits."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import AWHILE, interruptible


def test_tvtui_demo_starts_shows_prices_and_quits_on_q(tmp_path: Path) -> None:
    proc, main = _app_in_pty(tmp_path, size=(160, 45))
    seen = b""
    try:
        deadline = time.monotonic() + AWHILE
        while b"connected" not in seen or b"Bitcoin" not in seen:
            assert time.monotonic() < deadline, "no live data on screen"
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                seen += os.read(main, 65536)
        os.write(main, b"q")
        # ~1 s on a quiet machine (the demo's simulator and the interpreter shut down too);
        # a hang is what this catches, and a busy machine took over 15 s
        deadline = time.monotonic() + AWHILE
        while proc.poll() is None:  # keep draining: a full pty would block the app's writes
            assert time.monotonic() < deadline, "q did not quit"
            ready, _, _ = select.select([main], [], [], 0.1)
            if ready:
                try:
                    os.read(main, 65536)
                except OSError:
                    break
        proc.wait(timeout=AWHILE)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=AWHILE)
        os.close(main)
    assert not (tmp_path / "config.toml").exists()  # nothing changed, nothing written


# --- issue 17.10: exit codes and the terminal's state -----------------------------------------


def _app_in_pty(
    tmp_path: Path, size: tuple[int, int] = (120, 40)
) -> tuple[subprocess.Popen[bytes], int]:
    """``tvtui --demo`` in a pseudo-terminal of ``size``, with private config and data folders."""
    env = {
        **os.environ,
        "TVTUI_CONFIG": str(tmp_path / "config.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "COLUMNS": str(size[0]),
        "LINES": str(size[1]),
        "TERM": "xterm-256color",
    }
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tvtui", "--demo"],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        cwd=tmp_path,
        close_fds=True,
        start_new_session=True,  # its own session: a SIGHUP here reaches only it
    )
    os.close(child)
    return proc, main


def _read_until(main: int, proc: subprocess.Popen[bytes], done, timeout: float) -> bytes:
    """Drain the pty (a full one would block the app) until ``done(seen)`` or the app exits."""
    seen = b""
    deadline = time.monotonic() + timeout
    while not done(seen):
        assert time.monotonic() < deadline, seen[-400:]
        ready, _, _ = select.select([main], [], [], 0.1)
        if ready:
            try:
                seen += os.read(main, 65536)
            except OSError:  # the app is gone and the pty closed
                break
        elif proc.poll() is not None and done is not None and not ready:
            break
    return seen


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_termination_signal_restores_the_terminal_and_exits_128_plus_it(
    tmp_path: Path, signum: int
) -> None:
    proc, main = _app_in_pty(tmp_path)
    try:
        _read_until(main, proc, lambda seen: b"connected" in seen, AWHILE)
        proc.send_signal(signum)
        after = _read_until(main, proc, lambda seen: proc.poll() is not None, 10)
        proc.wait(timeout=AWHILE)
        assert proc.returncode == 128 + signum
        assert b"\x1b[?1049l" in after  # left the alternate screen
        assert b"\x1b[?1000l" in after  # mouse reporting off
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=AWHILE)
        os.close(main)


def test_a_crash_exits_non_zero_and_names_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tvtui.ui import launch
    from tvtui.ui.app import TvtuiApp

    monkeypatch.setenv("TVTUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("TVTUI_WS_URL", "ws://127.0.0.1:9/socket.io/websocket")

    secret = "eyJhbGciOiJIUzI1NiJ9.bWFya2Vy.CRASH-SECRET-MARKER"
    monkeypatch.setenv("TRADINGVIEW_JWT_TOKEN", secret)

    def boom(self: TvtuiApp) -> None:
        token = secret  # a local variable holding the token, as a client frame would
        raise RuntimeError(f"boom \x1b]2;PWNED\x07 {len(token)}")

    run = TvtuiApp.run
    monkeypatch.setattr(TvtuiApp, "on_mount", boom)
    monkeypatch.setattr(TvtuiApp, "run", lambda self, **kw: run(self, headless=True, size=(80, 24)))
    code = launch.main(["NASDAQ:AAPL"])
    err = capsys.readouterr().err
    assert code == 1
    line = next(line for line in err.splitlines() if line.startswith("tvtui crashed: "))
    assert "RuntimeError: boom" in line and "\x1b" not in line
    log = Path(line.rsplit(" ", 1)[1])
    assert log.is_file() and log.is_relative_to(tmp_path / "state")
    text = log.read_text()
    assert "Traceback" in text and "boom" in text and "\x1b" not in text
    # what Textual prints on the way out: the traceback without locals, plain
    assert "RuntimeError: boom" in err and "\x1b]2;" not in err
    assert "CRASH-SECRET-MARKER" not in err + text


def test_ctrl_c_on_stream_follow_exits_130(tmp_path: Path, live_sim) -> None:
    env = {**os.environ, **live_sim.env()}
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    with interruptible():  # it must be able to receive the Ctrl-C this test sends
        proc = subprocess.Popen(
            [sys.executable, "-m", "tvtui", "stream", "BINANCE:BTCUSDT", "--follow"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # it is streaming
        assert first.startswith(b"{")
        proc.send_signal(signal.SIGINT)
        # read both pipes to the end while it exits: a --follow run keeps printing, and a
        # pipe nobody reads can fill up and block its writes
        _, errors = proc.communicate(timeout=30)
        assert proc.returncode == 130
        assert b"Traceback" not in errors
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=AWHILE)
