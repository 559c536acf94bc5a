"""Random server text (markup, escapes, control characters, huge lengths) through every place the
app shows server text: the quote fields, every error kind, the status line, notices, the command
palette and the symbol entry's preview. The app keeps running and the screen stays clean."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual.command import CommandPalette

from tests.support import AWHILE, SIZE, wait_until
from tvtui.feed import events as ev
from tvtui.feed.events import LinkState
from tvtui.ui import messages as msg
from tvtui.ui.coalesce import TREND_TIMEFRAME
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.widgets.status import StatusLine
from tvtui.ui.widgets.watchlist import Watchlist

from .hostile import (
    SYMBOL,
    assert_clean,
    palette_listed,
    stub_app,
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
        await app.action_add_symbol("NASDAQ:AAPL")
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
