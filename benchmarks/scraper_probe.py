"""Runs INSIDE the tradingview-scraper venv (``benchmarks/.venv``): its code on our simulator.

``python benchmarks/scraper_probe.py stream WS_URL HTTP_URL`` times ``Streamer.stream`` (RSI and
MACD, 10 candles); ``python benchmarks/scraper_probe.py parse CORPUS.json RUNS`` times its
``get_data`` parser over recorded messages (its one-second sleep per message patched out).
Both print one JSON line. Every URL it would open is rewritten to the simulator, and anything
that is not 127.0.0.1 is refused, so this never leaves the machine. Standard library plus the
scraper's own dependencies only: it must not import tvtui (that venv does not have it).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time

HOSTS = ("https://scanner.tradingview.com", "https://pine-facade.tradingview.com")


def _loopback_only(http_url: str) -> None:
    import requests

    real_get = requests.get

    def get(url: str, *args, **kwargs):
        for host in HOSTS:
            if url.startswith(host):
                url = http_url + url[len(host) :]
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"refused non-loopback URL {url}")
        return real_get(url, *args, **kwargs)

    requests.get = get


def stream(ws_url: str, http_url: str) -> None:
    _loopback_only(http_url)
    from tradingview_scraper.symbols.stream import streamer

    real_handler = streamer.StreamHandler
    streamer.StreamHandler = lambda websocket_url, jwt_token: real_handler(ws_url, jwt_token)
    os.chdir(tempfile.mkdtemp())  # its export files land here
    start = time.perf_counter()
    s = streamer.Streamer(export_result=True, export_type="json")
    result = s.stream(
        "BINANCE",
        "BTCUSDT",
        timeframe="1m",
        numb_price_candles=10,
        indicators=[("STD;RSI", "37.0"), ("STD;MACD", "31.0")],
    )
    elapsed = time.perf_counter() - start
    print(json.dumps({
        "seconds": elapsed,
        "candles": len(result.get("ohlc", [])),
        "indicators": sorted(k for k, v in result.get("indicator", {}).items() if v),
    }))  # fmt: skip


class _Replay:
    """A stand-in WebSocket that hands out recorded messages, then reports the link closed."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        self.at = 0

    def recv(self) -> str:
        from websocket import WebSocketConnectionClosedException

        if self.at >= len(self.messages):
            raise WebSocketConnectionClosedException("end of the corpus")
        self.at += 1
        return self.messages[self.at - 1]

    def send(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def parse(corpus_path: str, runs: int) -> None:
    """Its parser over the whole corpus. It ends its generator at the first frame it cannot
    parse (a heartbeat packed with data is one); then it is started again on the next message,
    as a caller reconnecting would, and the restarts are counted."""
    from tradingview_scraper.symbols.stream import streamer

    streamer.sleep = lambda seconds: None  # its one-second pause per message
    streamer.logging.disable(streamer.logging.CRITICAL)
    with open(corpus_path) as handle:
        messages = json.load(handle)
    best = float("inf")
    packets = restarts = 0
    for _ in range(runs):
        replay = _Replay(messages)
        s = streamer.Streamer.__new__(streamer.Streamer)
        s.stream_obj = type("Handler", (), {"ws": replay})()
        packets = restarts = 0
        start = time.perf_counter()
        while replay.at < len(messages):
            packets += sum(1 for _ in s.get_data())
            restarts += 1
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "packets": packets, "restarts": restarts - 1}))


if __name__ == "__main__":
    if sys.argv[1] == "stream":
        stream(sys.argv[2], sys.argv[3])
    else:
        parse(sys.argv[2], int(sys.argv[3]))
