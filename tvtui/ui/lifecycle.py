"""How the app ends: a crash leaves a log and a non-zero exit, a signal leaves a clean terminal.

- A crash: Textual ends the app on any unhandled error and ``run()`` returns ``None``, which the
  command used to turn into exit 0. :func:`write_crash_log` keeps the traceback (without local
  variables, which may hold the token or server text; each line through ``plain()``, the token
  redacted) in the platform's log folder; the command prints one line naming it and exits 1.
- SIGTERM / SIGHUP: Python's default ends the process at once, leaving the terminal in the
  alternate screen with the mouse reporting on. :func:`install_exit_signals` turns them into a
  normal ``App.exit`` (the driver restores the terminal), with the shell's code for the signal
  (128 + signal number).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import platformdirs

from tvtui.feed.endpoints import redact, resolve_token
from tvtui.feed.untrusted import plain

#: Signals that end the app cleanly (SIGINT is Textual's own key, ctrl+c).
EXIT_SIGNALS = tuple(
    s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s
)


def crash_log_dir() -> Path:
    """``~/.local/state/tvtui/log`` on Linux (``XDG_STATE_HOME`` moves it)."""
    return platformdirs.user_log_path("tvtui")


def write_crash_log(error: BaseException, token: str | None = None) -> Path | None:
    """The traceback of ``error`` in a new file of :func:`crash_log_dir`; its path, or None
    when it cannot be written (the crash is still reported, just without a file)."""
    text = crash_text(error, token)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        folder = crash_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{id(error) & 0xFFFF:04x}.log"
        path.write_text(f"tvtui crashed at {stamp}\n\n{text}", encoding="utf-8")
    except OSError:
        return None
    return path


def crash_text(error: BaseException, token: str | None = None) -> str:
    """The traceback of ``error`` without local variables: plain, the token redacted."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return plain(redact("".join(lines), resolve_token(token)), 200_000, multiline=True)


def crash_summary(error: BaseException | None, token: str | None = None) -> str:
    """One line about ``error`` for the terminal (plain, bounded, token redacted)."""
    if error is None:
        return "the app stopped on an error"
    text = f"{type(error).__name__}: {error}"
    return plain(redact(text, resolve_token(token)), 300)


def install_exit_signals(on_signal: Callable[[int], None]) -> Callable[[], None]:
    """Call ``on_signal(signum)`` on the running loop for SIGTERM and SIGHUP; returns the undo.

    Only possible on the main thread of a POSIX process (elsewhere, e.g. an app under a test
    runner's thread, nothing is installed and the undo does nothing)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return lambda: None
    installed: list[int] = []
    for signum in EXIT_SIGNALS:
        try:
            loop.add_signal_handler(signum, on_signal, int(signum))
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(int(signum))

    def undo() -> None:
        for signum in installed:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(signum)

    return undo
