"""The candle series of one chart: bars keyed by open time, bounded, cheap to update.

Bars are keyed by their open time and never by the server's index: the index restarts at 0
after a reconnect, so keying by it would overwrite old bars with new ones. The merge rule (and
the threading rule: one writer, any number of readers, each read a consistent copy) lives in
:mod:`tvtui.market.timeline`.

Usage (the stream worker writes, the UI reads)::

    series = CandleSeries()
    result = series.apply(event.bars)      # SeriesData.bars, history or live
    if result.closed: ...                  # the previous forming bar is final
    series.last(120)                       # what the chart draws
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from tvtui.feed.events import Bar
from tvtui.market.timeline import ApplyResult, Timeline

__all__ = ["DEFAULT_MAX_BARS", "ApplyResult", "CandleSeries"]

#: Bars kept per series: about two weeks of 1m bars, far more than a terminal can show, and
#: small (a Bar is ~100 bytes) so memory stays bounded however long the app runs.
DEFAULT_MAX_BARS = 20_000

#: A hole is reported when two neighbouring bars are more than this many bar lengths apart.
#: Not exactly 1: monthly bars are 28-31 days long while the nominal length is 30 days.
_GAP_FACTOR = 1.5


class CandleSeries(Timeline[Bar]):
    """Bars of one symbol and timeframe, oldest first, unique by open time.

    ``apply`` must be called from one thread only (the stream worker); every other method may
    be called from any thread and returns data the caller owns. Bars are treated as immutable
    values: the series stores the objects it is given and hands the same objects back.
    """

    __slots__ = ()

    def __init__(self, max_bars: int = DEFAULT_MAX_BARS) -> None:
        super().__init__(max_bars)

    @property
    def max_bars(self) -> int:
        """The size bound: beyond it the oldest bars are dropped."""
        return self.max_len

    def _same(self, old: Bar, new: Bar) -> bool:
        # The index is deliberately ignored: a re-sent bar after a reconnect has a new index
        # but is the same candle, and nothing needs redrawing.
        return (
            old.open == new.open
            and old.high == new.high
            and old.low == new.low
            and old.close == new.close
            and old.volume == new.volume
        )

    def apply(self, bars: Iterable[Bar]) -> ApplyResult:
        """Merge bars (history or live, any order): a known time is replaced, a new one inserted.

        Appending after the newest bar (the live case) is O(1) amortised; an older bar is
        placed by binary search.
        """
        return self._merge(bars)

    def add_older(self, bars: Iterable[Bar]) -> int:
        """Merge bars that answer ``request_more_data`` on the left: only those older than
        the oldest held go in (sorted, once each); the bars held, the live one included, stay
        as they are, whatever a server re-sends. Returns how many were added."""
        return self._prepend(bars)

    def bars(self) -> list[Bar]:
        """Every bar kept, oldest first (a copy)."""
        return self._all()

    def gaps(self, seconds: float) -> list[tuple[float, float]]:
        """Missing bar times for bars ``seconds`` long: ``(first_missing, last_missing)`` pairs.

        A pair is reported where two neighbouring bars are more than 1.5 bar lengths apart, so
        a month of 31 days is not a gap. Markets that close (nights, weekends) show their closed
        hours as gaps; the caller knows whether that matters. Used by the tests and the status
        line to prove a reconnect left no hole.
        """
        if seconds <= 0:
            raise ValueError(f"a bar length must be positive, not {seconds}")
        times = self.times()
        limit = seconds * _GAP_FACTOR
        return [
            (prev + seconds, nxt - seconds) for prev, nxt in pairwise(times) if nxt - prev > limit
        ]
