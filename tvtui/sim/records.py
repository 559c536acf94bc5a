"""What the simulator's parts share: the records tests read, and the host a connection needs.

Why a module of its own: the WebSocket connections, the HTTP server and the ``Simulator`` that
owns them would otherwise reach into each other's private methods. They talk through these
two narrow, public things instead: :class:`Records` (append from any server thread, read a
copy from any test thread) and :class:`Host` (what a connection or the HTTP server may use).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tvtui.sim.config import Faults, SimConfig, SimStats
    from tvtui.sim.market import Market

RECORD_CAP = 100_000  #: records kept per list (oldest dropped), so bursts cannot eat memory


class Records:
    """Thread-safe, bounded logs: packets sent and received, handshakes, HTTP requests and
    the internal errors the server caught."""

    def __init__(self, cap: int | Callable[[], int] = RECORD_CAP) -> None:
        #: Entries kept per log; a callable is read on every append (a test may lower it).
        self.cap = cap
        self._lock = threading.Lock()
        self._logs: dict[str, list[dict[str, Any]]] = {
            name: [] for name in ("sent", "received", "handshakes", "http", "errors")
        }

    def _add(self, name: str, items: list[dict[str, Any]]) -> None:
        if not items:
            return
        with self._lock:
            log = self._logs[name]
            log.extend(items)
            cap = self.cap() if callable(self.cap) else self.cap
            if len(log) > cap:
                del log[: len(log) - cap]

    def _read(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._logs[name])

    # --- writers (server threads) --------------------------------------------------------------

    def add_sent(self, packets: list[dict[str, Any]]) -> None:
        self._add("sent", packets)

    def add_received(self, packet: dict[str, Any]) -> None:
        self._add("received", [packet])

    def add_handshake(self, path: str, headers: dict[str, str]) -> None:
        self._add("handshakes", [{"path": path, "headers": headers}])

    def add_http(self, path: str, headers: dict[str, str]) -> None:
        # "at" (monotonic seconds) lets a test check how fast requests arrived (pacing).
        self._add("http", [{"path": path, "headers": headers, "at": time.monotonic()}])

    def add_error(self, text: str) -> None:
        self._add("errors", [{"error": text}])

    # --- readers (any thread) ------------------------------------------------------------------

    @property
    def sent(self) -> list[dict[str, Any]]:
        return self._read("sent")

    @property
    def received(self) -> list[dict[str, Any]]:
        return self._read("received")

    @property
    def handshakes(self) -> list[dict[str, Any]]:
        return self._read("handshakes")

    @property
    def http_requests(self) -> list[dict[str, Any]]:
        return self._read("http")

    @property
    def errors(self) -> list[str]:
        return [e["error"] for e in self._read("errors")]


class Host(Protocol):
    """What a connection and the HTTP server use of the simulator that runs them."""

    config: SimConfig
    faults: Faults
    stats: SimStats
    market: Market
    records: Records
    ws_port: int

    def now(self) -> float:
        """Current simulated epoch time."""
        ...
