"""Chart redraw: the visible bars at 160x45, with 500, 5,000 and 20,000 bars held; and
redrawing while panning with the cursor over 20,000 bars.

The app (headless, 160x45, a feed stub that never connects) is given N bars through the same
handler the stream worker's ``CandlesChanged`` reaches (``on_candles_changed``); then both
chart plots (candles, volume) are built the way the builder thread builds them
(``ThemedPlot._build`` with a spec captured on the UI thread). A separate figure builds one
candle plot at the full 160x45. The redraw must cost the same however many bars are held
(only the visible ones are drawn).

A/B in one run: the reference is the build before the chart drew its own cells (issue 12):
plotext's public ``build()`` ANSI string parsed into strips, kept below
(:func:`_reference_build`, the code of ``ui/widgets/plots.py`` / ``picture.py`` / ``chart.py``
at that commit, condensed), built from the same bars at the same sizes, alternated with the
new build so both see the same machine.

Panning: with 20,000 bars and RSI + MACD points held, the cursor is moved past the left edge
(``←`` after moving it to the edge). A step costs its UI-thread action plus the pictures it
causes (candles, volume, both studies), timed built one after the other with the builder
thread idle, the same measure as the rows above; and, for information, the wall time from
the action until all four new pictures are on screen (Textual's repaint and the machine's
load included).
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import tempfile
import threading
import time
from functools import partial
from typing import Any

from benchmarks import common
from benchmarks.common import Figure, StubFeed, best_of, ms

HELD = (500, 5_000, 20_000)


def _bars(count: int) -> list[Any]:
    from tvtui.feed.events import Bar
    from tvtui.sim.market import Market

    end = 1_717_977_600
    rows = Market(7).bars("BINANCE:BTCUSDT", "1", end - 60 * count, end)
    return [Bar(t, o, h, lo, c, v, i) for i, (t, o, h, lo, c, v) in enumerate(rows)]


# --- the reference: the build before the chart drew its own cells ----------------------------

_RUN = re.compile(r"((?:\x1b\[[0-9;]*m)*)([^\x1b]*)\x1b\[0m")
_REF_STYLES: dict[str, Any] = {}
_PLOTEXT = threading.Lock()
#: label columns, columns per bar (as ``ui/widgets/plots.py`` had them)
_REF_LABEL, _REF_PER_BAR = 10, 2


def _ref_strips(canvas: str, base: Any, width: int, height: int) -> list[Any]:
    """plotext's ANSI canvas as strips (``ui/widgets/picture.py``'s fast path)."""
    from rich.segment import Segment
    from rich.style import Style
    from rich.text import Text
    from textual.strip import Strip

    strips = []
    lines = canvas.split("\n")
    if lines[-1] == "":
        lines.pop()
    styles: dict[str, Any] = {}
    for line in lines[:height]:
        segments = []
        for codes, text in _RUN.findall(line):
            style = styles.get(codes)
            if style is None:
                cell = _REF_STYLES.get(codes)
                if cell is None:
                    probe = Text.from_ansi(codes + "x\x1b[0m")
                    parts = [s.style for s in probe.spans if isinstance(s.style, Style)]
                    cell = _REF_STYLES[codes] = Style.combine(parts) if parts else Style()
                style = styles[codes] = base + cell
            if text:
                segments.append(Segment(text, style))
        strip = Strip(segments)
        if strip.cell_length != width:
            strip = strip.crop_extend(0, width, base)
        strips.append(strip)
    return strips


def _reference_build(kind: str, width: int, height: int, bars: list[Any], x_axis: bool) -> Any:
    """One plot as the previous code built it: plotext's figure, ``build()``, parsed."""
    import plotext as plt
    from rich.style import Style

    from tvtui.ui import format as fmt
    from tvtui.ui.themes import APP_VARIABLE_DEFAULTS, plot_colour

    def colour(name: str) -> Any:
        return plot_colour(APP_VARIABLE_DEFAULTS, name)

    def pad(text: str) -> str:
        return text[-_REF_LABEL:].rjust(_REF_LABEL)

    capacity = max(5, max(1, width - _REF_LABEL - 3) // _REF_PER_BAR)
    shown = bars[-capacity:]
    with _PLOTEXT:
        plt.clear_figure()
        plt.limit_size(False, False)
        plt.plotsize(width, height)
        plt.theme("clear")
        plt.canvas_color((19, 23, 34))
        plt.axes_color((19, 23, 34))
        plt.ticks_color((150, 150, 150))
        plt.xaxes(x_axis, False)
        plt.yaxes(True, False)
        xs = list(range(len(shown)))
        up_down = [colour("price-up"), colour("price-down")]
        if kind == "candles":
            ohlc = {
                "Open": [b.open for b in shown],
                "High": [b.high for b in shown],
                "Low": [b.low for b in shown],
                "Close": [b.close for b in shown],
            }
            plt.candlestick(xs, ohlc, colors=up_down)
            low, high = min(ohlc["Low"]), max(ohlc["High"])
            padding = (high - low) * 0.04 or 1.0
            low, high = low - padding, high + padding
            plt.ylim(low, high)
            last = shown[-1].close
            plt.hline(last, colour("chart-last"))
            rows = max(2, height - 2)
            ticks = [
                t
                for t in fmt.nice_ticks(low, high, max(2, rows // 3))
                if abs(t - last) > (high - low) / rows * 1.5
            ]
            ticks.append(last)
            plt.yticks(ticks, [pad(fmt.price(t, 2)) for t in ticks])
        else:
            volumes = [b.volume or 0.0 for b in shown]
            up = [b.close > b.open for b in shown]
            opens = [0.0 if u else v for v, u in zip(volumes, up, strict=True)]
            closes = [v if u else 0.0 for v, u in zip(volumes, up, strict=True)]
            data = {
                "Open": opens,
                "Close": closes,
                "High": [max(o, c) for o, c in zip(opens, closes, strict=True)],
                "Low": [min(o, c) for o, c in zip(opens, closes, strict=True)],
            }
            plt.candlestick(xs, data, colors=up_down)
            top = max(volumes) or 1.0
            plt.ylim(0, top * 1.05)
            plt.yticks([top], [pad(fmt.compact(top))])
        plt.xlim(-0.5, capacity - 0.5)
        if x_axis:
            positions = list(range(len(shown) - 1, -1, -7))[::-1]
            plt.xticks(positions, [fmt.time_label(shown[i].time, 300) for i in positions])
        else:
            plt.xticks([], [])
        canvas = plt.build()
    return _ref_strips(canvas, Style(bgcolor="#131722"), width, height)


# --- the measurements -------------------------------------------------------------------------


def _spec(plot: Any, width: int | None = None, height: int | None = None) -> Any:
    return plot.spec(width, height)


def _studies(bars: list[Any]) -> list[Any]:
    """RSI- and MACD-shaped points for every bar (what the studies' messages carry)."""
    from tvtui.feed.events import StudyPoint

    rsi = [
        StudyPoint(b.time, [50 + 30 * math.sin(i / 9), 50 + 20 * math.sin(i / 13)])
        for i, b in enumerate(bars)
    ]
    macd = [
        StudyPoint(b.time, [40 * math.sin(i / 4), 200 * math.cos(i / 7), 150 * math.cos(i / 6)])
        for i, b in enumerate(bars)
    ]
    return [
        ("STD;RSI", ["RSI", "RSI-based MA"], rsi),
        ("STD;MACD", ["Histogram", "MACD", "Signal"], macd),
    ]


async def _measure(runs: int) -> dict[Any, dict[str, float]]:
    from tvtui.config import load_config
    from tvtui.ui import messages as msg
    from tvtui.ui.app import TvtuiApp
    from tvtui.ui.widgets.chart import CandlePlot, ChartPane, VolumePlot
    from tvtui.ui.widgets.indicators import IndicatorPane, StudyPlot

    out: dict[Any, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TVTUI_CONFIG"] = f"{tmp}/config.toml"
        os.environ["XDG_DATA_HOME"] = f"{tmp}/data"
        app = TvtuiApp(
            load_config(),
            mode="demo",
            symbols=["BINANCE:BTCUSDT"],
            theme="tvtui-dark",
            client_factory=StubFeed,
        )
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause(0.3)
            chart = app.query_one(ChartPane)
            for held in HELD:
                bars = _bars(held)
                message = msg.CandlesChanged(
                    chart.generation, chart.symbol, chart.timeframe, bars, closed=True
                )
                start = time.perf_counter()
                app.main.on_candles_changed(message)
                handler = time.perf_counter() - start
                await pilot.pause(0.3)
                candles, volume = app.query_one(CandlePlot), app.query_one(VolumePlot)
                c_spec, v_spec = _spec(candles), _spec(volume)
                full = _spec(candles, 160, 45)
                (cw, ch), (vw, vh) = (c_spec.width, c_spec.height), (v_spec.width, v_spec.height)
                new_pane = old_pane = new_full = old_full = math.inf
                for _ in range(runs):  # alternated: both see the same machine
                    new_pane = min(
                        new_pane,
                        best_of(1, partial(candles._build, c_spec))
                        + best_of(1, partial(volume._build, v_spec)),
                    )
                    old_pane = min(
                        old_pane,
                        best_of(1, partial(_reference_build, "candles", cw, ch, bars, False))
                        + best_of(1, partial(_reference_build, "volume", vw, vh, bars, True)),
                    )
                    new_full = min(new_full, best_of(1, partial(candles._build, full)))
                    old_full = min(
                        old_full,
                        best_of(1, partial(_reference_build, "candles", 160, 45, bars, True)),
                    )
                out[held] = {
                    "handler": handler,
                    "pane": new_pane,
                    "old_pane": old_pane,
                    "full": new_full,
                    "old_full": old_full,
                    "size": cw * 1000 + ch,
                    "volume_size": vw * 1000 + vh,
                }
            # panning with the cursor over the 20,000 bars, both studies drawn too
            for pine_id, titles, points in _studies(bars):
                app.main.on_study_changed(
                    msg.StudyChanged(chart.generation, "st1", pine_id, titles, points)
                )
            await pilot.pause(0.5)
            plots = [candles, volume, *app.query_one(IndicatorPane).query(StudyPlot)]
            plots = [p for p in plots if p.display and p.size.width]
            screen = app.main
            screen.action_cursor(-1)
            screen.action_cursor(-(chart.window.count - 1))  # to the left edge
            pane = app.query_one(IndicatorPane)

            def shown() -> bool:  # every picture of the new window is on screen
                window = pane.window
                return (
                    window is not None
                    and window.same_as(chart.window)
                    and all(p.settled for p in plots)
                )

            steps, walls = [], []
            for _ in range(10 if runs > 3 else 5):
                start = time.perf_counter()
                screen.action_cursor(-1)  # past the edge: the view pans one bar
                handler = time.perf_counter() - start
                await asyncio.sleep(0)
                while not shown():
                    await asyncio.sleep(0.0005)
                walls.append(time.perf_counter() - start)
                # the pictures that step caused, built again with the builder thread idle
                specs = [p.spec() for p in plots]
                start = time.perf_counter()
                for plot, spec in zip(plots, specs, strict=True):
                    plot._build(spec)
                steps.append(handler + time.perf_counter() - start)
                await pilot.pause(0.05)
            walls.sort()
            steps.sort()
            out["pan"] = {
                "median": steps[len(steps) // 2],
                "max": steps[-1],
                "wall": walls[len(walls) // 2],
                "plots": len(plots),
            }
            # 5,000 older bars arrive (Home twice) with the cursor at the oldest bar held
            from tvtui.ui.messages import OlderBarsLoaded

            screen.action_cursor_home()
            older = _bars(25_000)[:5_000]  # the 5,000 minutes before the 20,000 held
            assert older[-1].time < bars[0].time
            cursor = chart.cursor_bar
            message = OlderBarsLoaded(chart.generation, older + bars, 5_000, False)
            start = time.perf_counter()
            screen.on_older_bars_loaded(message)
            handler = time.perf_counter() - start
            assert chart.cursor_bar is cursor and len(chart.bars) == 25_000
            while not shown():
                await asyncio.sleep(0.0005)
            specs = [p.spec() for p in plots]
            start = time.perf_counter()
            for plot, spec in zip(plots, specs, strict=True):
                plot._build(spec)
            out["older"] = {"handler": handler, "pictures": time.perf_counter() - start}
            app.bridge.stop()
    return out


def run(quick: bool = False) -> list[Figure]:
    result = asyncio.run(_measure(3 if quick else 7))
    base = result[HELD[0]]
    figures: list[Figure] = []
    size = int(base["size"])
    vsize = int(base["volume_size"])
    layout = f"candles {size // 1000}x{size % 1000} + volume {vsize // 1000}x{vsize % 1000}"
    for held in HELD:
        row = result[held]
        figures.append(
            Figure(
                f"chart redraw, {held:,} bars held ({layout})",
                f"{ms(row['pane'])} build (before: {ms(row['old_pane'])}); full 160x45 candle "
                f"plot {ms(row['full'])} (before: {ms(row['old_full'])}); UI-thread handler "
                f"{ms(row['handler'])}",
                reference=f"plotext build {ms(row['old_pane'])}; 500 held: {ms(base['pane'])}",
                target="< 30 ms, flat in bars held, no worse than before",
                met=row["pane"] < 0.030
                and row["full"] < 0.030
                and row["pane"] <= row["old_pane"]
                and row["pane"] < base["pane"] * 1.5 + 0.002,
            )
        )
    pan = result["pan"]
    figures.append(
        Figure(
            "chart redraw while panning, 20,000 bars held (cursor past the left edge)",
            f"median {ms(pan['median'])}, max {ms(pan['max'])} a step (UI-thread action + "
            f"its {int(pan['plots'])} pictures); key to pictures on screen, Textual's "
            f"repaint included: median {ms(pan['wall'])}",
            # judged on the median: on this shared 2-core machine the maximum is whichever
            # step the scheduler preempted (it is shown, not hidden)
            target="median < 30 ms",
            met=pan["median"] < 0.030,
        )
    )
    older = result["older"]
    figures.append(
        Figure(
            "5,000 older bars added to 20,000 held (the UI's part: handler + pictures)",
            f"{ms(older['handler'] + older['pictures'])} (handler {ms(older['handler'])}, "
            f"pictures {ms(older['pictures'])}); the cursor stays on its bar",
            target="a small part of the 1 s to screen",
            met=older["handler"] + older["pictures"] < 0.1,
        )
    )
    return figures


if __name__ == "__main__":
    common.main(run)
