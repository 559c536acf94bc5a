"""``python -m tvtui.sim`` as the README runs it (no flags), serving our client and a client
written the way tradingview-scraper 0.4.21 talks: no ``Origin`` header, its message order, its
study inputs, its frame parsing. 60 candles and RSI + MACD points must reach both.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import websocket

from tests.support import interruptible
from tvtui.feed.endpoints import Endpoints
from tvtui.stream import Streamer

SYMBOL = "BINANCE:BTCUSDT"
#: The 23 quote fields the scraper's StreamHandler sets.
SCRAPER_FIELDS = [
    "ch", "chp", "current_session", "description", "local_description", "language", "exchange",
    "fractional", "is_tradable", "lp", "lp_time", "minmov", "minmove2", "original_name",
    "pricescale", "pro_name", "short_name", "type", "update_mode", "volume", "currency_code",
    "rchp", "rtc",
]  # fmt: skip
_FRAME = re.compile(r"~m~(\d+)~m~")


@pytest.fixture
def sim_process() -> Iterator[dict[str, str]]:
    """``python -m tvtui.sim`` with no arguments; the ``TVTUI_*`` values it prints."""
    # stderr into the same pipe, which the reader below drains to the end (a pipe nobody
    # reads can fill up and block the simulator); it is ended with the Ctrl-C below
    with interruptible():
        proc = subprocess.Popen(
            [sys.executable, "-m", "tvtui.sim"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    env: dict[str, str] = {}
    ready = threading.Event()
    printed: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            printed.append(line)
            if line.startswith("export "):
                name, _, value = line[len("export ") :].strip().partition("=")
                env[name] = value
            if len(env) >= 4:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(20), "the simulator did not print its URLs"
        assert env["TVTUI_WS_URL"].startswith("ws://127.0.0.1:")
        yield env
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            # a clean exit takes well under a second; 30 s is for a machine whose cores are
            # both busy (it was killed after 5 s in a run under a CPU hog)
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        reader.join(5)
    assert proc.returncode == 0, "".join(printed)[-2000:]
    assert "Traceback" not in "".join(printed)


def test_our_streamer_gets_60_candles_rsi_and_macd(sim_process: dict[str, str]) -> None:
    with Streamer(endpoints=Endpoints.from_env(sim_process)) as streamer:
        result = streamer.stream(
            "BINANCE", "BTCUSDT", numb_price_candles=60,
            indicators=[("STD;RSI", "37.0"), ("STD;MACD", "31.0")],
        )  # fmt: skip
    assert len(result["ohlc"]) == 60
    assert result["indicator"]["STD;RSI"] and result["indicator"]["STD;MACD"]


class ScraperStyleClient:
    """What tradingview-scraper does on the wire, written with websocket-client."""

    def __init__(self, ws_url: str) -> None:
        # websocket-client would add an Origin header itself; the brief is a client with none.
        self.ws = websocket.create_connection(
            ws_url + "/socket.io/websocket?from=chart%2FVEPYsueI%2F&type=chart",
            timeout=5, suppress_origin=True,
        )  # fmt: skip

    def send(self, func: str, params: list[Any]) -> None:
        body = json.dumps({"m": func, "p": params}, separators=(",", ":"))
        self.ws.send(f"~m~{len(body)}~m~{body}")

    def packets(self, seconds: float) -> Iterator[dict[str, Any]]:
        """Parsed packets until ``seconds`` pass; heartbeats echoed at once."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(websocket.WebSocketTimeoutException):
                message = self.ws.recv()
                for part in _FRAME.split(message)[2::2]:
                    if part.startswith("~h~"):
                        self.ws.send(f"~m~{len(part)}~m~{part}")
                    elif part:
                        yield json.loads(part)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close(timeout=0.5)


def _scraper_study(http_url: str, cs: str, study_id: str, pine_id: str, version: str) -> list:
    """``create_study`` params as the scraper's ``prepare_indicator_metadata`` builds them."""
    url = f"{http_url}/pine-facade/translate/{pine_id}/{version}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as resp:
        meta = json.loads(resp.read())["result"]["metaInfo"]
    inputs: dict[str, Any] = {
        "text": meta["inputs"][0]["defval"],
        "pineId": pine_id,
        "pineVersion": meta.get("pine", {}).get("version", "1.0"),
        "pineFeatures": {"v": '{"indicator":1,"plot":1,"ta":1}', "f": True, "t": "text"},
        "__profile": {"v": False, "f": True, "t": "bool"},
    }
    for item in meta["inputs"]:
        if item["id"].startswith("in_"):
            inputs[item["id"]] = {"v": item["defval"], "f": True, "t": item["type"]}
    return [cs, study_id, "st1", "sds_1", "Script@tv-scripting-101!", inputs]


def test_a_scraper_style_client_without_origin_gets_60_candles_rsi_and_macd(
    sim_process: dict[str, str],
) -> None:
    client = ScraperStyleClient(sim_process["TVTUI_WS_URL"])
    qs, cs = "qs_abcdefghijkl", "cs_abcdefghijkl"
    spec = "=" + json.dumps({"adjustment": "splits", "symbol": SYMBOL})  # with spaces, as sent
    try:
        # StreamHandler._initialize_sessions
        client.send("set_auth_token", ["unauthorized_user_token"])
        client.send("set_locale", ["en", "US"])
        client.send("chart_create_session", [cs, ""])
        client.send("quote_create_session", [qs])
        client.send("quote_set_fields", [qs, *SCRAPER_FIELDS])
        client.send("quote_hibernate_all", [qs])
        # Streamer._add_symbol_to_sessions
        client.send("quote_add_symbols", [qs, spec])
        client.send("resolve_symbol", [cs, "sds_sym_1", spec])
        client.send("create_series", [cs, "sds_1", "s1", "sds_sym_1", "1", 60, ""])
        client.send("quote_fast_symbols", [qs, SYMBOL])
        # Streamer._add_indicators: st9, st10, each followed by quote_hibernate_all
        for study_id, (pine_id, version) in (("st9", ("STD;RSI", "37.0")),
                                             ("st10", ("STD;MACD", "31.0"))):  # fmt: skip
            params = _scraper_study(sim_process["TVTUI_PINE_URL"], cs, study_id, pine_id, version)
            client.send("create_study", params)
            client.send("quote_hibernate_all", [qs])
        candles: list[dict[str, Any]] = []
        points: dict[str, int] = {}
        errors: list[dict[str, Any]] = []
        for packet in client.packets(20):
            method, params = packet.get("m"), packet.get("p", [])
            if method in ("critical_error", "protocol_error", "series_error", "study_error"):
                errors.append(packet)
            if method == "timescale_update":
                candles = params[1].get("sds_1", {}).get("s", [])
            if method == "du":
                for key in ("st9", "st10"):
                    got = len(params[1].get(key, {}).get("st", []))
                    points[key] = max(points.get(key, 0), got)
            # The scraper keeps a study's points only from a du with more than 10 of them.
            if len(candles) >= 60 and min(points.get("st9", 0), points.get("st10", 0)) > 10:
                break
        assert errors == []
        assert len(candles) >= 60
        assert all(len(c["v"]) == 6 for c in candles)  # time, O, H, L, C, volume
        assert points.get("st9", 0) > 10 and points.get("st10", 0) > 10, points
    finally:
        client.close()
