"""Start-up checks of the person's own files: theme files and the config's ``[keymap]``.

Both are read once, when the app starts; each problem becomes one plain-text notice (shown
once the screen is up), never an error that stops the app: a broken theme file is skipped and
the rest load, an unknown theme falls back to :data:`FALLBACK_THEME`, an unknown binding id in
``[keymap]`` is ignored and the others apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import App

from tvtui.ui.themes import load_all_themes

FALLBACK_THEME = "tvtui-dark"


@dataclass(frozen=True)
class Notice:
    """One notification, as ``App.notify`` takes it."""

    message: str
    title: str = ""
    timeout: float = 12  # each is a warning


def setup_themes(app: App[Any], wanted: str) -> tuple[list[str], list[Notice]]:
    """Register every theme file (shipped and the person's) and switch to ``wanted`` (or the
    fallback); returns the names of the themes registered and what to tell the person."""
    loaded = load_all_themes()
    for theme in loaded.themes:
        app.register_theme(theme)
    notices: list[Notice] = []
    if loaded.errors:
        title = f"{len(loaded.errors)} theme file(s) skipped"
        notices.append(Notice("\n".join(loaded.errors), title))
    name = wanted
    if name not in app.available_themes:
        notices.append(
            Notice(
                f"Theme {name!r} is unknown; using {FALLBACK_THEME}. "
                f"Known: {', '.join(sorted(app.available_themes))}"
            )
        )
        name = FALLBACK_THEME
    app.theme = name
    return [theme.name for theme in loaded.themes], notices


def check_keymap(keymap: dict[str, str], known: set[str]) -> tuple[dict[str, str], list[Notice]]:
    """The part of ``keymap`` that names known binding ids, and a notice about the rest."""
    unknown = sorted(set(keymap) - known)
    notices = []
    if unknown:
        notices.append(
            Notice(
                f"Unknown binding id(s) in [keymap], ignored: {', '.join(unknown)} "
                "(the help screen, ?, lists every id)",
                title="Settings",
                timeout=20,
            )
        )
    return {k: v for k, v in keymap.items() if k in known}, notices
