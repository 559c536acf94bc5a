"""The simulator's core protocol over a real loopback socket: hello, heartbeats, quotes,
series history and live updates, compared against ``sim.bars`` (the truth)."""

from __future__ import annotations

import itertools
import time

from tvtui.feed import messages as msg
from tvtui.feed import wire
from tvtui.feed.events import (
    Heartbeat,
    Hello,
    QuoteCompleted,
    QuoteUpdate,
    SeriesCompleted,
    SeriesData,
    SeriesLoading,
    SymbolError,
    SymbolResolved,
)


def _bar_tuple(bar):
    return (bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume)


def test_hello_arrives_first_with_the_real_fields(sim, connect):
    client = connect(sim)
    first = client.read()
    assert isinstance(first[0], Hello)
    info = first[0].info
    assert info["auth_scheme_vsn"] == 2
    assert info["protocol"] == "json"
    assert info["javastudies"] == ["3.66"]
    assert {"session_id", "timestamp", "timestampMs", "release", "studies_metadata_hash"} <= set(
        info
    )
    assert abs(info["timestamp"] - sim.now()) < 600  # sim time, not wall-clock time


def test_heartbeats_count_up_and_echoes_are_counted(sim_factory, connect):
    sim = sim_factory(heartbeat_interval=0.3)
    client = connect(sim)
    beats = []
    for _ in range(2):
        beat = client.wait_new(lambda e: isinstance(e, Heartbeat), timeout=3, what="heartbeat")
        beats.append(int(beat.payload[3:]))
    assert beats[1] == beats[0] + 1
    client.read_for(0.3)
    assert sim.stats.heartbeats_echoed >= 2
    assert sim.stats.heartbeat_timeouts == 0


def test_a_client_that_never_echoes_is_dropped(sim_factory, connect):
    sim = sim_factory(heartbeat_interval=0.3, heartbeat_timeout=0.8)
    client = connect(sim, echo=False)
    assert client.wait_closed(timeout=5)
    assert sim.stats.heartbeat_timeouts == 1
    assert any(isinstance(e, Heartbeat) for e in client.events)


def test_echoing_client_stays_connected_past_the_timeout(sim_factory, connect):
    sim = sim_factory(heartbeat_interval=0.3, heartbeat_timeout=0.8)
    client = connect(sim)
    client.read_for(1.5)
    assert not client.closed
    assert sim.stats.heartbeat_timeouts == 0


def test_quote_snapshot_then_completed_then_deltas(sim, connect):
    client = connect(sim)
    spec = msg.symbol_spec("KRX:005930")
    client.send(
        msg.set_auth_token("unauthorized_user_token"),
        msg.quote_create_session("qs_test"),
        msg.quote_set_fields("qs_test"),
        msg.quote_add_symbols("qs_test", "BINANCE:BTCUSDT", spec, "NASDAQ:NDX"),
        msg.quote_fast_symbols("qs_test", "BINANCE:BTCUSDT"),
    )
    snapshot = client.wait_for(
        lambda e: isinstance(e, QuoteUpdate) and e.symbol == "BINANCE:BTCUSDT", what="snapshot"
    )
    assert snapshot.status == "ok"
    for field in ("lp", "ch", "chp", "volume", "description", "pro_name", "lp_time"):
        assert field in snapshot.changes, field
    assert snapshot.changes["pro_name"] == "BINANCE:BTCUSDT"
    assert snapshot.changes["update_mode"] == "streaming"
    completed_at = client.events.index(
        client.wait_for(lambda e: isinstance(e, QuoteCompleted) and e.symbol == "BINANCE:BTCUSDT")
    )
    assert client.events.index(snapshot) < completed_at

    # The resolve-string key comes back exactly as sent, with the Korean name intact.
    korean = client.wait_for(lambda e: isinstance(e, QuoteUpdate) and e.symbol == spec)
    assert korean.changes["local_description"] == "삼성전자보통주"
    ndx = client.wait_for(lambda e: isinstance(e, QuoteUpdate) and e.symbol == "NASDAQ:NDX")
    assert ndx.changes["volume"] == 1e100

    delta = client.wait_new(
        lambda e: (
            isinstance(e, QuoteUpdate) and e.symbol == "BINANCE:BTCUSDT" and "lp" in e.changes
        ),
        what="delta",
    )
    assert "description" not in delta.changes  # only what changed
    assert delta.changes["lp"] > 0


def test_unknown_quote_symbol_gets_an_error_status(sim, connect):
    client = connect(sim)
    client.send(msg.quote_create_session("qs_x"), msg.quote_add_symbols("qs_x", "NOPE:NOTHING"))
    event = client.wait_for(lambda e: isinstance(e, QuoteUpdate), what="qsd")
    assert (event.symbol, event.status, event.changes) == ("NOPE:NOTHING", "error", {})


def _open_series(client, symbol, resolution, count, cs="cs_test", sid="sds_1"):
    client.send(
        msg.set_auth_token("unauthorized_user_token"),
        msg.chart_create_session(cs),
        msg.switch_timezone(cs, "Etc/UTC"),
        msg.resolve_symbol(cs, "sds_sym_1", symbol),
        msg.create_series(cs, sid, "s1", "sds_sym_1", resolution, count),
    )


def test_series_history_equals_the_truth(sim, connect):
    client = connect(sim)
    _open_series(client, "NASDAQ:AAPL", "1", 50)
    resolved = client.wait_for(lambda e: isinstance(e, SymbolResolved), what="symbol_resolved")
    assert resolved.info["pro_name"] == "NASDAQ:AAPL"
    assert resolved.info["visible_plots_set"] == "ohlcv"
    client.wait_for(lambda e: isinstance(e, SeriesLoading))
    history = client.wait_for(lambda e: isinstance(e, SeriesData) and e.update == "history")
    client.wait_for(lambda e: isinstance(e, SeriesCompleted))
    assert len(history.bars) == 51  # 50 closed bars plus the forming one
    assert [b.index for b in history.bars] == list(range(51))
    closed = history.bars[:-1]
    truth = sim.bars("NASDAQ:AAPL", "1", closed[0].time, closed[-1].time + 1)
    assert [_bar_tuple(b) for b in closed] == truth
    times = [b.time for b in history.bars]
    assert all(b - a == 60 for a, b in itertools.pairwise(times))


def test_live_updates_then_the_closed_bar_equals_the_truth(sim, connect):
    client = connect(sim)
    _open_series(client, "BINANCE:ETHUSDT", "1", 10)
    history = client.wait_for(lambda e: isinstance(e, SeriesData) and e.update == "history")
    forming_time = history.bars[-1].time
    # Live du frames keep updating the forming bar, then one carries it closed plus the next.
    closing = client.wait_new(
        lambda e: isinstance(e, SeriesData) and e.update == "live" and len(e.bars) >= 2,
        timeout=5,
        what="bar close",
    )
    live_for_forming = [
        e for e in client.events
        if isinstance(e, SeriesData) and e.update == "live" and e.bars[0].time == forming_time
    ]  # fmt: skip
    assert len(live_for_forming) >= 2
    closed_bar = closing.bars[0]
    truth = sim.bars("BINANCE:ETHUSDT", "1", closed_bar.time, closed_bar.time + 60)
    assert _bar_tuple(closed_bar) == truth[0]
    assert closing.bars[1].time == closed_bar.time + 60
    assert closing.bars[1].index == closed_bar.index + 1


def test_instruments_without_volume_send_five_element_bars(sim, connect):
    client = connect(sim)
    _open_series(client, "FX:EURUSD", "5", 5)
    resolved = client.wait_for(lambda e: isinstance(e, SymbolResolved))
    assert resolved.info["visible_plots_set"] == "ohlc"
    history = client.wait_for(lambda e: isinstance(e, SeriesData))
    assert all(b.volume is None for b in history.bars)
    raw = next(p for p in client.packets if p.get("m") == "timescale_update")
    assert all(len(row["v"]) == 5 for row in raw["p"][1]["sds_1"]["s"])


def test_unknown_symbol_gets_symbol_error(sim, connect):
    client = connect(sim)
    client.send(msg.chart_create_session("cs_e"), msg.resolve_symbol("cs_e", "sym_1", "XX:NOPE"))
    error = client.wait_for(lambda e: isinstance(e, SymbolError))
    assert (error.symbol_id, error.reason) == ("sym_1", "invalid symbol")


def test_heartbeats_are_sometimes_packed_with_data_in_one_message(sim_factory, connect):
    sim = sim_factory(heartbeat_interval=0.4)
    client = connect(sim)
    _open_series(client, "BINANCE:BTCUSDT", "1", 5)
    client.wait_for(lambda e: isinstance(e, SeriesData))
    deadline = time.monotonic() + 5
    mixed = None
    while mixed is None and time.monotonic() < deadline:
        text = client.ws.recv()
        payloads = wire.unframe(text).payloads
        beats = [p for p in payloads if wire.is_heartbeat(p)]
        for beat in beats:
            client.ws.send(wire.heartbeat(beat))
        if beats and len(payloads) > len(beats):
            mixed = payloads
    assert mixed is not None, "no WebSocket message carried a heartbeat and data together"


def test_removed_quote_symbols_and_deleted_sessions_go_quiet(sim, connect):
    client = connect(sim)
    client.send(
        msg.quote_create_session("qs_r"),
        msg.quote_add_symbols("qs_r", "BINANCE:BTCUSDT", "BINANCE:ETHUSDT"),
    )
    client.wait_for(lambda e: isinstance(e, QuoteCompleted) and e.symbol == "BINANCE:ETHUSDT")
    client.send(msg.quote_remove_symbols("qs_r", "BINANCE:ETHUSDT"))
    _fence(client, "qs_f1")  # the server has handled the removal: what follows comes after it
    later = client.read_for(0.6)
    symbols = {e.symbol for e in later if isinstance(e, QuoteUpdate) and e.session == "qs_r"}
    assert symbols == {"BINANCE:BTCUSDT"}
    client.send(msg.quote_delete_session("qs_r"))
    _fence(client, "qs_f2")
    later = client.read_for(0.6)
    assert not any(isinstance(e, QuoteUpdate) and e.session == "qs_r" for e in later)


def _fence(client, session: str) -> None:
    """Wait until the server answered a request sent after the ones before it (one connection
    is ordered), instead of sleeping and hoping updates already in flight have arrived."""
    client.send(msg.quote_create_session(session), msg.quote_add_symbols(session, "FX:EURUSD"))
    client.wait_for(lambda e: isinstance(e, QuoteCompleted) and e.session == session)


def test_deleted_chart_session_stops_its_updates(sim, connect):
    client = connect(sim)
    _open_series(client, "NASDAQ:AAPL", "1", 5)
    client.wait_new(lambda e: isinstance(e, SeriesData) and e.update == "live")
    client.send(msg.chart_delete_session("cs_test"))
    client.read_for(0.3)
    assert not any(isinstance(e, SeriesData) for e in client.read_for(0.6))


def test_a_frozen_clock_sends_the_forming_bar_once(sim_factory, connect):
    sim = sim_factory(time_scale=0.0)
    client = connect(sim)
    _open_series(client, "NASDAQ:AAPL", "5", 5)
    history = client.wait_for(lambda e: isinstance(e, SeriesData))
    events = client.read_for(0.8)
    live = [e for e in events if isinstance(e, SeriesData)]
    assert len(live) <= 1  # at most one du: nothing trades while the clock stands still
    assert all(e.bars[-1] == history.bars[-1] for e in live)
