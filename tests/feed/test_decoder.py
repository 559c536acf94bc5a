"""The decoder: every message shape of the protocol reference becomes the right typed event."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tvtui.feed import events as ev
from tvtui.feed import wire
from tvtui.feed.decoder import decode
from tvtui.feed.quotes import QuoteBook, volume_of


def one(message: dict) -> list[ev.Event]:
    return decode(wire.encode(message)).events


def test_hello_is_the_object_without_m() -> None:
    hello = {
        "session_id": "0.28583.1563_mum1-charts-pro-4-tvbs-dr7ok-3",
        "timestamp": 1765958639,
        "timestampMs": 1765958639992,
        "release": "release_208-91",
        "studies_metadata_hash": "b714b245babcb7cc06fa8130bd9ba30a82bd076f",
        "auth_scheme_vsn": 2,
        "protocol": "json",
        "via": "109.61.45.169:443",
        "javastudies": ["3.66"],
    }
    (event,) = one(hello)
    assert isinstance(event, ev.Hello)
    assert event.info["release"] == "release_208-91"


def test_real_heartbeat_frames() -> None:
    for raw, payload in (("~m~6~m~~h~157", "~h~157"), ("~m~5~m~~h~16", "~h~16")):
        assert decode(raw).events == [ev.Heartbeat(payload=payload)]


def test_heartbeat_packed_with_data_keeps_both_in_order() -> None:
    message = (
        wire.encode({"m": "quote_completed", "p": ["qs_a", "NASDAQ:NDX"]})
        + "~m~4~m~~h~9"
        + wire.encode({"m": "quote_completed", "p": ["qs_a", "SP:SPX"]})
    )
    kinds = [type(e).__name__ for e in decode(message).events]
    assert kinds == ["QuoteCompleted", "Heartbeat", "QuoteCompleted"]


def test_qsd_snapshot_then_delta_merge_into_the_full_quote() -> None:
    book = QuoteBook()
    snapshot = {
        "m": "qsd",
        "p": [
            "qs_x",
            {"n": "NASDAQ:NDX", "s": "ok", "v": {"lp": 21000.5, "ch": 10, "volume": 1e100}},
        ],
    }
    delta = {"m": "qsd", "p": ["qs_x", {"n": "NASDAQ:NDX", "s": "ok", "v": {"lp": 21001.0}}]}
    (first,) = one(snapshot)
    (second,) = one(delta)
    book.apply(first)
    book.apply(second)
    assert second.changes == {"lp": 21001.0}
    assert second.quote == {"lp": 21001.0, "ch": 10, "volume": 1e100}
    assert volume_of(second.quote) is None  # the 1e+100 sentinel means "no volume"


def test_qsd_with_resolve_string_key_and_error_status() -> None:
    key = '={"adjustment":"splits","session":"regular","symbol":"HOSE:VCB"}'
    (event,) = one({"m": "qsd", "p": ["qs_x", {"n": key, "s": "error", "v": {}}]})
    assert isinstance(event, ev.QuoteUpdate)
    assert (event.symbol, event.status) == (key, "error")


def test_korean_frame_with_character_counted_len() -> None:
    payload = json.dumps(
        {
            "m": "qsd",
            "p": ["qs_k", {"n": "KRX:005930", "v": {"local_description": "삼성전자보통주"}}],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    raw = f"~m~{len(payload)}~m~{payload}" + "~m~4~m~~h~1"
    events = decode(raw).events
    assert events[0].changes["local_description"] == "삼성전자보통주"
    assert isinstance(events[1], ev.Heartbeat)


def test_timescale_update_bars_with_and_without_volume() -> None:
    packet = {
        "m": "timescale_update",
        "p": [
            "cs_a",
            {
                "sds_1": {
                    "node": "n",
                    "s": [
                        {"i": 0, "v": [1685633880.0, 1.0, 2.0, 0.5, 1.5, 638315.0]},
                        {"i": 1, "v": [1685633940.0, 1.5, 2.5, 1.0, 2.0]},
                    ],
                    "ns": {"d": "", "indexes": []},
                    "t": "s1",
                    "lbs": {"bar_close_time": 1685634000},
                }
            },
            {"index": 0, "zoffset": 0, "changes": [], "marks": [], "index_diff": []},
        ],
        "t": 1686475613,
        "t_ms": 1686475613179,
    }
    (event,) = one(packet)
    assert isinstance(event, ev.SeriesData)
    assert event.update == "history" and event.series_id == "sds_1" and event.version == "s1"
    assert event.bars[0] == ev.Bar(1685633880.0, 1.0, 2.0, 0.5, 1.5, 638315.0, 0)
    assert event.bars[1].volume is None
    assert event.bar_close_time == 1685634000


def test_du_with_series_and_study_with_negative_index_and_graphics() -> None:
    packet = {
        "m": "du",
        "p": [
            "cs_a",
            {
                "sds_1": {
                    "s": [{"i": 9, "v": [1734082440.0, 100010.0, 100010.01, 1, 2, 1.3242]}],
                    "ns": {"d": "", "indexes": "nochange"},
                    "t": "s1",
                    "lbs": {"bar_close_time": 1734082500},
                },
                "st1": {
                    "node": "x",
                    "st": [{"i": -1000100, "v": [1740639600.0, 1233226.09, 1.0, 723625.19]}],
                    "ns": {"d": '{"graphicsCmds":{"create":{}}}', "indexes": []},
                    "t": "s2_st1",
                },
                "st2": {"st": [], "ns": {"d": '{"graphicsCmds":{"create":{"vertlines":[]}}}'}},
            },
        ],
    }
    series, study, breaks = one(packet)
    assert isinstance(series, ev.SeriesData) and series.update == "live"
    assert isinstance(study, ev.StudyData)
    assert study.points == [ev.StudyPoint(1740639600.0, [1233226.09, 1.0, 723625.19], -1000100)]
    assert "graphicsCmds" in study.graphics
    assert isinstance(breaks, ev.StudyData) and breaks.points == []


def test_lifecycle_and_error_messages() -> None:
    cases = [
        (
            {"m": "series_loading", "p": ["cs", "sds_1", "s2"]},
            ev.SeriesLoading("cs", "sds_1", "s2"),
        ),
        (
            {
                "m": "series_completed",
                "p": ["cs", "sds_1", "streaming", "s1", {"rt_update_period": 5}],
            },
            ev.SeriesCompleted("cs", "sds_1", "streaming", "s1", {"rt_update_period": 5}),
        ),
        (
            {"m": "series_completed", "p": ["cs", "sds_1", "delayed_streaming_900", "s1"]},
            ev.SeriesCompleted("cs", "sds_1", "delayed_streaming_900", "s1", {}),
        ),
        (
            {"m": "series_error", "p": ["cs", "sds_1", "s1", "custom_resolution"]},
            ev.SeriesError("cs", "sds_1", "custom_resolution"),
        ),
        (
            {"m": "symbol_error", "p": ["cs", "sds_sym_1", "invalid symbol"]},
            ev.SymbolError("cs", "sds_sym_1", "invalid symbol"),
        ),
        (
            {"m": "study_loading", "p": ["cs", "st7", "s2_st1"]},
            ev.StudyLoading("cs", "st7", "s2_st1"),
        ),
        (
            {"m": "study_completed", "p": ["cs", "st2", "s1_st1"]},
            ev.StudyCompleted("cs", "st2", "s1_st1"),
        ),
        ({"m": "protocol_error", "p": ["bad auth token"]}, ev.ProtocolError("", "bad auth token")),
        (
            {"m": "critical_error", "p": ["qs_r", "invalid_parameters", "quote_add_symbols"]},
            ev.CriticalError("qs_r", "invalid_parameters", "quote_add_symbols"),
        ),
        (
            {"m": "quote_completed", "p": ["qs", "NASDAQ:NDX"]},
            ev.QuoteCompleted("qs", "NASDAQ:NDX"),
        ),
    ]
    for packet, expected in cases:
        assert one(packet) == [expected], packet


def test_symbol_resolved_keeps_the_info() -> None:
    info = {"name": "SPX", "description": "S&P 500", "pricescale": 100, "has_intraday": True}
    (event,) = one({"m": "symbol_resolved", "p": ["cs", "sds_sym_1", info]})
    assert event == ev.SymbolResolved("cs", "sds_sym_1", info)


def test_study_error_limit_text_and_structured_pine_error() -> None:
    limit = "The maximum number of studies per chart has been reached for current subscription"
    (event,) = one({"m": "study_error", "p": ["cs", "st10", "s1_st1", limit]})
    assert isinstance(event, ev.StudyError) and event.reason == limit
    pine = {"ctx": {"code": "RE10001"}, "error": "Error on bar 5: division", "stack_trace": []}
    (event,) = one({"m": "study_error", "p": ["cs", "st3", "s1_st1", pine]})
    assert event.reason == "Error on bar 5: division"
    assert event.detail == pine


def test_unknown_messages_pass_through_raw() -> None:
    packet = {"m": "series_timeframe", "p": ["cs", "sds_7", "s1", 0, 367, "12M", False]}
    (event,) = one(packet)
    assert isinstance(event, ev.RawMessage)
    assert (event.method, event.session, event.params) == ("series_timeframe", "cs", packet["p"])


def test_malformed_frames_are_counted_and_valid_neighbours_kept() -> None:
    good = wire.encode({"m": "quote_completed", "p": ["qs", "A:B"]})
    message = good + wire.frame("{not json") + wire.frame("[1,2]") + good
    message += wire.frame('{"m":"du","p":["cs","oops"]}')
    decoded = decode(message)
    assert [type(e).__name__ for e in decoded.events].count("QuoteCompleted") == 2
    assert decoded.dropped == 3
    assert sum(e.count for e in decoded.events if isinstance(e, ev.MalformedFrame)) == 3


def test_packets_are_every_parsed_json_object_in_order() -> None:
    message = wire.encode({"session_id": "x"}) + "~m~4~m~~h~1" + wire.encode({"m": "a", "p": []})
    assert decode(message).packets == [{"session_id": "x"}, {"m": "a", "p": []}]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=250)
@given(
    st.sampled_from(
        [
            "du",
            "timescale_update",
            "qsd",
            "study_error",
            "symbol_resolved",
            "series_completed",
            "critical_error",
            "protocol_error",
            "x",
        ]
    ),
    st.lists(json_values, max_size=4),
)
def test_any_params_shape_never_raises(method: str, params: list) -> None:
    decoded = decode(wire.encode({"m": method, "p": params}))
    assert len(decoded.packets) == 1
    assert all(isinstance(e, ev.Event) for e in decoded.events)
    # Only a data packet with nothing in it may mean no event at all.
    assert decoded.events or method in ("du", "timescale_update")


@settings(max_examples=500)
@given(st.text() | st.binary())
def test_arbitrary_garbage_never_raises(garbage: str | bytes) -> None:
    decoded = decode(garbage)
    assert decoded.dropped >= 0
