"""The simulator in its own process, for the benches that load the client.

Why a process: a real feed is on another machine, so the server's work must not compete with
the client for this process's GIL (in-process, the simulator's encoding would be billed to our
latency). Clocks still agree: the stamp is ``time.monotonic()`` (CLOCK_MONOTONIC, one clock for
every process on the machine).

``python -m benchmarks.simproc [--burst N] [--stamp]`` prints one JSON line with the
``TVTUI_*`` environment, then obeys lines on stdin: ``burst N`` (0 = off) and ``quit``; it
also stops when stdin closes, so it never outlives the bench.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from contextlib import contextmanager
from typing import Any

from tvtui.sim import SimConfig, Simulator


@contextmanager
def _patched(stamp: bool) -> Any:
    if not stamp:
        yield
        return
    from benchmarks import common

    with common.stamped_quotes():
        yield


#: Where the synthetic instruments live (the simulator knows 19 real ones; the load bench
#: watches 50).
EXTRA_EXCHANGE = "BENCH"


def extra_symbols(count: int) -> list[str]:
    return [f"{EXTRA_EXCHANGE}:COIN{k:02d}" for k in range(count)]


def add_instruments(count: int) -> None:
    """Register ``count`` round-the-clock instruments (clones of BTCUSDT at other price
    levels) in the simulator's symbol table: a patch of this process only."""
    import dataclasses

    from tvtui.sim import catalog

    base = catalog.lookup("BINANCE:BTCUSDT")
    assert base is not None
    for k, name in enumerate(extra_symbols(count)):
        inst = dataclasses.replace(
            base,
            exchange=EXTRA_EXCHANGE,
            symbol=name.split(":")[1],
            description=f"Bench coin {k}",
            base_price=10.0 + 37.0 * k,
            asset=None,
        )
        catalog._BY_NAME[inst.pro_name] = inst


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=0)
    parser.add_argument("--stamp", action="store_true")
    parser.add_argument("--time-scale", type=float, default=60.0)
    parser.add_argument("--extra", type=int, default=0, help="synthetic instruments to add")
    args = parser.parse_args(argv)
    add_instruments(args.extra)
    with _patched(args.stamp):
        config = SimConfig(seed=7, time_scale=args.time_scale, heartbeat_interval=10.0)
        with Simulator(config) as sim:
            sim.faults.burst_rate = args.burst or None
            print(json.dumps(sim.env()), flush=True)
            for line in sys.stdin:
                words = line.split()
                if words[:1] == ["burst"] and len(words) == 2:
                    sim.faults.burst_rate = int(words[1]) or None
                elif words[:1] == ["quit"]:
                    break
    return 0


class SimProcess:
    """Start ``serve`` in a child process; ``env`` points a client at it."""

    def __init__(
        self, burst: int = 0, stamp: bool = True, time_scale: float = 60.0, extra: int = 0
    ) -> None:
        cmd = [sys.executable, "-m", "benchmarks.simproc", "--burst", str(burst)]
        cmd += ["--time-scale", str(time_scale), "--extra", str(extra)]
        if stamp:
            cmd.append("--stamp")
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.close()
            raise RuntimeError("the simulator process did not start")
        self.env: dict[str, str] = json.loads(line)

    def burst(self, rate: int) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"burst {rate}\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def endpoints_of(env: dict[str, str]) -> Any:
    from tvtui.feed.endpoints import Endpoints

    return Endpoints.from_env(env)


if __name__ == "__main__":
    raise SystemExit(serve(sys.argv[1:]))
