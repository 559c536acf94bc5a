"""tvtui.export when the folder or the disk fails: a clear error, never a partial file, older
exports kept (by faults injected, then on a real read-only and a real full file system)."""

from __future__ import annotations

import errno
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.export.helpers import NOW, STAMP, listing, make_view, read_csv
from tvtui.export import ExportError, export_result, export_session
from tvtui.export import files as export_files

# --- folders and failures ----------------------------------------------------------------------


def test_missing_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c"
    path = export_session(make_view(), "csv", target, now=NOW)
    assert path.parent == target and path.is_file()


def test_a_folder_under_a_regular_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me")
    with pytest.raises(ExportError) as caught:
        export_session(make_view(), "json", blocker / "exports", now=NOW)
    message = str(caught.value)
    assert message.startswith(f"Cannot write to {blocker / 'exports'}: ")
    assert "not a folder" in message and "--export-dir" in message
    assert caught.value.errno == errno.ENOTDIR
    assert isinstance(caught.value, OSError)
    assert blocker.read_text() == "keep me"


def test_a_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "export"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="it is a file, not a folder"):
        export_result({"ohlc": []}, "X:Y", "json", blocker, now=NOW)
    assert blocker.read_text() == "x"


def test_permission_denied_is_a_clear_error_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    export_session(make_view(), "json", tmp_path, now=NOW)
    before = listing(tmp_path)
    real_open = os.open

    def deny(path, flags, *args, **kwargs):
        if Path(path).parent == tmp_path and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(ExportError) as caught:
        export_session(make_view(), "csv", tmp_path, now=NOW)
    monkeypatch.undo()
    assert str(caught.value) == (
        f"Cannot write to {tmp_path}: permission denied. "
        "Choose another folder with --export-dir or in the export dialog."
    )
    assert caught.value.errno == errno.EACCES
    assert listing(tmp_path) == before


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("which", ["ohlc", "indicator"])
@pytest.mark.parametrize("kind", ["result", "session"])
def test_full_disk_mid_file_leaves_no_partial_file_and_keeps_older_exports(
    tmp_path: Path, monkeypatch, fmt: str, which: str, kind: str
) -> None:
    """os.write fails with ENOSPC in the middle of the first or the second file of an export
    (for a session: the JSON file, or the CSV / its sidecar)."""
    if kind == "session" and fmt == "json" and which == "indicator":
        pytest.skip("a session JSON export is a single file")

    def run(now: datetime) -> list[Path]:
        view = make_view()
        if kind == "result":
            return export_result(view.to_result(), view.symbol, fmt, tmp_path, now=now)
        return [export_session(view, fmt, tmp_path, now=now)]

    old = run(NOW - timedelta(hours=1))
    before = listing(tmp_path)
    old_mtimes = [p.stat().st_mtime_ns for p in old]
    monkeypatch.setattr(export_files, "CHUNK", 64)
    real_write = os.write
    target = 1 if which == "ohlc" else 2  # the n-th file written
    files: list[int] = []  # inodes: fd numbers are reused once the first temp file is closed
    writes_to_target = 0

    def write(fd: int, data) -> int:
        nonlocal writes_to_target
        inode = os.fstat(fd).st_ino
        if inode not in files:
            files.append(inode)
        if len(files) == target:
            writes_to_target += 1
            if writes_to_target == 3:  # two chunks are on the disk already: mid-file
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(ExportError) as caught:
        run(NOW)
    monkeypatch.undo()
    assert writes_to_target == 3  # it really failed mid-way through the chosen file
    assert "the disk is full" in str(caught.value) and "Free some space" in str(caught.value)
    assert caught.value.errno == errno.ENOSPC
    assert listing(tmp_path) == before
    assert [p.stat().st_mtime_ns for p in old] == old_mtimes


def test_failure_after_the_first_file_is_placed_removes_it(tmp_path: Path, monkeypatch) -> None:
    """All or nothing: the indicator file fails to get its name, so the OHLC file goes too."""
    real_link = os.link
    links = 0

    def link(src, dst, *args, **kwargs):
        nonlocal links
        links += 1
        if links == 3:  # 1: probe, 2: the OHLC file, 3: the indicator file
            raise OSError(errno.EIO, "Input/output error")
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    with pytest.raises(ExportError, match="input/output error"):
        export_result(make_view().to_result(), "BINANCE:BTCUSDT", "csv", tmp_path, now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_file_systems_without_hard_links_still_never_overwrite(tmp_path: Path, monkeypatch) -> None:
    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    view = make_view()
    first = export_session(view, "csv", tmp_path, now=NOW)
    second = export_session(view, "csv", tmp_path, now=NOW)
    assert second.name == f"tvtui_BINANCE-BTCUSDT_1m_{STAMP}-1.csv"
    assert first.read_bytes() == second.read_bytes()
    assert len(read_csv(first)) == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            first.name,
            second.name,
            f"tvtui_BINANCE-BTCUSDT_1m_{STAMP}.meta.json",
            f"tvtui_BINANCE-BTCUSDT_1m_{STAMP}-1.meta.json",
        ]
    )
    # and a failure while moving into place leaves nothing of that export
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith(".meta.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    before = listing(tmp_path)
    with pytest.raises(ExportError, match="disk is full"):
        export_session(view, "csv", tmp_path, now=NOW)
    assert listing(tmp_path) == before


# --- real file systems: a read-only mount and a genuinely full one (root only) -------------


def test_a_read_only_file_system_is_a_clear_error(mount_tmpfs) -> None:
    folder = mount_tmpfs("ro", "ro,size=1m")
    with pytest.raises(ExportError) as caught:
        export_session(make_view(), "json", folder, now=NOW)
    assert "read-only" in str(caught.value) and "--export-dir" in str(caught.value)
    assert list(folder.iterdir()) == []


def test_a_really_full_disk_leaves_only_the_older_export(mount_tmpfs) -> None:
    folder = mount_tmpfs("full", "size=64k")
    old = export_session(make_view(5), "json", folder, now=NOW)
    before = listing(folder)
    with pytest.raises(ExportError, match="the disk is full"):
        export_session(make_view(3000), "json", folder, now=NOW)  # ~1 MB
    assert listing(folder) == before
    assert json.loads(old.read_text())["metadata"]["bars"] == 5
