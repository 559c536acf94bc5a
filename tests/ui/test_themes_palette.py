"""Themes both ways and by name in the palette; palette symbol search by description; the
palette's Screenshot when the downloads folder is missing or unusable."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList

from tests.support import wait_until
from tvtui.ui.app import TvtuiApp
from tvtui.ui.appearance import TEXTUAL_PAIR
from tvtui.ui.scenes import data_ready

SIZE = (160, 45)
SHIPPED = {"tvtui-dark", "tvtui-light", "tvtui-amber", "tvtui-high-contrast"}


async def test_t_and_shift_t_cycle_both_ways_through_our_themes_and_textuals_pair(
    make_app,
) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        cycle = app.theme_cycle
        assert set(cycle) == SHIPPED | set(TEXTUAL_PAIR)  # not nord, gruvbox, dracula ...
        start = app.theme
        forward = []
        for _ in cycle:
            await pilot.press("t")
            forward.append(app.theme)
        assert app.theme == start and sorted(forward) == sorted(cycle)
        await pilot.press("T")
        assert app.theme == forward[-2]  # one back
        await pilot.press("t")
        assert app.theme == start


async def _palette_results(app: TvtuiApp, pilot, query: str, wanted: str) -> list[str]:
    """The palette's hits for ``query``, once one of them says ``wanted``."""
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), 5, "palette")
    await pilot.press(*query)
    options = app.screen.query_one(OptionList)

    def prompts() -> list[str]:
        return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

    await wait_until(pilot, lambda: any(wanted in p for p in prompts()), 5, f"{wanted!r} hit")
    return prompts()


async def test_the_palette_finds_themes_by_words_such_as_light(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        results = await _palette_results(app, pilot, "light", "tvtui-light")
        assert any("tvtui-light" in r for r in results), results
        await pilot.press("escape")


async def test_the_palette_finds_a_watchlist_symbol_by_its_description(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        results = await _palette_results(app, pilot, "apple", "Open NASDAQ:AAPL")
        assert any("Open NASDAQ:AAPL" in r for r in results), results


async def test_screenshot_creates_the_downloads_folder(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    downloads = tmp_path / "home" / "Downloads"
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.deliver_screenshot()
        await wait_until(pilot, lambda: any(downloads.glob("*.svg")), 10, "the screenshot")


async def test_screenshot_into_an_unusable_folder_says_where_it_tried(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "Downloads").write_text("a file where the folder should be")
    monkeypatch.setenv("HOME", str(home))
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.deliver_screenshot() is None
        await wait_until(pilot, lambda: bool(app.told), 5, "the notice")
        (notice,) = [n for n in app.told if n.title == "Screenshot"]
        assert str(home / "Downloads") in notice.message
