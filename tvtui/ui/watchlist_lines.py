"""The watchlist's lines as Strips, and the cache that keeps them until something changes.

Why its own cache: under a quote flood a row is redrawn only when one of its cells, the
cursor or the hover on it changed, and a cell only when its value did; everything else comes
from here. The whole cache is dropped when the :class:`Look` changes (focus, theme, width,
columns, horizontal scroll), so nothing stale can outlive a style.

The lines are built exactly as the table the watchlist replaced built them (each cell padded
by one space and rendered by Rich between the row's style and the cursor's, with the row and
column in the style's meta for the mouse; the rest of the line in the row's style), so the
screen did not change by a cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tvtui.feed.untrusted import plain
from tvtui.ui.watchlist_cells import PADDING

#: A visible column: (key, label, width without padding, right-aligned)
Column = tuple[str, str, int, bool]
#: How a row is drawn: (row index, under the cursor, under the mouse)
How = tuple[int, bool, bool]


@dataclass(frozen=True)
class Look:
    """Everything a line's look depends on besides its cells: a change redraws all."""

    base: Style  # the widget's own style (background, text colour)
    header: Style
    cursor: Style
    hover: Style
    header_hover: Style
    columns: tuple[Column, ...]
    width: int  # of the widget's content
    scroll_x: int

    @property
    def table_width(self) -> int:
        return sum(width + 2 * PADDING for _key, _label, width, _right in self.columns)


class LinePainter:
    """Builds and keeps the header's and each row's Strip for one :class:`Look`."""

    def __init__(self) -> None:
        self.look: Look | None = None
        self._lines: dict[str, tuple[How, Strip]] = {}  # symbol -> how it was drawn, strip
        self._cells: dict[tuple[str, str], tuple[Any, How, list[Segment]]] = {}
        self._header: tuple[bool, Strip] | None = None
        self._metas: dict[tuple[int, int], Style] = {}

    def use(self, look: Look) -> None:
        """Draw with ``look`` from now on (a different one drops every kept line)."""
        if look != self.look:
            self.look = look
            self.clear()

    def clear(self) -> None:
        self._lines.clear()
        self._cells.clear()
        self._header = None

    def forget(self, symbol: str) -> None:
        """``symbol``'s cells changed: its line is built again when next drawn."""
        self._lines.pop(symbol, None)

    def header(self, hover: bool, console: Console, options: ConsoleOptions) -> Strip:
        if self._header is not None and self._header[0] == hover:
            return self._header[1]
        look = self._look()
        component = self._component(look, True, False, hover)
        segments: list[Segment] = []
        for column, (_key, label, width, right) in enumerate(look.columns):
            text = Text(label, justify="right" if right else "left")
            segments += self._cell(
                text, -1, column, width, look.header, component, console, options
            )
        segments.append(self._extend(look, -1, look.header, component))
        strip = self._finish(look, segments)
        self._header = (hover, strip)
        return strip

    def row(
        self,
        symbol: str,
        cells: dict[str, Any],
        how: How,
        console: Console,
        options: ConsoleOptions,
    ) -> Strip:
        """``symbol``'s line from its cells (by column key), kept until they change."""
        cached = self._lines.get(symbol)
        if cached is not None and cached[0] == how:
            return cached[1]
        look = self._look()
        row, cursor, hover = how
        component = self._component(look, False, cursor, hover)
        segments: list[Segment] = []
        for column, (key, _label, width, _right) in enumerate(look.columns):
            value = cells.get(key, ("", "", None))
            kept = self._cells.get((symbol, key))
            if kept is not None and kept[1] == how and (kept[0] is value or kept[0] == value):
                segments += kept[2]
                continue
            drawn = self._cell(value, row, column, width, look.base, component, console, options)
            self._cells[(symbol, key)] = (value, how, drawn)
            segments += drawn
        segments.append(self._extend(look, row, look.base, component))
        strip = self._finish(look, segments)
        self._lines[symbol] = (how, strip)
        return strip

    # --- the parts of a line -----------------------------------------------------------------

    def _look(self) -> Look:
        if self.look is None:
            raise RuntimeError("LinePainter.use(look) first")
        return self.look

    @staticmethod
    def _component(look: Look, header: bool, cursor: bool, hover: bool) -> Style:
        """The hover's and the cursor's styles over a cell (the table's order)."""
        style = Style()
        if hover:
            style += look.hover
            if header:
                style += look.header_hover
        if cursor:
            style += look.cursor
        return style

    def _meta(self, row: int, column: int) -> Style:
        style = self._metas.get((row, column))
        if style is None:
            style = self._metas[(row, column)] = Style.from_meta({"row": row, "column": column})
        return style

    def _cell(
        self,
        value: Any,
        row: int,
        column: int,
        width: int,
        base: Style,
        component: Style,
        console: Console,
        options: ConsoleOptions,
    ) -> list[Segment]:
        pre_style = base + self._meta(row, column) + component
        post_style = Style.from_color(color=component.color)  # the cursor's text colour wins
        quick = plain_cell(value, width, pre_style, post_style, console, options)
        if quick is not None:
            return quick
        fitted = options.update_dimensions(width + 2 * PADDING, 1).update(no_wrap=True)
        layered = _Layered(
            Padding(as_renderable(value), (0, PADDING)), pre_style=pre_style, post_style=post_style
        )
        return console.render_lines(layered, fitted)[0]

    @staticmethod
    def _extend(look: Look, row: int, row_style: Style, component: Style) -> Segment:
        """The rest of the line after the last column, in the row's style."""
        meta = Style.from_meta({"row": row, "column": 0, "out_of_bounds": True})
        space = max(0, look.width - look.table_width)
        return Segment(" " * space, row_style + component + meta)

    @staticmethod
    def _finish(look: Look, segments: list[Segment]) -> Strip:
        x, width = look.scroll_x, look.width
        return Strip(segments).crop(x, x + width).adjust_cell_length(width, look.base).simplify()


def plain_cell(
    value: Any,
    width: int,
    pre_style: Style,
    post_style: Style,
    console: Console,
    options: ConsoleOptions,
) -> list[Segment] | None:
    """A (text, style, justify) cell of printable text, drawn directly: the very segments
    Rich's ``Padding(Text(...))`` between ``pre_style`` and ``post_style`` gives (a property
    test holds them equal), at a tenth of the cost. With 500 symbols a flush redraws hundreds
    of cells, and Rich's general layout (wrapping, lines, padding renderables) was most of the
    UI thread's time under a flood. Anything else (markup-free ``Text`` objects, tabs, other
    justifications, console-wide justify or overflow) returns None: Rich draws it."""
    if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str)):
        return None
    text, style, justify = value
    if options.justify is not None or options.overflow is not None:
        return None
    if justify not in (None, "left", "right") or not text.isprintable():
        return None
    if justify == "right":
        text = text.rstrip()
    if cell_len(text) > width:
        text = set_cell_size(text, width)
    room = width - cell_len(text)
    if justify == "left":
        text, room = text + " " * room, 0
    elif justify == "right":
        text, room = " " * room + text, 0
    outer = pre_style + post_style  # Padding's own spaces: no text style
    inner = pre_style + console.get_style(style, default=Style.null()) + post_style
    return [
        Segment(" " * PADDING, outer),
        Segment(text, inner),
        Segment(" " * (room + PADDING), outer),
    ]


def as_renderable(value: Any) -> RenderableType:
    """A cell as Rich draws it: a (text, style, justify) spec is a ``Text``; a string is plain
    text, never markup."""
    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str):
        text, style, justify = value
        return Text(text, style=style, justify=justify)
    if isinstance(value, str):
        return Text(plain(value), end="")
    if isinstance(value, Text) or hasattr(value, "__rich__") or hasattr(value, "__rich_console__"):
        return value  # type: ignore[no-any-return]
    return Text(plain(str(value)), end="")


class _Layered:
    """A renderable between two styles: ``pre`` under its own styles, ``post`` over them."""

    def __init__(self, renderable: RenderableType, pre_style: Style, post_style: Style) -> None:
        self.renderable = renderable
        self.pre_style = pre_style
        self.post_style = post_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        segments = console.render(self.renderable, options)
        return Segment.apply_style(segments, style=self.pre_style, post_style=self.post_style)
