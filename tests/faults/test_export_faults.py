"""Export to a read-only folder, a missing one and a full disk: a clear message, no partial
file, nothing exported before touched (library, ``tvtui stream --output``, the app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.support import SIZE, app_for, run_stream, wait_until
from tvtui.export import ExportError
from tvtui.stream import Streamer
from tvtui.ui.scenes import data_ready
from tvtui.ui.screens.export import ExportScreen


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden temp files included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def test_library_export_read_only_missing_and_full(sim_env, mount_tmpfs, tmp_path) -> None:
    read_only = mount_tmpfs("ro", "ro,size=1m")
    full = mount_tmpfs("full", "size=64k")
    with Streamer(export_result=True, export_dir=full) as streamer:
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=5)
        before = listing(full)
        assert len(before) == 1
        # a full disk: ~3000 bars do not fit in 64 kB
        with pytest.raises(ExportError) as caught:
            streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=3000)
        assert str(caught.value) == (
            f"Cannot write to {full}: the disk is full. Free some space, or choose another "
            "folder with --export-dir or in the export dialog."
        )
        assert listing(full) == before  # no partial file, the earlier export untouched
        # a read-only folder
        streamer.export_dir = read_only
        with pytest.raises(ExportError, match="the file system is read-only"):
            streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=5)
        assert listing(read_only) == {}
        # a missing folder is created; one under a file is a clear error
        streamer.export_dir = tmp_path / "new" / "deeper"
        streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=5)
        assert [p.parent for p in streamer.exported] == [tmp_path / "new" / "deeper"]
        (tmp_path / "file").write_text("keep")
        streamer.export_dir = tmp_path / "file" / "sub"
        with pytest.raises(ExportError, match="part of that path is a file, not a folder"):
            streamer.stream("BINANCE", "BTCUSDT", numb_price_candles=5)
        assert (tmp_path / "file").read_text() == "keep"


def test_tvtui_stream_output_read_only_and_full(sim, mount_tmpfs) -> None:
    read_only = mount_tmpfs("ro", "ro,size=1m")
    done = run_stream(sim, "BINANCE:BTCUSDT", "-n", "5", "--output", str(read_only / "btc.json"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"tvtui stream: Cannot write {read_only / 'btc.json'}: ")
    assert "Read-only file system" in done.stderr
    assert listing(read_only) == {}
    full = mount_tmpfs("full", "size=64k")
    target = full / "btc.json"
    assert run_stream(sim, "BINANCE:BTCUSDT", "-n", "5", "--output", str(target)).returncode == 0
    before = listing(full)
    assert len(json.loads(target.read_text())["ohlc"]) == 5
    done = run_stream(sim, "BINANCE:BTCUSDT", "-n", "3000", "--output", str(target))
    assert done.returncode == 2 and "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
    assert listing(full) == before  # the earlier file whole, no temp file left


def test_tvtui_stream_follow_to_a_full_disk_is_a_clear_error(sim, mount_tmpfs) -> None:
    full = mount_tmpfs("full", "size=16k")
    done = run_stream(sim, "BINANCE:BTCUSDT", "--follow", "--seconds", "20", "-n", "500",
                    "--output", str(full / "lines.ndjson"))  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 2
    assert f"Cannot write {full / 'lines.ndjson'}: No space left on device" in done.stderr
    # what did fit is whole lines only: every one parses, none is cut in half
    text = (full / "lines.ndjson").read_text()
    assert text.endswith("\n") and len(text) > 4096
    assert all(json.loads(line)["type"] for line in text.splitlines())


async def test_app_export_to_read_only_and_full_folders(sim_factory, mount_tmpfs, tmp_path) -> None:
    sim = sim_factory(time_scale=60.0, tick_interval=0.1)
    read_only = mount_tmpfs("ro", "ro,size=1m")
    full = mount_tmpfs("full", "size=8k")
    (full / "earlier.json").write_text("{}")
    app = app_for(sim, tmp_path, symbols=["BINANCE:BTCUSDT"], timeframe="1m")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        for folder, reason in ((read_only, "read-only"), (full, "the disk is full")):
            await pilot.press("e")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 5, "dialog")
            app.screen.query_one("#export-folder", Input).value = str(folder)
            await pilot.press("enter")
            # the dialog stays open with the reason (issue 10.11), so another folder can be tried
            error = app.screen.query_one("#export-error")
            await wait_until(
                pilot,
                lambda reason=reason, error=error: reason in str(error.render()),
                10,
                f"the {reason} reason",
            )
            assert str(folder) in str(error.render()) and isinstance(app.screen, ExportScreen)
            await pilot.press("escape")
        assert app.last_export is None
    assert listing(read_only) == {}
    assert listing(full) == {"earlier.json": b"{}"}
