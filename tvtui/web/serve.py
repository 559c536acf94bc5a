"""``tvtui serve [--host H] [--port P] [--allow-remote] [--demo] [app options]``.

The app options are checked here, once, with the app's own parser, so a typo fails at start
and not in every tab. The command each tab runs is fixed at start from those options, each
one quoted (``shlex``); nothing a browser sends takes part in it.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import textwrap
from pathlib import Path

from tvtui.web.server import is_loopback_host

WARNING = (
    "Anyone who can reach this port can use the app, as you: watch and edit your watchlist, "
    "export files on this machine, and use your TradingView token if one is set."
)

DESCRIPTION = f"""\
Serve tvtui to web browsers: every browser tab runs its own tvtui on this machine, with the
app options given here. It listens on 127.0.0.1 unless told otherwise.

{textwrap.fill(WARNING, 92)}
A --host other than a loopback address needs --allow-remote."""

EPILOG = """\
app options: any option of `tvtui` (see `tvtui --help`): SYMBOL ..., --timeframe TF,
  --theme NAME, --export-dir DIR. Exports from a browser are written on this machine.
example: tvtui serve --demo --port 8000, then open http://127.0.0.1:8000"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tvtui serve",
        usage="tvtui serve [-h] [--host HOST] [--port PORT] [--allow-remote] [--demo] "
        "[app options]",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # an app option must never be taken for an abbreviated serve one
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="accept a --host that is not a loopback address (read the warning above)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="each tab runs offline against its own simulator"
    )
    return parser


def app_command(app_args: list[str], *, python: str = sys.executable) -> str:
    """The shell command each tab runs: this Python's ``tvtui`` with ``app_args``, quoted.

    ``exec`` makes the app the server's direct child, so stopping it stops the app itself.
    """
    command = shlex.join([python, "-m", "tvtui", *app_args])
    return command if os.name == "nt" else f"exec {command}"


def check_app_args(app_args: list[str]) -> str | None:
    """Why the app would refuse ``app_args`` (None: it accepts them), checked at start.

    A usage error exits here (status 2) with the app parser's message, as ``tvtui`` would.
    """
    from tvtui.feed.symbols import normalize_symbol
    from tvtui.feed.timeframes import parse_timeframe
    from tvtui.ui.launch import build_parser as app_parser

    parser = app_parser()
    parser.prog = "tvtui serve"
    args = parser.parse_args(app_args)
    try:
        for symbol in args.symbols:
            normalize_symbol(symbol)
        if args.timeframe:
            parse_timeframe(args.timeframe)
    except ValueError as exc:
        return str(exc)
    return None


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def main(argv: list[str]) -> int:
    parser = build_parser()
    args, app_args = parser.parse_known_args(argv)
    if args.demo:
        app_args = ["--demo", *app_args]
    if not 0 < args.port < 65536:
        return _refuse(parser, f"--port must be 1-65535, not {args.port}")
    if problem := check_app_args(app_args):
        return _refuse(parser, f"app options: {problem}")
    export_dir = _export_dir(app_args)
    if export_dir is not None:  # absolute: exports land where meant, the notice says where
        app_args = [*app_args, "--export-dir", str(export_dir)]
    loopback = is_loopback_host(args.host)
    if not loopback and not args.allow_remote:
        return _refuse(
            parser,
            f"--host {args.host} is not a loopback address. {WARNING} "
            "Add --allow-remote to accept that, or leave out --host (127.0.0.1).",
        )
    if not loopback:
        print(f"tvtui serve: WARNING: listening on {args.host}. {WARNING}", file=sys.stderr)

    from tvtui.web.server import TvtuiServer

    url = url_for("127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host, args.port)
    server = TvtuiServer(
        app_command(app_args),
        host=args.host,
        port=args.port,
        url=url,
        announce=lambda line: print(line, flush=True),
    )
    try:
        server.serve()
    except OSError as exc:  # the port is taken, the address is not this machine's
        print(f"tvtui serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


def _export_dir(app_args: list[str]) -> Path | None:
    from tvtui.ui.launch import build_parser as app_parser

    args, _ = app_parser().parse_known_args(app_args)
    export_dir = args.export_dir
    if not isinstance(export_dir, Path):  # None: not given (argparse makes it a Path)
        return None
    return export_dir.expanduser().resolve()


def _refuse(parser: argparse.ArgumentParser, message: str) -> int:
    parser.print_usage(sys.stderr)
    print(f"tvtui serve: error: {message}", file=sys.stderr)
    return 2
