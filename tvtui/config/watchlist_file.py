"""TradingView's watchlist export format: read it into sections, write sections back.

TradingView's "Export list" writes one line of comma-separated entries: ``EXCHANGE:SYMBOL``
for a symbol and ``###Title`` for a section header that applies to the symbols after it, e.g.
``###Crypto,BINANCE:BTCUSDT,BINANCE:ETHUSDT,###Stocks,NASDAQ:AAPL``. Files edited by hand may
use newlines too, so both separate entries here.

The file is untrusted: it is bounded (size, entries, title length), each symbol's shape is
checked with the same parser the symbol entry uses, and what is refused is listed with the
reason rather than dropped, so the import can say "3 added, 1 refused: ...". Whether a symbol
exists is the app's question (it asks the server); this module only reads and writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tvtui.feed.symbols import normalize_symbol
from tvtui.feed.untrusted import plain

__all__ = ["ImportResult", "Section", "format_watchlist", "parse_watchlist"]

#: The largest file read (TradingView lists hold at most a few thousand symbols).
MAX_BYTES = 1_000_000
#: Entries kept from one file.
MAX_ENTRIES = 5_000
#: A section title's length on screen.
MAX_TITLE = 60
SECTION_MARK = "###"
_SEPARATORS = re.compile(r"[,\r\n]+")


@dataclass
class Section:
    """Symbols under one header (``title`` None: the symbols before the first header)."""

    title: str | None
    symbols: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    sections: list[Section]
    refused: list[tuple[str, str]]  #: (entry as shown, why)

    @property
    def symbols(self) -> list[str]:
        return [symbol for section in self.sections for symbol in section.symbols]


def parse_watchlist(text: str) -> ImportResult:
    """Sections and symbols of a TradingView export; bad entries are refused with a reason,
    a symbol seen twice is kept once (where it first appeared)."""
    if len(text) > MAX_BYTES:
        raise ValueError(f"a watchlist file must be under {MAX_BYTES:,} characters")
    sections: list[Section] = [Section(None)]
    refused: list[tuple[str, str]] = []
    seen: set[str] = set()
    entries = [entry.strip() for entry in _SEPARATORS.split(text.lstrip("\ufeff"))]
    for entry in [entry for entry in entries if entry][:MAX_ENTRIES]:
        if entry.startswith(SECTION_MARK):
            title = plain(entry[len(SECTION_MARK) :]).strip()[:MAX_TITLE]
            sections.append(Section(title or "Section"))
            continue
        try:
            symbol = normalize_symbol(entry)
        except ValueError as error:
            refused.append((plain(entry)[:40], str(error)))
            continue
        if symbol in seen:
            continue
        seen.add(symbol)
        sections[-1].symbols.append(symbol)
    if not sections[0].symbols and len(sections) > 1:
        sections.pop(0)
    return ImportResult(sections, refused)


def format_watchlist(sections: list[Section]) -> str:
    """The one-line export TradingView reads back."""
    entries: list[str] = []
    for section in sections:
        if section.title is not None:
            entries.append(SECTION_MARK + section.title.replace(",", " "))
        entries += section.symbols
    return ",".join(entries) + "\n"
