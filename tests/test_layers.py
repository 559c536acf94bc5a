"""The layering, checked on every run: the import-linter contracts in pyproject.toml hold, the
headless face really never loads the UI libraries (a script pays for none of them), the
simulator loads nothing of the client but its codec and message builders, and no module
reaches into another's private names (each module's public names are its interface)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tvtui"
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


def test_the_simulator_loads_only_the_codec_and_the_message_builders_of_the_client() -> None:
    """At run time, indirect imports included: what ``import tvtui.sim`` loads of tvtui."""
    code = (
        "import sys, tvtui.sim, tvtui.sim.__main__\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('tvtui.'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(done.stdout.split())
    assert "tvtui.sim.server" in loaded  # the trace is real
    outside = {m for m in loaded if not m.startswith("tvtui.sim")}
    assert outside <= {"tvtui.feed", "tvtui.feed.wire", "tvtui.feed.messages"}, outside


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_uses(path: Path) -> list[str]:
    """Imports of private names or modules, and private attributes read off anything but
    ``self``/``cls`` (another object's internals), in one file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom):
            modules = (node.module or "").split(".")
            names = [alias.name for alias in node.names]
            found += [f"{where} imports {n}" for n in [*modules, *names] if _private(n)]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(_private(part) for part in alias.name.split(".")):
                    found.append(f"{where} imports {alias.name}")
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                found.append(f"{where} uses {ast.unparse(node)}")
    return found


def test_no_module_imports_or_reads_another_modules_private_names() -> None:
    """E.g. ``from .x import _y`` or ``server._record_sent(...)``: a private name may change
    without notice, so modules (the simulator's parts included) talk through public ones."""
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 40  # the scan is real
    found = [use for path in files for use in _private_uses(path)]
    assert not found, "\n".join(found)


def test_every_module_stays_small_and_the_package_says_it_is_typed() -> None:
    """One job per module (issue 11: none over 400 lines), and ``py.typed`` so that a program
    using the library gets its type hints."""
    files = sorted(PACKAGE.rglob("*.py"))
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in files
    }
    assert not {path: n for path, n in sizes.items() if n > 400}
    assert (PACKAGE / "py.typed").is_file()
