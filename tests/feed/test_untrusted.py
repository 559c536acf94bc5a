"""The untrusted-text boundary: nothing that can drive a terminal survives ``plain``."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tvtui.feed.untrusted import CUT_MARK, cap, is_plain, plain


@given(st.text(max_size=300))
def test_plain_text_has_no_control_character_and_stays_bounded(text: str) -> None:
    shown = plain(text, limit=120)
    assert len(shown) <= 120
    assert is_plain(shown)
    for char in shown:
        assert unicodedata.category(char) not in {"Cc", "Cs"}
        assert not 0x202A <= ord(char) <= 0x202E and not 0x2066 <= ord(char) <= 0x2069


def test_escape_sequences_are_shown_not_obeyed() -> None:
    osc52 = "\x1b]52;c;cHduZWQ=\x07"
    assert plain(f"BTC{osc52}") == "BTC␛]52;c;cHduZWQ=␇"
    assert plain("\x9b2J") == "\ufffd2J"  # the one-byte CSI
    assert plain("a\nb\tc") == "a b c"
    assert plain("a\nb", multiline=True) == "a\nb"


def test_a_huge_string_is_cut_and_marked() -> None:
    text = "x" * 50_000_000
    kept = cap(text)
    assert len(kept) == 4096 and kept.endswith(CUT_MARK)
    assert cap("short") == "short"
