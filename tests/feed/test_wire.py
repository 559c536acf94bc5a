"""The codec: framing, LEN in UTF-16 units, and unframing that never raises."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tvtui.feed import wire


def test_len_counts_utf16_code_units_like_the_server() -> None:
    # The captured Korean qsd frame: 99 characters, 113 UTF-8 bytes, declared ~m~99~m~.
    payload = (
        '{"m":"qsd","p":["qs_x",{"n":"KRX:005930","v":{"local_description":"삼성전자보통주"}}]}'
    )
    assert wire.frame(payload) == f"~m~{len(payload)}~m~{payload}"
    assert wire.utf16_len("😀") == 2
    assert wire.frame('"😀"') == '~m~4~m~"😀"'


def test_dumps_is_compact_ascii_and_equals_stdlib() -> None:
    message = {"m": "create_study", "p": ["cs_a", {"text": "é😀삼"}, 1.5, None, True]}
    assert wire.dumps(message) == json.dumps(message, separators=(",", ":"))
    assert wire.dumps(message).isascii()


def test_several_frames_and_a_heartbeat_in_one_message() -> None:
    message = wire.encode({"m": "a", "p": []}) + wire.heartbeat("~h~7") + wire.encode({"x": 1})
    assert wire.unframe(message).payloads == ['{"m":"a","p":[]}', "~h~7", '{"x":1}']


def test_wrong_len_loses_no_valid_frame() -> None:
    good = wire.encode({"m": "qsd", "p": ["qs", {"n": "A:B", "v": {"lp": 1}}]})
    bad_len = '~m~3~m~{"m":"du","p":["cs",{}]}'
    result = wire.unframe(good + bad_len + good)
    body = good[good.index("{") :]
    assert result.payloads == [body, '{"m":"du","p":["cs",{}]}', body]
    assert result.dropped == 0


def test_truncated_empty_and_garbage_frames_are_counted() -> None:
    good = wire.encode({"ok": True})
    message = "junk" + good + "~m~0~m~" + good + '~m~50~m~{"trunc'
    result = wire.unframe(message)
    assert result.payloads == ['{"ok":true}', '{"ok":true}']
    assert result.dropped == 3


def test_invalid_utf8_binary_message_is_one_dropped_frame() -> None:
    assert wire.unframe(b"\xff\xfe\x00") == wire.Unframed([], 1)


@settings(max_examples=500)
@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_round_trip_for_arbitrary_unicode_payloads(payloads: list[str]) -> None:
    # Any payload that does not itself contain a header round-trips exactly.
    payloads = [p.replace("~m~", "~n~") for p in payloads]
    message = "".join(wire.frame(p) for p in payloads)
    assert wire.unframe(message) == wire.Unframed(payloads, 0)


@settings(max_examples=250)
@given(
    st.lists(
        st.dictionaries(
            st.text(), st.text() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_round_trip_for_json_messages(messages: list[dict]) -> None:
    wire_text = "".join(wire.encode(m) for m in messages)
    assert [json.loads(p) for p in wire.unframe(wire_text).payloads] == messages


@settings(max_examples=1000)
@given(st.text() | st.binary())
def test_arbitrary_garbage_never_raises(garbage: str | bytes) -> None:
    result = wire.unframe(garbage)
    assert result.dropped >= 0
    assert all(isinstance(p, str) and p for p in result.payloads)
