"""The app's settings: one TOML file, read strictly, written only when it is safe.

One job per module: :mod:`~tvtui.config.settings` (what the file may hold and how it is read:
every valid setting plus one message naming every problem) and :mod:`~tvtui.config.saving`
(saving the watchlist back: in place, merged with another instance's changes, atomically).
Import from ``tvtui.config``; the split is not part of the API.
"""

from __future__ import annotations

from tvtui.config.saving import (
    atomic_write,
    merge_watchlists,
    render_settings,
    render_watchlist_update,
    save_watchlist,
)
from tvtui.config.settings import (
    DEFAULT_INDICATORS,
    DEFAULT_THEME,
    DEFAULT_TIMEFRAME,
    DEFAULT_WATCHLIST,
    ENV_CONFIG,
    EXPORT_FORMATS,
    KNOWN_INDICATORS,
    ConfigError,
    LoadedConfig,
    Settings,
    config_path,
    default_export_dir,
    load_config,
    parse_settings,
    pine_id,
    read_settings,
)

__all__ = [
    "DEFAULT_INDICATORS",
    "DEFAULT_THEME",
    "DEFAULT_TIMEFRAME",
    "DEFAULT_WATCHLIST",
    "ENV_CONFIG",
    "EXPORT_FORMATS",
    "KNOWN_INDICATORS",
    "ConfigError",
    "LoadedConfig",
    "Settings",
    "atomic_write",
    "config_path",
    "default_export_dir",
    "load_config",
    "merge_watchlists",
    "parse_settings",
    "pine_id",
    "read_settings",
    "render_settings",
    "render_watchlist_update",
    "save_watchlist",
]
