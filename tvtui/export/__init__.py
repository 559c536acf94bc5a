"""Export a session to JSON or CSV: atomically, never overwriting, with errors a person can act on.

Two callers share these writers: the library (``Streamer(export_result=True)`` writes the
original's ``ohlc_<symbol>_<stamp>`` / ``indicator_<symbol>_<stamp>`` files) and the app (the
``e`` key writes one ``tvtui_<EXCHANGE-SYMBOL>_<timeframe>_<stamp>`` file of the visible session).

One job per module: :mod:`~tvtui.export.exports` (what each export writes),
:mod:`~tvtui.export.formats` (names and bytes, no disk) and :mod:`~tvtui.export.files` (the
atomic, never-overwriting writer and its errors; its docstring lists the guarantees). Import
from ``tvtui.export``; the split is not part of the API.
"""

from __future__ import annotations

from tvtui.export.exports import (
    export_result,
    export_session,
    result_csv,
    session_metadata,
    write_csv,
    write_json,
)
from tvtui.export.files import ExportError
from tvtui.export.formats import (
    FORMATS,
    OHLC_COLUMNS,
    SESSION_COLUMNS,
    safe_name,
    session_name,
)

__all__ = [
    "FORMATS",
    "OHLC_COLUMNS",
    "SESSION_COLUMNS",
    "ExportError",
    "export_result",
    "export_session",
    "result_csv",
    "safe_name",
    "session_metadata",
    "session_name",
    "write_csv",
    "write_json",
]
