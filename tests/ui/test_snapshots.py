"""Snapshot tests: the main views, pixel for pixel (SVG), on a frozen simulator.

Determinism (tui-anchors §C.4): simulated time stands still (``time_scale=0``), the status
line's clock and throughput are frozen, the cursor does not blink, the theme is pinned, the
terminal size is fixed, and each capture waits for the data first (``tvtui.ui.scenes``).
Update after an intended change with ``pytest tests/ui --snapshot-update`` and look at the
diff report first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tvtui.sim import Simulator
from tvtui.ui.scenes import SCENE_SIZE, SCENE_SIZES, SCENES, SIZED_SCENES, scene_app


@pytest.mark.parametrize("name", sorted(SCENES))
def test_scene(name: str, snap_compare, frozen_sim: Simulator, tmp_path: Path, monkeypatch) -> None:
    env = frozen_sim.env()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    theme, run_before = SCENES[name]
    app = scene_app(env, tmp_path / "config.toml", theme=theme)
    assert snap_compare(app, run_before=run_before, terminal_size=SCENE_SIZE)


@pytest.mark.parametrize("size", SCENE_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("name", sorted(SIZED_SCENES))
def test_sized_scene(
    name: str,
    size: tuple[int, int],
    snap_compare,
    frozen_sim: Simulator,
    tmp_path: Path,
    monkeypatch,
) -> None:
    """Three studies, FX:EURUSD and the chooser at the limit, at 160x45 and at 80x24."""
    env = frozen_sim.env()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    token, symbol, run_before = SIZED_SCENES[name]
    app = scene_app(env, tmp_path / "config.toml", token=token, symbol=symbol)
    assert snap_compare(app, run_before=run_before, terminal_size=size)
