"""A hostile server for the display tests: the simulator, with chosen text put into what it sends;
what the screen must never show; and the app on a stub feed that hands server text straight to
the real worker, coalescer and panes.

The simulator speaks the real protocol over a real WebSocket on 127.0.0.1; :func:`make_hostile`
wraps its connection's send so a test can put markup, escape sequences or a click action into a
quote's description and name, a chart's ``symbol_error`` / ``series_error`` reason, a
``critical_error`` or a ``protocol_error``: exactly the bytes a hostile server would send.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.command import CommandList

from tvtui.config import load_config
from tvtui.feed import events as ev
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import LinkState
from tvtui.sim import connection as sim_connection
from tvtui.ui.app import TvtuiApp
from tvtui.ui.coalesce import TREND_TIMEFRAME

#: What a hostile server sends: markup that ends a markup parser, a click action that writes a
#: file, OSC 2 (window title), OSC 52 (clipboard), a clear-screen, a C1 CSI, a bidi override.
MARKUP = "Bad[/] [b]bold?"
ESCAPES = "\x1b]2;PWNED-TITLE\x07\x1b]52;c;UFdORUQ=\x07\x1b[2J\x9b31m\u202eevil"
#: The data's escape sequences as they would reach a terminal (none may appear in any output).
TERMINAL_ATTACKS = ("\x1b]2;", "\x1b]52;", "\x1b[2J", "\x9b")
_SERIES_PACKETS = {"series_loading", "timescale_update", "du", "series_completed"}
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def click_action(folder: str, name: str = "victim.txt") -> str:
    """A reason that, read as markup, is a link running ``app.screenshot`` into ``folder``."""
    text = "Symbol unavailable - click to retry " * 6
    return f"[@click=app.screenshot('{name}','{folder}')]{text}[/]"


@dataclass
class Hostility:
    """What the server puts where (None: that part is left as the simulator made it)."""

    description: str | None = None
    chart_error: tuple[str, str] | None = None  #: ("symbol_error" | "series_error", reason)
    critical: str | None = None
    protocol: str | None = None
    bar_time: float | None = None  #: every bar's time (1e12: a date no calendar holds)
    sent: dict[str, int] = field(default_factory=dict)

    def _count(self, kind: str) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + 1

    def rewrite(self, packets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for packet in packets:
            method = packet.get("m")
            params = packet.get("p")
            if method == "qsd" and self.description is not None and isinstance(params, list):
                packet = copy.deepcopy(packet)
                values = packet["p"][1].get("v", {})
                if "description" in values or "short_name" in values:
                    values["description"] = self.description
                    values["short_name"] = self.description
                    self._count("description")
            if method == "symbol_resolved" and self.chart_error and isinstance(params, list):
                kind, reason = self.chart_error
                chart_session, series = params[0], params[1]
                if kind == "symbol_error":
                    packet = {"m": "symbol_error", "p": [chart_session, series, reason]}
                else:
                    packet = {"m": "series_error", "p": [chart_session, "sds_1", "s1", reason]}
                self._count(kind)
            if self.bar_time is not None and method in ("timescale_update", "du"):
                packet = copy.deepcopy(packet)
                for series in packet["p"][1].values():
                    for bar in series.get("s", []) if isinstance(series, dict) else []:
                        bar["v"][0] = self.bar_time
                        self._count("bar_time")
            if self.chart_error and method in _SERIES_PACKETS:
                continue  # a refused chart sends no bars
            if self.critical is not None and method == "qsd" and "critical" not in self.sent:
                out.append({"m": "critical_error", "p": ["", self.critical, self.critical]})
                self._count("critical")
            out.append(packet)
        opens_a_session = any("session_id" in packet for packet in out)
        if self.protocol is not None and opens_a_session:
            # with the server's hello, so a connection left over from an earlier app (still
            # closing on the shared simulator) can never take the refusal meant for this one
            out.insert(0, {"m": "protocol_error", "p": [self.protocol]})
            self._count("protocol")
        return out


def make_hostile(monkeypatch: pytest.MonkeyPatch, hostility: Hostility) -> Hostility:
    """Every simulator connection of this test sends through ``hostility.rewrite``."""
    original = sim_connection.Connection._send

    async def send(self, packets, heartbeats=None):  # type: ignore[no-untyped-def]
        return await original(self, hostility.rewrite(list(packets)), heartbeats)

    monkeypatch.setattr(sim_connection.Connection, "_send", send)
    return hostility


def attacks_in(text: str) -> list[str]:
    """The data's terminal attacks found in ``text`` (a screen export, bytes from a pty)."""
    return [attack for attack in TERMINAL_ATTACKS if attack in text]


def hostile_retry_after(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """The simulator's HTTP answers carry ``value`` as their ``Retry-After`` header (it sends
    one with every 429: ``sim.faults.http_fail = [429]``)."""
    from tvtui.sim import http as sim_http

    original = sim_http._Handler.send_header

    def send_header(self, keyword: str, header_value: str) -> None:  # type: ignore[no-untyped-def]
        original(self, keyword, value if keyword == "Retry-After" else header_value)

    monkeypatch.setattr(sim_http._Handler, "send_header", send_header)


# --- what the screen shows ---------------------------------------------------------------

SYMBOL = "BINANCE:BTCUSDT"


def notices(app: TvtuiApp) -> list[str]:
    return [f"{n.title}\n{n.message}" for n in app.told]


def screen_text(app: TvtuiApp) -> str:
    """What the terminal would show, as Textual exports it (every segment's text)."""
    return app.export_screenshot()


def palette_listed(app: TvtuiApp) -> bool:
    """The command palette lists its commands (the watchlist's descriptions among them)."""
    hits = app.screen.query(CommandList)
    return bool(hits) and hits.first().option_count > 0


def toast_laid_out(app: TvtuiApp) -> bool:
    """A notice is on screen with its final size (a click can then land on it)."""
    toasts = app.screen.query("Toast")
    return bool(toasts) and toasts.last().region.height > 0


def assert_clean(app: TvtuiApp) -> None:
    shown = screen_text(app)
    assert not attacks_in(shown), attacks_in(shown)
    assert not CONTROL_RE.search(shown.replace("\n", "").replace("\t", "")), "control character"


# --- an app on a stub feed: server text straight to the screen ---------------------------


class StubFeed:
    """A feed client that sends what the test tells it (the bridge, coalescer and panes are
    the real ones): the shortest path from server text to the screen, for many examples."""

    def __init__(self, sink) -> None:
        self.sink = sink
        self.handles: list[Any] = []

    @property
    def chart_session(self) -> str:
        """The chart's session (not the short-lived series that seeds a watchlist trend)."""
        return next(h.chart_session for h in self.handles if h.timeframe != TREND_TIMEFRAME)

    def start(self) -> None:
        self.sink(ev.ConnectionStatus(state=LinkState.CONNECTED, message="connected"))

    def close(self, timeout: float = 1.0) -> None:
        pass

    def add_symbols(self, *symbols: str) -> list[str]:
        return list(symbols)

    def remove_symbols(self, *symbols: str) -> None:
        pass

    def open_series(self, symbol: str, timeframe: str, count: int = 300) -> Any:
        session = f"cs_{len(self.handles) + 1}"
        self.handles.append(
            SimpleNamespace(
                symbol=symbol, timeframe=timeframe, chart_session=session, series_id="sds_1"
            )
        )
        return self.handles[-1]

    def modify_series(self, handle: Any, symbol: str, timeframe: str) -> Any:
        return self.open_series(symbol, timeframe)

    def add_study(self, handle: Any, indicator: Any) -> str:
        return "st1"

    def remove_study(self, handle: Any, study_id: str) -> None:
        pass

    def close_series(self, handle: Any) -> None:
        pass

    def reconnect(self) -> None:
        pass


def stub_app(tmp_path: Path) -> tuple[TvtuiApp, list[StubFeed]]:
    config = tmp_path / "hyp-config.toml"
    config.write_text('indicators = []\nwatchlist = ["BINANCE:BTCUSDT"]\n', encoding="utf-8")
    feeds: list[StubFeed] = []

    def factory(sink):
        feeds.append(StubFeed(sink))
        return feeds[-1]

    app = TvtuiApp(
        load_config(config),
        endpoints=Endpoints.from_env({"TVTUI_WS_URL": "ws://127.0.0.1:9/socket.io/websocket"}),
        mode="live",
        token="unauthorized_user_token",
        theme="tvtui-dark",
        export_dir=tmp_path / "export",
        client_factory=factory,
    )
    return app, feeds
