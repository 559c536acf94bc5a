"""The chart pane: the bars of the selected symbol and timeframe, volume under them, a cursor.

What is shown is a :class:`~tvtui.ui.chart.view.Viewport` (which bars, how many per screen,
the cursor bar; anchored to bar times, so bars arriving at either end never move the view
under the cursor). Each redraw turns it into a :class:`~tvtui.ui.chart.view.Window` for the
plots' width and posts it (:class:`ChartPane.WindowChanged`) so the indicator pane draws the
same bars in the same columns. The pictures are drawn by :mod:`tvtui.ui.chart` on the plot
builder thread. The pane keeps every bar it was sent, which is what the export writes.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Static

from tvtui.feed.events import Bar, StudyPoint
from tvtui.feed.timeframes import VALID_NAMES, parse_timeframe
from tvtui.ui import format as fmt
from tvtui.ui.chart.candles import CHART_TYPE_NAMES, CHART_TYPE_SHORT, CHART_TYPES
from tvtui.ui.chart.cells import Grid
from tvtui.ui.chart.overlay_legend import OverlayLegend, is_overlay
from tvtui.ui.chart.price_chart import ChartData, price_picture, volume_picture
from tvtui.ui.chart.readout import readout
from tvtui.ui.chart.scale import AXIS_COLUMNS
from tvtui.ui.chart.view import Viewport, Window
from tvtui.ui.safe import shown
from tvtui.ui.widgets.plots import PlotSpec, ThemedPlot

#: The timeframes on the number keys 1-9.
TIMEFRAME_KEYS: tuple[str, ...] = ("1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1M")
#: Every timeframe the app accepts, shortest first: the header's tabs, walked by [ and ].
TIMEFRAMES: tuple[str, ...] = VALID_NAMES
LOADING_OLDER = "loading older bars…"
NO_OLDER = "the oldest bar on the server"

__all__ = ["CHART_TYPES", "CandlePlot", "ChartData", "ChartPane", "VolumePlot"]


class ChartPlot(ThemedPlot):
    """A plot of the pane's bars (the pane's lists are replaced, never mutated)."""

    def __init__(self, pane: ChartPane, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pane = pane

    def snapshot(self) -> ChartData | None:
        pane = self.pane
        if not pane.bars:
            return None
        return ChartData(
            pane.bars,
            dict(pane.quote),
            pane.timeframe_seconds,
            dict(pane.overlays),
            pane.window_for(self.size.width),
            pane.chart_type,
            pane.alert_levels,
        )

    def on_click(self, event: events.Click) -> None:
        """A click on a bar puts the cursor there."""
        self.pane.click_column(event.x - AXIS_COLUMNS)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.pane.zoom(1 / 1.5)
        event.stop()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.pane.zoom(1.5)
        event.stop()


class CandlePlot(ChartPlot):
    """The bars (candles, Heikin-Ashi, OHLC or a line) with the price axis and last price."""

    def draw(self, spec: PlotSpec) -> Grid | None:
        return price_picture(spec.width, spec.height, spec.data, self.X_AXIS)


class VolumePlot(ChartPlot):
    """Volume bars in the candle colours, their own scale, the time labels of the chart."""

    X_AXIS = True

    def draw(self, spec: PlotSpec) -> Grid | None:
        return volume_picture(spec.width, spec.height, spec.data)


class ChartPane(Vertical):
    """Bars + volume for one symbol and timeframe; says 'loading' or why there is nothing."""

    class WindowChanged(Message):
        """The bars on screen (or the cursor) changed: the indicator pane follows."""

        def __init__(self, pane: ChartPane, window: Window) -> None:
            super().__init__()
            self.pane = pane
            self.window = window

    def __init__(self, chart_type: str = "candles", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.symbol = ""
        self.timeframe = "5m"
        self.generation = 0
        self.bars: list[Bar] = []
        self.times: list[float] = []
        self.quote: dict[str, Any] = {}
        self.problem: str | None = None
        #: study key -> (titles, points) of the overlays, in the order chosen (their colours)
        self.overlays: dict[str, tuple[list[str], list[StudyPoint]]] = {}
        self.overlay_keys: list[str] = []
        self.overlay_names: dict[str, str] = {}  #: legend titles (``SMA 50``) by key
        self.overlay_errors: dict[str, str] = {}  #: why an overlay has no line
        self.title_plain = ""
        self.chart_type = chart_type if chart_type in CHART_TYPES else "candles"
        self.view = Viewport()
        #: older bars asked for and not yet here
        self.loading_older = False
        #: the server said it has nothing older (said once)
        self.older_exhausted = False
        self.window: Window = self.view.window([], 0)
        #: a short terminal: the volume strip gives its rows to the candles
        self.compact = False
        #: the charted symbol's alert levels (set by the main screen: screens/alert_actions.py)
        self.alert_levels: tuple[float, ...] = ()

    @property
    def timeframe_seconds(self) -> int:
        try:
            return parse_timeframe(self.timeframe).seconds
        except ValueError:
            return 60

    def compose(self) -> ComposeResult:
        yield Static("", id="chart-message")
        yield OverlayLegend(id="overlay-legend")
        yield CandlePlot(self, id="candles")
        yield VolumePlot(self, id="volume")

    def on_mount(self) -> None:
        self._update_titles()
        self._update_message()

    # --- data --------------------------------------------------------------------------------

    def reset(self, generation: int, symbol: str, timeframe: str) -> None:
        self.generation = generation
        self.symbol = symbol
        self.timeframe = timeframe
        self.bars, self.times = [], []
        self.quote = {}
        self.problem = None
        self.overlays = {}
        self.view = Viewport(slots=self.view.slots)  # the zoom stays, the cursor goes
        self.loading_older = self.older_exhausted = False
        self._update_titles()
        self._update_message()
        self._redraw()

    def set_bars(self, generation: int, bars: list[Bar]) -> bool:
        if generation != self.generation:
            return False
        self.bars = bars
        self.times = [bar.time for bar in bars]
        self.problem = None
        self._update_titles()
        self._update_message()
        self._redraw()
        return True

    def add_older_bars(self, generation: int, bars: list[Bar], exhausted: bool) -> bool:
        """Older bars arrived (``bars``: everything now held, oldest first): the view and
        the cursor stay on their bars (they are anchored to times); 'loading' goes away."""
        if generation != self.generation:
            return False
        self.loading_older = False
        self.older_exhausted = exhausted
        return self.set_bars(generation, bars) if bars else self._refresh_readout()

    def _refresh_readout(self) -> bool:
        self._update_titles()
        return True

    def set_overlay(
        self, generation: int, key: str, titles: list[str], points: list[StudyPoint]
    ) -> None:
        """Draw study ``key``'s lines over the candles (SMA 50, EMA, Bollinger Bands)."""
        if generation == self.generation:
            self.overlay_errors.pop(key, None)
            held = {**self.overlays, key: (titles, points)}
            self.overlays = {k: held[k] for k in self.overlay_keys if k in held}
            self._redraw()

    def keep_overlays(self, keys: list[str]) -> None:
        """The studies chosen (study keys, in order): overlays no longer chosen go, the
        legend lists the chosen overlays in this order."""
        self.overlay_keys = [k for k in keys if is_overlay(k)]
        kept = {k: self.overlays[k] for k in self.overlay_keys if k in self.overlays}
        self.overlay_errors = {k: v for k, v in self.overlay_errors.items() if k in kept}
        if list(kept) != list(self.overlays):
            self.overlays = kept
            self._redraw()
        self.show_legend()

    def set_overlay_names(self, names: dict[str, str]) -> None:
        self.overlay_names = dict(names)  # legend titles (``SMA 50``) by study key
        self.show_legend()

    def overlay_failed(self, key: str, reason: str | None) -> None:
        """Why overlay ``key`` has no line (None: it is being sent again)."""
        self.overlay_errors[key] = reason or ""
        self.show_legend()

    def show_legend(self) -> None:
        """The overlay legend at the cursor bar (else the newest), in the lines' colours."""
        with suppress(NoMatches):  # not composed yet
            self.query_one(OverlayLegend).show_for(self)

    def set_quote(self, quote: dict[str, Any] | None) -> None:
        """The symbol's quote; its ``pricescale`` sets the decimals shown, so when that
        arrives after the bars the subtitle and the price labels are redone."""
        scale = self.quote.get("pricescale")
        self.quote = quote or {}
        if self.bars and self.quote.get("pricescale") != scale:
            self._update_titles()
            self._redraw()

    def fail(self, generation: int, reason: str) -> None:
        if generation == self.generation:
            self.problem = reason
            self._update_message()

    # --- the view: cursor, zoom, chart type ----------------------------------------------------

    @property
    def plot_width(self) -> int:
        return self.query_one(CandlePlot).size.width or self.content_size.width

    def window_for(self, width: int | None = None) -> Window:
        return self.view.window(self.times, width or self.plot_width)

    @property
    def cursor_bar(self) -> Bar | None:
        index = self.view.cursor_index(self.times)
        return None if index is None else self.bars[index]

    def move_cursor(self, step: int) -> bool:
        """The cursor ``step`` bars on; True when it went past the oldest bar held."""
        self.view.wants_older = False
        self.view.move_cursor(self.times, self.plot_width, step)
        self._view_changed()
        return self.view.wants_older

    def cursor_home(self) -> bool:
        """``Home``: the oldest bar held; True when the cursor was there already."""
        again = self.view.home(self.times, self.plot_width)
        self._view_changed()
        return again

    def hide_cursor(self) -> None:
        self.view.hide_cursor()
        self._view_changed()

    def zoom(self, factor: float) -> None:
        self.view.zoom(self.times, self.plot_width, factor)
        self._view_changed()

    def click_column(self, column: int) -> None:
        if self.view.click(self.times, self.plot_width, column):
            self._view_changed()

    def cycle_chart_type(self) -> str:
        index = CHART_TYPES.index(self.chart_type) if self.chart_type in CHART_TYPES else 0
        self.chart_type = CHART_TYPES[(index + 1) % len(CHART_TYPES)]
        self._view_changed()
        return self.chart_type

    def set_loading_older(self, loading: bool) -> None:
        self.loading_older = loading
        self.border_subtitle = self.readout_text()

    def _view_changed(self) -> None:
        self.border_subtitle = self.readout_text()  # the title (tabs) is unchanged
        self._redraw()

    # --- painting ----------------------------------------------------------------------------

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._update_message()

    def redraw(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        self.show_legend()
        if self.is_mounted:
            window = self.window_for()
            if not window.same_as(self.window):
                self.window = window
                self.post_message(self.WindowChanged(self, window))
        for plot in self.query(ThemedPlot):
            plot.redraw()

    def on_resize(self) -> None:
        self.border_subtitle = self.readout_text()  # the readout fits the width
        self._redraw()

    @property
    def has_volume(self) -> bool:
        """False for symbols that trade no volume (FX pairs, indices): no volume strip then."""
        return any(bar.volume for bar in self.bars[-500:])

    def _update_message(self) -> None:
        message = self.query_one("#chart-message", Static)
        if self.problem:
            message.update(Text(f"✗ {self.symbol}: {shown(self.problem)}", style="bold"))
            message.set_class(True, "-error")
        elif not self.bars:
            what = f"{self.symbol} {self.timeframe}" if self.symbol else "the chart"
            message.update(Text(f"Loading {what}…"))
            message.set_class(False, "-error")
        message.display = bool(self.problem or not self.bars)
        drawn = bool(self.bars) and not self.problem
        volume = drawn and self.has_volume and not self.compact
        candles = self.query_one(CandlePlot)
        if volume == candles.X_AXIS:
            candles.X_AXIS = not volume  # the time labels move to whichever plot is last
            candles.redraw()
        candles.display = drawn
        self.query_one(VolumePlot).display = volume

    def _update_titles(self) -> None:
        """Symbol, then every timeframe as a clickable tab (the current one reversed); the
        readout of the cursor bar (else the newest) underneath."""
        tabs = [
            Content.styled(f" {tf} ", "reverse") if tf == self.timeframe else Content(tf)
            for tf in TIMEFRAMES
        ]
        clickable = [
            tab.stylize(f"@click=app.select_timeframe('{tf}')")
            for tab, tf in zip(tabs, TIMEFRAMES, strict=True)
        ]
        title = Content.assemble(
            Content.styled(self.symbol or "Chart", "bold"), " · ", Content(" ").join(clickable)
        )
        self.title_plain = title.plain  # what the header reads (tests, the help)
        self.border_title = title
        self.border_subtitle = self.readout_text()

    def readout_text(self) -> str:
        """The readout, fitted to the pane's width: a narrow pane (80 columns) shortens the
        chart type's name, then leaves it out (the picture shows the type; Heikin-Ashi's
        values keep their ``real`` label), before the values themselves are shortened."""
        if not self.bars:
            return ""
        index = self.view.cursor_index(self.times)
        cursor = index is not None
        if index is None:
            index = len(self.bars) - 1
        bar = self.bars[index]
        decimals = fmt.decimals_for(self.quote, bar.close)
        room = max(20, self.size.width - 4)
        text = ""
        for names in (CHART_TYPE_NAMES, CHART_TYPE_SHORT, None):
            prefix = self.readout_status()
            if names and self.chart_type != "candles":
                prefix += f"{names[self.chart_type]} · "
            text = prefix + readout(
                bar,
                self.bars[index - 1] if index > 0 else None,
                decimals,
                self.timeframe_seconds,
                volume=self.has_volume,
                cursor=cursor,
                heikin_ashi=self.chart_type == "heikin-ashi",
                width=room - len(prefix),
            )
            if len(text) <= room:
                break
        return text

    def readout_status(self) -> str:
        """'loading older bars… · ' (or that there is nothing older) before the values."""
        if self.loading_older:
            return f"{LOADING_OLDER} · "
        if self.older_exhausted and self.view.cursor_index(self.times) == 0:
            return f"{NO_OLDER} · "
        return ""
