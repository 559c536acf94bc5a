"""Lists, sections and lots in config.toml: read strictly, saved in place, merged with another
instance's save (the guarantee the single watchlist had: nothing either of them did is lost)."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

from tvtui.config import load_config
from tvtui.config.lists import ListSpec, SectionSpec
from tvtui.config.saving import save_lists
from tvtui.market.positions import Lot

A, B, C, D = "NASDAQ:AAPL", "NASDAQ:MSFT", "BINANCE:BTCUSDT", "FX:EURUSD"

LISTS = f"""# my settings
timeframe = "1h"  # hourly

[[watchlists]]
name = "Stocks"

[[watchlists.sections]]
title = "Tech"
symbols = ["{A}", "{B}"]

[[watchlists]]
name = "Crypto"
currency = "eur"
sort = "-change_pct"
columns = ["symbol", "last", "total_gain"]

[[watchlists.sections]]
symbols = ["{C}"]
folded = true

[[positions]]
symbol = "{C}"
quantity = 1
price = 50000
date = 2026-01-02

[keymap]
"app.quit" = "q"
"""


def test_the_old_watchlist_is_one_list_and_is_saved_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'# keep me\nwatchlist = ["{A}", "{B}"]\ntheme = "x"\n')
    loaded = load_config(path)
    assert loaded.error is None
    [spec] = loaded.settings.watchlists
    assert spec.name == "Watchlist" and spec.symbols == [A, B] and spec.plain
    mine = copy.deepcopy(loaded.settings.watchlists)
    mine[0].sections[0].symbols.append(C)
    save_lists(loaded, mine, "Watchlist", {})
    text = path.read_text()
    assert "# keep me" in text and "[[watchlists]]" not in text
    assert tomllib.loads(text)["watchlist"] == [A, B, C]


def test_lists_sections_and_lots_are_read_with_every_field(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(LISTS)
    loaded = load_config(path)
    assert loaded.error is None, loaded.error
    stocks, crypto = loaded.settings.watchlists
    assert stocks.sections == [SectionSpec("Tech", [A, B])]
    assert crypto.currency == "EUR" and crypto.sort == "-change_pct" and crypto.sections[0].folded
    assert crypto.columns == ["symbol", "last", "total_gain"]
    assert loaded.settings.positions == {C: [Lot(1, 50000, "2026-01-02")]}
    assert loaded.settings.watchlist == [A, B]  # the one shown at start: the first


def test_mistakes_are_each_named_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[watchlists]]\nname = "ok"\ncolumns = ["nope"]\n[[watchlists.sections]]\n'
        'symbols = ["bad symbol", "NASDAQ:AAPL"]\n[[watchlists]]\nname = 3\n'
        '[[positions]]\nsymbol = "NASDAQ:AAPL"\nquantity = 0\nprice = 1\n'
    )
    loaded = load_config(path)
    assert loaded.error is not None and not loaded.can_save
    for needle in ("columns", "bad symbol", "watchlists #2", "positions #1"):
        assert needle in loaded.error
    assert [s.name for s in loaded.settings.watchlists] == ["ok"]
    assert loaded.settings.watchlists[0].symbols == [A]


def test_two_instances_saving_keep_what_each_did(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(LISTS)
    first, second = load_config(path), load_config(path)
    # the first adds a list and a lot of AAPL
    mine = [*copy.deepcopy(first.settings.watchlists), ListSpec("New", [SectionSpec(None, [D])])]
    lots = {**first.settings.positions, A: [Lot(5, 100.0)]}
    save_lists(first, mine, "New", lots)
    # the second, unaware of it, adds EURUSD to Stocks and folds Tech
    theirs = copy.deepcopy(second.settings.watchlists)
    theirs[0].sections[0].symbols.append(D)
    theirs[0].sections[0].folded = True
    lists, positions = save_lists(second, theirs, "Stocks", second.settings.positions)
    assert [s.name for s in lists] == ["Stocks", "Crypto", "New"]
    assert lists[0].sections[0].symbols == [A, B, D] and lists[0].sections[0].folded
    assert positions[A] == [Lot(5, 100.0)] and positions[C]
    again = load_config(path)
    assert again.error is None
    assert [s.name for s in again.settings.watchlists] == ["Stocks", "Crypto", "New"]
    assert again.settings.shown_watchlist == "Stocks"
    text = path.read_text()
    assert "# my settings" in text and 'timeframe = "1h"  # hourly' in text
    assert tomllib.loads(text)["keymap"] == {"app.quit": "q"}


def test_a_list_deleted_elsewhere_stays_deleted_unless_changed_here(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(LISTS)
    first, second = load_config(path), load_config(path)
    save_lists(first, copy.deepcopy(first.settings.watchlists[:1]), "Stocks", {})
    lists, positions = save_lists(
        second, copy.deepcopy(second.settings.watchlists), "Stocks", second.settings.positions
    )
    assert [s.name for s in lists] == ["Stocks"] and positions == {}
