"""Studies drawn over the candles (moving averages, Bollinger Bands, VWAP ...): which ones,
their line colours, and their legend line at the top of the price chart.

Why one module: the chart draws each overlay plot in a colour and the legend must name the
same colour for it, so both take their colours from :func:`plot_colours` (in the order the
studies were chosen, one colour per plot whether or not it is on screen), and the same
indicator twice (SMA 50 and SMA 200) is two entries in two colours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import Static

from tvtui.config.studies import legend_name, parse_study, study_pine_id
from tvtui.feed.events import StudyPoint
from tvtui.feed.studies import known_price_study
from tvtui.ui import format as fmt
from tvtui.ui.chart.lines import LINE_COLOURS, number, point_at
from tvtui.ui.chart.study_chart import study_value
from tvtui.ui.safe import shown
from tvtui.ui.themes import rich_colour

#: Studies drawn over the candles (same scale as price) instead of in a plot of their own;
#: the indicator pane keeps their points (for the export) in a hidden block. The built-ins
#: TradingView marks ``is_price_study``: where a study goes before its metadata is in (and
#: offline); the metadata then decides (:func:`is_overlay`).
OVERLAYS = frozenset(
    {
        "STD;SMA",
        "STD;EMA",
        "STD;WMA",
        "STD;Bollinger_Bands",
        "STD;VWAP",
        "STD;Moving_Average_Ribbon",
        "STD;Hull_Moving_Average",
        "STD;Double_EMA",
        "STD;Triple_EMA",
        "STD;Smoothed_Moving_Average",
        "STD;Arnaud_Legoux_Moving_Average",
        "STD;Least_Squares_Moving_Average",
        "STD;Volume_Weighted_Moving_Average",
        "STD;McGinley_Dynamic",
        "STD;Keltner_Channels",
        "STD;Donchian_Channels",
        "STD;Envelope",
        "STD;Ichimoku_Cloud",
        "STD;Parabolic_SAR",
        "STD;Supertrend",
        "STD;Rolling_VWAP",
        "STD;Williams_Alligator",
    }
)


def is_overlay(key: str) -> bool:
    """Drawn over the candles (a study key: ``STD;SMA length=50``): as its metadata says once
    the library has fetched it (a community script that draws over the candles, which no
    built-in list can know), else as :data:`OVERLAYS` guesses."""
    pine_id = study_pine_id(key)
    known = known_price_study(pine_id)
    return pine_id in OVERLAYS if known is None else known


def fallback_name(key: str) -> str:
    """A legend title before the metadata is here: the key's indicator and changed values."""
    try:
        return legend_name(parse_study(key))
    except ValueError:
        return key


#: One overlay: plot titles and points, by study key.
Overlays = Mapping[str, tuple[list[str], list[StudyPoint]]]


def plot_count(titles: list[str], points: list[StudyPoint]) -> int:
    return max([len(titles), *(len(p.values) for p in points[-3:])])


def plot_colours(overlays: Overlays) -> dict[tuple[str, int], str]:
    """(study key, plot index) -> colour key (a theme variable), in the overlays' order."""
    out: dict[tuple[str, int], str] = {}
    for key, (titles, points) in overlays.items():
        for k in range(plot_count(titles, points)):
            out[(key, k)] = LINE_COLOURS[len(out) % len(LINE_COLOURS)]
    return out


@dataclass(frozen=True)
class LegendEntry:
    """One overlay in the legend: its title (``SMA 50``), and why it has no line if so."""

    key: str
    name: str
    error: str | None = None


def legend_text(
    entries: list[LegendEntry],
    overlays: Overlays,
    time: float | None,
    decimals: int,
    variables: dict[str, str],
    width: int = 1000,
) -> Text:
    """``SMA 50 67,012.40  SMA 200 66,890.10``: each overlay's value at the cursor bar
    (``time``; the newest without a cursor) in its line's colour; a refused one says why,
    one still loading says so. Cut to ``width`` cells."""
    colours = plot_colours(overlays)
    text = Text(no_wrap=True, overflow="ellipsis")
    for entry in entries:
        if text:
            text.append("  ")
        text.append(shown(entry.name, 60), style="bold")
        titles, points = overlays.get(entry.key, ([], []))
        if entry.error:
            style = rich_colour(variables, "error", "red")
            text.append(f" ✗ {shown(entry.error, 120)}", style=style)
            continue
        if not points:
            text.append(" loading…", style="dim")
            continue
        point = points[-1] if time is None else point_at(points, time)
        count = plot_count(titles, points)
        for k in range(count):
            value = number(point.values[k]) if point and k < len(point.values) else None
            if count > 1:
                title = titles[k] if k < len(titles) else str(k)
                text.append(f" {shown(title, 30)}", style="dim")
            shown_value = "—" if value is None else study_value(value, decimals)
            colour = rich_colour(variables, colours.get((entry.key, k), LINE_COLOURS[0]))
            text.append(f" {shown_value}", style=colour)
    text.truncate(max(width, 1), overflow="ellipsis")
    return text


class OverlayLegend(Static):
    """The legend line at the top of the price chart: one entry per overlay, in its line's
    colour, following the cursor. Hidden when no overlay is chosen."""

    DEFAULT_CSS = """
    OverlayLegend { height: 1; width: 1fr; padding: 0 1; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.display = False
        self._text = Text("")

    def show_for(self, pane: Any) -> None:
        """The legend of ``pane`` (a ``ChartPane``): its chosen overlays, names, errors,
        lines and cursor."""
        entries = [
            LegendEntry(
                k, pane.overlay_names.get(k) or fallback_name(k), pane.overlay_errors.get(k)
            )
            for k in pane.overlay_keys
        ]
        self.display = bool(entries)
        if not entries:
            return
        decimals = fmt.decimals_for(pane.quote, pane.bars[-1].close if pane.bars else None)
        width = max(self.size.width - 2, 20) if self.size.width else 1000
        time = pane.view.cursor_time
        variables = self.app.theme_variables
        text = legend_text(entries, pane.overlays, time, decimals, variables, width)
        if text != self._text:
            self._text = text
            self.update(text, layout=False)  # one line, fixed by CSS: no relayout
