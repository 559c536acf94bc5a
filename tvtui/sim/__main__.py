"""``python -m tvtui.sim``: run the simulator until Ctrl-C (or ``--seconds``)."""

from __future__ import annotations

import argparse
import sys
import time

from tvtui.sim import SimConfig, Simulator
from tvtui.sim.config import DEFAULT_START


def main(argv: list[str] | None = None) -> int:
    # A slots dataclass has no class-level defaults (``SimConfig.time_scale`` is a slot
    # descriptor, not 60.0), so the defaults come from an instance.
    defaults = SimConfig()
    parser = argparse.ArgumentParser(
        prog="python -m tvtui.sim", description="TradingView-compatible simulator on 127.0.0.1"
    )
    parser.add_argument("--port", type=int, default=0, help="WebSocket port (0: a free one)")
    parser.add_argument("--http-port", type=int, default=0, help="HTTP port (0: a free one)")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--time-scale", type=float, default=defaults.time_scale, help="sim seconds per second"
    )
    parser.add_argument(
        "--heartbeat", type=float, default=defaults.heartbeat_interval, help="heartbeat (s)"
    )
    parser.add_argument("--seconds", type=float, default=None, help="stop after this long")
    parser.add_argument(
        "--history-days",
        type=float,
        default=None,
        help="every instrument's first trade this many days before the start (default: 1990)",
    )
    args = parser.parse_args(argv)
    start = DEFAULT_START if defaults.start_time is None else defaults.start_time
    config = SimConfig(
        history_start=None if args.history_days is None else start - args.history_days * 86_400,
        seed=args.seed,
        time_scale=args.time_scale,
        heartbeat_interval=args.heartbeat,
        ws_port=args.port,
        http_port=args.http_port,
    )
    try:
        sim = Simulator(config).start()
    except (RuntimeError, OSError) as exc:
        print(f"tvtui.sim: cannot start: {exc}", file=sys.stderr)
        return 1
    print(f"WebSocket: {sim.ws_url}")
    print(f"HTTP:      {sim.http_url}")
    for name, value in sim.env().items():
        print(f"export {name}={value}")
    sys.stdout.flush()
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.1 if deadline is None else min(0.1, max(0.0, deadline - time.monotonic())))
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
