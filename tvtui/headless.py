"""``tvtui stream``: the headless face, for scripts and pipes.

Without ``--follow`` it prints what :meth:`tvtui.stream.Streamer.stream` returns (JSON, or CSV
with one row per bar and one column per indicator plot). With ``--follow`` it prints one JSON
object per line as data arrives (``bar``, ``study``, ``quote`` and ``status`` lines), until
``--seconds`` runs out or the reader goes away.

Exit codes, so a script can tell what went wrong: 0 ok, 2 bad input, 3 symbol not found or
auth refused, 4 network unreachable (or the feed sent data that cannot be written), 130
interrupted (Ctrl-C). The message on stderr says which.

Everything printed comes from a server or a file at least in part, so it is made safe first:
messages on stderr (ours and the library's log lines) go through ``plain()``; JSON and CSV on
stdout keep the data exactly but never as raw control characters (JSON escapes them as
``\\uXXXX``; a CSV cell gets ``plain()``'s visible stand-ins).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import queue
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from tvtui.alerts import Alert, AlertWatcher, studies_needed
from tvtui.config.studies import parse_study
from tvtui.export import result_csv
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints, redact, resolve_token
from tvtui.feed.events import (
    ConnectionStatus,
    Event,
    LinkState,
    QuoteUpdate,
    SeriesData,
    StudyData,
    StudyError,
    SymbolError,
)
from tvtui.feed.registry import MAX_BARS
from tvtui.feed.studies import Indicator, IndicatorError, fetch_indicator
from tvtui.feed.symbols import SymbolLookupError, SymbolNotFoundError, validate_symbol
from tvtui.feed.timeframes import VALID_NAMES, parse_timeframe
from tvtui.feed.untrusted import plain
from tvtui.headless_output import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_UNREACHABLE,
    CliError,
    PlainFormatter,
    csv_text,
    json_text,
    open_output,
    write_text,
)
from tvtui.stream import (
    AuthenticationError,
    DataNotFoundError,
    FeedUnavailableError,
    Streamer,
)
from tvtui.stream.arguments import check_candles, check_indicator_requests

__all__ = ["inbox_items", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tvtui stream",
        description="Stream TradingView bars, indicators and quotes to stdout.",
        epilog="Exit codes: 0 ok, 2 bad input, 3 symbol not found or auth refused, "
        "4 network unreachable. The token comes from TRADINGVIEW_JWT_TOKEN.",
    )
    parser.add_argument("symbol", help="EXCHANGE:SYMBOL, e.g. BINANCE:BTCUSDT")
    parser.add_argument(
        "--timeframe", "-t", default="1m", help=f"one of {', '.join(VALID_NAMES)} (default 1m)"
    )
    parser.add_argument(
        "--candles", "-n", type=int, default=10, help="number of bars, 1 to 20000 (default 10)"
    )
    parser.add_argument(
        "--indicator", "-i", action="append", default=[], metavar="STUDY",
        help="an indicator by its script id with its inputs, as in the config: "
        "'STD;RSI length=7', 'STD;SMA length=50', 'STD;RSI@37.0' (repeatable; version "
        "defaults to 'last')",
    )  # fmt: skip
    parser.add_argument("--format", "-f", choices=("json", "csv"), default="json")
    parser.add_argument("--output", "-o", type=Path, help="write to FILE instead of stdout")
    parser.add_argument(
        "--follow", action="store_true", help="print one JSON line per update as data arrives"
    )
    parser.add_argument(
        "--seconds", type=float, help="stop after S seconds (exit 0); with --follow or without"
    )
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="how long to wait for data without --follow (default 10)")  # fmt: skip
    parser.add_argument(
        "--alert", "-a", action="append", default=[], metavar="CONDITION",
        help="with --follow: an alert line when the condition fires, e.g. 'crossing-up 110000'"
        " or 'rsi crossing 70 every-time' (repeatable; see README's alerts section)",
    )  # fmt: skip
    return parser


def _indicators(specs: Sequence[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """``--indicator`` values in the config's syntax (``config/studies.py``) as the library's
    requests; a ``ValueError`` for a malformed one (the inputs are checked against the
    metadata before anything is sent)."""
    requests = []
    for spec in specs:
        ref = parse_study(spec)
        named = spec.split(maxsplit=1)[0].partition("@")[0]
        # a script id as the library takes it (``RSI`` alone is refused, naming ``STD;RSI``)
        requests.append((ref.pine_id if ";" in named else named, ref.version, ref.overrides))
    checked = check_indicator_requests(requests)
    return [(r.pine_id, r.version, r.inputs) for r in checked]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(PlainFormatter("tvtui: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    token = resolve_token(None)
    try:
        return _run(args)
    except CliError as exc:
        message = plain(redact(str(exc), token), multiline=True)
        print(f"tvtui stream: {message}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    try:
        tf = parse_timeframe(args.timeframe)
        wanted = _indicators(args.indicator)
        check_candles(args.candles, "--candles")  # up to 20,000: the library pages back
        if args.seconds is not None and args.seconds <= 0:
            raise ValueError("--seconds must be positive")
        if args.alert and not args.follow:
            raise ValueError("--alert needs --follow (alerts watch a stream as it goes)")
        alerts = [Alert.parse(args.symbol, text, timeframe=tf.name) for text in args.alert]
    except ValueError as exc:
        raise CliError(str(exc), EXIT_BAD_INPUT) from None
    try:
        endpoints = Endpoints.from_env()
    except ValueError as exc:  # a TVTUI_* variable that is not a URL
        raise CliError(str(exc), EXIT_BAD_INPUT) from None
    with _errors():
        symbol = validate_symbol(args.symbol, endpoints)
        metas = [fetch_indicator(p, version, endpoints).with_inputs(i) for p, version, i in wanted]
        hidden = [fetch_indicator(p, "last", endpoints) for p in studies_needed(alerts, metas)]
    if args.follow:
        with open_output(args.output) as out:
            return _follow(out, symbol, tf.name, args.candles, metas, args.seconds, endpoints,
                           AlertWatcher(alerts) if alerts else None, hidden)  # fmt: skip
    with _errors(), Streamer(endpoints=endpoints, timeout=args.seconds or args.timeout) as s:
        exchange, ticker = symbol.split(":", 1)
        result = s.stream(exchange, ticker, tf.name, args.candles, wanted)
    text = json_text(result, indent=2) + "\n"
    if args.format == "csv":
        try:
            text = csv_text(result_csv(result, {m.label: m.plot_titles for m in metas}))
        except (ValueError, OverflowError, OSError) as exc:
            # e.g. a bar time of 1e12 s: no calendar date to write in the time column
            raise CliError(
                f"The feed sent a bar the CSV cannot hold ({exc}); try --format json",
                EXIT_UNREACHABLE,
            ) from None
    write_text(args.output, text)
    return EXIT_OK


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Library exceptions to exit codes with the library's own (clear) messages."""
    try:
        yield
    except (SymbolNotFoundError, AuthenticationError) as exc:
        raise CliError(str(exc), EXIT_NOT_FOUND) from None
    except (SymbolLookupError, FeedUnavailableError) as exc:
        raise CliError(str(exc), EXIT_UNREACHABLE) from None
    except IndicatorError as exc:
        raise CliError(str(exc), EXIT_NOT_FOUND if exc.reason != "study limit" else
                       EXIT_BAD_INPUT) from None  # fmt: skip
    except DataNotFoundError as exc:
        raise CliError(str(exc), EXIT_NOT_FOUND) from None
    except ValueError as exc:
        raise CliError(str(exc), EXIT_BAD_INPUT) from None


def inbox_items(inbox: queue.Queue[Any], seconds: float | None) -> Iterator[Any]:
    """The feed's items as they come, for ``seconds`` (None: for ever), ending on time."""
    deadline = None if seconds is None else time.monotonic() + seconds
    while deadline is None or (left := deadline - time.monotonic()) > 0:
        with contextlib.suppress(queue.Empty):
            yield inbox.get(timeout=0.5 if deadline is None else min(0.5, left))


def _follow(
    out: IO[str],
    symbol: str,
    timeframe: str,
    candles: int,
    metas: list[Indicator],
    seconds: float | None,
    endpoints: Endpoints,
    watcher: AlertWatcher | None = None,
    hidden: Sequence[Indicator] = (),
) -> int:
    """NDJSON until ``seconds`` pass; exit 3 on auth refusal, 4 if never connected in time.
    A ``watcher``'s firings add ``alert`` lines (``hidden``: studies only alerts read)."""

    inbox: queue.Queue[Event] = queue.Queue()
    client = FeedClient(endpoints=endpoints, sink=inbox.put)
    handle = client.open_series(symbol, timeframe, min(candles, MAX_BARS))
    for asked in range(MAX_BARS, candles, MAX_BARS):  # older pages, answered in order
        client.request_more(handle, min(MAX_BARS, candles - asked))
    client.add_symbols(symbol)
    studies = {client.add_study(handle, meta): meta for meta in metas}
    if watcher is not None:
        watcher.watch_series(client, handle, studies, hidden)
    emitter = _LineWriter(out, symbol, timeframe, studies)
    client.start()
    try:
        for event in inbox_items(inbox, seconds):
            if not emitter.emit(event):
                return EXIT_OK  # the reader went away (e.g. `| head`)
            for firing in watcher.feed(event) if watcher is not None else ():
                if not emitter.row(firing.row()):
                    return EXIT_OK
            if isinstance(event, ConnectionStatus) and event.state is LinkState.AUTH_FAILED:
                raise CliError(event.message, EXIT_NOT_FOUND)
            if isinstance(event, SymbolError):
                raise CliError(f"TradingView cannot resolve {symbol}: {event.reason}",
                               EXIT_NOT_FOUND)  # fmt: skip
        if not emitter.connected:
            raise CliError(f"Could not reach the feed at {client.url} within {seconds:g} s",
                           EXIT_UNREACHABLE)  # fmt: skip
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED  # what was printed so far is whole lines; the shell sees ^C
    finally:
        client.close()


class _LineWriter:
    """Turns feed events into the documented JSON lines."""

    def __init__(
        self, out: IO[str], symbol: str, timeframe: str, studies: dict[str, Indicator]
    ) -> None:
        self.out = out
        self.symbol = symbol
        self.timeframe = timeframe
        self.studies = studies
        self.connected = False

    def _line(self, row: dict[str, Any]) -> bool:
        try:
            self.out.write(json_text(row, allow_nan=False) + "\n")
            self.out.flush()
        except BrokenPipeError:
            return False
        except ValueError:  # NaN/inf from the feed: write them as null, never crash
            clean = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            self.out.write(json_text(clean, default=str) + "\n")
        return True

    def row(self, row: dict[str, Any]) -> bool:  # an ``alert`` line, as it is
        return self._line(row)

    def emit(self, event: Event) -> bool:
        base = {"symbol": self.symbol, "timeframe": self.timeframe}
        match event:
            case SeriesData():
                for bar in event.bars:
                    row: dict[str, Any] = {
                        "type": "bar", **base, "timestamp": int(bar.time), "open": bar.open,
                        "high": bar.high, "low": bar.low, "close": bar.close,
                        "volume": bar.volume,
                    }  # fmt: skip
                    if not self._line(row):
                        return False
            case StudyData(study_id=study_id) if study_id in self.studies:
                meta = self.studies[study_id]
                for point in event.points:
                    values = {str(k): v for k, v in enumerate(point.values)}
                    row = {"type": "study", **base, "indicator": meta.label,
                           "timestamp": int(point.time), "values": values,
                           "titles": meta.plot_titles[: len(point.values)]}  # fmt: skip
                    if meta.overrides:
                        row["inputs"] = meta.overrides
                    if not self._line(row):
                        return False
            case StudyError(study_id=study_id) if study_id in self.studies:
                return self._line({"type": "status", "state": "study_error",
                                   "indicator": self.studies[study_id].label,
                                   "message": event.reason})  # fmt: skip
            case QuoteUpdate(status="ok"):
                return self._line({"type": "quote", "symbol": event.symbol,
                                   "quote": event.quote or event.changes})  # fmt: skip
            case ConnectionStatus():
                self.connected = self.connected or event.state is LinkState.CONNECTED
                return self._line({"type": "status", "state": event.state.value,
                                   "attempt": event.attempt, "retry_in": event.retry_in,
                                   "message": event.message})  # fmt: skip
        return True
