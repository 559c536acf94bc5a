"""The extra quote fields a watchlist's columns show: bid, ask and the 52-week range.

Through the real WebSocket: the client asks for them (``quote_set_fields``), the simulator
answers as TradingView does (a snapshot with every field, then deltas of only what changed;
bid below the last price, ask above; the 52-week range agreeing with the daily bars), and the
app shows them in a list's chosen columns with the symbol's own precision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support import SIZE, eventually, wait_until
from tvtui.feed.events import QuoteUpdate
from tvtui.feed.messages import QUOTE_FIELDS
from tvtui.sim.trades import DAY
from tvtui.ui.app import TvtuiApp
from tvtui.ui.widgets.watchlist import Watchlist

BTC, EUR, KRX = "BINANCE:BTCUSDT", "FX:EURUSD", "KRX:005930"
EXTRA = ("bid", "ask", "price_52_week_high", "price_52_week_low")


def qsd_of(sim: Any, symbol: str) -> list[dict[str, Any]]:
    """The ``v`` of every ``qsd`` the simulator sent for ``symbol``, in order."""
    return [
        packet["p"][1]["v"]
        for packet in sim.sent
        if packet.get("m") == "qsd" and packet["p"][1].get("n") == symbol
    ]


def test_the_feed_asks_for_bid_ask_and_the_52_week_range_and_gets_them_as_deltas(
    sim, make_client, collector
) -> None:
    client = make_client(sim, collector)
    client.add_symbols(BTC, EUR, KRX)
    # a snapshot and at least five deltas each
    eventually(lambda: all(len(qsd_of(sim, s)) >= 6 for s in (BTC, EUR, KRX)), 15, "deltas")
    [asked] = [m["p"][1:] for m in sim.received if m.get("m") == "quote_set_fields"]
    assert set(EXTRA) <= set(asked) and tuple(asked) == QUOTE_FIELDS
    for symbol in (BTC, EUR, KRX):
        snapshot, *deltas = qsd_of(sim, symbol)
        assert set(EXTRA) <= set(snapshot)
        merged = dict(snapshot)
        for delta in deltas:
            # only what changed is sent
            assert delta and all(merged.get(k) != v for k, v in delta.items()), delta
            merged.update(delta)
            assert merged["bid"] < merged["lp"] < merged["ask"], merged
            low, high = merged["price_52_week_low"], merged["price_52_week_high"]
            assert low <= merged["low_price"] <= merged["lp"] <= merged["high_price"] <= high
        # the range is the daily bars' over 52 weeks (the server's own bars: the truth)
        day = merged["lp_time"] // DAY * DAY  # the last tick's (simulated) day
        bars = sim.bars(symbol, "1D", day - (52 * 7 - 1) * DAY, day)
        assert merged["price_52_week_high"] == max(merged["high_price"], *(b[2] for b in bars))
        assert merged["price_52_week_low"] == min(merged["low_price"], *(b[3] for b in bars))
    # the client merged the same
    last = [e for e in collector.of(QuoteUpdate) if e.symbol == EUR][-1].quote
    assert last is not None and last["bid"] < last["lp"] < last["ask"]


async def test_a_list_shows_bid_ask_and_the_52_week_range_with_the_symbols_precision(
    make_app, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text(
        f'[[watchlists]]\nname = "Quotes"\ncolumns = ["symbol", "last", "bid", "ask", '
        f'"low_52w", "high_52w"]\n\n[[watchlists.sections]]\nsymbols = ["{BTC}", "{EUR}", '
        f'"{KRX}"]\n'
    )
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(Watchlist)
        quotes = app.watchlist.quotes

        def shown() -> bool:
            return all(
                isinstance(quotes.get(s, {}).get(f), float | int)
                for s in (BTC, EUR, KRX)
                for f in EXTRA
            )

        await wait_until(pilot, shown, 15, "every extra field")
        assert pane.visible_columns == ("symbol", "last", "bid", "ask", "low_52w", "high_52w")
        header = pane.header_text()
        assert all(label in header for label in ("Bid", "Ask", "52w low", "52w high"))
        for symbol, decimals in ((BTC, 2), (EUR, 5), (KRX, 0)):

            def cells_agree(s: str = symbol, d: int = decimals) -> bool:
                quote = quotes[s]
                return all(
                    pane.get_cell(s, column).plain == f"{quote[field]:,.{d}f}"
                    for column, field in (
                        ("bid", "bid"),
                        ("ask", "ask"),
                        ("low_52w", "price_52_week_low"),
                        ("high_52w", "price_52_week_high"),
                    )
                )

            await wait_until(pilot, cells_agree, 5, f"{symbol}'s cells")
