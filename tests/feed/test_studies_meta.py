"""Indicator metadata from a pine-facade-shaped server on loopback."""

from __future__ import annotations

from urllib.parse import unquote

import orjson
import pytest

from tvtui.feed.studies import IndicatorError, clear_cache, fetch_indicator

RSI_RESULT = {
    "success": True,
    "result": {
        "ilTemplate": "bmI9Ks46_encrypted_body",
        "metaInfo": {
            "description": "Relative Strength Index",
            "shortDescription": "RSI",
            "inputs": [
                {"id": "text", "type": "text", "defval": "old_body", "isHidden": True},
                {"id": "pineId", "type": "text", "defval": "STD;RSI"},
                {"id": "in_0", "name": "Length", "type": "integer", "defval": 14},
                {"id": "in_1", "name": "Source", "type": "source", "defval": "close"},
            ],
            "plots": [
                {"id": "plot_0", "type": "line"},
                {"id": "plot_1", "type": "colorer", "target": "plot_0"},
                {"id": "plot_2", "type": "line"},
            ],
            "styles": {"plot_0": {"title": "RSI"}, "plot_2": {"title": "RSI-based MA"}},
            "pine": {"version": "37.0"},
        },
    },
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def test_metadata_becomes_create_study_inputs_and_plot_titles(scripted_http):
    scripted_http.respond((200, orjson.dumps(RSI_RESULT)))
    rsi = fetch_indicator("STD;RSI", "last", scripted_http.endpoints())
    assert (rsi.pine_id, rsi.version, rsi.short_name) == ("STD;RSI", "37.0", "RSI")
    assert rsi.description == "Relative Strength Index"
    assert rsi.plot_titles == ["RSI", "RSI colorer", "RSI-based MA"]
    assert rsi.inputs == {
        "text": "bmI9Ks46_encrypted_body",
        "pineId": "STD;RSI",
        "pineVersion": "37.0",
        "pineFeatures": {"v": '{"indicator":1,"plot":1,"ta":1}', "f": True, "t": "text"},
        "__profile": {"v": False, "f": True, "t": "bool"},
        "in_0": {"v": 14, "f": True, "t": "integer"},
        "in_1": {"v": "close", "f": True, "t": "source"},
    }
    [(path, headers)] = scripted_http.requests
    assert path == "/pine-facade/translate/STD%3BRSI/last"
    assert headers["Origin"] == "https://www.tradingview.com"


def test_ids_with_semicolons_and_percent_signs_reach_the_server_intact(scripted_http):
    scripted_http.respond((200, orjson.dumps(RSI_RESULT)))
    fetch_indicator("STD;Cumulative%1Volume%1Delta", "3.0", scripted_http.endpoints())
    path = scripted_http.requests[0][0]
    assert path == "/pine-facade/translate/STD%3BCumulative%251Volume%251Delta/3.0"
    assert unquote(path.split("/")[3]) == "STD;Cumulative%1Volume%1Delta"


def test_metadata_is_cached_per_endpoint_id_and_version(scripted_http):
    scripted_http.respond((200, orjson.dumps(RSI_RESULT)))
    endpoints = scripted_http.endpoints()
    first = fetch_indicator("STD;RSI", "37.0", endpoints)
    assert fetch_indicator("STD;RSI", "37.0", endpoints) is first
    assert len(scripted_http.requests) == 1
    fetch_indicator("STD;RSI", "last", endpoints)
    assert len(scripted_http.requests) == 2


def test_server_refusal_carries_its_reason_and_is_not_cached(scripted_http):
    scripted_http.respond((200, '{"success": false, "reason": "script not found"}'))
    with pytest.raises(IndicatorError) as info:
        fetch_indicator("USER;nope", "1.0", scripted_http.endpoints())
    assert info.value.reason == "script not found"
    assert "script not found" in str(info.value)
    assert isinstance(info.value, ValueError)
    scripted_http.respond((200, orjson.dumps(RSI_RESULT)))
    assert fetch_indicator("USER;nope", "1.0", scripted_http.endpoints()).short_name == "RSI"


def test_http_errors_and_garbage_are_indicator_errors(scripted_http):
    scripted_http.respond((404, "no"))
    with pytest.raises(IndicatorError, match="HTTP 404 Not Found"):
        fetch_indicator("STD;RSI", "1.0", scripted_http.endpoints())
    scripted_http.respond((200, "<html>not json</html>"))
    with pytest.raises(IndicatorError, match="unexpected reply"):
        fetch_indicator("STD;RSI", "2.0", scripted_http.endpoints())
    with pytest.raises(IndicatorError, match="empty"):
        fetch_indicator("", "1.0", scripted_http.endpoints())
    with pytest.raises(IndicatorError, match="printable"):
        fetch_indicator("STD;RSI\n", "1.0", scripted_http.endpoints())
