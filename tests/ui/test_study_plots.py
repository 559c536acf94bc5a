"""What the indicator pane draws, cell by cell: histogram heights and value precision."""

from __future__ import annotations

import math
import re

from tests.support import hold_still, wait_until
from tvtui.feed.events import StudyPoint
from tvtui.ui.app import TvtuiApp
from tvtui.ui.chart.view import Viewport
from tvtui.ui.scenes import data_ready, plots_settled
from tvtui.ui.themes import APP_VARIABLE_DEFAULTS
from tvtui.ui.widgets.chart import CandlePlot, ChartPane, VolumePlot
from tvtui.ui.widgets.indicators import IndicatorPane, StudyData, StudyPlot, study_value
from tvtui.ui.widgets.plots import PlotSpec

UP = (0x26, 0xA6, 0x9A)
DOWN = (0xEF, 0x53, 0x50)


def _macd_picture(width: int = 120, height: int = 6):
    times = [float(60 * i) for i in range(50)]
    points = [
        StudyPoint(t, [40 * math.sin(i / 4), 200 * math.cos(i / 7), 150 * math.cos(i / 6)])
        for i, t in enumerate(times)
    ]
    window = Viewport().window(times, width)
    data = StudyData("STD;MACD", ["Histogram", "MACD", "Signal"], points, window)
    spec = PlotSpec(width, height, data, dict(APP_VARIABLE_DEFAULTS), False)
    return StudyPlot(None)._build(spec)  # type: ignore[arg-type]


def _dots(char: str) -> int:
    """How much of a cell is ink: braille dots (0-8), a full block counts as 8."""
    if "\u2800" <= char <= "\u28ff":
        return bin(ord(char) - 0x2800).count("1")
    return 8 if char == "█" else 0


def test_macd_histogram_heights_follow_the_values_coloured_by_sign() -> None:
    picture = _macd_picture()
    ink: dict[tuple[int, int, int], dict[int, int]] = {UP: {}, DOWN: {}}
    for strip in picture.strips:
        x = 0
        for segment in strip:
            colour = segment.style.color if segment.style else None
            rgb = tuple(colour.triplet) if colour and colour.triplet else None
            for char in segment.text:
                if rgb in ink and _dots(char):
                    ink[rgb][x] = ink[rgb].get(x, 0) + _dots(char)
                x += 1
    assert ink[UP] and ink[DOWN]  # bars above zero in the up colour, below in the down one
    heights = set(ink[UP].values()) | set(ink[DOWN].values())
    assert len(heights) >= 4, f"bar heights {sorted(heights)} do not follow the values"


async def test_fx_indicator_values_have_the_symbols_precision_never_minus_zero(make_app) -> None:
    app: TvtuiApp = make_app(symbols=["FX:EURUSD", "NASDAQ:AAPL"])
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        pane = app.query_one(IndicatorPane)
        await wait_until(pilot, lambda: pane.price_decimals == 5, 10, "EURUSD's pricescale")
        macd = str(pane.blocks()["STD;MACD"].query_one(".legend").render())
        values = re.findall(r"  (?:Histogram|MACD|Signal) (\S+)", macd)
        assert len(values) == 3, macd
        assert all(re.fullmatch(r"-?\d\.\d{5}", v) for v in values), macd
        assert "-0.00000" not in macd
        rsi = str(pane.blocks()["STD;RSI"].query_one(".legend").render())
        assert re.search(r"RSI \d+\.\d\d\b", rsi), rsi  # 0-100: two decimals, as on TradingView


def test_a_tiny_negative_value_is_not_minus_zero() -> None:
    assert study_value(-0.0000001, 2) == "0.00"
    assert study_value(-0.00003, 5) == "-0.00003"
    assert study_value(-1234.5, 2) == "-1,234.50"


async def test_a_symbol_without_volume_gets_no_volume_strip(make_app) -> None:
    app: TvtuiApp = make_app(symbols=["FX:EURUSD", "NASDAQ:AAPL"])
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        chart = app.query_one(ChartPane)
        volume, candles = chart.query_one(VolumePlot), chart.query_one(CandlePlot)
        assert not volume.display  # FX trades no volume: no row of identical bars
        assert " V " not in str(chart.border_subtitle)
        # settled and drawn at least once (a busy machine may still be sizing the candles)
        await wait_until(
            pilot, lambda: plots_settled(app) and candles._picture is not None, 10, "plots"
        )
        bottom = "".join(s.text for s in candles._picture.strips[-1])  # type: ignore[union-attr]
        assert re.search(r"\d\d:\d\d", bottom), "the time labels moved under the candles"
        await pilot.press("down", "enter")  # AAPL has volume
        await wait_until(pilot, lambda: chart.symbol == "NASDAQ:AAPL" and bool(chart.bars), 10)
        await wait_until(pilot, lambda: volume.display, 10, "the volume strip")


async def test_a_pricescale_arriving_after_the_bars_sets_the_charts_decimals(make_app) -> None:
    from tvtui.feed.events import Bar

    app: TvtuiApp = make_app(symbols=["FX:EURUSD"])
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await hold_still(pilot, app)
        chart = app.query_one(ChartPane)
        chart.set_quote({})  # as if the bars came first
        chart.set_bars(chart.generation, [Bar(0.0, 0.95884, 0.95884, 0.95879, 0.95879, None)])
        assert "0.958790" in str(chart.border_subtitle)  # guessed from the size: 6
        chart.set_quote({"lp": 0.95879, "pricescale": 100000})
        assert "C 0.95879 " in str(chart.border_subtitle) + " "
