"""Studies computed by the simulator, the anonymous study limit, auth and parameter errors."""

from __future__ import annotations

import itertools
import math

from tvtui.feed import messages as msg
from tvtui.feed import wire
from tvtui.feed.events import (
    CriticalError,
    ProtocolError,
    QuoteUpdate,
    SeriesData,
    StudyCompleted,
    StudyData,
    StudyError,
    StudyLoading,
)

JWT = "eyJhbGciOiJSUzUxMiJ9.eyJ1c2VyX2lkIjoxLCJwbGFuIjoicHJvIn0.c2lnbmF0dXJlLWJ5dGVz"


def _chart(client, token="unauthorized_user_token", symbol="BINANCE:BTCUSDT", res="1", count=60):
    client.send(
        msg.set_auth_token(token),
        msg.chart_create_session("cs_s"),
        msg.resolve_symbol("cs_s", "sds_sym_1", symbol),
        msg.create_series("cs_s", "sds_1", "s1", "sds_sym_1", res, count),
    )
    return client.wait_for(lambda e: isinstance(e, SeriesData) and e.update == "history")


def _study(client, study_id, pine_id, **inputs):
    client.send(msg.create_study("cs_s", study_id, "sds_1", {"pineId": pine_id, **inputs}))


def _rsi(closes, length=14):
    """Reference RSI (Wilder), independent of the simulator's incremental code."""
    gains = [max(b - a, 0.0) for a, b in itertools.pairwise(closes)]
    losses = [max(a - b, 0.0) for a, b in itertools.pairwise(closes)]
    up = sum(gains[:length]) / length
    down = sum(losses[:length]) / length
    out = [None] * length + [100 - 100 / (1 + up / down)]
    for g, l_ in zip(gains[length:], losses[length:], strict=False):
        up = (up * (length - 1) + g) / length
        down = (down * (length - 1) + l_) / length
        out.append(100 - 100 / (1 + up / down))
    return out  # aligned with closes


def test_rsi_points_match_a_reference_computation(sim, connect):
    client = connect(sim)
    history = _chart(client, count=40)
    _study(client, "st1", "STD;RSI")
    client.wait_for(lambda e: isinstance(e, StudyLoading) and e.study_id == "st1")
    data = client.wait_for(lambda e: isinstance(e, StudyData) and e.study_id == "st1")
    client.wait_for(lambda e: isinstance(e, StudyCompleted) and e.study_id == "st1")
    closed = history.bars[:-1]
    by_time = {p.time: p for p in data.points}
    assert [b.time for b in closed] == [t for t in sorted(by_time) if t <= closed[-1].time]
    # Recompute RSI from the truth, with a long warm-up so Wilder's smoothing has converged.
    start = closed[0].time - 400 * 60
    truth = sim.bars("BINANCE:BTCUSDT", "1", start, closed[-1].time + 1)
    reference = _rsi([b[4] for b in truth])
    ref_by_time = {b[0]: r for b, r in zip(truth, reference, strict=True)}
    for bar in closed:
        point = by_time[bar.time]
        assert point.index == bar.index
        assert math.isclose(point.values[0], ref_by_time[bar.time], abs_tol=1e-6)
        assert 0.0 <= point.values[0] <= 100.0
    # plot 1 is the 14-period SMA of the RSI
    last = closed[-1].time
    window = [ref_by_time[last - 60 * k] for k in range(14)]
    assert math.isclose(by_time[last].values[1], sum(window) / 14, abs_tol=1e-6)


def test_macd_plots_are_histogram_macd_signal_and_go_live(sim, connect):
    client = connect(sim)
    _chart(client)
    _study(client, "st2", "STD;MACD")
    data = client.wait_for(lambda e: isinstance(e, StudyData) and e.study_id == "st2")
    for point in data.points:
        hist, macd, signal = point.values
        assert math.isclose(hist, macd - signal, abs_tol=1e-9)
    live = client.wait_new(
        lambda e: isinstance(e, StudyData) and e.study_id == "st2" and e.update == "live",
        what="live study point",
    )
    assert live.points and len(live.points[-1].values) == 3


def test_third_study_for_an_anonymous_token_is_refused_and_remove_frees_a_slot(sim, connect):
    client = connect(sim)
    _chart(client)
    _study(client, "st1", "STD;RSI")
    _study(client, "st2", "STD;MACD")
    _study(client, "st3", "STD;CCI")
    error = client.wait_for(lambda e: isinstance(e, StudyError) and e.study_id == "st3")
    assert "maximum number of studies per chart" in error.reason
    client.send(msg.remove_study("cs_s", "st1"))
    _study(client, "st4", "STD;CCI")
    data = client.wait_for(lambda e: isinstance(e, StudyData) and e.study_id == "st4")
    assert data.points


def test_a_jwt_shaped_token_allows_more_studies(sim, connect):
    client = connect(sim)
    _chart(client, token=JWT)
    for k, pine in enumerate(["STD;RSI", "STD;MACD", "STD;CCI", "STD;SMA", "STD;EMA"]):
        _study(client, f"st{k}", pine)
    for k in range(5):
        client.wait_for(lambda e, k=k: isinstance(e, StudyCompleted) and e.study_id == f"st{k}")
    assert not any(isinstance(e, StudyError) for e in client.events)


def test_unknown_and_premium_studies_get_study_error(sim, connect):
    client = connect(sim)
    _chart(client, token=JWT)
    _study(client, "st1", "STD;NoSuchStudy")
    _study(client, "st2", "STD;Volume%Profile")
    _study(client, "st3", "PUB;abc123")
    unknown = client.wait_for(lambda e: isinstance(e, StudyError) and e.study_id == "st1")
    assert "NoSuchStudy" in unknown.reason
    for sid in ("st2", "st3"):
        premium = client.wait_for(lambda e, s=sid: isinstance(e, StudyError) and e.study_id == s)
        assert premium.reason.startswith("study_not_auth:")


def test_bad_token_gets_protocol_error_and_the_connection_closes(sim, connect):
    client = connect(sim)
    client.send(msg.set_auth_token("not-a-token"))
    error = client.wait_for(lambda e: isinstance(e, ProtocolError))
    assert "bad auth token" in str(error)
    assert client.wait_closed(timeout=3)


def test_invalid_resolution_is_a_critical_error(sim, connect):
    client = connect(sim)
    client.send(
        msg.chart_create_session("cs_s"),
        msg.resolve_symbol("cs_s", "sds_sym_1", "NASDAQ:AAPL"),
        msg.create_series("cs_s", "sds_1", "s1", "sds_sym_1", "XX", 10),
    )
    error = client.wait_for(lambda e: isinstance(e, CriticalError))
    text = str(error)
    assert "invalid parameters" in text and "create_series" in text and "XX" in text


def test_modify_series_switches_symbol_and_resolution(sim, connect):
    client = connect(sim)
    _chart(client, count=20)
    client.send(
        msg.resolve_symbol("cs_s", "sds_sym_2", "NASDAQ:MSFT"),
        msg.modify_series("cs_s", "sds_1", "s2", "sds_sym_2", "5"),
    )
    history = client.wait_for(
        lambda e: isinstance(e, SeriesData) and e.update == "history" and e.version == "s2"
    )
    closed = history.bars[:-1]
    assert len(closed) == 20
    truth = sim.bars("NASDAQ:MSFT", "5", closed[0].time, closed[-1].time + 1)
    assert [(b.time, b.open, b.high, b.low, b.close, b.volume) for b in closed] == truth


def test_request_more_data_sends_the_older_bars(sim, connect):
    client = connect(sim)
    first = _chart(client, symbol="OANDA:GBPJPY", res="15", count=30)
    client.send(msg.request_more_data("cs_s", "sds_1", 25))
    older = client.wait_new(lambda e: isinstance(e, SeriesData) and e.update == "history")
    assert len(older.bars) == 25
    assert older.bars[-1].time == first.bars[0].time - 900
    assert older.bars[-1].index == -1 and older.bars[0].index == -25
    truth = sim.bars("OANDA:GBPJPY", "15", older.bars[0].time, first.bars[0].time)
    assert [(b.time, b.open, b.high, b.low, b.close, b.volume) for b in older.bars] == truth


def test_garbage_messages_never_break_the_connection(sim, connect):
    client = connect(sim)
    client.read()
    weird: list = [None, 1, "x", [], {}, [1, 2], {"a": 1}, -5, 10**30, "=", "={bad"]
    methods = [
        "quote_create_session", "quote_add_symbols", "quote_set_fields", "chart_create_session",
        "resolve_symbol", "create_series", "modify_series", "request_more_data",
        "create_study", "remove_study", "remove_series", "switch_timezone", "no_such_method",
    ]  # fmt: skip
    client.send(msg.chart_create_session("cs_g"), msg.quote_create_session("qs_g"))
    for k, method in enumerate(methods):
        for session in ("cs_g", "qs_g", weird[k % len(weird)]):
            params = [session, *weird[k % 4 :][:3], weird[(k * 3) % len(weird)]]
            client.send({"m": method, "p": params})
    client.ws.send(wire.frame("not json at all"))
    client.ws.send(wire.frame('{"m": 5, "p": "nope"}'))
    client.send(msg.quote_create_session("qs_ok"), msg.quote_add_symbols("qs_ok", "NYSE:IBM"))
    update = client.wait_for(lambda e: isinstance(e, QuoteUpdate) and e.session == "qs_ok")
    assert update.status == "ok"
    assert sim.errors == []
    assert not client.closed


def test_the_server_records_what_the_client_sent_in_order(sim, connect):
    client = connect(sim)
    sent = [msg.set_auth_token(JWT), msg.quote_create_session("qs_1")]
    client.send(*sent)
    client.read_for(0.3)
    assert sim.received == sent  # heartbeat echoes are not recorded
    assert sim.sent[0].get("m") is None  # the hello
    assert sim.stats.frames_sent >= 1
