"""A PlotextPlot that draws from data at render time, in the app theme's colours.

Why render-time drawing: how many candles fit depends on the widget's width, which is known
only when Textual lays it out. Building the figure in ``render()`` makes resize, switch and
new data one code path: change the data, call ``refresh()``.

Why our own colours: textual-plotext's ``"auto"`` theme sets only the background and
foreground, and paints ansi themes black (tui-anchors §C.3). Here the canvas takes the pane's
``$surface`` colour, the series take ``$price-up`` / ``$price-down`` ..., and ansi themes use
plotext's ``clear`` theme so the terminal's own background shows.

Every plot reserves the same :data:`Y_LABEL_WIDTH` columns for its y labels, so the chart,
the volume bars and the indicators line up bar for bar.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.color import Color, ColorParseError
from textual_plotext import PlotextPlot

from tvtui.ui.themes import plot_colour

#: Characters reserved for y tick labels in every plot (labels are padded to it).
Y_LABEL_WIDTH = 10
#: Columns per candle: two keeps bodies and wicks readable in a terminal.
COLUMNS_PER_BAR = 2

RGB = tuple[int, int, int]


def visible_bars(width: int) -> int:
    """How many bars fit a plot ``width`` columns wide (the same for every pane)."""
    plot_width = max(1, width - Y_LABEL_WIDTH - 3)
    return max(5, plot_width // COLUMNS_PER_BAR)


def pad_label(text: str) -> str:
    return text[-Y_LABEL_WIDTH:].rjust(Y_LABEL_WIDTH)


class ThemedPlot(PlotextPlot):
    """Base class: subclasses implement :meth:`draw` using ``self.plt``."""

    DEFAULT_CSS = """
    ThemedPlot {
        width: 1fr;
        height: 1fr;
    }
    """

    #: Draw the bottom axis line (only the plot carrying the time labels does).
    X_AXIS = False

    def colour(self, name: str) -> RGB | int:
        return plot_colour(self.app.theme_variables, name)

    def _base_colours(self) -> tuple[RGB, RGB]:
        variables = self.app.theme_variables
        try:
            background = Color.parse(variables.get("surface", "#000000"))
            foreground = Color.parse(variables.get("foreground", "#ffffff"))
        except ColorParseError:
            return (0, 0, 0), (200, 200, 200)
        ticks = foreground.blend(background, 0.35)
        return background.rgb, ticks.rgb

    def render(self) -> RenderResult:
        plt = self.plt
        width, height = self.size.width, self.size.height
        plt.clear_figure()
        plt.plotsize(width, height)
        plt._set_size(width, height)
        if self.app.current_theme.ansi:
            plt.theme("clear")
        else:
            background, ticks = self._base_colours()
            plt.theme("clear")
            plt.canvas_color(background)
            plt.axes_color(background)
            plt.ticks_color(ticks)
        if width < Y_LABEL_WIDTH + 8 or height < 2:
            return Text("")
        plt.xaxes(self.X_AXIS, False)
        plt.yaxes(True, False)
        self.draw(width, height)
        return Text.from_ansi(plt.build())

    def draw(self, width: int, height: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
