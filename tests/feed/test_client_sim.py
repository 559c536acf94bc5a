"""FeedClient against the simulator over a real loopback socket: the happy paths.

Handshake, quotes, series (history equal to the simulator's truth, then live bars), studies,
heartbeat echo, and the series commands (modify, close, request more).
"""

from __future__ import annotations

import contextlib
import queue
import time

import pytest
import websocket

from tests.support import eventually, holds_for
from tvtui.feed.endpoints import ORIGIN, USER_AGENT, Endpoints
from tvtui.feed.events import (
    Hello,
    LinkState,
    QuoteUpdate,
    SeriesData,
    StudyData,
    StudyError,
)
from tvtui.feed.studies import fetch_indicator

from .helpers import CHART_ORDER, CONNECT_ORDER, assert_true_and_continuous


def test_handshake_headers_are_a_browsers_sent_once(sim, collector, make_client):
    make_client(sim, collector)
    collector.wait_state(LinkState.CONNECTED)
    headers = sim.handshakes[-1]["headers"]
    assert headers["Origin"] == ORIGIN  # one Origin (duplicates would be joined by ", ")
    assert headers["User-Agent"] == USER_AGENT
    assert headers["Accept-Language"] == "en-US,en;q=0.9"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["Pragma"] == "no-cache"
    assert sim.handshakes[-1]["path"] == "/socket.io/websocket?from=chart%2F&type=chart"


def test_commands_given_before_start_are_sent_after_the_hello_in_order(sim, collector, make_client):
    client = make_client(sim, collector, start=False)
    client.add_symbols("binance:BTCUSDT")
    handle = client.open_series("NASDAQ:AAPL", "5m", 20)
    assert client.state == LinkState.CLOSED
    client.start()
    status = collector.wait_state(LinkState.CONNECTED)
    assert status.message == f"Connected to {sim.ws_url}"
    events = collector.snapshot()
    assert isinstance(events[1], Hello)  # CONNECTING, then the hello, then CONNECTED
    collector.wait_for(lambda evs: any(isinstance(e, SeriesData) for e in evs))
    sent = [(m["m"], m["p"]) for m in sim.received]
    assert [m for m, _ in sent[:10]] == [*CONNECT_ORDER, *CHART_ORDER]
    assert sent[0][1] == ["unauthorized_user_token"]
    assert sent[4][1] == [client.quote_session, "BINANCE:BTCUSDT"]
    assert sent[9][1] == [handle.chart_session, "sds_1", "s1", "sds_sym_1", "5", 20, ""]


def test_quotes_arrive_as_a_snapshot_then_deltas_merged_into_full_quotes(
    sim, collector, make_client
):
    client = make_client(sim, collector)
    assert client.add_symbols("NASDAQ:AAPL") == ["NASDAQ:AAPL"]

    def quotes(events):
        found = [e for e in events if isinstance(e, QuoteUpdate) and e.symbol == "NASDAQ:AAPL"]
        return found if len(found) >= 6 else None

    updates = collector.wait_for(quotes)
    first, later = updates[0], updates[1:]
    assert {"lp", "description", "pro_name", "volume"} <= set(first.changes)
    assert any(len(u.changes) < len(first.changes) for u in later)  # deltas carry less
    latest: dict = {}
    for update in updates:
        latest.update(update.changes)
        assert update.quote == latest  # every update carries the full merged quote
    assert updates[-1].quote["pro_name"] == "NASDAQ:AAPL"


def test_series_history_equals_the_truth_then_live_bars_follow(sim, collector, make_client):
    client = make_client(sim, collector)
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 30)

    def history(events):
        return next(
            (e for e in events if isinstance(e, SeriesData) and e.update == "history"), None
        )

    first = collector.wait_for(history)
    assert first.session == handle.chart_session and first.series_id == "sds_1"
    assert len(first.bars) == 31  # 30 closed bars and the forming one
    closed = first.bars[:-1]
    truth = sim.bars("BINANCE:BTCUSDT", "1", closed[0].time, closed[-1].time + 1)
    assert [(b.time, b.open, b.high, b.low, b.close, b.volume) for b in closed] == truth
    last_history = first.bars[-1].time
    # Live bars: wait until three more bars have opened (a 1m bar lasts 0.2 s here).
    collector.wait_for(
        lambda evs: max(collector_bars(evs, handle.chart_session)) >= last_history + 180
    )
    merged = collector.bars(handle.chart_session)
    assert_true_and_continuous(sim, merged, "BINANCE:BTCUSDT", "1", 60)


def collector_bars(events, chart_session):
    times = [0.0]
    for e in events:
        if isinstance(e, SeriesData) and e.session == chart_session:
            times.extend(b.time for b in e.bars)
    return times


def test_a_study_gives_points_on_the_series_bar_times(sim, collector, make_client):
    client = make_client(sim, collector)
    handle = client.open_series("BINANCE:ETHUSDT", "1m", 40)
    rsi = fetch_indicator("STD;RSI", "last", Endpoints.from_env(sim.env()))
    study_id = client.add_study(handle, rsi)
    assert study_id == "st9"
    assert client.add_study(handle, rsi) == "st10"

    def points(events):
        found = [e for e in events if isinstance(e, StudyData) and e.study_id == study_id]
        live = [e for e in found if e.update == "live" and e.points]
        return found if found and live else None

    found = collector.wait_for(points)
    assert all(e.session == handle.chart_session for e in found)
    times = {p.time for e in found for p in e.points}
    bar_times = set(collector.bars(handle.chart_session))
    assert len(times) >= 30 and times <= bar_times
    values = [v for e in found for p in e.points for v in p.values if v is not None]
    assert values and all(0 <= v <= 100 for v in values[:1])  # RSI's first plot is in 0..100
    create = [m for m in sim.received if m["m"] == "create_study"]
    assert create[0]["p"][:5] == [
        handle.chart_session,
        "st9",
        "st1",
        "sds_1",
        "Script@tv-scripting-101!",
    ]
    assert create[0]["p"][5] == rsi.inputs


def test_heartbeats_are_echoed_even_when_packed_with_data(sim_factory, collector, make_client):
    # the server drops a silent client after 3 s (a busy machine may keep ours waiting a second)
    sim = sim_factory(heartbeat_interval=0.5, heartbeat_timeout=3.0)
    client = make_client(sim, collector)
    client.add_symbols("BINANCE:BTCUSDT")
    client.open_series("BINANCE:BTCUSDT", "1m", 5)
    collector.wait_state(LinkState.CONNECTED)
    # A raw client that never echoes, for contrast: the server drops it.
    raw = websocket.create_connection(sim.ws_url, timeout=5)
    try:
        eventually(lambda: sim.stats.heartbeat_timeouts >= 1, 10, "the silent client dropped")
        # well past the timeout once more: the echoing client is not dropped
        holds_for(lambda: sim.stats.heartbeat_timeouts == 1, 3.5, "only the silent one dropped")
    finally:
        raw.close()
    stats = client.stats
    assert stats.heartbeats_echoed >= 6
    assert sim.stats.heartbeat_timeouts == 1  # only the raw client
    # the client counts an echo as it sends it: the server reads it a moment later
    eventually(lambda: sim.stats.heartbeats_echoed >= stats.heartbeats_echoed - 1, 5, "echoes read")
    assert client.state == LinkState.CONNECTED and stats.connections == 1
    # With live data, every other heartbeat shares a WebSocket message with a du/qsd.
    assert stats.frames > stats.messages


def test_modify_request_more_and_close_series(sim, collector, make_client):
    client = make_client(sim, collector)
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 10)
    collector.wait_for(lambda evs: any(isinstance(e, SeriesData) for e in evs))

    new = client.modify_series(handle, symbol="NASDAQ:TSLA", timeframe="5m")
    assert (new.chart_session, new.series_id) == (handle.chart_session, "sds_1")
    assert (new.symbol, new.timeframe, new.version, new.symbol_id) == (
        "NASDAQ:TSLA",
        "5m",
        "s2",
        "sds_sym_2",
    )

    def version2(events):
        return next(
            (e for e in events if isinstance(e, SeriesData) and e.version == "s2" and e.bars),
            None,
        )

    switched = collector.wait_for(version2)
    closed = switched.bars[:-1]
    truth = sim.bars("NASDAQ:TSLA", "5", closed[0].time, closed[-1].time + 1)
    assert [(b.time, b.open, b.high, b.low, b.close, b.volume) for b in closed] == truth

    mark = len(collector.snapshot())
    client.request_more(handle, 20)
    older = collector.wait_for(
        lambda evs: next(
            (
                e
                for e in evs[mark:]
                if isinstance(e, SeriesData) and e.update == "history" and e.bars
            ),
            None,
        )
    )
    assert older.bars[-1].time < closed[0].time  # bars before the ones loaded

    client.close_series(new)
    collector.wait_for(lambda evs: any(m["m"] == "chart_delete_session" for m in sim.received))
    sent = sim.stats.frames_sent  # what was on the wire when the server took the delete
    eventually(lambda: client.stats.frames >= sent, 10, "the frames already sent")
    mark = len(collector.snapshot())
    holds_for(  # a live series here updates every 0.05 s
        lambda: not [e for e in collector.snapshot()[mark:] if isinstance(e, SeriesData)],
        0.6,
        "no update of the closed series",
    )
    with pytest.raises(ValueError, match="not open"):
        client.modify_series(new, timeframe="1h")


def test_bad_arguments_fail_in_the_callers_thread_and_nothing_is_sent(sim, collector, make_client):
    client = make_client(sim, collector)
    collector.wait_state(LinkState.CONNECTED)
    with pytest.raises(ValueError, match="Unknown timeframe '7m'"):
        client.open_series("BINANCE:BTCUSDT", "7m")
    with pytest.raises(ValueError, match="EXCHANGE:SYMBOL"):
        client.open_series("BTCUSDT", "1m")
    with pytest.raises(ValueError, match="1 to 5000"):
        client.open_series("BINANCE:BTCUSDT", "1m", count=0)
    with pytest.raises(ValueError, match="EXCHANGE:SYMBOL"):
        client.add_symbols("BINANCE:BTC USDT")

    def hello_only() -> bool:
        return [m["m"] for m in sim.received] == ["set_auth_token", "set_locale"]

    eventually(hello_only, 5, "the client's hello")  # what a connection always sends
    holds_for(hello_only, 0.3, "nothing sent after the hello")


def test_events_go_to_the_queue_when_no_sink_is_given(sim, make_client):
    client = make_client(sim)
    client.add_symbols("FX:EURUSD")
    deadline = time.monotonic() + 10
    seen: list = []
    while time.monotonic() < deadline and not any(isinstance(e, QuoteUpdate) for e in seen):
        with contextlib.suppress(queue.Empty):
            seen.append(client.events.get(timeout=0.5))
    assert any(isinstance(e, QuoteUpdate) and e.symbol == "FX:EURUSD" for e in seen)


def test_a_refused_study_is_an_error_event_and_the_series_goes_on(sim, collector, make_client):
    client = make_client(sim, collector)
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 10)
    vrvp = fetch_indicator("STD;Volume%Profile", "last", Endpoints.from_env(sim.env()))
    study_id = client.add_study(handle, vrvp)
    error = collector.wait_for(
        lambda evs: next((e for e in evs if isinstance(e, StudyError)), None)
    )
    assert (error.session, error.study_id) == (handle.chart_session, study_id)
    assert error.reason
    mark = len(collector.snapshot())
    collector.wait_for(lambda evs: any(isinstance(e, SeriesData) for e in evs[mark:]))
    assert client.state == LinkState.CONNECTED
