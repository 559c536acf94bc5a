"""The status line: the link's state, throughput, data mode and what the chart shows.

It must always tell the truth, so it is computed from facts with times attached (when the
link changed, when the last message came) and re-rendered every second: a countdown to the
next reconnect attempt really counts down, and a silent link shows its age growing.

Its size is fixed by CSS (one line, full width), so a new sentence only repaints the line:
``Static.update`` with its default ``layout=True`` made Textual lay out the whole screen every
second (a full layout took p95 81 ms under load and stalled keys).
``clock`` is injectable so snapshot tests can freeze it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
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


class StatusLine(Static):
    """One line at the bottom of the screen."""

    def __init__(self, mode: str, *, clock: Callable[[], float] = time.monotonic, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.mode = mode
        self.clock = clock
        self.status = ConnectionStatus(state=LinkState.CONNECTING, message="Starting")
        self.status_at = clock()
        self.rate = 0.0
        self.last_message_at: float | None = None
        self.symbol = ""
        self.timeframe = ""
        self.endpoint = ""
        self._shown = Text("")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.render_status)
        self.render_status()

    def set_link(self, status: ConnectionStatus, at: float) -> None:
        self.status = status
        self.status_at = at
        self.render_status()

    def set_stats(self, rate: float, last_message_at: float | None) -> None:
        self.rate = rate
        self.last_message_at = last_message_at
        self.render_status()

    def set_chart(self, symbol: str, timeframe: str) -> None:
        self.symbol, self.timeframe = symbol, timeframe
        self.render_status()

    # --- the sentence ------------------------------------------------------------------------

    def link_text(self) -> Text:
        """The link part alone (tests read it)."""
        variables = self.app.theme_variables
        ok, warn, bad = (rich_colour(variables, k) for k in ("success", "warning", "error"))
        now = self.clock()
        status = self.status
        state = status.state
        age = None if self.last_message_at is None else max(0.0, now - self.last_message_at)
        if state == LinkState.CONNECTED:
            if age is not None and age >= STALE_AFTER:
                return Text(f"◌ stale · no data for {_age(age)}", style=f"bold {warn}")
            return Text("● connected", style=f"bold {ok}")
        if state == LinkState.STALE:
            quiet = _age(age) if age is not None else "a while"
            return Text(f"◌ stale · no data for {quiet}", style=f"bold {warn}")
        if state == LinkState.RECONNECTING:
            remaining = max(0.0, status.retry_in - (now - self.status_at))
            text = Text(f"↻ reconnecting · attempt {status.attempt}", style=f"bold {warn}")
            text.append(f" · next try in {remaining:.0f}s" if remaining > 0 else " · trying now")
            if status.message:
                reason = shown(str(status.message).split(";")[0], 120)
                text.append(f" · {reason}", style="dim")
            return text
        if state == LinkState.CONNECTING:
            attempt = f" (attempt {status.attempt})" if status.attempt > 1 else ""
            return Text(f"… connecting{attempt}", style=f"bold {warn}")
        if state == LinkState.AUTH_FAILED:
            refused = shown(status.message or "auth token refused", 160)
            return Text(f"✗ {refused}", style=f"bold {bad}")
        return Text("✗ disconnected", style=f"bold {bad}")

    @guarded
    def render_status(self) -> None:
        text = Text(" ")
        mode_style = "bold reverse " + rich_colour(
            self.app.theme_variables, "accent" if self.mode == "demo" else "primary"
        )
        text.append(f" {self.mode.upper()} ", style=mode_style)
        text.append("  ")
        text.append_text(self.link_text())
        text.append(f"  {self.rate:,.1f} msg/s", style="")
        if self.last_message_at is not None:
            age = max(0.0, self.clock() - self.last_message_at)
            text.append(f" · last {_age(age)} ago", style="dim")
        if self.symbol:
            text.append("  ")
            text.append(f"{self.symbol} · {self.timeframe}", style="bold")
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)  # one fixed-size line: repaint it, no relayout
