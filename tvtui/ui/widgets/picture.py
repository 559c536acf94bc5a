"""A plotext figure as ready-made Textual strips, built on the plot builder thread.

The figure comes out of plotext's public ``build()`` as an ANSI string, as textual-plotext
does it (plotext's character and colour matrices are not public API; writing them out as
that string is a quarter to a third of a build, the price of relying on public names only:
``benchmarks/bench_chart.py``). Why not then ``Text.from_ansi`` (what textual-plotext does):
Rich's general parser costs about as much as the ANSI string itself, and on the UI thread
Textual turns that ``Text`` of ~500 spans into strips (13-15 ms a plot, measured: the UI's
longest frames under load). plotext writes one fixed shape, so here a regular expression
splits it into runs (each: its escape codes, its characters, a reset), each becomes a
segment, on the builder thread, and the widget hands the strips over as they are
(:class:`Picture`), so a new picture costs the UI thread nothing.

The colours stay plotext's: each distinct escape sequence is turned into a Rich style once,
by ``Text.from_ansi`` of that sequence, on top of the widget's own style, exactly as Textual
would have drawn the ANSI picture (``tests/ui/test_plot_picture.py`` compares them cell for
cell). A line not of plotext's shape is parsed by ``Text.from_ansi`` as a whole, so the
picture is right even if plotext's writer changes.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, Visual

#: plotext's reset, written after every run of same-coloured cells.
ANSI_RESET = "\x1b[0m"
#: One run: its escape codes (none for default colours), its characters, the reset.
RUN = re.compile(r"((?:\x1b\[[0-9;]*m)*)([^\x1b]*)\x1b\[0m")
#: A whole line of plotext's shape: nothing but runs.
LINE = re.compile(r"(?:(?:\x1b\[[0-9;]*m)*[^\x1b]*\x1b\[0m)*")
#: Only characters one cell wide (ASCII, Latin, box drawing, blocks, shapes, braille: what
#: plotext draws and our labels use) and escape codes: then a line's cells are its characters.
NARROW = re.compile(r"[\x1b\x20-\x7e\xa0-\u02ff\u2500-\u25ff\u2800-\u28ff]*")

#: escape codes of a run -> its Rich style (few distinct ones: the theme's colours).
_STYLES: dict[str, Style | None] = {}
_MISSING = Style()
#: renders a line of unexpected shape (only then); wide enough for any plot
_CONSOLE = Console(width=10_000, color_system="truecolor", force_terminal=True)


def code_style(codes: str) -> Style | None:
    """The style ``Text.from_ansi`` gives a cell written after ``codes``."""
    style = _STYLES.get(codes, _MISSING)
    if style is _MISSING:
        probe = Text.from_ansi(codes + "x" + ANSI_RESET)
        parts = [span.style for span in probe.spans if isinstance(span.style, Style)]
        style = (Style.combine(parts) or None) if parts else None
        if len(_STYLES) < 4096:
            _STYLES[codes] = style
    return style


def line_strip(line: str, base: Style, styles: dict[str, Style]) -> Strip:
    """One line of plotext's canvas as a strip in ``base`` + each run's colours."""
    if LINE.fullmatch(line) is None:
        return Strip(_any_line(line, base))
    segments: list[Segment] = []
    append = segments.append
    chars = 0
    for codes, text in RUN.findall(line):
        style = styles.get(codes)
        if style is None:
            cell = code_style(codes)
            style = styles[codes] = base + cell if cell is not None else base
        if text:
            append(Segment(text, style))
            chars += len(text)
    # narrow characters only: the cells are the characters (saves measuring each segment)
    return Strip(segments, chars if NARROW.fullmatch(line) else None)


def _any_line(line: str, base: Style) -> list[Segment]:
    """A line of unexpected shape, through Rich's general ANSI parser."""
    text = Text.from_ansi(line)
    text.stylize_before(base)
    return list(text.render(_CONSOLE, end=""))


def canvas_strips(canvas: str, base: Style, width: int, height: int) -> list[Strip]:
    """plotext's ANSI canvas (``build()``) as at most ``height`` strips of ``width`` cells."""
    styles: dict[str, Style] = {}
    strips: list[Strip] = []
    lines = canvas.split("\n")
    if lines[-1] == "":  # every row ends with a newline
        lines.pop()
    for line in lines[:height]:
        strip = line_strip(line, base, styles)
        if strip.cell_length != width:  # a wide marker, or a canvas narrower than the widget
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
