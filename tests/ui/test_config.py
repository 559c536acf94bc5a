"""Settings file: strict reading, defaults on error, never overwriting a broken file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tvtui.config import (
    DEFAULT_WATCHLIST,
    ConfigError,
    config_path,
    load_config,
    save_watchlist,
)


def test_missing_file_gives_the_defaults_and_is_savable(tmp_path: Path) -> None:
    loaded = load_config(tmp_path / "config.toml")
    assert loaded.error is None and not loaded.exists
    assert loaded.settings.watchlist == list(DEFAULT_WATCHLIST)
    assert loaded.settings.timeframe == "5m"
    save_watchlist(loaded, ["NASDAQ:AAPL"])
    assert tomllib.loads((tmp_path / "config.toml").read_text())["watchlist"] == ["NASDAQ:AAPL"]


def test_env_variable_points_at_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TVTUI_CONFIG", str(tmp_path / "x.toml"))
    assert config_path() == tmp_path / "x.toml"


def test_a_full_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'watchlist = ["binance:BTCUSDT", "NASDAQ:AAPL"]\n'
        'timeframe = "1D"\nindicators = ["RSI", "STD;MACD", "CCI"]\ntheme = "tvtui-light"\n'
        f'[export]\nformat = "csv"\nfolder = "{tmp_path / "out"}"\n'
        '[keymap]\n"watchlist.add" = "plus"\n'
    )
    s = load_config(path).settings
    assert s.watchlist == ["BINANCE:BTCUSDT", "NASDAQ:AAPL"]  # normalised, as the feed keys it
    assert s.timeframe == "1d"
    assert s.indicators == ["STD;RSI", "STD;MACD", "STD;CCI"]
    assert (s.theme, s.export_format, s.export_dir) == ("tvtui-light", "csv", tmp_path / "out")
    assert s.keymap == {"watchlist.add": "plus"}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("watchlist = [\n", "not valid TOML"),
        ('thme = "x"\n', "unknown setting 'thme'"),
        ('timeframe = "5 min"\n', "Unknown timeframe"),
        ('watchlist = ["AAPL"]\n', "watchlist entry 'AAPL'"),
        ("watchlist = 3\n", "must be a list"),
        ('[export]\nformat = "xml"\n', "export.format"),
        ("[keymap]\nx = 1\n", "keymap"),
    ],
)
def test_a_broken_file_gives_defaults_a_clear_message_and_is_never_overwritten(
    tmp_path: Path, text: str, needle: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    loaded = load_config(path)
    assert loaded.error is not None and needle in loaded.error and str(path) in loaded.error
    assert loaded.settings.watchlist == list(DEFAULT_WATCHLIST)
    with pytest.raises(ConfigError):
        save_watchlist(loaded, ["NASDAQ:AAPL"])
    assert path.read_text() == text


def test_saving_keeps_comments_and_other_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "# my settings\n"
        'watchlist = [\n  "NASDAQ:AAPL",  # apple\n  "FX:EURUSD",\n]\n'
        'theme = "tvtui-amber"  # amber!\n\n[export]\nformat = "csv"\n'
    )
    loaded = load_config(path)
    save_watchlist(loaded, ["FX:EURUSD", "NASDAQ:AAPL", "SP:SPX"])
    text = path.read_text()
    assert "# my settings" in text and "# amber!" in text
    data = tomllib.loads(text)
    assert data["watchlist"] == ["FX:EURUSD", "NASDAQ:AAPL", "SP:SPX"]
    assert data["theme"] == "tvtui-amber" and data["export"] == {"format": "csv"}
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temp file left


def test_saving_adds_a_watchlist_before_the_first_table(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "tvtui-light"\n[export]\nformat = "csv"\n')
    save_watchlist(load_config(path), ["SP:SPX"])
    data = tomllib.loads(path.read_text())
    assert data["watchlist"] == ["SP:SPX"] and data["export"] == {"format": "csv"}


def test_saving_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('watchlist = ["NASDAQ:AAPL"]\n')
    path.chmod(0o640)
    save_watchlist(load_config(path), ["SP:SPX"])
    assert path.stat().st_mode & 0o777 == 0o640


def test_every_problem_is_reported_at_once_and_every_valid_setting_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    text = (
        'watchlist = ["NASDAQ:AAPL", "AAPL", "FX:EURUSD"]\n'
        'timeframe = "5 min"\n'
        'thme = "tvtui-light"\n'
        'theme = "tvtui-amber"\n'
        'indicators = ["RSI"]\n'
        '[export]\nformat = "xml"\nfolder = "out"\n'
        '[keymap]\n"watchlist.add" = "plus"\n"app.quit" = 3\n'
    )
    path.write_text(text)
    loaded = load_config(path)
    error = loaded.error or ""
    for needle in ("'AAPL'", "Unknown timeframe", "'thme'", "export.format", "'app.quit'"):
        assert needle in error, error
    assert "5 problems" in error and ").;" not in error
    s = loaded.settings
    assert s.watchlist == ["NASDAQ:AAPL", "FX:EURUSD"]  # the valid entries
    assert s.theme == "tvtui-amber" and s.indicators == ["STD;RSI"]
    assert s.export_dir == Path("out") and s.export_format == "json"
    assert s.keymap == {"watchlist.add": "plus"}  # one bad value never costs the keymap
    assert s.timeframe == "5m"
    with pytest.raises(ConfigError):
        save_watchlist(loaded, ["NASDAQ:AAPL"])
    assert path.read_text() == text


def test_a_whole_file_rewrite_keeps_the_alerts_and_the_desktop_notification_switch() -> None:
    """The fallback that rewrites config.toml whole (when an in-place edit cannot round-trip)
    keeps what other parts of tvtui read from it: ``[[alerts]]`` and the top-level switch."""
    from tvtui.config import Settings
    from tvtui.config.saving import render_settings

    previous = (
        'desktop_notifications = "off"\nwatchlist = ["BINANCE:BTCUSDT"]\n\n'
        '[[alerts]]\nsymbol = "BINANCE:BTCUSDT"\ncondition = "crossing-up"\nlevel = 110000\n'
    )
    data = tomllib.loads(render_settings(Settings(), ["FX:EURUSD"], previous=previous))
    assert data["desktop_notifications"] == "off"
    assert data["watchlist"] == ["FX:EURUSD"]
    assert data["alerts"] == [
        {"symbol": "BINANCE:BTCUSDT", "condition": "crossing-up", "level": 110000}
    ]
