"""The visible session, as the exporter wants it: built from what the panes hold.

The export must match the screen, so it is built from the panes' own data (the lists they
draw), on the UI thread, at the moment the person confirms; the file is then written from
this copy on a worker thread while the panes move on.
"""

from __future__ import annotations

from typing import Any

from tvtui.market.session import SessionView
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane


def visible_session(
    chart: ChartPane, indicators: IndicatorPane, quote: dict[str, Any], mode: str
) -> SessionView:
    view = SessionView(
        symbol=chart.symbol,
        timeframe=chart.timeframe,
        source="demo" if mode == "demo" else "live",
    )
    view.candles.apply(chart.bars)
    blocks = indicators.blocks()
    for pine_id in indicators.order:
        block = blocks.get(pine_id)
        if block is None:
            continue
        series = view.study(pine_id, block.titles)
        series.apply(block.points)
        series.error = block.error
    view.update_quote(quote)
    return view
