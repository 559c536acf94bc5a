"""Importing a TradingView watchlist file into a new list, every symbol checked with the server.

Why each symbol is checked (as the symbol entry does, :func:`tvtui.feed.symbols.validate_symbol`):
a file from elsewhere may name delisted or mistyped symbols, and a row that only ever says
"invalid symbol" is worse than a clear "refused" once. The checks run off the UI thread, a few
at a time, and the result is one summary: "12 imported into 'Crypto'; 2 refused: X (not
found), Y (malformed)". A file that cannot be read or holds nothing usable adds no list.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from tvtui.config.lists import MAX_NAME, ListSpec, SectionSpec, list_name_problem
from tvtui.config.watchlist_file import MAX_BYTES, parse_watchlist
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.symbols import SymbolLookupError, SymbolNotFoundError, validate_symbol
from tvtui.feed.untrusted import plain

#: Symbols checked at once.
PARALLEL = 4


@dataclass
class Imported(Message):
    """The checked file: the new list (None: nothing to add) and what was refused."""

    spec: ListSpec | None
    refused: list[tuple[str, str]]
    error: str | None = None


def path_problem(text: str) -> str | None:
    path = Path(text.strip()).expanduser()
    try:
        if not path.is_file():
            return "no such file"
        if path.stat().st_size > MAX_BYTES:
            return "too large for a watchlist file"
    except OSError as exc:
        return exc.strerror or "cannot be read"
    return None


def free_name(stem: str, taken: list[str]) -> str:
    base = plain(stem).strip()[: MAX_NAME - 4] or "Imported"
    name, number = base, 2
    while list_name_problem(name, taken):
        name, number = f"{base} {number}", number + 1
    return name


def import_file(
    path: str,
    taken: list[str],
    endpoints: Endpoints,
    check: Callable[..., str] = validate_symbol,
) -> Imported:
    """Read, parse and check ``path`` (blocking: run it off the UI thread)."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8", errors="replace")
        parsed = parse_watchlist(text)
    except (OSError, ValueError) as exc:
        return Imported(None, [], f"{path}: {exc}")
    refused = list(parsed.refused)

    def one(symbol: str) -> tuple[str, str | None]:
        try:
            return check(symbol, endpoints, attempts=2, timeout=5.0), None
        except SymbolNotFoundError:
            return symbol, "not found"
        except (SymbolLookupError, ValueError, OSError) as exc:
            return symbol, plain(str(exc))[:80] or "could not be checked"

    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = dict(zip(parsed.symbols, pool.map(one, parsed.symbols), strict=True))
    sections: list[SectionSpec] = []
    for section in parsed.sections:
        kept = []
        for symbol in section.symbols:
            checked, why = answers[symbol]
            if why is None:
                kept.append(checked)
            else:
                refused.append((symbol, why))
        sections.append(SectionSpec(section.title, list(dict.fromkeys(kept))))
    if not any(section.symbols for section in sections):
        return Imported(None, refused, "no symbol of the file could be imported")
    name = free_name(Path(path).stem, taken)
    return Imported(ListSpec(name, sections), refused)


def summary(result: Imported) -> str:
    """One sentence: what was imported, what was refused and why."""
    head = (
        f"{len(result.spec.symbols)} imported into {result.spec.name!r}"
        if result.spec is not None
        else f"Nothing imported: {result.error}"
    )
    if not result.refused:
        return head + "."
    shown = ", ".join(f"{entry} ({why})" for entry, why in result.refused[:8])
    more = f" and {len(result.refused) - 8} more" if len(result.refused) > 8 else ""
    return f"{head}; {len(result.refused)} refused: {shown}{more}."
