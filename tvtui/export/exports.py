"""The exports themselves: a ``Streamer`` result as the original's files, and the app's
visible session as one file (plus a sidecar for CSV).

Why a module of its own: this is where the two callers' shapes live (file names, what the JSON
holds, what the CSV sidecar explains); :mod:`tvtui.export.formats` encodes and
:mod:`tvtui.export.files` writes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tvtui import __version__
from tvtui.export.files import write_group
from tvtui.export.formats import (
    as_utc,
    check_format,
    csv_bytes,
    file_stamp,
    indicator_table,
    iso_utc,
    json_bytes,
    ohlc_table,
    safe_name,
    safe_timeframe,
    session_name,
    session_table,
)
from tvtui.feed.endpoints import ENV_TOKEN, redact
from tvtui.market.session import SessionView
from tvtui.market.studies import StudySeries


def write_json(data: Any, directory: str | os.PathLike[str], stem: str) -> Path:
    """Write ``data`` as ``<directory>/<stem>[-N].json`` (indent 2, UTF-8), atomically."""
    return write_group(Path(directory), [(stem, ".json", json_bytes(data))])[0]


def write_csv(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    directory: str | os.PathLike[str],
    stem: str,
) -> Path:
    """Write a CSV table as ``<directory>/<stem>[-N].csv``, atomically (``None`` -> blank)."""
    return write_group(Path(directory), [(stem, ".csv", csv_bytes(header, rows))])[0]


# --- the two exports -------------------------------------------------------------------------


def export_result(
    result: Mapping[str, Any],
    symbol: str,
    fmt: str = "json",
    directory: str | os.PathLike[str] = "export",
    now: datetime | None = None,
) -> list[Path]:
    """Write a ``Streamer.stream`` result as the original did: ``ohlc_<symbol>_<stamp>.<fmt>``
    and, when indicators are present, ``indicator_<symbol>_<stamp>.<fmt>``.

    JSON files hold the ``ohlc`` list and the ``indicator`` dict; the OHLC CSV has one row per
    bar, the indicator CSV one ``timestamp`` column and one ``<pine id>:<plot key>`` column per
    plot, outer-joined on time. Returns the paths written (OHLC first).
    """
    fmt = check_format(fmt)
    stamp = file_stamp(as_utc(now))
    name = safe_name(symbol)
    ohlc = list(result.get("ohlc") or [])
    indicator = dict(result.get("indicator") or {})
    ext = f".{fmt}"
    files = [
        (
            f"ohlc_{name}_{stamp}",
            ext,
            json_bytes(ohlc) if fmt == "json" else ohlc_table(ohlc),
        )
    ]
    if indicator:
        data = json_bytes(indicator) if fmt == "json" else indicator_table(indicator)
        files.append((f"indicator_{name}_{stamp}", ext, data))
    return write_group(Path(directory), files)


def session_metadata(view: SessionView, bars: int, moment: datetime) -> dict[str, Any]:
    """The ``metadata`` block of a session export. The source is scrubbed of the token."""
    return {
        "symbol": view.symbol,
        "timeframe": view.timeframe,
        "source": redact(str(view.source), os.environ.get(ENV_TOKEN, "")),
        "exported_at": iso_utc(moment),
        "bars": bars,
        "tvtui_version": __version__,
    }


def result_csv(result: Mapping[str, Any], titles: Mapping[str, Sequence[str]] | None = None) -> str:
    """A ``Streamer.stream`` result as one CSV table (``tvtui stream --format csv``): one row
    per bar, one ``<pine id>:<plot title>`` column per indicator plot (``titles``: each
    study's plot titles, from its metadata), aligned by time: the app's export names its
    columns the same way. Without a title a column is ``<pine id>:<plot key>``."""
    studies = {pine_id: StudySeries(pine_id, list(t)) for pine_id, t in (titles or {}).items()}
    return session_table(result, studies)[0].decode("utf-8")


def export_session(
    view: SessionView,
    fmt: str = "json",
    directory: str | os.PathLike[str] = "export",
    now: datetime | None = None,
    studies: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    """Write the visible session as ``tvtui_<EXCHANGE-SYMBOL>_<timeframe>_<stamp>.<fmt>``
    (``tvtui_FX-EURUSD_5m_20240610-152034.json``); its path.

    JSON: ``{"metadata", "quote", "ohlc", "indicator"}`` (``ohlc``/``indicator`` exactly as
    :meth:`SessionView.to_result`). CSV: one row per bar with the indicator plots as extra
    columns, plus a sidecar ``<same stem>.meta.json`` holding the metadata, the quote and what
    each indicator column is, because a CSV table has no place for them.

    ``studies`` (by the indicator's key in ``view.studies``: ``STD;SMA length=50``) records
    what each indicator is: ``{"pine_id", "name", "inputs"}``, in the metadata's
    ``indicators`` (the same indicator twice with other inputs is two keys, two columns).
    """
    fmt = check_format(fmt)
    moment = as_utc(now)
    result = view.to_result()
    metadata = session_metadata(view, len(result["ohlc"]), moment)
    if studies:
        metadata["indicators"] = {key: dict(value) for key, value in studies.items()}
    quote = dict(view.quote)
    stem = (
        f"tvtui_{session_name(view.symbol)}_{safe_timeframe(view.timeframe)}_{file_stamp(moment)}"
    )
    if fmt == "json":
        document = {"metadata": metadata, "quote": quote, **result}
        return write_group(Path(directory), [(stem, ".json", json_bytes(document))])[0]
    table, columns = session_table(result, view.studies)
    sidecar = {"metadata": metadata, "quote": quote, "indicator_columns": columns}
    files = [(stem, ".csv", table), (stem, ".meta.json", json_bytes(sidecar))]
    return write_group(Path(directory), files)[0]
