"""The HTTP server behind ``tvtui serve``: textual-serve's, with three things added.

1. It owns every app process it starts. textual-serve alone asks an app to quit only once its
   WebSocket handler ends, and then waits for it without a bound; on Ctrl-C, aiohttp first
   waits for the open WebSockets (measured: 23 s to exit with one tab open; from its code,
   never if an app ignores the quit). Here every session is tracked, and on shutdown each
   app is asked to quit, then gets SIGTERM (the web driver turns it into a clean exit), then
   SIGKILL, each after a bounded wait, before the WebSockets are closed: Ctrl-C exits in
   about half a second and leaves no ``tvtui`` behind.
2. It refuses WebSockets from other sites. Browsers let any page open a WebSocket to
   ``127.0.0.1``; without a check, a page the person visits could start a ``tvtui`` (with the
   token in its environment) and drive it. The ``Origin`` must be this server's own address,
   and on a loopback bind the ``Host`` must be a loopback name (so DNS rebinding fails too).
3. It is quiet: one start-up line with the URL (printed once the port is open) instead of a
   banner; warnings and errors only.

The overrides follow textual-serve 1.1's ``Server``/``AppService`` (its ``handle_websocket`` is
restated here with the tracked session); pyproject pins the range this was tested with.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from tvtui.feed.untrusted import cap, plain

log = logging.getLogger("tvtui.serve")

_Data = TypeVar("_Data", bytes, str)  #: what a WebSocket send takes

TEMPLATES = Path(__file__).parent / "templates"
#: How long an app gets to exit after being asked (quit message, then SIGTERM) before SIGKILL.
GRACE_SECONDS = 5.0


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1); no name is resolved,
    so any other name counts as remote."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def origin_allowed(host_header: str | None, origin: str | None, *, loopback_only: bool) -> bool:
    """Whether a WebSocket request may start an app (see the module docstring, point 2).

    ``origin`` is None for non-browser clients: they are let in, since anyone who can reach the
    port can run the app anyway (what ``--allow-remote`` accepts); what is refused is a browser
    page of another site using the person's browser to get in.
    """
    if not host_header:
        return False
    hostname = urlsplit(f"//{host_header}").hostname or ""
    if loopback_only and not is_loopback_host(hostname):
        return False
    if origin is None:
        return True
    parsed = urlsplit(origin)
    return parsed.scheme in ("http", "https") and parsed.netloc.lower() == host_header.lower()


class TrackedAppService(AppService):
    """One tab's app process, registered with the server from the moment it starts."""

    def __init__(self, command: str, *, sessions: set[TrackedAppService], **kwargs: object) -> None:
        super().__init__(command, **kwargs)  # type: ignore[arg-type]
        self._sessions = sessions

    async def start(self, width: int, height: int) -> None:
        self._sessions.add(self)
        await super().start(width, height)

    @property
    def running(self) -> bool:
        process = self._process
        return process is not None and process.returncode is None

    async def end(self, grace: float = GRACE_SECONDS) -> None:
        """Stop the app however it behaves: quit message, then SIGTERM, then SIGKILL."""
        try:
            try:
                await asyncio.wait_for(asyncio.shield(self.stop()), grace)
                heard = True  # it closed its output: it is on its way out
            except TimeoutError:
                heard = False
            process = self._process
            if process is not None:
                if heard:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(process.wait(), grace)
                await _terminate(process, grace)
        finally:
            self._sessions.discard(self)


async def _terminate(process: asyncio.subprocess.Process, grace: float) -> None:
    """SIGTERM, then SIGKILL, each followed by a bounded wait for asyncio to see the exit.

    ``os.kill`` and not ``Process.terminate``: the latter polls (reaps) a child that has just
    exited, behind asyncio's back, which then logs "Unknown child process". While asyncio has
    not seen the exit (``returncode`` None) the pid is still this child's (alive or a zombie).
    """
    for signum in (signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM)):
        if process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signum)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), grace)


class TvtuiServer(Server):
    """textual-serve's server for the ``tvtui`` command line (see the module docstring)."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        url: str,
        announce: Callable[[str], None] = print,
    ) -> None:
        super().__init__(
            command, host=host, port=port, title="tvtui", public_url=url, templates_path=TEMPLATES
        )
        self.loopback_only = is_loopback_host(host)
        self.sessions: set[TrackedAppService] = set()
        self._sockets: set[web.WebSocketResponse] = set()
        self._announce = announce

    def initialize_logging(self) -> None:
        super().initialize_logging()
        if not self.debug:  # no line per HTTP request: warnings and errors only
            logging.getLogger().setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        """No banner: :meth:`serve` says where to go once the port is open."""

    def serve(self, debug: bool = False) -> None:
        """textual-serve's ``serve``, announcing the URL only once the port accepts connections
        (so whoever reads the line can connect at once) and with a bounded shutdown."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            shutdown_timeout=2 * GRACE_SECONDS,
            print=lambda *_: self._announce(
                f"tvtui serve: open {self.public_url} in a browser; "
                "Ctrl+C stops the server and every app it started."
            ),
        )

    async def on_shutdown(self, app: web.Application) -> None:
        """Stop every app, then close every tab's WebSocket, before aiohttp waits on them."""
        await asyncio.gather(*(session.end() for session in list(self.sessions)))
        for socket in list(self._sockets):
            with contextlib.suppress(Exception):
                await socket.close()

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler, with the origin check and a tracked, bounded session."""
        origin = request.headers.get("Origin")
        if not origin_allowed(request.host, origin, loopback_only=self.loopback_only):
            log.warning(
                "refused a WebSocket from origin %s (host %s)",
                plain(cap(repr(origin), 200)),
                plain(cap(repr(request.host), 200)),
            )
            raise web.HTTPForbidden(text="This server only accepts its own pages.\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: TrackedAppService | None = None
        self._sockets.add(websocket)
        try:
            await websocket.prepare(request)
            service = TrackedAppService(
                self.command,
                sessions=self.sessions,
                write_bytes=_guarded(websocket.send_bytes),
                write_str=_guarded(websocket.send_str),
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(max(1, min(width, 1000)), max(1, min(height, 500)))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # a malformed message from the page: end this session only
            log.warning("session ended: %s", plain(cap(str(error), 200)))
        finally:
            self._sockets.discard(websocket)
            if service is not None:
                await service.end()
        return websocket


def _guarded(send: Callable[[_Data], Awaitable[None]]) -> Callable[[_Data], Awaitable[None]]:
    """A send that drops output for a tab that is gone instead of ending the app's reader."""

    async def guarded(data: _Data) -> None:
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            await send(data)

    return guarded
