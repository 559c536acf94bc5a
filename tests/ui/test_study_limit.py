"""The per-chart study limit, as a trader meets it: refused studies come back when they fit,
the chooser shows the limit, quick keys in the chooser all count."""

from __future__ import annotations

from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready, wait_until
from tvtui.ui.widgets.indicators import IndicatorPane

SIZE = (160, 45)


async def test_a_study_refused_at_the_limit_runs_once_another_frees_its_slot(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        pane = app.query_one(IndicatorPane)
        app.set_indicators(["STD;RSI", "STD;MACD", "STD;SMA"])  # anonymous: two fit
        await wait_until(pilot, lambda: bool(pane.blocks()["STD;SMA"].error), 10, "refusal")
        assert app.study_limit == 2
        app.set_indicators(["STD;MACD", "STD;SMA"])  # RSI unticked: its slot is free
        sma = pane.blocks()["STD;SMA"]
        await wait_until(pilot, lambda: bool(sma.points) and not sma.error, 10, "SMA points")
        await pilot.press("right_square_bracket")  # another time frame: both come back
        await wait_until(pilot, lambda: bool(sma.points) and not sma.error, 10, "SMA again")
        macd = pane.blocks()["STD;MACD"]
        await wait_until(pilot, lambda: bool(macd.points), 10, "MACD again")


async def test_a_refused_study_retried_on_a_new_time_frame_is_refused_again_not_loading(
    make_app,
) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        pane = app.query_one(IndicatorPane)
        app.set_indicators(["STD;RSI", "STD;MACD", "STD;CCI"])
        cci = pane.blocks()["STD;CCI"]
        await wait_until(pilot, lambda: bool(cci.error), 10, "refusal")
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: bool(cci.error), 10, "the refusal again")
        assert cci.region.height == 1  # one line, the others keep their space
        rsi = pane.blocks()["STD;RSI"]
        await wait_until(pilot, lambda: bool(rsi.points), 10, "RSI")
        assert rsi.region.height >= 5
        assert abs(rsi.region.height - pane.blocks()["STD;MACD"].region.height) <= 1
