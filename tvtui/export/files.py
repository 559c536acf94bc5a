"""Writing export files atomically, never overwriting, with errors a person can act on.

Why a module of its own: this is the only part of an export that touches the disk, and the
only one with guarantees that are easy to break:

- Never a partial file: data goes to a hidden temp file in the target folder, is flushed and
  fsynced, and only then gets its final name. On any error the temp file is removed, and so is
  any file of the same export already placed, so an export is all or nothing.
- Never an overwrite: the final name is taken with ``os.link`` (fails if the name exists, with
  no window for a race), falling back to an ``O_EXCL`` reservation plus ``os.replace`` on file
  systems without hard links. A taken name gets ``-1``, ``-2``, ... Files of one export (OHLC and
  indicator, or CSV and its sidecar) always share the same suffix.
- Clear errors: every ``OSError`` becomes :class:`ExportError` (itself an ``OSError``, errno
  kept) whose text says what went wrong and what to do, for the status line or the CLI.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

#: Bytes per ``os.write`` call (a test lowers it to fail in the middle of a file).
CHUNK = 1 << 16
#: How many ``-N`` suffixes to try before giving up (a folder with 10,000 exports of the same
#: symbol in the same second is a bug somewhere else).
_MAX_SUFFIX = 10_000
HINT = "Choose another folder with --export-dir or in the export dialog."
_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.ENOTDIR: "part of that path is a file, not a folder",
    errno.EEXIST: "it is a file, not a folder",
    errno.ENAMETOOLONG: "the path is too long",
    errno.EISDIR: "a folder is in the way of the file name",
}
#: ``os.link`` failures that mean "this file system has no hard links", not "you may not".
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


class ExportError(OSError):
    """An export failed; ``str(error)`` is a sentence for a person, ``errno`` the cause."""

    def __init__(self, message: str, code: int | None = None, path: Path | None = None) -> None:
        super().__init__(message)
        self.errno = code
        self.path = path


def _ensure_dir(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _error(exc, directory) from None


def _error(exc: OSError, directory: Path) -> ExportError:
    """``exc`` as a sentence saying what went wrong with ``directory`` and what to do."""
    if isinstance(exc, ExportError):
        return exc
    code = exc.errno
    reason = _REASONS.get(code) if code is not None else None
    if reason is None:
        reason = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".").lower()
    hint = HINT
    if code in (errno.ENOSPC, errno.EDQUOT):
        hint = (
            "Free some space, or choose another folder with --export-dir or in the export dialog."
        )
    return ExportError(f"Cannot write to {directory}: {reason}. {hint}", code, directory)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:CHUNK])
        view = view[written:]


def _temp_file(directory: Path, data: bytes) -> Path:
    """A hidden temp file in ``directory`` holding ``data``, flushed to the disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        path = directory / f".tvtui-{secrets.token_hex(8)}.tmp"
        try:
            fd = os.open(path, flags, 0o666)
            break
        except FileExistsError:
            continue
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink(path)
        raise
    try:
        os.close(fd)
    except OSError:
        _unlink(path)
        raise
    return path


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _claim(temp: Path, final: Path, use_links: bool) -> bool:
    """Take the name ``final`` unless it exists; True when taken.

    With hard links the name is taken with the content in one step (the temp file stays and is
    removed later). Without them an empty file reserves the name (``O_EXCL``) and
    :func:`_fill` later moves the temp file over it.
    """
    try:
        if use_links:
            os.link(temp, final)
        else:
            os.close(os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        return False
    return True


def _fill(temps: Sequence[Path], finals: Sequence[Path]) -> None:
    """Move each temp file over its reserved name (only without hard links)."""
    for temp, final in zip(temps, finals, strict=True):
        os.replace(temp, final)


def _links_work(directory: Path, temp: Path) -> bool:
    probe = directory / f".tvtui-{secrets.token_hex(8)}.probe"
    try:
        os.link(temp, probe)
    except OSError as exc:
        if exc.errno in _NO_LINKS:
            return False
        raise
    _unlink(probe)
    return True


def _fsync_dir(directory: Path) -> None:
    """Make the new names durable too (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_group(directory: Path, files: Sequence[tuple[str, str, bytes]]) -> list[Path]:
    """Write ``(stem, extension, data)`` files as ``<stem><suffix><extension>``, all or nothing.

    The suffix (``""``, ``"-1"``, ...) is the first one free for every file of the group.
    """
    _ensure_dir(directory)
    temps: list[Path] = []
    placed: list[Path] = []
    try:
        for _stem, _ext, data in files:
            temps.append(_temp_file(directory, data))
        use_links = _links_work(directory, temps[0])
        for n in range(_MAX_SUFFIX):
            suffix = f"-{n}" if n else ""
            for temp, (stem, ext, _data) in zip(temps, files, strict=True):
                final = directory / f"{stem}{suffix}{ext}"
                if not _claim(temp, final, use_links):
                    break
                placed.append(final)
            else:
                break
            for path in placed:  # a name of the group was taken: undo and try the next suffix
                _unlink(path)
            placed.clear()
        else:
            raise ExportError(
                f"Cannot write to {directory}: too many exports with the same name. {HINT}",
                errno.EEXIST,
                directory,
            )
        if not use_links:
            _fill(temps, placed)
        _fsync_dir(directory)
        result, placed = placed, []
        return result
    except OSError as exc:
        raise _error(exc, directory) from None
    finally:
        for path in placed:  # only set when something failed after placing
            _unlink(path)
        for temp in temps:
            _unlink(temp)
