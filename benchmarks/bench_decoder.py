"""Decoder throughput: our full decode-to-events against plain ``json.loads`` of the payloads.

The reference is the floor of any JSON-based decoder: the bare payloads, already cut out of
their envelopes, parsed by the stdlib. Ours does strictly more (unframing, LEN checks,
heartbeats, typed events), so reaching 90% of the floor means the extra work is nearly free.
A third line runs the parser of the module tvtui replaces (a regex split plus ``json.loads``
per WebSocket message, as ``tradingview_scraper`` does), re-implemented here from its published
code so it needs no install.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

from benchmarks import corpus
from tvtui.feed.decoder import decode

_SPLIT = re.compile(r"~m~\d+~m~")
_HEARTBEAT = re.compile(r"~m~\d+~m~~h~\d+$")


def _best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _scraper_style(messages: list[str]) -> int:
    parsed = 0
    for message in messages:
        if _HEARTBEAT.match(message):
            continue
        for item in _SPLIT.split(message):
            if item and not item.startswith("~h~"):
                json.loads(item)
                parsed += 1
    return parsed


def run(runs: int = 7) -> dict[str, object]:
    messages = corpus.build()
    payloads = corpus.bare_payloads(messages)
    frames = sum(len(decode(m).events) for m in messages)
    size_mb = sum(len(m.encode()) for m in messages) / 1e6

    def ours() -> None:
        for message in messages:
            decode(message)

    def floor() -> None:
        loads = json.loads
        for payload in payloads:
            loads(payload)

    t_ours = _best_of(runs, ours)
    t_floor = _best_of(runs, floor)
    t_scraper = _best_of(runs, lambda: _scraper_style(messages))
    return {
        "messages": len(messages),
        "frames": frames,
        "MB": round(size_mb, 2),
        "ours_MBps": round(size_mb / t_ours, 1),
        "ours_frames_per_s": round(frames / t_ours),
        "json_loads_MBps": round(size_mb / t_floor, 1),
        "scraper_MBps": round(size_mb / t_scraper, 1),
        "ratio_vs_json_loads": round(t_floor / t_ours, 2),
        "ratio_vs_scraper": round(t_scraper / t_ours, 2),
        "target": "ratio_vs_json_loads >= 0.90",
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:>22}: {value}")
