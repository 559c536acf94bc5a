"""Symbol validation, search and indicator metadata against the simulator's HTTP side."""

from __future__ import annotations

import pytest

from tvtui.feed.endpoints import Endpoints
from tvtui.feed.studies import IndicatorError, clear_cache, fetch_indicator
from tvtui.feed.symbols import (
    SymbolLookupError,
    SymbolNotFoundError,
    search_symbols,
    validate_symbol,
)


def _no_sleep(_seconds: float) -> None:
    pass


def test_symbol_checks_200_404_503_then_200_and_all_fail(sim):
    endpoints = Endpoints.from_env(sim.env())
    assert validate_symbol("nasdaq:AAPL", endpoints) == "NASDAQ:AAPL"
    with pytest.raises(SymbolNotFoundError):
        validate_symbol("NASDAQ:NOPE", endpoints, sleep=_no_sleep)
    assert len(sim.http_requests) == 2  # the 404 was not retried

    sim.faults.http_fail = [503, 503]
    assert validate_symbol("BINANCE:BTCUSDT", endpoints, sleep=_no_sleep) == "BINANCE:BTCUSDT"
    assert len(sim.http_requests) == 5

    sim.faults.http_fail = [503, 502, 429]
    with pytest.raises(SymbolLookupError, match=r"HTTP 429 Too Many Requests \(after 3"):
        validate_symbol("BINANCE:BTCUSDT", endpoints, sleep=_no_sleep)
    headers = sim.http_requests[-1]["headers"]
    assert headers["Origin"] == "https://www.tradingview.com"
    assert headers["Referer"] == "https://www.tradingview.com/"


def test_search_finds_simulated_symbols(sim):
    results = search_symbols("btc", Endpoints.from_env(sim.env()))
    assert "BINANCE:BTCUSDT" in [r["id"] for r in results]


def test_indicator_metadata_and_an_unknown_indicator(sim):
    clear_cache()
    endpoints = Endpoints.from_env(sim.env())
    macd = fetch_indicator("STD;MACD", "last", endpoints)
    assert macd.pine_id == "STD;MACD" and macd.version == "31.0"
    assert len(macd.plot_titles) >= 3
    assert macd.inputs["pineId"] == "STD;MACD"
    assert {k for k in macd.inputs if k.startswith("in_")}
    with pytest.raises(IndicatorError) as info:
        fetch_indicator("STD;Does_Not_Exist", "last", endpoints)
    assert "not found" in info.value.reason
    assert sim.http_requests[0]["path"] == "/pine-facade/translate/STD%3BMACD/last"
