"""The chart's viewport (pure): which bars are on screen, the cursor, zoom, panning, and the
bar -> column mapping the chart and indicator panes share."""

from __future__ import annotations

import itertools

from tvtui.ui.chart.scale import Columns, default_slots
from tvtui.ui.chart.view import MIN_SLOTS, Viewport

WIDTH = 157  # the candle plot's width at 160x45
SLOTS = default_slots(WIDTH)


def times(count: int, first: int = 0) -> list[float]:
    return [float(60 * (first + i)) for i in range(count)]


def test_the_default_view_follows_the_newest_bars() -> None:
    view = Viewport()
    held = times(500)
    window = view.window(held, WIDTH)
    assert window.end == 500 and window.count == SLOTS and window.cursor is None
    assert view.window([*held, 500 * 60.0], WIDTH).end == 501  # a new bar: it follows


def test_the_first_move_puts_the_cursor_on_the_newest_bar_and_then_moves_one_bar() -> None:
    view, held = Viewport(), times(500)
    view.move_cursor(held, WIDTH, -1)
    assert view.cursor_index(held) == 499
    view.move_cursor(held, WIDTH, -1)
    view.move_cursor(held, WIDTH, -10)
    assert view.cursor_index(held) == 488


def test_the_cursor_and_the_view_stay_on_their_bars_as_bars_arrive_at_either_end() -> None:
    view, held = Viewport(), times(500, first=1000)
    for _ in range(6):
        view.move_cursor(held, WIDTH, -1)
    before = view.window(held, WIDTH)
    bar_time = held[before.cursor or 0]
    shown = held[before.start : before.end]
    newer = held + times(10, first=1500)  # ten new bars at the right
    after = view.window(newer, WIDTH)
    assert newer[after.cursor or 0] == bar_time
    assert newer[after.start : after.end] == shown
    older = times(1000) + newer  # a thousand older bars at the left
    after = view.window(older, WIDTH)
    assert older[after.cursor or 0] == bar_time
    assert older[after.start : after.end] == shown


def test_moving_past_an_edge_pans_and_past_the_oldest_bar_asks_for_older_ones() -> None:
    view, held = Viewport(), times(500)
    view.move_cursor(held, WIDTH, -1)
    first = view.window(held, WIDTH)
    for _ in range(first.count):
        view.move_cursor(held, WIDTH, -1)
    panned = view.window(held, WIDTH)
    assert panned.start == first.start - 1 and panned.cursor == panned.start
    assert not view.wants_older
    assert view.home(held, WIDTH) is False  # the first Home: to the oldest bar held
    assert view.window(held, WIDTH).start == 0 and view.cursor_index(held) == 0
    assert view.home(held, WIDTH) is True  # Home again: older bars wanted
    view.move_cursor(held, WIDTH, -1)
    assert view.wants_older and view.cursor_index(held) == 0


def test_escape_hides_the_cursor_and_the_view_follows_the_live_bar_again() -> None:
    view, held = Viewport(), times(500)
    view.move_cursor(held, WIDTH, -30)
    view.move_cursor(held, WIDTH, -300)
    view.hide_cursor()
    assert view.window(held, WIDTH).end == 500 and view.window(held, WIDTH).cursor is None


def test_zoom_goes_from_twenty_bars_to_everything_held_keeping_the_cursor_on_screen() -> None:
    view, held = Viewport(), times(5000)
    view.move_cursor(held, WIDTH, -40)
    for _ in range(20):
        view.zoom(held, WIDTH, 1 / 1.5)
    window = view.window(held, WIDTH)
    assert window.count == MIN_SLOTS
    assert window.start <= (window.cursor or -1) < window.end
    for _ in range(30):
        view.zoom(held, WIDTH, 1.5)
    window = view.window(held, WIDTH)
    assert window.count == 5000 and window.start == 0


def test_a_click_puts_the_cursor_on_the_bar_drawn_in_that_column() -> None:
    view, held = Viewport(), times(500)
    window = view.window(held, WIDTH)
    place = window.columns.of(10)
    assert place is not None
    assert view.click(held, WIDTH, place.mid)
    assert view.cursor_index(held) == window.start + 10


def test_columns_split_among_bars_or_merge_bars_per_column() -> None:
    wide = Columns(20, 146)  # zoomed in: several columns a bar, a gap between bars
    spans = [(s.x0, s.x1) for s in wide.layout]
    assert len(spans) == 20 and spans[0][0] == 0 and spans[-1][1] == 146
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    for slot in wide.layout:
        assert slot.x0 <= slot.left <= slot.mid < slot.left + slot.body < slot.x1
        assert wide.slot_at(slot.mid) == slot
    narrow = Columns(5000, 146)  # zoomed out: each column shows the bars that fall in it
    assert len(narrow.layout) == 146
    assert sum(s.hi - s.lo for s in narrow.layout) == 5000
    assert narrow.of(4999) == narrow.layout[-1]
