"""HTTP pacing: a token bucket per host keeps a burst of lookups under the pacing rate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tvtui.feed import pacing
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.symbols import validate_symbol

RATE, BURST = 40.0, 5


@pytest.fixture
def paced() -> Iterator[None]:
    pacing.configure(RATE, BURST)
    yield
    pacing.configure()


def test_a_burst_of_50_lookups_stays_under_the_pacing_rate(sim, paced) -> None:
    endpoints = Endpoints(scanner=f"{sim.http_url}/symbol")
    for _ in range(50):
        validate_symbol("BINANCE:BTCUSDT", endpoints)
    times = sorted(r["at"] for r in sim.http_requests if r["path"].startswith("/symbol?"))
    assert len(times) == 50
    # In any stretch of time, at most the burst plus what the rate earns arrived (+1 for the
    # boundary request): the server saw the pacing, not only the client.
    for i, start in enumerate(times):
        for j in range(i + 1, len(times)):
            earned = BURST + RATE * (times[j] - start) + 1
            assert j - i + 1 <= earned, (i, j, times[j] - start)
    assert times[-1] - times[0] >= (50 - BURST) / RATE * 0.9


def test_the_bucket_lets_a_burst_through_then_waits_its_rate() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    bucket = pacing.TokenBucket(rate=10, burst=3, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        bucket.take()
    assert waits == pytest.approx([0.1, 0.1])
    now[0] += 10  # a quiet spell refills the bucket up to the burst, no more
    for _ in range(3):
        bucket.take()
    assert len(waits) == 2
