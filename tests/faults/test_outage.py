"""The server gone for 20 s, then back: a countdown while reconnecting, then live again with
the gap backfilled (client and app side by side on one simulator)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.feed.helpers import Collector, assert_true_and_continuous
from tvtui.feed.events import ConnectionStatus, LinkState, SeriesData
from tvtui.ui.scenes import data_ready, wait_until
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane
from tvtui.ui.widgets.status import StatusLine

from .conftest import SIZE, app_for, quick_backoff

OUTAGE = 20.0
#: 20 real seconds are 400 simulated minutes here: more one-minute bars than the app's 300 of
#: history and far more than the client's 5, so only the backfill can close the gap.
TIME_SCALE = 1200.0


@pytest.mark.slow
async def test_a_20s_outage_counts_down_then_backfills_the_gap(
    sim_factory, make_client, tmp_path: Path
) -> None:
    sim = sim_factory(time_scale=TIME_SCALE, tick_interval=0.1)
    collector = Collector()
    client = make_client(sim, collector, backoff=quick_backoff())
    handle = client.open_series("BINANCE:ETHUSDT", "1m", 5)
    app = app_for(sim, tmp_path, backoff=quick_backoff, symbols=["BINANCE:BTCUSDT"], timeframe="1m")
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        status = app.query_one(StatusLine)
        chart = app.query_one(ChartPane)

        def sample() -> str:
            text = status.link_text().plain
            if not seen or seen[-1] != text:
                seen.append(text)
            return text

        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        collector.wait_for(lambda evs: any(isinstance(e, SeriesData) for e in evs))
        before = chart.bars[-1].time
        sim.go_down()
        down_at = time.monotonic()
        await wait_until(pilot, lambda: bool(sample()) and time.monotonic() - down_at > OUTAGE,
                         OUTAGE + 5, "the outage")  # fmt: skip
        mark = len(collector.snapshot())
        sim.come_back()
        await wait_until(pilot, lambda: sample() == "● connected", 15, "connected again")
        collector.wait_state(LinkState.CONNECTED, timeout=15, after=mark)
        # the first bars after the outage arrive on both
        await wait_until(pilot, lambda: chart.bars[-1].time > before + 60 * 400, 10, "new bars")
        collector.wait_for(lambda evs: sum(isinstance(e, SeriesData) for e in evs[mark:]) >= 3)
        app.bridge.pause(True)
        await pilot.pause(0.3)

        # The app: reconnecting with a countdown that counts down, then connected.
        retrying = [t for t in seen if t.startswith("↻ reconnecting")]
        assert retrying, seen
        assert all("Could not connect" in t or "Connection lost" in t for t in retrying)
        countdown: dict[str, list[int]] = {}
        for text in retrying:
            found = re.search(r"attempt (\d+) · next try in (\d+)s", text)
            if found:
                countdown.setdefault(found[1], []).append(int(found[2]))
        assert any(len(v) >= 2 and v == sorted(v, reverse=True) for v in countdown.values()), seen
        assert seen[-1] == "● connected"
        # ... with the gap filled: every bar across the outage, equal to the truth.
        assert_true_and_continuous(sim, {b.time: b for b in chart.bars}, "BINANCE:BTCUSDT", "1", 60)
        assert chart.bars[0].time < before - 60 * 100  # the history before the outage is kept
        for block in app.query_one(IndicatorPane).blocks().values():
            assert not block.error and max(p.time for p in block.points) >= chart.bars[-2].time

    # The client: one RECONNECTING per failed try, attempts counting up, delays growing with
    # jitter to the cap (no hot loop), then CONNECTED, then the gap backfilled.
    retries = [
        e
        for e in collector.snapshot()[:mark]
        if isinstance(e, ConnectionStatus) and e.state is LinkState.RECONNECTING
    ]
    assert 4 <= len(retries) <= 15
    assert [e.attempt for e in retries] == list(range(1, len(retries) + 1))
    assert retries[0].message.startswith("Connection lost (")
    assert all(
        e.message.startswith(f"Could not connect to {sim.ws_url} (connection refused)")
        for e in retries[1:]
    )
    assert all(0 < e.retry_in <= 4.0 for e in retries)
    assert max(e.retry_in for e in retries) > 3.0  # the curve reached the cap
    creates = [m for m in sim.received if m["m"] == "create_series" and m["p"][0] ==
               handle.chart_session]  # fmt: skip
    assert creates[0]["p"][5] == 5 and creates[-1]["p"][5] >= 400
    assert_true_and_continuous(
        sim, collector.bars(handle.chart_session), "BINANCE:ETHUSDT", "1", 60
    )
