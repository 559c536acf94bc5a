"""Start-up: ``tvtui --demo`` to its first full frame, and ``import tvtui.stream``.

The app runs in a real pseudo-terminal (160x45) as a child process, started the way the
``tvtui`` command starts it (``tvtui.cli.main(["--demo"])``) with one probe added: it notes
the monotonic time of every screen update (``App.post_display_hook``) and reports

- the first frame: the first screen update written to the terminal;
- the first full frame: the first update showing the watchlist's prices and the chart's
  candles (the demo's data, from the in-process simulator);

both counted from just before the parent starts the process (CLOCK_MONOTONIC is one clock for
every process). The reference is ``python -c pass`` started the same way, in the same pty.

``import tvtui.stream`` is timed inside a fresh interpreter (best of 5), against ``import
json`` timed the same way; the same process checks that no ``textual`` module got imported.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

from benchmarks import common
from benchmarks.common import Figure, ms

PROBE = r"""
import json, os, sys, time
from tvtui.ui.app import TvtuiApp
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.watchlist import Watchlist

marks = {}
original = TvtuiApp.post_display_hook

def hook(self):
    original(self)
    now = time.monotonic()
    marks.setdefault("first", now)
    if "full" not in marks:
        try:
            chart, watch = self.query_one(ChartPane), self.query_one(Watchlist)
        except Exception:
            return
        priced = [s for s in self.symbols if "lp" in watch.quotes.get(s, {})]
        plots_ready = chart.bars and all(p.settled for p in chart.query("ThemedPlot"))
        if priced and len(priced) == len(self.symbols) and plots_ready:
            marks["full"] = now
            self.call_later(self.exit, 0)

TvtuiApp.post_display_hook = hook
from tvtui.cli import main
main(["--demo"])
with open(os.environ["BENCH_MARKS"], "w") as out:
    json.dump(marks, out)
"""


def _in_pty(args: list[str], env: dict[str, str], timeout: float = 30.0) -> tuple[float, int]:
    """Run ``args`` on a 160x45 pty; returns (start time, exit code). Output is drained."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))

    def drain() -> None:
        while True:
            try:
                if not os.read(master, 65536):
                    return
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.monotonic()
    proc = subprocess.Popen(
        args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait(timeout=5)
    os.close(slave)
    reader.join(timeout=2)
    os.close(master)
    return start, code


def _app_start(tmp: str) -> dict[str, float]:
    marks_path = os.path.join(tmp, "marks.json")
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": "160",
        "LINES": "45",
        "TVTUI_CONFIG": os.path.join(tmp, "config.toml"),
        "XDG_DATA_HOME": os.path.join(tmp, "data"),
        "BENCH_MARKS": marks_path,
    }
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    start, _ = _in_pty([sys.executable, "-c", PROBE], env)
    with open(marks_path) as handle:
        marks = json.load(handle)
    os.unlink(marks_path)
    return {k: v - start for k, v in marks.items()}


def _python_pass() -> float:
    start, _ = _in_pty([sys.executable, "-c", "pass"], dict(os.environ))
    return time.monotonic() - start


def _import_time(module: str) -> tuple[float, bool]:
    code = (
        f"import sys, time; t = time.perf_counter(); import {module}; "
        "print(time.perf_counter() - t, any(n == 'textual' or n.startswith('textual.') "
        "for n in sys.modules))"
    )
    best, textual = float("inf"), False
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
        ).stdout.split()
        best = min(best, float(out[0]))
        textual = textual or out[1] == "True"
    return best, textual


def run(quick: bool = False) -> list[Figure]:
    runs = 2 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        _app_start(tmp)  # warm the file cache and .pyc files once
        starts = [_app_start(tmp) for _ in range(runs)]
    baseline = min(_python_pass() for _ in range(3))
    first = min(s.get("first", float("nan")) for s in starts)
    full = min(s.get("full", float("nan")) for s in starts)
    stream_import, textual = _import_time("tvtui.stream")
    json_import, _ = _import_time("json")
    return [
        Figure(
            "start-up: tvtui --demo to first full frame (pty 160x45)",
            f"{full:.2f} s (first frame {first:.2f} s; best of {runs})",
            reference=f"python -c pass {ms(baseline)}",
            target="< 1.5 s",
            met=full < 1.5,
        ),
        Figure(
            "start-up: import tvtui.stream",
            f"{ms(stream_import)}; Textual imported: {'yes' if textual else 'no'}",
            reference=f"import json {ms(json_import)}",
            target="< 150 ms, no Textual",
            met=stream_import < 0.150 and not textual,
        ),
    ]


if __name__ == "__main__":
    common.main(run)
