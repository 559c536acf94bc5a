"""Watchlist colours as a trader reads them: Last in the day's colour (like Chg), the tick a
brief flash; the Trend column names its period and starts from the day's history."""

from __future__ import annotations

from tvtui.ui.app import TvtuiApp
from tvtui.ui.coalesce import TREND_TIMEFRAME
from tvtui.ui.scenes import data_ready, wait_until
from tvtui.ui.themes import rich_colour
from tvtui.ui.widgets.watchlist import FLASH_SECONDS, Watchlist

SIZE = (160, 45)
SYMBOLS = ["BINANCE:BTCUSDT", "NASDAQ:AAPL", "FX:EURUSD"]


def quote(price: float, change: float) -> dict:
    return {"lp": price, "ch": change, "chp": change / 10, "description": "Test", "pricescale": 100}


async def test_a_falling_symbol_that_ticks_up_shows_last_in_the_falling_colour(make_app) -> None:
    now = [100.0]
    app: TvtuiApp = make_app(symbols=SYMBOLS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        app.bridge.pause(True)
        await pilot.pause(0.3)
        watchlist = app.query_one(Watchlist)
        watchlist.clock = lambda: now[0]
        down = rich_colour(app.theme_variables, "price-down")
        up = rich_colour(app.theme_variables, "price-up")
        watchlist.update_quotes({"NASDAQ:AAPL": quote(100.0, -3.0)}, {})
        watchlist.update_quotes({"NASDAQ:AAPL": quote(100.5, -2.5)}, {})  # a tick up
        last = watchlist.get_cell("NASDAQ:AAPL", "last").style
        change = watchlist.get_cell("NASDAQ:AAPL", "change").style
        assert str(last).split(" on ")[0].replace("bold ", "") == down  # the day: down
        assert down in str(change)
        assert up not in str(last).split(" on ")[0]
        assert " on " in str(last)  # the tick: a flash behind it
        assert FLASH_SECONDS <= 0.4  # brief
        now[0] += FLASH_SECONDS + 0.05
        await pilot.pause(0.5)
        assert str(watchlist.get_cell("NASDAQ:AAPL", "last").style) == down


async def test_the_trend_column_names_its_period_and_starts_from_history(make_app) -> None:
    app: TvtuiApp = make_app(symbols=SYMBOLS)
    async with app.run_test(size=SIZE) as pilot:
        watchlist = app.query_one(Watchlist)
        labels = [str(column.label) for column in watchlist.columns.values()]
        assert f"Trend {TREND_TIMEFRAME}" in labels
        # seconds after the start every symbol has a trend of many points: the day's bars
        await wait_until(
            pilot,
            lambda: all(len(watchlist.trends.get(s, ())) >= 20 for s in SYMBOLS),
            10,
            "trends from history",
        )
