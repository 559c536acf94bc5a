"""A TradingView watchlist file in and out: imported into a new list with every symbol checked
against the server (one summary of what was refused, and why), exported from the ``e`` dialog
with its positions as JSON or CSV, and its TradingView file beside it reads back the same."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from textual.widgets import Input, RadioButton

from tests.support import wait_until
from tvtui.config.watchlist_file import format_watchlist, parse_watchlist
from tvtui.feed.endpoints import Endpoints
from tvtui.ui.app import TvtuiApp
from tvtui.ui.screens.export import ExportScreen
from tvtui.ui.screens.prompt import Prompt
from tvtui.ui.watchlist_import import import_file, summary
from tvtui.ui.watchlist_view import TOTALS, section_key
from tvtui.ui.widgets.watchlist import Watchlist

FILE = (
    "###Crypto,BINANCE:BTCUSDT,binance:ethusdt,NASDAQ:NOPE,"
    "###Stocks,NASDAQ:AAPL,not a symbol,XETR:SAP\n"
)


def test_every_symbol_is_checked_and_the_refusals_summed_up(sim_env, tmp_path: Path) -> None:
    path = tmp_path / "My list.txt"
    path.write_text(FILE)
    result = import_file(str(path), ["My list"], Endpoints.from_env(sim_env))
    assert result.spec is not None and result.spec.name == "My list 2"  # the name was taken
    assert [(s.title, s.symbols) for s in result.spec.sections] == [
        ("Crypto", ["BINANCE:BTCUSDT", "BINANCE:ETHUSDT"]),
        ("Stocks", ["NASDAQ:AAPL", "XETR:SAP"]),
    ]
    refused = dict(result.refused)
    assert refused["NASDAQ:NOPE"] == "not found" and "not a symbol" in refused
    said = summary(result)
    assert said.startswith("4 imported into 'My list 2'; 2 refused: ") and "NASDAQ:NOPE" in said


async def test_an_imported_list_exports_with_its_positions_and_round_trips(
    make_app, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the file is typed as a person would: relative to here
    path = tmp_path / "tv.txt"
    path.write_text(FILE)
    (tmp_path / "config.toml").write_text(
        '[[positions]]\nsymbol = "NASDAQ:AAPL"\nquantity = 3\nprice = 150\nfees = 1.5\n'
    )
    app: TvtuiApp = make_app()
    async with app.run_test() as pilot:
        pane = app.query_one(Watchlist)
        app.main.action_import_watchlist()
        await wait_until(pilot, lambda: isinstance(app.screen, Prompt), 5, "the prompt")
        await pilot.press(*"tv.txt", "enter")
        await wait_until(pilot, lambda: app.watchlist.shown.name == "tv", 20, "the new list")
        assert pane.rows[:3] == (section_key(0), "BINANCE:BTCUSDT", "BINANCE:ETHUSDT")
        assert TOTALS in pane.rows
        await wait_until(
            pilot,
            lambda: "Apple" in str(app.watchlist.quotes.get("NASDAQ:AAPL", {}).get("description")),
            15,
            "AAPL's quote",
        )
        for fmt in ("json", "csv"):
            app.last_export = None
            await pilot.press("e")
            await wait_until(
                pilot,
                lambda: (
                    isinstance(app.screen, ExportScreen) and app.screen.query("#what-watchlist")
                ),
                5,
                "the dialog",
            )
            app.screen.query_one("#what-watchlist", RadioButton).value = True
            app.screen.query_one(f"#fmt-{fmt}", RadioButton).value = True
            app.screen.query_one("#export-folder", Input).value = str(tmp_path / "out")
            await wait_until(
                pilot,
                lambda f=fmt: (
                    app.screen.query_one("#export-format").chosen == f"fmt-{f}"
                    and app.screen.query_one("#export-what").chosen == "what-watchlist"
                ),
                5,
                "the choices taken",
            )
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.last_export is not None, 10, "the export")
            written = Path(app.last_export)
            assert written.suffix == f".{fmt}" and written.name.startswith("tvtui_watchlist_tv_")
            tradingview = written.with_suffix(".txt").read_text()
            assert tradingview == format_watchlist(parse_watchlist(FILE).sections).replace(
                ",NASDAQ:NOPE", ""
            ).replace(",not a symbol", "").replace("binance:ethusdt", "BINANCE:ETHUSDT")
            if fmt == "json":
                data = json.loads(written.read_text())
                [apple] = [r for r in data["rows"] if r["symbol"] == "NASDAQ:AAPL"]
                assert apple["quantity"] == 3 and apple["avg_cost"] == (450 + 1.5) / 3
                assert apple["section"] == "Stocks" and apple["lots"][0]["fees"] == 1.5
                assert data["totals"]["currency"] == "USD"
            else:
                rows = list(csv.DictReader(written.read_text().splitlines()))
                assert [r["symbol"] for r in rows][:2] == ["BINANCE:BTCUSDT", "BINANCE:ETHUSDT"]
                assert [float(r["quantity"]) for r in rows if r["symbol"] == "NASDAQ:AAPL"] == [3]
        # and the exported file imports again as the same list
        again = parse_watchlist(tradingview)
        assert [(s.title, s.symbols) for s in again.sections] == [
            (s.title, s.symbols) for s in app.watchlist.shown.sections
        ]
