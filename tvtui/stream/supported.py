"""The seed's "Supported Data": time frames, exchanges and indicators one can stream.

Under clear names (``supported_timeframes``, ``known_exchanges``, ``builtin_indicators``,
``search_indicators``, ``indicator_inputs``) with the seed module's helper names kept as thin
aliases (``fetch_tradingview_indicators``, ``fetch_indicator_metadata``,
``display_and_select_indicator``), so code written for it keeps working.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from tvtui.feed.catalog import (
    IndicatorInfo,
    builtin_indicators,
    search_indicators,
    search_public_scripts,
)
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.studies import Indicator, fetch_indicator
from tvtui.feed.study_inputs import InputSpec
from tvtui.feed.timeframes import TIMEFRAMES

__all__ = [
    "IndicatorInfo",
    "InputSpec",
    "KnownExchanges",
    "builtin_indicators",
    "display_and_select_indicator",
    "fetch_indicator_metadata",
    "fetch_tradingview_indicators",
    "indicator_inputs",
    "known_exchanges",
    "search_indicators",
    "search_public_scripts",
    "supported_timeframes",
]


def supported_timeframes() -> list[str]:
    """The ``timeframe`` values ``Streamer.stream`` takes: ``1m`` ... ``1M``."""
    return list(TIMEFRAMES)


@dataclass(frozen=True, slots=True)
class KnownExchanges:
    """``names`` (sorted) and ``source``: where the list came from and what it is not."""

    names: tuple[str, ...]
    source: str


@cache
def known_exchanges() -> KnownExchanges:
    """The exchanges shipped with tvtui (package data ``tvtui/stream/data/exchanges.json``)."""
    text = resources.files("tvtui.stream").joinpath("data/exchanges.json").read_text("utf-8")
    data = json.loads(text)
    return KnownExchanges(tuple(data["exchanges"]), str(data["source"]))


def indicator_inputs(
    pine_id: str, version: str = "last", endpoints: Endpoints | None = None
) -> list[InputSpec]:
    """The inputs one can set on ``pine_id``: name, type, default, min/max, options."""
    return list(fetch_indicator(pine_id, version, endpoints).input_specs)


# --- the seed's helper names ----------------------------------------------------------------


def fetch_tradingview_indicators(query: str, *, public: bool = False) -> list[dict[str, Any]]:
    """Seed alias of :func:`search_indicators` (built-ins; with ``public=True`` the community
    scripts of :func:`search_public_scripts` follow): dicts with ``scriptName``,
    ``scriptIdPart`` and ``version`` as pine-facade names them."""
    found = search_indicators(query)
    if public:
        found += search_public_scripts(query)
    return [{"scriptName": i.name, "scriptIdPart": i.pine_id, "version": i.version} for i in found]


def fetch_indicator_metadata(script_id: str, script_version: str = "last") -> Indicator:
    """Seed alias of :func:`tvtui.feed.studies.fetch_indicator` (cached)."""
    return fetch_indicator(script_id, script_version)


def display_and_select_indicator(
    indicators: list[dict[str, Any]],
    ask: Callable[[str], str] = input,
    show: Callable[[str], None] = print,
) -> tuple[str, str] | None:
    """Seed helper: print ``indicators`` numbered, ask for one; ``(scriptIdPart, version)`` or
    None for an empty list or an answer that is not one of the numbers."""
    if not indicators:
        show("No indicators found.")
        return None
    for number, item in enumerate(indicators, start=1):
        show(f"{number}. {item.get('scriptName')} ({item.get('scriptIdPart')})")
    answer = ask("Select an indicator by number: ").strip()
    if not answer.isdigit() or not 1 <= int(answer) <= len(indicators):
        return None
    chosen = indicators[int(answer) - 1]
    return str(chosen.get("scriptIdPart")), str(chosen.get("version") or "last")
