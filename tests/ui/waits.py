"""Waits the app tests share: each waits for a condition, never for a fixed time."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.support import wait_until
from tvtui.ui.app import TvtuiApp


async def hold_still(pilot: Pilot, app: TvtuiApp) -> None:
    """Stop the stream's posting and let what it already posted land: the panes hold still
    (the worker sets ``paused`` once it has taken the command; what it posted before is
    queued ahead of ``pilot.pause()``'s own markers)."""
    app.bridge.pause(True)
    await wait_until(pilot, lambda: app.bridge.paused, 5, "the stream to pause")
    await pilot.pause()
