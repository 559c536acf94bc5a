"""Symbol validation and search over a real loopback HTTP server."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from tvtui.feed.endpoints import ORIGIN, USER_AGENT, Endpoints
from tvtui.feed.symbols import (
    SymbolLookupError,
    SymbolNotFoundError,
    search_symbols,
    validate_symbol,
)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_a_known_symbol_is_valid_and_the_request_looks_like_the_browser(scripted_http):
    scripted_http.respond((200, '{"market":"crypto"}'))
    assert validate_symbol("binance:BTCUSDT", scripted_http.endpoints()) == "BINANCE:BTCUSDT"
    [(path, headers)] = scripted_http.requests
    parts = urlsplit(path)
    assert parts.path == "/symbol"
    assert "symbol=BINANCE%3ABTCUSDT" in parts.query
    assert parse_qs(parts.query) == {
        "symbol": ["BINANCE:BTCUSDT"],
        "fields": ["market"],
        "no_404": ["false"],
    }
    assert headers["Origin"] == ORIGIN
    assert headers["Referer"].startswith(ORIGIN)
    assert headers["User-Agent"] == USER_AGENT


def test_unknown_symbol_fails_at_once_without_retrying(scripted_http):
    scripted_http.respond((404, '{"error":"not found"}'))
    sleeps = Sleeps()
    with pytest.raises(SymbolNotFoundError, match=r"BINANCE:NOPE does not exist"):
        validate_symbol("BINANCE:NOPE", scripted_http.endpoints(), sleep=sleeps)
    assert len(scripted_http.requests) == 1
    assert sleeps == []


def test_a_transient_503_is_retried_then_succeeds(scripted_http):
    scripted_http.respond((503, "busy"), (503, "busy"), (200, "{}"))
    sleeps = Sleeps()
    assert validate_symbol("NASDAQ:AAPL", scripted_http.endpoints(), sleep=sleeps) == "NASDAQ:AAPL"
    assert len(scripted_http.requests) == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] > 0  # backoff between attempts


def test_when_every_attempt_fails_the_error_says_why(scripted_http):
    scripted_http.respond((429, "slow down"))
    sleeps = Sleeps()
    with pytest.raises(SymbolLookupError) as info:
        validate_symbol("NASDAQ:AAPL", scripted_http.endpoints(), attempts=4, sleep=sleeps)
    assert "HTTP 429 Too Many Requests" in str(info.value)
    assert "4 attempts" in str(info.value)
    assert len(scripted_http.requests) == 4
    assert len(sleeps) == 3
    assert isinstance(info.value, ValueError)


def test_an_unreachable_scanner_is_a_lookup_error_not_a_crash():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once we leave: nothing listens there
    endpoints = Endpoints.from_env({"TVTUI_SCANNER_URL": f"http://127.0.0.1:{port}"})
    sleeps = Sleeps()
    with pytest.raises(SymbolLookupError, match="connection refused"):
        validate_symbol("NASDAQ:AAPL", endpoints, attempts=2, sleep=sleeps, timeout=2)
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    "text", ["", "../etc/passwd", "BINANCE:BTC\x00", "X:" + "A" * 10_000, "ф:Ф"]
)
def test_hostile_input_is_refused_before_any_request(scripted_http, text):
    with pytest.raises(ValueError, match="EXCHANGE:SYMBOL"):
        validate_symbol(text, scripted_http.endpoints())
    assert scripted_http.requests == []


def test_search_returns_ids_the_feed_takes(scripted_http):
    body = {
        "symbols": [
            {"symbol": "<em>BTC</em>USDT", "exchange": "BINANCE", "description": "Bitcoin"},
            {"symbol": "AAPL", "exchange": "NASDAQ", "prefix": "NASDAQ", "type": "stock"},
            "garbage",
        ],
        "symbols_remaining": 0,
    }
    scripted_http.respond((200, orjson.dumps(body)))
    results = search_symbols("binance:btc", scripted_http.endpoints(), limit=5)
    assert [r["id"] for r in results] == ["BINANCE:BTCUSDT", "NASDAQ:AAPL"]
    assert results[0]["symbol"] == "BTCUSDT"
    query = parse_qs(urlsplit(scripted_http.requests[0][0]).query)
    assert query["text"] == ["BTC"] and query["exchange"] == ["BINANCE"]
    assert scripted_http.requests[0][1]["Origin"] == ORIGIN


def test_search_limit_blank_text_and_failures(scripted_http):
    scripted_http.respond(
        (200, orjson.dumps([{"symbol": f"S{i}", "exchange": "X"} for i in range(9)]))
    )
    assert len(search_symbols("s", scripted_http.endpoints(), limit=3)) == 3
    assert search_symbols("  \x00 ", scripted_http.endpoints()) == []
    scripted_http.respond((500, "down"))
    with pytest.raises(SymbolLookupError, match="HTTP 500"):
        search_symbols("AAPL", scripted_http.endpoints())
