"""``request_more_data`` as TradingView answers it: the next older bars of the series as a
``timescale_update``, then ``series_completed``; an empty update at the history's start;
``critical_error`` for a malformed request. Checked through the real WebSocket against the
simulator's own bars (``sim.bars``), which are cut from the same trades at every resolution."""

from __future__ import annotations

import itertools

import pytest

from tvtui.feed import messages as msg
from tvtui.feed.events import CriticalError, SeriesCompleted, SeriesData
from tvtui.sim.config import DEFAULT_START

START = DEFAULT_START  # the simulator's clock at start (tests/conftest.py SIM_DEFAULTS)


def _open(client, res="1", count=30, symbol="BINANCE:BTCUSDT"):
    client.send(
        msg.set_auth_token("unauthorized_user_token"),
        msg.chart_create_session("cs_m"),
        msg.resolve_symbol("cs_m", "sds_sym_1", symbol),
        msg.create_series("cs_m", "sds_1", "s1", "sds_sym_1", res, count),
    )
    first = client.wait_for(lambda e: isinstance(e, SeriesData) and e.update == "history")
    client.wait_for(lambda e: isinstance(e, SeriesCompleted))
    return first


def _reply(client, count):
    """Send one ``request_more_data``; its reply's packets, up to ``series_completed`` (live
    ``du`` updates may come in between: left out)."""
    seen = len(client.packets)
    client.send(msg.request_more_data("cs_m", "sds_1", count))
    client.wait_new(lambda e: isinstance(e, SeriesCompleted), what="series_completed")
    reply = ("timescale_update", "series_completed")
    return [p for p in client.packets[seen:] if p.get("m") in reply]


def _rows(packet):
    return packet["p"][1]["sds_1"]["s"]


def _tuples(rows):
    return [tuple(r["v"]) + ((None,) if len(r["v"]) == 5 else ()) for r in rows]


def test_pages_back_consecutively_then_says_there_is_nothing_older(sim_factory, connect):
    """120 one-minute bars of history before the series' start; 30 come with the series,
    pages of 50 bring 50, then the last 40, then an empty update: every bar once, no gap,
    each equal to the simulator's own bar."""
    sim = sim_factory(history_start=START - 150 * 60)
    client = connect(sim)
    first = _open(client, count=30)
    oldest = first.bars[0].time
    assert oldest == START - 30 * 60 or oldest >= START - 31 * 60
    held = [b.time for b in first.bars]
    sizes = []
    for _ in range(4):
        packets = _reply(client, 50)
        assert next(p["m"] for p in packets) == "timescale_update"
        assert packets[-1]["m"] == "series_completed"
        rows = _rows(packets[0])
        sizes.append(len(rows))
        if rows:
            assert rows[-1]["v"][0] == held[0] - 60  # right before the oldest held
            truth = sim.bars("BINANCE:BTCUSDT", "1", rows[0]["v"][0], held[0])
            assert _tuples(rows) == truth
        held = [r["v"][0] for r in rows] + held
    assert sizes[0] == 50 and sizes[-1] == 0
    assert sum(sizes) == (oldest - (START - 150 * 60)) // 60
    assert held[0] == START - 150 * 60  # the very first bar of the history
    assert held == sorted(set(held)) and all(b - a == 60 for a, b in itertools.pairwise(held))
    assert sim.stats.more_data_requests == 4
    assert sim.errors == []


@pytest.mark.parametrize("res", ["5", "60", "1D"])
def test_older_bars_are_the_same_trades_at_every_resolution(sim, connect, res):
    client = connect(sim)
    first = _open(client, res=res, count=20)
    rows = _rows(_reply(client, 40)[0])
    assert len(rows) == 40
    assert rows[-1]["v"][0] < first.bars[0].time
    assert _tuples(rows) == sim.bars("BINANCE:BTCUSDT", res, rows[0]["v"][0], first.bars[0].time)


def test_a_chart_at_the_start_of_history_gets_an_empty_update_at_once(sim_factory, connect):
    sim = sim_factory(history_start=START - 10 * 60)
    client = connect(sim)
    first = _open(client, count=300)
    assert first.bars[0].time == START - 10 * 60
    packets = _reply(client, 100)
    assert [p["m"] for p in packets] == ["timescale_update", "series_completed"]
    assert _rows(packets[0]) == []
    assert packets[-1]["p"][:4] == ["cs_m", "sds_1", "streaming", "s1"]


@pytest.mark.parametrize(
    "params",
    [
        ["cs_m", "sds_1", 0],
        ["cs_m", "sds_1", -5],
        ["cs_m", "sds_1", True],
        ["cs_m", "sds_1", "100"],
        ["cs_m", "sds_1", 2.5],
        ["cs_m", "sds_1", None],
        ["cs_m", "sds_1"],
        ["cs_m", "no_such_series", 10],
        ["cs_m", 7, 10],
    ],
)
def test_a_malformed_request_is_refused_with_critical_error(sim, connect, params):
    client = connect(sim)
    _open(client, count=10)
    client.send({"m": "request_more_data", "p": params})
    error = client.wait_new(lambda e: isinstance(e, CriticalError), what="critical_error")
    assert error.session == "cs_m"
    assert error.name == "invalid parameters"
    assert error.detail.startswith("method: request_more_data. args: ")
    # The connection and the series live on: a good request is still answered.
    assert len(_rows(_reply(client, 5)[0])) == 5
    assert sim.stats.more_data_requests == 2
    assert sim.errors == []
