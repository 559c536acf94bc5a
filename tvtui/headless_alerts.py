"""``tvtui alerts``: the configured alerts, listed or run without the UI.

``tvtui alerts`` lists the ``[[alerts]]`` of the config file (and when each last fired, from
the alert log); ``tvtui alerts --watch`` runs them on the feed, for a server or a
cron-started session, printing one JSON line per firing (the ``alert`` lines of ``tvtui
stream --follow``) and appending each to the alert log. A ``once`` alert that is in the log
already fired: it stays quiet, also in later runs; a paused one (``paused = true``, from the
app's alert list) is listed but not run.

Exit codes and messages as ``tvtui stream`` (:mod:`tvtui.headless`): 0 ok, 2 bad input (no
alert to run), 3 every alert's symbol unknown or the token refused, 4 network unreachable,
130 interrupted. A broken entry or an unknown symbol costs that alert only: its message goes
to stderr and the others run.
"""

from __future__ import annotations

import argparse
import logging
import queue
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from tvtui.alerts import Alert, AlertLog, AlertWatcher, Firing, Mode
from tvtui.config.alerts import load_alerts
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints, redact, resolve_token
from tvtui.feed.events import ConnectionStatus, Event, LinkState
from tvtui.feed.studies import IndicatorError
from tvtui.feed.symbols import SymbolLookupError, SymbolNotFoundError, validate_symbol
from tvtui.feed.untrusted import plain
from tvtui.headless import inbox_items
from tvtui.headless_output import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_UNREACHABLE,
    CliError,
    PlainFormatter,
    json_text,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tvtui alerts",
        description="List the alerts of the config file, or run them without the UI.",
        epilog="Exit codes: 0 ok, 2 bad input, 3 symbol not found or auth refused, "
        "4 network unreachable. The config file is $TVTUI_CONFIG or the platform's one.",
    )
    parser.add_argument("--watch", action="store_true",
                        help="run the alerts, printing one JSON line per firing")  # fmt: skip
    parser.add_argument("--seconds", type=float, help="with --watch: stop after S seconds")
    parser.add_argument("--config", type=Path, help="the config file (default: the usual one)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(PlainFormatter("tvtui: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    token = resolve_token(None)
    try:
        if args.seconds is not None and args.seconds <= 0:
            raise CliError("--seconds must be positive", EXIT_BAD_INPUT)
        loaded = load_alerts(args.config)
        if loaded.error:
            _say(loaded.error)
        if not args.watch:
            return _list(loaded.alerts, AlertLog(), sys.stdout, loaded.paused)
        running = [a for a in loaded.alerts if a.id not in loaded.paused]
        if loaded.paused:
            _say(f"{len(loaded.paused)} paused alert(s) left out (paused = true)")
        return _watch(running, args.seconds, sys.stdout)
    except CliError as exc:
        _say(redact(str(exc), token))
        return exc.code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _say(message: str) -> None:
    print(f"tvtui alerts: {plain(message, 4000, multiline=True)}", file=sys.stderr)


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _list(alerts: list[Alert], log: AlertLog, out: IO[str], paused: set[str]) -> int:
    """One line per alert: id, symbol, condition, mode, timeframe, expiry, paused, last
    firing, note."""
    last: dict[str, float] = {}
    for row in log.recent(10_000):
        if isinstance(row.get("id"), str):
            last[row["id"]] = row["time"]
    if not alerts:
        out.write("No alerts configured (add [[alerts]] tables to the config file).\n")
        return EXIT_OK
    for alert in alerts:
        parts = [alert.id, alert.symbol, alert.condition.text, alert.mode.value, alert.timeframe]
        if alert.expires is not None:
            parts.append(f"expires {_when(alert.expires)}")
        if alert.id in paused:
            parts.append("paused")
        fired = last.get(alert.id)
        parts.append(f"last fired {_when(fired)}" if fired is not None else "never fired")
        if alert.note:
            parts.append(f"note: {alert.note}")
        out.write(plain("  ".join(parts), 1000) + "\n")
    out.flush()
    return EXIT_OK


def _checked(alerts: list[Alert], endpoints: Endpoints) -> list[Alert]:
    """The alerts whose symbol exists (each symbol asked once); the others said on stderr."""
    known: dict[str, bool] = {}
    for symbol in dict.fromkeys(a.symbol for a in alerts):
        try:
            validate_symbol(symbol, endpoints)
            known[symbol] = True
        except SymbolNotFoundError as exc:
            _say(f"{exc} Its alerts are left out.")
            known[symbol] = False
        except SymbolLookupError as exc:
            raise CliError(str(exc), EXIT_UNREACHABLE) from None
    kept = [a for a in alerts if known[a.symbol]]
    if not kept:
        raise CliError("No alert has a symbol TradingView knows", EXIT_NOT_FOUND)
    return kept


def _watch(alerts: list[Alert], seconds: float | None, out: IO[str]) -> int:
    if not alerts:
        raise CliError("No alerts to watch: add [[alerts]] tables to the config file",
                       EXIT_BAD_INPUT)  # fmt: skip
    try:
        endpoints = Endpoints.from_env()
    except ValueError as exc:
        raise CliError(str(exc), EXIT_BAD_INPUT) from None
    alerts = _checked(alerts, endpoints)
    log = AlertLog()
    spent = log.fired_ids()
    inbox: queue.Queue[Event | Firing] = queue.Queue()
    watcher = AlertWatcher(log=log, on_fire=inbox.put)
    for alert in alerts:
        watcher.engine.add(alert, armed=not (alert.mode is Mode.ONCE and alert.id in spent))
    client = FeedClient(endpoints=endpoints, sink=watcher.sink(inbox.put))
    try:
        watcher.attach(client, endpoints)
    except IndicatorError as exc:
        client.close()
        raise CliError(str(exc), EXIT_NOT_FOUND) from None
    connected = False
    client.start()
    try:
        for item in inbox_items(inbox, seconds):
            if isinstance(item, Firing):
                try:
                    out.write(json_text(item.row(), allow_nan=False) + "\n")
                    out.flush()
                except BrokenPipeError:
                    return EXIT_OK
            elif isinstance(item, ConnectionStatus):
                connected = connected or item.state is LinkState.CONNECTED
                if item.state is LinkState.AUTH_FAILED:
                    raise CliError(item.message, EXIT_NOT_FOUND)
        if not connected:
            raise CliError(f"Could not reach the feed at {client.url} within {seconds:g} s",
                           EXIT_UNREACHABLE)  # fmt: skip
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        client.close()
