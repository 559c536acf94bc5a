"""Settings as a trader meets them: every config problem in one notice (unknown keymap ids
named too), and the app remembering theme, time frame, indicators and symbol across starts."""

from __future__ import annotations

from pathlib import Path

from tests.support import wait_until
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready
from tvtui.ui.widgets.chart import ChartPane

SIZE = (160, 45)


def _notices(app: TvtuiApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app.told]


async def test_config_problems_and_unknown_keymap_ids_are_named_at_start(
    make_app, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text(
        'timeframe = "5 min"\ntheme = "tvtui-light"\n'
        '[keymap]\n"watchlist.addd" = "x"\n"app.help" = "h"\n'
    )
    app: TvtuiApp = make_app(theme=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(app.told) >= 2, 5, "the notices")
        text = "\n".join(_notices(app))
        assert "Unknown timeframe" in text and "[keymap], ignored: watchlist.addd" in text
        assert app.theme == "tvtui-light"  # the valid settings are used
        await pilot.press("h")  # and so is the valid part of the keymap
        await wait_until(pilot, lambda: app.screen is not app.screen_stack[0], 5, "help")


async def test_theme_timeframe_indicators_symbol_and_chart_type_are_remembered(
    sim_env: dict[str, str], tmp_path: Path
) -> None:
    from tvtui.config import load_config
    from tvtui.feed.endpoints import Endpoints

    def make() -> TvtuiApp:
        return TvtuiApp(
            load_config(tmp_path / "config.toml"),
            endpoints=Endpoints.from_env(sim_env),
            mode="demo",
            token="unauthorized_user_token",
            export_dir=tmp_path / "export",
        )

    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.press("t")  # another theme
        theme = app.theme
        await pilot.press("right_square_bracket")  # 5m -> 15m
        await pilot.press("down", "down", "enter")  # NASDAQ:AAPL on the chart
        app.set_indicators(["STD;MACD", "STD;SMA"])
        await pilot.press("c")  # candles -> Heikin-Ashi
        await pilot.press("q")
    assert (tmp_path / "state.json").is_file()

    again = make()
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(again), 10, "data")
        assert again.theme == theme
        assert again.timeframe == "15m"
        assert again.indicator_ids == ["STD;MACD", "STD;SMA"]
        assert again.query_one(ChartPane).symbol == "NASDAQ:AAPL"
        assert again.query_one(ChartPane).chart_type == "heikin-ashi"


async def test_symbols_added_to_a_command_line_watchlist_say_they_are_not_saved(
    make_app,
) -> None:
    app: TvtuiApp = make_app(symbols=["NASDAQ:AAPL", "FX:EURUSD"])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        assert app.main is not None
        app.main.symbol_chosen("NASDAQ:MSFT")  # what the add dialog hands back
        await wait_until(pilot, lambda: "not saved" in "\n".join(_notices(app)), 5, "notice")
