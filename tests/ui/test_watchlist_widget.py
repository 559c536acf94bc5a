"""The watchlist widget alone, in a small host app fed by a stub (no simulator, no network).

What a trader would notice: quotes show with the right text and colour, a quote repaints only
its own line, the cursor keys, Enter and the mouse work, and server text with markup or
escapes is shown as the plain text it is. Every wait is on a condition, never a fixed sleep.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.color import Color as RichColor
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip

import tvtui.ui
from tests.support import wait_until
from tvtui.ui import messages as msg
from tvtui.ui.coalesce import TREND_TIMEFRAME
from tvtui.ui.themes import (
    APP_VARIABLE_DEFAULTS,
    LIGHT_VARIABLE_DEFAULTS,
    load_all_themes,
    rich_colour,
)
from tvtui.ui.watchlist_state import WatchlistState
from tvtui.ui.widgets.watchlist import FLASH_SECONDS, HEADER, Watchlist

SYMBOLS = ["NASDAQ:AAPL", "NASDAQ:MSFT", "FX:EURUSD", "BINANCE:BTCUSDT", "NYSE:IBM"]


class CountingWatchlist(Watchlist):
    """The real widget, noting which lines Textual asks it to draw."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.drawn: list[int] = []

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y)
        return super().render_line(y)


class Host(App[None]):
    """The watchlist with the app's stylesheet and colours, quotes routed as the app does."""

    CSS_PATH = str(Path(tvtui.ui.__file__).parent / "tvtui.tcss")

    def __init__(self, symbols: list[str], theme: str = "tvtui-dark") -> None:
        super().__init__()
        self.symbols = symbols
        self.theme_name = theme
        self.now = 100.0
        self.opened: list[str] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        try:
            dark = self.current_theme.dark
        except Exception:
            dark = True
        return dict(APP_VARIABLE_DEFAULTS if dark else LIGHT_VARIABLE_DEFAULTS)

    def compose(self) -> ComposeResult:
        yield CountingWatchlist(id="watchlist", clock=lambda: self.now)

    def on_mount(self) -> None:
        for theme in load_all_themes().themes:
            self.register_theme(theme)
        self.theme = self.theme_name
        watchlist = self.query_one(Watchlist)
        watchlist.set_symbols(self.symbols)
        watchlist.focus()

    def on_quotes_changed(self, message: msg.QuotesChanged) -> None:
        self.query_one(Watchlist).update_quotes(message.quotes, message.trends)

    def on_watchlist_opened(self, message: Watchlist.Opened) -> None:
        self.opened.append(message.symbol)


class StubFeed:
    """Quotes as the stream worker sends them: a new dict for a changed symbol, the same
    objects for the others, all in one ``QuotesChanged``."""

    def __init__(self, app: Host) -> None:
        self.app = app
        self.quotes: dict[str, dict[str, Any]] = {}
        self.trends: dict[str, tuple[float, ...]] = {}

    def send(self, symbol: str, trend: tuple[float, ...] | None = None, **fields: Any) -> None:
        self.quotes[symbol] = {**self.quotes.get(symbol, {}), **fields}
        if trend is not None:
            self.trends[symbol] = trend
        self.app.post_message(msg.QuotesChanged(dict(self.quotes), dict(self.trends)))


def quote(price: float, change: float, **more: Any) -> dict[str, Any]:
    return {"lp": price, "ch": change, "chp": change / 10, "pricescale": 100, **more}


def row_strip(watchlist: Watchlist, symbol: str) -> Strip:
    """``symbol``'s line as the widget draws it now (not counted as Textual's)."""
    y = HEADER + watchlist.get_row_index(symbol) - watchlist.scroll_offset.y
    return Watchlist.render_line(watchlist, y)


def row_text(watchlist: Watchlist, symbol: str) -> str:
    return row_strip(watchlist, symbol).text


def colour_of(strip: Strip, text: str) -> RichColor | None:
    for segment in strip:
        if text in segment.text and segment.style is not None:
            return segment.style.color
    raise AssertionError(f"{text!r} not in {strip.text!r}")


async def start(pilot: Pilot, app: Host) -> tuple[CountingWatchlist, StubFeed]:
    watchlist = app.query_one(CountingWatchlist)
    await wait_until(pilot, lambda: watchlist.row_count == len(app.symbols), what="the rows")
    return watchlist, StubFeed(app)


async def test_quotes_show_with_their_text_and_the_days_colour() -> None:
    app = Host(SYMBOLS)
    async with app.run_test(size=(160, 20)) as pilot:
        watchlist, feed = await start(pilot, app)
        assert "loading…" in row_text(watchlist, "NASDAQ:MSFT")
        feed.send("NASDAQ:MSFT", **quote(1234.5, 7.25, description="Microsoft", volume=1.5e6))
        feed.send("FX:EURUSD", **quote(1.08, -0.0042, pricescale=100000))
        await wait_until(
            pilot, lambda: "1,234.50" in row_text(watchlist, "NASDAQ:MSFT"), what="MSFT"
        )
        line = row_text(watchlist, "NASDAQ:MSFT")
        assert "Microsoft" in line and "+7.25" in line and "+0.72%" in line and "1.50M" in line
        await wait_until(
            pilot, lambda: "1.08000" in row_text(watchlist, "FX:EURUSD"), what="EURUSD"
        )
        assert "-0.00420" in row_text(watchlist, "FX:EURUSD")
        variables = app.theme_variables
        up = RichColor.parse(rich_colour(variables, "price-up"))
        down = RichColor.parse(rich_colour(variables, "price-down"))
        msft, eur = row_strip(watchlist, "NASDAQ:MSFT"), row_strip(watchlist, "FX:EURUSD")
        assert colour_of(msft, "+7.25") == up and colour_of(msft, "1,234.50") == up
        assert colour_of(eur, "-0.00420") == down and colour_of(eur, "1.08000") == down
        # the header names the columns, the trend's period too
        header = watchlist.header_text()
        for label in ("Symbol", "Description", "Last", "Chg %", f"Trend {TREND_TIMEFRAME}"):
            assert label in header


async def test_a_falling_symbol_that_ticks_up_keeps_the_falling_colour_under_a_brief_flash() -> (
    None
):
    app = Host(SYMBOLS)
    async with app.run_test(size=(160, 20)) as pilot:
        watchlist, feed = await start(pilot, app)
        feed.send("NASDAQ:MSFT", **quote(100.0, -3.0))
        await wait_until(
            pilot, lambda: "100.00" in row_text(watchlist, "NASDAQ:MSFT"), what="a quote"
        )
        feed.send("NASDAQ:MSFT", **quote(100.5, -2.5))  # a tick up on a falling day
        await wait_until(
            pilot, lambda: "100.50" in row_text(watchlist, "NASDAQ:MSFT"), what="the tick"
        )
        down = rich_colour(app.theme_variables, "price-down")
        up = rich_colour(app.theme_variables, "price-up")
        last = str(watchlist.get_cell("NASDAQ:MSFT", "last").style)
        change = str(watchlist.get_cell("NASDAQ:MSFT", "change").style)
        assert last.startswith(f"bold {down} on ")  # the day's colour, the tick's background
        assert up not in last.split(" on ")[0] and change == down
        strip = row_strip(watchlist, "NASDAQ:MSFT")
        assert colour_of(strip, "100.50") == RichColor.parse(down)  # as drawn, too
        assert FLASH_SECONDS <= 0.4  # brief
        app.now += FLASH_SECONDS + 0.05  # the flash timer (every 0.2 s) ends it
        await wait_until(
            pilot,
            lambda: str(watchlist.get_cell("NASDAQ:MSFT", "last").style) == down,
            what="no flash",
        )
        assert "100.50" in row_text(watchlist, "NASDAQ:MSFT")


async def test_a_new_trend_alone_redraws_the_sparkline() -> None:
    app = Host(SYMBOLS)
    async with app.run_test(size=(160, 20)) as pilot:
        watchlist, feed = await start(pilot, app)
        for symbol in SYMBOLS:
            feed.send(symbol, trend=(1.0, 1.0, 1.0), **quote(100.0, 1.0))
        await wait_until(
            pilot, lambda: "▄▄▄" in row_text(watchlist, "FX:EURUSD"), what="flat trends"
        )
        feed.send("FX:EURUSD", trend=(1.0, 2.0, 3.0))  # the same quote, a new trend
        await wait_until(
            pilot, lambda: "▁▄█" in row_text(watchlist, "FX:EURUSD"), what="the new trend"
        )
        assert "▄▄▄" in row_text(watchlist, "NASDAQ:AAPL")


async def test_a_quote_redraws_only_its_own_line() -> None:
    app = Host(SYMBOLS)
    async with app.run_test(size=(160, 20)) as pilot:
        watchlist, feed = await start(pilot, app)
        for k, symbol in enumerate(SYMBOLS):
            feed.send(symbol, trend=(1.0, 2.0), **quote(100.0 + k, 1.0, description="x"))
        await wait_until(pilot, lambda: "104.00" in row_text(watchlist, "NYSE:IBM"), what="quotes")
        await pilot.pause()
        watchlist.drawn.clear()
        feed.send("FX:EURUSD", volume=5000.0)  # one symbol, a field that does not flash
        eurusd = HEADER + SYMBOLS.index("FX:EURUSD")
        await wait_until(pilot, lambda: eurusd in watchlist.drawn, what="EURUSD redrawn")
        await pilot.pause()
        assert set(watchlist.drawn) == {eurusd}
        assert "5.00K" in row_text(watchlist, "FX:EURUSD")
        assert "103.00" in row_text(watchlist, "BINANCE:BTCUSDT")  # the others keep theirs
        # the same objects again (the worker re-sends unchanged quotes as they were): nothing
        watchlist.drawn.clear()
        watchlist.update_quotes(dict(feed.quotes), dict(feed.trends))
        await pilot.pause()
        assert watchlist.drawn == []
        # the cursor moving redraws the two rows it leaves and enters
        await pilot.press("down")
        await wait_until(pilot, lambda: HEADER + 1 in watchlist.drawn, what="the new cursor row")
        await pilot.pause()
        assert set(watchlist.drawn) == {HEADER, HEADER + 1}


async def test_cursor_keys_enter_and_the_mouse() -> None:
    app = Host(SYMBOLS)
    async with app.run_test(size=(160, 20)) as pilot:
        watchlist, _feed = await start(pilot, app)
        assert watchlist.selected_symbol == "NASDAQ:AAPL"
        await pilot.press("down", "j", "down")
        assert watchlist.selected_symbol == "BINANCE:BTCUSDT"
        await pilot.press("up", "k")
        assert watchlist.selected_symbol == "NASDAQ:MSFT"
        await pilot.press("up", "up")  # stays on the first row
        assert watchlist.cursor_row == 0
        await pilot.press("ctrl+end")
        assert watchlist.selected_symbol == "NYSE:IBM"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.opened == ["NYSE:IBM"], what="Opened")
        # a click selects its row; a click on the selected row opens it
        row = SYMBOLS.index("FX:EURUSD")
        await pilot.click(Watchlist, offset=(5, 1 + HEADER + row))  # 1: the border
        assert watchlist.selected_symbol == "FX:EURUSD" and app.opened == ["NYSE:IBM"]
        await pilot.click(Watchlist, offset=(5, 1 + HEADER + row))
        await wait_until(
            pilot, lambda: app.opened == ["NYSE:IBM", "FX:EURUSD"], what="Opened on click"
        )


async def test_a_long_list_scrolls_with_the_cursor_and_keeps_it_on_its_symbol() -> None:
    symbols = [f"NASDAQ:S{n:03d}" for n in range(60)]
    app = Host(symbols)
    async with app.run_test(size=(160, 24)) as pilot:
        watchlist, _feed = await start(pilot, app)
        assert watchlist.max_scroll_y > 0
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: watchlist.scroll_y > 0, what="a page down")
        await pilot.press("ctrl+end")
        await wait_until(
            pilot, lambda: watchlist.scroll_y == watchlist.max_scroll_y, what="the end"
        )
        assert watchlist.selected_symbol == "NASDAQ:S059"
        assert "NASDAQ:S059" in row_text(watchlist, "NASDAQ:S059")
        # the app moves a symbol and removes another: the cursor stays on its symbol
        moved = [symbols[-1], *symbols[:-1]]
        watchlist.set_symbols(moved, keep="NASDAQ:S059")
        assert watchlist.selected_symbol == "NASDAQ:S059" and watchlist.cursor_row == 0
        await wait_until(pilot, lambda: watchlist.scroll_y == 0, what="scrolled to the cursor")
        watchlist.set_symbols(moved[1:])
        assert watchlist.selected_symbol == "NASDAQ:S000" and list(watchlist.rows) == moved[1:]
        await pilot.press("ctrl+home")
        assert watchlist.cursor_row == 0


async def test_markup_and_escapes_from_the_server_show_as_plain_text() -> None:
    app = Host(SYMBOLS)
    async with app.run_test(size=(160, 20)) as pilot:
        watchlist, feed = await start(pilot, app)
        feed.send("NASDAQ:AAPL", **quote(1.0, 0.0, description="[b]Bad[/b] [red]x\x1b[31m"))
        await wait_until(pilot, lambda: "[b]Bad" in row_text(watchlist, "NASDAQ:AAPL"), what="desc")
        line = row_text(watchlist, "NASDAQ:AAPL")
        assert "[b]Bad[/b] [red]x" in line and "\x1b" not in line
        watchlist.reject("NASDAQ:MSFT", "[link=http://x]no[/link] \x1b]8;;evil\x07")
        await wait_until(
            pilot, lambda: "✗" in row_text(watchlist, "NASDAQ:MSFT"), what="the refusal"
        )
        line = row_text(watchlist, "NASDAQ:MSFT")
        assert "✗ [link=http://x]no[/l" in line and "\x1b" not in line and "\x07" not in line
        watchlist.update_cell("FX:EURUSD", "description", "[i]not italic[/i]")
        await wait_until(
            pilot, lambda: "[i]not" in row_text(watchlist, "FX:EURUSD"), what="the cell"
        )


async def test_narrow_and_light_the_compact_columns_and_light_colours() -> None:
    app = Host(SYMBOLS, theme="tvtui-light")
    async with app.run_test(size=(80, 24)) as pilot:
        watchlist, feed = await start(pilot, app)
        assert watchlist.visible_columns == ("symbol", "last", "change_pct", "trend")
        assert "Description" not in watchlist.header_text()
        feed.send("NASDAQ:MSFT", trend=(1.0, 3.0, 2.0), **quote(10.0, 1.0))
        await wait_until(pilot, lambda: "+0.10%" in row_text(watchlist, "NASDAQ:MSFT"), what="MSFT")
        strip = row_strip(watchlist, "NASDAQ:MSFT")  # not the cursor's row (its own colours)
        assert colour_of(strip, "+0.10%") == RichColor.parse("#00796b")  # light theme's up
        # the line fills the pane exactly: no column overflows, the sparkline ends inside it
        assert strip.cell_length == watchlist.size.width
        assert strip.text.rstrip().endswith("▁█▄")


async def test_a_quote_for_a_row_out_of_sight_costs_no_drawing_and_shows_when_scrolled_to() -> None:
    symbols = [f"NASDAQ:S{n:03d}" for n in range(60)]
    app = Host(symbols)
    async with app.run_test(size=(160, 24)) as pilot:
        watchlist, feed = await start(pilot, app)
        feed.send("NASDAQ:S000", **quote(10.0, 1.0))
        await wait_until(pilot, lambda: "10.00" in row_text(watchlist, "NASDAQ:S000"), what="S000")
        await pilot.pause()
        watchlist.drawn.clear()
        feed.send("NASDAQ:S050", **quote(555.0, -1.0))  # far below the pane's last row
        await wait_until(pilot, lambda: "NASDAQ:S050" in watchlist.quotes, what="the quote taken")
        await pilot.pause()
        assert watchlist.drawn == []
        assert "555.00" in str(watchlist.get_cell("NASDAQ:S050", "last"))  # asked: up to date
        watchlist.move_cursor(row=50)
        await wait_until(
            pilot,
            lambda: HEADER + 50 - watchlist.scroll_offset.y in watchlist.drawn,
            what="the row drawn once in sight",
        )
        assert "555.00" in row_text(watchlist, "NASDAQ:S050")


async def test_a_shared_state_is_shown_as_it_is() -> None:
    """Whoever owns the state (the app, a screen) can hand it in; the rows come from it."""
    state = WatchlistState(["FX:EURUSD", "NASDAQ:AAPL"])
    state.merge({"FX:EURUSD": quote(1.08, 0.01, pricescale=100000)}, {}, now=0.0)

    class StateHost(App[None]):  # not a Host: its on_mount would set the symbols
        CSS_PATH = Host.CSS_PATH

        def compose(self) -> ComposeResult:
            yield CountingWatchlist(id="watchlist", state=state)

    app = StateHost()
    async with app.run_test(size=(160, 20)) as pilot:
        watchlist = app.query_one(Watchlist)
        await wait_until(
            pilot, lambda: "1.08000" in row_text(watchlist, "FX:EURUSD"), what="the row"
        )
        assert list(watchlist.rows) == ["FX:EURUSD", "NASDAQ:AAPL"]
        assert watchlist.quotes is state.quotes
