"""Latency from the simulator sending a quote to (a) the library and (b) the app's pane.

The simulator runs in its own process in burst mode (1,000 updates/s on one symbol) and stamps
every ``qsd`` with ``time.monotonic()`` just before it frames it (``common.stamped_quotes``).

(a) the library: the FeedClient sink (the socket thread's hand-off) and the generator a user
    iterates (``RealTimeData.get_latest_trade_info(...)``, which is ``get_data()``).
(b) the app: headless ``TvtuiApp.run_test()``; ``Watchlist.update_quotes`` is wrapped to note
    when each quote reaches the pane. The app merges quotes on its worker thread and hands the
    watchlist the latest values at a fixed rate, so most updates are superseded before they
    are drawn. Two figures, then: *visible after*: for every update the worker saw, the time
    until the pane got it or a newer one (what a user waits for; the target applies here), and
    *age at the pane*: how old the newest value is when it arrives.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from benchmarks import common
from benchmarks.common import STAMP, Figure, ms, percentile
from benchmarks.simproc import SimProcess, endpoints_of

SYMBOL = "BINANCE:BTCUSDT"
RATE = 1000
WARMUP = 1.0


def _stamp_of(packet: Any) -> float | None:
    if isinstance(packet, dict) and packet.get("m") == "qsd":
        body = packet["p"][1]
        if isinstance(body, dict):
            value = body.get("v", {}).get(STAMP)
            return value if isinstance(value, float) else None
    return None


def _sink_latency(env: dict[str, str], seconds: float) -> tuple[list[float], int]:
    from tvtui.feed.client import FeedClient
    from tvtui.feed.events import QuoteUpdate

    samples: list[float] = []
    start = time.monotonic()

    def sink(event: Any) -> None:
        if isinstance(event, QuoteUpdate):
            sent = event.changes.get(STAMP)
            if isinstance(sent, float) and sent - start > WARMUP:
                samples.append(time.monotonic() - sent)

    client = FeedClient(endpoints=endpoints_of(env), sink=sink).start()
    try:
        client.add_symbols(SYMBOL)
        time.sleep(seconds + WARMUP)
    finally:
        client.close()
    return samples, len(samples)


def _generator_latency(env: dict[str, str], seconds: float) -> list[float]:
    from tvtui.stream import RealTimeData

    samples: list[float] = []
    data = RealTimeData(endpoints=endpoints_of(env))
    start = time.monotonic()
    deadline = start + WARMUP + seconds
    try:
        for packet in data.get_latest_trade_info([SYMBOL]):
            now = time.monotonic()
            sent = _stamp_of(packet)
            if sent is not None and sent - start > WARMUP:
                samples.append(now - sent)
            if now > deadline:
                break
    finally:
        data.close()
    return samples


async def _app_latency(env: dict[str, str], seconds: float) -> tuple[list[float], list[float]]:
    from tvtui.config import load_config
    from tvtui.ui.app import TvtuiApp
    from tvtui.ui.coalesce import Coalescer
    from tvtui.ui.widgets.watchlist import Watchlist

    seen: list[float] = []  # stamps as the worker merged them (worker thread)
    shown: list[tuple[float, float]] = []  # (arrival at the pane, newest stamp shown)
    lock = threading.Lock()
    feed, update = Coalescer.feed, Watchlist.update_quotes

    def feed_hook(self: Coalescer, event: Any, now: float) -> Any:
        changes = getattr(event, "changes", None)
        if changes and isinstance(changes.get(STAMP), float):
            with lock:
                seen.append(changes[STAMP])
        return feed(self, event, now)

    def update_hook(self: Watchlist, quotes: dict[str, Any], *args: Any, **kw: Any) -> Any:
        now = time.monotonic()
        stamp = quotes.get(SYMBOL, {}).get(STAMP)
        if isinstance(stamp, float):
            shown.append((now, stamp))
        return update(self, quotes, *args, **kw)

    Coalescer.feed = feed_hook  # type: ignore[method-assign]
    Watchlist.update_quotes = update_hook  # type: ignore[method-assign]
    try:
        import os
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            os.environ["TVTUI_CONFIG"] = f"{tmp}/config.toml"
            os.environ["XDG_DATA_HOME"] = f"{tmp}/data"
            app = TvtuiApp(
                load_config(),
                endpoints=endpoints_of(env),
                mode="demo",
                token="unauthorized_user_token",
                symbols=[SYMBOL],
                theme="tvtui-dark",
            )
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot.pause(WARMUP + seconds)
                app.bridge.stop()
    finally:
        Coalescer.feed = feed  # type: ignore[method-assign]
        Watchlist.update_quotes = update  # type: ignore[method-assign]
    start = min(seen, default=0.0) + WARMUP
    ages = [arrived - stamp for arrived, stamp in shown if stamp > start]
    visible: list[float] = []
    k = 0
    for stamp in sorted(s for s in seen if s > start):
        while k < len(shown) and shown[k][1] < stamp:
            k += 1
        if k == len(shown):
            break
        visible.append(shown[k][0] - stamp)
    return visible, ages


def _dist(name: str, samples: list[float], target_ms: float | None, rate: str) -> Figure:
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    target = f"p99 < {target_ms:g} ms" if target_ms else ""
    return Figure(
        name,
        f"p50 {ms(p50)}, p99 {ms(p99)} (n={len(samples)})",
        reference=rate,
        target=target,
        met=(p99 * 1000 < target_ms) if target_ms and samples else None,
    )


def run(quick: bool = False) -> list[Figure]:
    seconds = 3.0 if quick else 8.0
    figures: list[Figure] = []
    with SimProcess(burst=RATE, stamp=True) as sim:
        sink, count = _sink_latency(sim.env, seconds)
        rate = f"{count / seconds:.0f} updates/s received (burst_rate {RATE})"
        figures.append(_dist("latency (a) sim -> FeedClient sink", sink, None, rate))
        gen = _generator_latency(sim.env, seconds)
        figures.append(_dist("latency (a) sim -> RealTimeData generator", gen, 20, rate))
        visible, ages = asyncio.run(_app_latency(sim.env, seconds))
        figures.append(_dist("latency (b) sim -> watchlist pane, visible after", visible, 50, rate))
        figures.append(_dist("latency (b) age of the quote the pane gets", ages, None, rate))
    return figures


if __name__ == "__main__":
    common.main(run)
