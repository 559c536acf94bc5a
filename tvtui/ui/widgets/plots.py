"""A plot widget that draws from data at render time, in the app theme's colours.

Why a build per size and per data change: how many bars fit depends on the widget's width,
known only once Textual lays it out, so resize, switch and new data are one code path. The
picture is drawn cell by cell by :mod:`tvtui.ui.chart` (a grid of characters and style keys)
and turned into strips; that runs on a builder thread and the finished picture is swapped in,
so a redraw never blocks keys or the watchlist, and until it is ready the previous picture
stays on screen (nothing blinks).

Why our own colours: the series take ``$price-up`` / ``$price-down`` ... (theme variables,
:class:`tvtui.ui.chart.cells.Palette`) on top of the widget's own style, so ansi themes show
the terminal's own background and palette.

Every plot reserves the same label columns at its left (``tvtui.ui.chart.scale.AXIS_COLUMNS``),
and the chart and the indicators share one bar -> column mapping (the chart pane's window), so
a bar sits on the same x in every pane.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.theme import Theme
from textual.widget import Widget

from tvtui.ui.chart.cells import Grid, Palette
from tvtui.ui.chart.scale import AXIS_COLUMNS
from tvtui.ui.widgets.picture import Picture

NO_STYLE = Style()
log = logging.getLogger(__name__)


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


#: One thread builds every picture, so the UI thread keeps getting the GIL while the four
#: plots of one update are drawn (a few ms each).
_BUILDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tvtui-plot")


class ThemedPlot(Widget):
    """Base class: subclasses capture their data in :meth:`snapshot` (UI thread) and draw it
    in :meth:`draw` (builder thread). ``redraw()`` asks for a new picture."""

    DEFAULT_CSS = """
    ThemedPlot {
        width: 1fr;
        height: 1fr;
    }
    """

    #: Draw the time labels under the plot (only the last plot of the chart pane does).
    X_AXIS = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._picture: Picture | Text | None = None
        self._picture_size: tuple[int, int] | None = None
        self._building = False
        self._again = False

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

    @property
    def picture_text(self) -> str:
        """The characters on screen, row after row (tests read it)."""
        strips = getattr(self._picture, "strips", [])
        return "\n".join(strip.text for strip in strips)

    def redraw(self) -> None:
        """New data: build a new picture (at most one build per plot in flight)."""
        if not self.is_mounted or self.size.width == 0:
            return
        if self._building:
            self._again = True
            return
        self._start_build()

    def spec(self, width: int | None = None, height: int | None = None) -> PlotSpec:
        """What a build of this plot needs, captured now (UI thread)."""
        return PlotSpec(
            width or self.size.width,
            height or self.size.height,
            self.snapshot(),
            dict(self.app.theme_variables),
            bool(self.app.current_theme.ansi),
            self.visual_style.rich_style,
        )

    def _start_build(self) -> None:
        spec = self.spec()
        size = (spec.width, spec.height)
        self._building = True
        self._again = False
        try:
            future = asyncio.get_running_loop().run_in_executor(_BUILDER, self._build, spec)
        except RuntimeError:  # no loop (shutting down)
            self._building = False
            return
        future.add_done_callback(partial(self._built, size))

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
        if not self.is_mounted:
            return
        try:
            self.refresh()
            if self._again or size != (self.size.width, self.size.height):
                self._start_build()
        except Exception:  # a loop callback: the app closing under it must not print a trace
            log.debug("plot picture arrived while the app was closing", exc_info=True)

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
        """The picture of ``spec``: :meth:`draw`'s cells as strips in the theme's colours."""
        if spec.width <= AXIS_COLUMNS + 2 or spec.height < 1 or spec.data is None:
            return Picture([], spec.width)
        grid = self.draw(spec)
        if grid is None:
            return Picture([], spec.width)
        palette = Palette(spec.variables, spec.base)
        return Picture(grid.strips(palette), spec.width)

    def draw(self, spec: PlotSpec) -> Grid | None:  # pragma: no cover - abstract
        """The cells of ``spec.data`` (None: nothing to show)."""
        raise NotImplementedError
