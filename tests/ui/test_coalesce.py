"""The worker's merging logic: floods become a few flushes, urgent things go out at once."""

from __future__ import annotations

import pytest

from tvtui.feed import events as ev
from tvtui.ui import messages as msg
from tvtui.ui.coalesce import (
    QUOTE_INTERVAL,
    QUOTE_INTERVAL_MAX,
    QUOTE_UI_SHARE,
    ChartTarget,
    Coalescer,
)


def _quote(symbol: str, price: float, status: str = "ok") -> ev.QuoteUpdate:
    return ev.QuoteUpdate(session="qs_x", symbol=symbol, status=status, changes={"lp": price})


def _bar(t: float, close: float) -> ev.Bar:
    return ev.Bar(time=t, open=close, high=close + 1, low=close - 1, close=close, volume=5.0)


def _series(bars: list[ev.Bar], update: str = "live") -> ev.SeriesData:
    return ev.SeriesData(session="cs_a", series_id="sds_1", bars=bars, update=update)


def _chart(c: Coalescer, generation: int = 1, symbol: str = "BINANCE:BTCUSDT") -> list:
    return c.open_chart(ChartTarget(generation, symbol, "1m", "cs_a", "sds_1"))


def test_a_quote_flood_becomes_a_few_flushes_carrying_the_latest_price() -> None:
    c = Coalescer(quote_interval=0.25)
    c.watch(["BINANCE:BTCUSDT", "NASDAQ:AAPL"])
    out: list = []
    # 10,000 updates spread over one simulated second
    for i in range(10_000):
        now = i / 10_000
        symbol = "BINANCE:BTCUSDT" if i % 2 else "NASDAQ:AAPL"
        assert c.feed(_quote(symbol, 100.0 + i), now) == []
        out += c.flush(now)
    out += c.flush(1.0)
    quotes = [m for m in out if isinstance(m, msg.QuotesChanged)]
    assert 1 <= len(quotes) <= 6
    assert quotes[-1].quotes["BINANCE:BTCUSDT"]["lp"] == 100.0 + 9_999
    assert quotes[-1].quotes["NASDAQ:AAPL"]["lp"] == 100.0 + 9_998
    assert c.total == 10_000


def test_quote_deltas_merge_and_unwatched_symbols_are_ignored() -> None:
    c = Coalescer()
    c.watch(["NASDAQ:AAPL"])
    c.feed(ev.QuoteUpdate(symbol="NASDAQ:AAPL", changes={"lp": 1.0, "description": "Apple"}), 0)
    c.feed(ev.QuoteUpdate(symbol="NASDAQ:AAPL", changes={"lp": 2.0}), 0.1)
    c.feed(_quote("NASDAQ:MSFT", 5.0), 0.1)
    (quotes,) = [m for m in c.flush(1.0) if isinstance(m, msg.QuotesChanged)]
    assert quotes.quotes == {"NASDAQ:AAPL": {"lp": 2.0, "description": "Apple"}}


def test_an_erroring_watchlist_symbol_is_reported_at_once() -> None:
    c = Coalescer()
    c.watch(["FOO:BAR"])
    out = c.feed(_quote("FOO:BAR", 0, status="error"), 0.0)
    assert [type(m) for m in out] == [msg.SymbolRejected]
    assert out[0].symbol == "FOO:BAR"


def test_history_and_a_closed_bar_go_out_at_once_the_forming_bar_at_the_chart_rate() -> None:
    c = Coalescer(chart_interval=1.0)
    reset = _chart(c)
    assert isinstance(reset[0], msg.ChartReset)
    history = c.feed(_series([_bar(60 * i, 100 + i) for i in range(10)], "history"), 0.0)
    assert len(history) == 1 and history[0].history and len(history[0].bars) == 10
    c.flush(0.0)  # starts the chart clock
    # the forming bar moves many times: nothing urgent, one flush per interval
    for k in range(50):
        assert c.feed(_series([_bar(540, 110 + k)]), 0.01 * k) == []
    flushed = [m for m in c.flush(1.0) if isinstance(m, msg.CandlesChanged)]
    assert len(flushed) == 1 and flushed[0].bars[-1].close == 110 + 49
    # a new bar time: the previous bar closed -> immediate
    closed = c.feed(_series([_bar(600, 120)]), 1.1)
    assert len(closed) == 1 and closed[0].closed and len(closed[0].bars) == 11


def test_live_bars_of_the_previous_symbol_never_reach_the_new_chart() -> None:
    c = Coalescer()
    _chart(c, 1, "BINANCE:BTCUSDT")
    c.feed(_series([_bar(0, 100)], "history"), 0.0)
    _chart(c, 2, "NASDAQ:AAPL")
    # a late live bar (sent before the switch) arrives before the new history
    assert c.feed(_series([_bar(60, 99_999)]), 0.1) == []
    out = c.feed(_series([_bar(0, 150), _bar(60, 151)], "history"), 0.2)
    assert out[0].generation == 2 and [b.close for b in out[0].bars] == [150, 151]


def test_studies_and_their_errors() -> None:
    c = Coalescer()
    _chart(c)
    c.add_study("st1", "STD;RSI", ["RSI"])
    c.add_study("st2", "STD;MACD", ["MACD", "Signal", "Histogram"])
    points = [ev.StudyPoint(60 * i, [50.0 + i]) for i in range(5)]
    out = c.feed(ev.StudyData(session="cs_a", study_id="st1", points=points, update="history"), 0)
    assert isinstance(out[0], msg.StudyChanged) and out[0].key == "STD;RSI"
    assert [p.values[0] for p in out[0].points] == [50.0, 51.0, 52.0, 53.0, 54.0]
    refused = c.feed(ev.StudyError(session="cs_a", study_id="st2", reason="premium only"), 0.1)
    assert isinstance(refused[0], msg.StudyFailed)
    assert (refused[0].key, refused[0].reason) == ("STD;MACD", "premium only")


def test_link_changes_are_immediate_and_stats_count_messages() -> None:
    c = Coalescer(stats_interval=1.0)
    c.watch(["NASDAQ:AAPL"])
    status = ev.ConnectionStatus(state=ev.LinkState.RECONNECTING, attempt=2, retry_in=4.0)
    out = c.feed(status, 0.0)
    assert isinstance(out[0], msg.LinkChanged) and out[0].status.attempt == 2
    c.flush(0.0)
    for i in range(300):
        c.feed(_quote("NASDAQ:AAPL", i), 0.5 + i / 1000)
    stats = [m for m in c.flush(1.0) if isinstance(m, msg.FeedStats)]
    assert stats and 250 <= stats[0].rate <= 350 and stats[0].last_message_at is not None


def test_a_preview_answers_with_the_quote_or_times_out() -> None:
    c = Coalescer()
    c.preview("NASDAQ:AAPL", now=0.0, timeout=5.0)
    out = c.feed(ev.QuoteUpdate(symbol="NASDAQ:AAPL", changes={"lp": 3.0}), 0.5)
    assert isinstance(out[0], msg.PreviewReady) and out[0].quote == {"lp": 3.0}
    c.preview("FX:NOPE", now=1.0, timeout=5.0)
    assert not [m for m in c.flush(5.0) if isinstance(m, msg.PreviewReady)]
    late = [m for m in c.flush(6.5) if isinstance(m, msg.PreviewReady)]
    assert late and late[0].quote is None and "in time" in (late[0].error or "")


def test_a_flush_shares_unchanged_quotes_and_copies_only_changed_ones() -> None:
    c = Coalescer(quote_interval=0.04)
    c.watch(["NASDAQ:AAPL", "NASDAQ:MSFT"])
    c.feed(_quote("NASDAQ:AAPL", 1.0), 0.0)
    c.feed(_quote("NASDAQ:MSFT", 2.0), 0.0)
    (first,) = [m for m in c.flush(0.0) if isinstance(m, msg.QuotesChanged)]
    c.feed(_quote("NASDAQ:AAPL", 1.5), 0.01)
    assert not [m for m in c.flush(0.02) if isinstance(m, msg.QuotesChanged)]  # not yet due
    (second,) = [m for m in c.flush(0.05) if isinstance(m, msg.QuotesChanged)]
    assert second.quotes["NASDAQ:MSFT"] is first.quotes["NASDAQ:MSFT"]  # unchanged: shared
    assert second.quotes["NASDAQ:AAPL"] is not first.quotes["NASDAQ:AAPL"]
    assert first.quotes["NASDAQ:AAPL"]["lp"] == 1.0  # what was sent is never mutated
    assert second.quotes["NASDAQ:AAPL"]["lp"] == 1.5
    # a quiet spell, then one change: it goes out at once (leading edge)
    c.feed(_quote("NASDAQ:MSFT", 2.5), 1.0)
    (third,) = [m for m in c.flush(1.0) if isinstance(m, msg.QuotesChanged)]
    assert third.quotes["NASDAQ:MSFT"]["lp"] == 2.5


def test_the_quote_interval_follows_what_a_flush_costs_the_ui() -> None:
    c = Coalescer()
    assert c.quote_interval == QUOTE_INTERVAL
    c.quote_cost(0.0005)  # a cheap flush: as often as the minimum allows
    assert c.quote_interval == QUOTE_INTERVAL
    for _ in range(30):  # an expensive flush, again and again: slower, by the UI share
        c.quote_cost(0.012)
    assert c.quote_interval == pytest.approx(0.012 / QUOTE_UI_SHARE, rel=0.01)
    for _ in range(30):
        c.quote_cost(1.0)  # the UI is drowning: never slower than the old fixed rate
    assert c.quote_interval == QUOTE_INTERVAL_MAX
    for _ in range(30):
        c.quote_cost(0.0)
    assert c.quote_interval == QUOTE_INTERVAL
    c.watch(["NASDAQ:AAPL"])
    out: list = []
    for i in range(1000):  # 1,000 updates over one second at the minimum interval
        c.feed(_quote("NASDAQ:AAPL", 100.0 + i), i / 1000)
        out += [m for m in c.flush(i / 1000) if isinstance(m, msg.QuotesChanged)]
    assert 1 / QUOTE_INTERVAL - 2 <= len(out) <= 1 / QUOTE_INTERVAL + 2


def test_behind_a_dialog_quotes_and_bars_go_out_with_the_stats_and_all_at_once_after() -> None:
    """A dialog over the main screen: Textual re-tints the screen beneath for every change
    there, so its updates come once a second, together; back in front, what was held at once."""
    c = Coalescer(quote_interval=0.025)
    c.watch(["NASDAQ:AAPL"])
    _chart(c)
    c.feed(_series([_bar(60.0, 100.0)], update="history"), 0.0)
    c.flush(0.0)  # the first stats flush: the next is due at 1.0
    c.set_behind(True, 0.0)
    flushes: list[tuple[float, list[str]]] = []
    for i in range(1, 41):  # a quote and a forming bar every 50 ms for 2 s
        now = i * 0.05
        c.feed(_quote("NASDAQ:AAPL", 100.0 + i), now)
        c.feed(_series([_bar(60.0, 100.0 + i)]), now)
        names = sorted({type(m).__name__ for m in c.flush(now)})
        if names:
            flushes.append((round(now, 2), names))
        assert c.next_due(now) > 0  # what is held never makes the worker spin
    assert flushes == [
        (1.0, ["CandlesChanged", "FeedStats", "QuotesChanged"]),
        (2.0, ["CandlesChanged", "FeedStats", "QuotesChanged"]),
    ]
    c.feed(_quote("NASDAQ:AAPL", 7.0), 2.01)
    c.set_behind(False, 2.02)  # back in front: the held quote goes out at once
    (quotes,) = [m for m in c.flush(2.02) if isinstance(m, msg.QuotesChanged)]
    assert quotes.quotes["NASDAQ:AAPL"]["lp"] == 7.0
