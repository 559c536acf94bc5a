"""``FeedClient.request_more``: older bars on an open series, through the real WebSocket.

The client marks the history that answers it (``SeriesData.older``), says when the answer is
complete (``OlderBarsArrived``, how many came) and when the server has nothing older
(``HistoryExhausted``); a consumer merges the bars on the left of what it holds
(``CandleSeries.add_older``). After a reconnect the client asks again for the older bars, so
the next page continues where the last one stopped.
"""

from __future__ import annotations

import itertools

from tests.support import eventually
from tvtui.feed.events import (
    ConnectionStatus,
    HistoryExhausted,
    LinkState,
    OlderBarsArrived,
    SeriesData,
)
from tvtui.feed.registry import Registry, SeriesHandle
from tvtui.market.candles import CandleSeries
from tvtui.sim.config import DEFAULT_START

FIELDS = ("time", "open", "high", "low", "close", "volume")


class Holder:
    """A consumer as the app and the library are: bars merged by time, older ones on the left."""

    def __init__(self, collector, handle) -> None:
        self.collector = collector
        self.handle = handle
        self.candles = CandleSeries()
        self.read = 0
        self.added: list[int] = []

    def pump(self) -> None:
        events = self.collector.snapshot()
        for event in events[self.read :]:
            if isinstance(event, SeriesData) and event.session == self.handle.chart_session:
                if event.older:
                    self.added.append(self.candles.add_older(event.bars))
                else:
                    self.candles.apply(event.bars)
        self.read = len(events)

    def answers(self) -> list[OlderBarsArrived]:
        return [
            e for e in self.collector.of(OlderBarsArrived) if e.session == self.handle.chart_session
        ]

    def more(self, client, count: int) -> OlderBarsArrived:
        asked = len(self.answers())
        client.request_more(self.handle, count)
        self.collector.wait_for(lambda evs: len(self.answers()) > asked)
        self.pump()
        return self.answers()[asked]


def _connections(events) -> int:
    return sum(isinstance(e, ConnectionStatus) and e.state is LinkState.CONNECTED for e in events)


def _assert_truth(sim, holder: Holder, symbol: str, res: str, step: int) -> None:
    bars = holder.candles.bars()[:-1]  # the closed ones
    times = [b.time for b in bars]
    assert all(b - a == step for a, b in itertools.pairwise(times)), "gap or duplicate"
    truth = sim.bars(symbol, res, times[0], times[-1] + 1)
    assert [tuple(getattr(b, f) for f in FIELDS) for b in bars] == [tuple(t) for t in truth]


def test_pages_back_to_the_start_of_history_then_hears_there_is_nothing_older(
    sim_factory, collector, make_client
):
    first_bar = DEFAULT_START - 700 * 60
    sim = sim_factory(history_start=first_bar)
    client = make_client(sim, collector)
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 100)
    holder = Holder(collector, handle)
    collector.wait_for(lambda evs: any(isinstance(e, SeriesData) for e in evs))
    holder.pump()
    answers = [holder.more(client, 250) for _ in range(4)]
    assert [a.requested for a in answers] == [250] * 4
    received = [a.received for a in answers]
    assert received[:2] == [250, 250] and 0 < received[2] < 250 and received[3] == 0
    assert holder.added == [*received[:3], 0]  # every bar new, none twice
    exhausted = collector.of(HistoryExhausted)
    assert [(e.session, e.series_id) for e in exhausted] == [(handle.chart_session, "sds_1")]
    assert holder.candles.first.time == first_bar
    _assert_truth(sim, holder, "BINANCE:BTCUSDT", "1", 60)
    assert sim.stats.more_data_requests == 4


def test_older_bars_never_touch_the_bars_held():
    """A server that re-sends held bars (or the live one) with other values in an older-bars
    reply changes nothing held: only bars older than the oldest go in, sorted, once each."""
    from tvtui.feed.events import Bar

    candles = CandleSeries()
    candles.apply([Bar(t, 1, 1, 1, 1, 1) for t in (600.0, 660.0, 720.0)])
    live = candles.latest
    added = candles.add_older(
        [Bar(t, 9, 9, 9, 9, 9) for t in (720.0, 660.0, 540.0, 420.0, 480.0, 540.0)]
    )
    assert added == 3
    assert candles.times() == [420.0, 480.0, 540.0, 600.0, 660.0, 720.0]
    assert candles.latest is live and candles.bars()[3].open == 1
    small = CandleSeries(max_bars=4)
    small.apply([Bar(t, 1, 1, 1, 1) for t in (600.0, 660.0, 720.0)])
    assert small.add_older([Bar(t, 2, 2, 2, 2) for t in (420.0, 480.0, 540.0)]) == 1
    assert small.times() == [540.0, 600.0, 660.0, 720.0]


def test_older_bars_survive_a_reconnect_and_paging_goes_on_from_them(sim, collector, make_client):
    """6,000 bars held (more than one create_series brings back): after the link drops the
    client asks for them again, so the next page is the 300 bars before the oldest held."""
    client = make_client(sim, collector)
    handle = client.open_series("BINANCE:BTCUSDT", "1m", 1000)
    holder = Holder(collector, handle)
    collector.wait_for(lambda evs: any(isinstance(e, SeriesData) for e in evs))
    holder.pump()
    assert holder.more(client, 5000).received == 5000
    oldest = holder.candles.first.time
    held = len(holder.candles)
    sim.go_down()
    sim.come_back()
    collector.wait_for(lambda evs: _connections(evs) == 2)

    def replayed():
        return [m["p"] for m in sim.received if m["m"] in ("create_series", "request_more_data")]

    eventually(lambda: len(replayed()) == 4, 10, "the series and its older page asked again")
    assert replayed()[-2][5] == 5000
    cs, series_id, count = replayed()[-1]  # the 1000 older bars, and the time down
    assert (cs, series_id) == (handle.chart_session, "sds_1") and 1000 < count < 1100
    answer = holder.more(client, 300)
    assert answer.received == 300
    assert holder.added[-1] == 300  # all of them new: the page went on from the oldest held
    assert holder.candles.first.time <= oldest - 300 * 60
    assert len(holder.candles) >= held + 300
    _assert_truth(sim, holder, "BINANCE:BTCUSDT", "1", 60)


def test_a_request_unanswered_when_the_link_dropped_is_still_answered():
    from tvtui.feed.events import Bar

    reg = Registry("qs")
    reg.open_series(SeriesHandle("cs_a", "sds_1", "BINANCE:BTCUSDT", "1m", 100))
    assert reg.completed("cs_a", "sds_1") == []  # the first load
    reg.request_more("cs_a", 400)  # ... and the link drops before the answer
    replay = reg.replay(now=0)
    assert replay[-2]["m"] == "create_series" and replay[-2]["p"][5] == 500
    assert replay[-1] == {"m": "request_more_data", "p": ["cs_a", "sds_1", 400]}
    load = SeriesData("cs_a", "sds_1", [Bar(float(t), 1, 1, 1, 1) for t in range(500)], "history")
    assert reg.on_bars(load, live=True) == [] and not load.older
    assert reg.completed("cs_a", "sds_1") == []
    older = SeriesData("cs_a", "sds_1", [Bar(-1.0, 1, 1, 1, 1)], "history")
    reg.on_bars(older, live=True)
    assert older.older
    assert reg.completed("cs_a", "sds_1") == [OlderBarsArrived("cs_a", "sds_1", "s1", 400, 1)]
    assert reg.completed("cs_a", "sds_1") == []  # a stray completion: nothing owed


def test_a_backfill_after_a_reconnect_is_not_older_bars():
    """Its bars fill the gap between the bars held and the new history: merged by time as any
    history, never only "on the left" (that would drop them all)."""
    from tvtui.feed.events import Bar

    reg = Registry("qs")
    reg.open_series(SeriesHandle("cs_a", "sds_1", "BINANCE:BTCUSDT", "1m", 5))
    held = SeriesData("cs_a", "sds_1", [Bar(float(t), 1, 1, 1, 1) for t in range(0, 300, 60)])
    reg.on_bars(held, live=True)
    reg.completed("cs_a", "sds_1")
    reg.replay(now=240.0)  # the server's clock says little time passed: too few bars asked
    fresh = [Bar(float(t), 1, 1, 1, 1) for t in range(6000, 6300, 60)]
    first = SeriesData("cs_a", "sds_1", fresh, "history")
    ask = reg.on_bars(first, live=True)
    assert ask and ask[0]["m"] == "request_more_data" and not first.older
    reg.completed("cs_a", "sds_1")
    gap = SeriesData("cs_a", "sds_1", [Bar(float(t), 1, 1, 1, 1) for t in range(240, 6000, 60)],
                     "history")  # fmt: skip
    reg.on_bars(gap, live=True)
    assert not gap.older
    assert reg.completed("cs_a", "sds_1") == []  # the client's own request: nothing to report


def test_what_the_client_remembers_is_bounded_whatever_the_server_does():
    """A server that never answers (or answers what nobody asked): the queue of owed answers,
    the bars to ask again and the replay's pages stay bounded."""
    from tvtui.feed.registry import MAX_BARS, MAX_EXTRA, MAX_OWED

    reg = Registry("qs")
    reg.open_series(SeriesHandle("cs_a", "sds_1", "BINANCE:BTCUSDT", "1m", 100))
    for _ in range(500):
        reg.request_more("cs_a", MAX_BARS)
    entry = reg.charts["cs_a"]
    assert len(entry.owed) == MAX_OWED and entry.extra == MAX_EXTRA
    pages = [m for m in reg.replay(now=1e9) if m["m"] == "request_more_data"]
    assert len(pages) <= MAX_EXTRA // MAX_BARS + 1
    assert all(1 <= m["p"][2] <= MAX_BARS for m in pages)
    for _ in range(1000):  # completions nobody is owed: nothing breaks, nothing grows
        reg.completed("cs_a", "sds_1")
    assert not entry.owed
