"""Time to result: ``Streamer.stream(numb_price_candles=10)`` with RSI and MACD.

Ours (``tvtui.stream.Streamer``, constructor included: it opens the connection) against
``tradingview-scraper``'s ``Streamer`` on the same simulator, run by
``benchmarks/scraper_probe.py`` in the scraper's own venv (``benchmarks/.venv``, see the
README) with its URLs pointed at the simulator. Each side gets a fresh connection; ours is
timed best of 3 (a fresh Streamer each time), the scraper's once (it takes seconds).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from benchmarks import common
from benchmarks.common import Figure, ms

SCRAPER_PYTHON = Path(__file__).parent / ".venv" / "bin" / "python"
PROBE = Path(__file__).parent / "scraper_probe.py"
INDICATORS = [("STD;RSI", "37.0"), ("STD;MACD", "31.0")]


def _ours(endpoints: object) -> tuple[float, int, list[str]]:
    from tvtui.feed import studies
    from tvtui.stream import Streamer

    studies.clear_cache()  # each run fetches the metadata, as a fresh program would
    start = time.perf_counter()
    with Streamer(endpoints=endpoints) as streamer:  # type: ignore[arg-type]
        result = streamer.stream("BINANCE", "BTCUSDT", "1m", 10, INDICATORS)
    elapsed = time.perf_counter() - start
    got = sorted(k for k, v in result["indicator"].items() if v)
    return elapsed, len(result["ohlc"]), got


def scraper_available() -> bool:
    return SCRAPER_PYTHON.exists()


def run(quick: bool = False) -> list[Figure]:
    from tvtui.feed.endpoints import Endpoints
    from tvtui.sim import SimConfig, Simulator

    with Simulator(SimConfig(seed=7, time_scale=60.0)) as sim:
        endpoints = Endpoints.from_env(sim.env())
        runs = [_ours(endpoints) for _ in range(3)]
        ours, candles, got = min(runs)
        theirs: dict[str, object] | None = None
        if scraper_available():
            out = subprocess.run(
                [str(SCRAPER_PYTHON), str(PROBE), "stream", sim.ws_url, sim.http_url],
                capture_output=True,
                text=True,
                timeout=120,
                env={k: v for k, v in os.environ.items() if k != "TRADINGVIEW_JWT_TOKEN"},
            )
            lines = out.stdout.strip().splitlines()
            theirs = json.loads(lines[-1]) if lines else None
    value = f"{ms(ours)} ({candles} candles, {', '.join(got) or 'no indicators'})"
    if theirs is None:
        return [
            Figure(
                "time to result: Streamer.stream(10 candles, RSI, MACD)",
                value,
                reference="tradingview-scraper not installed (see README)",
                target=">= 10x faster",
            )
        ]
    seconds = float(theirs["seconds"])  # type: ignore[arg-type]
    ratio = seconds / ours
    return [
        Figure(
            "time to result: Streamer.stream(10 candles, RSI, MACD)",
            f"{value}: {ratio:.0f}x faster",
            reference=f"tradingview-scraper {seconds:.2f} s ({theirs['candles']} candles, "
            f"{', '.join(theirs['indicators'])})",  # type: ignore[arg-type]
            target=">= 10x faster",
            met=ratio >= 10,
        )
    ]


if __name__ == "__main__":
    common.main(run)
