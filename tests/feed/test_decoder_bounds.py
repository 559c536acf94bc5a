"""The decoder as the feed's type and size boundary (issue 17.1 and 17.8): what it hands on
holds numbers where numbers are promised and no string longer than ``untrusted.FEED_LIMIT``."""

from __future__ import annotations

import dataclasses

import pytest

from tvtui.feed import events as ev
from tvtui.feed import wire
from tvtui.feed.decoder import decode
from tvtui.feed.untrusted import CUT_MARK, FEED_LIMIT


def events(*packets: dict) -> list[ev.Event]:
    return decode("".join(wire.encode(p) for p in packets)).events


def du(v: list, key: str = "s") -> dict:
    return {"m": "du", "p": ["cs_a", {"sds_1": {key: [{"i": 1, "v": v}], "t": "s1"}}]}


GOOD = [1717977600.0, 1.0, 2.0, 0.5, 1.5, 10.0]


@pytest.mark.parametrize(
    "v",
    [
        ["x", 1.0, 2.0, 0.5, 1.5, 10.0],
        [None, 1.0, 2.0, 0.5, 1.5, 10.0],
        [1717977600.0, 1.0, 2.0, 0.5, "1.5", 10.0],
        [1717977600.0, 1.0, 2.0, 0.5, 1.5, None],
        [1717977600.0, [1.0], 2.0, 0.5, 1.5],
        [1717977600.0, 1.0, 2.0, {"x": 1}, 1.5],
        ["a", "b", "c", "d", "e"],
        [[1], [2], [3], [4], [5]],
    ],
)
def test_a_bar_field_that_is_not_a_number_makes_the_frame_malformed(v: list) -> None:
    bad, good = events(du(v), du(GOOD))
    assert isinstance(bad, ev.MalformedFrame)
    assert isinstance(good, ev.SeriesData) and good.bars[0].close == 1.5


def test_bars_without_volume_and_extreme_finite_values_are_fine() -> None:
    (five,) = events(du(GOOD[:5]))
    assert five.bars[0].volume is None
    (huge,) = events(du([1.0, 1.7e308, 1.7e308, -1.7e308, -1.7e308, 1e100]))
    assert huge.bars[0].high == 1.7e308


def test_a_study_time_or_value_that_is_not_a_number_makes_the_frame_malformed() -> None:
    good, bad_time, bad_value = events(
        du([1.0, 2.0, None], "st"), du(["x", 2.0], "st"), du([1.0, "2"], "st")
    )
    assert isinstance(good, ev.StudyData) and good.points[0].values == [2.0, None]
    assert isinstance(bad_time, ev.MalformedFrame) and isinstance(bad_value, ev.MalformedFrame)


def test_a_numeric_quote_field_holding_text_is_left_out_and_the_rest_kept() -> None:
    (update,) = events(
        {"m": "qsd", "p": ["qs", {"n": "X:Y", "s": "ok", "v": {"lp": "1.5", "ch": 1.0,
                                                            "volume": [1], "rtc": None,
                                                            "description": "ok"}}]}
    )  # fmt: skip
    assert update.changes == {"ch": 1.0, "rtc": None, "description": "ok"}


def test_every_kept_string_is_capped() -> None:
    huge = "Z" * (FEED_LIMIT * 10)
    out = events(
        {"m": "qsd", "p": ["qs", {"n": "X:Y", "s": "ok", "v": {"description": huge, huge: 1}}]},
        {"m": "symbol_error", "p": ["cs", "sds_sym_1", huge]},
        {"m": "series_error", "p": ["cs", "sds_1", "s1", huge]},
        {"m": "study_error", "p": ["cs", "st1", "s1", huge, {"error": huge, "x": [huge]}]},
        {"m": "critical_error", "p": ["cs", huge, huge]},
        {"m": "symbol_resolved", "p": ["cs", "sds_sym_1", {"description": huge, "n": [huge]}]},
        {"m": "unknown_thing", "p": [huge, {"k": huge}]},
        {"session_id": huge},
        {"m": "protocol_error", "p": [huge]},
    )
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for event in out:
        assert not isinstance(event, ev.MalformedFrame)
        for f in dataclasses.fields(event):
            if f.name != "packet":  # RawMessage.packet is the server's dict, as it came
                walk(getattr(event, f.name))
    assert max(len(t) for t in texts) == FEED_LIMIT
    assert sum(t.endswith(CUT_MARK) for t in texts) >= 14
