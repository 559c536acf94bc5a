"""The suite's shared fixtures, each defined once (the folders' conftest files add only what
one folder needs: ``tests/feed`` a scripted HTTP server, ``tests/sim`` a raw protocol client).

- ``private_dirs`` (every test): config, data, state, cache and export folders under the
  test's own ``tmp_path``, no token, the indicator cache empty. Nothing reads or writes the
  person's files, and tests running side by side (pytest-xdist) never share a path.
- ``sim`` / ``sim_factory``: a simulator of the test's own on 127.0.0.1 (ports chosen by the
  system), stopped at teardown. ``sim`` runs fast (time_scale=300: a 1m bar lasts 0.2 s;
  heartbeats every second); ``sim_factory(**kwargs)`` takes any ``SimConfig`` field.
- ``sim_env``: ``sim`` with every ``TVTUI_*`` variable pointing the client at it.
- ``live_sim`` / ``frozen_sim``: simulators shared by a worker's tests that only read from them
  (a moving market; a market whose clock stands still, for snapshots).
- ``make_app``: the app against ``live_sim``; ``app_sim``: a simulator paced for the app.
- ``collector`` / ``make_client``: an event sink to wait on, FeedClients closed at teardown.

Plain helpers (``wait_until``, ``app_for``, ``run_stream`` ...) live in ``tests/support.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.feed.helpers import Collector
from tests.support import SimEnv, app_for
from tests.test_export import mount_tmpfs  # noqa: F401 - fixture, shared with tests/faults
from tvtui.feed import studies
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.sim import SimConfig, Simulator
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import frozen_sim_config

SIM_DEFAULTS: dict[str, Any] = {
    "seed": 7,
    "time_scale": 300.0,
    "tick_interval": 0.05,
    "heartbeat_interval": 1.0,
}


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Config (``TVTUI_CONFIG``, ``XDG_CONFIG_HOME``), themes (``XDG_DATA_HOME``), crash logs
    (``XDG_STATE_HOME``) and caches (``XDG_CACHE_HOME``) in ``tmp_path``; no token unless a
    test sets one; the indicator cache empty before and after."""
    monkeypatch.setenv("TVTUI_CONFIG", str(tmp_path / "config.toml"))
    for name, folder in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(name, str(tmp_path / folder))
    monkeypatch.delenv("TRADINGVIEW_JWT_TOKEN", raising=False)
    studies.clear_cache()
    yield tmp_path
    studies.clear_cache()


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


@pytest.fixture
def sim_env(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> SimEnv:
    """The test's own fast simulator with every ``TVTUI_*`` variable pointing at it: a mapping
    of those variables (for ``Endpoints.from_env``) that also answers as the simulator
    (``sim_env.faults``, ``sim_env.go_down()``)."""
    env = SimEnv(sim)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture(scope="session")
def live_sim() -> Iterator[Simulator]:
    """A moving market (1 simulated minute per real second), shared by tests that only read."""
    with Simulator(SimConfig(seed=7, time_scale=60.0)) as simulator:
        yield simulator


@pytest.fixture(scope="session")
def frozen_sim() -> Iterator[Simulator]:
    """A market whose clock stands still: every run sees the same prices (snapshots)."""
    with Simulator(frozen_sim_config()) as simulator:
        yield simulator


@pytest.fixture
def make_app(
    live_sim: Simulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[..., TvtuiApp]:
    """Build the app against ``live_sim`` (``symbols=``, ``timeframe=`` ... pass through); the
    ``TVTUI_*`` variables point at it too, so code that reads the environment stays on it."""
    for key, value in live_sim.env().items():
        monkeypatch.setenv(key, value)

    def make(**kwargs: Any) -> TvtuiApp:
        return app_for(live_sim, tmp_path, **kwargs)

    return make


@pytest.fixture
def app_sim(sim_factory: Callable[..., Simulator]) -> Simulator:
    """A simulator of the test's own, paced for the app: 1 simulated minute per real second."""
    return sim_factory(time_scale=60.0, tick_interval=0.1)


@pytest.fixture
def collector() -> Collector:
    return Collector()


@pytest.fixture
def make_client() -> Iterator[Callable[..., FeedClient]]:
    """``make_client(sim, sink, start=True, **kwargs)``: a FeedClient aimed at ``sim`` (a
    :class:`~tests.feed.helpers.Collector` as its sink), closed after the test."""
    clients: list[FeedClient] = []

    def make(sim: Any, sink: Any = None, start: bool = True, **kwargs: Any) -> FeedClient:
        client = FeedClient(endpoints=Endpoints.from_env(sim.env()), sink=sink, **kwargs)
        clients.append(client)
        if start:
            client.start()
        return client

    yield make
    for client in clients:
        client.close()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per core, at least four, at most eight. Most tests wait on a
    socket, a timer or the simulator's clock rather than on the CPU, so on the 2-core CI
    machine four workers finish in about a third of the time of two."""
    return min(8, max(4, 2 * (os.cpu_count() or 1)))
