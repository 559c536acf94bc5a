"""A plot widget that draws from data at render time, in the app theme's colours.

Why a build per size and per data change: how many candles fit depends on the widget's width,
known only once Textual lays it out, so resize, switch and new data are one code path. The
build (plotext, pure Python, 10-25 ms a plot) runs on a builder thread and the finished picture
is swapped in, so a redraw never blocks keys or the watchlist.

Why plotext's module functions (``plotext.plotsize``, ``plotext.build`` ...): they are its
public API. They draw on plotext's one global figure, so every build holds :data:`PLOTEXT`
(builds run one at a time on the builder thread anyway; the lock covers a build started from
elsewhere, as the benchmarks and tests do). ``limit_size(False, False)`` keeps plotext from
shrinking a figure to the size of the terminal it thinks it runs in (a headless app, a served
one, or a pane wider than the terminal ``shutil`` reports).

Why our own colours: plotext's themes set fixed colours, and ansi themes must show the
terminal's own background. Here the canvas takes the pane's ``$surface`` colour, the series
take ``$price-up`` / ``$price-down`` ..., and ansi themes use plotext's ``clear`` theme so the
terminal's own background shows.

Every plot reserves the same :data:`Y_LABEL_WIDTH` columns for its y labels, so the chart,
the volume bars and the indicators line up bar for bar.

The picture is made on the builder thread as ready strips from plotext's ANSI canvas
(:mod:`tvtui.ui.widgets.picture`): no re-rendering of a big ``Text`` on the UI thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from types import ModuleType
from typing import Any

import plotext
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color, ColorParseError
from textual.theme import Theme
from textual.widget import Widget

from tvtui.ui.themes import plot_colour
from tvtui.ui.widgets.picture import Picture, canvas_strips

#: Characters reserved for y tick labels in every plot (labels are padded to it).
Y_LABEL_WIDTH = 10
#: Columns per candle: two keeps bodies and wicks readable in a terminal.
COLUMNS_PER_BAR = 2

RGB = tuple[int, int, int]
NO_STYLE = Style()
log = logging.getLogger(__name__)


def visible_bars(width: int) -> int:
    """How many bars fit a plot ``width`` columns wide (the same for every pane)."""
    plot_width = max(1, width - Y_LABEL_WIDTH - 3)
    return max(5, plot_width // COLUMNS_PER_BAR)


def pad_label(text: str) -> str:
    return text[-Y_LABEL_WIDTH:].rjust(Y_LABEL_WIDTH)


@dataclass(frozen=True)
class PlotSpec:
    """Everything one build needs, captured on the UI thread (the build runs elsewhere)."""

    width: int
    height: int
    data: Any
    variables: dict[str, str]
    ansi: bool
    #: the widget's own style (its background and colour), under every cell
    base: Style = NO_STYLE

    def colour(self, name: str) -> RGB | int:
        return plot_colour(self.variables, name)


#: One thread builds every figure, newest request per plot first served: plotext's build is
#: pure Python (15-25 ms a plot here), so on the UI thread the four plots of one flush would
#: stall input for ~70 ms a second; on this thread the UI keeps getting the GIL every 5 ms.
_BUILDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tvtui-plot")
#: plotext's public functions share one global figure: one build at a time uses it.
PLOTEXT = threading.Lock()


class ThemedPlot(Widget):
    """Base class: subclasses capture their data in :meth:`snapshot` (UI thread) and draw it
    in :meth:`draw` (builder thread). ``redraw()`` asks for a new picture; until it is ready
    the previous one stays on screen, so nothing ever blinks."""

    DEFAULT_CSS = """
    ThemedPlot {
        width: 1fr;
        height: 1fr;
    }
    """

    #: Draw the bottom axis line (only the plot carrying the time labels does).
    X_AXIS = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._picture: Picture | Text | None = None
        self._picture_size: tuple[int, int] | None = None
        self._building = False
        self._again = False
        self._wanted_size: tuple[int, int] | None = None

    # --- UI thread ------------------------------------------------------------------------

    def on_mount(self) -> None:
        """A new theme means new colours, so a new picture."""
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        self.redraw()

    def snapshot(self) -> Any:
        """The data to draw (immutable or never mutated afterwards)."""
        return None

    @property
    def settled(self) -> bool:
        """True when the picture on screen shows the latest data at the current size."""
        size = (self.size.width, self.size.height)
        return not self._building and not self._again and self._picture_size == size

    def redraw(self) -> None:
        """New data: build a new picture (at most one build per plot in flight)."""
        if not self.is_mounted or self.size.width == 0:
            return
        if self._building:
            self._again = True
            return
        self._start_build()

    def _start_build(self) -> None:
        width, height = self.size.width, self.size.height
        spec = PlotSpec(
            width,
            height,
            self.snapshot(),
            dict(self.app.theme_variables),
            bool(self.app.current_theme.ansi),
            self.visual_style.rich_style,
        )
        self._building = True
        self._again = False
        self._wanted_size = (width, height)
        try:
            future = asyncio.get_running_loop().run_in_executor(_BUILDER, self._build, spec)
        except RuntimeError:  # no loop (shutting down)
            self._building = False
            return
        future.add_done_callback(partial(self._built, (width, height)))

    def _built(self, size: tuple[int, int], future: asyncio.Future[Picture]) -> None:
        self._building = False
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            log.warning("plot build failed: %r", error)
            picture: Picture | Text = Text(f"(cannot draw: {error})")
        else:
            picture = future.result()
        self._picture, self._picture_size = picture, size
        if self.is_mounted:
            self.refresh()
            if self._again or size != (self.size.width, self.size.height):
                self._start_build()

    def on_resize(self) -> None:
        """A new size: a new picture, also for a plot scrolled out of view (which is never
        rendered, so ``render`` would not ask for one)."""
        if (self.size.width, self.size.height) != self._picture_size:
            self.redraw()

    def render(self) -> RenderResult:
        size = (self.size.width, self.size.height)
        if size != self._picture_size and not self._building and size[0] > 0:
            self._start_build()  # first paint or a resize
        return self._picture if self._picture is not None else Text("")

    # --- builder thread --------------------------------------------------------------------

    def _build(self, spec: PlotSpec) -> Picture:
        with PLOTEXT:
            canvas = self._canvas(plotext, spec)
        if canvas is None:
            return Picture([], spec.width)
        return Picture(canvas_strips(canvas, spec.base, spec.width, spec.height), spec.width)

    def _canvas(self, plt: ModuleType, spec: PlotSpec) -> str | None:
        """plotext's ANSI picture of ``spec`` (None: nothing to draw)."""
        width, height = spec.width, spec.height
        plt.clear_figure()
        plt.limit_size(False, False)
        plt.plotsize(width, height)
        plt.theme("clear")
        if not spec.ansi:
            background, ticks = _base_colours(spec.variables)
            plt.canvas_color(background)
            plt.axes_color(background)
            plt.ticks_color(ticks)
        if width < Y_LABEL_WIDTH + 8 or height < 2 or spec.data is None:
            return None
        plt.xaxes(self.X_AXIS, False)
        plt.yaxes(True, False)
        if self.draw(plt, spec) is False:
            return None
        canvas: str = plt.build()
        return canvas

    def draw(self, plt: Any, spec: PlotSpec) -> bool | None:  # pragma: no cover - abstract
        """Draw ``spec.data``; return False when there is nothing to show."""
        raise NotImplementedError


def _base_colours(variables: dict[str, str]) -> tuple[RGB, RGB]:
    try:
        background = Color.parse(variables.get("surface", "#000000"))
        foreground = Color.parse(variables.get("foreground", "#ffffff"))
    except ColorParseError:
        return (0, 0, 0), (200, 200, 200)
    ticks = foreground.blend(background, 0.35)
    return background.rgb, ticks.rgb
