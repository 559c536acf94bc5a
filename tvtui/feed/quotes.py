"""Merging ``qsd`` deltas into full quotes.

The server sends a snapshot of the requested fields first and only the changed fields after
that. :class:`QuoteBook` keeps the merged view per symbol key.
"""

from __future__ import annotations

from typing import Any

from tvtui.feed.events import NO_VOLUME_SENTINEL, QuoteUpdate


class QuoteBook:
    """Latest full quote per symbol key (the exact string sent in ``quote_add_symbols``)."""

    def __init__(self) -> None:
        self._quotes: dict[str, dict[str, Any]] = {}

    def apply(self, update: QuoteUpdate) -> dict[str, Any]:
        """Merge one update, fill ``update.quote`` with the merged view, and return it."""
        quote = self._quotes.setdefault(update.symbol, {})
        quote.update(update.changes)
        update.quote = quote
        return quote

    def get(self, symbol: str) -> dict[str, Any] | None:
        return self._quotes.get(symbol)

    def forget(self, symbol: str) -> None:
        self._quotes.pop(symbol, None)

    def symbols(self) -> list[str]:
        return list(self._quotes)


def volume_of(quote: dict[str, Any]) -> float | None:
    """A quote's volume, or ``None`` for instruments without one (the ``1e+100`` sentinel)."""
    volume = quote.get("volume")
    if not isinstance(volume, int | float) or volume >= NO_VOLUME_SENTINEL:
        return None
    return float(volume)
