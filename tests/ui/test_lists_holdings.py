"""Positions in a list, without an app: the totals in the list's currency, a rate that is not
known yet marked (never a sum that mixes currencies), the FX symbols a list must quote, and the
order rows sort in (values missing go last, either way)."""

from __future__ import annotations

import pytest

from tvtui.config.lists import ListSpec, SectionSpec
from tvtui.market.positions import Lot
from tvtui.ui.watchlist_cells import CellPainter
from tvtui.ui.watchlist_holdings import Holdings, market_pair
from tvtui.ui.watchlist_state import WatchlistState
from tvtui.ui.watchlist_view import TOTALS, build_view, section_key

SAP, AAPL, BTC, TOYOTA = "XETR:SAP", "NASDAQ:AAPL", "BINANCE:BTCUSDT", "TSE:7203"


def state_with(currency: str = "USD") -> WatchlistState:
    state = WatchlistState()
    spec = ListSpec("Mixed", [SectionSpec(None, [SAP, AAPL]), SectionSpec("Asia", [TOYOTA, BTC])])
    spec.currency = currency
    state.use_lists([spec])
    state.positions = {
        SAP: [Lot(10, 100.0)],  # EUR
        AAPL: [Lot(2, 150.0), Lot(-1, 160.0, fees=1.0)],  # USD, half sold
        TOYOTA: [Lot(100, 3000.0)],  # JPY
        BTC: [Lot(-0.1, 70000.0)],  # a short, in USDT
    }
    quotes = {
        SAP: {"lp": 110.0, "prev_close_price": 105.0, "currency_code": "EUR", "chp": 1.0},
        AAPL: {"lp": 170.0, "prev_close_price": 168.0, "currency_code": "USD", "chp": -2.0},
        TOYOTA: {"lp": 3100.0, "prev_close_price": 3000.0, "currency_code": "JPY"},
        BTC: {"lp": 65000.0, "prev_close_price": 66000.0, "currency_code": "USDT", "chp": 3.0},
    }
    state.merge(quotes, {}, now=0.0)
    return state


def test_the_fx_symbols_a_list_needs_are_the_markets_own_pairs() -> None:
    assert market_pair("EUR", "USD") == "FX:EURUSD" and market_pair("USD", "EUR") == "FX:EURUSD"
    assert market_pair("JPY", "USD") == "FX:USDJPY"
    state = state_with("USD")
    assert sorted(Holdings(state).rate_symbols()) == ["FX:EURUSD", "FX:USDJPY"]
    state = state_with("EUR")  # EUR totals: USD, USDT and JPY through USD
    assert sorted(Holdings(state).rate_symbols()) == ["FX:EURUSD", "FX:USDJPY"]


def test_totals_convert_through_fx_quotes_and_name_what_has_no_rate() -> None:
    state = state_with("USD")
    state.rate_symbols = {"FX:EURUSD", "FX:USDJPY"}
    holdings = Holdings(state)
    totals = holdings.totals()  # no rate yet: only the USD (and USDT) positions
    assert set(totals.unconverted) == {SAP, TOYOTA}
    # AAPL: 1 left at 150 -> 170: +20, realised 160-150-1 = +9; BTC short 0.1: +500
    assert totals.total_gain == pytest.approx(20 + 9 + 500)
    assert totals.market_value == pytest.approx(170 - 6500)
    state.merge({"FX:EURUSD": {"lp": 1.1}, "FX:USDJPY": {"lp": 150.0}}, {}, now=1.0)
    assert state.rates_changed
    totals = holdings.totals()
    assert totals.unconverted == []
    assert totals.market_value == pytest.approx(1100 * 1.1 + 170 - 6500 + 310_000 / 150)
    # day gain: SAP 10 x 5 EUR, AAPL 1 x 2, TOYOTA 100 x 100 JPY, BTC -0.1 x -1000
    assert totals.day_gain == pytest.approx(50 * 1.1 + 2 + 10_000 / 150 + 100)


def test_the_totals_row_marks_a_missing_rate() -> None:
    state = state_with("USD")
    painter = CellPainter(state, lambda name: "red", lambda direction: "blue")
    cells = painter.totals_cells()
    assert cells["symbol"][0] == "Σ USD ⚠"
    assert cells["description"][0].startswith("no rate: ")
    assert SAP in cells["description"][0]


def test_sort_within_sections_missing_values_last_and_manual_order_kept() -> None:
    state = state_with("USD")
    holdings = Holdings(state)
    state.shown.sort = "-change_pct"
    assert build_view(state, holdings) == [
        section_key(0), SAP, AAPL, section_key(1), BTC, TOYOTA, TOTALS,
    ]  # fmt: skip
    state.shown.sort = "change_pct"  # TOYOTA has no change: last in both directions
    assert build_view(state, holdings)[3:6] == [section_key(1), BTC, TOYOTA]
    state.shown.sort = "-total_gain"  # as the rows show it: SAP +100 (EUR), AAPL +29
    assert build_view(state, holdings)[:3] == [section_key(0), SAP, AAPL]
    state.shown.sort = None
    assert state.symbols == [SAP, AAPL, TOYOTA, BTC]
    state.shown.sections[1].folded = True
    assert build_view(state, holdings) == [section_key(0), SAP, AAPL, section_key(1), TOTALS]
    state.filter = "sap"
    assert build_view(state, holdings) == [section_key(0), SAP, TOTALS]


def test_an_empty_untitled_part_has_no_header_row() -> None:
    state = WatchlistState()
    state.use_lists([ListSpec("L", [SectionSpec(None, []), SectionSpec("Majors", [BTC])])])
    assert build_view(state, Holdings(state)) == [section_key(1), BTC]
