"""Symbol format checks, existence checks against the scanner, and symbol search.

The format check runs first and offline, so hostile or mistyped input (empty, ``../etc``, a
NUL byte, 10,000 characters, non-ASCII) gets a clear message and nothing is sent anywhere.
The existence check reproduces what tradingview-scraper does (``scanner.tradingview.com/symbol``,
2xx valid, 404 unknown) minus its flaws: a 404 is final at once, network trouble is retried
with backoff, and every error says what went wrong.
"""

from __future__ import annotations

import contextlib
import re
import time
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from tvtui.feed import http
from tvtui.feed.endpoints import Endpoints

MAX_SYMBOL_LENGTH = 64
EXAMPLE = "Symbol must look like EXCHANGE:SYMBOL, e.g. BINANCE:BTCUSDT"

#: Exchanges are identifiers: ``BINANCE``, ``CME_MINI``, ``FX_IDC``.
_EXCHANGE_RE = re.compile(r"[A-Za-z0-9_]+")
#: Tickers use letters, digits and a few marks: ``BRK.B``, ``ES1!``, ``BTCUSDT.P``, ``M&M``,
#: ``BAJAJ-AUTO``, ``BTC/USD``. They start with a letter or digit.
_TICKER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._!&/-]*")


class SymbolLookupError(ValueError):
    """The symbol could not be checked (network, 5xx, 429) after every retry."""


class SymbolNotFoundError(ValueError):
    """The scanner says the symbol does not exist (HTTP 404)."""


def _show(text: str, limit: int = 40) -> str:
    """A safe excerpt of user input for an error message (escapes control characters)."""
    excerpt = text if len(text) <= limit else text[:limit] + "..."
    return repr(excerpt)


def parse_symbol(text: str) -> tuple[str, str]:
    """``(EXCHANGE, SYMBOL)`` from ``EXCHANGE:SYMBOL``, both upper-cased.

    Upper case is TradingView's form: its exchanges and tickers are upper case and it resolves
    ``binance:solusdt`` to ``BINANCE:SOLUSDT``. Keeping what was typed would save
    ``BINANCE:solusdt`` and let a second ``BINANCE:SOLUSDT`` row in beside it.

    Surrounding whitespace is ignored (people paste it); anything else unusual is a
    ``ValueError`` that says what is wrong.
    """
    if not isinstance(text, str):
        raise ValueError(f"Symbol must be text, not {type(text).__name__}. {EXAMPLE}")
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"Symbol is empty. {EXAMPLE}")
    if len(stripped) > MAX_SYMBOL_LENGTH:
        raise ValueError(
            f"Symbol is too long ({len(stripped)} characters, at most {MAX_SYMBOL_LENGTH}). "
            f"{EXAMPLE}"
        )
    for ch in stripped:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise ValueError(f"Symbol contains a control character ({ch!r}). {EXAMPLE}")
    if not stripped.isascii():
        bad = next(ch for ch in stripped if not ch.isascii())
        raise ValueError(
            f"Symbol contains {bad!r}; only ASCII letters, digits and . _ ! & / - are allowed. "
            f"{EXAMPLE}"
        )
    if any(ch.isspace() for ch in stripped):
        raise ValueError(f"Symbol must not contain spaces ({_show(stripped)}). {EXAMPLE}")
    colons = stripped.count(":")
    if colons != 1:
        what = "has no colon" if colons == 0 else f"has {colons} colons"
        raise ValueError(f"Symbol {_show(stripped)} {what}. {EXAMPLE}")
    exchange, symbol = stripped.split(":")
    if not exchange:
        raise ValueError(f"The exchange part of {_show(stripped)} is empty. {EXAMPLE}")
    if not symbol:
        raise ValueError(f"The symbol part of {_show(stripped)} is empty. {EXAMPLE}")
    if ".." in stripped:
        raise ValueError(f"Symbol must not contain '..' ({_show(stripped)}). {EXAMPLE}")
    if not _EXCHANGE_RE.fullmatch(exchange):
        raise ValueError(
            f"Exchange {_show(exchange)} may only use letters, digits and _. {EXAMPLE}"
        )
    if not _TICKER_RE.fullmatch(symbol):
        raise ValueError(
            f"Ticker {_show(symbol)} must start with a letter or digit and use only letters, "
            f"digits and . _ ! & / -. {EXAMPLE}"
        )
    return exchange.upper(), symbol.upper()


def normalize_symbol(text: str, resolved: object = None) -> str:
    """A symbol in TradingView's form: the one normalising step every entry point uses (the
    library, ``tvtui stream``, the config loader, the app's symbol entry and watchlist).

    ``binance:solusdt`` -> ``BINANCE:SOLUSDT``. ``resolved`` is what the server resolved the
    symbol to (a quote's or ``symbol_resolved``'s ``pro_name``), when known: it wins if it is a
    well-formed ``EXCHANGE:SYMBOL`` (upper-cased too); anything else there is ignored, since it
    is untrusted. ``ValueError`` (from :func:`parse_symbol`) when ``text`` is malformed.
    """
    exchange, symbol = parse_symbol(text)
    if isinstance(resolved, str) and resolved.strip():
        with contextlib.suppress(ValueError):
            exchange, symbol = parse_symbol(resolved)
    return f"{exchange}:{symbol}"


def validate_symbol(
    symbol: str,
    endpoints: Endpoints | None = None,
    attempts: int = 3,
    timeout: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Check that ``symbol`` exists; return it normalised (``EXCHANGE:SYMBOL``).

    Raises ``ValueError`` for a malformed symbol (nothing sent), :class:`SymbolNotFoundError`
    on a 404 (at once, no retry), :class:`SymbolLookupError` when the scanner cannot be
    reached or keeps failing (network, 5xx, 429) after ``attempts`` tries.
    """
    exchange, ticker = parse_symbol(symbol)
    full = f"{exchange}:{ticker}"
    endpoints = endpoints or Endpoints.from_env()
    query = urlencode({"symbol": full, "fields": "market", "no_404": "false"})
    url = f"{endpoints.scanner}?{query}"
    try:
        response = http.get_with_retries(
            url, headers=http.browser_headers(), timeout=timeout, attempts=attempts, sleep=sleep
        )
    except http.HttpFailure as exc:
        raise SymbolLookupError(f"Could not check symbol {full}: {exc.reason}.") from None
    if response.ok:
        return full
    if response.status == 404:
        raise SymbolNotFoundError(f"Symbol {full} does not exist on TradingView.")
    raise SymbolLookupError(
        f"Could not check symbol {full}: {http.status_reason(response.status)}."
    )


_TAG_RE = re.compile(r"</?em>")


def _clean(value: Any) -> Any:
    return _TAG_RE.sub("", value) if isinstance(value, str) else value


def search_symbols(
    text: str, endpoints: Endpoints | None = None, limit: int = 20, timeout: float = 5.0
) -> list[dict[str, Any]]:
    """Symbols matching ``text`` from the symbol-search endpoint (v3 shape or the older list).

    Each result keeps the server's fields (highlight tags removed) and adds ``id``: the
    ``EXCHANGE:SYMBOL`` string the feed takes. ``EX:TEXT`` searches within one exchange.
    Raises :class:`SymbolLookupError` when the search fails.
    """
    if not isinstance(text, str):
        raise ValueError("Search text must be text")
    cleaned = "".join(ch for ch in text if ch.isprintable()).strip()[:100]
    if not cleaned:
        return []
    exchange = ""
    if ":" in cleaned:
        exchange, _, cleaned = cleaned.partition(":")
    params = {
        "text": cleaned.upper(),
        "hl": "1",
        "exchange": exchange.upper(),
        "lang": "en",
        "domain": "production",
        "sort_by_country": "US",
    }
    endpoints = endpoints or Endpoints.from_env()
    url = f"{endpoints.search}?{urlencode(params)}"
    try:
        response = http.get_with_retries(
            url, headers=http.browser_headers(), timeout=timeout, attempts=2
        )
        if not response.ok:
            raise http.HttpFailure(http.status_reason(response.status), response.status)
        data = response.json()
    except (http.HttpFailure, ValueError) as exc:
        reason = exc.reason if isinstance(exc, http.HttpFailure) else str(exc)
        raise SymbolLookupError(f"Symbol search for {cleaned!r} failed: {reason}.") from None
    rows = data.get("symbols", []) if isinstance(data, dict) else data
    results: list[dict[str, Any]] = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        item = {key: _clean(value) for key, value in row.items()}
        prefix = item.get("prefix") or item.get("exchange") or ""
        if item.get("symbol"):
            item["id"] = f"{prefix}:{item['symbol']}" if prefix else str(item["symbol"])
        results.append(item)
        if len(results) >= limit:
            break
    return results
