"""One client connection: the hello, heartbeats, message dispatch, live ticks and faults.

Handlers are plain methods that return packets; only ``_send`` touches the socket, so every
fault that changes what goes out (silence, malformed frames, batching, heartbeats packed with
data) lives in one place.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import orjson
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from tvtui.feed import wire
from tvtui.sim.charts import ChartSession
from tvtui.sim.quotes import QuoteSession

if TYPE_CHECKING:
    from tvtui.sim.records import Host

Packet = dict[str, Any]

ANONYMOUS = "unauthorized_user_token"
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
_BATCH = 100  #: frames per WebSocket message in burst mode
_BAD_TEXT = (
    "~m~7~m~this payload is not JSON and its LEN is wrong",  # bad LEN
    wire.frame('{"m":"du","p":["cs_broken",{"s":[{"i":1,"v":[1,2'),  # bad JSON
    "~m~0~m~",  # empty payload
)
_TRUNCATED = '~m~120~m~{"m":"qsd","p":["qs_trunc'  # envelope cut short: its own message
_BINARY = b"\x89\x00\xff\xfe not a text frame"


class Connection:
    def __init__(self, sim: Host, ws: ServerConnection, number: int) -> None:
        self.sim = sim
        self.ws = ws
        self.number = number
        self.max_studies = sim.config.max_studies_anonymous
        self.quotes: dict[str, QuoteSession] = {}
        self.charts: dict[str, ChartSession] = {}
        self.heartbeat = 0
        self.pending: dict[int, float] = {}  #: heartbeat number -> when it was sent
        self.piggyback: list[int] = []  #: heartbeats to pack with the next data message
        self.frame_count = 0
        self.bad_kind = 0
        self.closing = False
        self.inbox: asyncio.Queue[Packet] = asyncio.Queue()

    # --- lifecycle -----------------------------------------------------------------------------

    async def run(self) -> None:
        await self._send([self._hello()])
        tasks = [
            asyncio.create_task(self._ticker()),
            asyncio.create_task(self._heartbeats()),
            asyncio.create_task(self._worker()),
        ]
        try:
            async for message in self.ws:
                if isinstance(message, str):
                    self._on_message(message)
                if self.closing:
                    break
        except ConnectionClosed:
            pass
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _hello(self) -> Packet:
        now = self.sim.now()
        digest = hashlib.sha1(f"sim-{self.sim.config.seed}".encode()).hexdigest()
        return {
            "session_id": f"<0.{self.number}.{int(now) % 10000}>_sim-charts-1@sim-compute-1",
            "timestamp": int(now),
            "timestampMs": int(now * 1000),
            "release": "registry.xtools.tv/tvbs_release/webchart:release_208-91-sim",
            "studies_metadata_hash": digest,
            "auth_scheme_vsn": 2,
            "protocol": "json",
            "via": f"127.0.0.1:{self.sim.ws_port}",
            "javastudies": ["3.66"],
        }

    # --- incoming ------------------------------------------------------------------------------

    def _on_message(self, message: str) -> None:
        """Heartbeat echoes count at once; other messages queue for the worker, so a
        ``reply_delay`` never delays an echo (and never trips the heartbeat timeout)."""
        for payload in wire.unframe(message).payloads:
            if wire.is_heartbeat(payload):
                self._echoed(payload)
                continue
            try:
                packet = orjson.loads(payload)
            except orjson.JSONDecodeError:
                continue
            if isinstance(packet, dict):
                self.sim.records.add_received(packet)
                self.inbox.put_nowait(packet)

    async def _worker(self) -> None:
        """Answer client messages in order, after the ``reply_delay`` fault if set."""
        while True:
            packet = await self.inbox.get()
            delay = self.sim.faults.reply_delay
            if delay:
                await asyncio.sleep(min(float(delay), 60.0))
            try:
                out = self.handle(packet)
            except Exception as exc:  # a simulator bug must not silence the connection
                self.sim.records.add_error(f"handling {packet.get('m')!r}: {exc!r}")
                out = [_critical("", "invalid parameters", str(packet.get("m")))]
            if out:
                await self._send(out)
            if self.closing:
                await self.ws.close(1000, "bad auth token")
                return

    def _echoed(self, payload: str) -> None:
        try:
            number = int(payload[len(wire.HEARTBEAT_PREFIX) :])
        except ValueError:
            return
        self.sim.stats.heartbeats_echoed += 1
        for k in [k for k in self.pending if k <= number]:
            del self.pending[k]

    def handle(self, packet: Packet) -> list[Packet]:
        """Answer one client message (the packets to send back, possibly none)."""
        method = packet.get("m")
        params = packet.get("p")
        if not isinstance(method, str) or not isinstance(params, list):
            return []
        now = self.sim.now()
        if method == "set_auth_token":
            return self._auth(params)
        if method.startswith("quote_"):
            return self._quote(method, params, now)
        if method in _CHART_METHODS:
            return self._chart(method, params, now)
        return []  # set_locale, set_data_quality and unknown methods: accepted silently

    def _auth(self, params: list[Any]) -> list[Packet]:
        token = params[0] if params else None
        if token == ANONYMOUS:
            limit = self.sim.config.max_studies_anonymous
        elif isinstance(token, str) and len(token) < 8192 and _JWT.match(token):
            limit = self.sim.config.max_studies_authenticated
        else:
            self.closing = True
            return [{"m": "protocol_error", "p": ["bad auth token"]}]
        self.max_studies = limit
        for chart in self.charts.values():
            chart.max_studies = limit
        return []

    def _quote(self, method: str, params: list[Any], now: float) -> list[Packet]:
        qs = params[0] if params else None
        if not isinstance(qs, str):
            return [_critical("", "invalid parameters", method)]
        if method == "quote_create_session":
            self.quotes[qs] = QuoteSession(qs, self.sim.market)
            return []
        session = self.quotes.get(qs)
        if session is None:
            return [_critical(qs, "invalid_session", method)]
        if method == "quote_set_fields":
            return session.set_fields(params[1:])
        if method == "quote_add_symbols":
            return session.add_symbols(params[1:], now)
        if method == "quote_remove_symbols":
            return session.remove_symbols(params[1:])
        if method == "quote_delete_session":
            del self.quotes[qs]
        return []  # quote_fast_symbols, quote_hibernate_all: accepted, nothing to do

    def _chart(self, method: str, params: list[Any], now: float) -> list[Packet]:
        if method == "request_more_data":
            self.sim.stats.more_data_requests += 1
        cs = params[0] if params else None
        if not isinstance(cs, str):
            return [_critical("", "invalid parameters", method)]
        if method == "chart_create_session":
            self.charts[cs] = ChartSession(cs, self.sim.market, self.max_studies)
            return []
        chart = self.charts.get(cs)
        if chart is None:
            return [_critical(cs, "invalid_session", method)]
        cfg = self.sim.config
        if method == "chart_delete_session":
            del self.charts[cs]
            return []
        if method == "switch_timezone":
            return _check_timezone(cs, params)
        if method == "resolve_symbol":
            return chart.resolve_symbol(
                params[1] if len(params) > 1 else "", params[2] if len(params) > 2 else None
            )
        if method == "create_series":
            return chart.create_series(params, now, cfg.max_bars)
        if method == "modify_series":
            return chart.modify_series(params, now)
        if method == "request_more_data":
            return chart.request_more_data(params, now, cfg.max_bars)
        if method == "remove_series":
            return chart.remove_series(params[1] if len(params) > 1 else None)
        if method == "create_study":
            return chart.create_study(params, now)
        if method == "remove_study":
            return chart.remove_study(params[1] if len(params) > 1 else None)
        return []  # modify_study and friends: accepted

    # --- live updates --------------------------------------------------------------------------

    def _live(self) -> bool:
        return any(q.subs for q in self.quotes.values()) or any(
            c.series for c in self.charts.values()
        )

    def _tick(self, now: float) -> list[Packet]:
        out: list[Packet] = []
        for quote in list(self.quotes.values()):
            out.extend(quote.tick(now))
        for chart in list(self.charts.values()):
            packet = chart.tick(now)
            if packet is not None:
                out.append(packet)
        return out

    def _burst(self, count: int, t0: float, t1: float) -> list[Packet]:
        """``count`` updates spread over sim times (t0, t1], round-robin over subscriptions."""
        targets: list[Any] = [q for q in self.quotes.values() if q.subs]
        targets += [c for c in self.charts.values() if c.series]
        out: list[Packet] = []
        if not targets:
            return out
        for k in range(count):
            t = t0 + (t1 - t0) * (k + 1) / count
            target = targets[k % len(targets)]
            if isinstance(target, QuoteSession):
                out.extend(target.tick(t))
            else:
                packet = target.tick(t, force=True)
                if packet is not None:
                    out.append(packet)
        return out

    async def _ticker(self) -> None:
        carry = 0.0
        last_real, last_sim = time.monotonic(), self.sim.now()
        while True:
            faults = self.sim.faults  # read live: a test may swap the whole object
            burst = faults.burst_rate
            await asyncio.sleep(0.02 if burst else self.sim.config.tick_interval)
            now_real, now_sim = time.monotonic(), self.sim.now()
            if faults.silent:
                last_real, last_sim = now_real, now_sim
                continue
            if burst:
                carry += burst * (now_real - last_real)
                count = min(int(carry), burst)  # never more than a second's worth at once
                carry -= int(carry)
            try:
                packets = self._burst(count, last_sim, now_sim) if burst else self._tick(now_sim)
            except Exception as exc:  # recorded for tests; the connection carries on
                self.sim.records.add_error(f"live tick: {exc!r}")
                packets = []
            last_real, last_sim = now_real, now_sim
            if packets or self.piggyback:
                await self._send(packets)

    async def _heartbeats(self) -> None:
        cfg = self.sim.config
        interval = max(0.01, cfg.heartbeat_interval)
        timeout = cfg.effective_heartbeat_timeout()
        poll = min(0.05, interval / 4)
        due = time.monotonic() + interval
        while True:
            await asyncio.sleep(poll)
            t = time.monotonic()
            if self.pending and t - min(self.pending.values()) > timeout:
                self.sim.stats.heartbeat_timeouts += 1
                self.closing = True
                await self.ws.close(1000, "heartbeat timeout")
                return
            if t < due:
                continue
            due = t + interval
            if self.sim.faults.silent:
                continue
            self.heartbeat += 1
            faults = self.sim.faults
            packable = cfg.tick_interval * 4 < interval and not faults.burst_rate
            if packable and self.heartbeat % 2 == 0 and self._live():
                self.piggyback.append(self.heartbeat)  # the ticker sends it with its data
            else:
                await self._send([], [self.heartbeat])

    # --- outgoing ------------------------------------------------------------------------------

    async def _send(self, packets: list[Packet], heartbeats: list[int] | None = None) -> None:
        faults = self.sim.faults
        beats = [*(heartbeats or ()), *self.piggyback]
        self.piggyback.clear()
        if faults.silent:
            return
        frames = [wire.frame(wire.dumps(p)) for p in packets]
        frames += [wire.heartbeat(f"{wire.HEARTBEAT_PREFIX}{k}") for k in beats]
        stats = self.sim.stats
        if not frames:
            return
        size = _BATCH if len(frames) > 2 * _BATCH else len(frames)
        try:
            for start in range(0, len(frames), size):
                chunk = frames[start : start + size]
                text, extra = self._malformed(len(chunk))
                await self.ws.send("".join(chunk) + text)
                # recorded chunk by chunk (packets first, heartbeats last): a connection lost
                # half-way through a flood has still delivered what went before
                self.sim.records.add_sent(packets[start : start + size])
                for message in extra:
                    await self.ws.send(message)
                stats.frames_sent += len(chunk)
        except ConnectionClosed:
            return
        sent_at = time.monotonic()
        for k in beats:
            self.pending[k] = sent_at
        stats.heartbeats_sent += len(beats)

    def _malformed(self, frames: int) -> tuple[str, list[str | bytes]]:
        """Bad frames owed after ``frames`` good ones: text to append, and extra messages."""
        every = self.sim.faults.malformed_every
        if not every or every < 1:
            return "", []
        self.frame_count += frames
        text: list[str] = []
        extra: list[str | bytes] = []
        while self.frame_count >= every:
            self.frame_count -= every
            kind = self.bad_kind % 5
            self.bad_kind += 1
            self.sim.stats.malformed_sent += 1
            if kind < 3:
                text.append(_BAD_TEXT[kind])
            elif kind == 3:
                extra.append(_TRUNCATED)
            else:
                extra.append(_BINARY)
        return "".join(text), extra


_CHART_METHODS = frozenset({
    "chart_create_session", "chart_delete_session", "switch_timezone", "resolve_symbol",
    "create_series", "modify_series", "request_more_data", "remove_series", "create_study",
    "modify_study", "remove_study", "request_more_tickmarks",
})  # fmt: skip


def _critical(session: str, name: str, method: str) -> Packet:
    return {"m": "critical_error", "p": [session, name, f"method: {method}"]}


def _check_timezone(cs: str, params: list[Any]) -> list[Packet]:
    tz = params[1] if len(params) > 1 else None
    if tz == "exchange":
        return []
    try:
        ZoneInfo(str(tz))
    except (ValueError, KeyError, OSError):
        return [
            {
                "m": "critical_error",
                "p": [cs, "invalid timezone", f'method: switch_timezone. args: "[{tz}]"'],
            }
        ]
    return []
