"""Issue 17 (2, 9, 10): files a person edits by hand are read as data, and saved without loss.

Markup in a theme file, a theme or timeframe setting, a config key or a keymap id gets one
readable notice and the defaults (it ended the app at start); a symlinked config stays a link;
two running instances keep each other's watchlist changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support import SIZE, app_for, wait_until
from tvtui.config import load_config, save_watchlist
from tvtui.ui.widgets.watchlist import Watchlist

from .hostile import CONTROL_RE, attacks_in


def notices(app) -> list[str]:
    """The notices as shown on screen (rendered: markup, if any, already applied)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


@pytest.mark.parametrize(
    ("config", "theme_file", "expect"),
    [
        ('theme = "[/]x"\n', None, "Theme '[/]x' is unknown"),
        ('timeframe = "[/]"\n', None, "Unknown timeframe"),
        ('"[/]" = 1\n', None, "unknown setting '[/]'"),
        ('watchlist = ["[/]:X"]\n', None, "watchlist entry '[/]:X'"),
        ('theme = "tvtui-dark"\n', 'name = "[/]"\nprimary = "#ffffff"\n', "'name' must be"),
        ('theme = "tvtui-dark"\n', 'primary = "[/]\\u001b]2;PWNED\\u0007"\n', "is not a colour"),
        ('[keymap]\n"[/]foo" = "x"\n', None, "in [keymap], ignored: [/]foo"),
        ('[keymap]\nfoo = "x"\n', None, "Unknown binding id(s) in [keymap], ignored: foo"),
        ('[export]\nfolder = "/tmp/[/]\\u001b]2;PWNED\\u0007"\n', None, "control characters"),
    ],
)
async def test_markup_in_a_settings_or_theme_file_is_one_notice_not_a_crash(
    app_sim, tmp_path: Path, config: str, theme_file: str | None, expect: str
) -> None:
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    if theme_file is not None:
        folder = tmp_path / "data" / "tvtui" / "themes"
        folder.mkdir(parents=True)
        (folder / "mine.toml").write_text(theme_file, encoding="utf-8")
    app = app_for(app_sim, tmp_path, theme=None)  # the theme from the file
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: any(expect in n for n in notices(app)), 5, expect)
        await wait_until(pilot, lambda: bool(app.screen.query("Toast")), 5, "the notice shown")
        screen = app.export_screenshot()
        assert not attacks_in(screen)
        assert not CONTROL_RE.search(screen.replace("\n", ""))
        assert app.is_running


# --- 17.9: saving keeps links and other instances' changes -------------------------------------


def test_a_symlinked_config_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "tvtui.toml"
    target.write_text('# mine\nwatchlist = ["NASDAQ:AAPL"]\ntheme = "tvtui-light"\n')
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    save_watchlist(load_config(link), ["NASDAQ:AAPL", "FX:EURUSD"])
    assert link.is_symlink() and link.resolve() == target
    assert tomllib.loads(target.read_text())["watchlist"] == ["NASDAQ:AAPL", "FX:EURUSD"]
    assert target.read_text().startswith("# mine\n")  # the rest of the file kept
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_two_instances_keep_each_others_watchlist_changes(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('watchlist = ["BINANCE:BTCUSDT", "SP:SPX"]\n')
    a, b = load_config(path), load_config(path)  # two tvtui running on one file
    save_watchlist(a, ["BINANCE:BTCUSDT", "SP:SPX", "NASDAQ:AAPL"])  # A adds AAPL
    saved = save_watchlist(b, ["BINANCE:BTCUSDT", "SP:SPX", "FX:EURUSD"])  # B adds EURUSD
    assert saved == ["BINANCE:BTCUSDT", "SP:SPX", "FX:EURUSD", "NASDAQ:AAPL"]
    assert tomllib.loads(path.read_text())["watchlist"] == saved
    saved = save_watchlist(a, ["BINANCE:BTCUSDT", "NASDAQ:AAPL"])  # A removes SP:SPX
    assert saved == ["BINANCE:BTCUSDT", "NASDAQ:AAPL", "FX:EURUSD"]  # B's EURUSD kept


_ADDER = """
import sys
from tvtui.config import load_config, save_watchlist
path, symbol = sys.argv[1], sys.argv[2]
loaded = load_config(__import__("pathlib").Path(path))
start = sys.stdin.readline()  # everyone read the file; now all save at once
save_watchlist(loaded, [*loaded.settings.watchlist, symbol])
"""


def test_instances_saving_at_the_same_moment_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('watchlist = ["SP:SPX"]\n')
    symbols = [f"NASDAQ:T{n}" for n in range(8)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _ADDER, str(path), symbol],
            stdin=subprocess.PIPE,
            text=True,
            env={**os.environ, "TVTUI_CONFIG": str(path)},
        )
        for symbol in symbols
    ]
    for proc in procs:  # each has read the file by the time it reads stdin
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    saved = tomllib.loads(path.read_text())["watchlist"]
    assert sorted(saved) == sorted(["SP:SPX", *symbols])


async def test_the_app_merges_another_instances_change_when_it_saves(
    app_sim, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('watchlist = ["BINANCE:BTCUSDT", "NASDAQ:AAPL"]\n')
    app = app_for(app_sim, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        watchlist = app.query_one(Watchlist)
        await wait_until(pilot, lambda: watchlist.row_count == 2, 5, "the watchlist")
        other = load_config(path)  # another tvtui adds FX:EURUSD meanwhile
        save_watchlist(other, [*other.settings.watchlist, "FX:EURUSD"])
        watchlist.move_cursor(row=1)
        await pilot.press("d")  # this one removes NASDAQ:AAPL
        await wait_until(pilot, lambda: "FX:EURUSD" in app.symbols, 5, "the merge")
        assert tomllib.loads(path.read_text())["watchlist"] == ["BINANCE:BTCUSDT", "FX:EURUSD"]
        assert app.symbols == ["BINANCE:BTCUSDT", "FX:EURUSD"]
        await wait_until(pilot, lambda: watchlist.row_count == 2, 5, "the new rows")


async def test_markup_and_escapes_in_an_indicator_id_stay_text_in_the_pane_and_chooser(
    app_sim, tmp_path: Path
) -> None:
    from tvtui.ui.widgets.indicators import IndicatorPane

    (tmp_path / "config.toml").write_text(
        'indicators = ["[/]x\\u001b]2;PWNED\\u0007", "RSI"]\n', encoding="utf-8"
    )
    app = app_for(app_sim, tmp_path, symbols=["BINANCE:BTCUSDT"])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        pane = app.query_one(IndicatorPane)
        await wait_until(pilot, lambda: "[/]x" in str(pane.border_title), 5, "the pane title")
        await pilot.press("i")
        await wait_until(
            pilot, lambda: bool(app.screen.query("#indicator-chosen")), 5, "the chooser"
        )
        await wait_until(pilot, lambda: "[/]x" in app.export_screenshot(), 5, "the id listed")
        screen = app.export_screenshot()
        assert not attacks_in(screen) and not CONTROL_RE.search(screen.replace("\n", ""))
        await pilot.press("escape")
        assert app.is_running
