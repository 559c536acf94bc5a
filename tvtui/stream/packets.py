"""``RealTimeData``: every parsed server packet, as generators, for one or many symbols.

Why a module of its own: it is the raw face (no folding into bars, no waiting rules); a
generator that survives malformed frames and reconnects and ends only when the caller stops.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import ConnectionStatus, LinkState, RawPackets
from tvtui.feed.symbols import validate_symbol
from tvtui.stream.errors import AuthenticationError
from tvtui.stream.handler import StreamHandler

__all__ = ["RealTimeData"]

log = logging.getLogger("tvtui.stream")


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
