"""The watchlist's colours from the theme: a variable's Rich colour, and the faint background
of a tick's flash, each looked up once per theme (the cache is dropped when the theme changes).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.color import Color, ColorParseError

from tvtui.ui.themes import rich_colour

#: How much of the tick's colour the flash background takes (the rest is the pane's).
FLASH_STRENGTH = 0.45


class ThemeColours:
    """``variables()`` gives the app's current theme variables."""

    def __init__(self, variables: Callable[[], dict[str, str]]) -> None:
        self.variables = variables
        self._colours: dict[str, str] = {}  # theme variable -> Rich colour (per theme)

    def clear(self) -> None:
        self._colours.clear()

    def colour(self, name: str) -> str:
        colour = self._colours.get(name)
        if colour is None:
            colour = self._colours[name] = rich_colour(self.variables(), name)
        return colour

    def flash(self, direction: int) -> str:
        """A faint background in the tick's direction (the text keeps the day's colour)."""
        name = f"flash-{'up' if direction > 0 else 'down'}"
        colour = self._colours.get(name)
        if colour is None:
            variables = self.variables()
            tick = rich_colour(variables, "price-up" if direction > 0 else "price-down")
            base = rich_colour(variables, "surface") or "#000000"
            try:
                colour = Color.parse(base).blend(Color.parse(tick), FLASH_STRENGTH).hex6
            except ColorParseError:  # an ansi theme: the terminal's own colour
                colour = tick
            self._colours[name] = colour
        return colour
