"""The axes: price labels at the left (with the last price's marker), the time labels under
the bars (dates where the day changes), and the cursor's vertical marker.

Labels are ours, so the time axis has no weekend gaps (a label per drawn bar position, not
per calendar hour) and shows the date at the first bar of each day when the visible bars span
more than one.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from tvtui.ui import format as fmt
from tvtui.ui.chart.cells import AXIS, CURSOR, CURSOR_LABEL, DATE_LABEL, LAST_MARKER, Grid
from tvtui.ui.chart.scale import LABEL_WIDTH, Columns, Prices, pad_label

#: Columns between two time labels (at least).
LABEL_SPACING = 14
#: Characters of the dashed guide lines (last price, study levels).
DASH = "┄"


def axis_line(grid: Grid, rows: int) -> None:
    """The vertical axis line right of the labels, over the plot's ``rows`` rows."""
    for y in range(rows):
        grid.put(LABEL_WIDTH, y, "│", AXIS)


def pick_ticks(prices: Prices, avoid: int | None = None) -> list[float]:
    """Round, evenly spaced price levels for the axis: the finest step that leaves a blank
    row between two labels; none on row ``avoid`` (the last price's marker, which stands
    out reversed, so a level may sit on the row next to it)."""
    rows = prices.rows
    chosen: list[tuple[float, int]] = []
    for count in range(max(2, rows), 1, -1):  # finest first
        ticks = [
            (tick, prices.row(tick))
            for tick in fmt.nice_ticks(prices.low, prices.high, count)
            if prices.low <= tick <= prices.high
        ]
        spaced = all(abs(b[1] - a[1]) >= 2 for a, b in itertools.pairwise(ticks))
        if ticks and spaced:
            chosen = ticks
            break
    return [tick for tick, row in chosen if row != avoid]


def price_labels(grid: Grid, prices: Prices, ticks: list[float], label: object) -> None:
    """A label and a tick mark at each of ``ticks``' rows; ``label(value)`` writes one."""
    for tick in ticks:
        row = prices.row(tick)
        grid.text(0, row, pad_label(label(tick)), AXIS)  # type: ignore[operator]
        grid.put(LABEL_WIDTH, row, "┤", AXIS)


def level_line(grid: Grid, row: int, key: str) -> None:
    """A dashed line across the blank cells of ``row`` (a level, the last price)."""
    for x in range(LABEL_WIDTH + 1, grid.width):
        if grid.is_blank(x, row):
            grid.put(x, row, DASH, key)


def last_marker(grid: Grid, row: int, text: str) -> None:
    """The last price, reversed in ``chart-last``, on its row of the price axis."""
    grid.text(0, row, pad_label(text), LAST_MARKER)
    grid.put(LABEL_WIDTH, row, "┤", AXIS)


def cursor_marker(grid: Grid, x: int, rows: int) -> None:
    """The cursor's vertical line through the blank (or dashed guide line) cells of
    column ``x``."""
    for y in range(rows):
        if grid.is_blank(x, y) or (0 <= x < grid.width and grid.chars[y][x] == DASH):
            grid.put(x, y, "┊", CURSOR)


def _moment(epoch: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError, TypeError):
        return None


def boundary_label(epoch: float, seconds: int) -> str:
    """A label marking a new day (intraday bars: ``11 Jun``) or a new year (``2025``)."""
    moment = _moment(epoch)
    if moment is None:
        return "—"
    return moment.strftime("%d %b") if seconds < 86400 else moment.strftime("%Y")


def _period(epoch: float, seconds: int) -> tuple[int, ...]:
    moment = _moment(epoch)
    if moment is None:
        return ()
    return (moment.year, moment.month, moment.day) if seconds < 86400 else (moment.year,)


def cursor_label(epoch: float, seconds: int) -> str:
    """The cursor bar's time on the time axis: ``Mon 10 Jun 14:35`` (``Mon 10 Jun 2024``)."""
    moment = _moment(epoch)
    if moment is None:
        return "—"
    if seconds < 86400:
        return moment.strftime("%a %d %b %H:%M")
    return moment.strftime("%a %d %b %Y")


def time_labels(
    grid: Grid,
    y: int,
    left: int,
    times: list[float],
    columns: Columns,
    seconds: int,
    cursor_slot: int | None = None,
) -> None:
    """Row ``y``: time labels under the bar positions, the date (or year) where it changes,
    and the cursor bar's full time. ``times[i]`` is slot ``i``'s bar."""
    grid.put(LABEL_WIDTH, y, "└", AXIS)
    places = [p for p in columns.layout if p.lo < len(times)]
    if not places:
        return
    taken = [False] * grid.width

    def place_label(text: str, centre: int, key: str, force: bool = False) -> bool:
        start = max(left, min(grid.width - len(text), centre - len(text) // 2))
        stop = start + len(text)
        span = range(max(left, start - 1), min(grid.width, stop + 1))
        if not force and any(taken[x] for x in span):
            return False
        grid.text(start, y, text, key)
        for x in range(start, stop):
            taken[x] = True
        return True

    spot = columns.of(cursor_slot) if cursor_slot is not None else None
    if cursor_slot is not None and spot is not None and cursor_slot < len(times):
        place_label(cursor_label(times[cursor_slot], seconds), left + spot.mid, CURSOR_LABEL)
    periods = [_period(times[p.lo], seconds) for p in places]
    if len(set(periods)) > 1:  # the visible bars span more than one day (year)
        for k in range(1, len(places)):
            if periods[k] != periods[k - 1]:
                label = boundary_label(times[places[k].lo], seconds)
                place_label(label, left + places[k].mid, DATE_LABEL)
    # then regular labels, counted back from the newest bar every LABEL_SPACING columns
    next_x = None
    for place in reversed(places):
        x = left + place.mid
        if next_x is not None and x > next_x:
            continue
        if place_label(fmt.time_label(times[place.lo], seconds), x, AXIS):
            next_x = x - LABEL_SPACING
