"""Named watchlists with sections, and position lots: what the config file may say about them.

The TOML (``config.toml``)::

    shown_watchlist = "Crypto"            # the list on screen at start (else the first)

    [[watchlists]]
    name = "Crypto"
    currency = "USD"                      # the totals row's currency
    columns = ["symbol", "last", "change_pct", "quantity", "total_gain", "trend"]
    sort = "-change_pct"                  # a column key, "-" for descending; absent: manual

    [[watchlists.sections]]
    title = "Majors"                      # absent: the symbols above the first header
    symbols = ["BINANCE:BTCUSDT", "BINANCE:ETHUSDT"]
    folded = false

    [[positions]]                         # one table per lot (a trade)
    symbol = "BINANCE:BTCUSDT"
    quantity = 0.5                        # negative: sold (a short, or closing a long)
    price = 60000
    date = "2026-01-15"                   # optional (lots are applied in date order)
    fees = 12.5                           # optional

Why positions are top-level and not per list: a holding is one fact about the trader's
account, and a symbol may sit in several lists; each list shows the same holding and totals
the positions of the symbols it holds. The older ``watchlist = [...]`` is read as one list named
"Watchlist" (so existing files keep working) and is what a single plain list is saved as.

This module only holds and checks the values; :mod:`tvtui.config.saving` writes them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tvtui.feed.untrusted import is_plain
from tvtui.market.positions import Lot

#: Every column a list may show (``columns``) or sort by (``sort``); the UI draws them.
COLUMN_KEYS: tuple[str, ...] = (
    "symbol", "description", "last", "change", "change_pct", "volume", "trend",
    "bid", "ask", "high", "low", "open", "prev_close", "low_52w", "high_52w",
    "quantity", "avg_cost", "market_value", "day_gain", "total_gain", "total_gain_pct",
)  # fmt: skip
DEFAULT_LIST_NAME = "Watchlist"
DEFAULT_CURRENCY = "USD"
MAX_NAME = 40
MAX_LISTS = 100
MAX_LOTS = 10_000
_CURRENCY_RE = re.compile(r"^[A-Z]{3,5}$")
_LIST_KEYS = {"name", "currency", "columns", "sort", "sections"}
_SECTION_KEYS = {"title", "symbols", "folded"}
_LOT_KEYS = {"symbol", "quantity", "price", "date", "fees"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?$")


@dataclass
class SectionSpec:
    """Symbols under one header (``title`` None: the untitled first part, no header row)."""

    title: str | None
    symbols: list[str] = field(default_factory=list)
    folded: bool = False


@dataclass
class ListSpec:
    """One named list: its sections in order and how it is shown."""

    name: str
    sections: list[SectionSpec] = field(default_factory=lambda: [SectionSpec(None)])
    currency: str = DEFAULT_CURRENCY
    columns: list[str] | None = None  #: None: the default columns for the pane's width
    sort: str | None = None  #: "key" or "-key"; None: the manual (saved) order

    @property
    def symbols(self) -> list[str]:
        return [symbol for section in self.sections for symbol in section.symbols]

    @property
    def plain(self) -> bool:
        """Savable as the old ``watchlist = [...]``: nothing but symbols to say."""
        return (
            self.name == DEFAULT_LIST_NAME
            and len(self.sections) == 1
            and self.sections[0].title is None
            and not self.sections[0].folded
            and self.currency == DEFAULT_CURRENCY
            and self.columns is None
            and self.sort is None
        )


Positions = dict[str, list[Lot]]


def single_list(symbols: list[str], name: str = DEFAULT_LIST_NAME) -> ListSpec:
    return ListSpec(name, [SectionSpec(None, list(dict.fromkeys(symbols)))])


def list_name_problem(name: str, taken: list[str]) -> str | None:
    """Why ``name`` cannot name a new list (None: it can)."""
    if not name.strip():
        return "a list needs a name"
    if len(name) > MAX_NAME or not is_plain(name):
        return f"a list name is plain text of at most {MAX_NAME} characters"
    if name.strip() in taken:
        return f"there is already a list named {name.strip()!r}"
    return None


def read_lists(value: Any) -> tuple[list[ListSpec], list[str]]:
    """``[[watchlists]]`` as lists, and a sentence per problem (a bad list is left out)."""
    from tvtui.feed.symbols import normalize_symbol

    known_columns = frozenset(COLUMN_KEYS)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return [], ["'watchlists' must be tables ([[watchlists]] with a name)"]
    lists: list[ListSpec] = []
    problems: list[str] = []
    for number, raw in enumerate(value[:MAX_LISTS], start=1):
        where = f"watchlists #{number}"
        problems += [f"unknown setting '{where}.{k}'" for k in sorted(set(raw) - _LIST_KEYS)]
        name = raw.get("name")
        if not isinstance(name, str) or list_name_problem(name, [s.name for s in lists]):
            problems.append(f"{where}: a unique plain 'name' is required; list left out")
            continue
        spec = ListSpec(name.strip(), [])
        currency = raw.get("currency", DEFAULT_CURRENCY)
        if isinstance(currency, str) and _CURRENCY_RE.match(currency.upper()):
            spec.currency = currency.upper()
        else:
            problems.append(f"{where}.currency must be a currency code such as 'USD'")
        columns = raw.get("columns")
        if columns is not None:
            if isinstance(columns, list) and all(c in known_columns for c in columns) and columns:
                spec.columns = list(dict.fromkeys(columns))
            else:
                known = ", ".join(sorted(known_columns))
                problems.append(f"{where}.columns must be a list of column keys ({known})")
        sort = raw.get("sort")
        if sort is not None:
            if isinstance(sort, str) and sort.lstrip("-") in known_columns:
                spec.sort = sort
            else:
                problems.append(f"{where}.sort must be a column key, '-' before it to reverse")
        sections = raw.get("sections", [])
        if not isinstance(sections, list) or not all(isinstance(s, dict) for s in sections):
            problems.append(f"{where}.sections must be tables ([[watchlists.sections]])")
            sections = []
        seen: set[str] = set()
        for part, section in enumerate(sections, start=1):
            at = f"{where} section #{part}"
            problems += [
                f"unknown setting '{at}.{k}'" for k in sorted(set(section) - _SECTION_KEYS)
            ]
            title = section.get("title")
            if title is not None and (not isinstance(title, str) or not is_plain(title)):
                problems.append(f"{at}.title must be plain text")
                title = "Section"
            folded = section.get("folded", False)
            if not isinstance(folded, bool):
                problems.append(f"{at}.folded must be true or false")
                folded = False
            symbols: list[str] = []
            entries = section.get("symbols", [])
            if not isinstance(entries, list) or not all(isinstance(s, str) for s in entries):
                problems.append(f"{at}.symbols must be a list of strings")
                entries = []
            for entry in entries:
                try:
                    symbol = normalize_symbol(entry)
                except ValueError as exc:
                    problems.append(f"{at} entry {entry!r} left out: {exc}")
                    continue
                if symbol not in seen:
                    seen.add(symbol)
                    symbols.append(symbol)
            spec.sections.append(SectionSpec(title and title.strip()[:60], symbols, folded))
        if not spec.sections:
            spec.sections.append(SectionSpec(None))
        lists.append(spec)
    return lists, problems


def read_positions(value: Any) -> tuple[Positions, list[str]]:
    """``[[positions]]`` (one table per lot) by symbol, in the order given."""
    from tvtui.feed.symbols import normalize_symbol

    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return {}, ["'positions' must be tables ([[positions]] with symbol, quantity, price)"]
    positions: Positions = {}
    problems: list[str] = []
    for number, raw in enumerate(value[:MAX_LOTS], start=1):
        where = f"positions #{number}"
        problems += [f"unknown setting '{where}.{k}'" for k in sorted(set(raw) - _LOT_KEYS)]
        try:
            symbol = normalize_symbol(str(raw.get("symbol", "")))
            date = raw.get("date")
            if date is not None:
                date = str(date)  # TOML dates come as datetime.date
                if not _DATE_RE.match(date):
                    raise ValueError(f"date {date!r} is not YYYY-MM-DD")
            lot = Lot(raw.get("quantity"), raw.get("price"), date, raw.get("fees", 0.0))
        except ValueError as exc:
            problems.append(f"{where} left out: {exc}")
            continue
        positions.setdefault(symbol, []).append(lot)
    return positions, problems


def _toml_str(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _number(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


def render_lists(lists: list[ListSpec], positions: Positions) -> str:
    """The ``[[watchlists]]`` and ``[[positions]]`` tables (they go at the end of the file)."""
    out: list[str] = []
    for spec in lists:
        out += ["[[watchlists]]", f"name = {_toml_str(spec.name)}"]
        out.append(f"currency = {_toml_str(spec.currency)}")
        if spec.columns is not None:
            out.append("columns = [" + ", ".join(_toml_str(c) for c in spec.columns) + "]")
        if spec.sort is not None:
            out.append(f"sort = {_toml_str(spec.sort)}")
        for section in spec.sections:
            out += ["", "[[watchlists.sections]]"]
            if section.title is not None:
                out.append(f"title = {_toml_str(section.title)}")
            body = "".join(f"    {_toml_str(s)},\n" for s in section.symbols)
            out.append(f"symbols = [\n{body}]" if body else "symbols = []")
            if section.folded:
                out.append("folded = true")
        out.append("")
    for symbol, lots in positions.items():
        for lot in lots:
            out += ["[[positions]]", f"symbol = {_toml_str(symbol)}"]
            out += [f"quantity = {_number(lot.quantity)}", f"price = {_number(lot.price)}"]
            if lot.date:
                out.append(f"date = {_toml_str(lot.date)}")
            if lot.fees:
                out.append(f"fees = {_number(lot.fees)}")
            out.append("")
    return "\n".join(out)
