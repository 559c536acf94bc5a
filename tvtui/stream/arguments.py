"""Checks of what a caller passes to ``Streamer.stream``, before anything is sent.

Why a module of its own: ``tvtui stream`` (:mod:`tvtui.headless`) checks its ``--indicator``
values with the same function the library uses, so a command line and a script get the same
message for the same mistake; neither needs a connection to find it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["MAX_CANDLES", "check_candles", "check_indicators"]


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


def check_indicators(indicators: Iterable[Any] | None) -> list[tuple[str, str]]:
    """``[(pine_id, version), ...]``; a clear ``ValueError`` for the shapes people get wrong
    (``("RSI", 1.0)``, a bare string, a dict). Public: ``tvtui stream`` checks its
    ``--indicator`` values with it before anything is sent."""
    if indicators is None:
        return []
    if isinstance(indicators, str | bytes | dict):
        raise ValueError(
            "indicators must be a list of (indicator_id, indicator_version) tuples, "
            'e.g. [("STD;RSI", "37.0")]'
        )
    wanted: list[tuple[str, str]] = []
    for item in indicators:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValueError(
                f"Indicator {item!r} must be an (indicator_id, indicator_version) tuple, "
                'e.g. ("STD;RSI", "37.0")'
            )
        pine_id, version = item
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
        if (pine_id, version) not in wanted:
            wanted.append((pine_id.strip(), version.strip()))
    return wanted
