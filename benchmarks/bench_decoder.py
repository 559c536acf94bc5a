"""Decoder throughput: our full decode-to-events against plain ``json.loads`` of the payloads.

The reference is the floor of any JSON-based decoder: the bare payloads, already cut out of
their envelopes, parsed by the stdlib. Ours does strictly more (unframing, LEN checks,
heartbeats, typed events), so reaching 90% of the floor means the extra work is nearly free.
Ours is timed on ``bytes`` (what the feed client's socket hands it) and on ``str``.

The third line is ``tradingview-scraper``'s own parser (its ``Streamer.get_data`` over a
replayed socket, its one-second sleep patched out), run in its venv by
``benchmarks/scraper_probe.py``; without that venv, a re-implementation of its regex split
plus ``json.loads`` per message stands in (and the figure says so).

Two corpora: the seeded synthetic one (repeatable) and one recorded from the simulator.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Callable

from benchmarks import common, corpus
from benchmarks.bench_result import PROBE, SCRAPER_PYTHON, scraper_available
from benchmarks.common import Figure, best_of
from tvtui.feed.decoder import decode

_SPLIT = re.compile(r"~m~\d+~m~")
_HEARTBEAT = re.compile(r"~m~\d+~m~~h~\d+$")


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


def _scraper(messages: list[str], runs: int) -> tuple[float, str]:
    """Seconds for the scraper's parser over ``messages``, and what ran (with how often its
    generator stopped on a frame it could not parse and had to be started again)."""
    if scraper_available():
        with tempfile.NamedTemporaryFile("w", suffix=".json") as handle:
            json.dump(messages, handle)
            handle.flush()
            out = subprocess.run(
                [str(SCRAPER_PYTHON), str(PROBE), "parse", handle.name, str(runs)],
                capture_output=True,
                text=True,
                timeout=300,
            )
        lines = out.stdout.strip().splitlines()
        if out.returncode == 0 and lines:
            got = json.loads(lines[-1])
            name = f"tradingview-scraper get_data (stopped {got['restarts']}x, restarted)"
            return float(got["seconds"]), name
    return best_of(runs, lambda: _scraper_style(messages)), "re-implemented scraper split"


def _measure(label: str, messages: list[str], runs: int) -> list[Figure]:
    raw = [m.encode() for m in messages]
    payloads = corpus.bare_payloads(messages)
    frames = sum(len(decode(m).events) for m in messages)
    size_mb = sum(len(m) for m in raw) / 1e6

    def over(items: list) -> Callable[[], None]:
        def work() -> None:
            for item in items:
                decode(item)

        return work

    def floor() -> None:
        loads = json.loads
        for payload in payloads:
            loads(payload)

    t_bytes = best_of(runs, over(raw))
    t_str = best_of(runs, over(messages))
    t_floor = best_of(runs, floor)
    t_scraper, scraper_name = _scraper(messages, runs)
    ratio = t_floor / t_bytes
    return [
        Figure(
            f"decoder ({label}: {len(messages):,} messages, {frames:,} frames, {size_mb:.1f} MB)",
            f"{size_mb / t_bytes:.1f} MB/s, {frames / t_bytes:,.0f} frames/s from bytes "
            f"(from str {size_mb / t_str:.1f} MB/s): {ratio:.2f}x json.loads",
            reference=f"json.loads of bare payloads {size_mb / t_floor:.1f} MB/s",
            target=">= 0.90x json.loads",
            met=ratio >= 0.90,
        ),
        Figure(
            f"decoder ({label}) vs tradingview-scraper",
            f"ours {t_scraper / t_bytes:.2f}x its speed",
            reference=f"{scraper_name} {size_mb / t_scraper:.1f} MB/s",
        ),
    ]


def run(quick: bool = False) -> list[Figure]:
    runs = 3 if quick else 7
    figures = _measure("seeded", corpus.build(), runs)
    figures += _measure("recorded from the simulator", corpus.record(), runs)
    return figures


if __name__ == "__main__":
    common.main(run)
