"""The layering, checked on every run: the import-linter contracts in pyproject.toml hold, and
the headless face really never loads the UI libraries (a script pays for none of them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_LIBRARIES = ("textual", "rich", "plotext", "textual_plotext")


def test_the_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is part of the test extra"
    done = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_tvtui_stream_never_imports_a_ui_library(sim) -> None:
    """A real ``tvtui stream`` run against the simulator, every import it makes traced."""
    env = {**os.environ, **sim.env()}
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tvtui", "stream", "BINANCE:BTCUSDT",
         "--candles", "3", "--indicator", "STD;RSI@37.0"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"ohlc"' in done.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "tvtui" in imported  # the trace is real
    assert not imported & set(UI_LIBRARIES)
