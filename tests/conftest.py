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
- ``mount_tmpfs``: a real read-only or full file system (root only; skipped elsewhere).

Plain helpers (``wait_until``, ``app_for``, ``run_stream`` ...) live in ``tests/support.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.feed.helpers import Collector
from tests.support import SimEnv, app_for
from tvtui.feed import studies
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.sim import SimConfig, Simulator
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import frozen_sim_config

# No per-example deadline for property tests: Hypothesis's default (200 ms) is a timing
# assertion, which a busy machine fails (seen: the wire and decoder properties beside a hog).
settings.register_profile("tvtui", deadline=None)
settings.load_profile("tvtui")

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
def mount_tmpfs(tmp_path: Path) -> Iterator[Callable[[str, str], Path]]:
    """``mount_tmpfs(name, options)``: a small tmpfs mounted under ``tmp_path`` (a read-only or a
    genuinely full file system, for the export tests); skipped where mounting is not allowed
    (not root, no privileges)."""
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("mounting a tmpfs needs root")
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tvtui-test", str(point)],
            capture_output=True,
            timeout=10,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=10, check=False)


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
    """A moving market (1 simulated minute per real second), shared by tests that only read.
    An update every 0.5 s per subscription (the simulator's default is 0.1 s): each one makes
    the app draw again, and a faster market would only cost CPU that the tests share."""
    with Simulator(SimConfig(seed=7, time_scale=60.0, tick_interval=0.5)) as simulator:
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
    """A simulator of the test's own, paced for the app: 1 simulated minute per real second,
    an update every 0.5 s per subscription (as ``live_sim``)."""
    return sim_factory(time_scale=60.0, tick_interval=0.5)


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


#: The tests that take longest, by name (seconds with 8 workers on a quiet 2-core machine,
#: ``--durations``): real-time fault scenarios that wait rather than compute, and app tests
#: that drive many screens. Run in parallel, the suite
#: lasts about as long as the worker that drew the most of them: so they start first, each on
#: the worker that frees up first (see ``pytest_collection_modifyitems``). A test renamed or
#: missing here only loses its head start.
SLOW_FIRST: dict[str, float] = {
    "test_drops_6s_after_each_open_and_20s_refusals_tvtui_stream_follow_keeps_every_bar": 60,
    "test_drops_never_fire_one_crossing_twice_nor_miss_one": 31,
    "test_drops_every_2s_for_30s_lose_nothing_and_restore_everything": 29,
    "test_a_20s_outage_counts_down_then_backfills_the_gap": 24,
    "test_search_pick_stoch_rsi_set_k_apply_and_restart": 21,
    "test_random_server_text_everywhere_leaves_the_app_running_and_the_screen_clean": 21,
    "test_repeated_drops_lose_no_bar_and_duplicate_none": 15,
    "test_a_10s_outage_is_over_for_the_client_within_6s_of_the_servers_return": 13,
    "test_the_token_is_sent_and_appears_nowhere_else": 13,
    "test_past_the_oldest_or_home_again_asks_the_worker_and_no_more_is_said_once": 13,
    "test_20k_updates_a_second_memory_stays_flat_and_the_last_value_is_the_last_sent": 12,
    "test_the_cursor_shows_its_bars_exact_values_and_stays_on_it_as_bars_arrive": 12,
    "test_ctrl_c_stops_every_app_the_server_started[server-only]": 12,
    "test_the_app_works_in_chromium_and_stopping_leaves_no_app": 12,
    "test_a_crossing_fires_a_notification_and_the_list_pauses_and_deletes": 12,
    "test_the_chooser_shows_the_limit_and_will_not_apply_past_it": 11,
    "test_app_status_line_says_reconnecting_then_connected_and_the_chart_has_no_gap": 11,
    "test_a_flood_of_updates_is_coalesced_and_the_ui_stays_responsive": 10,
    "test_every_timeframe_is_in_the_header_and_brackets_walk_them_in_order": 10,
    "test_s_sorts_by_each_column_under_live_prices_and_keeps_the_selected_row": 9,
    "test_A_opens_a_prefilled_dialog_and_enter_saves_it": 9,
    "test_tvtui_stream_follow_rides_through_drops": 8,
    "test_every_background_worker_can_be_waited_for": 8,
    "test_no_module_imports_or_reads_a_private_name_of_textual_rich_or_plotext": 8,
    "test_keys_typed_quickly_in_the_chooser_all_count": 8,
    "test_plus_minus_and_the_wheel_change_the_bars_on_screen": 8,
    "test_the_palette_offers_to_add_symbols_from_tradingview_search": 8,
    "test_app_shows_the_refusal_and_keeps_backing_off": 8,
}  # fmt: skip


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``--dist load --maxschedchunk 1``, pyproject.toml), the slowest
    tests first, longest first. The scheduler hands each worker two tests to start with, then
    one more whenever a test ends; so the first N slow tests (N workers) are each paired with
    a quick one, one slow test per worker, and every later slow test goes to the worker that
    frees up first. What remains is quick tests, which even out the end. Serial runs keep the
    files' order. Every worker sorts the same collection the same way, as xdist requires."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 0))
    if workers < 2:
        return

    slow = sorted(
        (item for item in items if item.name in SLOW_FIRST), key=lambda i: -SLOW_FIRST[i.name]
    )
    rest = [item for item in items if item.name not in SLOW_FIRST]
    head: list[pytest.Item] = []
    for item in slow[:workers]:
        head.append(item)
        if rest:
            head.append(rest.pop(0))
    items[:] = head + slow[workers:] + rest


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: four workers per core, at least eight, at most twelve. Most tests wait on a
    socket, a timer or the simulator's clock rather than on the CPU, so it takes several at
    once to keep both cores busy while the long fault scenarios wait; but an app test draws
    its live panes for as long as it runs, and the subprocess tests run whole demo apps, so
    more workers make each test slower and cost more CPU in all. Measured on the 2-core
    machine, quiet: six workers 157 s, eight 132-138 s (with ``SLOW_FIRST`` re-measured);
    beside two CPU hogs in a session of their own (half the machine left to the suite), eight
    passed three full runs in a row (186, 189 and 201 s)."""
    return min(12, max(8, 4 * (os.cpu_count() or 1)))
