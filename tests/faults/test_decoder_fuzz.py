"""Property-based fuzz of the decoder: valid frames mixed with every kind of corruption.
Every valid frame is recovered, in order; every unreadable one is counted; nothing raises.

CI runs 300 examples (100 for the binary one). The long run, by hand (~40 min on 2 cores):

    TVTUI_FUZZ_EXAMPLES=300000 pytest tests/faults/test_decoder_fuzz.py -p no:cacheprovider
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tvtui.feed import wire
from tvtui.feed.decoder import decode
from tvtui.feed.events import Heartbeat, MalformedFrame

EXAMPLES = int(os.environ.get("TVTUI_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# What the feed carries: JSON objects of text (any Unicode, astral included), numbers, flags.
# Integers stay within 64 bits and floats finite: the server sends nothing else.
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)  # fmt: skip
_names = st.text(max_size=8)
_floats = st.floats(allow_nan=False, allow_infinity=False)
# Real-shaped quote and bar updates, packets of methods the decoder passes on raw (any
# params), and hello-like objects without "m".
quote_packets = st.builds(
    lambda qs, sym, lp, extra: {"m": "qsd", "p": [qs, {"n": sym, "s": "ok", "v": {"lp": lp,
                                                                              **extra}}]},
    _names, _names, _floats, st.dictionaries(_names, _scalars, max_size=3),
)  # fmt: skip
bar_packets = st.builds(
    lambda cs, i, v: {"m": "du", "p": [cs, {"sds_1": {"s": [{"i": i, "v": v}]}}]},
    _names,
    st.integers(-10, 10**6),
    st.lists(_floats, min_size=6, max_size=6),
)
raw_packets = st.fixed_dictionaries(
    {"m": st.text(max_size=12).map(lambda m: f"x_{m}"), "p": st.lists(_values, max_size=4)}
)
hellos = st.dictionaries(_names.filter(lambda k: k != "m"), _values, min_size=1, max_size=4)
packets = quote_packets | bar_packets | raw_packets | hellos

# Corruption that cannot be read; each counts as one dropped frame.
CORRUPT = [
    "~m~7~m~this payload is not JSON and its LEN is wrong",  # bad LEN, not JSON
    wire.frame('{"m":"du","p":["cs_broken",{"s":[{"i":1,"v":[1,2'),  # bad JSON, good LEN
    "~m~0~m~",  # empty payload
    wire.frame("[1,2,3]"),  # JSON, but not an object
    wire.frame('"just a string"'),
]
#: Only ever the last thing in a message (a message cut short).
TRUNCATED = ['~m~120~m~{"m":"qsd","p":["qs_trunc', "~m~", "~m~12", '~m~9~m~{"m"']


@st.composite
def messages(draw):
    """(message text, the packets in it, the heartbeats in it, how many frames are bad)."""
    items = draw(
        st.lists(
            st.one_of(
                packets.map(lambda p: ("packet", p)),
                st.integers(0, 10**6).map(lambda n: ("beat", f"~h~{n}")),
                st.sampled_from(CORRUPT).map(lambda c: ("bad", c)),
            ),
            max_size=12,
        )
    )
    tail = draw(st.none() | st.sampled_from(TRUNCATED))
    text, sent, beats, bad = [], [], [], 0
    for kind, item in items:
        if kind == "packet":
            text.append(wire.encode(item))
            sent.append(item)
        elif kind == "beat":
            text.append(wire.heartbeat(item))
            beats.append(item)
        else:
            text.append(item)
            bad += 1
    if tail is not None:
        text.append(tail)
        bad += 1
    return "".join(text), sent, beats, bad


@FUZZ
@given(messages())
def test_every_valid_frame_survives_any_mix_of_corruption(message) -> None:
    text, sent, beats, bad = message
    decoded = decode(text)
    assert decoded.packets == sent
    assert [e.payload for e in decoded.events if isinstance(e, Heartbeat)] == beats
    # Each unreadable stretch is counted (adjacent bad frames may count as one stretch).
    assert (1 <= decoded.dropped <= bad) if bad else decoded.dropped == 0
    assert sum(e.count for e in decoded.events if isinstance(e, MalformedFrame)) == (
        decoded.dropped
    )
    # bytes in, the same out (the feed may send a text message as UTF-8 bytes)
    assert decode(text.encode("utf-8")).packets == sent


@settings(FUZZ, max_examples=max(100, EXAMPLES // 10))
@given(st.lists(packets, max_size=3), st.binary(max_size=64))
def test_binary_garbage_never_raises_and_valid_text_around_it_survives(sent, garbage) -> None:
    decoded = decode(garbage)  # a binary WebSocket message on its own
    assert decoded.packets == [] or all(isinstance(p, dict) for p in decoded.packets)
    text = "".join(wire.encode(p) for p in sent)
    assert decode(text).packets == sent  # the next message is read as if nothing happened


@FUZZ
@given(st.text(max_size=300) | st.binary(max_size=300))
def test_anything_at_all_never_raises(data) -> None:
    decoded = decode(data)
    assert decoded.dropped >= 0 and all(isinstance(p, dict) for p in decoded.packets)
