"""A desktop notification through the terminal (OSC 9 / OSC 777), where the terminal shows one.

Textual has no public way to send an escape sequence of our own (``App.bell`` and the
clipboard write through its driver, which is private), so this writes to the controlling
terminal (``/dev/tty``) itself. Why that never corrupts Textual's output: the sequence is one
``write()`` of a few hundred bytes, and a terminal device never interleaves two ``write()``
calls (Linux holds the tty's write lock for the whole call); Textual writes each of its
outputs (a frame, a mode switch) whole through one buffered stream, so the notification lands
between two of them, never inside one. The app calls it only when it draws to a real
terminal: never in the browser (``App.is_web``), nor headless (tests), nor from ``tvtui
alerts --watch`` (whose stdout is data).

Which terminal shows which: nothing can be asked of the terminal without reading its answer
from Textual's input, so it is judged from ``TERM_PROGRAM`` / ``TERM`` (``detect``): iTerm2
and ghostty take OSC 9 (``ESC ] 9 ; text BEL``); WezTerm, kitty, foot and rxvt-unicode take
OSC 777 (``ESC ] 777 ; notify ; title ; body BEL``). Inside tmux or screen the outer terminal
is unknown (and they drop both): none. The config's ``desktop_notifications`` overrides it:
``"auto"`` (the default), ``"off"`` (or ``false``), ``"on"`` (or ``true``: the detected one,
else OSC 777), ``"osc9"``, ``"osc777"``.

The text is untrusted (symbols and notes come from the server and from files): control
characters (C0, C1, DEL: anything that could end the sequence or start another) are replaced
by :func:`~tvtui.feed.untrusted.plain`, ``;`` is taken out of the title (OSC 777 splits on it),
and both are bounded.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from tvtui.feed.untrusted import plain

log = logging.getLogger(__name__)

#: The controlling terminal (a test points it at a pty of its own).
TERMINAL = "/dev/tty"
#: What the config's ``desktop_notifications`` may say.
SETTINGS = ("auto", "off", "on", "osc9", "osc777")
#: Bounds of what is sent: a desktop notification shows a line or two.
MAX_TITLE = 40
MAX_BODY = 240

OSC9 = "osc9"
OSC777 = "osc777"


def detect(env: Mapping[str, str]) -> str | None:
    """The notification sequence this terminal shows (``"osc9"`` / ``"osc777"``), or None
    when it is not known to show one."""
    term = env.get("TERM", "").lower()
    program = env.get("TERM_PROGRAM", "").lower()
    if env.get("TMUX") or env.get("STY") or term.startswith(("screen", "tmux")):
        return None  # a multiplexer: the terminal outside is unknown, and it drops both
    if program == "iterm.app" or program == "ghostty" or term == "xterm-ghostty":
        return OSC9
    if program == "wezterm" or term in ("xterm-kitty", "wezterm"):
        return OSC777
    if term.startswith(("foot", "rxvt")):
        return OSC777
    return None


def sequence(kind: str, title: str, body: str) -> bytes:
    """The escape sequence for ``kind``, its text made safe: no control character (one
    could end the sequence early and make the rest of the text a command), bounded."""
    title = plain(title, MAX_TITLE).replace(";", ",")
    body = plain(body, MAX_BODY)
    if kind == OSC9:  # one text; "tvtui" first, so it never reads as OSC 9;4 (progress)
        text = f"\x1b]9;{title}: {body}\x07"
    elif kind == OSC777:
        text = f"\x1b]777;notify;{title};{body}\x07"
    else:
        raise ValueError(f"not a notification sequence: {kind!r}")
    return text.encode("utf-8")


@dataclass
class DesktopNotifier:
    """Sends notifications of one ``kind`` to ``terminal``. A terminal that cannot be opened
    or written (no controlling terminal, a closed one) turns it off for the rest of the run
    (said once in the log): the in-app notification and the bell still say it."""

    kind: str
    terminal: str = ""
    working: bool = True

    @classmethod
    def for_setting(
        cls, setting: str, env: Mapping[str, str] | None = None
    ) -> DesktopNotifier | None:
        """The notifier the config's ``setting`` asks for in this environment, or None."""
        env = os.environ if env is None else env
        if setting == "off":
            return None
        kind = {"osc9": OSC9, "osc777": OSC777}.get(setting) or detect(env)
        if kind is None and setting == "on":
            kind = OSC777
        return None if kind is None else cls(kind)

    def notify(self, title: str, body: str) -> bool:
        """Send one notification; False when it could not be written."""
        if not self.working:
            return False
        data = sequence(self.kind, title, body)
        try:
            fd = os.open(self.terminal or TERMINAL, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError as exc:
            return self._off(exc)
        try:
            while data:  # one write(); a signal may cut it short, then the rest follows
                data = data[os.write(fd, data) :]
        except OSError as exc:
            return self._off(exc)
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)
        return True

    def _off(self, exc: OSError) -> bool:
        self.working = False
        log.info("desktop notifications off: cannot write to the terminal (%s)", exc.strerror)
        return False
