"""Background jobs (indicator metadata, symbol checks): awaitable workers that post their answer
as a message, and that never hold up quitting, even when the server never answers."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.support import app_for, wait_until
from tvtui.sim import SimConfig, Simulator
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.widgets.indicators import IndicatorPane

SIZE = (160, 45)


async def test_the_metadata_worker_can_be_awaited_and_its_answer_reaches_the_pane(
    make_app,
) -> None:
    app: TvtuiApp = make_app(symbols=["NASDAQ:AAPL"])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        assert app.main is not None
        app.indicator_ids = ["STD;RSI", "STD;NO_SUCH_STUDY"]
        app.main.query_one(IndicatorPane).set_studies(app.indicator_ids)
        worker = app.main.load_indicators(list(app.indicator_ids))
        await worker.wait()  # the metadata came back (as an IndicatorsLoaded message)
        pane = app.query_one(IndicatorPane)
        await wait_until(
            pilot, lambda: pane.blocks()["STD;NO_SUCH_STUDY"].error is not None, 5, "refusal"
        )
        await wait_until(pilot, lambda: bool(pane.blocks()["STD;RSI"].points), 10, "RSI")
        assert pane.blocks()["STD;RSI"].error is None


async def test_every_background_worker_can_be_waited_for(make_app) -> None:
    app: TvtuiApp = make_app(symbols=["NASDAQ:AAPL"])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, SymbolEntry), 5, "the dialog")
        entry = app.screen
        assert isinstance(entry, SymbolEntry)
        await pilot.press(*"NASDAQ:MSFT", "enter")
        await wait_until(pilot, lambda: entry.checking is not None, 5, "the check to start")
        assert entry.checking is not None
        await entry.checking.wait()  # the scanner's answer, posted as a SymbolChecked message
        await wait_until(pilot, lambda: entry.state == "resolved", 10, "the preview")
        assert entry.has_class("-resolved") and not entry.has_class("-checking")


def test_quitting_while_indicator_metadata_hangs_returns_promptly(tmp_path: Path) -> None:
    """The whole run, loop shutdown included (where executor threads would be joined)."""
    (tmp_path / "config.toml").write_text('indicators = ["STD;RSI", "STD;MACD"]\n')
    with Simulator(SimConfig(seed=4, time_scale=60.0, tick_interval=0.5)) as sim:
        sim.faults.http_delay = 45.0  # every HTTP answer (the studies' metadata) after 45 s
        app = app_for(sim, tmp_path, symbols=["NASDAQ:AAPL"])
        quit_at: list[float] = []

        async def run() -> None:
            async with app.run_test(size=SIZE) as pilot:
                await wait_until(pilot, lambda: bool(sim.http_requests), 10, "a metadata request")
                assert any(w.name == "tvtui-indicators" and w.is_running for w in app.workers)
                quit_at.append(time.monotonic())
                await pilot.press("q")
                await wait_until(pilot, lambda: not app.is_running, 3, "the app to exit")

        asyncio.run(run())
        assert time.monotonic() - quit_at[0] < 25  # not the 45 s the metadata would take
        sim.faults.reset()
