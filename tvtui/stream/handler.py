"""``StreamHandler``: one connection with the original's sessions and raw message sending.

Why a module of its own: ``Streamer`` and ``RealTimeData`` both stand on it, and it is usable
on its own (as the original's is) for raw messages. It turns the client's events into a queue
a caller waits on with a bound, and knows why data did not arrive (:meth:`unavailable`).
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
from typing import Any

from tvtui.feed import messages, wire
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints, resolve_token
from tvtui.feed.events import ConnectionStatus, Event, LinkState, MalformedFrame
from tvtui.stream.errors import AuthenticationError, DataNotFoundError, FeedUnavailableError

__all__ = ["ANONYMOUS_TOKEN", "SEED_QUOTE_FIELDS", "StreamHandler"]

log = logging.getLogger("tvtui.stream")

ANONYMOUS_TOKEN = messages.DEFAULT_TOKEN
#: The quote fields the original ``StreamHandler`` sets on its quote session.
SEED_QUOTE_FIELDS: tuple[str, ...] = (
    "ch", "chp", "current_session", "description", "local_description", "language", "exchange",
    "fractional", "is_tradable", "lp", "lp_time", "minmov", "minmove2", "original_name",
    "pricescale", "pro_name", "short_name", "type", "update_mode", "volume", "currency_code",
    "rchp", "rtc",
)  # fmt: skip


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
            endpoints = dataclasses.replace(endpoints, ws=websocket_url)
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
