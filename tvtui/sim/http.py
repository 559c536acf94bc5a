"""The simulator's HTTP side: scanner symbol check, pine-facade metadata and list, symbol
search, public script search.

Same paths and query parameters as TradingView's services, since a ``TVTUI_*_URL`` override
only replaces scheme, host and port. Runs ``ThreadingHTTPServer`` on a daemon thread.
"""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson

from tvtui.sim import catalog, indicators, study_list

if TYPE_CHECKING:
    from tvtui.sim.records import Host

_PINE_PREFIX = "/pine-facade/translate/"
_PINE_LIST = "/pine-facade/list"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``Simulator.http_requests`` instead of stderr."""

    def do_GET(self) -> None:
        sim = self.server.sim
        faults = sim.faults
        sim.stats.http_requests += 1
        sim.records.add_http(self.path, {k.title(): v for k, v in self.headers.items()})
        delay = faults.http_delay
        if delay:
            time.sleep(min(float(delay), 60.0))
        if faults.http_fail:
            try:
                status = faults.http_fail.pop(0)
            except IndexError:
                status = None
            if status is not None:
                self._reply(int(status), {"error": "simulated failure"})
                return
        status, body = route(self.path)
        self._reply(status, body)

    def _reply(self, status: int, body: Any) -> None:
        data = orjson.dumps(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", "1")
        self.end_headers()
        self.wfile.write(data)


def route(path: str) -> tuple[int, Any]:
    """Status and JSON body for one GET request (pure, so it is easy to test)."""
    parts = urlsplit(path)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    route_path = parts.path
    if route_path == "/symbol":
        inst = catalog.lookup(query.get("symbol", ""))
        if inst is None:
            if query.get("no_404", "false").lower() == "true":
                return 200, {}
            return 404, {"code": "symbol_not_exists", "message": "Symbol not found"}
        return 200, {"market": inst.market}
    if route_path.startswith(_PINE_PREFIX):
        rest = route_path[len(_PINE_PREFIX) :]
        pine_id, _, version = rest.partition("/")
        result = indicators.metadata(unquote(pine_id), unquote(version) or "last")
        if result is None:
            return 200, {"success": False, "reason": f"Script {unquote(pine_id)} not found"}
        return 200, {"success": True, "result": result}
    if route_path.rstrip("/") == _PINE_LIST:
        if query.get("filter", "standard") != "standard":
            return 200, []
        return 200, list(study_list.standard_scripts())
    if route_path.rstrip("/") == "/pubscripts-suggest-json":
        return 200, study_list.public_scripts(query.get("search", ""))
    if route_path.rstrip("/") == "/symbol_search/v3":
        try:
            start = int(query.get("start", "0"))
        except ValueError:
            start = 0
        return 200, catalog.search(
            query.get("text", ""), query.get("exchange", ""), query.get("search_type", ""), start
        )
    return 404, {"error": "not found"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, sim: Host) -> None:
        self.sim = sim
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up before its answer is written is a normal event for a server
        (TradingView does not complain either): quiet. Anything else is printed as before."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class HttpServer:
    """Start/stop wrapper: ``start()`` returns once listening; ``stop()`` is prompt."""

    def __init__(self, sim: Host, port: int = 0) -> None:
        self._server = _Server(port, sim)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="tvtui-sim-http",
            daemon=True,
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)
