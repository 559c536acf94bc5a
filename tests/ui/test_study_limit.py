"""The per-chart study limit, as a trader meets it: refused studies come back when they fit,
the chooser shows the limit, quick keys in the chooser all count."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from tests.support import burst, open_chooser, wait_until
from tvtui.config import load_config
from tvtui.feed.endpoints import Endpoints
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready, plots_settled
from tvtui.ui.screens.indicators import IndicatorScreen
from tvtui.ui.widgets.indicators import IndicatorPane, StudyPlot

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
        await wait_until(pilot, lambda: rsi.region.height >= 5, 5, "RSI's rows")
        assert abs(rsi.region.height - pane.blocks()["STD;MACD"].region.height) <= 1


async def test_keys_typed_quickly_in_the_chooser_all_count(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chooser = await open_chooser(app, pilot)
        burst(app, *"stoch")
        search = chooser.query_one("#indicator-search", Input)
        await wait_until(pilot, lambda: search.value == "stoch", 5, "the text")
        results = chooser.query_one("#indicator-results", OptionList)
        await wait_until(pilot, lambda: results.option_count == 4, 10, "the results")
        burst(app, "down", "down", "enter")  # the third row (Stochastic RSI), added
        await wait_until(pilot, lambda: len(chooser.entries) == 3, 5, "the added study")
        assert chooser.entries[-1].ref.pine_id == "STD;Stochastic_RSI"
        # typed and Enter at once, before the search answered: the best match of the new
        # text is added, never the highlighted row of the previous results
        search.value = ""
        burst(app, *"commodity", "enter")
        await wait_until(pilot, lambda: len(chooser.entries) == 4, 5, "the second study")
        assert chooser.entries[-1].ref.pine_id == "STD;CCI"
        search.value = ""  # arrows typed ahead count from the new search's best match too
        burst(app, *"moving average", "down", "down", "enter")
        await wait_until(pilot, lambda: len(chooser.entries) == 5, 5, "the third study")
        found = chooser.found
        assert found is not None and found.query == "moving average"
        assert chooser.entries[-1].ref.pine_id == found.rows[2].pine_id


async def test_the_chooser_shows_the_limit_and_will_not_apply_past_it(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chooser = await open_chooser(app, pilot)
        count = chooser.query_one("#indicator-count", Static)
        assert str(count.render()) == "2 of 2 indicators"
        await pilot.press(*"commodity")
        results = chooser.query_one("#indicator-results", OptionList)
        await wait_until(pilot, lambda: results.option_count == 1, 10, "CCI")
        await pilot.press("enter")  # add CCI: one too many
        assert str(count.render()) == "3 of 2 indicators: remove 1"
        await pilot.press("ctrl+s")
        assert app.screen is chooser  # not applied: the server would refuse CCI
        problem = str(chooser.query_one("#indicator-problem", Static).render())
        assert "An anonymous account runs 2 per chart: remove 1" in problem
        assert app.indicator_ids == ["STD;RSI", "STD;MACD"]
        await pilot.press("tab", "tab", "up", "up", "delete", "enter")  # remove RSI, apply
        assert app.screen is not chooser
        assert app.indicator_ids == ["STD;MACD", "STD;CCI"]


async def test_three_plotted_studies_on_a_paid_account_each_keep_a_readable_plot(
    sim_env: dict[str, str], tmp_path: Path
) -> None:
    app = TvtuiApp(
        load_config(tmp_path / "config.toml"),
        endpoints=Endpoints.from_env(sim_env),
        mode="demo",
        token="eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl",  # JWT-shaped: the sim allows 25 studies
        theme="tvtui-dark",
    )
    assert app.study_limit is None  # not anonymous: unknown until the server says
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        ids = ["STD;RSI", "STD;MACD", "STD;CCI", "STD;SMA", "STD;EMA"]
        app.set_indicators(ids)
        pane = app.query_one(IndicatorPane)
        await wait_until(pilot, lambda: all(b.points for b in pane.blocks().values()), 10, "all")
        await wait_until(
            pilot,
            lambda: min(pane.blocks()[p].outer_size.height for p in ids[:3]) >= 4,
            5,
            "the plotted studies' rows",
        )
        heights = [pane.blocks()[p].outer_size.height for p in ids[:3]]
        assert min(heights) >= 4  # a legend and a plot with its levels, never a bare label
        await wait_until(pilot, lambda: plots_settled(app), 30, "the plots")
        picture = pane.blocks()["STD;RSI"].query_one(StudyPlot)._picture
        rsi = "".join(seg.text for strip in picture.strips for seg in strip)  # type: ignore[union-attr]
        assert "70.00" in rsi and "30.00" in rsi  # both levels, not a lone "30.00"
        # SMA and EMA are drawn on the chart, their legend over the candles: no room here
        assert not any(pane.blocks()[p].display for p in ids[3:])
        legend = str(app.query_one("#overlay-legend").render())
        assert "SMA 9" in legend and "EMA 9" in legend


async def test_delete_then_enter_typed_at_once_applies_the_removal(
    make_app, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text('indicators = ["RSI", "MACD", "SMA"]\n')
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, IndicatorScreen), 5, "chooser")
        chosen = app.screen.query_one("#indicator-chosen", OptionList)
        chosen.focus()
        await wait_until(pilot, lambda: chosen.has_focus, 5, "the chosen list focused")
        burst(app, "delete", "enter")  # remove RSI (the first), apply: one burst
        await wait_until(pilot, lambda: not isinstance(app.screen, IndicatorScreen), 5, "apply")
        assert app.indicator_ids == ["STD;MACD", "STD;SMA"]
