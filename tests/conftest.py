"""Shared fixtures: a started TradingView simulator on loopback, stopped after each test.

``sim`` runs fast (time_scale=300: a 1m bar lasts 0.2 s; heartbeats every second) so tests
see bars close and heartbeats arrive within a bounded wait. ``sim_factory(**kwargs)`` takes
any ``SimConfig`` field to build one with other settings; every simulator it makes is stopped
at teardown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tvtui.sim import SimConfig, Simulator

SIM_DEFAULTS: dict[str, Any] = {
    "seed": 7,
    "time_scale": 300.0,
    "tick_interval": 0.05,
    "heartbeat_interval": 1.0,
}


@pytest.fixture
def sim_factory() -> Iterator[Callable[..., Simulator]]:
    made: list[Simulator] = []

    def make(**kwargs: Any) -> Simulator:
        simulator = Simulator(SimConfig(**{**SIM_DEFAULTS, **kwargs}))
        made.append(simulator)
        return simulator.start()

    yield make
    for simulator in made:
        simulator.stop()


@pytest.fixture
def sim(sim_factory: Callable[..., Simulator]) -> Simulator:
    return sim_factory()
