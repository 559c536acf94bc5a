"""SMA 50 and SMA 200 at once, as a trader writes them in the config: two studies of one
indicator, drawn over the candles as two lines in two colours with two legends, their values
the simulator's, and an export whose columns and metadata tell them apart."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from tests.support import wait_until
from tvtui.export import export_session
from tvtui.ui.app import TvtuiApp
from tvtui.ui.chart.price_chart import ChartData, overlay_lines
from tvtui.ui.scenes import PAID_TOKEN, data_ready
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane

SIZE = (160, 45)
FIFTY, TWO_HUNDRED = "STD;SMA length=50", "STD;SMA length=200"


async def test_sma_50_and_sma_200_are_two_lines_two_legends_and_two_columns(
    make_app, live_sim, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text(
        'indicators = ["RSI", "SMA length=50", "SMA length=200"]\n'
    )
    app: TvtuiApp = make_app(symbols=["BINANCE:BTCUSDT"], token=PAID_TOKEN)
    async with app.run_test(size=SIZE) as pilot:
        assert app.indicator_ids == ["STD;RSI", FIFTY, TWO_HUNDRED]
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: len(chart.overlays) == 2, 10, "both overlays")
        legend = app.query_one("#overlay-legend")
        await wait_until(pilot, lambda: "SMA 200" in str(legend.render()), 5, "the legends")
        text = str(legend.render())
        assert text.startswith("SMA 50 ") and "  SMA 200 " in text
        data = ChartData(chart.bars, chart.quote, 300, dict(chart.overlays), chart.window_for())
        lines = overlay_lines(data)
        assert len(lines) == 2 and lines[0][0] != lines[1][0]  # two lines, two colours
        # RSI keeps its block in the pane; the two SMAs are on the chart only
        blocks = app.query_one(IndicatorPane).blocks()
        assert blocks["STD;RSI"].display and not blocks[FIFTY].display
        fifty = {p.time: p.values[0] for p in chart.overlays[FIFTY][1]}
        two_hundred = {p.time: p.values[0] for p in chart.overlays[TWO_HUNDRED][1]}
        view, records = app.main.session_view(), app.main.study_records()
    t = sorted(fifty)[-2]  # the newest closed bar
    closes = [b[4] for b in live_sim.bars("BINANCE:BTCUSDT", "5", t - 300 * 300, t + 1)]
    assert math.isclose(fifty[t], math.fsum(closes[-50:]) / 50, rel_tol=1e-12)
    assert math.isclose(two_hundred[t], math.fsum(closes[-200:]) / 200, rel_tol=1e-12)

    path = export_session(view, "csv", tmp_path / "export", studies=records)
    with path.open(newline="") as handle:
        header = next(csv.reader(handle))
    assert f"{FIFTY}:MA" in header and f"{TWO_HUNDRED}:MA" in header
    meta = json.loads(path.with_suffix(".meta.json").read_text())
    recorded = meta["metadata"]["indicators"]
    assert recorded[FIFTY] == {"pine_id": "STD;SMA", "name": "SMA 50", "inputs": {"length": 50}}
    assert recorded[TWO_HUNDRED]["inputs"] == {"length": 200}


async def test_a_community_script_its_metadata_calls_a_price_study_draws_over_the_candles(
    make_app, live_sim, tmp_path: Path
) -> None:
    """No built-in list names "Moving Average Cross [sim]" (an open community script): its
    metadata's ``is_price_study`` puts its two lines over the candles, with their values."""
    script = "PUB;sim0005"
    (tmp_path / "config.toml").write_text(f'indicators = ["RSI", "{script}"]\n')
    app: TvtuiApp = make_app(symbols=["BINANCE:BTCUSDT"])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: script in chart.overlays, 10, "the script's lines")
        legend = app.query_one("#overlay-legend")
        await wait_until(pilot, lambda: "MA Cross" in str(legend.render()), 5, "its legend")
        assert "Fast" in str(legend.render()) and "Slow" in str(legend.render())
        blocks = app.query_one(IndicatorPane).blocks()
        assert blocks["STD;RSI"].display and not blocks[script].display  # not a pane of its own
        fast = {p.time: p.values for p in chart.overlays[script][1]}
    t = sorted(fast)[-2]  # the newest closed bar
    closes = [b[4] for b in live_sim.bars("BINANCE:BTCUSDT", "5", t - 300 * 300, t + 1)]
    assert math.isclose(fast[t][0], math.fsum(closes[-9:]) / 9, rel_tol=1e-12)
    assert math.isclose(fast[t][1], math.fsum(closes[-21:]) / 21, rel_tol=1e-12)
