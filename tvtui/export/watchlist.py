"""A watchlist with its positions, as a file: JSON or CSV, plus TradingView's own list format.

What is written is what the list shows, built by the app on the UI thread (a plain table, see
:func:`export_watchlist`): one row per symbol with its section, quote and position figures, and
the totals in the list's currency. Beside it, ``<same stem>.txt`` in TradingView's export format
(``###Section,EXCHANGE:SYMBOL,...``) so the list can go back into TradingView, or into another
tvtui through "Import watchlist…". Files are written as the session export's are: atomically,
never over an existing file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tvtui import __version__
from tvtui.export.files import write_group
from tvtui.export.formats import as_utc, check_format, csv_bytes, file_stamp, iso_utc, json_bytes

#: The CSV's columns (a row's keys; ``lots`` only in JSON).
ROW_COLUMNS: tuple[str, ...] = (
    "section", "symbol", "description", "currency", "last", "change", "change_pct", "volume",
    "quantity", "avg_cost", "market_value", "day_gain", "total_gain", "total_gain_pct",
    "realised",
)  # fmt: skip


def list_stem(name: str, moment: datetime) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "list"
    return f"tvtui_watchlist_{safe[:40]}_{file_stamp(moment)}"


def export_watchlist(
    name: str,
    currency: str,
    sections: Sequence[tuple[str | None, list[str]]],
    rows: Sequence[Mapping[str, Any]],
    totals: Mapping[str, Any],
    tradingview: str,
    fmt: str = "json",
    directory: str | os.PathLike[str] = "export",
    now: datetime | None = None,
) -> Path:
    """Write the list as ``tvtui_watchlist_<name>_<stamp>.<fmt>`` and ``.txt``; the path of
    the first. ``sections``: (title, symbols) in order; ``rows``: one mapping per symbol (keys
    of :data:`ROW_COLUMNS`, plus ``lots``); ``tradingview``: the list in TradingView's format
    (the caller formats it: :func:`tvtui.config.watchlist_file.format_watchlist`)."""
    fmt = check_format(fmt)
    moment = as_utc(now)
    stem = list_stem(name, moment)
    if fmt == "json":
        document = {
            "metadata": {
                "list": name,
                "currency": currency,
                "exported_at": iso_utc(moment),
                "tvtui_version": __version__,
            },
            "sections": [{"title": title, "symbols": list(symbols)} for title, symbols in sections],
            "rows": [dict(row) for row in rows],
            "totals": dict(totals),
        }
        data = json_bytes(document)
    else:
        data = csv_bytes(ROW_COLUMNS, ([row.get(k) for k in ROW_COLUMNS] for row in rows))
    files = [(stem, f".{fmt}", data), (stem, ".txt", tradingview.encode("utf-8"))]
    return write_group(Path(directory), files)[0]
