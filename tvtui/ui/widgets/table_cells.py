"""Update DataTable cells so that only their rows are rendered again.

Why: ``DataTable.update_cell`` bumps the table's update counter, which is part of the key of
every render cache it has (cells, row lines, screen lines), and repaints the whole table. So
one changed price re-renders every visible cell with Rich: at 25 quote flushes a second over 50
symbols that was ~100 cell renders a frame and half of the UI thread under load (compositor
refresh p50 16 ms, event-loop lag p95 58 ms). Here the new values go into the table's data
and only the cache entries of the changed cells (and of the lines holding them) are dropped, so
a repaint renders just those cells and reuses every other line and cell.

This reaches into DataTable internals of the pinned Textual (``>=8.2,<9``). If they are not
there (another Textual), :func:`update_cells` falls back to the public ``update_cell``: slower,
never wrong. ``tests/ui/test_watchlist_cells.py`` checks the rendered lines, so a Textual that
keeps the attributes but changes their meaning fails a test rather than showing stale prices.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

#: The private attributes the fast path needs (checked once per table).
_INTERNALS = (
    "_data",
    "_cell_render_cache",
    "_row_render_cache",
    "_row_renderable_cache",
    "_line_cache",
    "_y_offsets",
)


def _has_internals(table: DataTable[Any]) -> bool:
    return all(hasattr(table, name) for name in _INTERNALS)


def update_cells(table: DataTable[Any], cells: Iterable[tuple[str, str, Any]]) -> None:
    """Put each ``(row key, column key, value)`` in ``table``; only those cells re-render.

    The rows and columns must exist (the caller checks ``row in table.rows``)."""
    cells = list(cells)
    if not cells:
        return
    if not _has_internals(table):
        for row, column, value in cells:
            table.update_cell(row, column, value)
        return
    data = table._data
    changed: set[tuple[RowKey, ColumnKey]] = set()
    for row, column, value in cells:
        row_key, column_key = RowKey(row), ColumnKey(column)
        data[row_key][column_key] = value
        changed.add((row_key, column_key))
    _forget(table, changed)
    # One refresh of the table's region: its unchanged lines come straight from the line cache
    # (cheaper than working out each changed row's region).
    table.refresh()


def _forget(table: DataTable[Any], changed: set[tuple[RowKey, ColumnKey]]) -> None:
    """Drop the cached renders of the changed cells, and of the lines and rows holding them
    (the other cells of those rows keep theirs)."""
    rows = {row for row, _column in changed}
    indexes = {table.get_row_index(row) for row in rows}
    cells = table._cell_render_cache  # (row key, column key, ...)
    for key in [k for k in list(cells.keys()) if (k[0], k[1]) in changed]:
        cells.discard(key)
    row_lines = table._row_render_cache  # (row key, ...)
    for key in [k for k in list(row_lines.keys()) if k[0] in rows]:
        row_lines.discard(key)
    renderables = table._row_renderable_cache  # (update count, row index)
    for key in [k for k in list(renderables.keys()) if k[1] in indexes]:
        renderables.discard(key)
    header = table.header_height if table.show_header else 0
    ys = {header + y for y, (row_key, _line) in enumerate(table._y_offsets) if row_key in rows}
    lines = table._line_cache  # y (0 = the first line, header included) first
    for key in [k for k in list(lines.keys()) if k[0] in ys]:
        lines.discard(key)
