"""``python benchmarks/run.py [--quick] [--only NAME ...] [--json FILE]``: every figure.

Each bench runs in its own Python process (``python -m benchmarks.bench_NAME``), one after the
other, so threads, imports and memory of one never colour another's numbers. The table shows
each figure with the reference measured in the same run and the target it is judged against.
Full suite: about 3 minutes on 2 cores; ``--quick`` about 1.5.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: name -> what it measures (the brief's items 1-7)
BENCHES = {
    "decoder": "1. decoder throughput",
    "latency": "2. update latency",
    "result": "3. time to result",
    "app_load": "4. the app under load",
    "startup": "5. start-up",
    "chart": "6. chart redraw",
    "memory": "7. memory",
    "alerts": "8. alerts on every update",
    "history": "9. history on demand",
}
TIMEOUT = 240.0


def run_one(name: str, quick: bool) -> tuple[list[dict], str]:
    cmd = [sys.executable, "-m", f"benchmarks.bench_{name}"] + (["--quick"] if quick else [])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TRADINGVIEW_JWT_TOKEN", None)  # benches run anonymous, on loopback only
    try:
        out = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return [], f"timed out after {TIMEOUT:.0f} s"
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        return [], (out.stderr.strip().splitlines() or ["no output"])[-1]
    return json.loads(lines[-1]), ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, fewer repeats")
    parser.add_argument("--only", nargs="+", choices=list(BENCHES), metavar="NAME",
                        help=f"run only these ({', '.join(BENCHES)})")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    names = args.only or list(BENCHES)
    print(f"tvtui benchmarks{' (quick)' if args.quick else ''}: {', '.join(names)}")
    everything: list[dict] = []
    failures = 0
    started = time.monotonic()
    for name in names:
        t0 = time.monotonic()
        figures, error = run_one(name, args.quick)
        print(f"\n== {BENCHES[name]} ({time.monotonic() - t0:.0f} s)")
        if error:
            failures += 1
            print(f"   FAILED: {error}")
        for fig in figures:
            verdict = {True: "MET", False: "MISSED", None: "-"}[fig["met"]]
            print(f"   [{verdict:^6}] {fig['name']}")
            print(f"            {fig['value']}")
            if fig["reference"]:
                print(f"            reference: {fig['reference']}")
            if fig["target"]:
                print(f"            target:    {fig['target']}")
            everything.append({"bench": name, **fig})
    met = sum(1 for f in everything if f["met"] is True)
    judged = sum(1 for f in everything if f["met"] is not None)
    print(f"\n{met} of {judged} targets met; {time.monotonic() - started:.0f} s in all")
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
