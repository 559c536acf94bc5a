"""Symbols take TradingView's form wherever they enter: the library, the CLI, the config and
the app's symbol entry. ``binance:solusdt`` typed by a person is ``BINANCE:SOLUSDT``: saved so,
subscribed so, and never a second row beside ``BINANCE:SOLUSDT``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.support import run_stream
from tvtui.config import load_config
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.symbols import normalize_symbol, validate_symbol
from tvtui.stream import Streamer


@pytest.mark.parametrize(
    ("typed", "resolved", "expected"),
    [
        ("binance:solusdt", None, "BINANCE:SOLUSDT"),
        ("Nasdaq:aapl", None, "NASDAQ:AAPL"),
        ("nyse:brk.b", None, "NYSE:BRK.B"),
        ("bybit:btcusdt.p", None, "BYBIT:BTCUSDT.P"),
        # The server's resolution wins when it is a well-formed symbol ...
        ("nasdaq:aapl", "NASDAQ:AAPL", "NASDAQ:AAPL"),
        ("coinbase:btcusd", "coinbase:BTCUSD", "COINBASE:BTCUSD"),
        # ... and untrusted junk in its place is ignored.
        ("binance:solusdt", "[/]\x1b]52;c;x\x07", "BINANCE:SOLUSDT"),
        ("binance:solusdt", "", "BINANCE:SOLUSDT"),
        ("binance:solusdt", 42, "BINANCE:SOLUSDT"),
    ],
)
def test_one_normalising_function(typed, resolved, expected) -> None:
    assert normalize_symbol(typed, resolved) == expected


def test_the_config_loader_merges_case_variants(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('watchlist = ["binance:solusdt", "BINANCE:SOLUSDT", "nasdaq:aapl"]\n')
    loaded = load_config(path)
    assert loaded.error is None
    assert loaded.settings.watchlist == ["BINANCE:SOLUSDT", "NASDAQ:AAPL"]


def test_the_library_checks_and_streams_the_normalised_symbol(sim, monkeypatch) -> None:
    for key, value in sim.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("TRADINGVIEW_JWT_TOKEN", raising=False)
    assert validate_symbol("binance:solusdt", Endpoints.from_env(sim.env())) == "BINANCE:SOLUSDT"
    with Streamer() as streamer:
        result = streamer.stream("binance", "solusdt", numb_price_candles=3)
    assert len(result["ohlc"]) == 3
    resolved = [p["p"][2] for p in sim.received if p.get("m") == "resolve_symbol"]
    assert resolved and all('"BINANCE:SOLUSDT"' in spec for spec in resolved)
    checked = [r["path"] for r in sim.http_requests if r["path"].startswith("/symbol?")]
    assert checked and all("BINANCE%3ASOLUSDT" in path for path in checked)


def test_tvtui_stream_checks_and_streams_the_normalised_symbol(sim) -> None:
    done = run_stream(sim, "binance:solusdt", "-n", "2")
    assert done.returncode == 0, done.stderr
    checked = [r["path"] for r in sim.http_requests if r["path"].startswith("/symbol?")]
    assert checked and all("BINANCE%3ASOLUSDT" in path for path in checked)
    resolved = [p["p"][2] for p in sim.received if p.get("m") == "resolve_symbol"]
    assert resolved and all('"BINANCE:SOLUSDT"' in spec for spec in resolved)


async def test_the_app_adds_a_lower_case_symbol_once_in_tradingview_form(app_sim, tmp_path) -> None:
    from tests.support import SIZE, app_for, wait_until
    from tvtui.ui.screens.symbol_entry import SymbolEntry

    config = tmp_path / "config.toml"
    config.write_text('watchlist = ["NASDAQ:AAPL"]\n')
    app = app_for(app_sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:

        async def entry() -> SymbolEntry:
            await pilot.press("a")
            await wait_until(pilot, lambda: isinstance(app.screen, SymbolEntry), 5, "the dialog")
            assert isinstance(app.screen, SymbolEntry)
            return app.screen

        dialog = await entry()
        await pilot.press(*"binance:solusdt")
        await wait_until(pilot, lambda: dialog.state == "resolved", 10, "the preview")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "BINANCE:SOLUSDT" in app.symbols, 5, "the symbol added")
        # Typed again in another case: the same symbol, already there.
        dialog = await entry()
        await pilot.press(*"BINANCE:SolUsdt")
        assert "already in the watchlist" in str(dialog.query_one("#entry-status").render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, SymbolEntry), 5, "closed")
        assert app.symbols == ["NASDAQ:AAPL", "BINANCE:SOLUSDT"]
    saved = tomllib.loads(config.read_text())
    assert saved["watchlist"] == ["NASDAQ:AAPL", "BINANCE:SOLUSDT"]
