"""What ``tvtui stream`` and ``tvtui alerts`` write, made safe: exit codes, the error that
carries one, JSON and CSV text with no raw control character, files written atomically.

Split out of ``headless.py`` (one job: the output; that module parses and streams). Everything
printed comes from a server or a file at least in part: messages go through ``plain()``,
JSON escapes what a terminal could act on, a CSV cell gets ``plain()``'s stand-ins.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tvtui.config.saving import atomic_write
from tvtui.feed.untrusted import plain

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_NOT_FOUND = 3
EXIT_UNREACHABLE = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class PlainFormatter(logging.Formatter):
    """Log lines as plain text: a server reason quoted in a warning cannot put an escape
    sequence on the terminal (``ESC ] 52`` would set the clipboard)."""

    def format(self, record: logging.LogRecord) -> str:
        return plain(super().format(record), 4000, multiline=True)


#: Characters a JSON text must not carry raw to a terminal: JSON escapes C0 itself; these are
#: DEL, C1 (a lone 0x9b is CSI), bidi controls and lone surrogates (unencodable).
_JSON_UNSAFE = {
    code: f"\\u{code:04x}"
    for code in (
        0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
        *range(0x2066, 0x206A), *range(0xD800, 0xE000),
    )
}  # fmt: skip


def json_text(value: Any, **kwargs: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)`` with every character a terminal could act
    on written as a ``\\uXXXX`` escape: the same JSON value, safe to print."""
    return json.dumps(value, ensure_ascii=False, **kwargs).translate(_JSON_UNSAFE)


def csv_text(text: str) -> str:
    """A CSV table with no control character left raw (line breaks between rows kept)."""
    return "\n".join(plain(line, len(line) + 1) for line in text.split("\n"))


def write_text(path: Path | None, text: str) -> None:
    """stdout, or ``path`` written atomically (the config's own writer: a temp file in the
    same folder, then a rename)."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise CliError(f"Cannot write {path}: {exc.strerror or exc}", EXIT_BAD_INPUT) from None


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise CliError(f"Cannot write {path}: {exc.strerror or exc}", EXIT_BAD_INPUT) from None
    try:
        yield handle
        handle.close()
    except OSError as exc:  # a full disk (or a lost mount) mid-stream: say so, no traceback
        with contextlib.suppress(OSError):
            handle.close()
        trim_partial_line(path)
        raise CliError(f"Cannot write {path}: {exc.strerror or exc}", EXIT_BAD_INPUT) from None
    finally:
        with contextlib.suppress(OSError):
            handle.close()


def trim_partial_line(path: Path) -> None:
    """Cut ``path`` back to its last complete line, so a reader never meets half a JSON
    object after a write failed mid-line (best effort: the disk is in trouble already)."""
    with contextlib.suppress(OSError), path.open("r+b") as f:
        end = f.seek(0, os.SEEK_END)
        pos = end
        while pos > 0:
            start = max(0, pos - 65536)
            f.seek(start)
            newline = f.read(pos - start).rfind(b"\n")
            if newline >= 0:
                f.truncate(start + newline + 1)
                return
            pos = start
        f.truncate(0)
