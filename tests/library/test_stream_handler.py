"""``StreamHandler`` on its own, as the original allowed: raw messages on its own sessions."""

from __future__ import annotations

import time
from collections.abc import Callable

from tvtui.feed.events import (
    ConnectionStatus,
    CriticalError,
    Event,
    LinkState,
    QuoteUpdate,
    SeriesData,
)
from tvtui.stream import SEED_QUOTE_FIELDS, StreamHandler


def _wait(sh: StreamHandler, match: Callable[[Event], bool], what: str, timeout: float = 10):
    """The first event matching; fails on a critical_error (a session the server lacks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = sh.next_event(deadline - time.monotonic())
        assert not isinstance(event, CriticalError), f"server refused: {event}"
        if event is not None and match(event):
            return event
    raise AssertionError(f"no {what} within {timeout} s")


def _quote_for(sh: StreamHandler, symbol: str) -> Callable[[Event], bool]:
    return lambda e: (
        isinstance(e, QuoteUpdate)
        and e.session == sh.quote_session
        and e.symbol == symbol
        and "lp" in e.changes
    )


def test_a_fresh_handler_has_quote_and_chart_sessions_for_raw_messages(sim_env) -> None:
    with StreamHandler() as sh:
        # At once, before the connection is up, as a script written for the original does.
        sh.send_message("quote_add_symbols", [sh.quote_session, "BINANCE:BTCUSDT"])
        sh.send_message(
            "resolve_symbol",
            [sh.chart_session, "sds_sym_1", '={"adjustment":"splits","symbol":"NASDAQ:AAPL"}'],
        )
        sh.send_message(
            "create_series", [sh.chart_session, "sds_1", "s1", "sds_sym_1", "5", 20, ""]
        )
        quote = _wait(sh, _quote_for(sh, "BINANCE:BTCUSDT"), "quote on the handler's session")
        assert quote.changes["lp"] > 0
        history = _wait(
            sh,
            lambda e: isinstance(e, SeriesData) and e.session == sh.chart_session,
            "bars on the handler's chart session",
        )
        assert len(history.bars) == 21
    # The set-up the original sends, in its order, before the raw messages.
    sent = [p for p in sim_env.received if p.get("m") != "set_locale"]
    methods = [p["m"] for p in sent]
    first = methods.index("chart_create_session")
    assert methods[first : first + 5] == [
        "chart_create_session", "quote_create_session", "quote_set_fields",
        "quote_hibernate_all", "quote_add_symbols",
    ]  # fmt: skip
    assert sent[first]["p"] == [sh.chart_session, ""]
    assert sent[first + 2]["p"] == [sh.quote_session, *SEED_QUOTE_FIELDS]


def test_the_sessions_are_created_again_after_a_reconnect(sim_env) -> None:
    with StreamHandler() as sh:
        _wait(sh, lambda e: isinstance(e, ConnectionStatus) and e.state is LinkState.CONNECTED,
              "first connection")  # fmt: skip
        sh.client.reconnect()
        _wait(sh, lambda e: isinstance(e, ConnectionStatus) and e.state is LinkState.CONNECTED,
              "second connection")  # fmt: skip
        sh.send_message("quote_add_symbols", [sh.quote_session, "NASDAQ:AAPL"])
        _wait(sh, _quote_for(sh, "NASDAQ:AAPL"), "quote after the reconnect")
    creates = [p for p in sim_env.received if p.get("m") == "quote_create_session"]
    assert [p["p"] for p in creates].count([sh.quote_session]) == 2


def test_a_streamer_adds_no_idle_chart_session_yet_its_handler_takes_raw_messages(
    sim_env,
) -> None:
    from tvtui.stream import Streamer

    with Streamer() as streamer:
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=3)
        # One chart session, the series' own: free accounts may hold only one chart.
        charts = [p for p in sim_env.received if p.get("m") == "chart_create_session"]
        assert len(charts) == 1
        sh = streamer.stream_obj
        sh.send_message("quote_add_symbols", [sh.quote_session, "NASDAQ:AAPL"])
        _wait(sh, _quote_for(sh, "NASDAQ:AAPL"), "quote on the streamer's handler session")
