"""``tvtui [SYMBOL ...] [--demo] [--timeframe TF] [--theme NAME] [--export-dir DIR]``.

Live mode talks to TradingView (or to whatever the ``TVTUI_*`` variables point at); without a
network it says so in the status line and keeps retrying. ``--demo`` starts the simulator in
this process on free loopback ports and points the client at it, so everything works offline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tvtui.config import config_path, load_config
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.symbols import normalize_symbol
from tvtui.feed.timeframes import VALID_NAMES, parse_timeframe
from tvtui.feed.untrusted import plain

if TYPE_CHECKING:
    from tvtui.ui.app import TvtuiApp

EPILOG = f"""\
keys: ? help, a add, d remove, enter show, [ ] or 1-9 timeframe, i indicators, e export,
      t / T next / previous theme, r reconnect, z maximise the chart, w / s hide panes,
      ctrl+p command palette, q quit
headless: tvtui stream SYMBOL writes bars, indicators and quotes to stdout as JSON or CSV,
      no screen (see tvtui stream --help)
settings: {config_path()} (TVTUI_CONFIG overrides); token: TRADINGVIEW_JWT_TOKEN
timeframes: {", ".join(VALID_NAMES)}
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tvtui",
        description="A terminal workstation for TradingView's real-time feed.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "symbols", nargs="*", metavar="SYMBOL", help="EXCHANGE:SYMBOL to watch for this run"
    )
    parser.add_argument(
        "--demo", action="store_true", help="run offline against the built-in simulator"
    )
    parser.add_argument("--timeframe", "-t", metavar="TF", help="chart timeframe, e.g. 5m, 1h")
    parser.add_argument("--theme", metavar="NAME", help="theme name (e.g. tvtui-light)")
    parser.add_argument("--export-dir", metavar="DIR", type=Path, help="folder for exports")
    return parser


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    symbols: list[str] | None = None
    if args.symbols:
        try:
            symbols = list(dict.fromkeys(normalize_symbol(s) for s in args.symbols))
        except ValueError as exc:
            parser.error(str(exc))
    timeframe = None
    if args.timeframe:
        try:
            timeframe = parse_timeframe(args.timeframe).name
        except ValueError as exc:
            parser.error(str(exc))
    config = load_config()
    simulator = None
    endpoints = None
    mode = "live"
    try:
        endpoints = Endpoints.from_env()
    except ValueError as exc:
        parser.error(plain(str(exc)))
    if args.demo:
        from tvtui.sim import SimConfig, Simulator

        simulator = Simulator(SimConfig())
        simulator.start()
        endpoints = Endpoints.from_env(simulator.env())
        mode = "demo"
    from tvtui.ui.app import TvtuiApp

    try:
        app = TvtuiApp(
            config,
            endpoints=endpoints,
            mode=mode,
            # the demo never sends a real token anywhere, even to loopback
            token="unauthorized_user_token" if args.demo else None,
            symbols=symbols,
            timeframe=timeframe,
            theme=args.theme,
            export_dir=args.export_dir.expanduser() if args.export_dir else None,
        )
        result = app.run()
    finally:
        if simulator is not None:
            simulator.stop()
    if config.error:
        print(plain(config.error, multiline=True), file=sys.stderr)
    return exit_code(app, result)


def exit_code(app: TvtuiApp, result: object) -> int:
    """What the command exits with: 0 after ``q``; 1 after a crash (with the traceback and
    one line naming the log that holds it); 128 + the signal after SIGTERM / SIGHUP."""
    if app.exit_signal is not None:
        return 128 + app.exit_signal
    report = app.crash_report()
    if report is not None:
        print(report, file=sys.stderr)
        return app.return_code or 1
    return result if isinstance(result, int) else 0
