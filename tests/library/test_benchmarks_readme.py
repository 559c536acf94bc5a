"""The benchmarks README runs from a fresh clone: its commands use the project's venv, not an
interpreter path that exists on one machine only."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "benchmarks" / "README.md"


def test_benchmark_commands_use_the_venv_python() -> None:
    text = README.read_text()
    commands = re.findall(r"^(?:\S+/)?python3?\s+benchmarks/run\.py.*$", text, re.MULTILINE)
    assert commands, "the README shows how to run the benchmarks"
    assert all(c.startswith("python ") for c in commands), commands
    assert ". .venv/bin/activate" in text
    # No absolute interpreter or home path of the machine it was written on.
    assert not re.search(r"(?<![\w.])/(work|home|usr|opt)/\S*python", text)
