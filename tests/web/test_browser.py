"""``tvtui serve --demo`` in a real headless Chromium, as a person would use it.

One server, one browser: the page loads with the app's name as its title; the app's WebSocket
carries the watchlist with prices; keys (``?`` help, ``T`` theme, ``e`` export), the mouse (a
double click on a watchlist row) and notifications work; an export from the browser is written where
the server runs; a second tab gets its own app; Ctrl-C on the server leaves no app behind.

Set TVTUI_BROWSER_SCREENSHOT=screenshots/browser.png to refresh the README's picture.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support import AWHILE
from tests.web.browser import (
    CHROMIUM_ARGS,
    AppFrames,
    descendants,
    find_chromium,
    served,
    still_running,
    why_no_browser,
)

pytestmark = pytest.mark.skipif(why_no_browser() is not None, reason=str(why_no_browser()))

VIEWPORT = {"width": 1400, "height": 850}
# watchlist rows: the symbol, its description, then a price such as 110,971.24 or 0.95843
PRICED = [
    re.compile(rf"{re.escape(symbol)}[^\n]*?\s\d{{1,3}}(,\d{{3}})*\.\d{{2,}}")
    for symbol in ("BINANCE:BTCUSDT", "BINANCE:ETHUSDT", "NASDAQ:AAPL", "FX:EURUSD")
]
MS = 1000


def toast_text(text: str) -> str:
    """The notifications' text, joined across their wrapped lines (each starts with ``▌``)."""
    return "".join(line[1:].strip() for line in text.split("\n") if line.startswith("▌"))


def open_tab(browser: Any, url: str) -> tuple[Any, AppFrames]:
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(AWHILE * MS)  # a busy machine only delays the page, never fails it
    frames = AppFrames()
    fetched: list[str] = []
    page.on("websocket", frames.attach)
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(url)
    frames.wait_for(page, lambda text: all(row.search(text) for row in PRICED), timeout=AWHILE)
    assert [ws.url.split("?")[0] for ws in frames.websockets] == [f"ws{url[4:]}/ws"]
    elsewhere = [address for address in fetched if not address.startswith(f"{url}/")]
    assert elsewhere == [], "the page loaded something from another host"
    page.focus(".xterm-helper-textarea")  # keys go to the terminal, as after a click on it
    return page, frames


def cell_centre(page: Any, frames: AppFrames, column: int, row: int) -> tuple[float, float]:
    """Where on the page the terminal cell (column, row) is: the grid size is the one the page
    asked the app for (``/ws?width=..&height=..``)."""
    query = parse_qs(urlsplit(frames.websockets[-1].url).query)
    cols, rows = int(query["width"][0]), int(query["height"][0])
    box = page.locator(".xterm-screen").bounding_box()
    return (
        box["x"] + (column + 0.5) * box["width"] / cols,
        box["y"] + (row + 0.5) * box["height"] / rows,
    )


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), args=CHROMIUM_ARGS, timeout=AWHILE * MS
        )
        yield browser
        browser.close()


def test_the_app_works_in_chromium_and_stopping_leaves_no_app(
    chromium: Any, tmp_path: Path
) -> None:
    export_dir = tmp_path / "exports"
    with served(tmp_path, "--demo", "--export-dir", "exports") as server:
        page, frames = open_tab(chromium, server.url)
        assert page.title() == "tvtui"
        apps = descendants(server.process.pid)
        assert any("tvtui" in line for line in still_running(apps)), apps

        frames.wait_for(page, lambda text: "Histogram" in text)  # MACD drawn: the whole view
        shot = page.screenshot(path=str(tmp_path / "browser.png"))
        assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20_000
        if target := os.environ.get("TVTUI_BROWSER_SCREENSHOT"):
            shutil.copyfile(tmp_path / "browser.png", target)

        mark = frames.mark()
        page.keyboard.press("?")
        frames.wait_for(page, lambda text: "tvtui · keys" in text, since=mark)
        page.keyboard.press("?")  # closes it again (Escape then T would read as alt+T)

        mark = frames.mark()
        page.keyboard.press("T")
        frames.wait_for(page, lambda text: "Theme: " in text, since=mark)

        mark = frames.mark()  # a double click on a watchlist row: the cursor moves, then opens
        page.mouse.dblclick(*cell_centre(page, frames, 12, 3))  # it (the second row)
        frames.wait_for(page, lambda text: "▶ BINANCE:ETHUSDT" in text, since=mark)
        frames.wait_for(page, lambda text: "BINANCE:ETHUSDT · " in text, since=mark)

        # the chart may still be loading ETHUSDT's bars on a busy machine: then `e` says
        # "Nothing to export yet" (as it should), and a person presses it again
        dialog, empty = "Export the visible session", "Nothing to export yet"
        for _attempt in range(10):
            mark = frames.mark()
            page.keyboard.press("e")
            shown = frames.wait_for(page, lambda text: dialog in text or empty in text, mark)
            if dialog in shown:
                break
        else:
            raise AssertionError("the export dialog never opened: the chart had no bars")
        page.keyboard.press("Enter")
        frames.wait_for(page, lambda text: "Exported JSON" in text, since=mark)
        written = list(export_dir.glob("tvtui_BINANCE-ETHUSDT_5m_*.json"))  # where the server runs
        assert len(written) == 1, list(tmp_path.rglob("*"))
        # the notice names that file by its full path on the server's machine
        frames.wait_for(page, lambda text: str(written[0]) in toast_text(text), since=mark)

        open_tab(chromium, server.url)  # a second tab: its own app
        apps = descendants(server.process.pid)
        assert sum("tvtui" in line for line in still_running(apps)) >= 2, apps

        status, printed = server.stop()
    assert status == 0, printed
    assert printed == server.first_line, printed  # no warning, no error on the way out
    assert still_running(apps) == [], printed
