"""The visible session: one symbol on one timeframe, its candles, studies and quote.

This is what the app draws and what both exporters write. ``to_result`` gives exactly the
``{"ohlc": [...], "indicator": {...}}`` dictionary of ``tradingview_scraper``'s
``Streamer.stream`` so code written against that API keeps working, with two deliberate
differences from the original's accidents: ``index`` is the position in the returned list (the
server's index restarts on reconnect, so leaking it would produce duplicates), and indicator
points come from the merged study series rather than from the last packet only.

Threads: the stream worker writes (``candles.apply``, ``study(...).apply``, ``update_quote``,
``reset``); the UI thread and the exporter read. Each read of a series is a consistent copy;
``to_result`` snapshots every series once and builds the dictionary from the copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tvtui.feed.events import Bar, StudyPoint
from tvtui.market.candles import CandleSeries
from tvtui.market.studies import StudySeries, clean_value

__all__ = ["SessionView", "bar_row", "point_row"]


def bar_row(position: int, bar: Bar) -> dict[str, Any]:
    """One ``ohlc`` entry; ``volume`` is left out when the instrument has none (as upstream)."""
    row: dict[str, Any] = {
        "index": position,
        "timestamp": int(bar.time),
        "open": bar.open,
        "high": bar.high,
        "low": bar.low,
        "close": bar.close,
    }
    volume = clean_value(bar.volume)
    if volume is not None:
        row["volume"] = volume
    return row


def point_row(position: int, point: StudyPoint) -> dict[str, Any]:
    """One indicator entry: ``index``, ``timestamp``, then ``"0"``, ``"1"``, ... per plot."""
    row: dict[str, Any] = {"index": position, "timestamp": int(point.time)}
    for k, value in enumerate(point.values):
        row[str(k)] = clean_value(value)
    return row


@dataclass(eq=False)
class SessionView:
    """What is on screen: ``symbol`` (``EXCHANGE:SYMBOL``), ``timeframe`` (``1m``...),
    ``candles``, ``studies`` keyed by pine id (``STD;RSI``), the merged ``quote`` snapshot and
    ``source`` (``live``, ``demo`` or the feed URL)."""

    symbol: str
    timeframe: str = "1m"
    candles: CandleSeries = field(default_factory=CandleSeries)
    studies: dict[str, StudySeries] = field(default_factory=dict)
    quote: dict[str, Any] = field(default_factory=dict)
    source: str = "live"

    # --- writer side ----------------------------------------------------------------------------

    def study(self, pine_id: str, plot_titles: Iterable[str] | None = None) -> StudySeries:
        """The series of ``pine_id``, created on first use; ``plot_titles`` updates the titles.

        Creating goes through a new dict so a reader iterating ``studies`` never sees it change
        size mid-iteration.
        """
        series = self.studies.get(pine_id)
        if series is None:
            series = StudySeries(pine_id, plot_titles or (), max_points=self.candles.max_bars)
            self.studies = {**self.studies, pine_id: series}
        elif plot_titles is not None:
            series.plot_titles = list(plot_titles)
        return series

    def remove_study(self, pine_id: str) -> None:
        """Stop showing (and exporting) ``pine_id``."""
        if pine_id in self.studies:
            self.studies = {k: v for k, v in self.studies.items() if k != pine_id}

    def update_quote(self, quote: Mapping[str, Any]) -> None:
        """Merge a quote snapshot or delta (swaps in a new dict: readers keep a stable one)."""
        self.quote = {**self.quote, **quote}

    def reset(self, symbol: str | None = None, timeframe: str | None = None) -> None:
        """Switch symbol and/or timeframe: drop the candles and study points, keep the studies.

        The quote belongs to the symbol, so it is dropped only when the symbol changes.
        """
        if symbol is not None and symbol != self.symbol:
            self.symbol = symbol
            self.quote = {}
        if timeframe is not None:
            self.timeframe = timeframe
        self.candles.clear()
        for series in list(self.studies.values()):
            series.clear()

    # --- reader side ----------------------------------------------------------------------------

    def to_result(self, limit: int | None = None) -> dict[str, Any]:
        """The ``Streamer.stream`` result: ``{"ohlc": [...], "indicator": {pine_id: [...]}}``.

        Oldest first, ``timestamp`` an int (bar open time), ``index`` the position in the list.
        With ``limit=n``: the newest ``n`` bars and the indicator points inside their time range
        (or, before any bar arrived, each study's newest ``n`` points). A study without points
        in range is left out, as the original leaves out an indicator it did not receive, so
        ``pine_id in result["indicator"]`` means "there is data".
        """
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be >= 0, not {limit}")
        bars = self.candles.bars() if limit is None else self.candles.last(limit)
        indicator: dict[str, list[dict[str, Any]]] = {}
        for pine_id, series in list(self.studies.items()):
            if limit is None:
                points = series.points()
            elif bars:
                points = series.since(bars[0].time, bars[-1].time)
            else:
                points = series.last(limit)
            if points:
                indicator[pine_id] = [point_row(i, p) for i, p in enumerate(points)]
        return {"ohlc": [bar_row(i, b) for i, b in enumerate(bars)], "indicator": indicator}
