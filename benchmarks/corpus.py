"""Mixed TradingView streams for the decoder benchmark: a seeded one and a recorded one.

``build()``: about 20,000 frames in the proportions a watchlist plus two charts produce: quote
deltas, live bar updates, heartbeats (some packed with data), a few history and study packets,
several frames per WebSocket message, and non-ASCII text. Seeded, so every run decodes the
same bytes.

``record()``: the same mix as the simulator really sends it (8 quoted symbols including the
Korean and Japanese names, a 1m chart with 300 bars of history, RSI and MACD, burst mode), as
the client received it. Recording depends on timing (how updates batch into messages), so
it is not byte-for-byte repeatable; the seeded corpus stays the one to compare runs with.
"""

from __future__ import annotations

import random
import time
from typing import Any

from tvtui.config import DEFAULT_WATCHLIST
from tvtui.feed import wire

#: The app's default watchlist plus a Japanese name, so the stream carries non-ASCII text.
SYMBOLS = [*DEFAULT_WATCHLIST, "TSE:7203"]
DESCRIPTIONS = {
    "KRX:005930": "삼성전자보통주",
    "TSE:7203": "トヨタ自動車",
    "BINANCE:BTCUSDT": "Bitcoin / TetherUS",
}


def _bar(rng: random.Random, time: float, price: float, volume: bool = True) -> list[float]:
    o = price
    c = price * (1 + rng.uniform(-0.002, 0.002))
    h = max(o, c) * (1 + rng.uniform(0, 0.001))
    low = min(o, c) * (1 - rng.uniform(0, 0.001))
    row = [time, round(o, 2), round(h, 2), round(low, 2), round(c, 2)]
    if volume:
        row.append(round(rng.uniform(1, 500), 4))
    return row


def _history(rng: random.Random, session: str, bars: int) -> dict:
    start = 1_700_000_000.0
    rows = [{"i": i, "v": _bar(rng, start + 60 * i, 30_000 + i)} for i in range(bars)]
    return {
        "m": "timescale_update",
        "p": [
            session,
            {
                "sds_1": {
                    "node": "n1",
                    "s": rows,
                    "ns": {"d": "", "indexes": []},
                    "t": "s1",
                    "lbs": {"bar_close_time": start + 60 * bars},
                }
            },
            {"index": 0, "zoffset": 0, "changes": [], "marks": [], "index_diff": []},
        ],
    }


def _study(rng: random.Random, session: str, points: int) -> dict:
    start = 1_700_000_000.0
    rows = [
        {"i": i, "v": [start + 60 * i, rng.uniform(20, 80), rng.uniform(20, 80)]}
        for i in range(points)
    ]
    return {
        "m": "du",
        "p": [
            session,
            {"st9": {"node": "n", "st": rows, "ns": {"d": "", "indexes": []}, "t": "s1_st1"}},
        ],
    }


def _quote_delta(rng: random.Random, session: str, symbol: str) -> dict:
    values: dict[str, object] = {"lp": round(rng.uniform(100, 200), 2)}
    if rng.random() < 0.5:
        values["ch"] = round(rng.uniform(-5, 5), 2)
        values["chp"] = round(rng.uniform(-3, 3), 2)
    if rng.random() < 0.3:
        values["volume"] = rng.randint(1000, 10_000_000)
    if symbol in DESCRIPTIONS and rng.random() < 0.2:
        values["local_description"] = DESCRIPTIONS[symbol]
    return {"m": "qsd", "p": [session, {"n": symbol, "s": "ok", "v": values}]}


def _bar_update(rng: random.Random, session: str, i: int) -> dict:
    return {
        "m": "du",
        "p": [
            session,
            {
                "sds_1": {
                    "s": [
                        {
                            "i": 500 + i // 50,
                            "v": _bar(rng, 1_700_030_000.0 + 60 * (i // 50), 31_000.0),
                        }
                    ],
                    "ns": {"d": "", "indexes": "nochange"},
                    "t": "s1",
                    "lbs": {"bar_close_time": 1_700_030_060 + 60 * (i // 50)},
                }
            },
        ],
    }


def build(frames: int = 20_000, seed: int = 1) -> list[str]:
    """WebSocket messages (each one to several frames) totalling about ``frames`` frames."""
    rng = random.Random(seed)
    messages: list[str] = [wire.encode({"session_id": "bench", "protocol": "json"})]
    count = 1
    heartbeat = 0
    for session in ("cs_aaaaaaaaaaaa", "cs_bbbbbbbbbbbb"):
        messages.append(wire.encode(_history(rng, session, 300)))
        messages.append(wire.encode(_study(rng, session, 300)))
        count += 2
    i = 0
    while count < frames:
        batch: list[str] = []
        for _ in range(rng.randint(1, 6)):
            roll = rng.random()
            if roll < 0.62:
                payload = wire.encode(_quote_delta(rng, "qs_cccccccccccc", rng.choice(SYMBOLS)))
            elif roll < 0.97:
                payload = wire.encode(_bar_update(rng, "cs_aaaaaaaaaaaa", i))
            else:
                heartbeat += 1
                payload = wire.heartbeat(f"~h~{heartbeat}")
            batch.append(payload)
            count += 1
            i += 1
        messages.append("".join(batch))
    return messages


def bare_payloads(messages: list[str]) -> list[str]:
    """The JSON payloads alone (heartbeats left out): what a plain ``json.loads`` floor parses."""
    out: list[str] = []
    for message in messages:
        out.extend(p for p in wire.unframe(message).payloads if not wire.is_heartbeat(p))
    return out


def record(frames: int = 20_000, timeout: float = 20.0) -> list[str]:
    """WebSocket messages received from a simulator in burst mode, ``frames`` frames or more."""
    from tvtui.feed.client import FeedClient
    from tvtui.feed.endpoints import Endpoints
    from tvtui.feed.studies import fetch_indicator
    from tvtui.sim import SimConfig, Simulator

    received: list[str] = []
    count = [0]

    class Recorder(FeedClient):
        def _on_message(self, data: str | bytes) -> bool:
            text = data if isinstance(data, str) else data.decode("utf-8", "replace")
            received.append(text)
            count[0] += len(wire.unframe(text).payloads)
            return super()._on_message(data)

    with Simulator(SimConfig(seed=7, time_scale=60.0, heartbeat_interval=0.5)) as sim:
        endpoints = Endpoints.from_env(sim.env())
        client: Any = Recorder(endpoints=endpoints, sink=lambda event: None).start()
        try:
            client.add_symbols(*SYMBOLS)
            handle = client.open_series("BINANCE:BTCUSDT", "1m", 300)
            for pine_id, version in (("STD;RSI", "37.0"), ("STD;MACD", "31.0")):
                client.add_study(handle, fetch_indicator(pine_id, version, endpoints))
            time.sleep(1.0)  # history and study packets first, as an app sees them
            sim.faults.burst_rate = 2000
            deadline = time.monotonic() + timeout
            while count[0] < frames and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            client.close()
    return list(received)
