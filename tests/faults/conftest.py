"""Fixtures for the fault matrix: simulators, clients, the app and tmpfs mounts, reused from the
other suites (``tests/conftest.py``, ``tests/feed``, ``tests/test_export.py``) rather than
copied, plus the few things only the matrix needs.

Every server here is the simulator on 127.0.0.1 (or a tmpfs mount); nothing reaches the
internet. Every wait is bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.feed.conftest import collector, make_client  # noqa: F401 - fixtures, re-exported
from tests.test_export import mount_tmpfs  # noqa: F401 - fixture, re-exported
from tvtui.config import load_config
from tvtui.feed import studies
from tvtui.feed.backoff import Backoff
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.sim import Simulator
from tvtui.ui.app import TvtuiApp

#: A JWT-shaped token the simulator accepts as an authenticated account; the middle part is a
#: marker no code has any reason to print, so finding it anywhere means the token leaked.
SECRET_TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2VuLW1hcmtlci14eXo.TVTUI-SECRET-MARKER-4f7b"
SECRET_MARKER = "TVTUI-SECRET-MARKER-4f7b"
SIZE = (160, 45)


@pytest.fixture(autouse=True)
def private_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, data (themes) and exports in a temporary folder; no token unless a test sets
    one; the indicator cache empty (each test's simulator has its own port)."""
    monkeypatch.setenv("TVTUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TRADINGVIEW_JWT_TOKEN", raising=False)
    studies.clear_cache()
    yield tmp_path
    studies.clear_cache()


@pytest.fixture
def sim_env(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> Simulator:
    """The default fast simulator with every ``TVTUI_*`` variable pointing at it."""
    for key, value in sim.env().items():
        monkeypatch.setenv(key, value)
    return sim


def quick_backoff() -> Backoff:
    """The default curve (0.5 s doubling, 20% jitter) with a 4 s cap, so a 20 s outage is
    noticed back within seconds instead of the default cap's 30."""
    return Backoff(initial=0.5, cap=4.0)


def app_for(
    sim: Simulator,
    tmp_path: Path,
    *,
    backoff: Callable[[], Backoff] | None = None,
    token: str | None = "unauthorized_user_token",
    **kwargs: Any,
) -> TvtuiApp:
    """The app on ``sim`` with a private config; ``backoff`` builds each client's backoff."""
    endpoints = Endpoints.from_env(sim.env())
    factory = None
    if backoff is not None:

        def factory(sink):
            return FeedClient(token=token, endpoints=endpoints, sink=sink, backoff=backoff())

    kwargs.setdefault("theme", "tvtui-dark")
    kwargs.setdefault("export_dir", tmp_path / "export")
    return TvtuiApp(
        load_config(tmp_path / "config.toml"),
        endpoints=endpoints,
        mode="demo",
        token=token,
        client_factory=factory,
        **kwargs,
    )


@pytest.fixture
def app_sim(sim_factory) -> Iterator[Simulator]:
    """A simulator paced for the app: 1 simulated minute per real second."""
    yield sim_factory(time_scale=60.0, tick_interval=0.1)
