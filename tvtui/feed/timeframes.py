"""Timeframes: the names people type, the resolutions the server takes, and bar lengths.

An unknown timeframe is an error that names the valid ones; nothing ever falls back to one
minute silently (the bug of the module tvtui replaces).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timeframe:
    name: str  #: what a person types and sees: ``1m``, ``4h``, ``1d``
    resolution: str  #: what ``create_series`` takes: ``1``, ``240``, ``1D``
    seconds: int  #: nominal bar length (a month counts as 30 days)


_ALL: tuple[Timeframe, ...] = (
    Timeframe("1m", "1", 60),
    Timeframe("3m", "3", 180),
    Timeframe("5m", "5", 300),
    Timeframe("15m", "15", 900),
    Timeframe("30m", "30", 1800),
    Timeframe("45m", "45", 2700),
    Timeframe("1h", "60", 3600),
    Timeframe("2h", "120", 7200),
    Timeframe("3h", "180", 10800),
    Timeframe("4h", "240", 14400),
    Timeframe("1d", "1D", 86400),
    Timeframe("1w", "1W", 7 * 86400),
    Timeframe("1M", "1M", 30 * 86400),
)

TIMEFRAMES: dict[str, Timeframe] = {tf.name: tf for tf in _ALL}
#: Accepted spellings besides the canonical names.
_ALIASES = {"1D": "1d", "1W": "1w", "D": "1d", "W": "1w", "M": "1M"}
_BY_RESOLUTION = {tf.resolution: tf for tf in _ALL}
VALID_NAMES: tuple[str, ...] = tuple(TIMEFRAMES)


def parse_timeframe(name: str) -> Timeframe:
    """The timeframe called ``name``; ``ValueError`` naming the valid ones otherwise."""
    if isinstance(name, str):
        key = name.strip()
        key = _ALIASES.get(key, key)
        if key in TIMEFRAMES:
            return TIMEFRAMES[key]
    raise ValueError(
        f"Unknown timeframe {name!r}. Valid timeframes: {', '.join(VALID_NAMES)} "
        "(1D and 1W are accepted too)."
    )


def from_resolution(resolution: str) -> Timeframe:
    """The timeframe for a server resolution string (``60`` -> ``1h``)."""
    if resolution in _BY_RESOLUTION:
        return _BY_RESOLUTION[resolution]
    alias = {"D": "1D", "W": "1W", "M": "1M"}.get(resolution)
    if alias:
        return _BY_RESOLUTION[alias]
    raise ValueError(f"Unknown resolution {resolution!r}")
