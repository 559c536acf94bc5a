"""The alert log: every firing appended as one JSON line, in the platform's data folder.

Where: ``platformdirs.user_data_path("tvtui")/alerts.jsonl`` (``TVTUI_ALERT_LOG`` names
another file). Bounded by rotation: once the file passes :data:`MAX_BYTES`, it becomes
``alerts.jsonl.1`` (replacing the older one) and a new file starts, so the log never holds
more than about twice that, and the recent firings are always in the two files.

Each line is written with one ``write`` on a file opened for appending, so two processes
(the app and ``tvtui alerts --watch``) appending at once never interleave inside a line.
What is read back is untrusted (a person or a program may have edited the file): a line that
is not a JSON object with the expected types is skipped.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
from pathlib import Path
from typing import Any

import platformdirs

from tvtui.alerts.alert import Firing

ENV_ALERT_LOG = "TVTUI_ALERT_LOG"
#: The size at which the log rotates (one old file is kept).
MAX_BYTES = 1_000_000
_LAST_SECOND = 253_402_300_799  #: the end of year 9999
#: Lines longer than this are not firings this program wrote; skipped when read.
_MAX_LINE = 4096


def log_path() -> Path:
    override = os.environ.get(ENV_ALERT_LOG)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path("tvtui") / "alerts.jsonl"


class AlertLog:
    """Append firings; read the recent ones back (newest last)."""

    def __init__(self, path: Path | None = None, max_bytes: int = MAX_BYTES) -> None:
        self.path = log_path() if path is None else path
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    @property
    def old_path(self) -> Path:
        return self.path.with_name(self.path.name + ".1")

    def append(self, firing: Firing) -> None:
        """Add one line (``OSError`` if the folder cannot be written: the caller says so)."""
        line = json.dumps(firing.row(), ensure_ascii=True, allow_nan=False, default=str) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                if self.path.stat().st_size + len(line) > self.max_bytes:
                    os.replace(self.path, self.old_path)
            with self.path.open("a", encoding="ascii") as handle:
                handle.write(line)

    def recent(self, count: int = 100) -> list[dict[str, Any]]:
        """The newest ``count`` firings as logged (dicts of :meth:`Firing.row`), oldest first."""
        rows: list[dict[str, Any]] = []
        for path in (self.old_path, self.path):
            rows += _read(path)
        return rows[-count:] if count > 0 else []

    def fired_ids(self) -> set[str]:
        """Ids of alerts that fired (a ``once`` alert among them is spent)."""
        return {row["id"] for row in self.recent(10**9) if isinstance(row.get("id"), str)}


def _read(path: Path, limit: int = 2 * MAX_BYTES) -> list[dict[str, Any]]:
    """The firings in the last ``limit`` bytes of ``path`` (a file grown by someone else
    is never read whole)."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - limit))
            data = handle.read(limit)
    except OSError:
        return []
    if size > limit:  # the first line is cut: drop it
        data = data.partition(b"\n")[2]
    text = data.decode("utf-8", errors="replace")
    rows = []
    for line in text.splitlines():
        if not line or len(line) > _MAX_LINE:
            continue
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if _valid(row):
            rows.append(row)
    return rows


def _valid(row: object) -> bool:
    if not isinstance(row, dict) or row.get("type") != "alert":
        return False
    price, time = row.get("price"), row.get("time")
    return (
        isinstance(row.get("symbol"), str)
        and isinstance(row.get("condition"), str)
        and isinstance(price, int | float)
        and not isinstance(price, bool)
        and math.isfinite(price)
        and isinstance(time, int | float)
        and not isinstance(time, bool)
        and 0 <= time <= _LAST_SECOND  # a time a calendar can show
    )
