"""Which bars the chart shows, and the cursor: a pure model, anchored to bar *times*.

Why times and not indices: bars arrive at the right (live) and, on demand, older ones are
added at the left; an index would then point at another bar, so the view would drift under
the cursor. The model keeps the time of the bar at the right edge (``None``: follow the live
bar), the cursor bar's time, and the bars per screen (``None``: the default zoom for the
width). :meth:`Viewport.window` turns that, for a list of bar times, into the indices to draw.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from tvtui.ui.chart.scale import Columns, default_slots, plot_columns

#: Fewest bars per screen (``+`` stops there).
MIN_SLOTS = 20
#: How much one ``+`` / ``-`` (or a wheel step) zooms.
ZOOM_STEP = 1.5


@dataclass(frozen=True, eq=False)
class Window:
    """The bars to draw: ``times[start:end]`` in slots ``0 .. end - start - 1`` of
    ``columns`` (shared by the chart and the indicator pane); ``cursor`` is an index into
    ``times`` or None."""

    times: list[float]
    start: int
    end: int
    columns: Columns
    cursor: int | None = None

    def same_as(self, other: Window) -> bool:
        """The same bars in the same columns with the same cursor (the times by identity:
        the pane's lists are replaced, never mutated)."""
        return self.times is other.times and (self.start, self.end, self.columns, self.cursor) == (
            other.start,
            other.end,
            other.columns,
            other.cursor,
        )

    @property
    def count(self) -> int:
        return self.end - self.start

    @property
    def cursor_slot(self) -> int | None:
        if self.cursor is None or not self.start <= self.cursor < self.end:
            return None
        return self.cursor - self.start

    def slot_of_time(self, time: float) -> int | None:
        """The slot of the bar that opened at ``time`` (None: not on screen)."""
        i = bisect_left(self.times, time, self.start, self.end)
        if i < self.end and self.times[i] == time:
            return i - self.start
        return None


@dataclass
class Viewport:
    """The person's view of the chart (see the module docstring)."""

    right_time: float | None = None
    slots: int | None = None
    cursor_time: float | None = None
    #: set when a move went past the oldest bar held: the screen asks for older bars
    wants_older: bool = field(default=False, compare=False)

    # --- reading ------------------------------------------------------------------------------

    def bars_per_screen(self, width: int, held: int) -> int:
        slots = self.slots or default_slots(width)
        return max(1, min(slots, max(held, MIN_SLOTS)))

    def window(self, times: list[float], width: int) -> Window:
        """The visible bars of ``times`` (oldest first) in a plot ``width`` columns wide."""
        held = len(times)
        slots = self.bars_per_screen(width, held)
        columns = Columns(slots, plot_columns(width))
        if not held:
            return Window(times, 0, 0, columns)
        end = held if self.right_time is None else bisect_right(times, self.right_time)
        end = max(end, min(slots, held))  # never fewer bars than fit, when they are held
        start = max(0, end - slots)
        return Window(times, start, end, columns, self.cursor_index(times))

    def cursor_index(self, times: list[float]) -> int | None:
        if self.cursor_time is None or not times:
            return None
        i = bisect_right(times, self.cursor_time) - 1  # its bar, or the one before a gap
        return max(0, i)

    @property
    def following(self) -> bool:
        """True when the newest bar is kept at the right edge."""
        return self.right_time is None

    # --- the person's moves ---------------------------------------------------------------------

    def move_cursor(self, times: list[float], width: int, step: int) -> None:
        """``step`` bars right (negative: left); the first move puts the cursor on the
        newest visible bar. Past an edge the view pans; past the oldest bar held it sets
        :attr:`wants_older`."""
        if not times:
            return
        window = self.window(times, width)
        if self.cursor_time is None:
            self.put_cursor(times, width, max(0, window.end - 1))
            return
        current = window.cursor if window.cursor is not None else window.end - 1
        target = current + step
        if target < 0:
            self.wants_older = True
        self.put_cursor(times, width, max(0, min(len(times) - 1, target)))

    def put_cursor(self, times: list[float], width: int, index: int) -> None:
        """The cursor on bar ``index``, panning just enough to show it."""
        if not times:
            return
        index = max(0, min(len(times) - 1, index))
        window = self.window(times, width)
        slots = self.bars_per_screen(width, len(times))
        self.cursor_time = times[index]
        if index >= window.end:
            self.right_time = times[index]
        elif index < window.start:
            self.right_time = times[min(len(times) - 1, index + slots - 1)]
        elif self.right_time is None:
            self.right_time = times[window.end - 1]  # the view holds still from now on

    def home(self, times: list[float], width: int) -> bool:
        """``Home``: the cursor to the oldest bar held; True when it was there already
        (then the screen asks the server for older bars)."""
        if not times:
            return False
        already = self.cursor_time is not None and self.cursor_index(times) == 0
        self.put_cursor(times, width, 0)
        return already

    def hide_cursor(self) -> None:
        """``Escape`` / ``End``: no cursor, and the newest bar at the right edge again."""
        self.cursor_time = None
        self.right_time = None
        self.wants_older = False

    def zoom(self, times: list[float], width: int, factor: float) -> None:
        """``factor`` < 1: fewer bars per screen (``+``); > 1: more (``-``). Between
        :data:`MIN_SLOTS` and every bar held; the cursor bar stays on screen."""
        held = len(times)
        current = self.bars_per_screen(width, held)
        wanted = round(current * factor)
        if wanted == current:
            wanted += 1 if factor > 1 else -1
        self.slots = max(MIN_SLOTS, min(max(held, MIN_SLOTS), wanted))
        index = self.cursor_index(times)
        if index is not None:
            window = self.window(times, width)
            if not window.start <= index < window.end:
                self.right_time = times[min(held - 1, index + self.slots // 2)]

    def click(self, times: list[float], width: int, column: int) -> bool:
        """A click at plot column ``column``: the cursor on the bar drawn there."""
        window = self.window(times, width)
        place = window.columns.slot_at(column)
        if place is None or place.lo >= window.count:
            return False
        self.put_cursor(times, width, window.start + min(place.hi, window.count) - 1)
        return True
