"""The watchlist's quick cell drawing gives exactly what Rich's general layout gives.

``plain_cell`` skips Rich's wrapping and padding renderables for the common cell (printable
text, one style, left/right/no justification); a cell drawn differently would show as a
shifted column or a wrong colour on screen, so the two are compared cell by cell over
arbitrary text (wide characters, spaces, too long for the column), styles and widths.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style

from tvtui.ui.watchlist_cells import PADDING
from tvtui.ui.watchlist_lines import _Layered, as_renderable, plain_cell

CONSOLE = Console(width=200, color_system="truecolor")
STYLES = ["", "bold", "#ff0000", "green on #101010", "italic #00ff00", "reverse"]
PRE = [Style(), Style(bgcolor="#202020", color="#eeeeee"), Style.from_meta({"row": 1})]
TEXT = st.text(
    st.sampled_from([*"abcXYZ0123456789 .,-+%▲▼▁▂▃█", "中", "文", "😀", "é"]), max_size=30
)


def cells(segments: list[Segment]) -> list[tuple[str, Style]]:
    """Every terminal cell as (character, style): how the screen will look (no style and the
    null style draw the same)."""
    return [(char, segment.style or Style()) for segment in segments for char in segment.text]


def rich_cell(value: tuple[str, str, str | None], width: int, pre: Style, post: Style) -> list:
    options = CONSOLE.options.update_dimensions(width + 2 * PADDING, 1).update(no_wrap=True)
    layered = _Layered(Padding(as_renderable(value), (0, PADDING)), pre_style=pre, post_style=post)
    return CONSOLE.render_lines(layered, options)[0]


@settings(max_examples=400, deadline=None)
@given(
    text=TEXT,
    style=st.sampled_from(STYLES),
    justify=st.sampled_from([None, "left", "right"]),
    width=st.integers(min_value=1, max_value=24),
    pre=st.sampled_from(PRE),
    post=st.sampled_from([Style(), Style(color="#ffff00")]),
)
def test_quick_cells_look_exactly_like_richs(
    text: str, style: str, justify: str | None, width: int, pre: Style, post: Style
) -> None:
    value = (text, style, justify)
    quick = plain_cell(value, width, pre, post, CONSOLE, CONSOLE.options)
    assert quick is not None
    assert cells(quick) == cells(rich_cell(value, width, pre, post))


def test_anything_but_plain_printable_text_is_left_to_rich() -> None:
    options = CONSOLE.options
    assert plain_cell(("a\tb", "", None), 8, Style(), Style(), CONSOLE, options) is None
    assert plain_cell(("ab", "", "center"), 8, Style(), Style(), CONSOLE, options) is None
    assert plain_cell("ab", 8, Style(), Style(), CONSOLE, options) is None
    justified = options.update(justify="right")
    assert plain_cell(("ab", "", None), 8, Style(), Style(), CONSOLE, justified) is None
