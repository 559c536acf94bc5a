"""The Trend column names its period and starts from the day's history (the app and its
simulator). Last's colour and the tick's flash: tests/ui/test_watchlist_widget.py."""

from __future__ import annotations

from tests.support import wait_until
from tvtui.ui.app import TvtuiApp
from tvtui.ui.coalesce import TREND_TIMEFRAME
from tvtui.ui.widgets.watchlist import Watchlist

SIZE = (160, 45)
SYMBOLS = ["BINANCE:BTCUSDT", "NASDAQ:AAPL", "FX:EURUSD"]


async def test_the_trend_column_names_its_period_and_starts_from_history(make_app) -> None:
    app: TvtuiApp = make_app(symbols=SYMBOLS)
    async with app.run_test(size=SIZE) as pilot:
        watchlist = app.query_one(Watchlist)
        assert f"Trend {TREND_TIMEFRAME}" in watchlist.header_text()
        # seconds after the start every symbol has a trend of many points: the day's bars
        await wait_until(
            pilot,
            lambda: all(len(watchlist.trends.get(s, ())) >= 20 for s in SYMBOLS),
            10,
            "trends from history",
        )
