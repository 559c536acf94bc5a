"""Plot pictures are strips made from plotext's matrix, skipping its ANSI string and the
``Text`` Textual used to re-render on the UI thread: the picture must be exactly the one the
ANSI round trip (``Text.from_ansi(plt.build())`` drawn by Textual) gave, cell for cell."""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.visual import Visual, visualize

from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready, plots_settled, wait_until
from tvtui.ui.widgets.picture import matrix_strips
from tvtui.ui.widgets.plots import PlotSpec, ThemedPlot

SIZE = (160, 45)


def cells(strips: list[Strip]) -> list[list[tuple[str, Style | None]]]:
    """(character, style) of every cell; the selection offsets Textual adds are left out."""
    return [
        [
            (char, segment.style.clear_meta_and_links() if segment.style else None)
            for segment in strip
            for char in segment.text
        ]
        for strip in strips
    ]


def same_cells(mine: list[Strip], theirs: list[Strip]) -> None:
    left, right = cells(mine), cells(theirs)
    assert [len(row) for row in left] == [len(row) for row in right]
    diff = [
        (y, x, a, b)
        for y, (row_a, row_b) in enumerate(zip(left, right, strict=True))
        for x, (a, b) in enumerate(zip(row_a, row_b, strict=True))
        if a != b
    ]
    assert not diff, f"{len(diff)} cells differ, first: {diff[:2]}"


async def test_every_plot_picture_matches_plotexts_own_ansi_rendering(make_app) -> None:
    """Candles, volume, RSI lines with levels and the MACD histogram, in two themes."""
    for theme in ("tvtui-dark", "tvtui-light"):
        app: TvtuiApp = make_app(theme=theme, timeframe="1m")
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda app=app: data_ready(app), 10, "data")
            app.bridge.pause(True)  # no new data: every plot's figure stays ours to build
            await pilot.pause(0.3)  # messages already posted land (and may start builds)
            await wait_until(pilot, lambda app=app: plots_settled(app), 10, "plots")
            plots = [p for p in app.query(ThemedPlot) if p.display and p.size.width]
            assert len(plots) >= 4  # candles, volume, RSI, MACD
            for plot in plots:
                width, height = plot.size.width, plot.size.height
                spec = PlotSpec(
                    width,
                    height,
                    plot.snapshot(),
                    dict(app.theme_variables),
                    bool(app.current_theme.ansi),
                    plot.visual_style.rich_style,
                )
                picture = plot._build(spec)
                assert len(picture.strips) == height, type(plot).__name__
                assert any(strip.text.strip() for strip in picture.strips)
                # the same figure through plotext's ANSI string, Rich's parser and Textual
                ansi = Text.from_ansi(plot.plt.monitor.matrix.set_canvas())
                theirs = Visual.to_strips(
                    plot, visualize(plot, ansi), width, height, plot.visual_style
                )
                same_cells(picture.strips, theirs)
                # and what the widget puts on screen is that picture
                await pilot.pause(0.05)
                shown = [plot.render_line(y) for y in range(height)]
                assert [s.text for s in shown] == [s.text for s in picture.strips]
            app.bridge.stop()


def test_rgb_256_and_named_colours_and_styles_come_out_as_plotext_wrote_them() -> None:
    from textual_plotext.plotext import _figure

    fig = _figure._figure_class()
    fig.plotsize(40, 12)
    fig._set_size(40, 12)
    fig.theme("clear")
    fig.canvas_color((20, 30, 40))
    fig.axes_color((20, 30, 40))
    fig.ticks_color(245)
    fig.plot([1, 2, 3, 4, 5], [1, 4, 2, 5, 3], color="red", marker="braille")
    fig.plot([1, 2, 3, 4, 5], [2, 2, 3, 3, 1], color=(10, 200, 90), marker="hd")
    fig.hline(2.5, 33)
    fig.title("bold title")
    fig._set_sizes()
    fig._build_matrix()
    base = Style(color="white", bgcolor="black")
    mine = matrix_strips(fig.monitor.matrix, base, 40, 12)
    # Rich's own rendering of plotext's ANSI string, each line on the same base style
    console = Console(width=40, color_system="truecolor")
    theirs = []
    for line in Text.from_ansi(fig.monitor.matrix.set_canvas()).split("\n")[:12]:
        line.stylize_before(base)
        theirs.append(Strip(list(line.render(console))).crop_extend(0, 40, base))
    same_cells(mine, theirs)
