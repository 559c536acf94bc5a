"""How the app ends: a crash leaves a log and a non-zero exit, a signal leaves a clean terminal.

- A crash: Textual ends the app on any unhandled error, ``run()`` returns ``None`` and
  ``return_code`` is 1. :class:`CleanExit` learns of the error (Textual has no public hook: it
  rings the bell while handling it) and :func:`write_crash_log` keeps its traceback (without
  local variables, which may hold the token or server text; each line through ``plain()``, the
  token redacted) in the platform's log folder; ``launch`` prints that same text and one line
  naming the log, and exits 1. Textual's own traceback (with every frame's locals) goes to an
  ``error_console`` that writes nowhere.
- SIGTERM / SIGHUP: Python's default ends the process at once, leaving the terminal in the
  alternate screen with the mouse reporting on. :func:`install_exit_signals` turns them into a
  normal ``App.exit`` (the driver restores the terminal), with the shell's code for the signal
  (128 + signal number).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs
from rich.console import Console
from textual.app import App

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


class CleanExit(App[int]):
    """The app's ways out: ``q``, SIGTERM / SIGHUP (exit 128 + it) and a crash (exit 1, a log).

    ``stop_stream`` and ``save_state`` are what every way out does first (the app's)."""

    #: the unhandled error that ended the app, and where its traceback was written
    crash: BaseException | None = None
    crash_log: Path | None = None
    #: SIGTERM / SIGHUP that ended the app (the command exits 128 + it)
    exit_signal: int | None = None
    #: the token, redacted from the crash log
    _token: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._undo_signals: Callable[[], None] = lambda: None
        # Textual prints an unhandled error's traceback with every frame's local variables on
        # the way out: the token and raw server text may be among them. ``launch`` prints the
        # traceback without locals, plain and redacted (:func:`crash_text`), instead.
        self.error_console = Console(file=io.StringIO(), markup=False, highlight=False)

    def stop_stream(self) -> None: ...

    def save_state(self) -> None: ...

    def catch_exit_signals(self) -> None:
        """From now on SIGTERM / SIGHUP quit as ``q`` does (called once the app runs)."""
        self._undo_signals = install_exit_signals(self._exit_on_signal)

    def _exit_on_signal(self, signum: int) -> None:
        self.exit_signal = signum
        self.stop_stream()
        self.exit(return_code=128 + signum)

    async def action_quit(self) -> None:
        self.stop_stream()
        self.save_state()
        self.exit(0)

    def on_unmount(self) -> None:
        self.stop_stream()
        self._undo_signals()

    def crash_report(self) -> str | None:
        """What the command prints after a crash: the traceback (as Textual would print it,
        without locals, plain, the token redacted), then one line naming the log."""
        code = self.return_code
        if self.crash is None and (code is None or code == 0):
            return None
        where = f"; the details are in {self.crash_log}" if self.crash_log else ""
        summary = f"tvtui crashed: {crash_summary(self.crash, self._token)}{where}"
        if self.crash is None:
            return summary
        return f"{crash_text(self.crash, self._token)}\n{summary}"

    def bell(self) -> None:
        """Textual rings the bell as it ends the app on an unhandled error (``return_code``
        already 1, the error being handled): keep its traceback in a log file then. Should a
        future Textual no longer ring here, the command still exits 1, without the file."""
        error = sys.exc_info()[1]
        if self.return_code == 1 and self.crash is None and isinstance(error, Exception):
            self.crash = error
            self.crash_log = write_crash_log(error, self._token)
        super().bell()
