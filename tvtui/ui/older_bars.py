"""The chart's history on demand, on the stream worker's side: ``LoadOlderBars`` in, the
client's ``request_more`` out, the older bars merged on the left, ``OlderBarsLoaded`` back.

Why a module of its own: the worker's loop stays one ``match`` over commands and a hand-off
of events; the rules of paging back live here, on the worker thread only (no lock):

- one request in flight per chart: a second ``LoadOlderBars`` while one is out is answered by
  the same reply (the chart shows "loading" until the one answer comes);
- the bars of the reply (``SeriesData.older``) go into the chart's candles with
  ``CandleSeries.add_older``: only bars older than the oldest held, so the live bar and
  everything held stay as they are, and they never travel as a ``CandlesChanged``;
- the reply's end (``OlderBarsArrived``) posts ``OlderBarsLoaded`` with every bar held;
  ``exhausted`` when the server sent none. After that, a request for the same chart is
  answered at once, without asking the server again; so is one for a refused series or a
  chart that holds the most bars it keeps (20,000: ``added`` 0, not ``exhausted``);
- anything for a chart no longer shown (another generation, series version or session) is
  dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tvtui.feed import events as ev
from tvtui.feed.registry import MAX_BARS
from tvtui.ui import messages as msg
from tvtui.ui.stream_commands import LoadOlderBars

if TYPE_CHECKING:
    from tvtui.market.candles import CandleSeries
    from tvtui.ui.coalesce import ChartTarget


class OlderBars:
    """Requests for older bars of the chart on screen (see the module docstring)."""

    def __init__(self) -> None:
        self.pending: LoadOlderBars | None = None
        self.added = 0  #: bars new since the request went out
        self.exhausted = 0  #: the generation whose server has nothing older (0: none)

    def reset(self) -> None:
        """A new chart: nothing in flight, nothing known about its history."""
        self.pending = None
        self.added = 0
        self.exhausted = 0

    def ask(
        self,
        command: LoadOlderBars,
        chart: ChartTarget | None,
        client: Any,
        handle: Any,
        candles: CandleSeries,
        *,
        failed: bool = False,
    ) -> list[msg.StreamMessage]:
        """Send the request, or answer at once when there is nothing to ask: the server has
        nothing older (``exhausted``), the chart's series was refused (``failed``: nothing to
        page) or the chart holds the most bars it keeps (``max_bars``: more would push the
        newest out). Nothing for a chart no longer shown, nor while a request is out."""
        if chart is None or command.generation != chart.generation:
            return []
        gen = command.generation
        if self.exhausted == gen:
            return [msg.OlderBarsLoaded(gen, candles.bars(), 0, True)]
        if failed or handle is None or len(candles) >= candles.max_bars:
            return [msg.OlderBarsLoaded(gen, candles.bars(), 0, False)]
        if self.pending is not None:
            return []
        client.request_more(handle, max(1, min(MAX_BARS, int(command.count))))
        self.pending = command
        self.added = 0
        return []

    def take(self, event: ev.Event, chart: ChartTarget | None, candles: CandleSeries) -> bool:
        """Whether ``event`` is an older-bars reply, handled here (older bars of the chart
        merged on the left; those of another chart dropped)."""
        if not (isinstance(event, ev.SeriesData) and event.older):
            return False
        if chart is not None and _same_series(event, chart):
            self.added += candles.add_older(event.bars)
        return True

    def answered(
        self, event: ev.OlderBarsArrived, chart: ChartTarget | None, candles: CandleSeries
    ) -> list[msg.StreamMessage]:
        if chart is None or not _same_series(event, chart):
            return []  # the answer for a chart shown before: the pending one is still due
        pending, self.pending = self.pending, None
        if pending is None or pending.generation != chart.generation:
            return []
        exhausted = event.received == 0
        if exhausted:
            self.exhausted = chart.generation
        return [msg.OlderBarsLoaded(chart.generation, candles.bars(), self.added, exhausted)]


def _same_series(event: ev.SeriesData | ev.OlderBarsArrived, chart: ChartTarget) -> bool:
    if chart.chart_session and event.session != chart.chart_session:
        return False
    if chart.series_id and event.series_id != chart.series_id:
        return False
    return not (chart.version and event.version and event.version != chart.version)
