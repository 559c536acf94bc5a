"""StudySeries: indicator points merged by time, with titles, columns and the refusal reason."""

from __future__ import annotations

import math

from tvtui.feed.events import StudyPoint
from tvtui.market.studies import StudySeries, clean_value


def test_points_merge_by_time_even_with_negative_and_restarted_indexes() -> None:
    rsi = StudySeries("STD;RSI", ["RSI"])
    rsi.apply([StudyPoint(60 * i, [40.0 + i], index=i - 1000) for i in range(5)])
    result = rsi.apply([StudyPoint(240, [99.0], index=0), StudyPoint(300, [50.0], index=1)])
    assert (result.new_bars, result.updated, result.closed) == (1, 1, True)
    assert [p.time for p in rsi.points()] == [0, 60, 120, 180, 240, 300]
    assert rsi.column(0) == [40.0, 41.0, 42.0, 43.0, 99.0, 50.0]


def test_column_turns_na_markers_into_none_and_pads_short_points() -> None:
    macd = StudySeries("STD;MACD")
    macd.apply(
        [
            StudyPoint(0, [1e100, 1e100, 0.5]),
            StudyPoint(60, [1.5, float("nan")]),
            StudyPoint(120, [2.5, 2.0, -0.5]),
        ]
    )
    assert macd.column(0) == [None, 1.5, 2.5]
    assert macd.column(1) == [None, None, 2.0]
    assert macd.column(2) == [0.5, None, -0.5]
    assert macd.column(7) == [None, None, None]
    assert macd.width == 3


def test_titles_fall_back_to_plot_keys() -> None:
    bare = StudySeries("STD;RSI")
    assert bare.titles() == [] and bare.plot_keys() == []
    bare.apply([StudyPoint(0, [1.0, 2.0])])
    assert bare.titles() == ["0", "1"] and bare.plot_keys() == ["0", "1"]

    named = StudySeries("STD;MACD", ["Histogram", "MACD", ""])
    named.apply([StudyPoint(0, [1.0, 2.0, 3.0, 4.0])])
    assert named.titles() == ["Histogram", "MACD", "2", "3"]
    assert named.title(1) == "MACD" and named.title(9) == "9"


def test_error_is_kept_for_the_pane_and_cleared_on_reset() -> None:
    refused = StudySeries("STD;RSI", error="study_not_auth:Script@tv-scripting-417")
    assert refused.error and "study_not_auth" in refused.error
    assert "study_not_auth" in repr(refused)
    refused.apply([StudyPoint(0, [1.0])])
    refused.clear()
    assert refused.error is None and len(refused) == 0 and refused.width == 0


def test_clean_value() -> None:
    assert clean_value(None) is None
    assert clean_value(1e100) is None and clean_value(-1e100) is None
    assert clean_value(math.inf) is None and clean_value(math.nan) is None
    assert clean_value(10**101) is None
    assert clean_value(42.5) == 42.5 and clean_value(0) == 0 and clean_value(True) is True
    assert clean_value("text") == "text"


def test_points_read_back_exactly_as_applied_whatever_their_types() -> None:
    """Points are stored packed; every reader still gets what was applied, type for type."""
    series = StudySeries("STD;MACD", ["Histogram", "MACD", "Signal"])
    applied = [
        StudyPoint(1_717_977_600.0, [0.25, None, 1e100], index=-3),  # packed (None, na kept)
        StudyPoint(1_717_977_660, [1.5, -2.0, 3.0], index=7),  # an int time stays an int
        StudyPoint(1_717_977_720.0, [0, 2.5], index=8),  # an int value: kept as it came
        StudyPoint(1_717_977_780.0, [float("nan"), 1.0, 2.0], index=9),  # NaN stays NaN
    ]
    series.apply(applied)
    got = series.points()
    assert [(p.time, p.index) for p in got] == [(p.time, p.index) for p in applied]
    assert [type(p.time) for p in got] == [float, int, float, float]
    assert got[0].values == [0.25, None, 1e100] and isinstance(got[0].values, list)
    assert got[1].values == [1.5, -2.0, 3.0]
    assert got[2].values == [0, 2.5] and type(got[2].values[0]) is int
    assert math.isnan(got[3].values[0]) and got[3].values[1:] == [1.0, 2.0]
    assert series.latest == got[-1] and series.first == got[0]
    assert series.last(2) == got[2:]
    assert series.since(1_717_977_660, 1_717_977_720) == got[1:3]
    assert series.column(1) == [None, -2.0, 2.5, 1.0]
    assert series.width == 3


def test_a_reader_changing_its_points_does_not_change_the_series() -> None:
    series = StudySeries("STD;RSI", ["RSI"])
    series.apply([StudyPoint(60.0, [40.0]), StudyPoint(120.0, [None])])
    mine = series.points()
    mine[0].values[0] = 99.0
    assert series.column(0) == [40.0, None]


def test_an_identical_resend_with_missing_values_is_not_an_update() -> None:
    series = StudySeries("STD;MACD")
    series.apply([StudyPoint(60.0, [None, 1.0]), StudyPoint(120.0, [None, 2.0])])
    again = series.apply([StudyPoint(60.0, [None, 1.0]), StudyPoint(120.0, [None, 2.0])])
    assert (again.new_bars, again.updated, again.changed) == (0, 0, False)
    changed = series.apply([StudyPoint(120.0, [0.5, 2.0])])
    assert changed.updated == 1 and series.latest is not None
    assert series.latest.values == [0.5, 2.0]
