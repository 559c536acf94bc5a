"""The app driven like a person would, against a real simulator over loopback."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from tests.support import hold_still, wait_until
from tvtui.feed.timeframes import parse_timeframe
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready
from tvtui.ui.screens.export import ExportScreen
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane
from tvtui.ui.widgets.status import StatusLine
from tvtui.ui.widgets.watchlist import Watchlist

SIZE = (160, 45)


async def test_demo_fills_every_pane_and_prices_move(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "watchlist, chart and studies")
        watchlist = app.query_one(Watchlist)
        first = {s: watchlist.quotes[s]["lp"] for s in app.symbols}
        await wait_until(
            pilot,
            lambda: any(watchlist.quotes[s]["lp"] != first[s] for s in app.symbols),
            10,
            "a price to move",
        )
        status = app.query_one(StatusLine)
        assert "connected" in status.link_text().plain
        assert status.mode == "demo" and "DEMO" in str(status.render())
        chart = app.query_one(ChartPane)
        assert chart.symbol == app.symbols[0] and len(chart.bars) > 50
        assert {b.pine_id for b in app.query_one(IndicatorPane).blocks().values()} == {
            "STD;RSI",
            "STD;MACD",
        }


async def _open_entry(pilot) -> SymbolEntry:
    await pilot.press("a")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SymbolEntry), 5, "the dialog")
    return pilot.app.screen


async def test_adding_a_valid_symbol_previews_then_adds_and_saves_it(make_app, tmp_path) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        entry = await _open_entry(pilot)
        await pilot.press(*"nasdaq:TSLA")
        await wait_until(pilot, lambda: entry.state == "resolved", 10, "the preview")
        preview = str(entry.query_one("#entry-preview").render())
        assert "Tesla" in preview and "Last" in preview
        await pilot.press("enter")
        await wait_until(pilot, lambda: "NASDAQ:TSLA" in app.symbols, 5, "the symbol added")
        watchlist = app.query_one(Watchlist)
        await wait_until(
            pilot, lambda: "lp" in watchlist.quotes.get("NASDAQ:TSLA", {}), 10, "its quotes"
        )
        saved = tomllib.loads((tmp_path / "config.toml").read_text())
        assert saved["watchlist"][-1] == "NASDAQ:TSLA"


async def test_a_malformed_symbol_is_explained_and_never_added(make_app, tmp_path) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        entry = await _open_entry(pilot)
        await pilot.press(*"AAPL")
        assert entry.state == "invalid"
        assert "colon" in str(entry.query_one("#entry-status").render())
        assert entry.query_one("#entry-add", Button).disabled
        await pilot.press("enter")
        await pilot.pause()  # every key handled: nothing was checked, nothing added
        assert entry.checking is None
        assert isinstance(app.screen, SymbolEntry) and "AAPL" not in app.symbols
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, SymbolEntry), 5, "closed")
    assert not (tmp_path / "config.toml").exists()


async def test_an_unknown_symbol_is_rejected_with_a_clear_message(make_app, tmp_path) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = list(app.symbols)
        entry = await _open_entry(pilot)
        await pilot.press(*"NASDAQ:ZZZZQ", "enter")
        await wait_until(pilot, lambda: entry.state == "unknown", 10, "the rejection")
        assert "does not exist" in str(entry.query_one("#entry-status").render())
        await pilot.press("enter")  # Enter on a rejected symbol adds nothing
        await pilot.pause()  # the key handled
        assert app.symbols == before and isinstance(app.screen, SymbolEntry)
    assert not (tmp_path / "config.toml").exists()


async def test_switching_symbol_and_timeframe_redraws_the_chart(make_app, live_sim) -> None:
    app: TvtuiApp = make_app(symbols=["BINANCE:BTCUSDT", "NASDAQ:AAPL"], timeframe="5m")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        chart = app.query_one(ChartPane)
        await pilot.press("down", "enter")
        await wait_until(
            pilot, lambda: chart.symbol == "NASDAQ:AAPL" and bool(chart.bars), 10, "AAPL bars"
        )
        # the bars are AAPL's: the simulator's own history agrees on a closed bar
        bar = chart.bars[-2]
        (truth,) = live_sim.bars("NASDAQ:AAPL", "5", bar.time, bar.time + 1)
        assert (bar.open, bar.high, bar.low, bar.close) == tuple(truth[1:5])
        await pilot.press("6")  # 4h
        await wait_until(
            pilot, lambda: chart.timeframe == "4h" and len(chart.bars) > 10, 10, "4h bars"
        )
        gaps = {b.time - a.time for a, b in zip(chart.bars, chart.bars[1:], strict=False)}
        assert min(gaps) == parse_timeframe("4h").seconds
        assert "4h" in str(chart.border_title)
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: chart.timeframe == "1d", 5, "next timeframe")


async def test_export_writes_exactly_what_the_panes_hold(make_app, tmp_path) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await hold_still(pilot, app)  # hold the panes still while we compare
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 5, "the dialog")
        folder = app.screen.query_one("#export-folder", Input)
        folder.value = str(tmp_path / "out")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.last_export is not None, 10, "the export")
        data = json.loads(Path(app.last_export).read_text())
        chart = app.query_one(ChartPane)
        assert data["metadata"]["symbol"] == chart.symbol
        assert [r["close"] for r in data["ohlc"]] == [b.close for b in chart.bars]
        assert [r["timestamp"] for r in data["ohlc"]] == [int(b.time) for b in chart.bars]
        blocks = app.query_one(IndicatorPane).blocks()
        for pine_id, rows in data["indicator"].items():
            points = blocks[pine_id].points
            assert [r["timestamp"] for r in rows] == [int(p.time) for p in points]
            assert [r["0"] for r in rows] == [p.values[0] for p in points]
        assert data["quote"]["lp"] == app.query_one(Watchlist).quotes[chart.symbol]["lp"]


async def test_a_failed_export_keeps_the_dialog_open_with_the_reason(make_app, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app: TvtuiApp = make_app(export_dir=blocker / "sub")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 5, "the dialog")
        dialog = app.screen
        await pilot.press("enter")
        error = dialog.query_one("#export-error", Static)
        await wait_until(pilot, lambda: "folder" in str(error.render()).lower(), 10, "reason")
        assert app.screen is dialog and app.last_export is None  # still open: fix and retry
        dialog.query_one("#export-folder", Input).value = str(tmp_path / "ok")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is not dialog, 10, "the dialog to close")
        assert app.last_export is not None and app.last_export.parent == tmp_path / "ok"


async def test_export_dialog_keys_and_names(make_app, tmp_path, monkeypatch) -> None:
    """Focus on the format, arrows choose, the file keeps the exchange, the notice the path."""
    monkeypatch.chdir(tmp_path)
    app: TvtuiApp = make_app(symbols=["FX:EURUSD"], export_dir=Path("rel"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 5, "the dialog")
        choice = app.screen.query_one("#export-format", RadioSet)
        assert app.screen.focused is choice
        json_button = app.screen.query_one("#fmt-json", RadioButton)
        assert json_button.value and json_button.has_class("-selected")  # lit = chosen
        await pilot.press("down")
        csv_button = app.screen.query_one("#fmt-csv", RadioButton)
        assert csv_button.value and csv_button.has_class("-selected")
        assert not json_button.value
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app.told_about("Exported")), 10, "the notice")
        path = app.last_export
        assert path.name.startswith("tvtui_FX-EURUSD_5m_") and path.suffix == ".csv"
        assert path == tmp_path / "rel" / path.name  # the full path, not "rel/..."
        assert app.told_about("Exported") == [str(tmp_path / "rel" / path.name)]


async def test_q_quits_promptly_and_stops_the_stream(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.bridge.running.is_set(), 10, "the stream")
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, 2, "the app to exit")
    assert app.return_code == 0
    # the worker's loop and the feed client end within a second of leaving
    assert app.bridge.finished.wait(1.0)
    assert not app.bridge.running.is_set()


async def test_down_then_enter_typed_at_once_exports_the_format_chosen(make_app, tmp_path) -> None:
    from textual import events

    app: TvtuiApp = make_app(export_dir=tmp_path / "burst")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 5, "the dialog")
        await pilot.pause()  # the dialog composed and focused
        for key, char in (("down", None), ("enter", "\r")):  # CSV, export: one burst
            app.post_message(events.Key(key, char))
        await wait_until(pilot, lambda: app.last_export is not None, 10, "the export")
        assert app.last_export is not None and app.last_export.suffix == ".csv"
