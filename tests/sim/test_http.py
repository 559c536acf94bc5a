"""The simulator's HTTP endpoints, over real loopback HTTP with urllib (the client's library)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tvtui.feed.endpoints import ORIGIN


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_symbol_check_known_and_unknown(sim):
    status, body = _get(
        f"{sim.http_url}/symbol?symbol=BINANCE%3ABTCUSDT&fields=market&no_404=false"
    )
    assert (status, body) == (200, {"market": "crypto"})
    status, _ = _get(f"{sim.http_url}/symbol?symbol=NASDAQ%3AAAPL&fields=market&no_404=false")
    assert status == 200
    status, _ = _get(f"{sim.http_url}/symbol?symbol=NOPE%3ANOTHING&fields=market&no_404=false")
    assert status == 404


def test_http_requests_are_recorded_with_headers(sim):
    request = urllib.request.Request(
        f"{sim.http_url}/symbol?symbol=FX%3AEURUSD&fields=market&no_404=false",
        headers={"Origin": ORIGIN},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    record = sim.http_requests[-1]
    assert record["path"].startswith("/symbol?symbol=FX%3AEURUSD")
    assert record["headers"]["Origin"] == ORIGIN


@pytest.mark.parametrize("pine_id", ["STD%3BRSI", "STD;RSI"])
def test_pine_facade_translate_rsi(sim, pine_id):
    status, body = _get(f"{sim.http_url}/pine-facade/translate/{pine_id}/last")
    assert status == 200 and body["success"] is True
    meta = body["result"]["metaInfo"]
    assert body["result"]["ilTemplate"]
    assert meta["inputs"][0]["id"] == "text"
    length = next(i for i in meta["inputs"] if i["id"] == "in_0")
    assert (length["name"], length["type"], length["defval"]) == ("Length", "integer", 14) or (
        length["type"],
        length["defval"],
    ) == ("integer", 14)
    assert [p["id"] for p in meta["plots"]] == ["plot_0", "plot_1"]
    assert meta["styles"]["plot_0"]["title"] == "RSI"
    assert meta["pine"]["version"] == "37.0"


def test_pine_facade_macd_plots_and_explicit_version(sim):
    status, body = _get(f"{sim.http_url}/pine-facade/translate/STD%3BMACD/31.0")
    assert status == 200 and body["success"]
    styles = body["result"]["metaInfo"]["styles"]
    assert [styles[f"plot_{k}"]["title"] for k in range(3)] == ["Histogram", "MACD", "Signal"]


def test_pine_facade_unknown_indicator(sim):
    status, body = _get(f"{sim.http_url}/pine-facade/translate/STD%3BNoSuchThing/last")
    assert status == 200
    assert body["success"] is False and "NoSuchThing" in body["reason"]


def test_symbol_search_matches_symbol_and_description_case_insensitively(sim):
    status, body = _get(f"{sim.http_url}/symbol_search/v3/?text=apple&exchange=&start=0")
    assert status == 200
    assert [(s["exchange"], s["symbol"]) for s in body["symbols"]] == [("NASDAQ", "AAPL")]
    assert body["symbols_remaining"] == 0
    status, body = _get(f"{sim.http_url}/symbol_search/v3/?text=btc&exchange=BINANCE&start=0")
    assert {s["symbol"] for s in body["symbols"]} == {"BTCUSDT"}
    status, body = _get(f"{sim.http_url}/symbol_search/v3/?text=btc&start=0")
    assert {f"{s['prefix']}:{s['symbol']}" for s in body["symbols"]} == {
        "BINANCE:BTCUSDT",
        "COINBASE:BTCUSD",
    }
    status, body = _get(f"{sim.http_url}/symbol_search/v3/?text=zzzz&start=0")
    assert body == {"symbols": [], "symbols_remaining": 0}


def test_http_fail_fault_answers_statuses_in_order_then_recovers(sim):
    sim.faults.http_fail = [503, 429]
    url = f"{sim.http_url}/symbol?symbol=BINANCE%3ABTCUSDT&fields=market&no_404=false"
    assert _get(url)[0] == 503
    assert _get(url)[0] == 429
    assert _get(url) == (200, {"market": "crypto"})


def test_symbol_search_type_filter_and_paging(sim):
    status, body = _get(f"{sim.http_url}/symbol_search/v3/?text=&search_type=forex&start=0")
    assert status == 200 and body["symbols"]
    assert {s["type"] for s in body["symbols"]} == {"forex"}
    _, loose = _get(f"{sim.http_url}/symbol_search/v3/?text=usd&search_type=undefined&start=0")
    assert len(loose["symbols"]) > 1  # an unknown type filters nothing
    _, page = _get(f"{sim.http_url}/symbol_search/v3/?text=&start=5")
    _, whole = _get(f"{sim.http_url}/symbol_search/v3/?text=&start=0")
    assert page["symbols"] == whole["symbols"][5:]
