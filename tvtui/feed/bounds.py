"""The feed's type and size checks on server data, used by :mod:`tvtui.feed.decoder`.

The decoder is the one boundary between what a server sends and what the rest of tvtui
holds. Its own hot loop checks bar and study numbers inline (see ``_data_events``); this
module holds the rest: which quote fields must be numbers, and the walk that cuts every
string of a nested value with :func:`tvtui.feed.untrusted.cap`.
"""

from __future__ import annotations

from typing import Any

from tvtui.feed.untrusted import FEED_LIMIT, cap

#: Quote fields the protocol sends as numbers: anything else there (a string, a list) is left
#: out of the update; ``null`` is kept (a field the server has no value for).
NUMERIC_QUOTE_FIELDS = frozenset(
    {
        "ch", "chp", "lp", "lp_time", "minmov", "minmove2", "pricescale", "volume", "rchp",
        "rtc", "high_price", "low_price", "open_price", "prev_close_price", "bid", "ask",
        "bid_size", "ask_size", "rch", "prev_close", "open_time", "price_52_week_high",
        "price_52_week_low",
    }
)  # fmt: skip


def capped(value: Any, depth: int = 0) -> Any:
    """``value`` with every string in it (dict keys and values, list items, nested up to a
    few levels) cut by :func:`cap`; returns the same object when nothing was too long."""
    cls = value.__class__
    if cls is str:
        return value if len(value) <= FEED_LIMIT else cap(value)
    if depth > 8:
        return value
    if cls is dict:
        out = None
        for key, item in value.items():
            new = capped(item, depth + 1)
            long_key = key.__class__ is str and len(key) > FEED_LIMIT
            if new is not item or long_key:
                out = out if out is not None else dict(value)
                if long_key:
                    del out[key]
                    key = cap(key)
                out[key] = new
        return value if out is None else out
    if cls is list:
        items = [capped(item, depth + 1) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def quote_values(values: dict[str, Any]) -> dict[str, Any]:
    """A ``qsd`` field dict made safe to merge: a numeric field holding anything but a number
    (or null) is left out (the quote keeps its last good value), long text is cut.

    Hot path (every quote tick): one pass of class checks; the dict is copied only in the
    rare case something in it must be dropped or cut.
    """
    numeric = NUMERIC_QUOTE_FIELDS
    limit = FEED_LIMIT
    fix = False
    for key, value in values.items():
        cls = value.__class__
        if len(key) > limit:
            fix = True
        elif cls is float or cls is int:
            continue
        elif (value is not None and (key in numeric or cls is dict or cls is list)) or (
            cls is str and len(value) > limit
        ):
            fix = True
    if not fix:
        return values
    kept: dict[str, Any] = capped(  # capped() keeps a dict a dict
        {
            key: value
            for key, value in values.items()
            if key not in numeric or value is None or value.__class__ in (float, int)
        }
    )
    return kept
