"""Plot pictures are read from plotext's matrix, skipping its ANSI string: the picture must be
exactly the one the ANSI round trip (``Text.from_ansi(plt.build())``) gave, cell for cell."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready, plots_settled, wait_until
from tvtui.ui.widgets.plots import PlotSpec, ThemedPlot, matrix_text

SIZE = (160, 45)


def cells(text: Text, width: int) -> list[tuple[str, object]]:
    """(character, style) of every rendered cell."""
    console = Console(width=width, color_system="truecolor", legacy_windows=False)
    out = []
    for segment in console.render(text, console.options.update(no_wrap=True)):
        if segment.control:
            continue
        for char in segment.text:
            out.append((char, segment.style or None))
    return out


def same_picture(a: Text, b: Text, width: int) -> None:
    assert a.plain == b.plain
    left, right = cells(a, width), cells(b, width)
    assert len(left) == len(right)
    diff = [(i, x, y) for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]
    assert not diff, f"{len(diff)} cells differ, first: {diff[:3]}"


async def test_every_plot_picture_matches_plotexts_own_ansi_rendering(make_app) -> None:
    """Candles, volume, RSI lines with levels and the MACD histogram, in two themes."""
    for theme in ("tvtui-dark", "tvtui-light"):
        app: TvtuiApp = make_app(theme=theme, timeframe="1m")
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda app=app: data_ready(app), 10, "data")
            await wait_until(pilot, lambda app=app: plots_settled(app), 10, "plots")
            app.bridge.pause(True)
            plots = [p for p in app.query(ThemedPlot) if p.display and p.size.width]
            assert len(plots) >= 4  # candles, volume, RSI, MACD
            for plot in plots:
                spec = PlotSpec(
                    plot.size.width,
                    plot.size.height,
                    plot.snapshot(),
                    dict(app.theme_variables),
                    bool(app.current_theme.ansi),
                )
                mine = plot._build(spec)
                assert mine.plain.strip(), f"{type(plot).__name__} drew nothing"
                # the same figure, through plotext's ANSI string and Rich's parser
                theirs = Text.from_ansi(plot.plt.monitor.matrix.set_canvas())
                same_picture(mine, theirs, spec.width)
            app.bridge.stop()


def test_matrix_text_keeps_rgb_256_and_named_colours_and_styles() -> None:
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
    mine = matrix_text(fig.monitor.matrix)
    theirs = Text.from_ansi(fig.monitor.matrix.set_canvas())
    same_picture(mine, theirs, 40)
