"""What the app remembers between starts: theme, timeframe, indicators, the symbol on the chart,
the chart type.

Why a file of its own (``state.json`` beside ``config.toml``) rather than the config: the
config is the person's, edited by hand and read strictly; this is the app's own note of where
the person left off, rewritten as they work. A setting edited in ``config.toml`` after the
app last wrote this file wins: the edit is the newer wish.

Everything read back is checked like any file input: a broken or odd state file is ignored
(the config's values stand), never an error at start.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tvtui.config import LoadedConfig, atomic_write
from tvtui.config.settings import CHART_TYPES
from tvtui.config.studies import normalise
from tvtui.feed.timeframes import parse_timeframe

STATE_NAME = "state.json"
#: Bound on what is read back (a state file is a few hundred bytes).
MAX_STATE_BYTES = 64 * 1024
log = logging.getLogger(__name__)


@dataclass
class Remembered:
    theme: str | None = None
    timeframe: str | None = None
    indicators: list[str] | None = None
    symbol: str | None = None
    chart_type: str | None = None


def state_path(config: LoadedConfig) -> Path:
    return config.path.with_name(STATE_NAME)


def _text(value: Any, limit: int = 200) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= limit and value.isprintable():
        return value
    return None


def load_state(config: LoadedConfig) -> Remembered:
    """The remembered values still worth using (none when the config was edited since)."""
    path = state_path(config)
    try:
        if path.stat().st_size > MAX_STATE_BYTES:
            return Remembered()
        if config.exists and config.path.stat().st_mtime > path.stat().st_mtime:
            return Remembered()  # the person edited the config after: their edit wins
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Remembered()
    if not isinstance(data, dict):
        return Remembered()
    state = Remembered(theme=_text(data.get("theme")), symbol=_text(data.get("symbol")))
    timeframe = _text(data.get("timeframe"))
    if timeframe:
        with contextlib.suppress(ValueError):
            state.timeframe = parse_timeframe(timeframe).name
    if data.get("chart_type") in CHART_TYPES:
        state.chart_type = data["chart_type"]
    indicators = data.get("indicators")
    if isinstance(indicators, list) and len(indicators) <= 50:
        # each a study key (``STD;SMA length=50``); a broken entry is dropped, never an error
        state.indicators = normalise(i for i in indicators if isinstance(i, str))[0]
    return state


def save_state(config: LoadedConfig, state: Remembered) -> str | None:
    """Write ``state``; the reason when it could not be written (the app carries on)."""
    data = {k: v for k, v in asdict(state).items() if v is not None}
    try:
        atomic_write(state_path(config), json.dumps(data, indent=2) + "\n")
    except OSError as exc:
        log.warning("could not save %s: %s", state_path(config), exc)
        return exc.strerror or str(exc)
    return None
