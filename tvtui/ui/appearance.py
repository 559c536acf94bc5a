"""How the app looks at run time: the ``t`` / ``T`` theme cycle, theme variables, screenshots.

A mixin of :class:`tvtui.ui.app.TvtuiApp`. The cycle holds tvtui's own themes (every one
knows the up/down colours) and Textual's plain light/dark pair, not every theme Textual ships.
Themes a person's file defines without the app's variables get the defaults for their kind
(dark, light, ANSI), so every theme has ``$price-up`` and friends.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import App

from tvtui.ui.themes import (
    ANSI_VARIABLE_DEFAULTS,
    APP_VARIABLE_DEFAULTS,
    LIGHT_VARIABLE_DEFAULTS,
    screenshot_folder,
)

#: Textual's own themes in the T cycle: its plain light/dark pair.
TEXTUAL_PAIR = ("textual-dark", "textual-light")


class Appearance(App[int]):
    """Theme cycling and variable defaults, and a screenshot that says where it failed."""

    #: tvtui's themes registered at start (``startup.setup_themes``)
    own_themes: list[str] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        try:
            theme = self.current_theme
        except Exception:
            return dict(APP_VARIABLE_DEFAULTS)
        if theme.ansi:
            return dict(ANSI_VARIABLE_DEFAULTS)
        return dict(APP_VARIABLE_DEFAULTS if theme.dark else LIGHT_VARIABLE_DEFAULTS)

    @property
    def theme_cycle(self) -> list[str]:
        names = [n for n in self.own_themes if n in self.available_themes]
        return names + [n for n in TEXTUAL_PAIR if n in self.available_themes]

    def action_cycle_theme(self, step: int = 1) -> None:
        """``t`` / ``T``: the next / previous theme of :attr:`theme_cycle`."""
        names = self.theme_cycle
        index = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(index + step) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """The palette's Screenshot: the folder is created if missing, and when it cannot be
        written the notice says which folder it tried (Textual's says only 'failed')."""
        folder = Path(path) if path else screenshot_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not os.access(folder, os.W_OK):
                raise PermissionError("not writable")
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.notify(
                f"Cannot save the screenshot in {folder}: {reason}",
                title="Screenshot",
                severity="error",
            )
            return None
        return super().deliver_screenshot(filename, str(folder), time_format)
