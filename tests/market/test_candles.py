"""CandleSeries: bars keyed by open time, whatever order and duplication the feed sends."""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tvtui.feed.events import Bar
from tvtui.market.candles import DEFAULT_MAX_BARS, CandleSeries


def bar(t: float, close: float = 100.0, volume: float | None = 1.0, index: int = 0) -> Bar:
    return Bar(t, close - 1, close + 2, close - 2, close, volume, index)


def test_live_updates_replace_the_forming_bar_and_a_new_time_closes_it() -> None:
    series = CandleSeries()
    first = series.apply([bar(60 * i, 100 + i, index=i) for i in range(10)])
    assert (first.new_bars, first.updated, first.closed) == (10, 0, False)

    # Several `du` per minute update the open bar: same time, new close.
    tick = series.apply([bar(540, 120.5, index=9)])
    assert (tick.new_bars, tick.updated, tick.closed) == (0, 1, False)
    assert series.latest is not None and series.latest.close == 120.5
    assert len(series) == 10

    # The next minute's first tick: the 540 bar is final.
    nxt = series.apply([bar(540, 121.0, index=9), bar(600, 121.0, index=10)])
    assert (nxt.new_bars, nxt.updated, nxt.closed) == (1, 1, True)
    assert series.times() == [60.0 * i for i in range(11)]
    assert [b.close for b in series.last(2)] == [121.0, 121.0]


def test_identical_resend_is_not_an_update_but_the_new_index_is_kept() -> None:
    series = CandleSeries()
    series.apply([bar(0, index=5)])
    rev = series.revision
    result = series.apply([bar(0, index=0)])
    assert not result.changed and result.updated == 0
    assert series.revision == rev
    assert series.bars()[0].index == 0


def test_reconnect_with_restarted_indexes_does_not_overwrite_old_bars() -> None:
    """Keyed by index, the reconnect batch (indexes 0..4) would overwrite bars 0..4."""
    series = CandleSeries()
    series.apply([bar(60 * i, 100 + i, index=i) for i in range(10)])
    # After a reconnect the server re-sends the last 5 bars and one new, indexes from 0.
    result = series.apply([bar(60 * (5 + i), 200 + i, index=i) for i in range(6)])
    assert result.new_bars == 1 and result.closed
    assert len(series) == 11
    assert [b.close for b in series.bars()[:5]] == [100, 101, 102, 103, 104]
    assert [b.close for b in series.bars()[5:]] == [200, 201, 202, 203, 204, 205]
    assert series.gaps(60) == []


def test_backfill_of_older_history_is_inserted_in_order() -> None:
    series = CandleSeries()
    series.apply([bar(60 * i) for i in range(100, 110)])
    # request_more_data: older bars arrive after the live ones, newest first even.
    result = series.apply([bar(60 * i) for i in reversed(range(90, 100))])
    assert result.new_bars == 10 and not result.closed
    # a bar filling a hole in the middle
    series.apply([bar(60 * 200)])
    assert series.gaps(60) == [(60 * 110, 60 * 199)]
    series.apply([bar(60 * i) for i in range(110, 200)])
    assert series.gaps(60) == []
    assert series.times() == [60.0 * i for i in range(90, 201)]


def test_large_backfill_in_one_batch_is_merged_with_last_write_wins() -> None:
    series = CandleSeries(max_bars=1000)
    series.apply([bar(60 * i, 1.0) for i in range(500, 600)])
    # newest first, overlapping the kept bars, with one time sent twice (the second wins)
    batch = [bar(60 * i, 2.0) for i in reversed(range(0, 550))] + [bar(60 * 10, 3.0)]
    result = series.apply(batch)
    assert (result.new_bars, result.updated, result.closed) == (500, 50, False)
    assert series.times() == [60.0 * i for i in range(600)]
    closes = [b.close for b in series.bars()]
    assert closes[10] == 3.0 and closes[:10] == [2.0] * 10 and closes[550:] == [1.0] * 50
    assert series.apply([bar(60 * 600)]).closed


def test_gaps_reports_the_missing_bar_times() -> None:
    series = CandleSeries()
    series.apply([bar(t) for t in (0, 60, 120, 300, 360, 600)])
    assert series.gaps(60) == [(180, 240), (420, 540)]
    with pytest.raises(ValueError):
        series.gaps(0)


def test_gaps_tolerates_uneven_month_lengths() -> None:
    month = 30 * 86400
    day = 86400
    # Jan 31, Feb 28, Mar 31 days: not gaps. Then a missing month (61 days).
    starts = [0, 31 * day, 59 * day, 90 * day, 151 * day]
    series = CandleSeries()
    series.apply([bar(t) for t in starts])
    assert series.gaps(month) == [(90 * day + month, 151 * day - month)]


def test_memory_is_bounded_and_the_oldest_bars_go_first() -> None:
    series = CandleSeries(max_bars=100)
    dropped = 0
    for i in range(1000):
        dropped += series.apply([bar(60 * i)]).dropped
    assert len(series) == 100
    assert dropped == 900
    assert series.times() == [60.0 * i for i in range(900, 1000)]
    assert series.first is not None and series.first.time == 60 * 900
    # An old bar arriving late is dropped at once: it is older than everything kept.
    result = series.apply([bar(0)])
    assert result.new_bars == 1 and result.dropped == 1
    assert series.times()[0] == 60 * 900
    assert CandleSeries().max_bars == DEFAULT_MAX_BARS


def test_last_since_contains_clear() -> None:
    series = CandleSeries()
    assert series.latest is None and series.last(5) == [] and not series
    series.apply([bar(60 * i) for i in range(10)])
    assert [b.time for b in series.last(3)] == [420, 480, 540]
    assert series.last(0) == [] and len(series.last(50)) == 10
    assert [b.time for b in series.since(120, 240)] == [120, 180, 240]
    assert [b.time for b in series.since(125, 239)] == [180]
    assert 540 in series and 541 not in series
    series.clear()
    assert len(series) == 0 and series.bars() == []
    assert series.apply([bar(0)]).closed is False


def test_returned_lists_are_copies() -> None:
    series = CandleSeries()
    series.apply([bar(0)])
    bars = series.bars()
    bars.clear()
    series.times().append(5.0)
    assert len(series) == 1 and series.times() == [0]


def test_a_reader_thread_always_sees_ordered_unique_bars_while_a_writer_trims() -> None:
    series = CandleSeries(max_bars=50)
    stop = threading.Event()
    problems: list[str] = []

    def read() -> None:
        while not stop.is_set():
            times = [b.time for b in series.bars()]
            if times != sorted(set(times)) or len(times) > 50:
                problems.append(repr(times[:5]))
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        for i in range(20_000):
            series.apply([bar(i)])
    finally:
        stop.set()
        reader.join(timeout=10)
    assert not reader.is_alive()
    assert problems == []
    assert series.times() == [float(t) for t in range(19_950, 20_000)]


# --- property: any interleaving and duplication gives the same, correct series ---------------

versions = st.lists(
    st.tuples(st.integers(min_value=0, max_value=40), st.floats(-1e6, 1e6, allow_nan=False)),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(updates=versions, chunk=st.integers(min_value=1, max_value=200))
def test_any_order_and_duplication_gives_sorted_unique_last_write_wins(
    updates: list[tuple[int, float]], chunk: int
) -> None:
    series = CandleSeries()
    rows = [bar(60 * minute, close, index=n) for n, (minute, close) in enumerate(updates)]
    for start in range(0, len(rows), chunk):
        series.apply(rows[start : start + chunk])

    expected: dict[float, float] = {}
    for minute, close in updates:
        expected[60 * minute] = close
    times = series.times()
    assert all(a < b for a, b in pairwise(times))
    assert times == sorted(expected)
    assert [b.close for b in series.bars()] == [expected[t] for t in times]
    assert len(series) == len(expected)


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.lists(st.integers(min_value=0, max_value=500), max_size=300),
    bound=st.integers(min_value=1, max_value=40),
)
def test_bounded_series_keeps_exactly_the_newest_times(minutes: list[int], bound: int) -> None:
    series = CandleSeries(max_bars=bound)
    kept_ever: set[float] = set()
    for m in minutes:
        series.apply([bar(60 * m)])
        kept_ever.add(60.0 * m)
    times = series.times()
    assert len(times) <= bound
    assert times == sorted(set(times))
    assert set(times) <= kept_ever
    # The newest time ever seen is always kept.
    if minutes:
        assert times[-1] == 60.0 * max(minutes)
