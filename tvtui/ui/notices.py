"""Notifications as plain text, and a record of what the app told the person.

Why a module: every notice carries text from outside (server reasons, file names, config
values), so the one override of ``App.notify`` that makes them plain lives in one place; and
Textual keeps its toasts private, so the app keeps its own bounded record (``told``) that the
person's scripts and our tests can read once a toast is gone.
"""

from __future__ import annotations

from collections import deque
from typing import Any, NamedTuple

from textual.app import App

from tvtui.ui.safe import shown

#: Notices kept in :attr:`PlainNotices.told`.
KEPT = 200


class Told(NamedTuple):
    """One notice as the person saw it: plain ``title`` and ``message``, and its severity."""

    title: str
    message: str
    severity: str


class PlainNotices(App[int]):
    """``notify`` that never reads markup nor lets an escape sequence through, and remembers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        #: every notice shown, plain text, newest last (the last :data:`KEPT`)
        self.told: deque[Told] = deque(maxlen=KEPT)
        super().__init__(*args, **kwargs)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is plain text: server reasons, file names and config values go
        in here, so none of them is ever read as markup (``[/]`` would end the app,
        ``[@click=...]`` would run an action when the notice is clicked) or reaches the
        terminal as an escape sequence. ``markup`` is accepted and ignored."""
        message, title = shown(message, multiline=True), shown(title)
        self.told.append(Told(title, message, str(severity)))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def told_about(self, needle: str) -> list[str]:
        """The messages of the notices (newest last) whose title or message holds ``needle``."""
        return [t.message for t in self.told if needle in f"{t.title} {t.message}"]
