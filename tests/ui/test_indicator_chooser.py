"""The indicator chooser as a trader uses it, through the real simulator: search the whole
catalogue, pick Stochastic RSI, change its K length, Apply; the pane's legend names the new
length and its values are the simulator's Stochastic RSI with that input; the choice
survives a restart. Past the free plan's limit or with an invalid input, Apply says why."""

from __future__ import annotations

import math
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from tests.support import open_chooser, wait_until
from tvtui.sim.ta_more import StochRsi
from tvtui.ui.app import TvtuiApp
from tvtui.ui.screens.indicator_form import InputsForm
from tvtui.ui.screens.indicators import IndicatorScreen
from tvtui.ui.widgets.indicators import IndicatorPane

SIZE = (160, 45)
STOCH_RSI = "STD;Stochastic_RSI k=5"


def _text(widget: Static) -> str:
    return str(widget.render())


def _rows(screen: IndicatorScreen) -> list[str]:
    results = screen.query_one("#indicator-results", OptionList)
    options = (results.get_option_at_index(i) for i in range(results.option_count))
    return [str(option.prompt).removeprefix("✓ ").strip() for option in options]


async def test_search_pick_stoch_rsi_set_k_apply_and_restart(
    make_app, live_sim, tmp_path: Path
) -> None:
    app: TvtuiApp = make_app(symbols=["BINANCE:BTCUSDT"])
    async with app.run_test(size=SIZE) as pilot:
        chooser = await open_chooser(app, pilot)
        limit = chooser.query_one("#indicator-count", Static)
        assert _text(limit) == "2 of 2 indicators"  # shown before it is hit
        await pilot.press(*"stoch")
        found = lambda: chooser.answered() and chooser.found.query == "stoch"  # noqa: E731
        await wait_until(pilot, found, 10, "the search's rows")
        rows = _rows(chooser)
        # the whole catalogue, not the six known names: built-ins and a community script
        assert "built-in  Stochastic RSI" in rows
        assert "built-in  Stochastic Momentum Index" in rows
        assert "community Stochastic RSI Divergences [sim]" in rows
        index = rows.index("built-in  Stochastic RSI")
        await pilot.press(*["down"] * index, "enter")  # the highlight moves; Enter adds it
        assert [e.ref.pine_id for e in chooser.entries][-1] == "STD;Stochastic_RSI"
        assert _text(limit).startswith("3 of 2 indicators: remove 1")
        await pilot.press("ctrl+s")
        assert app.screen is chooser  # refused past the limit, saying what to remove
        problem = _text(chooser.query_one("#indicator-problem", Static))
        assert "remove 1" in problem and "anonymous" in problem
        await pilot.press("tab", "tab")  # past the results to the chosen list
        chosen = chooser.query_one("#indicator-chosen", OptionList)
        assert app.screen.focused is chosen
        chosen.highlighted = 0
        await pilot.press("delete")
        assert _text(limit) == "2 of 2 indicators"
        chosen.highlighted = 1  # Stochastic RSI: its inputs form
        form = chooser.query_one(InputsForm)
        stoch = chooser.entries[-1]
        await wait_until(
            pilot, lambda: form.entry is stoch and form.fields is not None, 5, "the K field"
        )
        assert form.fields is not None
        k_field = form.fields.query_one("#in-in_0", Input)
        k_field.focus()
        k_field.value = "0"  # out of range: the field says so, Apply is refused
        await wait_until(pilot, lambda: bool(chooser.entries[-1].bad), 5, "the check")
        assert "1..500" in _text(form.fields.query_one("#err-in_0", Static))
        await pilot.press("enter")
        assert app.screen is chooser
        assert "K must be a whole number 1..500" in _text(
            chooser.query_one("#indicator-problem", Static)
        )
        k_field.value = "5"
        await wait_until(pilot, lambda: not chooser.entries[-1].bad, 5, "the fix")
        await pilot.press("enter")  # Enter in a field applies
        await wait_until(pilot, lambda: app.screen is not chooser, 5, "applied")
        assert app.indicator_ids == ["STD;MACD", STOCH_RSI]
        pane = app.query_one(IndicatorPane)
        block = pane.blocks()[STOCH_RSI]
        await wait_until(pilot, lambda: len(block.points) > 20, 10, "Stoch RSI points")
        await wait_until(pilot, lambda: "Stoch RSI 5 3 14 14" in str(block._legend), 5, "legend")
        points = {p.time: p.values for p in block.points}
        app.save_state()
    # the values are the simulator's Stochastic RSI with K 5 (and not with the default 3)
    times = sorted(t for t, v in points.items() if v and v[0] is not None)[:-1]
    bars = live_sim.bars("BINANCE:BTCUSDT", "5", times[0] - 700 * 300, times[-1] + 1)
    five, three = StochRsi(k=5), StochRsi()
    reference = {b[0]: (five.push(b), three.push(b)) for b in bars}
    assert len(times) >= 20
    for t in times:
        assert math.isclose(points[t][0], reference[t][0][0], abs_tol=1e-6)
    assert any(abs(points[t][0] - reference[t][1][0]) > 1e-3 for t in times)

    again: TvtuiApp = make_app(symbols=["BINANCE:BTCUSDT"])  # a restart: same config folder
    async with again.run_test(size=SIZE) as pilot:
        assert again.indicator_ids == ["STD;MACD", STOCH_RSI]
        pane = again.query_one(IndicatorPane)
        await wait_until(pilot, lambda: "Stoch RSI 5" in str(pane.border_title), 10, "title")


async def test_a_premium_only_indicator_is_labelled_in_the_pane_and_the_chooser(
    make_app, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text('indicators = ["RSI", "STD;Aroon"]\n')
    app: TvtuiApp = make_app(symbols=["BINANCE:BTCUSDT"])
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(IndicatorPane)
        await wait_until(pilot, lambda: bool(pane.blocks()["STD;Aroon"].error), 10, "refusal")
        assert "premium only" in str(pane.blocks()["STD;Aroon"]._legend)
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, IndicatorScreen), 5, "chooser")
        chooser = app.screen
        assert isinstance(chooser, IndicatorScreen)
        await pilot.press(*"aroon")
        await wait_until(pilot, lambda: "built-in  premium Aroon" in _rows(chooser), 10, "row")


def test_a_catalogue_that_cannot_be_fetched_says_so_and_searches_the_known_ones(
    unused_tcp_port: int,
) -> None:
    from tvtui.feed.endpoints import Endpoints
    from tvtui.ui.screens.indicator_search import search

    dead = f"http://127.0.0.1:{unused_tcp_port}"
    endpoints = Endpoints.from_env({"TVTUI_PINE_URL": dead, "TVTUI_SEARCH_URL": dead})
    found = search("ma", endpoints)
    assert found.failed and found.status.startswith("Could not fetch the indicator list")
    assert "showing the known ones" in found.status
    assert [r.pine_id for r in found.rows] == ["STD;MACD", "STD;SMA", "STD;EMA"]
