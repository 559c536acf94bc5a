"""``Simulator``: the TradingView-compatible WebSocket + HTTP server, on 127.0.0.1 only.

It runs its own asyncio loop on a daemon thread (so a forgotten simulator never keeps a test
process alive) and exposes records for tests: what was sent and received, the handshakes,
and counters. Prices and the clock are deterministic given the seed and ``sim.now()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Coroutine
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from tvtui.sim.config import DEFAULT_START, Faults, SimConfig, SimStats
from tvtui.sim.connection import Connection
from tvtui.sim.http import HttpServer
from tvtui.sim.market import Market
from tvtui.sim.prices import Bar
from tvtui.sim.records import RECORD_CAP, Records

HOST = "127.0.0.1"
_RECORD_CAP = RECORD_CAP  #: records kept per list; read on every append (tests lower it)


class Simulator:
    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        self.faults = Faults()
        self.stats = SimStats()
        start = self.config.history_start
        self.market = Market(self.config.seed) if start is None else Market(self.config.seed, start)
        self.ws_port = self.config.ws_port
        self.http_port = self.config.http_port
        self._start_sim = float(
            self.config.start_time if self.config.start_time is not None else DEFAULT_START
        )
        self._start_real = time.monotonic()
        #: What was sent and received, handshakes, HTTP requests, caught errors.
        self.records = Records(cap=lambda: _RECORD_CAP)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Server | None = None
        self._http: HttpServer | None = None
        self._stop: asyncio.Event | None = None
        self._connections: set[ServerConnection] = set()
        self._drop_task: asyncio.Task[None] | None = None
        self._number = 0

    # --- public API ----------------------------------------------------------------------------

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.ws_port}"

    @property
    def http_url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    def env(self) -> dict[str, str]:
        """The ``TVTUI_*`` variables that point a client at this simulator."""
        return {
            "TVTUI_WS_URL": self.ws_url,
            "TVTUI_SCANNER_URL": self.http_url,
            "TVTUI_PINE_URL": self.http_url,
            "TVTUI_SEARCH_URL": self.http_url,
            "TVTUI_SCRIPTS_URL": self.http_url,
        }

    def now(self) -> float:
        """Current simulated epoch time."""
        return self._start_sim + (time.monotonic() - self._start_real) * self.config.time_scale

    def bars(self, symbol: str, resolution: str, start: float, end: float) -> list[Bar]:
        """The FINAL bars opening in [start, end): the truth tests compare against."""
        return self.market.bars(symbol, resolution, start, end)

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Every packet sent (hello included; heartbeats and malformed frames excluded)."""
        return self.records.sent

    @property
    def received(self) -> list[dict[str, Any]]:
        """Every client message received (heartbeat echoes excluded), in order."""
        return self.records.received

    @property
    def handshakes(self) -> list[dict[str, Any]]:
        """``{"path", "headers"}`` per WebSocket handshake attempt (refused ones included)."""
        return self.records.handshakes

    @property
    def http_requests(self) -> list[dict[str, Any]]:
        """``{"path", "headers"}`` per HTTP request."""
        return self.records.http_requests

    @property
    def errors(self) -> list[str]:
        """Internal errors the server caught (a simulator bug); empty in a healthy run."""
        return self.records.errors

    def start(self) -> Simulator:
        """Start both servers; returns once they are listening."""
        if self._thread is not None:
            return self
        self._http = HttpServer(self, self.http_port)
        self.http_port = self._http.port
        self._http.start()
        ready = threading.Event()
        errors: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(ready, errors), name="tvtui-sim", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout=10) or errors:
            self.stop()
            raise RuntimeError(f"simulator failed to start: {errors[0] if errors else 'timeout'}")
        return self

    def stop(self) -> None:
        """Close every connection and both servers; prompt (well under a second)."""
        loop, thread = self._loop, self._thread
        if loop is not None and self._stop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._stop.set)
        if thread is not None:
            thread.join(timeout=3)
        if self._http is not None:
            self._http.stop()
            self._http = None
        self._thread = None

    def go_down(self) -> None:
        """Refuse connections (the port stops listening) and abort the existing ones."""
        self._call(self._go_down())

    def come_back(self) -> None:
        """Listen again, on the same port."""
        self._call(self._listen())

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the loop ------------------------------------------------------------------------------

    def _call(self, coro: Coroutine[Any, Any, None]) -> None:
        if self._loop is None:
            coro.close()
            raise RuntimeError("simulator is not running")
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=5)

    def _run(self, ready: threading.Event, errors: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main(ready, errors))
        except BaseException as exc:  # reported to start(), or moot at exit
            errors.append(exc)
            ready.set()
        finally:
            loop.close()

    async def _main(self, ready: threading.Event, errors: list[BaseException]) -> None:
        self._stop = asyncio.Event()
        try:
            await self._listen()
        except OSError as exc:
            errors.append(exc)
            ready.set()
            return
        self._drop_task = asyncio.create_task(self._dropper())
        ready.set()
        await self._stop.wait()
        self._drop_task.cancel()
        await self._go_down(count=False)

    async def _listen(self) -> None:
        if self._server is not None:
            return
        self._server = await serve(
            self._handler,
            HOST,
            self.ws_port,
            process_request=self._process_request,
            compression=None,
            ping_interval=None,
            close_timeout=0.5,
            max_size=2**22,
            server_header="tvtui-sim",
        )
        self.ws_port = self._server.sockets[0].getsockname()[1]

    async def _go_down(self, count: bool = True) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close(close_connections=False)
        self._abort_all(count)
        if server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closed(), timeout=1.0)

    def _abort_all(self, count: bool = True) -> None:
        for ws in list(self._connections):
            ws.transport.abort()
            if count:
                self.stats.drops += 1

    async def _dropper(self) -> None:
        """The ``drop_every`` fault: abort every connection every N real seconds."""
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.02)
            every = self.faults.drop_every
            now = time.monotonic()
            if not every:
                last = now
            elif now - last >= every:
                last = now
                self._abort_all()

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        headers: dict[str, str] = {}
        for name, value in request.headers.raw_items():
            key = name.title()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        self.records.add_handshake(request.path, headers)
        status = self.faults.handshake_status
        if status:
            self.stats.handshakes_refused += 1
            response = connection.respond(int(status), "Forbidden by the simulator\n")
            if int(status) == 429:
                response.headers = Headers([*response.headers.raw_items(), ("Retry-After", "1")])
            return response
        return None

    async def _handler(self, ws: ServerConnection) -> None:
        self._number += 1
        self.stats.connections += 1
        self._connections.add(ws)
        try:
            await Connection(self, ws, self._number).run()
        finally:
            self._connections.discard(ws)
