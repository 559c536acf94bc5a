"""Settings, themes, keymap, refused studies, link trouble and floods, on a real simulator."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest

from tests.support import app_for, hold_still, wait_until
from tvtui.config import DEFAULT_WATCHLIST, load_config
from tvtui.feed.endpoints import Endpoints
from tvtui.sim import SimConfig, Simulator
from tvtui.ui import messages as msg
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready
from tvtui.ui.screens.help import HelpScreen
from tvtui.ui.screens.main import MAIN_BINDINGS
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane
from tvtui.ui.widgets.status import StatusLine
from tvtui.ui.widgets.watchlist import Watchlist

SIZE = (160, 45)


async def test_a_broken_config_is_reported_once_and_never_overwritten(
    make_app, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('watchlist = ["NASDAQ:AAPL"\ntheme = "x"\n')
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.symbols == list(DEFAULT_WATCHLIST)
        assert len(app.told_about("not valid TOML")) == 1
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.press("d")  # a change to the watchlist: still must not touch the file
        await wait_until(pilot, lambda: bool(app.told_about("not saved")), 5, "the notice")
        assert len(app.symbols) == len(DEFAULT_WATCHLIST) - 1
        assert app.told_about("not saved")
    assert config.read_text() == 'watchlist = ["NASDAQ:AAPL"\ntheme = "x"\n'


async def test_remove_and_reorder_are_saved(make_app, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '# mine\nwatchlist = ["NASDAQ:AAPL", "NASDAQ:MSFT", "FX:EURUSD"]\n'
    )
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        watchlist = app.query_one(Watchlist)
        await pilot.press("down", "down", "K")  # EURUSD up one
        assert app.symbols == ["NASDAQ:AAPL", "FX:EURUSD", "NASDAQ:MSFT"]
        assert watchlist.selected_symbol == "FX:EURUSD"  # the cursor moved with the row
        await pilot.press("up", "d")
        assert app.symbols == ["FX:EURUSD", "NASDAQ:MSFT"]
        assert list(watchlist.rows) == ["FX:EURUSD", "NASDAQ:MSFT"]
        # one state: the pane draws the very object the keys edited, and the removed row
        # took its quote with it
        assert watchlist.state is app.watchlist and "NASDAQ:AAPL" not in app.watchlist.quotes
    text = (tmp_path / "config.toml").read_text()
    assert text.startswith("# mine") and tomllib.loads(text)["watchlist"] == app.symbols


async def test_a_broken_theme_file_is_one_notice_and_the_rest_load(
    make_app, private_dirs: Path
) -> None:
    folder = private_dirs / "data" / "tvtui" / "themes"
    folder.mkdir(parents=True)
    (folder / "bad.toml").write_text('primary = "nope"\n')
    (folder / "worse.toml").write_text("primary = [")
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#123456"\n')
    app: TvtuiApp = make_app(theme="mine")
    async with app.run_test(size=SIZE):
        skipped = [n for n in app.told if "theme file" in (n.title or "")]
        assert len(skipped) == 1
        assert "bad.toml" in skipped[0].message and "worse.toml" in skipped[0].message
        assert app.theme == "mine" and "tvtui-light" in app.available_themes
        assert app.theme_variables["price-up"]  # app variables exist for a user theme too


async def test_light_theme_colours_changes_with_its_own_up_down_colours(make_app) -> None:
    app: TvtuiApp = make_app(theme="tvtui-light")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        up, down = app.theme_variables["price-up"], app.theme_variables["price-down"]
        assert (up, down) == ("#00796b", "#c62828")
        watchlist = app.query_one(Watchlist)
        for symbol in app.symbols:
            change = watchlist.quotes[symbol].get("ch") or 0
            cell = watchlist.get_cell(symbol, "change")  # what the table shows
            if change:
                assert str(cell.style).lower() == (up if change > 0 else down).lower()


async def test_the_keymap_rebinds_keys_and_help_shows_them(make_app, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keymap]\n"watchlist.add" = "plus"\n')
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()  # the key handled: "a" no longer adds
        assert not isinstance(app.screen, SymbolEntry)
        await pilot.press("plus")
        await wait_until(pilot, lambda: isinstance(app.screen, SymbolEntry), 5, "the dialog")
        await pilot.press("escape", "f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), 5, "help")
        rows = {row[3]: row[1] for row in app.screen.rows}
        assert rows["watchlist.add"] == "+"
        ids = {b.id for b in MAIN_BINDINGS if b.id}
        assert ids <= set(rows)  # every binding is listed


async def test_a_refused_study_shows_the_servers_reason(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        # the anonymous demo account may have two studies per chart; a third is refused
        app.set_indicators(["STD;RSI", "STD;MACD", "STD;CCI"])
        pane = app.query_one(IndicatorPane)
        await wait_until(pilot, lambda: bool(pane.blocks()["STD;CCI"].error), 10, "refusal")
        assert "maximum number of studies" in pane.blocks()["STD;CCI"].error
        legend = str(pane.blocks()["STD;CCI"].query_one(".legend").render())
        assert "maximum number of studies" in legend
        assert pane.blocks()["STD;RSI"].points  # the others keep working


async def test_the_status_line_tells_the_truth_when_the_link_drops(tmp_path: Path) -> None:
    with Simulator(SimConfig(seed=3, time_scale=60.0, tick_interval=0.5)) as sim:
        app = app_for(sim, tmp_path, symbols=["NASDAQ:AAPL"])
        async with app.run_test(size=SIZE) as pilot:
            status = app.query_one(StatusLine)
            await wait_until(pilot, lambda: data_ready(app), 10, "data")
            assert "connected" in status.link_text().plain
            sim.go_down()
            await wait_until(
                pilot, lambda: "reconnecting" in status.link_text().plain, 10, "reconnecting"
            )
            text = status.link_text().plain
            assert "attempt" in text
            sim.come_back()
            await wait_until(
                pilot, lambda: status.link_text().plain[2:] == "connected", 20, "reconnected"
            )
            watchlist = app.query_one(Watchlist)
            price = watchlist.quotes["NASDAQ:AAPL"]["lp"]
            await wait_until(
                pilot, lambda: watchlist.quotes["NASDAQ:AAPL"]["lp"] != price, 10, "new prices"
            )


@pytest.mark.slow
async def test_a_flood_of_updates_is_coalesced_and_the_ui_stays_responsive(
    tmp_path: Path,
) -> None:
    with Simulator(SimConfig(seed=5, time_scale=60.0, tick_interval=0.5)) as sim:
        handled: list[type] = []
        app = TvtuiApp(
            load_config(tmp_path / "config.toml"),
            endpoints=Endpoints.from_env(sim.env()),
            mode="demo",
            token="unauthorized_user_token",
        )
        async with app.run_test(size=SIZE, message_hook=lambda m: handled.append(type(m))) as p:
            await wait_until(p, lambda: data_ready(app), 10, "data")
            sim.faults.burst_rate = 5000
            total_before = app.bridge.coalescer.total
            handled.clear()
            started = time.monotonic()
            await wait_until(
                p, lambda: app.bridge.coalescer.total - total_before > 2000, 20, "the flood"
            )
            # the UI still answers a key at once-ish (bounded wait, not a timing assertion)
            await p.press("3")
            chart = app.query_one(ChartPane)
            await wait_until(
                p, lambda: chart.timeframe == "15m" and bool(chart.bars), 30, "the 15m chart"
            )
            sim.faults.burst_rate = None
            elapsed = time.monotonic() - started
            received = app.bridge.coalescer.total - total_before
            quotes_handled = handled.count(msg.QuotesChanged)
            assert received > 2000  # the flood really happened
            print(f"flood: {received} events merged into {quotes_handled} watchlist updates")
            # at most one flush per quote interval (25 a second), not one per update
            interval = app.bridge.coalescer.quote_interval_min
            assert quotes_handled <= elapsed / interval + 2
            assert quotes_handled * 20 < received


async def test_a_silent_link_is_shown_as_stale_with_its_age(make_app) -> None:
    now = [1000.0]
    app: TvtuiApp = make_app(clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await hold_still(pilot, app)  # nothing more arrives, as on a silent link
        status = app.query_one(StatusLine)
        status.rate, status.last_message_at = 0.0, 1000.0
        assert status.link_text().plain.endswith("connected")
        now[0] = 1042.0  # 42 s later, still no message
        status.render_status()
        assert "stale · no data for 42s" in status.link_text().plain
        assert "last 42s ago" in str(status.render())


async def test_symbols_from_the_command_line_are_for_this_run_only(
    make_app, tmp_path: Path
) -> None:
    app: TvtuiApp = make_app(symbols=["NASDAQ:AAPL", "FX:EURUSD"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert app.symbols == ["FX:EURUSD"]
    assert not (tmp_path / "config.toml").exists()


async def test_csv_export_has_one_row_per_bar_with_the_study_columns(
    make_app, tmp_path: Path
) -> None:
    import csv

    from textual.widgets import RadioButton

    from tvtui.ui.screens.export import ExportScreen

    app: TvtuiApp = make_app(export_dir=tmp_path / "csv")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await hold_still(pilot, app)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 5, "the dialog")
        app.screen.query_one("#fmt-csv", RadioButton).value = True
        await pilot.click("#export-ok")
        await wait_until(pilot, lambda: app.last_export is not None, 10, "the export")
        assert app.last_export.suffix == ".csv" and app.last_export.parent == tmp_path / "csv"
        rows = list(csv.DictReader(app.last_export.open()))
        chart = app.query_one(ChartPane)
        assert [float(r["close"]) for r in rows] == [b.close for b in chart.bars]
        rsi = app.query_one(IndicatorPane).blocks()["STD;RSI"]
        by_time = {int(p.time): p.values[0] for p in rsi.points}
        column = next(c for c in rows[0] if c.startswith("STD;RSI:"))
        for row in rows:
            value = by_time.get(int(row["timestamp"]))
            if value is not None:
                assert float(row[column]) == pytest.approx(value)


async def test_an_unknown_symbol_on_the_chart_says_why_and_the_next_one_works(make_app) -> None:
    app: TvtuiApp = make_app(symbols=["NASDAQ:ZZZZ", "BINANCE:BTCUSDT"])
    async with app.run_test(size=SIZE) as pilot:
        chart = app.query_one(ChartPane)
        watchlist = app.query_one(Watchlist)
        await wait_until(pilot, lambda: chart.problem is not None, 10, "the chart refusal")
        await wait_until(pilot, lambda: "NASDAQ:ZZZZ" in watchlist.rejected, 10, "row refusal")
        assert "unknown" in watchlist.rejected["NASDAQ:ZZZZ"]
        await pilot.press("down", "enter")
        blocks = app.query_one(IndicatorPane).blocks().values()
        await wait_until(
            pilot,
            lambda: bool(chart.bars) and all(b.points for b in blocks),
            10,
            "BTC chart and studies",
        )
        assert chart.symbol == "BINANCE:BTCUSDT" and chart.problem is None
        assert all(not b.error for b in app.query_one(IndicatorPane).blocks().values())


async def test_moving_averages_are_drawn_over_the_candles(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        app.set_indicators(["STD;RSI", "STD;SMA"])
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: "STD;SMA" in chart.overlays, 10, "the SMA overlay")
        _titles, points = chart.overlays["STD;SMA"]
        bar_times = {b.time for b in chart.bars}
        assert len(points) > 10 and {p.time for p in points} <= bar_times
        block = app.query_one(IndicatorPane).blocks()["STD;SMA"]
        assert "on chart" in str(block.query_one(".legend").render())
        app.set_indicators(["STD;RSI"])
        await wait_until(pilot, lambda: "STD;SMA" not in chart.overlays, 5, "the SMA gone")


async def test_q_quits_at_once_even_while_a_symbol_check_hangs(tmp_path: Path) -> None:
    import time

    with Simulator(SimConfig(seed=4, time_scale=60.0, tick_interval=0.5)) as sim:
        app = app_for(sim, tmp_path, symbols=["NASDAQ:AAPL"])
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: data_ready(app), 10, "data")
            sim.faults.http_delay = 45.0  # the scanner answers after 45 s
            await pilot.press("a", *"NASDAQ:MSFT", "enter")
            entry = app.screen
            await wait_until(pilot, lambda: entry.state == "checking", 5, "the check")
            started = time.monotonic()
            await pilot.press("escape", "q")
            await wait_until(pilot, lambda: not app.is_running, 6, "the app to exit")
        # well before the check's 45 s (a quit that waited for it would take them all):
        # run_test's own teardown is in the figure, 3-8 s on a machine with a CPU hog
        assert time.monotonic() - started < 25
        sim.faults.reset()
