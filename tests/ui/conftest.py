"""Fixtures for the app tests: a real simulator on loopback, a private config and data dir.

Nothing here can reach the internet: the app gets the simulator's endpoints explicitly, and
``TVTUI_*`` variables point at the simulator too, so even code that reads the environment
stays on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tvtui.config import load_config
from tvtui.feed import studies
from tvtui.feed.endpoints import Endpoints
from tvtui.sim import SimConfig, Simulator
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import frozen_sim_config


@pytest.fixture(scope="session")
def live_sim() -> Iterator[Simulator]:
    """A moving market (1 simulated minute per real second), shared by the Pilot tests."""
    with Simulator(SimConfig(seed=7, time_scale=60.0)) as sim:
        yield sim


@pytest.fixture(scope="session")
def frozen_sim() -> Iterator[Simulator]:
    """A market whose clock stands still: every run sees the same prices (snapshots)."""
    with Simulator(frozen_sim_config()) as sim:
        yield sim


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, themes and exports in a temporary folder; never the person's own files."""
    monkeypatch.setenv("TVTUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TRADINGVIEW_JWT_TOKEN", raising=False)
    studies.clear_cache()
    return tmp_path


@pytest.fixture
def sim_env(live_sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = live_sim.env()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def make_app(sim_env: dict[str, str], tmp_path: Path):
    """Build the app against the live simulator (``symbols=``, ``timeframe=`` ... pass through)."""

    def make(**kwargs) -> TvtuiApp:
        kwargs.setdefault("theme", "tvtui-dark")
        kwargs.setdefault("export_dir", tmp_path / "export")
        return TvtuiApp(
            load_config(tmp_path / "config.toml"),
            endpoints=Endpoints.from_env(sim_env),
            mode="demo",
            token="unauthorized_user_token",
            **kwargs,
        )

    return make
