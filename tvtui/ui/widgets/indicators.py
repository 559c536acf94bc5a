"""The indicator pane: one block per study (RSI, MACD ... ) under the chart, bar for bar.

Each block is a legend line (title and latest values in the line colours) over a plot that
uses the chart's visible bar times as its x axis, so a study point sits exactly under its
candle. A refused study shows the server's reason instead of a plot; a study still loading
says so.

The legend is one line (CSS), so a study update repaints it without a relayout: with
``Static.update``'s default ``layout=True`` every study update laid out the whole screen.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Static

from tvtui.config.studies import SHORT_NAMES, study_pine_id
from tvtui.feed.events import StudyPoint
from tvtui.market.studies import clean_value
from tvtui.ui.chart.cells import Grid
from tvtui.ui.chart.lines import LINE_COLOURS, point_at
from tvtui.ui.chart.overlay_legend import OVERLAYS, fallback_name, is_overlay
from tvtui.ui.chart.study_chart import StudyData, is_histogram, study_picture, study_value
from tvtui.ui.chart.view import Viewport, Window
from tvtui.ui.safe import shown as safe_text
from tvtui.ui.themes import rich_colour
from tvtui.ui.widgets.plots import PlotSpec, ThemedPlot

__all__ = [
    "OVERLAYS",
    "SHORT_NAMES",
    "IndicatorPane",
    "StudyBlock",
    "StudyData",
    "StudyPlot",
    "is_overlay",
    "study_value",
]

#: Fixed ranges and guide levels for bounded oscillators.
LEVELS: dict[str, tuple[float, float, tuple[float, ...]]] = {
    "STD;RSI": (0.0, 100.0, (30.0, 70.0)),
    "STD;Stochastic": (0.0, 100.0, (20.0, 80.0)),
    "STD;Stochastic_RSI": (0.0, 100.0, (20.0, 80.0)),
    "STD;Money_Flow": (0.0, 100.0, (20.0, 80.0)),
}
#: Rows a plotted study keeps at least (legend and plot), and on a short terminal.
MIN_STUDY_ROWS = 4
MIN_STUDY_ROWS_SHORT = 4
#: Fewer terminal rows than this: a short terminal (as ui/layout.py's SHORT_BELOW).
SHORT_ROWS = 34
#: Studies with a scale of their own (0-100 oscillators, CCI): TradingView shows them with
#: two decimals. Every other study's metadata says ``format: inherit``: the symbol's precision.
OWN_PRECISION = frozenset(
    {"STD;RSI", "STD;Stochastic", "STD;Stochastic_RSI", "STD;Money_Flow", "STD;CCI"}
)


def titles_for(titles: list[str], point: StudyPoint) -> list[str]:
    count = max(len(point.values), len(titles))
    return [titles[k] if k < len(titles) else str(k) for k in range(count)]


class StudyPlot(ThemedPlot):
    def __init__(self, block: StudyBlock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block

    def snapshot(self) -> StudyData | None:
        block = self.block
        pane = block.pane
        if not block.points or not pane.times:
            return None
        return StudyData(
            block.key,
            list(block.titles),
            block.points,
            pane.window_for(self.size.width),
            block.decimals,
            LEVELS.get(block.pine_id),
        )

    def draw(self, spec: PlotSpec) -> Grid | None:
        return study_picture(spec.width, spec.height, spec.data)


class StudyBlock(Vertical):
    """Legend + plot of one study, or the reason it cannot be shown."""

    def __init__(self, pane: IndicatorPane, key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pane = pane
        #: the study's identity (``STD;SMA length=50``) and its indicator (``STD;SMA``)
        self.key = key
        self.pine_id = study_pine_id(key)
        self.overlay = False
        self.place()
        self.titles: list[str] = []
        self.points: list[StudyPoint] = []
        self.error: str | None = None
        self._legend = Text("")
        self.fitted_height: int | None = None  # the height fit_blocks gave it

    def compose(self) -> ComposeResult:
        yield Static("", classes="legend")
        yield StudyPlot(self)

    def place(self) -> bool:
        """Over the candles (hidden here: the chart shows it, with its legend) or a block of
        its own, as ``is_overlay`` says now; True when that moved it."""
        overlay = is_overlay(self.key)
        moved, self.overlay = overlay != self.overlay, overlay
        self.display = not overlay
        return moved

    def on_mount(self) -> None:
        self.refresh_block()

    def titles_for(self, point: StudyPoint) -> list[str]:
        return titles_for(self.titles, point)

    @property
    def one_line(self) -> bool:
        """Refused, loading or drawn over the candles: just the legend line."""
        return bool(self.error) or not self.points or self.overlay

    @property
    def decimals(self) -> int:
        """Own-scale studies: 2; the rest inherit the symbol's precision (its pricescale)."""
        if self.pine_id in OWN_PRECISION or self.pane.price_decimals is None:
            return 2
        return self.pane.price_decimals

    @property
    def name_text(self) -> str:
        """The legend's title: from the metadata once loaded (``set_name``), else the key's."""
        return self.pane.names.get(self.key) or fallback_name(self.key)

    def shown_point(self) -> StudyPoint:
        """The point the legend shows: the cursor bar's (a blank one when the study has no
        value there), else the newest."""
        time = self.pane.cursor_time
        if time is None:
            return self.points[-1]
        return point_at(self.points, time) or StudyPoint(time, [])

    def refresh_block(self) -> None:
        try:
            legend = self.query_one(".legend", Static)
            plot = self.query_one(StudyPlot)
        except NoMatches:
            return  # not composed yet: on_mount draws what it holds by then
        text = Text(safe_text(self.name_text, 60), style="bold")
        # a refused or loading study is its legend line only: it never takes another's space
        self.set_class(bool(self.error), "-error")
        self.set_class(not self.error and not self.points, "-loading")
        if self.error:
            text.append(
                f"  ✗ {safe_text(self.error, 200)}",
                style=rich_colour(self.app.theme_variables, "error", "red"),
            )
            plot.display = False
        elif not self.points:
            text.append("  loading…", style="dim")
            plot.display = False
        else:
            overlay = self.overlay
            plot.display = not overlay
            self.set_class(overlay, "-overlay")
            if overlay:
                text.append(" (on chart)", style="dim")
            last = self.shown_point()
            colour_index = 0
            for k, title in enumerate(self.titles_for(last)):
                value = clean_value(last.values[k]) if k < len(last.values) else None
                if is_histogram(title):
                    up = isinstance(value, int | float) and value >= 0
                    colour = "price-up" if up else "price-down"
                else:
                    colour = LINE_COLOURS[colour_index % len(LINE_COLOURS)]
                    colour_index += 1
                shown = study_value(value, self.decimals) if isinstance(value, int | float) else "—"
                text.append(f"  {safe_text(title, 40)} ", style="dim")
                text.append(shown, style=rich_colour(self.app.theme_variables, colour))
            if not overlay:
                plot.redraw()
        if text != self._legend:
            self._legend = text
            legend.update(text, layout=False)  # one line, fixed by CSS: no relayout
        if self.fitted_height is None or (self.fitted_height == 1) != self.one_line:
            self.pane.fit_blocks()  # it became (or stopped being) one line


class IndicatorPane(VerticalScroll):
    """The studies of the chart, in the order chosen; holds every point it was sent.

    Each plotted study keeps a readable minimum height (CSS); more studies than fit scroll,
    rather than squeezing every plot to a label."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.generation = 0
        self.times: list[float] = []
        self.order: list[str] = []
        #: legend titles by study key (``SMA 50``), from the metadata (``set_name``)
        self.names: dict[str, str] = {}
        #: the chart's window (its bars in its columns, its cursor): None until it posts one
        self.window: Window | None = None
        #: decimals of the chart symbol's prices (from its ``pricescale``), once known
        self.price_decimals: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("No indicators (press i to choose)", id="indicators-empty")

    def blocks(self) -> dict[str, StudyBlock]:
        """The blocks by study key."""
        return {b.key: b for b in self.query(StudyBlock)}

    def set_studies(self, keys: list[str]) -> None:
        """Show blocks for exactly ``keys`` (study keys; new ones say 'loading')."""
        self.order = list(keys)
        existing = self.blocks()
        for key, block in existing.items():
            if key not in keys:
                block.remove()
        for key in keys:
            if key not in existing:
                self.mount(StudyBlock(self, key, classes="study"))
            elif existing[key].place():  # its metadata said otherwise
                existing[key].refresh_block()
        self.names = {k: v for k, v in self.names.items() if k in keys}
        self.call_after_refresh(self.fit_blocks)
        own = [k for k in keys if not is_overlay(k)]
        empty = self.query_one("#indicators-empty", Static)
        empty.display = not own
        empty.update(
            "Overlays are on the chart; no oscillators (press i to choose)"
            if keys
            else "No indicators (press i to choose)"
        )
        self._title()

    def _title(self) -> None:
        names = ", ".join(self.short_title(k) for k in self.order)
        # names come from the config file and the server: plain text
        self.border_title = Text("Indicators · ") + Text(safe_text(names or "none", 200))

    def short_title(self, key: str) -> str:
        """The pane title's word for ``key``: the name alone (``RSI``, ``Stoch RSI``) for a
        study with its defaults, the legend (``SMA 50``) for one with inputs changed."""
        name = self.names.get(key) or fallback_name(key)
        if " " in key:  # inputs changed: they tell two of one indicator apart
            return name
        words = name.split()
        while len(words) > 1 and words[-1].replace(".", "", 1).isdigit():
            words.pop()
        return " ".join(words)

    def set_name(self, key: str, name: str) -> None:
        """The legend title of ``key`` from its metadata (``SMA 50``, ``Stoch RSI 5 3 14 14``)."""
        if self.names.get(key) == name:
            return
        self.names[key] = name
        self._title()
        block = self.blocks().get(key)
        if block is not None:
            block.refresh_block()

    def reset(self, generation: int, keep_errors: set[str] | frozenset[str] = frozenset()) -> None:
        """A new chart: forget the points; errors stay only for ``keep_errors`` (studies that
        never reached the server, e.g. their metadata could not be fetched)."""
        self.generation = generation
        self.times = []
        self.window = None
        for block in self.blocks().values():
            block.points = []
            if block.key not in keep_errors:
                block.error = None
            block.refresh_block()

    def on_resize(self) -> None:
        self.fit_blocks()

    @property
    def cursor_time(self) -> float | None:
        window = self.window
        if window is None or window.cursor is None or window.times is not self.times:
            return None
        return window.times[window.cursor]

    def window_for(self, width: int) -> Window:
        """The chart's window when it is of these bars, else the newest bars at the default
        zoom (before the chart has drawn them)."""
        window = self.window
        if window is not None and window.times is self.times:
            return window
        return Viewport().window(self.times, width)

    def set_window(self, window: Window) -> None:
        """The chart's bars, columns and cursor: drawn the same here, the legends follow
        the cursor."""
        if self.window is not None and window.same_as(self.window):
            return  # already drawn (set_times brought it with the bars)
        before = self.cursor_time
        self.window = window
        for block in self.blocks().values():
            if not block.points:
                continue
            if self.cursor_time != before:
                block.refresh_block()
            elif not block.overlay:
                block.query_one(StudyPlot).redraw()

    def fit_blocks(self) -> None:
        """Share the pane's rows: one line for each refused, loading or overlay study, the
        rest evenly among the plotted ones, each at least :data:`MIN_STUDY_ROWS` (fewer on a
        short terminal); past that the pane scrolls. Done here because ``fr`` heights in a
        scrolling container gave every study the whole pane."""
        blocks = [b for b in self.query(StudyBlock) if not b.overlay]
        plotted = [b for b in blocks if not b.one_line]
        room = self.scrollable_content_region.height - (len(blocks) - len(plotted))
        least = MIN_STUDY_ROWS_SHORT if self.app.size.height < SHORT_ROWS else MIN_STUDY_ROWS
        each, spare = divmod(max(room, 0), len(plotted)) if plotted else (0, 0)
        if each < least:
            each, spare = least, 0
        for block in blocks:
            height = 1
            if not block.one_line:
                height = each + (1 if spare > 0 else 0)
                spare -= 1
            if block.fitted_height != height:
                block.fitted_height = height
                block.styles.height = height

    def set_price_decimals(self, decimals: int | None) -> None:
        """The chart symbol's precision: studies that inherit it show values with it."""
        if decimals == self.price_decimals:
            return
        self.price_decimals = decimals
        for block in self.blocks().values():
            if block.points:
                block.refresh_block()

    def set_times(self, generation: int, times: list[float], window: Window | None = None) -> None:
        """The chart's bar times (and its window over them, when known)."""
        if generation != self.generation:
            return
        self.times = times
        if window is not None and window.times is times:
            self.window = window
        for block in self.blocks().values():
            if block.points and not block.overlay:
                block.query_one(StudyPlot).redraw()

    def set_points(
        self, generation: int, key: str, titles: list[str], points: list[StudyPoint]
    ) -> None:
        if generation != self.generation:
            return
        block = self.blocks().get(key)
        if block is None:
            return
        block.titles = titles
        block.points = points
        block.error = None
        block.refresh_block()

    def clear_error(self, key: str) -> None:
        """The study is being sent again: 'loading…' until its points or a new refusal."""
        block = self.blocks().get(key)
        if block is not None and block.error:
            block.error = None
            block.refresh_block()

    def fail(self, key: str, reason: str) -> None:
        block = self.blocks().get(key)
        if block is not None:
            block.error = reason
            block.refresh_block()
