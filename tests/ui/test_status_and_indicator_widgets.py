"""The status line and the indicator pane on their own: each mounted in a small host app and
fed by a stub feed (no simulator, no network), asserting what a person sees.

The stub feed plays the part of the stream: it hands the widgets what the main screen hands
them (the link's status with its time, throughput, a study's points or its refusal), the way
``MainScreen.on_link_changed`` / ``on_study_changed`` / ``on_study_failed`` do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from textual.app import App, ComposeResult

from tests.support import wait_until
from tvtui.feed.events import ConnectionStatus, LinkState, StudyPoint
from tvtui.ui.widgets.indicators import IndicatorPane
from tvtui.ui.widgets.status import LINK_CLASSES, STALE_AFTER, StatusLine

NOW = 1000.0


@dataclass
class StubFeed:
    """What a feed would report, handed to the widgets as the main screen would."""

    now: list[float] = field(default_factory=lambda: [NOW])

    def clock(self) -> float:
        return self.now[0]

    def link(self, status: StatusLine, state: ConnectionStatus) -> None:
        status.link = (state, self.clock())

    def message(self, status: StatusLine, ago: float = 0.0) -> None:
        status.rate, status.last_message_at = 12.0, self.clock() - ago


class Host(App[None]):
    """The two widgets and nothing else (the app's stylesheet is not needed to read them)."""

    def __init__(self, feed: StubFeed) -> None:
        super().__init__()
        self.feed = feed

    def compose(self) -> ComposeResult:
        yield IndicatorPane(id="indicators")
        yield StatusLine("demo", id="status", clock=self.feed.clock)


def link_classes(status: StatusLine) -> set[str]:
    return {name for name in LINK_CLASSES if status.has_class(f"-{name}")}


@pytest.mark.parametrize(
    ("state", "words", "css"),
    [
        (ConnectionStatus(state=LinkState.CONNECTING), "… connecting", "connecting"),
        (ConnectionStatus(state=LinkState.CONNECTED), "● connected", "connected"),
        (
            ConnectionStatus(state=LinkState.RECONNECTING, attempt=3, retry_in=5, message="gone"),
            "↻ reconnecting · attempt 3 · next try in 5s · gone",
            "reconnecting",
        ),
        (ConnectionStatus(state=LinkState.STALE), "◌ stale · no data for 0s", "stale"),
        (
            ConnectionStatus(state=LinkState.AUTH_FAILED, message="token [b]refused[/b]"),
            "✗ token [b]refused[/b]",  # the server's words as plain text, never markup
            "auth-failed",
        ),
        (ConnectionStatus(state=LinkState.CLOSED), "✗ disconnected", "disconnected"),
    ],
    ids=lambda value: getattr(getattr(value, "state", None), "name", None),
)
async def test_each_link_state_has_its_words_and_its_one_css_class(
    state: ConnectionStatus, words: str, css: str
) -> None:
    feed = StubFeed()
    app = Host(feed)
    async with app.run_test(size=(100, 6)) as pilot:
        status = app.query_one(StatusLine)
        feed.message(status)
        feed.link(status, state)
        await wait_until(pilot, lambda: words in str(status.render()), 3, words)
        assert status.link_text().plain == words
        assert link_classes(status) == {css}
        assert "DEMO" in str(status.render()) and "12.0 msg/s" in str(status.render())


async def test_a_connected_link_that_falls_silent_turns_stale_and_back() -> None:
    feed = StubFeed()
    app = Host(feed)
    async with app.run_test(size=(100, 6)) as pilot:
        status = app.query_one(StatusLine)
        feed.link(status, ConnectionStatus(state=LinkState.CONNECTED))
        feed.message(status)
        await wait_until(pilot, lambda: link_classes(status) == {"connected"}, 3, "connected")
        feed.now[0] += STALE_AFTER + 27  # no message for 42 s: the next tick says so
        await wait_until(pilot, lambda: link_classes(status) == {"stale"}, 3, "stale")
        assert "◌ stale · no data for 42s" in str(status.render())
        feed.message(status)  # data again
        await wait_until(pilot, lambda: link_classes(status) == {"connected"}, 3, "connected")
        assert "last 0s ago" in str(status.render())


async def test_the_indicator_pane_shows_loading_values_and_refusals() -> None:
    app = Host(StubFeed())
    async with app.run_test(size=(100, 24)) as pilot:
        pane = app.query_one(IndicatorPane)
        pane.set_studies(["STD;RSI", "STD;MACD"])
        pane.reset(1)

        def shown() -> bool:
            blocks = pane.blocks().values()
            return len(blocks) == 2 and all(block.query(".legend") for block in blocks)

        await wait_until(pilot, shown, 3, "two studies")
        blocks = pane.blocks()

        def legend(pine_id: str) -> str:
            return str(blocks[pine_id].query_one(".legend").render())

        assert "loading…" in legend("STD;RSI") and blocks["STD;RSI"].has_class("-loading")
        pane.set_times(1, [NOW - 60, NOW])
        points = [StudyPoint(NOW - 60, [48.5]), StudyPoint(NOW, [51.25])]
        pane.set_points(1, "STD;RSI", ["Plot"], points)
        pane.fail("STD;MACD", "the study limit [red]is[/] reached")
        await wait_until(pilot, lambda: "51.25" in legend("STD;RSI"), 3, "RSI's value")
        assert "loading" not in legend("STD;RSI")
        assert "the study limit [red]is[/] reached" in legend("STD;MACD")  # plain text
        assert blocks["STD;MACD"].has_class("-error")
        assert not blocks["STD;RSI"].has_class("-loading")
        pane.set_points(0, "STD;RSI", ["Plot"], [StudyPoint(NOW, [99.0])])  # an old chart's
        await pilot.pause()
        assert "51.25" in legend("STD;RSI")  # dropped: not this chart's generation
