"""A grid of cells (a character and a style key each) and the strips it becomes.

Why style *keys* (theme variable names such as ``price-up``) rather than styles: drawing code
stays free of colours, and :class:`Palette` turns each key into a Rich style once per build,
on top of the widget's own style (its background), so ansi themes keep the terminal's colours.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.color import Color, ColorParseError
from textual.strip import Strip

from tvtui.ui.themes import rich_colour

#: Keys with a meaning of their own; every other key is a theme variable used as the colour.
AXIS = "axis"
LAST_MARKER = "last-marker"
CURSOR = "cursor"
CURSOR_LABEL = "cursor-label"
DATE_LABEL = "date-label"
#: A braille cell with no dots, and the first one: dots are bits on top of it.
BRAILLE = 0x2800
#: (dot column, dot row) -> the bit of that dot in a braille character.
DOT_BITS = {
    (0, 0): 0x01,
    (0, 1): 0x02,
    (0, 2): 0x04,
    (0, 3): 0x40,
    (1, 0): 0x08,
    (1, 1): 0x10,
    (1, 2): 0x20,
    (1, 3): 0x80,
}
#: Characters that are a candle's body: lines drawn over the candles leave them alone.
BODY = frozenset("█▀▄")


class Grid:
    """``height`` rows of ``width`` cells, blank to start with."""

    def __init__(self, width: int, height: int) -> None:
        self.width = max(0, width)
        self.height = max(0, height)
        self.chars = [[" "] * self.width for _ in range(self.height)]
        self.keys: list[list[str | None]] = [[None] * self.width for _ in range(self.height)]

    def put(self, x: int, y: int, char: str, key: str | None) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            self.chars[y][x] = char
            self.keys[y][x] = key

    def text(self, x: int, y: int, text: str, key: str | None) -> None:
        """``text`` from column ``x`` on (cut at the edges)."""
        for offset, char in enumerate(text):
            self.put(x + offset, y, char, key)

    def is_blank(self, x: int, y: int) -> bool:
        return 0 <= x < self.width and 0 <= y < self.height and self.chars[y][x] == " "

    def strips(self, palette: Palette) -> list[Strip]:
        """One strip per row: runs of cells of one key become one segment."""
        out: list[Strip] = []
        style_of = palette.style
        for chars, keys in zip(self.chars, self.keys, strict=True):
            segments: list[Segment] = []
            start = 0
            width = len(chars)
            while start < width:
                key = keys[start]
                end = start + 1
                while end < width and keys[end] == key:
                    end += 1
                segments.append(Segment("".join(chars[start:end]), style_of(key)))
                start = end
            out.append(Strip(segments, width))
        return out


class Dots:
    """Braille dots over a grid region: two across and four down per cell.

    Why braille for lines: four dots a row give a line four times the vertical resolution of
    box-drawing characters (an RSI moving by a fraction of a row still moves), and a line
    crossing a cell diagonally stays thin. A cell shows one colour: the last line drawn there.
    """

    def __init__(self, width: int, height: int) -> None:
        self.width = width  # in cells
        self.height = height
        self.bits: dict[tuple[int, int], int] = {}
        self.keys: dict[tuple[int, int], str] = {}

    def dot(self, x: int, y: int, key: str) -> None:
        """Dot column ``x`` (0 .. 2*width-1), dot row ``y`` (0 .. 4*height-1, top first)."""
        if 0 <= x < 2 * self.width and 0 <= y < 4 * self.height:
            cell = (x >> 1, y >> 2)
            self.bits[cell] = self.bits.get(cell, 0) | DOT_BITS[(x & 1, y & 3)]
            self.keys[cell] = key

    def line(self, x0: int, y0: int, x1: int, y1: int, key: str) -> None:
        """Every dot from (x0, y0) to (x1, y1) (Bresenham's steps)."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x1 > x0 else -1), (1 if y1 > y0 else -1)
        error = dx + dy
        for _ in range(dx - dy + 1):
            self.dot(x0, y0, key)
            if x0 == x1 and y0 == y1:
                break
            double = 2 * error
            if double >= dy:
                error += dy
                x0 += sx
            if double <= dx:
                error += dx
                y0 += sy

    def column(self, x: int, y0: int, y1: int, key: str) -> None:
        """A vertical run of dots in dot column ``x`` from row ``y0`` to ``y1`` (inclusive)."""
        for y in range(min(y0, y1), max(y0, y1) + 1):
            self.dot(x, y, key)

    def paint(self, grid: Grid, left: int, top: int = 0) -> None:
        """Onto ``grid`` with this region's cell (0, 0) at (left, top); candle bodies stay."""
        for (cx, cy), bits in self.bits.items():
            x, y = left + cx, top + cy
            if 0 <= y < grid.height and 0 <= x < grid.width and grid.chars[y][x] not in BODY:
                grid.put(x, y, chr(BRAILLE + bits), self.keys[(cx, cy)])


class Palette:
    """Style keys -> Rich styles on top of the widget's ``base`` style (made once each)."""

    def __init__(self, variables: dict[str, str], base: Style) -> None:
        self.variables = variables
        self.base = base
        self._styles: dict[str | None, Style] = {None: base}

    def colour(self, name: str) -> str | None:
        return rich_colour(self.variables, name) or None

    def style(self, key: str | None) -> Style:
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self.base + self._make(key)
        return style

    def _make(self, key: str | None) -> Style:
        if key == AXIS:
            return Style(color=self._muted())
        if key == CURSOR:
            return Style(color=self._muted())
        if key == CURSOR_LABEL:
            return Style(color=self._muted(), reverse=True, bold=True)
        if key == DATE_LABEL:
            return Style(color=self.colour("foreground"), bold=True)
        if key == LAST_MARKER:
            # reversed: the text takes the pane's own background (ansi themes too)
            return Style(color=self.colour("chart-last"), reverse=True, bold=True)
        return Style(color=self.colour(key or "foreground"))

    def _muted(self) -> str | None:
        """Axis text: the foreground 35% of the way to the background (as before)."""
        try:
            background = Color.parse(self.variables.get("surface", "#000000"))
            foreground = Color.parse(self.variables.get("foreground", "#ffffff"))
        except ColorParseError:
            return None
        if foreground.ansi is not None and foreground.ansi >= 0:
            return self.colour("foreground")
        return foreground.blend(background, 0.35).hex6
