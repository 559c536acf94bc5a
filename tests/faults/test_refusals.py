"""403 and 429 at the handshake, and a bad token: a clear message, backoff with jitter up to a
cap, and no hot loop or reconnect storm (client, library, ``tvtui stream``, app)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support import SIZE, app_for, holds_for, holds_for_app, run_stream, wait_until
from tvtui.feed.backoff import Backoff
from tvtui.feed.events import ConnectionStatus, LinkState, ProtocolError
from tvtui.stream import AuthenticationError, FeedUnavailableError, RealTimeData, Streamer
from tvtui.ui.widgets.status import StatusLine

BAD_TOKEN = "not-a-jwt-bad-token-value"


def test_403_backs_off_with_jitter_to_the_cap_without_a_hot_loop(
    sim, collector, make_client
) -> None:
    sim.faults.handshake_status = 403
    started = time.monotonic()
    make_client(sim, collector, backoff=Backoff(initial=0.25, cap=1.0, jitter=0.2))
    # six refusals: 0.25, 0.5, 1, 1, 1 s apart (+/- 20%), so at least 3 s for the sixth try;
    # a hot loop would be there at once
    collector.wait_for(
        lambda evs: (
            sum(isinstance(e, ConnectionStatus) and e.state is LinkState.RECONNECTING for e in evs)
            >= 6
        ),
        timeout=20,
    )
    assert time.monotonic() - started >= 3.75 * 0.8
    handshakes = len(sim.handshakes)
    assert 6 <= handshakes <= 7, handshakes
    refused = [e for e in collector.of(ConnectionStatus) if e.state is LinkState.RECONNECTING]
    assert refused[0].message.startswith(
        "TradingView refused the connection (HTTP 403 Forbidden); retrying in "
    )
    assert [e.attempt for e in refused] == list(range(1, len(refused) + 1))
    delays = [e.retry_in for e in refused]
    bare = [min(1.0, 0.25 * 2**n) for n in range(len(delays))]  # 0.25, 0.5, 1, 1 ...
    # each within 20% of its bare delay and never past the cap; the first two can't reach the
    # cap, so they are spread (a jittered 1 s is capped to exactly 1 s half of the time)
    assert all(0.8 * b <= d <= min(1.0, 1.2 * b) for d, b in zip(delays, bare, strict=True))
    assert delays[0] != 0.25 and delays[1] != 0.5
    assert delays[0] < delays[2]  # and growing
    assert sim.stats.handshakes_refused == handshakes


def test_429_waits_at_least_8s_and_the_library_says_why(sim_env) -> None:
    sim_env.faults.handshake_status = 429
    with Streamer(timeout=3.0) as streamer, pytest.raises(FeedUnavailableError) as caught:
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=3)
    assert "HTTP 429 Too Many Requests" in str(caught.value)
    assert "retrying in 8 s" in str(caught.value)
    assert len(sim_env.handshakes) == 1  # one try in 3 s: the rate limit is respected


def test_403_in_the_library_and_tvtui_stream_is_a_clear_network_error(sim_env) -> None:
    sim_env.faults.handshake_status = 403
    with Streamer(timeout=2.0) as streamer, pytest.raises(FeedUnavailableError) as caught:
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=3)
    assert "is not reachable (TradingView refused the connection (HTTP 403" in str(caught.value)
    done = run_stream(sim_env, "BINANCE:BTCUSDT", "--timeout", "2")
    assert done.returncode == 4 and done.stdout == ""
    assert "HTTP 403 Forbidden" in done.stderr and "Traceback" not in done.stderr
    assert len(sim_env.handshakes) <= 10  # both together, ~4 s of backoff


async def test_app_shows_the_refusal_and_keeps_backing_off(app_sim, tmp_path: Path) -> None:
    app_sim.faults.handshake_status = 403
    app = app_for(app_sim, tmp_path, symbols=["NASDAQ:AAPL"])
    started = time.monotonic()  # the first try is later than this
    async with app.run_test(size=SIZE) as pilot:
        status = app.query_one(StatusLine)
        await wait_until(
            pilot, lambda: "HTTP 403" in status.link_text().plain, 10, "the refusal shown"
        )
        text = status.link_text().plain
        assert text.startswith("↻ reconnecting · attempt ")
        assert "TradingView refused the connection (HTTP 403 Forbidden)" in text
        # default backoff: tries at 0, 0.5, 1.5, 3.5 s (+/- 20%); a hot loop makes hundreds
        await wait_until(pilot, lambda: len(app_sim.handshakes) >= 4, 15, "the fourth try")
        assert time.monotonic() - started >= 3.5 * 0.8
        app_sim.faults.handshake_status = None
        await wait_until(pilot, lambda: status.link_text().plain == "● connected", 15, "connected")


def test_a_bad_token_is_one_clear_error_and_no_storm(sim_env, collector, make_client) -> None:
    # the client: AUTH_FAILED once, then it waits for reconnect()
    client = make_client(sim_env, collector, token=BAD_TOKEN)
    failed = collector.wait_state(LinkState.AUTH_FAILED)
    assert failed.message == (
        "TradingView rejected the auth token (bad auth token). "
        "Set TRADINGVIEW_JWT_TOKEN to a valid token."
    )
    assert collector.of(ProtocolError)
    # the library: the same sentence as an AuthenticationError
    with (
        Streamer(websocket_jwt_token=BAD_TOKEN, timeout=5) as streamer,
        pytest.raises(AuthenticationError) as caught,
    ):
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=3)
    assert str(caught.value) == failed.message
    with RealTimeData(BAD_TOKEN) as live, pytest.raises(AuthenticationError):
        for _packet in live.get_ohlcv("BINANCE:BTCUSDT"):
            pass
    # tvtui stream: exit 3, the sentence on stderr
    done = run_stream(sim_env, "BINANCE:BTCUSDT", "--timeout", "5", token=BAD_TOKEN)
    assert done.returncode == 3 and "rejected the auth token" in done.stderr
    holds_for(lambda: len(sim_env.handshakes) == 4, 2.0, "nobody retrying on their own")
    assert client.state is LinkState.AUTH_FAILED
    texts = [str(caught.value), failed.message, done.stderr, done.stdout, repr(client)]
    assert not [t for t in texts if BAD_TOKEN in t]


async def test_app_shows_a_bad_token_and_does_not_retry(app_sim, tmp_path: Path) -> None:
    app = app_for(app_sim, tmp_path, token=BAD_TOKEN, symbols=["NASDAQ:AAPL"])
    async with app.run_test(size=SIZE) as pilot:
        status = app.query_one(StatusLine)
        await wait_until(
            pilot, lambda: "rejected the auth token" in status.link_text().plain, 10, "refusal"
        )
        assert status.link_text().plain.startswith("✗ TradingView rejected the auth token")
        await holds_for_app(pilot, lambda: len(app_sim.handshakes) == 1, 2.0, "no retry")
        texts = [str(status.render()), *(f"{n.title} {n.message}" for n in app.told)]
        assert any("Set TRADINGVIEW_JWT_TOKEN" in t for t in texts[1:])
        assert not [t for t in texts if BAD_TOKEN in t]


async def test_app_reports_a_bad_token_in_one_notice(app_sim, tmp_path: Path) -> None:
    app = app_for(app_sim, tmp_path, token=BAD_TOKEN, symbols=["NASDAQ:AAPL"])
    async with app.run_test(size=SIZE) as pilot:
        status = app.query_one(StatusLine)
        await wait_until(
            pilot, lambda: "rejected the auth token" in status.link_text().plain, 10, "refusal"
        )
        await holds_for_app(
            pilot, lambda: len([n for n in app.told if n.title == "Feed"]) <= 1, 0.5
        )
        notices = [n.message for n in app.told if n.title == "Feed"]
        assert notices == [
            "TradingView rejected the auth token (bad auth token). "
            "Set TRADINGVIEW_JWT_TOKEN to a valid token."
        ]
