"""Checks of what a caller passes to ``Streamer.stream``, before anything is sent.

Why a module of its own: ``tvtui stream`` (:mod:`tvtui.headless`) checks its ``--indicator``
values with the same function the library uses, so a command line and a script get the same
message for the same mistake; neither needs a connection to find it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

__all__ = [
    "MAX_CANDLES",
    "IndicatorRequest",
    "check_candles",
    "check_indicator_requests",
    "check_indicators",
]


#: The most bars one ``stream()`` returns: four pages of TradingView's 5,000 (and what a
#: chart keeps, ``tvtui.market.candles.DEFAULT_MAX_BARS``).
MAX_CANDLES = 20_000


def check_candles(numb_price_candles: int, name: str = "numb_price_candles") -> int:
    """``numb_price_candles`` if it is a whole number from 1 to :data:`MAX_CANDLES`, else a
    clear ``ValueError`` (a bool or a float is a caller's mistake, not a count). ``name`` is
    how the caller calls it (``--candles`` on the command line)."""
    if (
        not isinstance(numb_price_candles, int)
        or isinstance(numb_price_candles, bool)
        or not 1 <= numb_price_candles <= MAX_CANDLES
    ):
        raise ValueError(
            f"{name} must be a whole number from 1 to {MAX_CANDLES:,}, not {numb_price_candles!r}"
            " (more than 5,000 are fetched in pages of 5,000 older bars)"
        )
    return numb_price_candles


class IndicatorRequest(NamedTuple):
    """One indicator a caller asked for: its id, version and input overrides (maybe none)."""

    pine_id: str
    version: str
    inputs: dict[str, Any]


def check_indicators(indicators: Iterable[Any] | None) -> list[tuple[str, str]]:
    """``[(pine_id, version), ...]``; a clear ``ValueError`` for the shapes people get wrong
    (``("RSI", 1.0)``, a bare string, a dict). Public: ``tvtui stream`` checks its
    ``--indicator`` values with it before anything is sent. Input overrides (a third item)
    are checked too but not returned: see :func:`check_indicator_requests`."""
    pairs: list[tuple[str, str]] = []
    for request in check_indicator_requests(indicators):
        if (request.pine_id, request.version) not in pairs:
            pairs.append((request.pine_id, request.version))
    return pairs


def check_indicator_requests(indicators: Iterable[Any] | None) -> list[IndicatorRequest]:
    """Each ``(pine_id, version)`` or ``(pine_id, version, {input: value})`` checked for shape
    (the input names and values are checked against the metadata later, still before anything
    is sent). The same indicator with the same inputs twice counts once."""
    if indicators is None:
        return []
    if isinstance(indicators, str | bytes | dict):
        raise ValueError(
            "indicators must be a list of (indicator_id, indicator_version) tuples, "
            'e.g. [("STD;RSI", "37.0")] or [("STD;RSI", "37.0", {"length": 7})]'
        )
    wanted: list[IndicatorRequest] = []
    for item in indicators:
        if not isinstance(item, tuple | list) or len(item) not in (2, 3):
            raise ValueError(
                f"Indicator {item!r} must be an (indicator_id, indicator_version) tuple, "
                'e.g. ("STD;RSI", "37.0"), or with inputs ("STD;RSI", "37.0", {"length": 7})'
            )
        pine_id, version = item[0], item[1]
        inputs = item[2] if len(item) == 3 else {}
        if not isinstance(pine_id, str) or not pine_id.strip():
            raise ValueError(f"Indicator id {pine_id!r} must be text such as 'STD;RSI'")
        if isinstance(version, int | float) and not isinstance(version, bool):
            version = f"{float(version):.1f}"
        if not isinstance(version, str) or not version.strip():
            raise ValueError(f"Indicator version {version!r} must be text such as '37.0'")
        if ";" not in pine_id:
            raise ValueError(
                f"Indicator id {pine_id!r} is not a TradingView script id; built-in ones look "
                "like 'STD;RSI' or 'STD;MACD'"
            )
        if not isinstance(inputs, dict) or not all(isinstance(k, str) for k in inputs):
            raise ValueError(
                f"The inputs of {pine_id} must be a dict of input name to value, e.g. "
                f'{{"length": 7}}, not {inputs!r}'
            )
        request = IndicatorRequest(pine_id.strip(), version.strip(), dict(inputs))
        if request not in wanted:
            wanted.append(request)
    return wanted
