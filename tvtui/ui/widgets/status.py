"""The status line: the link's state, throughput, data mode and what the chart shows.

It must always tell the truth, so it is computed from facts with times attached (when the
link changed, when the last message came) and re-rendered every second: a countdown to the
next reconnect attempt really counts down, and a silent link shows its age growing.

What it shows are reactives (``link``, ``rate``, ``last_message_at``, ``chart``) that the main
screen sets; the link's look is also a CSS class (``-connected``, ``-stale``, ...).

Its size is fixed by CSS (one line, full width), so a new sentence only repaints the line:
``Static.update`` with its default ``layout=True`` made Textual lay out the whole screen every
second (a full layout took p95 81 ms under load and stalled keys).
``clock`` is injectable so snapshot tests can freeze it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from tvtui.feed.events import ConnectionStatus, LinkState
from tvtui.ui.safe import guarded, shown
from tvtui.ui.themes import rich_colour

#: A connected link with no message for this long is shown as stale.
STALE_AFTER = 15.0


def _age(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds // 60:.0f}m{seconds % 60:02.0f}s"
    return f"{seconds // 3600:.0f}h{seconds % 3600 // 60:02.0f}m"


#: The link's state as the status line shows it, each a CSS class (``-connected`` ...).
LINK_CLASSES = ("connecting", "connected", "stale", "reconnecting", "auth-failed", "disconnected")


class StatusLine(Static):
    """One line at the bottom of the screen.

    What it shows are reactives the main screen sets (``link``, ``rate``, ``last_message_at``,
    ``chart``); each change re-renders the line. ``link_state`` is what the link looks like
    now (a silent connected link turns ``stale`` with time) and its watcher puts it on the
    widget as one CSS class, ``-connected``, ``-stale``, ... (themes and tests read it)."""

    #: the client's connection status and when it changed (``time.monotonic()``)
    link: reactive[tuple[ConnectionStatus, float]] = reactive(
        lambda: (ConnectionStatus(state=LinkState.CONNECTING, message="Starting"), 0.0),
        init=False,
    )
    #: messages per second over the last second, and when the last one came
    rate: reactive[float] = reactive(0.0, init=False)
    last_message_at: reactive[float | None] = reactive(None, init=False)
    #: "SYMBOL · TIMEFRAME" of the chart
    chart: reactive[str] = reactive("", init=False)
    #: one of :data:`LINK_CLASSES`
    link_state: reactive[str] = reactive("connecting")

    def __init__(
        self, mode: str, *, clock: Callable[[], float] = time.monotonic, **kwargs: Any
    ) -> None:
        super().__init__("", **kwargs)
        self.mode = mode
        self.clock = clock
        starting = ConnectionStatus(state=LinkState.CONNECTING, message="Starting")
        self.set_reactive(StatusLine.link, (starting, clock()))
        self._shown = Text("")

    @property
    def status(self) -> ConnectionStatus:
        return self.link[0]

    @property
    def status_at(self) -> float:
        return self.link[1]

    def on_mount(self) -> None:
        self.set_interval(1.0, self.render_status)
        self.render_status()

    def watch_link(self) -> None:
        self.render_status()

    def watch_rate(self) -> None:
        self.render_status()

    def watch_last_message_at(self) -> None:
        self.render_status()

    def watch_chart(self) -> None:
        self.render_status()

    def watch_link_state(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")

    # --- the sentence ------------------------------------------------------------------------

    def link_text(self) -> Text:
        """The link part alone (tests read it)."""
        return self._link()[1]

    def _link(self) -> tuple[str, Text]:
        """The link's look now (one of :data:`LINK_CLASSES`) and its words."""
        variables = self.app.theme_variables
        ok, warn, bad = (rich_colour(variables, k) for k in ("success", "warning", "error"))
        now = self.clock()
        status, status_at = self.link
        state = status.state
        age = None if self.last_message_at is None else max(0.0, now - self.last_message_at)
        if state == LinkState.CONNECTED:
            if age is not None and age >= STALE_AFTER:
                return "stale", Text(f"◌ stale · no data for {_age(age)}", style=f"bold {warn}")
            return "connected", Text("● connected", style=f"bold {ok}")
        if state == LinkState.STALE:
            quiet = _age(age) if age is not None else "a while"
            return "stale", Text(f"◌ stale · no data for {quiet}", style=f"bold {warn}")
        if state == LinkState.RECONNECTING:
            remaining = max(0.0, status.retry_in - (now - status_at))
            text = Text(f"↻ reconnecting · attempt {status.attempt}", style=f"bold {warn}")
            text.append(f" · next try in {remaining:.0f}s" if remaining > 0 else " · trying now")
            if status.message:
                reason = shown(str(status.message).split(";")[0], 120)
                text.append(f" · {reason}", style="dim")
            return "reconnecting", text
        if state == LinkState.CONNECTING:
            attempt = f" (attempt {status.attempt})" if status.attempt > 1 else ""
            return "connecting", Text(f"… connecting{attempt}", style=f"bold {warn}")
        if state == LinkState.AUTH_FAILED:
            refused = shown(status.message or "auth token refused", 160)
            return "auth-failed", Text(f"✗ {refused}", style=f"bold {bad}")
        return "disconnected", Text("✗ disconnected", style=f"bold {bad}")

    @guarded
    def render_status(self) -> None:
        text = Text(" ")
        mode_style = "bold reverse " + rich_colour(
            self.app.theme_variables, "accent" if self.mode == "demo" else "primary"
        )
        text.append(f" {self.mode.upper()} ", style=mode_style)
        text.append("  ")
        self.link_state, link = self._link()
        text.append_text(link)
        text.append(f"  {self.rate:,.1f} msg/s", style="")
        if self.last_message_at is not None:
            age = max(0.0, self.clock() - self.last_message_at)
            text.append(f" · last {_age(age)} ago", style="dim")
        if self.chart:
            text.append("  ")
            text.append(self.chart, style="bold")
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)  # one fixed-size line: repaint it, no relayout
