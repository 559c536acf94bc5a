"""A finished plot picture: strips made on the plot builder thread, shown as they are.

Why a Visual of ready strips: Textual would otherwise turn a rich ``Text`` of hundreds of
spans into strips on the UI thread at every paint (13-15 ms a plot, measured: the UI's
longest frames under load); these strips are made off the UI thread by
:mod:`tvtui.ui.chart`, so a new picture costs the UI thread nothing.
"""

from __future__ import annotations

from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, Visual


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
