"""Plot pictures are strips parsed from plotext's public ``build()`` string, skipping Rich's
general parser and the ``Text`` Textual used to re-render on the UI thread: the picture must be
exactly the one the ANSI round trip (``Text.from_ansi(plotext.build())`` drawn by Textual)
gave, cell for cell."""

from __future__ import annotations

import plotext
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.visual import Visual, visualize

from tests.support import wait_until
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready, plots_settled
from tvtui.ui.widgets.picture import canvas_strips
from tvtui.ui.widgets.plots import PLOTEXT, PlotSpec, ThemedPlot

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


def rich_rendering(canvas: str, base: Style, width: int, height: int) -> list[Strip]:
    """Rich's own rendering of an ANSI string, each line on the same base style."""
    console = Console(width=width, color_system="truecolor")
    strips = []
    for line in Text.from_ansi(canvas).split("\n")[:height]:
        line.stylize_before(base)
        strips.append(Strip(list(line.render(console))).crop_extend(0, width, base))
    return strips


async def test_every_plot_picture_matches_plotexts_own_ansi_rendering(make_app) -> None:
    """Candles, volume, RSI lines with levels and the MACD histogram, in two themes."""
    for theme in ("tvtui-dark", "tvtui-light"):
        app: TvtuiApp = make_app(theme=theme, timeframe="1m")
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda app=app: data_ready(app), 10, "data")
            app.bridge.pause(True)  # fewer new builds; each comparison below has its own spec

            def shown(app: TvtuiApp = app) -> list[ThemedPlot]:
                return [p for p in app.query(ThemedPlot) if p.display and p.size.width]

            # candles, volume, RSI, MACD: all laid out (a busy machine may still be sizing
            # them when the data is in) and each showing its latest picture
            await wait_until(
                pilot, lambda app=app: len(shown()) >= 4 and plots_settled(app), 10, "plots"
            )
            plots = shown()
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
                with PLOTEXT:
                    canvas = plot._canvas(plotext, spec)
                assert canvas is not None
                theirs = Visual.to_strips(
                    plot, visualize(plot, Text.from_ansi(canvas)), width, height, plot.visual_style
                )
                same_cells(picture.strips, theirs)

            # and what each widget puts on screen is its latest picture
            def shows_its_picture(plots: list[ThemedPlot] = plots) -> bool:
                for plot in plots:
                    strips = getattr(plot._picture, "strips", None)
                    shown = [plot.render_line(y).text for y in range(plot.size.height)]
                    if strips is None or shown != [strip.text for strip in strips]:
                        return False
                return True

            await wait_until(pilot, shows_its_picture, 10, "each plot to show its picture")
            app.bridge.stop()


def test_rgb_256_and_named_colours_and_styles_come_out_as_plotext_wrote_them() -> None:
    with PLOTEXT:
        plotext.clear_figure()
        plotext.limit_size(False, False)
        plotext.plotsize(40, 12)
        plotext.theme("clear")
        plotext.canvas_color((20, 30, 40))
        plotext.axes_color((20, 30, 40))
        plotext.ticks_color(245)
        plotext.plot([1, 2, 3, 4, 5], [1, 4, 2, 5, 3], color="red", marker="braille")
        plotext.plot([1, 2, 3, 4, 5], [2, 2, 3, 3, 1], color=(10, 200, 90), marker="hd")
        plotext.hline(2.5, 33)
        plotext.title("bold title")
        canvas = plotext.build()
    base = Style(color="white", bgcolor="black")
    mine = canvas_strips(canvas, base, 40, 12)
    assert len(mine) == 12 and "bold title" in mine[0].text
    same_cells(mine, rich_rendering(canvas, base, 40, 12))


def test_a_line_not_of_plotexts_shape_still_comes_out_as_rich_reads_it() -> None:
    """If plotext's writer ever changes, the picture stays right (Rich's general parser)."""
    canvas = (
        plotext.colorize("ab", "red", "bold", "blue")
        + "cd"  # characters after a reset, with no reset of their own
        + "\x1b[38;5;33mef\x1b[0m\n"
        + "\x1b[1m\x1b[48;2;1;2;3mgh\x1b[0m\n"
        + "\x1b[38;5;9m日本\x1b[0m\x1b[1m語 x\n"  # wide characters; a style never reset
    )
    base = Style(color="white", bgcolor="black")
    mine = canvas_strips(canvas, base, 10, 5)
    assert [strip.text for strip in mine] == ["abcdef    ", "gh        ", "日本語 x  "]
    assert [strip.cell_length for strip in mine] == [10, 10, 10]
    same_cells(mine, rich_rendering(canvas, base, 10, 5))
