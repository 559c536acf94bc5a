"""Memory: 50 symbols with 5,000 bars each (plus an RSI and a MACD study per symbol).

Held the way the library holds them: one :class:`~tvtui.market.session.SessionView` per symbol
(``CandleSeries`` of :class:`~tvtui.feed.events.Bar`, ``StudySeries`` of ``StudyPoint``). The
bars come from the simulator's price model (distinct floats, not repeated constants). The
reference is this process's resident size before the views are built (the imports alone).
"""

from __future__ import annotations

import gc

from benchmarks import common
from benchmarks.common import Figure, rss_mb

SYMBOLS = 50
BARS = 5_000


def _bars(source: list, scale: float) -> list:
    from tvtui.feed.events import Bar

    return [
        Bar(t, o * scale, h * scale, lo * scale, c * scale, v, i)
        for i, (t, o, h, lo, c, v) in enumerate(source)
    ]


def run(quick: bool = False) -> list[Figure]:
    from tvtui.feed.events import StudyPoint
    from tvtui.market.session import SessionView
    from tvtui.sim.market import Market

    market = Market(7)
    source = market.bars("BINANCE:BTCUSDT", "1", 1_717_977_600 - 60 * BARS, 1_717_977_600)
    gc.collect()
    before = rss_mb()
    views: list[SessionView] = []
    for k in range(SYMBOLS):
        view = SessionView(f"BENCH:COIN{k:02d}", "1m")
        view.candles.apply(_bars(source, 1.0 + k / 100))
        views.append(view)
    gc.collect()
    bars_only = rss_mb()
    for view in views:
        rows = view.candles.bars()
        view.study("STD;RSI", ["RSI"]).apply(
            StudyPoint(b.time, [b.close / 1000.0], b.index) for b in rows
        )
        view.study("STD;MACD", ["Histogram", "MACD", "Signal"]).apply(
            StudyPoint(b.time, [b.open / 7.0, b.close / 9.0, b.high / 11.0], b.index) for b in rows
        )
    gc.collect()
    with_studies = rss_mb()
    held = sum(len(v.candles) for v in views)
    per_bar = (bars_only - before) * 1024 * 1024 / max(1, held)
    per_row = (with_studies - bars_only) * 1024 * 1024 / max(1, held)
    return [
        Figure(
            f"memory: {SYMBOLS} symbols x {BARS:,} bars (SessionView/CandleSeries)",
            f"{bars_only:.0f} MB resident ({bars_only - before:+.0f} MB, {per_bar:.0f} B/bar)",
            reference=f"{before:.0f} MB before (imports)",
            target="< 200 MB resident",
            met=bars_only < 200,
        ),
        Figure(
            "memory: the same plus RSI and MACD points per bar",
            f"{with_studies:.0f} MB resident (studies {with_studies - bars_only:+.0f} MB, "
            f"{per_row:.0f} B per bar for 2 studies)",
            reference=f"{bars_only:.0f} MB bars only",
            target="(no target; same 200 MB budget shown)",
            met=None,
        ),
    ]


if __name__ == "__main__":
    common.main(run)
