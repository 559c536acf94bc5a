"""A session view with three indicators of three lengths, and ways to read what was written."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from tvtui.feed.events import Bar, StudyPoint
from tvtui.market.session import SessionView

NOW = datetime(2024, 12, 13, 9, 34, 5, tzinfo=UTC)
STAMP = "20241213-093405"
T0 = 1_734_082_440


def make_view(bars: int = 10) -> SessionView:
    view = SessionView("BINANCE:BTCUSDT", "1m", source="demo")
    view.candles.apply(
        [
            Bar(T0 + 60 * i, 100.25 + i, 101.5 + i, 99.125 + i, 100.5 + i, 0.1 * i, 700 + i)
            for i in range(bars)
        ]
    )
    # RSI warms up (7 of 10 points); MACD has a first point with an na plot; "Script;X" extends
    # past the last bar: three indicators of three different lengths.
    view.study("STD;RSI", ["RSI"]).apply(
        [StudyPoint(T0 + 60 * i, [50.0 + i / 3]) for i in range(3, bars)]
    )
    view.study("STD;MACD", ["Histogram", "MACD", "Signal"]).apply(
        [StudyPoint(T0 + 60 * i, [0.1 * i, 1e100 if i == 0 else 1.0 + i, 2.0]) for i in range(bars)]
    )
    view.update_quote({"lp": 109.5, "ch": 1.25, "description": "Bitcoin / TetherUS — spot"})
    return view


def listing(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
