"""The library face: ``Streamer``, ``RealTimeData`` and ``StreamHandler``.

Same names, parameters and return shapes as the ``tradingview_scraper`` real-time module, so
switching is one import line. What is different is what happens underneath:

* a heartbeat is echoed by the client thread and never costs a data message;
* one malformed frame is logged and skipped, it never ends the stream;
* a dropped connection reconnects with backoff and restores every subscription;
* an unknown timeframe raises ``ValueError`` instead of silently streaming 1-minute bars;
* ``stream()`` returns as soon as it holds the bars and indicators it was asked for, instead of
  sleeping a second per packet; and a study the server refuses says why.

``import tvtui.stream`` imports no Textual code.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tvtui.export import export_result as write_result_files
from tvtui.feed import messages, wire
from tvtui.feed.client import FeedClient, SeriesHandle
from tvtui.feed.endpoints import Endpoints, resolve_token
from tvtui.feed.events import (
    ConnectionStatus,
    CriticalError,
    Event,
    LinkState,
    MalformedFrame,
    RawPackets,
    SeriesCompleted,
    SeriesData,
    SeriesError,
    StudyData,
    StudyError,
    SymbolError,
)
from tvtui.feed.studies import Indicator, IndicatorError, fetch_indicator
from tvtui.feed.symbols import (
    SymbolLookupError,
    SymbolNotFoundError,
    normalize_symbol,
    validate_symbol,
)
from tvtui.feed.timeframes import parse_timeframe
from tvtui.market.session import SessionView

__all__ = [
    "AuthenticationError",
    "DataNotFoundError",
    "FeedUnavailableError",
    "IndicatorError",
    "RealTimeData",
    "StreamHandler",
    "Streamer",
    "SymbolLookupError",
    "SymbolNotFoundError",
    "check_indicators",
]

log = logging.getLogger(__name__)

ANONYMOUS_TOKEN = messages.DEFAULT_TOKEN
#: Free (anonymous) accounts may run this many studies on one chart.
ANONYMOUS_STUDY_LIMIT = 2
DEFAULT_TIMEOUT = 10.0
#: The quote fields the original ``StreamHandler`` sets on its quote session.
SEED_QUOTE_FIELDS: tuple[str, ...] = (
    "ch", "chp", "current_session", "description", "local_description", "language", "exchange",
    "fractional", "is_tradable", "lp", "lp_time", "minmov", "minmove2", "original_name",
    "pricescale", "pro_name", "short_name", "type", "update_mode", "volume", "currency_code",
    "rchp", "rtc",
)  # fmt: skip
#: A feed that refused this many connections in a row (or whose host name did not resolve),
#: and never accepted one, is unreachable: ``stream()`` says so at once (about 1.5 s with the
#: default backoff) instead of waiting out its whole timeout.
FAIL_FAST_ATTEMPTS = 3


class DataNotFoundError(Exception):
    """No bars arrived for the requested symbol within the wait (the seed's error name)."""


class AuthenticationError(PermissionError):
    """TradingView refused the token (``protocol_error``: bad auth token)."""


class FeedUnavailableError(ConnectionError):
    """The feed could not be reached within the wait (network down, 403/429 at the handshake)."""


def _check_candles(numb_price_candles: int) -> int:
    if (
        not isinstance(numb_price_candles, int)
        or isinstance(numb_price_candles, bool)
        or not 1 <= numb_price_candles <= 5000
    ):
        raise ValueError(
            f"numb_price_candles must be a whole number from 1 to 5000, not {numb_price_candles!r}"
        )
    return numb_price_candles


def check_indicators(indicators: Iterable[Any] | None) -> list[tuple[str, str]]:
    """``[(pine_id, version), ...]``; a clear ``ValueError`` for the shapes people get wrong
    (``("RSI", 1.0)``, a bare string, a dict). Public: ``tvtui stream`` checks its
    ``--indicator`` values with it before anything is sent."""
    if indicators is None:
        return []
    if isinstance(indicators, str | bytes | dict):
        raise ValueError(
            "indicators must be a list of (indicator_id, indicator_version) tuples, "
            'e.g. [("STD;RSI", "37.0")]'
        )
    wanted: list[tuple[str, str]] = []
    for item in indicators:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValueError(
                f"Indicator {item!r} must be an (indicator_id, indicator_version) tuple, "
                'e.g. ("STD;RSI", "37.0")'
            )
        pine_id, version = item
        if not isinstance(pine_id, str) or not pine_id.strip():
            raise ValueError(f"Indicator id {pine_id!r} must be text such as 'STD;RSI'")
        if isinstance(version, int | float) and not isinstance(version, bool):
            version = f"{float(version):.1f}"
        if not isinstance(version, str) or not version.strip():
            raise ValueError(f"Indicator version {version!r} must be text such as '37.0'")
        if ";" not in pine_id:
            raise ValueError(
                f"Indicator id {pine_id!r} is not a TradingView script id; built-in ones look "
                "like 'STD;RSI' or 'STD;MACD'"
            )
        if (pine_id, version) not in wanted:
            wanted.append((pine_id.strip(), version.strip()))
    return wanted


_check_indicators = check_indicators  # the name Streamer.stream calls it by


class StreamHandler:
    """The session manager ``Streamer`` and ``RealTimeData`` stand on: one connection (a
    :class:`~tvtui.feed.client.FeedClient`) with its auth, locale, quote session and chart
    sessions, and message sending. Usable on its own.

    It connects at construction, as the original does, but in the background: the constructor
    never blocks and never raises on a network problem; the first call that needs data waits
    for it with a bound.

    As the original, a fresh handler has a quote session (:attr:`quote_session`, created with
    the seed's quote fields, then ``quote_hibernate_all``) and a chart session
    (:attr:`chart_session`) on the server, so raw messages sent with :meth:`send_message` can
    use them at once. They are the handler's own, apart from the sessions the client keeps for
    ``Streamer`` and ``RealTimeData``, and are created again after every reconnect (raw
    messages themselves are not replayed: the client cannot know what they subscribe to).
    With ``sessions=False`` (how ``Streamer`` and ``RealTimeData`` build theirs) they are
    created only before the first :meth:`send_message`, so a handler that sends no raw
    message adds no idle chart session to the connection.
    """

    def __init__(
        self,
        websocket_url: str | None = None,
        jwt_token: str | None = None,
        *,
        endpoints: Endpoints | None = None,
        sessions: bool = True,
    ) -> None:
        endpoints = endpoints or Endpoints.from_env()
        if websocket_url:
            endpoints = Endpoints(websocket_url, endpoints.scanner, endpoints.pine,
                                  endpoints.search)  # fmt: skip
        self.endpoints = endpoints
        self._token = resolve_token(jwt_token)
        self._inbox: queue.Queue[Event] = queue.Queue()
        self._connected = threading.Event()
        self._last_status: ConnectionStatus | None = None
        self.quote_session = self.generate_session("qs_")
        self.chart_session = self.generate_session("cs_")
        self._connections = 0
        self._sessions_lock = threading.Lock()
        self._sessions_wanted = False
        self._sessions_sent_on = 0  #: the connection (1, 2 ...) that carries them
        self.client = FeedClient(self._token, endpoints, sink=self._on_event, packets=True)
        self.client.start()
        if sessions:
            self._ensure_sessions()

    # --- the original's names ---------------------------------------------------------------

    @property
    def authenticated(self) -> bool:
        return self._token != ANONYMOUS_TOKEN

    @staticmethod
    def generate_session(prefix: str) -> str:
        """``prefix`` + 12 random lowercase letters (``qs_`` or ``cs_``)."""
        return messages.session_id(prefix.rstrip("_"))

    @staticmethod
    def prepend_header(message: str) -> str:
        """``~m~LEN~m~`` + message, LEN in UTF-16 code units as the server counts."""
        return wire.frame(message)

    @staticmethod
    def construct_message(func: str, param_list: list[Any]) -> str:
        return wire.dumps({"m": func, "p": param_list})

    def create_message(self, func: str, param_list: list[Any]) -> str:
        return self.prepend_header(self.construct_message(func, param_list))

    def send_message(self, func: str, args: list[Any]) -> None:
        """Send one raw message on the connection (queued until connected)."""
        self._ensure_sessions()
        self.client.send({"m": func, "p": list(args)})

    def _ensure_sessions(self) -> None:
        """Create the handler's sessions once, queued before any raw message that may use
        them (the client sends queued raw messages after auth and locale, in order)."""
        with self._sessions_lock:
            if self._sessions_wanted:
                return
            self._sessions_wanted = True
            self._create_sessions()

    def _create_sessions(self) -> None:
        """The original's session set-up: chart session, quote session, fields, hibernate.

        Sent now on a live connection, else queued for the next one (the lock is held)."""
        live = self._connected.is_set()
        self._sessions_sent_on = self._connections if live else self._connections + 1
        qs, cs = self.quote_session, self.chart_session
        for message in (
            messages.chart_create_session(cs),
            messages.quote_create_session(qs),
            messages.quote_set_fields(qs, SEED_QUOTE_FIELDS),
            messages.quote_hibernate_all(qs),
        ):
            self.client.send(message)

    # --- events ----------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ConnectionStatus):
            self._last_status = event
            if event.state is LinkState.CONNECTED:
                with self._sessions_lock:  # a new connection: the server forgot the sessions
                    self._connections += 1
                    self._connected.set()
                    if self._sessions_wanted and self._sessions_sent_on < self._connections:
                        self._create_sessions()
            elif event.state is not LinkState.CONNECTING:
                self._connected.clear()
        elif isinstance(event, MalformedFrame):
            log.warning("Skipped %d malformed frame(s) from the feed", event.count)
        self._inbox.put(event)

    def next_event(self, timeout: float) -> Event | None:
        try:
            return self._inbox.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    def drain(self) -> None:
        """Forget events queued so far (left over from an earlier request)."""
        while True:
            try:
                self._inbox.get_nowait()
            except queue.Empty:
                return

    def unavailable(self, what: str) -> Exception:
        """The error to raise when ``what`` did not arrive: why the link is down, if it is."""
        status = self._last_status
        if status is not None and status.state is LinkState.AUTH_FAILED:
            return AuthenticationError(status.message)
        if not self._connected.is_set() and status is not None:
            return FeedUnavailableError(
                f"{what}: the feed at {self.client.url} is not reachable ({status.message})"
            )
        return DataNotFoundError(what)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> StreamHandler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<StreamHandler {self.client.url}>"


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
        indicators: Sequence[tuple[str, str]] | None = None,
        *,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """``{"ohlc": [...], "indicator": {...}}`` for ``exchange:symbol``, oldest first.

        Returns as soon as it holds ``numb_price_candles`` bars (the last one kept up to date by
        live updates) and data for every requested indicator. After ``timeout`` seconds
        (default 10) it returns what it has with a logged warning, or raises
        :class:`DataNotFoundError` when it has no bar at all.

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
        count = _check_candles(numb_price_candles)
        wanted = _check_indicators(indicators)
        full = normalize_symbol(f"{exchange}:{symbol}")
        handler = self.stream_obj
        if len(wanted) > ANONYMOUS_STUDY_LIMIT and not handler.authenticated:
            raise IndicatorError(
                f"Free TradingView accounts can stream at most {ANONYMOUS_STUDY_LIMIT} "
                f"indicators at once ({len(wanted)} requested). Set TRADINGVIEW_JWT_TOKEN "
                "(or pass websocket_jwt_token) to a token of an account that allows more.",
                "study limit",
            )
        validate_symbol(full, self.endpoints)
        metas = [fetch_indicator(pine_id, version, self.endpoints) for pine_id, version in wanted]
        wait = self.timeout if timeout is None else timeout
        view = self._collect(full, tf.name, count, metas, wait)
        result = view.to_result(limit=count)
        if self.export_result:
            ticker = full.split(":", 1)[1]
            self.exported = write_result_files(result, ticker, self.export_type, self.export_dir)
            for path in self.exported:
                log.info("Exported %s", path)
        return result

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
        handle = client.open_series(symbol, timeframe, count)
        studies = {client.add_study(handle, meta): meta for meta in metas}
        for meta in metas:
            view.study(meta.pine_id, meta.plot_titles)
        completed = False
        deadline = time.monotonic() + wait
        try:
            while True:
                if (
                    completed
                    and len(view.candles) >= count
                    and all(len(view.studies[m.pine_id]) for m in metas)
                ):
                    return view
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                event = handler.next_event(remaining)
                if isinstance(event, ConnectionStatus):
                    self._fail_fast(symbol)
                if event is None or event.session not in (handle.chart_session, ""):
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
            case SeriesData(series_id=handle.series_id):
                view.candles.apply(event.bars)
            case StudyData(study_id=study_id) if study_id in studies:
                view.study(studies[study_id].pine_id).apply(event.points)
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
        missing = [m.pine_id for m in metas if not len(view.studies[m.pine_id])]
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


class RealTimeData:
    """Raw packets: ``get_ohlcv("EX:SYM")`` and ``get_latest_trade_info([...])`` return
    generators of every parsed server packet (the hello included; heartbeats are answered by
    the client and not yielded). The generator survives malformed frames and reconnects; it
    ends when you stop iterating (``break``) or call :meth:`close`."""

    def __init__(
        self, websocket_jwt_token: str | None = None, *, endpoints: Endpoints | None = None
    ) -> None:
        self._handler = StreamHandler(
            jwt_token=websocket_jwt_token, endpoints=endpoints, sessions=False
        )
        self._closed = threading.Event()

    @property
    def stream_handler(self) -> StreamHandler:
        return self._handler

    def validate_symbols(self, exchange_symbol: str | Sequence[str]) -> bool:
        """Check every symbol's format, then its existence; ``ValueError`` subclasses if not."""
        symbols = [exchange_symbol] if isinstance(exchange_symbol, str) else list(exchange_symbol)
        if not symbols:
            raise ValueError("exchange_symbol could not be empty")
        for item in symbols:
            validate_symbol(item, self._handler.endpoints)
        return True

    def get_ohlcv(self, exchange_symbol: str) -> Iterator[dict[str, Any]]:
        """Packets for one symbol's 1-minute series and its quote."""
        self.validate_symbols(exchange_symbol)
        client = self._handler.client
        client.add_symbols(exchange_symbol)
        client.open_series(exchange_symbol, "1m", 10)
        return self.get_data()

    def get_latest_trade_info(self, exchange_symbol: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Quote packets (``qsd``) for several symbols."""
        if isinstance(exchange_symbol, str):
            exchange_symbol = [exchange_symbol]
        self.validate_symbols(exchange_symbol)
        self._handler.client.add_symbols(*exchange_symbol)
        return self.get_data()

    def get_data(self) -> Iterator[dict[str, Any]]:
        """Every parsed packet, in order, for as long as you iterate."""
        handler = self._handler
        try:
            while not self._closed.is_set():
                event = handler.next_event(0.5)
                if isinstance(event, RawPackets):
                    yield from event.packets
                elif isinstance(event, ConnectionStatus):
                    log.info("%s", event.message)  # the client never puts the token in it
                    if event.state is LinkState.AUTH_FAILED:
                        raise AuthenticationError(event.message)
        finally:
            if not self._closed.is_set():
                self.close()

    def close(self) -> None:
        self._closed.set()
        self._handler.close()

    def __enter__(self) -> RealTimeData:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
