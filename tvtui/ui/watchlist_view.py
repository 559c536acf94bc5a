"""Which rows the watchlist shows, in which order: sections, folds, the filter and the sort.

A row is a key: a symbol, a section's header (:func:`section_key`) or the totals row
(:data:`TOTALS`). Sorting orders the symbols within each section (TradingView's way: a section
is a group the trader made, and the sort never mixes them) and never changes the saved order
(``manual``, no sort, shows it). Symbols without the sorted value (no quote yet, no position)
go last whichever the direction, so a list loading its quotes does not jump about.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from tvtui.ui.watchlist_cells import EXTRA_FIELDS
from tvtui.ui.watchlist_holdings import Holdings, number
from tvtui.ui.watchlist_state import WatchlistState

SECTION = "\x00section:"
TOTALS = "\x00totals"

#: What each sortable column sorts by: a quote field, or a position figure.
QUOTE_SORT = {"last": "lp", "change": "ch", "change_pct": "chp", "volume": "volume", **EXTRA_FIELDS}
POSITION_SORT = ("quantity", "avg_cost", "market_value", "day_gain", "total_gain", "total_gain_pct")
#: The order ``s`` cycles through (manual first: the saved order).
SORT_CYCLE: tuple[str | None, ...] = (
    None, "symbol", "last", "change", "change_pct", "volume", *POSITION_SORT,
)  # fmt: skip


def section_key(index: int) -> str:
    return f"{SECTION}{index}"


def section_index(key: str) -> int | None:
    return int(key[len(SECTION) :]) if key.startswith(SECTION) else None


def is_symbol(key: str) -> bool:
    return not key.startswith("\x00")


def parse_sort(sort: str | None) -> tuple[str | None, bool]:
    """``"-change_pct"`` -> (``"change_pct"``, descending)."""
    if not sort:
        return None, False
    return sort.lstrip("-"), sort.startswith("-")


def sort_value(state: WatchlistState, holdings: Holdings, symbol: str, *, key: str) -> Any:
    """What ``symbol`` sorts by in column ``key`` (None: it has none)."""
    if key == "symbol":
        return symbol
    if key == "description":
        text = state.quotes.get(symbol, {}).get("description")
        return text.lower() if isinstance(text, str) else None
    field = QUOTE_SORT.get(key)
    if field is not None:
        value = number(state.quotes.get(symbol, {}).get(field))
        return None if value is not None and value >= 1e99 else value  # an index's volume
    position = holdings.position(symbol)
    if position is None:
        return None
    if key == "quantity":
        return position.quantity
    if key == "avg_cost":
        return position.average_cost
    valued = holdings.valued(symbol)
    if valued is None:
        return None
    return {
        "market_value": valued.market_value,
        "day_gain": valued.day_gain,
        "total_gain": valued.total_gain,
        "total_gain_pct": valued.total_gain_pct,
    }.get(key)


def matches(state: WatchlistState, symbol: str, needle: str) -> bool:
    if needle in symbol.lower():
        return True
    text = state.quotes.get(symbol, {}).get("description")
    return isinstance(text, str) and needle in text.lower()


def sort_symbols(symbols: list[str], value: Callable[[str], Any], reverse: bool) -> list[str]:
    keyed = [(value(symbol), symbol) for symbol in symbols]
    present = [(v, s) for v, s in keyed if v is not None]
    present.sort(key=lambda pair: pair[0], reverse=reverse)  # stable: ties keep saved order
    return [s for _v, s in present] + [s for v, s in keyed if v is None]


def build_view(state: WatchlistState, holdings: Holdings) -> list[str]:
    """The row keys in display order."""
    spec = state.shown
    headers = len(spec.sections) > 1 or spec.sections[0].title is not None
    key, reverse = parse_sort(spec.sort)
    needle = state.filter.strip().lower()
    rows: list[str] = []
    for index, section in enumerate(spec.sections):
        symbols = section.symbols
        if needle:
            symbols = [s for s in symbols if matches(state, s, needle)]
            if not symbols:
                continue
        if headers and (section.title is not None or section.symbols):
            rows.append(section_key(index))
        if section.folded:
            continue
        if key is not None:
            value = partial(sort_value, state, holdings, key=key)
            symbols = sort_symbols(symbols, value, reverse)
        rows += symbols
    if holdings.any_held():
        rows.append(TOTALS)
    return rows
