"""Chart redraw: the visible candles at 160x45, with 500, 5,000 and 20,000 bars held.

The app (headless, 160x45, a feed stub that never connects) is given N bars through the same
handler the stream worker's ``CandlesChanged`` reaches (``on_candles_changed``); then both
chart plots (candles, volume) are built the way the builder thread builds them
(``ThemedPlot._build`` with a spec captured on the UI thread). A separate figure builds one
candle plot at the full 160x45. The reference is the cost at 500 bars: the redraw must cost
the same however many bars are held (only the visible ones are drawn).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from functools import partial
from typing import Any

from benchmarks import common
from benchmarks.common import Figure, best_of, ms

HELD = (500, 5_000, 20_000)


class _StubFeed:
    """A FeedLike that accepts every command and never connects (the bars come from here)."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink

    def start(self) -> _StubFeed:
        return self

    def close(self, timeout: float = 2.0) -> None:
        pass

    def add_symbols(self, *symbols: str) -> list[str]:
        return list(symbols)

    def remove_symbols(self, *symbols: str) -> None:
        pass

    def open_series(self, symbol: str, timeframe: str, count: int = 300) -> Any:
        from tvtui.feed.registry import SeriesHandle

        return SeriesHandle("cs_bench", "sds_1", symbol, timeframe, count)

    def modify_series(self, handle: Any, symbol: str | None = None, timeframe: str | None = None):
        return handle

    def add_study(self, handle: Any, indicator: Any) -> str:
        return "st9"

    def remove_study(self, handle: Any, study_id: str) -> None:
        pass

    def close_series(self, handle: Any) -> None:
        pass

    def reconnect(self) -> None:
        pass


def _bars(count: int) -> list[Any]:
    from tvtui.feed.events import Bar
    from tvtui.sim.market import Market

    end = 1_717_977_600
    rows = Market(7).bars("BINANCE:BTCUSDT", "1", end - 60 * count, end)
    return [Bar(t, o, h, lo, c, v, i) for i, (t, o, h, lo, c, v) in enumerate(rows)]


def _spec(plot: Any, width: int | None = None, height: int | None = None) -> Any:
    from tvtui.ui.widgets.plots import PlotSpec

    app = plot.app
    return PlotSpec(
        width or plot.size.width,
        height or plot.size.height,
        plot.snapshot(),
        dict(app.theme_variables),
        bool(app.current_theme.ansi),
    )


async def _measure(runs: int) -> dict[int, dict[str, float]]:
    from tvtui.config import load_config
    from tvtui.ui import messages as msg
    from tvtui.ui.app import TvtuiApp
    from tvtui.ui.widgets.chart import CandlePlot, ChartPane, VolumePlot

    out: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TVTUI_CONFIG"] = f"{tmp}/config.toml"
        os.environ["XDG_DATA_HOME"] = f"{tmp}/data"
        app = TvtuiApp(
            load_config(),
            mode="demo",
            symbols=["BINANCE:BTCUSDT"],
            theme="tvtui-dark",
            client_factory=_StubFeed,
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
                t_candles = best_of(runs, partial(candles._build, c_spec))
                t_volume = best_of(runs, partial(volume._build, v_spec))
                full = _spec(candles, 160, 45)
                t_full = best_of(runs, partial(candles._build, full))
                out[held] = {
                    "handler": handler,
                    "pane": t_candles + t_volume,
                    "full": t_full,
                    "size": candles.size.width * 1000 + candles.size.height,
                    "volume_size": volume.size.width * 1000 + volume.size.height,
                }
            app.bridge.stop()
    return out


def run(quick: bool = False) -> list[Figure]:
    result = asyncio.run(_measure(3 if quick else 7))
    base = result[HELD[0]]
    figures: list[Figure] = []
    size = base["size"]
    vsize = base["volume_size"]
    layout = f"candles {size // 1000}x{size % 1000} + volume {vsize // 1000}x{vsize % 1000}"
    for held in HELD:
        row = result[held]
        figures.append(
            Figure(
                f"chart redraw, {held:,} bars held ({layout})",
                f"{ms(row['pane'])} build; full 160x45 candle plot {ms(row['full'])}; "
                f"UI-thread handler {ms(row['handler'])}",
                reference=f"500 held: {ms(base['pane'])} (x{row['pane'] / base['pane']:.2f})",
                target="< 30 ms and flat in bars held",
                met=row["pane"] < 0.030
                and row["full"] < 0.030
                and row["pane"] < base["pane"] * 1.5 + 0.002,
            )
        )
    return figures


if __name__ == "__main__":
    common.main(run)
