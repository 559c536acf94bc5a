"""The watchlist repaints only changed cells: what is on screen must still be the latest quote.

The table's render caches are dropped per cell (``tvtui.ui.widgets.table_cells``), so these tests
read the rendered lines, not the table's data: a stale cache would show an old price here.
"""

from __future__ import annotations

from textual.widgets.data_table import RowKey

from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready, wait_until
from tvtui.ui.widgets.watchlist import FLASH_SECONDS, Watchlist

SIZE = (160, 45)
SYMBOLS = ["BINANCE:BTCUSDT", "NASDAQ:AAPL", "FX:EURUSD"]


def screen_line(watchlist: Watchlist, symbol: str) -> str:
    """The text of ``symbol``'s row as the table renders it now."""
    row = watchlist.get_row_index(RowKey(symbol))
    header = watchlist.header_height if watchlist.show_header else 0
    strip = watchlist.render_line(header + row - watchlist.scroll_offset.y)
    return "".join(segment.text for segment in strip)


def quote(price: float, change: float) -> dict:
    return {"lp": price, "ch": change, "chp": change / 10, "description": "Test", "pricescale": 100}


async def test_changed_prices_are_on_screen_and_untouched_rows_keep_theirs(make_app) -> None:
    now = [100.0]
    app: TvtuiApp = make_app(symbols=SYMBOLS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        app.bridge.pause(True)  # from here on only this test's quotes arrive
        await pilot.pause(0.3)
        watchlist = app.query_one(Watchlist)
        watchlist.clock = lambda: now[0]
        trends = {s: (1.0, 2.0) for s in SYMBOLS}
        quotes = {s: quote(1000.0 + k, 5.0) for k, s in enumerate(SYMBOLS)}
        watchlist.update_quotes(quotes, trends)
        await pilot.pause(0.1)
        assert "1,001.00" in screen_line(watchlist, "NASDAQ:AAPL")
        assert "1,002.00" in screen_line(watchlist, "FX:EURUSD")

        # only AAPL moves: its row shows the new price, a flash, the new change
        moved = dict(quotes, **{"NASDAQ:AAPL": quote(1234.5, -7.25)})
        watchlist.update_quotes(moved, trends)
        await pilot.pause(0.1)
        line = screen_line(watchlist, "NASDAQ:AAPL")
        assert "1,234.50" in line and "-7.25" in line and "1,001.00" not in line
        assert "1,002.00" in screen_line(watchlist, "FX:EURUSD")
        flash = watchlist.get_cell("NASDAQ:AAPL", "last").style
        assert " on " in str(flash)  # a background: the flash

        # the same objects again change nothing; the flash goes after FLASH_SECONDS
        watchlist.update_quotes(moved, trends)
        now[0] += FLASH_SECONDS + 0.1
        await pilot.pause(0.5)  # the flash timer runs every 0.2 s
        assert " on " not in str(watchlist.get_cell("NASDAQ:AAPL", "last").style)
        assert "1,234.50" in screen_line(watchlist, "NASDAQ:AAPL")

        # the cursor still moves over freshly painted rows, and Enter opens its symbol
        watchlist.focus()
        start = watchlist.cursor_row
        await pilot.press("j")
        await pilot.pause(0.1)
        assert watchlist.cursor_row == start + 1
        assert "1,234.50" in screen_line(watchlist, "NASDAQ:AAPL")


async def test_a_new_trend_redraws_the_sparkline(make_app) -> None:
    app: TvtuiApp = make_app(symbols=SYMBOLS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        app.bridge.pause(True)
        await pilot.pause(0.3)
        watchlist = app.query_one(Watchlist)
        quotes = {s: quote(100.0, 1.0) for s in SYMBOLS}
        watchlist.update_quotes(quotes, {s: (1.0, 1.0, 1.0) for s in SYMBOLS})
        await pilot.pause(0.1)
        assert "▄▄▄" in screen_line(watchlist, "FX:EURUSD")
        watchlist.update_quotes(quotes, {"FX:EURUSD": (1.0, 2.0, 3.0)})  # the same quotes
        await pilot.pause(0.1)
        assert "▁▄█" in screen_line(watchlist, "FX:EURUSD")
        assert "▄▄▄" in screen_line(watchlist, "NASDAQ:AAPL")
