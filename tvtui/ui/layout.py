"""Fitting the panes to the terminal: short screens, collapsed panes, too small to use.

Why here and not only in CSS: what fits depends on the terminal's size, which changes at
run time, and on what the person chose (a pane collapsed, the chart maximised). The app
calls :func:`apply_layout` on start, on every resize and on every toggle; it sets classes
the stylesheet reads (``-short``, ``-collapsed``) and says so plainly when nothing fits.

- ``-short`` (fewer than :data:`SHORT_BELOW` rows): the watchlist keeps a few rows (it
  scrolls), the volume strip gives its rows to the candles (the volume stays in the chart's
  subtitle) and each study keeps a legend and a small plot (the pane scrolls).
- collapsed panes are one line (their title, with the key that brings them back), so the
  others grow; ``z`` collapses both to give the chart the screen.
- below :data:`MIN_WIDTH` x :data:`MIN_HEIGHT` the panes are hidden and one message says
  how big the terminal must be: a scrolling half-screen helps nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

#: Smallest terminal the panes are usable in (columns, rows).
MIN_WIDTH = 64
MIN_HEIGHT = 22
#: Fewer rows than this: the compact layout (widgets/indicators.py's SHORT_ROWS too).
SHORT_BELOW = 34

#: What the main screen shows when it fits (hidden, with a message, when it does not).
MAIN_PANES = ("#watchlist", "#chart", "#indicators", "#status", "Footer")
#: pane id -> (title, key that toggles it)
PANE_TITLES = {"watchlist": ("Watchlist", "W"), "indicators": ("Indicators", "I")}


@dataclass
class LayoutState:
    """What the person chose: panes collapsed (by id)."""

    collapsed: set[str] = field(default_factory=set)

    def toggle(self, pane_id: str) -> bool:
        """Collapse or expand ``pane_id``; True when it is now collapsed."""
        if pane_id in self.collapsed:
            self.collapsed.discard(pane_id)
            return False
        self.collapsed.add(pane_id)
        return True

    @property
    def chart_maximised(self) -> bool:
        return set(PANE_TITLES) <= self.collapsed


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


def too_small_text(width: int, height: int) -> str:
    return (
        f"tvtui needs a terminal of at least {MIN_WIDTH}x{MIN_HEIGHT}; "
        f"this one is {width}x{height}.\n\nMake the window larger (or the font smaller). "
        "q quits."
    )


def apply_layout(screen: Screen[Any], state: LayoutState, width: int, height: int) -> None:
    """Set the classes and visibility of the main screen's panes for a terminal of
    ``width`` x ``height``."""
    small = too_small(width, height)
    notice = screen.query_one("#too-small", Static)
    notice.display = small
    if small:
        notice.update(too_small_text(width, height))
    screen.set_class(height < SHORT_BELOW, "-short")
    for pane_id in MAIN_PANES:  # only ours: the screen also holds Textual's hidden tooltip
        for widget in screen.query(pane_id):
            widget.display = not small
    for pane_id, (title, key) in PANE_TITLES.items():
        pane = screen.query_one(f"#{pane_id}", Widget)
        collapsed = pane_id in state.collapsed
        pane.set_class(collapsed, "-collapsed")
        # the subtitle: a pane two rows high shows its bottom border's label, not the top's
        pane.border_subtitle = f"{title} · {key} shows it" if collapsed else ""
    chart = screen.query_one("#chart", Widget)
    compact = getattr(chart, "set_compact", None)
    if compact is not None:
        compact(height < SHORT_BELOW and not state.chart_maximised)
