"""Theme files -> Textual ``Theme`` objects, and the app's own colour variables.

Textual has no theme-file loader, so this is tvtui's (posting's pattern): TOML files from the
shipped ``themes`` folder and from ``platformdirs.user_data_dir("tvtui")/themes``. A broken
file is reported (one sentence per file, collected so the app shows ONE notification) and the
rest still load. The app variables below (``$price-up`` ...) have defaults, so Textual's own
themes colour candles and changes correctly too; each theme file may override them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
from textual.color import Color, ColorParseError
from textual.theme import Theme

#: Colours every theme gets unless it sets its own ([variables] in a theme file).
APP_VARIABLE_DEFAULTS: dict[str, str] = {
    "price-up": "#26a69a",
    "price-down": "#ef5350",
    "price-flat": "#9598a1",
    "chart-volume": "#5d6d8a",
    "chart-last": "#f0b90b",
    "study-line": "#7e57c2",
    "study-signal": "#ff9800",
    "study-level": "#787b86",
}
#: Light themes need darker up/down colours to stay readable on a white background.
LIGHT_VARIABLE_DEFAULTS: dict[str, str] = {
    "price-up": "#00796b",
    "price-down": "#c62828",
    "price-flat": "#5d606b",
    "chart-volume": "#9aa3b8",
    "chart-last": "#b26a00",
    "study-line": "#5e35b1",
    "study-signal": "#e65100",
    "study-level": "#9598a1",
}

#: ``ansi-dark`` / ``ansi-light`` use the terminal's own palette: so do the app's colours.
ANSI_VARIABLE_DEFAULTS: dict[str, str] = {
    "price-up": "ansi_green",
    "price-down": "ansi_red",
    "price-flat": "ansi_white",
    "chart-volume": "ansi_blue",
    "chart-last": "ansi_yellow",
    "study-line": "ansi_magenta",
    "study-signal": "ansi_yellow",
    "study-level": "ansi_bright_black",
}

_COLOUR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
_OTHER_FIELDS = ("name", "dark", "luminosity_spread", "text_alpha", "variables")


#: Textual's own defaults for what a theme file may leave out.
_TEXTUAL = Theme(name="defaults", primary="#000000")

_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and the problem."""


@dataclass
class ThemeLoad:
    themes: list[Theme] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def shipped_themes_dir() -> Path:
    """The package's ``themes`` folder when installed as a wheel, else the repo's ``themes/``."""
    import tvtui

    packaged = Path(tvtui.__file__).resolve().parent / "themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"


def user_themes_dir() -> Path:
    """A person's own theme files (``XDG_DATA_HOME`` moves it, which tests use)."""
    return platformdirs.user_data_path("tvtui") / "themes"


def load_theme_file(path: Path) -> Theme:
    """One TOML theme file -> ``Theme``; ``ThemeFileError`` with a readable reason otherwise."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"{path.name}: cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"{path.name}: not valid TOML ({exc})") from None
    return theme_from_mapping(data, default_name=path.stem, source=path.name)


def theme_from_mapping(data: dict[str, Any], default_name: str, source: str) -> Theme:
    unknown = sorted(set(data) - set(_COLOUR_FIELDS) - set(_OTHER_FIELDS))
    if unknown:
        raise ThemeFileError(f"{source}: unknown key {unknown[0]!r}")
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f"{source}: 'name' must be a non-empty string")
    if not _THEME_NAME.fullmatch(name.strip()):
        # a name ends up in CSS classes, the palette and notices: no markup, no controls
        raise ThemeFileError(
            f"{source}: 'name' must be letters, digits, '-', '_' or '.' (at most 64)"
        )
    if "primary" not in data:
        raise ThemeFileError(f"{source}: 'primary' colour is required")
    colours: dict[str, str] = {}
    for key in _COLOUR_FIELDS:
        if key in data:
            colours[key] = _colour(data[key], key, source)
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError(f"{source}: 'dark' must be true or false")
    variables_in = data.get("variables", {})
    if not isinstance(variables_in, dict):
        raise ThemeFileError(f"{source}: [variables] must be a table")
    variables = dict(APP_VARIABLE_DEFAULTS if dark else LIGHT_VARIABLE_DEFAULTS)
    for key, value in variables_in.items():
        variables[key] = _colour(value, f"variables.{key}", source)
    spread = _number(data, "luminosity_spread", source, _TEXTUAL.luminosity_spread)
    alpha = _number(data, "text_alpha", source, _TEXTUAL.text_alpha)
    return Theme(
        name=name.strip(),
        primary=colours["primary"],
        secondary=colours.get("secondary"),
        accent=colours.get("accent"),
        foreground=colours.get("foreground"),
        background=colours.get("background"),
        surface=colours.get("surface"),
        panel=colours.get("panel"),
        boost=colours.get("boost"),
        warning=colours.get("warning"),
        error=colours.get("error"),
        success=colours.get("success"),
        dark=dark,
        luminosity_spread=spread,
        text_alpha=alpha,
        variables=variables,
    )


def _number(data: dict[str, Any], key: str, source: str, default: float) -> float:
    if key not in data:
        return default
    value = data[key]
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ThemeFileError(f"{source}: {key!r} must be a number")
    return float(value)


def _colour(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{source}: {key!r} must be a colour string like '#26a69a'")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{source}: {key!r} = {value!r} is not a colour") from None
    return value


def load_themes(*folders: Path) -> ThemeLoad:
    """Every ``*.toml`` theme in ``folders`` (later folders win on a name clash)."""
    result = ThemeLoad()
    by_name: dict[str, Theme] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ThemeFileError as exc:
                result.errors.append(str(exc))
                continue
            by_name[theme.name] = theme
    result.themes = list(by_name.values())
    return result


def load_all_themes() -> ThemeLoad:
    """The shipped themes plus the person's own."""
    return load_themes(shipped_themes_dir(), user_themes_dir())


def _parse(variables: dict[str, str], name: str, fallback: str) -> Color:
    value = variables.get(name) or APP_VARIABLE_DEFAULTS.get(name) or fallback
    try:
        return Color.parse(value)
    except ColorParseError:
        return Color.parse(fallback)


def rgb(variables: dict[str, str], name: str, fallback: str = "#888888") -> tuple[int, int, int]:
    """A theme variable as an ``(r, g, b)`` tuple."""
    return _parse(variables, name, fallback).rgb


def plot_colour(
    variables: dict[str, str], name: str, fallback: str = "#888888"
) -> tuple[int, int, int] | int:
    """A theme variable as plotext takes it: the terminal's palette index for ansi colours
    (so ``ansi-dark`` / ``ansi-light`` follow the terminal), else ``(r, g, b)``."""
    colour = _parse(variables, name, fallback)
    return colour.ansi if colour.ansi is not None and colour.ansi >= 0 else colour.rgb


def rich_colour(variables: dict[str, str], name: str, fallback: str = "") -> str:
    """A theme variable as a Rich style colour (Textual's ``ansi_green`` is not one)."""
    value = variables.get(name) or APP_VARIABLE_DEFAULTS.get(name) or fallback
    if not value:
        return ""
    try:
        colour = Color.parse(value)
    except ColorParseError:
        return fallback
    if colour.ansi is not None and colour.ansi >= 0:
        return f"color({colour.ansi})"
    return colour.hex6


def screenshot_folder() -> Path:
    """Where the palette's Screenshot goes: the downloads folder Textual would use."""
    return platformdirs.user_downloads_path()
