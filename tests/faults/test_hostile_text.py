"""Issue 17 (2, 3, 4, 7): text and numbers a hostile server sends are shown, never obeyed.

Each case runs the app against the simulator on 127.0.0.1 rewritten by ``hostile.py`` into a
server that puts markup, a click action or terminal escape sequences where a person reads:
the app must keep running, show the text literally, run no action, and put none of the data's
escape sequences on screen. A hypothesis test then feeds random text (markup, escapes, control
characters, huge lengths) through every place server text is shown.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual.command import CommandList, CommandPalette

from tests.support import AWHILE, SIZE, app_for, holds_for_app, wait_until
from tvtui.config import load_config
from tvtui.feed import events as ev
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import LinkState
from tvtui.ui import messages as msg
from tvtui.ui.app import TvtuiApp
from tvtui.ui.coalesce import TREND_TIMEFRAME
from tvtui.ui.format import sparkline
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.status import StatusLine
from tvtui.ui.widgets.watchlist import Watchlist

from .hostile import (
    CONTROL_RE,
    ESCAPES,
    MARKUP,
    Hostility,
    attacks_in,
    click_action,
    hostile_retry_after,
    make_hostile,
)

SYMBOL = "BINANCE:BTCUSDT"


def notices(app: TvtuiApp) -> list[str]:
    return [f"{n.title}\n{n.message}" for n in app.told]


def screen_text(app: TvtuiApp) -> str:
    """What the terminal would show, as Textual exports it (every segment's text)."""
    return app.export_screenshot()


def palette_listed(app: TvtuiApp) -> bool:
    """The command palette lists its commands (the watchlist's descriptions among them)."""
    hits = app.screen.query(CommandList)
    return bool(hits) and hits.first().option_count > 0


def toast_laid_out(app: TvtuiApp) -> bool:
    """A notice is on screen with its final size (a click can then land on it)."""
    toasts = app.screen.query("Toast")
    return bool(toasts) and toasts.last().region.height > 0


def assert_clean(app: TvtuiApp) -> None:
    shown = screen_text(app)
    assert not attacks_in(shown), attacks_in(shown)
    assert not CONTROL_RE.search(shown.replace("\n", "").replace("\t", "")), "control character"


# --- 17.2 / 17.4: markup and escapes in what the server sends --------------------------------


async def test_markup_and_escapes_in_a_description_are_shown_as_text(
    app_sim, tmp_path: Path, monkeypatch
) -> None:
    hostile = make_hostile(monkeypatch, Hostility(description=MARKUP + ESCAPES))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        watchlist = app.query_one(Watchlist)
        await wait_until(
            pilot, lambda: "description" in watchlist.quotes.get(SYMBOL, {}), 10, "a quote"
        )
        assert hostile.sent.get("description")
        await wait_until(
            pilot,
            lambda: str(watchlist.get_cell(SYMBOL, "description")).startswith("Bad[/]"),
            5,
            "the description in its cell",
        )
        cell = str(watchlist.get_cell(SYMBOL, "description"))
        assert cell.startswith("Bad[/] [b]bold?")  # literally, not as markup
        assert "\x1b" not in cell
        # the palette lists the watchlist with each description (it crashed on "[/]")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), 5, "palette")
        await wait_until(
            pilot,
            lambda: "Bad[/]" in screen_text(app) or "Bad[/]" in str(app.screen.query("*")),
            5,
            "the description in the palette",
        )
        assert_clean(app)
        await pilot.press("escape")
        assert_clean(app)
        assert app.is_running


@pytest.mark.parametrize("kind", ["symbol_error", "series_error"])
async def test_every_error_reason_kind_is_shown_as_text(
    app_sim, tmp_path: Path, monkeypatch, kind: str
) -> None:
    hostile = make_hostile(monkeypatch, Hostility(chart_error=(kind, MARKUP + ESCAPES)))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: chart.problem is not None, 10, f"the {kind}")
        await wait_until(pilot, lambda: any("Bad[/]" in n for n in notices(app)), 5, kind)
        assert hostile.sent.get(kind)
        await wait_until(pilot, lambda: bool(app.screen.query("Toast")), 5, "the notice shown")
        assert_clean(app)
        assert all("\x1b" not in n for n in notices(app))
        assert app.is_running


async def test_a_critical_error_is_shown_as_text(app_sim, tmp_path: Path, monkeypatch) -> None:
    reason = MARKUP + ESCAPES
    make_hostile(monkeypatch, Hostility(critical=reason))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: any("Bad[/]" in n for n in notices(app)), 10, "notice")
        await wait_until(pilot, lambda: bool(app.screen.query("Toast")), 5, "the notice shown")
        assert_clean(app)


async def test_a_protocol_error_is_shown_as_text(app_sim, tmp_path: Path, monkeypatch) -> None:
    reason = MARKUP + ESCAPES
    make_hostile(monkeypatch, Hostility(protocol=reason))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        status = app.query_one(StatusLine)
        await wait_until(
            pilot, lambda: status.status.state == LinkState.AUTH_FAILED, 10, "auth refused"
        )
        await pilot.pause()  # the refusal's messages handled (the screenshot composes anew)
        assert_clean(app)
        assert app.is_running


async def test_markup_in_an_http_retry_after_never_reaches_the_screen(
    app_sim, tmp_path: Path, monkeypatch
) -> None:
    """The indicator metadata requests get 429s whose Retry-After is markup and escapes. The
    feed treats a garbage Retry-After as absent (it keeps its own backoff), so the header never
    reaches a notice; whatever the app shows meanwhile is clean and the app keeps running."""
    hostile_retry_after(monkeypatch, "[/]" + "\x1b]2;PWNED\x07")
    app_sim.faults.http_fail = [429] * 60
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: app_sim.stats.http_requests >= 4, 20, "hostile 429s")
        await holds_for_app(pilot, lambda: not any("PWNED" in n for n in notices(app)), 0.3)
        assert_clean(app)
        assert app.is_running


# --- 17.3: a server-chosen action never runs ------------------------------------------------


async def test_a_click_on_a_notice_runs_no_server_chosen_action(
    app_sim, tmp_path: Path, monkeypatch
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    make_hostile(monkeypatch, Hostility(chart_error=("symbol_error", click_action(str(victim)))))
    app = app_for(app_sim, tmp_path, symbols=[SYMBOL])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(
            pilot,
            lambda: toast_laid_out(app),
            10,
            "the notice laid out",
        )
        rendered = str(app.screen.query("Toast").last().render())
        # Click every line of the notice (a click on a toast also dismisses it, which is how a
        # person gets rid of one): a link anywhere in it would run app.screenshot.
        for dy in range(1, 8):
            if not app.screen.query("Toast"):
                app.notify(click_action(str(victim)), title="again")
                await wait_until(
                    pilot,
                    lambda: (
                        app.screen.query("Toast") and app.screen.query("Toast").last().region.height
                    ),
                    5,
                    "the notice again",
                )
            region = app.screen.query("Toast").last().region
            if dy >= region.height:
                break
            await pilot.click(offset=(region.x + region.width // 2, region.y + dy))
        await holds_for_app(pilot, lambda: not list(victim.iterdir()), 0.3, "no file written")
        assert "[@click=app.screenshot(" in rendered  # shown as the text it is
        assert app.is_running


# --- 17.7: odd numbers ------------------------------------------------------------------------


def test_sparkline_of_extreme_and_non_finite_values() -> None:
    values = [1e308, -1e308] * 10 + [math.nan, math.inf, -math.inf, 1.5]
    line = sparkline(values, 24)
    assert len(line) == 24
    assert sparkline([1e308, -1e308], 2) == "█▁"


async def test_odd_numbers_in_bars_and_quotes_leave_the_app_running(tmp_path: Path) -> None:
    """+-1e308 alternating, NaN, inf and a close sent as a string: shown as dashes or clipped,
    never an exception on the UI thread."""
    app, feeds = stub_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: bool(feeds), 5, "the feed")
        sink = feeds[0].sink
        odd: list[Any] = [1e308, -1e308, math.nan, math.inf, -math.inf, "1.5", 1.5]
        bars = [
            ev.Bar(time=1_717_977_600 + 300 * n, open=odd[n % 7], high=odd[(n + 1) % 7],
                   low=odd[(n + 2) % 7], close=odd[(n + 3) % 7], volume=odd[(n + 4) % 7])
            for n in range(40)
        ]  # fmt: skip
        await wait_until(
            pilot,
            lambda: any(h.timeframe != TREND_TIMEFRAME for h in feeds[0].handles),
            5,
            "the chart series",
        )
        session = feeds[0].chart_session
        sink(ev.SeriesData(session=session, series_id="sds_1", bars=bars, update="history"))
        chart = app.query_one(ChartPane)
        await wait_until(pilot, lambda: len(chart.bars) > 0, 5, "the odd bars")
        for n in range(60):  # the last price alternates +1e308 / -1e308 (then NaN, a string)
            price = [1e308, -1e308][n % 2] if n < 50 else odd[n % 7]
            sink(ev.QuoteUpdate(symbol=SYMBOL, changes={"lp": price, "ch": price, "chp": price}))
            await pilot.pause()
        watchlist = app.query_one(Watchlist)
        await wait_until(
            pilot, lambda: "—" in str(watchlist.get_cell(SYMBOL, "change")), 5, "a dash shown"
        )
        assert_clean(app)
        assert app.is_running


async def test_a_cell_that_fails_to_render_costs_the_table_not_the_app(tmp_path: Path) -> None:
    """Whatever a future bug puts in a cell, a render error is logged and the app goes on."""

    class Boom:
        def __rich__(self) -> Any:
            raise ValueError("a value nobody foresaw")

    app, _feeds = stub_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        watchlist = app.query_one(Watchlist)
        await wait_until(pilot, lambda: watchlist.row_count == 1, 5, "the row")
        watchlist.update_cell(SYMBOL, "description", Boom())
        await pilot.pause()  # the refresh it asked for has run
        app.export_screenshot()
        assert app.is_running
        watchlist.update_cell(SYMBOL, "description", "fine again")
        await wait_until(
            pilot,
            lambda: "fine again" in app.export_screenshot().replace("&#160;", " "),
            5,
            "the cell drawn again",
        )


# --- the hypothesis sweep: every place server text is shown -----------------------------------

FRAGMENTS = [
    "[/]", "[b]", "[/b]", "[@click=app.quit]", "[@click=app.screenshot('x','/tmp')]x[/]",
    "[$accent]", "[on red]", "[#ff0000]", "\\", "[", "]", "\x1b]2;PWNED\x07",
    "\x1b]52;c;UFdORUQ=\x07", "\x1b[2J", "\x1b[31m", "\x9b31m", "\x9d0;t\x9c", "\x00", "\x07",
    "\x7f", "\u202e", "\u2066", "\ud800", "\n", "\r", "\t", "한국어", "🚀", "\u0301",
]  # fmt: skip
hostile_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=10
).map("".join)
hostile_or_huge = st.one_of(
    hostile_text,
    st.builds(lambda s, n: (s or "x") * n, hostile_text, st.integers(500, 20_000)),
)


class StubFeed:
    """A feed client that sends what the test tells it (the bridge, coalescer and panes are
    the real ones): the shortest path from server text to the screen, for many examples."""

    def __init__(self, sink) -> None:
        self.sink = sink
        self.handles: list[Any] = []

    @property
    def chart_session(self) -> str:
        """The chart's session (not the short-lived series that seeds a watchlist trend)."""
        return next(h.chart_session for h in self.handles if h.timeframe != TREND_TIMEFRAME)

    def start(self) -> None:
        self.sink(ev.ConnectionStatus(state=LinkState.CONNECTED, message="connected"))

    def close(self, timeout: float = 1.0) -> None:
        pass

    def add_symbols(self, *symbols: str) -> list[str]:
        return list(symbols)

    def remove_symbols(self, *symbols: str) -> None:
        pass

    def open_series(self, symbol: str, timeframe: str, count: int = 300) -> Any:
        session = f"cs_{len(self.handles) + 1}"
        self.handles.append(
            SimpleNamespace(
                symbol=symbol, timeframe=timeframe, chart_session=session, series_id="sds_1"
            )
        )
        return self.handles[-1]

    def modify_series(self, handle: Any, symbol: str, timeframe: str) -> Any:
        return self.open_series(symbol, timeframe)

    def add_study(self, handle: Any, indicator: Any) -> str:
        return "st1"

    def remove_study(self, handle: Any, study_id: str) -> None:
        pass

    def close_series(self, handle: Any) -> None:
        pass

    def reconnect(self) -> None:
        pass


def stub_app(tmp_path: Path) -> tuple[TvtuiApp, list[StubFeed]]:
    config = tmp_path / "hyp-config.toml"
    config.write_text('indicators = []\nwatchlist = ["BINANCE:BTCUSDT"]\n', encoding="utf-8")
    feeds: list[StubFeed] = []

    def factory(sink):
        feeds.append(StubFeed(sink))
        return feeds[-1]

    app = TvtuiApp(
        load_config(config),
        endpoints=Endpoints.from_env({"TVTUI_WS_URL": "ws://127.0.0.1:9/socket.io/websocket"}),
        mode="live",
        token="unauthorized_user_token",
        theme="tvtui-dark",
        export_dir=tmp_path / "export",
        client_factory=factory,
    )
    return app, feeds


async def show_everywhere(texts: list[str], tmp_path: Path) -> None:
    app, feeds = stub_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: bool(feeds), AWHILE, "the feed")
        sink = feeds[0].sink
        await wait_until(
            pilot,
            lambda: any(h.timeframe != TREND_TIMEFRAME for h in feeds[0].handles),
            AWHILE,
            "chart",
        )
        watchlist = app.query_one(Watchlist)
        status = app.query_one(StatusLine)
        for n, text in enumerate(texts):
            prices = (1e308, -1e308, math.nan, "1.5", 7.0)
            sink(
                ev.QuoteUpdate(
                    symbol=SYMBOL,
                    changes={
                        "description": text, "short_name": text, "exchange": text,
                        "type": text, "currency_code": text, "lp": prices[n % len(prices)],
                        "ch": prices[(n + 1) % len(prices)], "chp": 1.0, "volume": math.inf,
                    },
                )
            )  # fmt: skip
            sink(ev.SymbolError(session=feeds[0].chart_session, symbol_id="sds_sym_1", reason=text))
            sink(ev.SeriesError(session=feeds[0].chart_session, series_id="sds_1", reason=text))
            sink(ev.CriticalError(session="", name=text, detail=text))
            sink(ev.ProtocolError(reason=text))
            sink(ev.ConnectionStatus(state=LinkState.RECONNECTING, attempt=2, retry_in=3,
                                     message=text))  # fmt: skip
            app.post_message(msg.StudyFailed("STD;RSI", text))
            app.post_message(msg.FeedProblem(text))
            await wait_until(
                pilot,
                lambda text=text: watchlist.quotes.get(SYMBOL, {}).get("description") == text,
                AWHILE,
                "the quote",
            )
            await pilot.pause()  # the messages posted above handled (the screenshot composes anew)
            assert_clean(app)
        sink(ev.ConnectionStatus(state=LinkState.AUTH_FAILED, message=texts[-1]))
        await wait_until(
            pilot, lambda: status.status.state == LinkState.AUTH_FAILED, AWHILE, "the refusal shown"
        )
        assert_clean(app)
        # the palette (descriptions as help lines) and the symbol entry's preview
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), AWHILE, "palette")
        await wait_until(pilot, lambda: palette_listed(app), AWHILE, "the palette's list")
        assert_clean(app)
        await pilot.press("escape")
        app.action_add_symbol("NASDAQ:AAPL")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, SymbolEntry) and bool(app.screen.query("#entry-add")),
            AWHILE,
            "the entry dialog",
        )
        entry = app.screen
        assert isinstance(entry, SymbolEntry)
        for text in texts:
            entry.candidate, entry.state = "NASDAQ:AAPL", "previewing"
            quote = {"description": text, "exchange": text, "type": text, "lp": 1.0,
                     "currency_code": text, "chp": math.nan}  # fmt: skip
            entry.preview_ready("NASDAQ:AAPL", quote, None)
            await pilot.pause()
            assert_clean(app)
            entry.candidate, entry.state = "NASDAQ:AAPL", "previewing"
            entry.preview_ready("NASDAQ:AAPL", None, text)
            entry._checked("NASDAQ:AAPL", "unknown", text)
            await pilot.pause()
            assert_clean(app)
        assert app.is_running


#: Three apps, six to fourteen texts each (about 30 texts in all): each text goes through every
#: place, and an app's start costs as much CPU as several texts.
@settings(
    max_examples=3,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # a failure is printed, not shrunk
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(hostile_or_huge, min_size=6, max_size=14))
def test_random_server_text_everywhere_leaves_the_app_running_and_the_screen_clean(
    texts: list[str], tmp_path: Path
) -> None:
    asyncio.run(show_everywhere(texts, tmp_path))


# --- the command line: stderr and stdout carry no escape sequence from the data ---------------


def run_stream(capsys, *args: str) -> tuple[int, str, str]:
    from tvtui.headless import main as stream_main

    code = stream_main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_stream_prints_a_hostile_reason_as_plain_text(sim_env, monkeypatch, capsys) -> None:
    make_hostile(monkeypatch, Hostility(chart_error=("symbol_error", MARKUP + ESCAPES)))
    code, out, err = run_stream(capsys, SYMBOL, "--follow", "--seconds", "10")
    assert code == 3, err
    assert "Bad[/]" in err
    assert not attacks_in(err) and not attacks_in(out)
    assert not CONTROL_RE.search(err.replace("\n", ""))


def test_stream_json_lines_escape_what_a_terminal_would_obey(sim_env, monkeypatch, capsys) -> None:
    import json

    make_hostile(monkeypatch, Hostility(description=MARKUP + ESCAPES))
    code, out, err = run_stream(capsys, SYMBOL, "--follow", "--seconds", "3")
    assert code == 0, err
    assert not CONTROL_RE.search(out.replace("\n", "")), "a raw control character on stdout"
    quotes = [json.loads(line) for line in out.splitlines() if '"type": "quote"' in line]
    described = [q for q in quotes if "description" in q["quote"]]
    assert described and described[0]["quote"]["description"] == MARKUP + ESCAPES  # data kept


def test_stream_csv_with_a_bar_time_past_any_calendar_is_a_clear_error(
    sim_env, monkeypatch, capsys
) -> None:
    hostile = make_hostile(monkeypatch, Hostility(bar_time=1e12))
    code, out, err = run_stream(capsys, SYMBOL, "-n", "3", "--format", "csv", "--seconds", "5")
    assert hostile.sent.get("bar_time")
    assert code == 4, err
    assert "Traceback" not in err and "CSV cannot hold" in err
    assert out == ""


def test_stream_with_a_broken_endpoint_variable_is_a_clear_error(monkeypatch, capsys) -> None:
    monkeypatch.setenv("TVTUI_WS_URL", "ftp://[nope\x1b]2;PWNED\x07")
    code, out, err = run_stream(capsys, SYMBOL)
    assert code == 2, err
    assert err.startswith("tvtui stream: ") and "Traceback" not in err
    assert not attacks_in(err) and out == ""
