"""``Streamer``: OHLC bars and indicator values for one symbol, returned as soon as they are in.

Why a module of its own: this is the request/response face (one call, one result dict, files
written on request), with its own waiting rules: return the moment the bars and indicators
asked for are held, fail fast when the feed is unreachable, say why a study was refused.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tvtui.export import export_result as write_result_files
from tvtui.feed.client import SeriesHandle
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import (
    ConnectionStatus,
    CriticalError,
    Event,
    HistoryExhausted,
    LinkState,
    OlderBarsArrived,
    SeriesCompleted,
    SeriesData,
    SeriesError,
    StudyData,
    StudyError,
    SymbolError,
)
from tvtui.feed.registry import MAX_BARS
from tvtui.feed.studies import Indicator, IndicatorError, fetch_indicator
from tvtui.feed.symbols import SymbolNotFoundError, normalize_symbol, validate_symbol
from tvtui.feed.timeframes import parse_timeframe
from tvtui.market.session import SessionView
from tvtui.stream.arguments import check_candles, check_indicator_requests
from tvtui.stream.errors import AuthenticationError, DataNotFoundError, FeedUnavailableError
from tvtui.stream.handler import StreamHandler

__all__ = ["ANONYMOUS_STUDY_LIMIT", "DEFAULT_TIMEOUT", "FAIL_FAST_ATTEMPTS", "Streamer"]

log = logging.getLogger("tvtui.stream")

#: How long a symbol the scanner confirmed is trusted without asking again (seconds).
SYMBOL_CHECK_TTL = 3600.0

#: Free (anonymous) accounts may run this many studies on one chart.
ANONYMOUS_STUDY_LIMIT = 2
DEFAULT_TIMEOUT = 10.0
#: A feed that refused this many connections in a row (or whose host name did not resolve),
#: and never accepted one, is unreachable: ``stream()`` says so at once (about 1.5 s with the
#: default backoff) instead of waiting out its whole timeout.
FAIL_FAST_ATTEMPTS = 3


class Streamer:
    """OHLC bars and indicator values for one symbol at a time.

    ``Streamer(export_result=False, export_type="json", websocket_jwt_token=None)``;
    ``websocket_jwt_token=None`` means ``TRADINGVIEW_JWT_TOKEN`` from the environment, else the
    anonymous ``"unauthorized_user_token"``. One Streamer streams many times over one
    connection; use it as a context manager or call :meth:`close`.
    """

    def __init__(
        self,
        export_result: bool = False,
        export_type: str = "json",
        websocket_jwt_token: str | None = None,
        *,
        export_dir: str | Path = "export",
        timeout: float = DEFAULT_TIMEOUT,
        endpoints: Endpoints | None = None,
    ) -> None:
        if export_type not in ("json", "csv"):
            raise ValueError(f"export_type must be 'json' or 'csv', not {export_type!r}")
        self.export_result = bool(export_result)
        self.export_type = export_type
        self.export_dir = Path(export_dir)
        self.timeout = timeout
        #: Paths written by the last ``stream()`` with ``export_result=True``.
        self.exported: list[Path] = []
        self._closed = False
        #: Symbols the scanner confirmed, with when: 20 streams of one symbol make one check
        #: (the seed's "avoid making too many requests"); a miss is never cached.
        self._checked: dict[str, float] = {}
        self.stream_obj = StreamHandler(
            jwt_token=websocket_jwt_token, endpoints=endpoints, sessions=False
        )

    @property
    def endpoints(self) -> Endpoints:
        return self.stream_obj.endpoints

    def stream(
        self,
        exchange: str,
        symbol: str,
        timeframe: str = "1m",
        numb_price_candles: int = 10,
        indicators: Sequence[tuple[str, str] | tuple[str, str, dict[str, Any]]] | None = None,
        *,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """``{"ohlc": [...], "indicator": {...}}`` for ``exchange:symbol``, oldest first.

        Returns as soon as it holds ``numb_price_candles`` bars (1 to 20,000; the last one kept
        up to date by live updates) and data for every requested indicator. One server reply
        brings at most 5,000 bars: for more it pages back with ``request_more_data`` (5,000 at
        a time, as TradingView's web chart does) until it has them or the server has nothing
        older; then it returns the bars there are, with a logged warning that says how many.
        After ``timeout`` seconds (default 10) it returns what it has with a logged warning, or
        raises :class:`DataNotFoundError` when it has no bar at all.

        Raises ``ValueError`` (before anything is sent) for an unknown timeframe, a malformed
        symbol or indicator, or more indicators than an anonymous token may run;
        :class:`SymbolNotFoundError` for a symbol TradingView does not know;
        :class:`IndicatorError` when an indicator is unknown or refused (with the server's
        reason); :class:`AuthenticationError` for a bad token; :class:`FeedUnavailableError`
        when the feed cannot be reached: within about 2 s when connections are refused (or
        the host name does not resolve) before any ever succeeded, at once when the Streamer
        is closed.
        """
        self._check_open()
        tf = parse_timeframe(timeframe)
        count = check_candles(numb_price_candles)
        wanted = check_indicator_requests(indicators)
        full = normalize_symbol(f"{exchange}:{symbol}")
        handler = self.stream_obj
        if len(wanted) > ANONYMOUS_STUDY_LIMIT and not handler.authenticated:
            raise IndicatorError(
                f"Free TradingView accounts can stream at most {ANONYMOUS_STUDY_LIMIT} "
                f"indicators at once ({len(wanted)} requested). Set TRADINGVIEW_JWT_TOKEN "
                "(or pass websocket_jwt_token) to a token of an account that allows more.",
                "study limit",
            )
        self._check_symbol(full)
        metas = [
            fetch_indicator(pine_id, version, self.endpoints).with_inputs(inputs)
            for pine_id, version, inputs in wanted
        ]
        wait = self.timeout if timeout is None else timeout
        view = self._collect(full, tf.name, count, metas, wait)
        result = view.to_result(limit=count)
        if self.export_result:
            ticker = full.split(":", 1)[1]
            self.exported = write_result_files(result, ticker, self.export_type, self.export_dir)
            for path in self.exported:
                log.info("Exported %s", path)
        return result

    def _check_symbol(self, full: str) -> None:
        """``validate_symbol`` at most once per :data:`SYMBOL_CHECK_TTL` for each symbol."""
        checked = self._checked.get(full)
        if checked is not None and time.monotonic() - checked < SYMBOL_CHECK_TTL:
            return
        validate_symbol(full, self.endpoints)
        self._checked[full] = time.monotonic()

    def _check_open(self) -> None:
        if self._closed or self.stream_obj.client.closed:
            raise FeedUnavailableError("This Streamer is closed; create a new one to stream again")

    def _fail_fast(self, symbol: str) -> None:
        """Raise :class:`FeedUnavailableError` when the feed looks unreachable for good:
        refused (or unresolvable) again and again, and never connected once. A feed that was
        up once is waited for: it may come back within the timeout."""
        client = self.stream_obj.client
        stats = client.stats
        if stats.connections == 0 and stats.unreachable >= FAIL_FAST_ATTEMPTS:
            raise FeedUnavailableError(
                f"No OHLC data for {symbol}: the feed at {client.url} is not reachable "
                f"({stats.last_failure}; {stats.unreachable} attempts in a row, none connected)"
            )

    def _collect(
        self, symbol: str, timeframe: str, count: int, metas: list[Indicator], wait: float
    ) -> SessionView:
        handler = self.stream_obj
        client = handler.client
        handler.drain()
        self._fail_fast(symbol)
        view = SessionView(symbol, timeframe, source=client.url)
        handle = client.open_series(symbol, timeframe, min(count, MAX_BARS))
        studies = {client.add_study(handle, meta): meta for meta in metas}
        for meta in metas:
            view.study(meta.label, meta.plot_titles)
        completed = paging = exhausted = False
        oldest = float("inf")  #: the oldest bar held when the last page was asked for
        deadline = time.monotonic() + wait
        try:
            while True:
                if completed and not paging:
                    short = count - len(view.candles)
                    if short > 0 and not exhausted:  # page back for older bars
                        first = view.candles.first
                        oldest = first.time if first is not None else float("inf")
                        client.request_more(handle, min(MAX_BARS, short))
                        paging = True
                    elif all(len(view.studies[m.label]) for m in metas):
                        if short > 0:
                            log.warning(
                                "TradingView has no %s bars of %s before %s: %d of the %d "
                                "asked for", timeframe, symbol, _date(view), len(view.candles),
                                count,
                            )  # fmt: skip
                        return view
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                event = handler.next_event(remaining)
                if isinstance(event, ConnectionStatus):
                    self._fail_fast(symbol)
                if event is None or event.session not in (handle.chart_session, ""):
                    continue
                if isinstance(event, OlderBarsArrived | HistoryExhausted):
                    paging = False  # no older bar (a server re-sending what is held): stop too
                    first = view.candles.first
                    exhausted = exhausted or first is None or first.time >= oldest
                    continue
                completed = self._apply(event, handle, studies, view) or completed
        finally:
            client.close_series(handle)
        return self._timed_out(view, symbol, count, metas, wait)

    @staticmethod
    def _apply(
        event: Event, handle: SeriesHandle, studies: dict[str, Indicator], view: SessionView
    ) -> bool:
        """Fold one event into ``view``; True when the series history is complete."""
        match event:
            case SeriesData(series_id=handle.series_id, older=True):
                view.candles.add_older(event.bars)
            case SeriesData(series_id=handle.series_id):
                view.candles.apply(event.bars)
            case StudyData(study_id=study_id) if study_id in studies:
                view.study(studies[study_id].label).apply(event.points)
            case SeriesCompleted(series_id=handle.series_id):
                return True
            case StudyError(study_id=study_id) if study_id in studies:
                pine_id = studies[study_id].pine_id
                raise IndicatorError(
                    f"TradingView refused indicator {pine_id}: {event.reason}", event.reason
                )
            case SymbolError():
                raise SymbolNotFoundError(f"TradingView cannot resolve {view.symbol}: "
                                          f"{event.reason}")  # fmt: skip
            case SeriesError():
                raise DataNotFoundError(f"TradingView refused the {view.timeframe} series "
                                        f"of {view.symbol}: {event.reason}")  # fmt: skip
            case CriticalError():
                raise DataNotFoundError(f"TradingView reported a critical error for "
                                        f"{view.symbol}: {event.name} {event.detail}")  # fmt: skip
            case ConnectionStatus(state=LinkState.AUTH_FAILED):
                raise AuthenticationError(event.message)
        return False

    def _timed_out(
        self, view: SessionView, symbol: str, count: int, metas: list[Indicator], wait: float
    ) -> SessionView:
        if not len(view.candles):
            raise self.stream_obj.unavailable(f"No OHLC data for {symbol} within {wait:g} s")
        missing = [m.label for m in metas if not len(view.studies[m.label])]
        log.warning(
            "Stopped waiting after %g s for %s: %d of %d bars%s",
            wait,
            symbol,
            min(len(view.candles), count),
            count,
            f"; no data for {', '.join(missing)}" if missing else "",
        )
        return view

    def close(self) -> None:
        self._closed = True
        self.stream_obj.close()

    def __enter__(self) -> Streamer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _date(view: SessionView) -> str:
    """The oldest bar's open time, for the log (UTC)."""
    first = view.candles.first
    if first is None:
        return "now"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(first.time))
