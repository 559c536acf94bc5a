"""Alert levels on the price plot: a dashed line at each level's row with a small label at its
right end, drawn like the last price's guide line (only through blank cells, so bars and the
last price stay on top), in the theme's ``accent`` colour. A level outside the visible price
range is not drawn: the chart's scale is the bars', never stretched for an alert."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tvtui.ui.chart import axes
from tvtui.ui.chart.cells import Grid
from tvtui.ui.chart.scale import LABEL_WIDTH, Prices

#: The style key of alert lines and labels (a Textual theme variable every theme has).
ALERT_KEY = "accent"


def alert_rows(prices: Prices, levels: Iterable[float]) -> list[tuple[int, float]]:
    """(row, level) of every level inside the visible range, one per row."""
    out: dict[int, float] = {}
    for level in levels:
        if prices.low <= level <= prices.high:
            out.setdefault(prices.row(level), level)
    return sorted(out.items())


def draw_alert_levels(
    plot: Grid, prices: Prices, levels: Iterable[float], label: Callable[[float], str]
) -> None:
    """Each visible level: a dashed line, and ``alert <price>`` on it at the rightmost
    place where the line is free (bars keep their cells; no room: no label)."""
    for row, level in alert_rows(prices, levels):
        axes.level_line(plot, row, ALERT_KEY)
        text = f" alert {label(level)} "
        x = _free_run(plot, row, len(text))
        if x is not None:
            plot.text(x, row, text, ALERT_KEY)


def _free_run(plot: Grid, row: int, size: int) -> int | None:
    """The start of the rightmost run of ``size`` cells of ``row`` that hold only the line."""
    run = 0
    for x in range(plot.width - 1, LABEL_WIDTH, -1):
        run = run + 1 if plot.chars[row][x] == axes.DASH else 0
        if run == size:
            return x
    return None
