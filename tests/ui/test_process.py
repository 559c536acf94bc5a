"""The real command in a pseudo-terminal: ``tvtui --demo`` shows live data, ``q`` quits."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path


def test_tvtui_demo_starts_shows_prices_and_quits_on_q(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TVTUI_CONFIG": str(tmp_path / "config.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "COLUMNS": "160",
        "LINES": "45",
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
    )
    os.close(child)
    seen = b""
    try:
        deadline = time.monotonic() + 20
        while b"connected" not in seen or b"Bitcoin" not in seen:
            assert time.monotonic() < deadline, "no live data on screen"
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                seen += os.read(main, 65536)
        os.write(main, b"q")
        deadline = time.monotonic() + 5
        while proc.poll() is None:  # keep draining: a full pty would block the app's writes
            assert time.monotonic() < deadline, "q did not quit"
            ready, _, _ = select.select([main], [], [], 0.1)
            if ready:
                try:
                    os.read(main, 65536)
                except OSError:
                    break
        proc.wait(timeout=5)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        os.close(main)
    assert not (tmp_path / "config.toml").exists()  # nothing changed, nothing written
