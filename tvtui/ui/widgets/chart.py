"""The chart pane: candles of the selected symbol and timeframe, volume bars under them.

Only the bars that fit the width are drawn (plotext's build time grows with the number of
candles), on an integer x axis with our own time labels (no weekend gaps).
The pane keeps every bar it was sent, which is what the export writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tvtui.feed.events import Bar, StudyPoint
from tvtui.feed.timeframes import VALID_NAMES, parse_timeframe
from tvtui.market.studies import clean_value
from tvtui.ui import format as fmt
from tvtui.ui.safe import shown
from tvtui.ui.widgets.plots import PlotSpec, ThemedPlot, pad_label, visible_bars

#: The timeframes on the number keys 1-9.
TIMEFRAME_KEYS: tuple[str, ...] = ("1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1M")
#: Every timeframe the app accepts, shortest first: the header's tabs, walked by [ and ].
TIMEFRAMES: tuple[str, ...] = VALID_NAMES

#: Columns between two time labels on the x axis.
LABEL_SPACING = 14


def xtick_positions(count: int, columns_per_bar: int = 2) -> list[int]:
    """Bar positions that get a time label, counted back from the newest bar."""
    step = max(1, LABEL_SPACING // columns_per_bar)
    return list(range(count - 1, -1, -step))[::-1]


def draw_columns(plt: Any, values: list[float], up: list[bool], spec: PlotSpec) -> None:
    """Bars from zero at x = 0..n-1, coloured ``$price-up`` where ``up`` else ``$price-down``."""
    opens = [0.0 if is_up else v for v, is_up in zip(values, up, strict=True)]
    closes = [v if is_up else 0.0 for v, is_up in zip(values, up, strict=True)]
    data = {
        "Open": opens,
        "Close": closes,
        "High": [max(o, c) for o, c in zip(opens, closes, strict=True)],
        "Low": [min(o, c) for o, c in zip(opens, closes, strict=True)],
    }
    colours = [spec.colour("price-up"), spec.colour("price-down")]
    plt.candlestick(list(range(len(values))), data, colors=colours)


@dataclass(frozen=True)
class ChartData:
    bars: list[Bar]
    quote: dict[str, Any]
    seconds: int
    #: pine id -> (plot titles, points): studies drawn over the candles (SMA, EMA, BB)
    overlays: dict[str, tuple[list[str], list[StudyPoint]]]


#: Line colours of overlay studies, in order (theme variables).
OVERLAY_COLOURS = ("study-line", "study-signal", "accent", "secondary", "primary")


def draw_overlays(
    plt: Any, spec: PlotSpec, data: ChartData, bars: list[Bar], low: float, high: float
) -> tuple[float, float]:
    """Lines of overlay studies over the visible bars; returns the widened price range."""
    x_of = {bar.time: i for i, bar in enumerate(bars)}
    colour = 0
    for _titles, points in data.overlays.values():
        rows = [(x_of[p.time], p) for p in points if p.time in x_of]
        width = max((len(p.values) for _, p in rows), default=0)
        for k in range(width):
            pairs = [(x, clean_value(p.values[k])) for x, p in rows if k < len(p.values)]
            pairs = [(x, float(v)) for x, v in pairs if isinstance(v, int | float)]
            if not pairs:
                continue
            ys = [y for _, y in pairs]
            low, high = min(low, *ys), max(high, *ys)
            name = OVERLAY_COLOURS[colour % len(OVERLAY_COLOURS)]
            colour += 1
            plt.plot([x for x, _ in pairs], ys, color=spec.colour(name), marker="braille")
    return low, high


class ChartPlot(ThemedPlot):
    """A plot of the pane's bars (the pane's lists are replaced, never mutated)."""

    def __init__(self, pane: ChartPane, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pane = pane

    def snapshot(self) -> ChartData | None:
        pane = self.pane
        if not pane.bars:
            return None
        return ChartData(pane.bars, dict(pane.quote), pane.timeframe_seconds, dict(pane.overlays))


class CandlePlot(ChartPlot):
    """Candlesticks with the last price marked (a line and a label on the price axis)."""

    def draw(self, plt: Any, spec: PlotSpec) -> bool | None:
        capacity = visible_bars(spec.width)
        data: ChartData = spec.data
        bars = data.bars[-capacity:]
        if not bars:
            return False
        decimals = fmt.decimals_for(data.quote, bars[-1].close)
        xs = list(range(len(bars)))
        ohlc = {
            "Open": [b.open for b in bars],
            "High": [b.high for b in bars],
            "Low": [b.low for b in bars],
            "Close": [b.close for b in bars],
        }
        plt.candlestick(xs, ohlc, colors=[spec.colour("price-up"), spec.colour("price-down")])
        low = min(ohlc["Low"])
        high = max(ohlc["High"])
        low, high = draw_overlays(plt, spec, data, bars, low, high)
        pad = (high - low) * 0.04 or abs(high) * 0.001 or 1.0
        low, high = low - pad, high + pad
        plt.xlim(-0.5, capacity - 0.5)
        plt.ylim(low, high)
        last = bars[-1].close
        plt.hline(last, spec.colour("chart-last"))
        rows = max(2, spec.height - 2)
        row_value = (high - low) / rows
        ticks = [
            t
            for t in fmt.nice_ticks(low, high, max(2, rows // 3))
            if abs(t - last) > row_value * 1.5
        ]
        ticks.append(last)
        plt.yticks(ticks, [pad_label(fmt.price(t, decimals)) for t in ticks])
        if self.X_AXIS:  # no volume strip under it: the time labels are the candles' own
            positions = xtick_positions(len(bars))
            plt.xticks(positions, [fmt.time_label(bars[i].time, data.seconds) for i in positions])
        else:
            plt.xticks([], [])
        return None


class VolumePlot(ChartPlot):
    """Volume bars in the candle colours, with the time labels of the shared x axis."""

    X_AXIS = True

    def draw(self, plt: Any, spec: PlotSpec) -> bool | None:
        capacity = visible_bars(spec.width)
        data: ChartData = spec.data
        bars = data.bars[-capacity:]
        if not bars:
            return False
        volumes = [b.volume or 0.0 for b in bars]
        # Volume bars are drawn as candle bodies from 0 (up bars) or down to 0 (down bars):
        # one column wide, in the candle colours, and exactly under their candles.
        draw_columns(plt, volumes, [b.close > b.open for b in bars], spec)
        top = max(volumes) or 1.0
        plt.xlim(-0.5, capacity - 0.5)
        plt.ylim(0, top * 1.05)
        plt.yticks([top], [pad_label(fmt.compact(top))])
        positions = xtick_positions(len(bars))
        plt.xticks(positions, [fmt.time_label(bars[i].time, data.seconds) for i in positions])
        return None


class ChartPane(Vertical):
    """Candles + volume for one symbol and timeframe; says 'loading' or why there is nothing."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.symbol = ""
        self.timeframe = "5m"
        self.generation = 0
        self.bars: list[Bar] = []
        self.quote: dict[str, Any] = {}
        self.problem: str | None = None
        self.overlays: dict[str, tuple[list[str], list[StudyPoint]]] = {}
        self.title_plain = ""
        #: a short terminal: the volume strip gives its rows to the candles
        self.compact = False

    @property
    def timeframe_seconds(self) -> int:
        try:
            return parse_timeframe(self.timeframe).seconds
        except ValueError:
            return 60

    def compose(self) -> ComposeResult:
        yield Static("", id="chart-message")
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
        self.bars = []
        self.quote = {}
        self.problem = None
        self.overlays = {}
        self._update_titles()
        self._update_message()
        self._redraw()

    def set_bars(self, generation: int, bars: list[Bar]) -> bool:
        if generation != self.generation:
            return False
        self.bars = bars
        self.problem = None
        self._update_titles()
        self._update_message()
        self._redraw()
        return True

    def set_overlay(
        self, generation: int, pine_id: str, titles: list[str], points: list[StudyPoint]
    ) -> None:
        """Draw ``pine_id``'s lines over the candles (SMA, EMA, Bollinger Bands)."""
        if generation == self.generation:
            self.overlays = {**self.overlays, pine_id: (titles, points)}
            self._redraw()

    def keep_overlays(self, pine_ids: list[str]) -> None:
        """Drop overlays no longer chosen."""
        kept = {p: v for p, v in self.overlays.items() if p in pine_ids}
        if kept.keys() != self.overlays.keys():
            self.overlays = kept
            self._redraw()

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

    # --- painting ----------------------------------------------------------------------------

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._update_message()

    def redraw(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        for plot in self.query(ThemedPlot):
            plot.redraw()

    @property
    def has_volume(self) -> bool:
        """False for symbols that trade no volume (FX pairs, indices): no volume strip then."""
        return any(bar.volume for bar in self.bars)

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
        """Symbol, then every timeframe as a clickable tab (the current one reversed)."""
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
        if self.bars:
            bar = self.bars[-1]
            decimals = fmt.decimals_for(self.quote, bar.close)
            volume = f" V {fmt.compact(bar.volume)}" if self.has_volume else ""
            self.border_subtitle = (
                f"O {fmt.price(bar.open, decimals)} H {fmt.price(bar.high, decimals)} "
                f"L {fmt.price(bar.low, decimals)} C {fmt.price(bar.close, decimals)}{volume}"
            )
        else:
            self.border_subtitle = ""
