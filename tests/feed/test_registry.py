"""The subscription registry: what is replayed after a reconnect, in which order, and how
much history is asked for to cover the gap."""

from __future__ import annotations

from tvtui.feed.events import Bar
from tvtui.feed.registry import MAX_BARS, Registry, SeriesHandle, backfill_count
from tvtui.feed.studies import Indicator

from .helpers import CHART_ORDER, CONNECT_ORDER

RSI = Indicator("STD;RSI", "37.0", "Relative Strength Index", "RSI", ["RSI"], {"text": "x"})


def methods(out):
    return [m["m"] for m in out]


def make() -> Registry:
    reg = Registry("qs_test", token="secret-jwt", locale=("en", "US"))
    reg.add_symbols(["BINANCE:BTCUSDT", "NASDAQ:AAPL"])
    reg.open_series(SeriesHandle("cs_a", "sds_1", "BINANCE:BTCUSDT", "1m", 300))
    reg.add_study("cs_a", "st9", RSI)
    reg.open_series(SeriesHandle("cs_b", "sds_1", "NASDAQ:AAPL", "1h", 100))
    return reg


def test_replay_restores_everything_in_the_order_the_server_needs():
    out = make().replay(now=1_700_000_000)
    assert methods(out) == [*CONNECT_ORDER, *CHART_ORDER, "create_study", *CHART_ORDER]
    assert out[0]["p"] == ["secret-jwt"]
    assert out[4]["p"] == ["qs_test", "BINANCE:BTCUSDT", "NASDAQ:AAPL"]
    assert out[9]["p"] == ["cs_a", "sds_1", "s1", "sds_sym_1", "1", 300, ""]
    assert out[10]["p"][:5] == ["cs_a", "st9", "st1", "sds_1", "Script@tv-scripting-101!"]
    assert out[10]["p"][5] is RSI.inputs
    assert out[14]["p"] == ["cs_b", "sds_1", "s1", "sds_sym_1", "60", 100, ""]


def test_commands_return_what_to_send_and_removed_things_are_not_replayed():
    reg = make()
    reg.replay(now=0)
    assert methods(reg.add_symbols(["NASDAQ:AAPL"])) == []  # already there
    assert methods(reg.add_symbols(["FX:EURUSD"])) == ["quote_add_symbols", "quote_fast_symbols"]
    assert reg.remove_symbols(["NASDAQ:AAPL"])[0]["p"] == ["qs_test", "NASDAQ:AAPL"]
    assert reg.remove_study("cs_a", "st9")[0]["m"] == "remove_study"
    assert reg.close_series("cs_b")[0] == {"m": "chart_delete_session", "p": ["cs_b"]}
    out = reg.replay(now=0)
    assert out[4]["p"] == ["qs_test", "BINANCE:BTCUSDT", "FX:EURUSD"]
    assert "create_study" not in methods(out)
    assert methods(out).count("create_series") == 1


def test_first_symbol_on_a_live_connection_creates_the_quote_session():
    reg = Registry("qs_x")
    reg.replay(now=0)  # no symbols: no quote session yet
    assert methods(reg.add_symbols(["BINANCE:BTCUSDT"])) == [
        "quote_create_session",
        "quote_set_fields",
        "quote_add_symbols",
        "quote_fast_symbols",
    ]
    reg.connection_lost()
    assert reg.replay(now=0)[2]["m"] == "quote_create_session"


def test_modify_series_switches_version_and_symbol_id_and_is_what_gets_replayed():
    reg = make()
    new = SeriesHandle("cs_a", "sds_1", "NASDAQ:AAPL", "5m", 300, "s2", "sds_sym_2")
    out = reg.modify_series(new)
    assert out[0]["p"][:2] == ["cs_a", "sds_sym_2"]
    assert out[1]["p"] == ["cs_a", "sds_1", "s2", "sds_sym_2", "5", ""]
    replay = reg.replay(now=0)
    create = next(m for m in replay if m["m"] == "create_series" and m["p"][0] == "cs_a")
    assert create["p"] == ["cs_a", "sds_1", "s2", "sds_sym_2", "5", 300, ""]


def test_backfill_asks_for_enough_bars_to_cover_the_gap():
    assert backfill_count(300, None, now=10_000, seconds=60) == 300
    assert backfill_count(300, 0, now=600, seconds=60) == 300  # 12 bars missed < 300
    assert backfill_count(10, 0, now=600, seconds=60) == 12  # ceil(10) + 2
    assert backfill_count(10, 0, now=601, seconds=60) == 13
    assert backfill_count(10, 0, now=10**9, seconds=60) == MAX_BARS


def test_replay_uses_the_last_bar_seen_of_the_current_version():
    reg = Registry("qs")
    reg.open_series(SeriesHandle("cs_a", "sds_1", "BINANCE:BTCUSDT", "1m", 5))
    bars = [Bar(t, 1, 1, 1, 1) for t in (0.0, 60.0, 120.0)]
    reg.note_bars("cs_a", "sds_1", "s1", bars)
    reg.note_bars("cs_a", "sds_1", "s0", [Bar(99_999.0, 1, 1, 1, 1)])  # stale version: ignored
    reg.note_bars("cs_a", "other", "s1", [Bar(99_999.0, 1, 1, 1, 1)])  # another series
    create = next(m for m in reg.replay(now=120.0 + 60 * 30) if m["m"] == "create_series")
    assert create["p"][5] == 32  # 30 bars missed + 2


def test_request_more_is_remembered_for_the_replay():
    reg = Registry("qs")
    reg.open_series(SeriesHandle("cs_a", "sds_1", "BINANCE:BTCUSDT", "1m", 100))
    assert reg.request_more("cs_a", 400) == [
        {"m": "request_more_data", "p": ["cs_a", "sds_1", 400]}
    ]
    create = next(m for m in reg.replay(now=0) if m["m"] == "create_series")
    assert create["p"][5] == 500


def test_commands_for_unknown_sessions_send_nothing():
    reg = Registry("qs")
    assert reg.close_series("cs_nope") == []
    assert reg.request_more("cs_nope", 10) == []
    assert reg.add_study("cs_nope", "st9", RSI) == []
    assert reg.remove_study("cs_nope", "st9") == []
    assert reg.remove_symbols(["X:Y"]) == []
