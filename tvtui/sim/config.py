"""Simulator settings, the live fault switches, and the counters tests read.

``SimConfig`` is fixed at start; ``Faults`` is mutable and read by the server on every use, so
a test can flip a fault while clients are connected. Plain attributes are enough: each is read
and written whole, and CPython makes that atomic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: 2024-06-10 00:00 UTC, a Monday: aligned to every bar length the simulator serves (minutes,
#: hours, days, weeks; months are calendar-aligned and open on the 1st anyway).
DEFAULT_START = 1_717_977_600


@dataclass(slots=True)
class SimConfig:
    seed: int = 7  #: deterministic prices: the same seed gives the same bars
    time_scale: float = 60.0  #: simulated seconds per real second (60 => a 1m bar lasts 1 s)
    start_time: float | None = None  #: sim epoch seconds at start; None => DEFAULT_START
    tick_interval: float = 0.1  #: real seconds between live updates per subscription
    heartbeat_interval: float = 10.0  #: real seconds between ``~h~N`` heartbeats
    heartbeat_timeout: float | None = None  #: None => 2.5 x heartbeat_interval
    ws_port: int = 0  #: 0 => a free port
    http_port: int = 0  #: 0 => a free port
    max_studies_anonymous: int = 2  #: study limit per chart for "unauthorized_user_token"
    max_studies_authenticated: int = 25  #: study limit per chart for a JWT-shaped token
    max_bars: int = 10_000  #: cap on one history request (the real server caps near 5000)
    #: Epoch seconds of every instrument's first trade: no bar opens before it, so paging back
    #: with ``request_more_data`` reaches an end. None => 1990-01-01 (prices.HISTORY_START).
    history_start: float | None = None

    def effective_heartbeat_timeout(self) -> float:
        if self.heartbeat_timeout is not None:
            return self.heartbeat_timeout
        return 2.5 * self.heartbeat_interval


@dataclass(slots=True)
class Faults:
    """Fault switches, all off by default. See the simulator's README section in the task."""

    drop_every: float | None = None  #: abort every client connection every N real seconds
    malformed_every: int | None = None  #: add a malformed frame after every Nth frame sent
    reply_delay: float = 0.0  #: real seconds to wait before answering each client message
    burst_rate: int | None = None  #: live updates per second per connection, batched
    handshake_status: int | None = None  #: refuse the WebSocket handshake with this status
    silent: bool = False  #: keep connections open but send nothing at all
    http_fail: list[int] = field(default_factory=list)  #: statuses for the next HTTP requests
    http_delay: float = 0.0  #: real seconds before answering each HTTP request

    def reset(self) -> None:
        """Switch every fault off again."""
        fresh = Faults()
        for name in self.__slots__:
            setattr(self, name, getattr(fresh, name))


@dataclass(slots=True)
class SimStats:
    """Counters the server bumps as it goes (read them from any thread)."""

    connections: int = 0  #: WebSocket connections accepted (handshake completed)
    heartbeats_sent: int = 0
    heartbeats_echoed: int = 0
    heartbeat_timeouts: int = 0  #: clients closed for not echoing in time
    frames_sent: int = 0  #: good frames sent (heartbeats included)
    malformed_sent: int = 0  #: malformed frames or messages injected
    drops: int = 0  #: connections aborted by the ``drop_every`` fault or ``go_down``
    handshakes_refused: int = 0  #: handshakes answered with ``handshake_status``
    http_requests: int = 0
    more_data_requests: int = 0  #: ``request_more_data`` messages received (malformed too)
