"""Deterministic scenes of the app: the same pictures for the snapshot tests and the README.

A scene is the app on a *frozen* simulator (``time_scale=0``: simulated time stands still at
its fixed start, so every price, bar and study value is the same on every run), with a frozen
clock for the status line, the cursor blink off, a pinned theme and fixed throughput figures,
captured only after the data has arrived. ``scripts/screenshots`` saves these scenes as SVG
files; ``tests/ui/test_snapshots.py`` compares them with ``snap_compare``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.pilot import Pilot
from textual.widgets import Input

from tvtui.config import load_config
from tvtui.feed.endpoints import Endpoints
from tvtui.ui import messages as msg
from tvtui.ui.app import TvtuiApp
from tvtui.ui.state import STATE_NAME
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane
from tvtui.ui.widgets.plots import ThemedPlot
from tvtui.ui.widgets.watchlist import Watchlist

if TYPE_CHECKING:
    from tvtui.sim import SimConfig

#: What the status line shows in every scene (a real run measures these).
FROZEN_RATE = 42.0
FROZEN_NOW = 1000.0
SCENE_SIZE = (160, 45)


#: Frozen simulated time: 2024-06-10 15:20:34 UTC, mid-session, so day changes are not zero
#: and the newest bar is partly formed.
FROZEN_SIM_TIME = 1_717_977_600 + 15 * 3600 + 1234


def frozen_clock() -> float:
    return FROZEN_NOW


def frozen_sim_config() -> SimConfig:  # imported lazily: the sim is only for demos/tests
    """A simulator whose clock stands still at :data:`FROZEN_SIM_TIME`."""
    from tvtui.sim import SimConfig

    return SimConfig(seed=7, time_scale=0.0, start_time=FROZEN_SIM_TIME)


#: A token of a paid account's shape: the simulator then allows 25 studies per chart.
PAID_TOKEN = "eyJzY2VuZSI6MX0.eyJwYWlkIjoxfQ.c2NlbmU"


def scene_app(
    sim_env: dict[str, str],
    config_file: Path,
    theme: str = "tvtui-dark",
    token: str = "unauthorized_user_token",
    symbol: str | None = None,
) -> TvtuiApp:
    """The app wired to a simulator (``sim.env()``), a private config file and a fixed clock;
    with ``symbol`` it starts on that symbol's chart (as remembered from a previous run)."""
    if symbol:
        config_file.with_name(STATE_NAME).write_text(json.dumps({"symbol": symbol}))
    app = TvtuiApp(
        load_config(config_file),
        endpoints=Endpoints.from_env(sim_env),
        mode="demo",
        token=token,
        theme=theme,
        export_dir=Path("export"),
        clock=frozen_clock,
    )
    return app


async def _wait(
    pilot: Pilot[int], condition: Callable[[], bool], timeout: float = 10.0, what: str = ""
) -> None:
    """Let the app run until ``condition()`` holds; ``TimeoutError`` naming ``what`` after
    ``timeout`` seconds (every wait of a scene is bounded)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what or condition}")
        await pilot.pause(0.05)


def data_ready(app: TvtuiApp) -> bool:
    """Every watchlist row has a quote, the chart has bars, every study has points."""
    try:
        watchlist = app.query_one(Watchlist)
        chart = app.query_one(ChartPane)
        indicators = app.query_one(IndicatorPane)
    except Exception:
        return False
    quotes_in = all("lp" in watchlist.quotes.get(s, {}) for s in app.symbols)
    trends_in = all(len(watchlist.trends.get(s, ())) > 1 for s in app.symbols)
    studies_in = all(b.points or b.error for b in indicators.blocks().values())
    return bool(quotes_in and trends_in and chart.bars and studies_in and indicators.times)


def plots_settled(app: TvtuiApp) -> bool:
    """Every visible plot shows its latest picture (builds run on a thread)."""
    return all(plot.settled for plot in app.query(ThemedPlot) if plot.display and plot.size.width)


async def settle(pilot: Pilot[int]) -> None:
    """Wait for the data, then freeze what could still differ between runs."""
    app = pilot.app
    assert isinstance(app, TvtuiApp)
    await _wait(pilot, lambda: data_ready(app), 15.0, "the panes to fill")
    app.bridge.pause(True)
    # the worker has taken the pause; what it posted before is queued ahead of pause()'s marker
    await _wait(pilot, lambda: app.bridge.paused, 5.0, "the stream to pause")
    await pilot.pause()
    app.post_message(msg.FeedStats(FROZEN_RATE, FROZEN_NOW, 0))
    for widget in app.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.2)
    await _wait(pilot, lambda: plots_settled(app), 10, "the plots to be drawn")
    await pilot.pause(0.1)
    await pilot.wait_for_scheduled_animations()


async def main_view(pilot: Pilot[int]) -> None:
    await settle(pilot)


async def symbol_entry_error(pilot: Pilot[int]) -> None:
    await settle(pilot)
    await pilot.press("a")
    await pilot.pause(0.2)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.press(*"NASDAQ:ZZZZ")
    screen = pilot.app.screen
    await _wait(pilot, lambda: getattr(screen, "state", "") == "unknown", 10.0, "rejection")
    await pilot.pause(0.2)


async def export_dialog(pilot: Pilot[int]) -> None:
    await settle(pilot)
    await pilot.press("e")
    await pilot.pause(0.3)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.1)


async def help_screen(pilot: Pilot[int]) -> None:
    await settle(pilot)
    await pilot.press("question_mark")
    await pilot.pause(0.3)


async def three_studies(pilot: Pilot[int]) -> None:
    app = pilot.app
    assert isinstance(app, TvtuiApp)
    app.set_indicators(["STD;RSI", "STD;MACD", "STD;CCI"])
    await settle(pilot)


async def chooser_at_limit(pilot: Pilot[int]) -> None:
    from tvtui.ui.screens.indicators import IndicatorScreen

    await settle(pilot)
    await pilot.press("i")
    await _wait(pilot, lambda: isinstance(pilot.app.screen, IndicatorScreen), 5, "the chooser")
    await _chooser_still(pilot)
    await pilot.pause(0.2)


async def _chooser_still(pilot: Pilot[int], rows: int = 0) -> None:
    """The chooser's catalogue (and every chosen study's inputs) in, no cursor blinking."""
    from tvtui.ui.screens.indicators import IndicatorScreen

    screen = pilot.app.screen
    assert isinstance(screen, IndicatorScreen)
    await _wait(pilot, lambda: screen.found is not None and not screen.found.provisional
                and len(screen.found.rows) > rows, 10, "the catalogue")  # fmt: skip
    await _wait(pilot, lambda: all(e.specs is not None for e in screen.entries), 10, "inputs")
    for widget in screen.query(Input):
        widget.cursor_blink = False


async def chooser_inputs(pilot: Pilot[int]) -> None:
    """``i``, "stoch", Stochastic RSI added, its K length changed: the inputs form."""
    from tvtui.ui.screens.indicator_form import InputsForm
    from tvtui.ui.screens.indicators import IndicatorScreen

    await settle(pilot)
    await pilot.press("i")
    await _wait(pilot, lambda: isinstance(pilot.app.screen, IndicatorScreen), 5, "the chooser")
    await _chooser_still(pilot)
    await pilot.press(*"stoch")
    screen = pilot.app.screen
    assert isinstance(screen, IndicatorScreen)
    await _wait(pilot, lambda: screen.found is not None and screen.found.query == "stoch"
                and not screen.found.provisional, 10, "the search")  # fmt: skip
    await pilot.press("down", "down", "enter")
    await _chooser_still(pilot)
    form = screen.query_one(InputsForm)
    await _wait(pilot, lambda: form.fields is not None and form.entry is screen.entries[-1],
                5, "the form")  # fmt: skip
    assert form.fields is not None
    field = form.fields.query_one("#in-in_0", Input)
    field.value = "5"
    field.cursor_blink = False
    await _wait(pilot, lambda: "k=5" in screen.entries[-1].key, 5, "the new K")
    await pilot.pause(0.3)


async def _chart_keys(pilot: Pilot[int], *keys: str) -> None:
    """Keys on the chart once the data is in, then every picture redrawn."""
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, TvtuiApp)
    await pilot.press(*keys)
    chart, indicators = app.query_one(ChartPane), app.query_one(IndicatorPane)
    await _wait(
        pilot,
        lambda: indicators.window is not None and indicators.window.same_as(chart.window),
        5,
        "the indicator pane to follow the chart",
    )
    await pilot.pause()
    await _wait(pilot, lambda: plots_settled(app), 10, "the plots to be drawn again")
    await pilot.pause(0.1)


async def chart_cursor(pilot: Pilot[int]) -> None:
    """The cursor five bars back: its readout, its marker in every pane, the legends."""
    await _chart_keys(pilot, *["left"] * 5)


async def heikin_ashi(pilot: Pilot[int]) -> None:
    await _chart_keys(pilot, "c")


async def line_chart(pilot: Pilot[int]) -> None:
    await _chart_keys(pilot, "c", "c", "c")


async def alert_dialog(pilot: Pilot[int]) -> None:
    """``A``: the new-alert dialog, prefilled with the selected symbol and its price."""
    from tvtui.ui.screens.alert_dialog import AlertDialog

    await settle(pilot)
    await pilot.press("A")
    await _wait(pilot, lambda: isinstance(pilot.app.screen, AlertDialog), 5, "the dialog")
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.2)


async def alert_list(pilot: Pilot[int]) -> None:
    """``ctrl+a``: two alerts (one paused) in the running engine only (no file is written)."""
    from tvtui.alerts import Alert
    from tvtui.ui.screens.alert_list import AlertList

    await settle(pilot)
    app = pilot.app
    assert isinstance(app, TvtuiApp)
    alerts = app.bridge.alerts
    symbol = app.symbols[0]
    alerts.engine.add(Alert.parse(symbol, "crossing-up 250000", note="take profit"))
    paused = Alert.parse(symbol, "entering-channel 1 2", mode="every-time")
    alerts.paused[paused.id] = paused
    await pilot.press("ctrl+a")
    await _wait(pilot, lambda: isinstance(app.screen, AlertList), 5, "the alert list")
    await pilot.pause(0.2)


#: The snapshot tests' further scenes, each at both sizes:
#: name -> (token, symbol on the chart at start or None, run_before).
SIZED_SCENES: dict[str, tuple[str, str | None, Callable[[Pilot[int]], Awaitable[None]]]] = {
    "three-studies": (PAID_TOKEN, None, three_studies),
    "fx-eurusd": ("unauthorized_user_token", "FX:EURUSD", main_view),
    "chooser-at-limit": ("unauthorized_user_token", None, chooser_at_limit),
    "chooser-inputs": ("unauthorized_user_token", None, chooser_inputs),
    "chart-cursor": ("unauthorized_user_token", None, chart_cursor),
    "heikin-ashi": ("unauthorized_user_token", None, heikin_ashi),
    "line-chart": ("unauthorized_user_token", None, line_chart),
}
#: Sized scenes the README shows too (at :data:`SCENE_SIZE`).
README_SIZED = ("chart-cursor", "heikin-ashi")
#: The sizes a trader used: a full window and the classic terminal.
SCENE_SIZES = ((160, 45), (80, 24))

#: name -> (theme, run_before): the README screenshots and the snapshot tests.
SCENES: dict[str, tuple[str, Callable[[Pilot[int]], Awaitable[None]]]] = {
    "main-dark": ("tvtui-dark", main_view),
    "main-light": ("tvtui-light", main_view),
    "symbol-entry-error": ("tvtui-dark", symbol_entry_error),
    "export-dialog": ("tvtui-dark", export_dialog),
    "help": ("tvtui-dark", help_screen),
    "alert-dialog": ("tvtui-dark", alert_dialog),
    "alert-list": ("tvtui-dark", alert_list),
}
