"""The app's settings: what the TOML file may hold, and reading it strictly.

Where: ``platformdirs.user_config_path("tvtui")/config.toml``, or the file named by
``TVTUI_CONFIG`` (tests point it at a temporary file). What: the watchlist, the timeframe, the
indicators, the theme, the chart type, the export format and folder, and a keymap (binding
id -> keys).

Why strict: a typo (``timeframe = "5 min"``, ``thme = ...``) that silently falls back to a
default is the kind of bug a person never finds. A file with mistakes therefore yields every
valid setting plus ONE message listing every problem (four typos: one start, not four), and
the file is never overwritten (the person's edits survive; :mod:`tvtui.config.saving` only
saves back to a file that was read cleanly).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from tvtui.config.lists import ListSpec, Positions, read_lists, read_positions, single_list
from tvtui.config.studies import KNOWN_INDICATORS as KNOWN_INDICATORS  # re-exported
from tvtui.config.studies import normalise
from tvtui.config.studies import pine_id as pine_id  # re-exported
from tvtui.feed.timeframes import parse_timeframe
from tvtui.feed.untrusted import is_plain

ENV_CONFIG = "TVTUI_CONFIG"

DEFAULT_WATCHLIST: tuple[str, ...] = (
    "BINANCE:BTCUSDT",
    "BINANCE:ETHUSDT",
    "NASDAQ:AAPL",
    "NASDAQ:MSFT",
    "FX:EURUSD",
    "SP:SPX",
    "KRX:005930",
)

DEFAULT_INDICATORS: tuple[str, ...] = ("STD;RSI", "STD;MACD")
EXPORT_FORMATS: tuple[str, ...] = ("json", "csv")
DEFAULT_THEME = "tvtui-dark"
DEFAULT_TIMEFRAME = "5m"
#: How the chart draws its bars (``c`` cycles them in this order).
CHART_TYPES: tuple[str, ...] = ("candles", "heikin-ashi", "ohlc", "line")

_TOP_KEYS = {
    "watchlist",
    "watchlists",
    "shown_watchlist",
    "positions",
    "timeframe",
    "indicators",
    "theme",
    "export",
    "keymap",
    "chart_type",
    # read by tvtui.config.alerts (each entry validated there, one message per broken one)
    "alerts",
    "desktop_notifications",
}
_EXPORT_KEYS = {"format", "folder"}


class ConfigError(ValueError):
    """The config file cannot be used; the message says where and why, for a person."""


def config_path() -> Path:
    """The settings file: ``$TVTUI_CONFIG`` if set, else the platform's config folder."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path("tvtui") / "config.toml"


def default_export_dir() -> Path:
    """Where exports go unless told otherwise: ``./export``, as the headless library does."""
    return Path.cwd() / "export"


@dataclass
class Settings:
    """Everything the app reads from the config file, already validated."""

    watchlist: list[str] = field(default_factory=lambda: list(DEFAULT_WATCHLIST))
    timeframe: str = DEFAULT_TIMEFRAME
    indicators: list[str] = field(default_factory=lambda: list(DEFAULT_INDICATORS))
    theme: str = DEFAULT_THEME
    export_format: str = "json"
    export_dir: Path = field(default_factory=default_export_dir)
    keymap: dict[str, str] = field(default_factory=dict)
    chart_type: str = CHART_TYPES[0]
    #: named lists with sections (the old ``watchlist`` is one list); ``watchlist`` above is
    #: the symbols of the one shown at start (``shown_watchlist``, else the first)
    watchlists: list[ListSpec] = field(default_factory=list)
    shown_watchlist: str | None = None
    positions: Positions = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.watchlists:
            self.watchlists = [single_list(self.watchlist)]

    def shown_list(self) -> ListSpec:
        """The list shown at start: the one named by ``shown_watchlist``, else the first."""
        for spec in self.watchlists:
            if spec.name == self.shown_watchlist:
                return spec
        return self.watchlists[0]


@dataclass
class LoadedConfig:
    """A settings file as read: ``error`` is set when it was broken (and must not be saved)."""

    settings: Settings
    path: Path
    error: str | None = None
    exists: bool = False

    @property
    def can_save(self) -> bool:
        return self.error is None


def load_config(path: Path | None = None) -> LoadedConfig:
    """Read the settings. Never raises: a missing file gives the defaults; a file with
    mistakes gives every valid setting it has plus ``error``, which names the file and every
    problem at once (one start shows them all, not one per start)."""
    path = config_path() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadedConfig(Settings(), path, None, exists=False)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return LoadedConfig(Settings(), path, f"Cannot read {path}: {reason}", exists=True)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        error = f"{path} is not UTF-8 text; using the defaults (the file was left as it is)."
        return LoadedConfig(Settings(), path, error, exists=True)
    except tomllib.TOMLDecodeError as exc:
        error = f"{path} is not valid TOML ({exc}); using the defaults (file left untouched)."
        return LoadedConfig(Settings(), path, error, exists=True)
    settings, problems = read_settings(data)
    if not problems:
        return LoadedConfig(settings, path, None, exists=True)
    count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
    error = (
        f"{path}: {count}; every other setting is used and the file is left untouched:\n"
        + "\n".join(f"• {problem}" for problem in problems)
    )
    return LoadedConfig(settings, path, error, exists=True)


def parse_settings(data: dict[str, Any]) -> Settings:
    """Validate a parsed TOML document into :class:`Settings` (``ConfigError`` naming every
    problem otherwise)."""
    settings, problems = read_settings(data)
    if problems:
        raise ConfigError("; ".join(p.rstrip(".") for p in problems))
    return settings


def read_settings(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Every valid setting of a parsed TOML document, and a sentence per problem: a bad value
    keeps that setting's default and nothing else (one typo never costs the keymap)."""
    settings = Settings()
    problems: list[str] = []
    for key in sorted(set(data) - _TOP_KEYS):
        problems.append(f"unknown setting {key!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    for key, read in _READERS.items():
        if key in data:
            try:
                problems += read(data[key], settings) or []
            except ConfigError as exc:
                problems.append(str(exc))
    problems += _read_lists(data, settings)
    return settings, problems


def _read_lists(data: dict[str, Any], settings: Settings) -> list[str]:
    """``[[watchlists]]``, ``shown_watchlist`` and ``[[positions]]``; the old ``watchlist`` is
    the one list when there is no ``[[watchlists]]``."""
    problems: list[str] = []
    settings.watchlists = [single_list(settings.watchlist)]
    if "watchlists" in data:
        lists, problems = read_lists(data["watchlists"])
        if "watchlist" in data:
            problems.append(
                "both 'watchlist' and [[watchlists]] are set: [[watchlists]] is used "
                "(move the symbols of 'watchlist' into a list)"
            )
        if lists:
            settings.watchlists = lists
    shown = data.get("shown_watchlist")
    if shown is not None:
        if isinstance(shown, str):
            settings.shown_watchlist = shown
        else:
            problems.append("'shown_watchlist' must be the name of a list")
    settings.watchlist = settings.shown_list().symbols
    if "positions" in data:
        settings.positions, more = read_positions(data["positions"])
        problems += more
    return problems


def _read_watchlist(value: Any, settings: Settings) -> list[str]:
    from tvtui.feed.symbols import normalize_symbol  # the one place the symbol syntax lives

    symbols, problems = [], []
    for symbol in _list_of_str(value, "watchlist"):
        try:
            # normalised (``binance:BTCUSDT`` -> ``BINANCE:BTCUSDT``): the feed's key
            symbols.append(normalize_symbol(symbol))
        except ValueError as exc:
            problems.append(f"watchlist entry {symbol!r} left out: {exc}")
    if symbols or not problems:  # only typos: the default list, never an empty one
        settings.watchlist = list(dict.fromkeys(symbols))
    return problems


def _read_timeframe(value: Any, settings: Settings) -> list[str]:
    try:
        settings.timeframe = parse_timeframe(_str(value, "timeframe")).name
    except ValueError as exc:
        raise ConfigError(f"timeframe: {exc}") from None
    return []


def _read_indicators(value: Any, settings: Settings) -> list[str]:
    """Each entry a study (``"RSI"``, ``"SMA length=50"``: ``config/studies.py``), kept as its
    key; an entry that is not one is left out with a sentence saying why."""
    keys, problems = normalise(_list_of_str(value, "indicators"))
    settings.indicators = keys
    return problems


def _read_theme(value: Any, settings: Settings) -> list[str]:
    settings.theme = _str(value, "theme").strip() or DEFAULT_THEME
    return []


def _read_export(export: Any, settings: Settings) -> list[str]:
    if not isinstance(export, dict):
        raise ConfigError("'export' must be a table ([export] with format and folder)")
    problems = [
        f"unknown setting 'export.{key}' (known: format, folder)"
        for key in sorted(set(export) - _EXPORT_KEYS)
    ]
    if "format" in export:
        try:
            fmt = _str(export["format"], "export.format").lower()
            if fmt not in EXPORT_FORMATS:
                raise ConfigError(f"export.format must be one of {', '.join(EXPORT_FORMATS)}")
            settings.export_format = fmt
        except ConfigError as exc:
            problems.append(str(exc))
    if "folder" in export:
        try:
            folder = _str(export["folder"], "export.folder").strip()
            if not is_plain(folder):  # it is shown in the export dialog and in messages
                raise ConfigError("export.folder holds control characters")
            if folder:
                settings.export_dir = Path(folder).expanduser()
        except ConfigError as exc:
            problems.append(str(exc))
    return problems


def _read_keymap(keymap: Any, settings: Settings) -> list[str]:
    if not isinstance(keymap, dict):
        raise ConfigError("'keymap' must map binding ids to key strings, e.g. 'app.quit' = 'q'")
    problems = []
    for binding_id, keys in keymap.items():
        if isinstance(keys, str) and keys.strip():
            settings.keymap[binding_id] = keys
        else:
            problems.append(
                f"keymap {binding_id!r} must be a key string such as 'q' or 'ctrl+e', not {keys!r}"
            )
    return problems


def _read_chart_type(value: Any, settings: Settings) -> list[str]:
    chart_type = _str(value, "chart_type").strip().lower()
    if chart_type not in CHART_TYPES:
        raise ConfigError(
            f"chart_type must be one of {', '.join(CHART_TYPES)}, not {shown_value(value)}"
        )
    settings.chart_type = chart_type
    return []


def shown_value(value: str) -> str:
    """A bad value quoted for the message (short, control characters made visible)."""
    return repr(value[:40] + ("…" if len(value) > 40 else ""))


_READERS = {
    "watchlist": _read_watchlist,
    "timeframe": _read_timeframe,
    "indicators": _read_indicators,
    "theme": _read_theme,
    "export": _read_export,
    "keymap": _read_keymap,
    "chart_type": _read_chart_type,
}


def _str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{name!r} must be a string, not {type(value).__name__}")
    return value


def _list_of_str(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name!r} must be a list of strings")
    return value
