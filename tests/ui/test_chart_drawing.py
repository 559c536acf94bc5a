"""The chart's own cells (tvtui/ui/chart): candles to half a row, Heikin-Ashi, the axes, the
volume scale, the chart types; pure functions, no app."""

from __future__ import annotations

import re

import pytest

from tvtui.feed.events import Bar, StudyPoint
from tvtui.ui.chart.candles import CHART_TYPES, draw_candles
from tvtui.ui.chart.cells import LAST_MARKER, Grid
from tvtui.ui.chart.heikin import WARM_UP, heikin_ashi, heikin_ashi_range
from tvtui.ui.chart.price_chart import ChartData, price_picture, volume_picture
from tvtui.ui.chart.scale import LABEL_WIDTH, Columns, Prices
from tvtui.ui.chart.view import Viewport

DAY = 86400


def bars(count: int, start: float = 1_717_977_600, step: int = 300) -> list[Bar]:
    out = []
    price = 100.0
    for i in range(count):
        move = ((i * 7919) % 13 - 6) / 4
        open_, close = price, price + move
        out.append(
            Bar(
                start + i * step,
                open_,
                max(open_, close) + 0.7,
                min(open_, close) - 0.6,
                close,
                10.0 + i % 9,
                i,
            )
        )
        price = close
    return out


def data(held: list[Bar], width: int = 157, chart_type: str = "candles", **kw) -> ChartData:
    window = Viewport(**kw).window([b.time for b in held], width)
    return ChartData(held, {"pricescale": 100}, 300, {}, window, chart_type)


def rows_of(grid: Grid) -> list[str]:
    return ["".join(row) for row in grid.chars]


def test_a_candle_has_its_body_and_wick_ends_to_half_a_row() -> None:
    grid = Grid(3, 5)
    # 5 rows over 0..10: a row is 2.0, a half row 1.0
    bar = Bar(0, 3.4, 8.6, 0.5, 6.8)  # body 3.4..6.8, wick 0.5..8.6
    draw_candles(grid, 0, [bar], Columns(1, 2), Prices(0.0, 10.0, 5))
    column = [row[0] for row in grid.chars]
    # row 0 (10..8): wick in its lower half only; row 1 (8..6): body from 6.8 down;
    # row 3 (4..2): body down to 3.4, its upper half; row 4 (2..0): wick only
    assert column == ["╷", "▄", "█", "▀", "│"]
    assert grid.keys[2][0] == "price-up"


def test_heikin_ashi_is_computed_from_the_bars() -> None:
    real = [Bar(0, 10, 12, 9, 11), Bar(60, 11, 13, 10, 12), Bar(120, 12, 12.5, 8, 9)]
    ha = heikin_ashi(real)
    assert ha[0].open == 10.5 and ha[0].close == 10.5
    assert ha[1].open == pytest.approx((10.5 + 10.5) / 2)
    assert ha[1].close == pytest.approx((11 + 13 + 10 + 12) / 4)
    assert ha[2].high == 12.5 and ha[2].low == 8
    assert ha[2].open == pytest.approx((ha[1].open + ha[1].close) / 2)
    assert [b.time for b in ha] == [0, 60, 120]


def test_heikin_ashi_of_the_visible_bars_alone_equals_the_full_run() -> None:
    held = bars(1000)
    full = heikin_ashi(held)
    part = heikin_ashi_range(held, 900, 1000)
    assert len(part) == 100 and WARM_UP < 900
    for mine, theirs in zip(part, full[900:], strict=True):
        assert f"{mine.open:.6f}" == f"{theirs.open:.6f}"
        assert mine.close == theirs.close


def test_the_price_axis_has_four_levels_and_the_last_price_marked_at_160x45() -> None:
    held = bars(500)
    grid = price_picture(157, 15, data(held), time_axis=False)
    labels = [r[:LABEL_WIDTH].strip() for r in rows_of(grid) if r[:LABEL_WIDTH].strip()]
    assert len(labels) >= 5, labels  # four round levels and the last price
    last = f"{held[-1].close:,.2f}"
    marked = [y for y in range(grid.height) if grid.keys[y][0] == LAST_MARKER]
    assert len(marked) == 1 and rows_of(grid)[marked[0]][:LABEL_WIDTH].strip() == last


def test_the_time_axis_shows_the_date_where_the_visible_bars_cross_a_day() -> None:
    held = bars(400, step=3600)  # hourly bars: the 73 on screen span four days
    chart = ChartData(held, {}, 3600, {}, data(held).window, "candles")
    grid = price_picture(157, 15, chart, time_axis=True)
    axis = rows_of(grid)[-1]
    assert re.search(r"\d\d:\d\d", axis)
    assert len(re.findall(r"\b\d\d Jun\b", axis)) >= 2, axis  # each day starting on screen
    one_day = [b for b in held if b.time < 1_717_977_600 + 10 * 3600]
    axis = rows_of(price_picture(157, 15, data(one_day[-60:]), time_axis=True))[-1]
    assert not re.search(r"Jun", axis), axis  # all on one day: times only


@pytest.mark.parametrize("chart_type", CHART_TYPES)
def test_every_chart_type_draws_its_bars(chart_type: str) -> None:
    grid = price_picture(157, 15, data(bars(300), chart_type=chart_type), time_axis=True)
    plot = "".join(r[LABEL_WIDTH + 1 :] for r in rows_of(grid)[:-1])
    ink = {
        "candles": "█▀▄",
        "heikin-ashi": "█▀▄",
        "ohlc": "┤├┼",
        "line": "".join(chr(c) for c in range(0x2801, 0x2900)),
    }[chart_type]
    assert sum(plot.count(c) for c in ink) > 20, chart_type


def test_volume_has_its_own_labelled_scale() -> None:
    held = bars(300)
    grid = volume_picture(157, 6, data(held))
    rows = rows_of(grid)
    top = max(b.volume or 0 for b in held[-73:])
    assert rows[0][:LABEL_WIDTH].strip() == f"{top:.0f}"
    assert "Vol" in rows[-2]
    assert any(c in rows[-2] for c in "█▁▂▃▄▅▆▇")


def test_the_cursor_is_a_marker_in_its_column_with_its_time_on_the_axis() -> None:
    held = bars(300)
    view = Viewport()
    times = [b.time for b in held]
    for _ in range(5):
        view.move_cursor(times, 157, -1)
    window = view.window(times, 157)
    chart = ChartData(held, {}, 300, {}, window, "candles")
    grid = price_picture(157, 15, chart, time_axis=True)
    spot = window.columns.of(window.cursor_slot or 0)
    assert spot is not None
    x = LABEL_WIDTH + 1 + spot.mid
    assert "┊" in "".join(grid.chars[y][x] for y in range(14))
    assert "Tue 11 Jun 00:35" in rows_of(grid)[-1]  # the bar five before the newest


def test_overlay_lines_widen_the_range_and_are_drawn_over_the_candles() -> None:
    held = bars(200)
    points = [StudyPoint(b.time, [b.close + 30]) for b in held]
    window = Viewport().window([b.time for b in held], 157)
    chart = ChartData(held, {}, 300, {"STD;SMA": (["Plot"], points)}, window, "candles")
    grid = price_picture(157, 15, chart, time_axis=False)
    keys = {k for row in grid.keys for k in row}
    assert "study-line" in keys
