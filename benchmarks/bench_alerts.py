"""Alerts: 200 alerts over 50 symbols, judged on every update at 10,000 updates/s.

What is compared: the app's stream worker (``tvtui.ui.worker.StreamBridge.run``, the real
loop: queue, ``Coalescer``, flushes; its messages posted to nowhere) per quote update without
alerts (A), and the same with an ``AlertWatcher`` judging every item (B):
``watcher.feed_all(batch)`` once per drained batch, right before the worker's flush, where the
worker will call it. A and B alternate on the same chunk of 10,000 updates, chunk after chunk;
the figure is the median of the per-chunk ratios of CPU time (this process's), which the
machine's other load moves far less than wall time or the best of whole runs.
(``_worker(..., frames)`` also counts the socket thread's share, decoding and merging: the
alerts' share of that whole way is smaller, and within this machine's noise.)

The stream: 10,000 quote updates per simulated second over 50 symbols, each a random walk
(seeded) around its start price, ``lp_time`` sent when it changes (as the feed sends only
changed fields). The 200 alerts: 4 per symbol (crossing, crossing-up, entering-channel,
moving-up-% within 5 bars, every-time), placed as :data:`PLACES` says; the firings are
counted, and their cost is in the figure.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from benchmarks import common
from benchmarks.common import Figure, StubFeed

SYMBOLS = 50
ALERTS = 200
RATE = 10_000  #: updates per (simulated) second
#: Relative price move per update (one standard deviation): 0.002 %, at 200 updates per
#: second per symbol ~1 % in an hour, a busy market (BTC moves ~3 % a day).
VOLATILITY = 0.00002
TARGET = 0.10  #: at most 10 % more time per update with the alerts


def _stream(count: int, seed: int = 7) -> tuple[list[str], list[str], dict[str, float]]:
    """``count`` qsd frames (one update each) over 50 symbols, and the start prices."""
    from tvtui.feed import wire

    rng = random.Random(seed)
    symbols = [f"BENCH:S{n:02d}" for n in range(SYMBOLS)]
    start = {s: rng.uniform(10, 1000) for s in symbols}
    price = dict(start)
    t0 = 1_717_977_600.0
    frames = []
    last_time: dict[str, int] = {}
    for i in range(count):
        symbol = symbols[rng.randrange(SYMBOLS)]
        price[symbol] = round(price[symbol] * (1 + rng.gauss(0, VOLATILITY)), 2)
        values: dict[str, Any] = {"lp": price[symbol], "volume": i}
        second = int(t0 + i / RATE)
        if last_time.get(symbol) != second:  # as the feed does: only the fields that changed
            values["lp_time"] = last_time[symbol] = second
        frames.append(wire.encode({"m": "qsd", "p": ["qs_bench", {"n": symbol, "s": "ok",
                                                                  "v": values}]}))  # fmt: skip
    return frames, symbols, start


#: Where the alerts sit, as fractions of each symbol's start price: (crossing, crossing-up,
#: channel low, channel high, moving-up-% percent). "typical": levels a person sets, 0.05-1 %
#: away (a few fire in the run); "near": all within 0.1 %, so that ~2 % of the updates fire
#: one (a stress case: every firing builds a Firing).
PLACES = {
    "typical": (1.0005, 0.998, 1.003, 1.01, 0.3),
    "near": (1.0002, 0.9998, 1.0003, 1.001, 0.05),
}


def _alerts(symbols: list[str], start: dict[str, float], where: str) -> list[Any]:
    from tvtui.alerts import Alert

    cross, up, low, high, percent = PLACES[where]
    out = []
    for symbol in symbols:
        p = start[symbol]
        out += [
            Alert.parse(symbol, f"crossing {p * cross:.2f}", mode="every-time"),
            Alert.parse(symbol, f"crossing-up {p * up:.2f}", mode="every-time"),
            Alert.parse(
                symbol, f"entering-channel {p * low:.2f} {p * high:.2f}", mode="every-time"
            ),
            Alert.parse(symbol, f"moving-up-% {percent} 5", mode="every-time", timeframe="1m"),
        ]
    assert len(out) == ALERTS
    return out


def _events(frames: list[str], symbols: list[str]) -> list[Any]:
    """The events as the client hands them on (decoded, quote merged)."""
    from tvtui.feed.decoder import decode
    from tvtui.feed.quotes import QuoteBook

    book = QuoteBook()
    out = []
    for frame in frames:
        for event in decode(frame).events:
            event.quote = dict(book.apply(event))
            out.append(event)
    return out


def _worker(events: list[Any], symbols: list[str], watcher: Any, frames: list[str] | None):
    """The app's real stream worker (``StreamBridge.run``, posting to nowhere) over
    ``events``, queued first (with ``frames``: decoded and merged first, as the socket thread
    does, and that counted too); with a ``watcher``, each item is also handed to
    ``watcher.feed_all`` once per drained batch. Returns (CPU seconds, firings)."""
    from tvtui.feed.decoder import decode
    from tvtui.feed.quotes import QuoteBook
    from tvtui.ui.coalesce import Coalescer
    from tvtui.ui.worker import StreamBridge

    fired = [0]
    pending: list[Any] = []

    class Bridge(StreamBridge):
        def _handle_item(self, item: Any) -> list[Any]:
            if watcher is not None:
                pending.append(item)
            return super()._handle_item(item)

    class Batches(Coalescer):
        """The worker flushes once per drained batch: the watcher judges the batch then."""

        def flush(self, now: float) -> list[Any]:
            if pending:
                fired[0] += len(watcher.feed_all(pending))
                pending.clear()
            return super().flush(now)

    bridge = Bridge(lambda message: None, StubFeed, coalescer=Batches())
    bridge.watch(symbols)
    start = time.process_time()
    if frames is None:
        for event in events:
            bridge.inbox.put(event)
    else:
        book = QuoteBook()
        for frame in frames:
            for event in decode(frame).events:
                event.quote = dict(book.apply(event))
                bridge.inbox.put(event)
    bridge.run(cancelled=bridge.inbox.empty)
    return time.process_time() - start, fired[0]


def run(quick: bool) -> list[Figure]:
    """A and B alternate on the same chunk of the stream, chunk after chunk (the watcher
    keeps its state from chunk to chunk, as it would in the worker); the figure is the median
    of the per-chunk ratios, which the machine's other load moves far less than the best or
    the mean of whole runs."""
    from tvtui.alerts import AlertWatcher

    chunk = 10_000
    pairs = 8 if quick else 24
    frames, symbols, start = _stream(chunk * 4)
    events = _events(frames, symbols)
    figures = []
    _worker(events[:2000], symbols, AlertWatcher(_alerts(symbols, start, "near")), None)
    for where, label, wire in (("typical", "worker", False), ("near", "worker", False)):
        watcher = AlertWatcher(_alerts(symbols, start, where))
        ratios, costs, per_a = [], [], []
        fired = 0
        for n in range(pairs):
            i = n % 4 * chunk
            part = events[i : i + chunk]
            raw = frames[i : i + chunk] if wire else None
            if n % 4 == 0 and n:
                watcher = AlertWatcher(watcher.engine.alerts)  # the stream starts over
            a = _worker(part, symbols, None, raw)[0]
            b, f = _worker(part, symbols, watcher, raw)
            fired += f
            ratios.append(b / a)
            costs.append((b - a) / chunk * 1e6)
            per_a.append(a / chunk * 1e6)
        extra = statistics.median(ratios) - 1
        q1, _, q3 = statistics.quantiles(ratios, n=4)
        judged = where == "typical" and not wire
        figures.append(
            Figure(
                f"{ALERTS} alerts ({where}) over {SYMBOLS} symbols, {label}: time per update",
                f"**{extra * 100:+.1f} %** (median of {pairs} A/B pairs of {chunk:,} updates;"
                f" quartiles {(q1 - 1) * 100:+.1f} / {(q3 - 1) * 100:+.1f} %;"
                f" {statistics.median(costs):.2f} us per update, {fired} firings in"
                f" {pairs * chunk:,} updates; at {RATE:,} updates/s the alerts take"
                f" {statistics.median(costs) * RATE / 1e4:.2f} % of one core)",
                f"{statistics.median(per_a):.2f} us per update without alerts",
                "< +10 %" if judged else "",
                extra < TARGET if judged else None,
            )
        )
    return figures


if __name__ == "__main__":
    common.main(run)
