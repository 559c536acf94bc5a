"""A plotext figure as ready-made Textual strips, built on the plot builder thread.

Why not ``Text.from_ansi(plt.build())`` (what textual-plotext does): ``plt.build()`` writes
plotext's character and colour matrices out as an ANSI string (46% of a build), Rich parses
it straight back (37%), and then, on the UI thread, Textual turns that ``Text`` of ~500 spans
into strips (13-15 ms a plot, measured: the UI's longest frames under load). Here the matrices
become strips directly (~1 ms), on the builder thread, and the widget hands them over as they
are (:class:`Picture`), so a new picture costs the UI thread nothing.

The colours stay plotext's: each distinct (foreground, style, background) triple is turned
into a Rich style once, by ``Text.from_ansi`` of the escape code plotext itself would write,
on top of the widget's own style, exactly as Textual would have drawn the ANSI picture
(``tests/ui/test_plot_picture.py`` compares them cell for cell).
"""

from __future__ import annotations

from typing import Any

from plotext._utility import ansi_end as ANSI_END
from plotext._utility import colors_to_ansi as plotext_ansi
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, Visual

#: (foreground, style, background) of a plotext cell -> its Rich style (few distinct ones).
_STYLES: dict[tuple[Any, Any, Any], Style | None] = {}
_MISSING = Style()


def cell_style(colours: tuple[Any, Any, Any]) -> Style | None:
    """The style ``Text.from_ansi`` gives a cell with plotext's escape code for ``colours``."""
    style = _STYLES.get(colours, _MISSING)
    if style is _MISSING:
        fg, st, bg = colours
        probe = Text.from_ansi(plotext_ansi(fg, st, bg) + "x" + ANSI_END)
        style = Style.combine(span.style for span in probe.spans) if probe.spans else None  # type: ignore[misc]
        if len(_STYLES) < 4096:
            _STYLES[colours] = style or None
    return style or None


def matrix_strips(matrix: Any, base: Style, width: int, height: int) -> list[Strip]:
    """Plotext's matrix (``marker``/``fullground``/``style``/``background``, row 0 at the
    bottom) as at most ``height`` strips of ``width`` cells: one segment per run of cells with
    the same colours, in ``base`` + the cell's colours."""
    markers, fgs, sts, bgs = matrix.marker, matrix.fullground, matrix.style, matrix.background
    styles: dict[tuple[Any, Any, Any], Style] = {}
    strips: list[Strip] = []
    for row in range(matrix.rows - 1, max(-1, matrix.rows - 1 - height), -1):
        line = markers[row]
        colours = list(zip(fgs[row], sts[row], bgs[row], strict=True))
        count = min(len(colours), width)
        segments: list[Segment] = []
        start = 0
        while start < count:
            run = colours[start]
            end = start + 1
            while end < count and colours[end] == run:
                end += 1
            style = styles.get(run)
            if style is None:
                cell = cell_style(run)
                style = styles[run] = base + cell if cell is not None else base
            segments.append(Segment("".join(line[start:end]), style))
            start = end
        strip = Strip(segments)
        if strip.cell_length != width:  # a wide marker, or a matrix narrower than the widget
            strip = strip.crop_extend(0, width, base)
        strips.append(strip)
    return strips


class Picture(Visual):
    """Strips made on the builder thread, shown as they are (no re-rendering on the UI)."""

    def __init__(self, strips: list[Strip], width: int) -> None:
        self.strips = strips
        self.width = width

    def render_strips(
        self, width: int, height: int | None, style: VisualStyle, options: RenderOptions
    ) -> list[Strip]:
        strips = self.strips if height is None else self.strips[:height]
        if width == self.width:
            return strips
        # resized since the build: crop or pad until the new picture arrives
        return [strip.crop_extend(0, width, style.rich_style) for strip in strips]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.strips)
