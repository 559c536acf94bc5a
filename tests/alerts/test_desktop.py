"""Desktop notifications (OSC 9 / OSC 777) when an alert fires: only where the terminal is known
to show them (or the config says so), the untrusted text made harmless, and the exact bytes on
a real terminal: the app in a pty of its own, the sequence between two of Textual's outputs."""

from __future__ import annotations

import fcntl
import json
import os
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support import AWHILE
from tvtui.alerts.desktop import MAX_BODY, DesktopNotifier, detect, sequence
from tvtui.config.alerts import load_alerts


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        ({"TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"}, "osc9"),
        ({"TERM_PROGRAM": "ghostty", "TERM": "xterm-ghostty"}, "osc9"),
        ({"TERM": "xterm-ghostty"}, "osc9"),
        ({"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}, "osc777"),
        ({"TERM": "xterm-kitty"}, "osc777"),
        ({"TERM": "foot"}, "osc777"),
        ({"TERM": "rxvt-unicode-256color"}, "osc777"),
        ({"TERM": "xterm-256color"}, None),  # unknown: nothing is sent
        ({"TERM_PROGRAM": "Apple_Terminal", "TERM": "xterm-256color"}, None),
        ({"TERM_PROGRAM": "tmux", "TERM": "tmux-256color"}, None),  # the outer one unknown
        ({"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-1/default,1,0"}, None),
        ({"TERM": "screen-256color"}, None),
        ({}, None),
    ],
)
def test_the_terminal_decides_which_sequence_if_any(env: dict[str, str], kind: str | None) -> None:
    assert detect(env) == kind
    assert (DesktopNotifier.for_setting("auto", env) or DesktopNotifier("none")).kind == (
        kind or "none"
    )


def test_the_config_switch_turns_it_off_or_on() -> None:
    wezterm = {"TERM_PROGRAM": "WezTerm"}
    assert DesktopNotifier.for_setting("off", wezterm) is None
    assert DesktopNotifier.for_setting("on", {}).kind == "osc777"  # type: ignore[union-attr]
    assert DesktopNotifier.for_setting("on", {"TERM": "xterm-ghostty"}).kind == "osc9"  # type: ignore[union-attr]
    assert DesktopNotifier.for_setting("osc9", wezterm).kind == "osc9"  # type: ignore[union-attr]


def test_the_config_file_says_it_and_a_bad_value_gets_a_message(private_dirs: Path) -> None:
    config = private_dirs / "config.toml"
    assert load_alerts().desktop == "auto"  # no file
    for written, read in (("false", "off"), ("true", "on"), ('"OSC9"', "osc9"), ('"off"', "off")):
        config.write_text(f"desktop_notifications = {written}\n")
        assert (load_alerts().desktop, load_alerts().error) == (read, None)
    config.write_text('desktop_notifications = "loud"\n')
    loaded = load_alerts()
    assert loaded.desktop == "auto"
    assert "desktop_notifications is one of auto, off, on, osc9, osc777, not 'loud'" in (
        loaded.error or ""
    )


def test_untrusted_text_cannot_end_the_sequence_or_start_another() -> None:
    hostile = "EVIL:X\x07\x1b]52;c;aGk=\x07\x9c\x1b\\ ;two\nlines\x7f"
    body = "EVIL:X\u2407\u241b]52;c;aGk=\u2407\ufffd\u241b\\ ;two lines\u2421"  # shown, inert
    assert sequence("osc777", "t;i\x1bt", hostile) == (
        f"\x1b]777;notify;t,i\u241bt;{body}\x07".encode()
    )
    assert sequence("osc777", "a", hostile).count(b"\x1b") == 1  # the sequence's own ESC
    assert sequence("osc777", "a", hostile).count(b"\x07") == 1  # and its own end
    assert sequence("osc9", "tvtui alert", "9;4;1") == b"\x1b]9;tvtui alert: 9;4;1\x07"
    long = sequence("osc9", "tvtui alert", "x" * 10_000)
    assert len(long) < MAX_BODY + 30 and long.endswith("\u2026\x07".encode())
    with pytest.raises(ValueError):
        sequence("osc99", "a", "b")


def read_pty(master: int, until: bytes, timeout: float) -> bytes:
    """What the terminal received, until ``until`` was in it (or ``timeout``)."""
    out = b""
    deadline = time.monotonic() + timeout
    os.set_blocking(master, False)
    while until not in out and time.monotonic() < deadline:
        try:
            out += os.read(master, 65536)
        except BlockingIOError:
            time.sleep(0.02)
        except OSError:  # the other side closed
            break
    return out


def test_the_notifier_writes_exactly_one_sequence_to_the_terminal() -> None:
    master, slave = os.openpty()
    try:
        notifier = DesktopNotifier("osc777", terminal=os.ttyname(slave))
        assert notifier.notify("tvtui alert", "BINANCE:BTCUSDT crossing 1: 2 at now")
        expected = b"\x1b]777;notify;tvtui alert;BINANCE:BTCUSDT crossing 1: 2 at now\x07"
        assert read_pty(master, b"\x07", 5) == expected
    finally:
        os.close(master)
        os.close(slave)
    gone = DesktopNotifier("osc9", terminal="/nonexistent/tty")
    assert gone.notify("a", "b") is False and gone.working is False  # off, said once


def ground_before(data: bytes, end: int) -> bool:
    """True when ``data[:end]`` leaves a terminal's parser in its ground state: every escape
    sequence Textual started (CSI, OSC, DCS, ...) is complete before ``end``."""
    i = 0
    while i < end:
        if data[i] != 0x1B:
            i += 1
            continue
        if i + 1 >= end:
            return False
        kind = data[i + 1]
        if kind == ord("["):  # CSI: parameters, then one final byte 0x40-0x7e
            j = i + 2
            while j < end and not 0x40 <= data[j] <= 0x7E:
                j += 1
            if j >= end:
                return False
            i = j + 1
        elif kind in (ord("]"), ord("P"), ord("_"), ord("^")):  # strings: to BEL or ST
            bel, st = data.find(b"\x07", i, end), data.find(b"\x1b\\", i, end)
            ends = [e + 1 for e in (bel,) if e >= 0] + [e + 2 for e in (st,) if e >= 0]
            if not ends:
                return False
            i = min(ends)
        else:
            i += 2
    return True


@pytest.mark.slow
def test_the_app_in_a_terminal_sends_the_firing_as_osc_777(tmp_path: Path) -> None:
    """``tvtui --demo`` on a pty that is its controlling terminal, as WezTerm would run it
    (``TERM_PROGRAM=WezTerm``): an alert on the first price fires, and the terminal receives
    the exact OSC 777 sequence of what the alert log recorded, between two of Textual's
    outputs (no sequence of Textual's is cut)."""
    config, alert_log = tmp_path / "config.toml", tmp_path / "alerts.jsonl"
    config.write_text(
        'watchlist = ["BINANCE:BTCUSDT"]\n\n'
        '[[alerts]]\nsymbol = "BINANCE:BTCUSDT"\ncondition = "greater-than 1"\n'
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "STY", "TERM_PROGRAM")}
    env.update(TERM="xterm-256color", TERM_PROGRAM="WezTerm", TVTUI_CONFIG=str(config),
               TVTUI_ALERT_LOG=str(alert_log), XDG_DATA_HOME=str(tmp_path / "data"))  # fmt: skip
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    # the pty becomes the app's controlling terminal (/dev/tty), as in a terminal window
    child = (
        "import os; os.login_tty(0); from tvtui.cli import main; raise SystemExit(main(['--demo']))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", child], stdin=slave, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    try:
        out = read_pty(master, b"\x1b]777;", AWHILE)
        start = out.find(b"\x1b]777;")
        assert start >= 0, out[-2000:]
        out += read_pty(master, b"\x07", AWHILE) if out.find(b"\x07", start) < 0 else b""
        end = out.index(b"\x07", start) + 1
        (row,) = [json.loads(line) for line in alert_log.read_text().splitlines()]
        when = datetime.fromtimestamp(row["time"], UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        body = f"BINANCE:BTCUSDT greater-than 1: {row['price']:.2f} at {when}"
        assert out[start:end] == f"\x1b]777;notify;tvtui alert;{body}\x07".encode()
        assert ground_before(out, start)  # Textual's output is whole around it
        assert out.count(b"\x1b]777;") == 1
    finally:
        process.terminate()
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            read_pty(master, b"\x00never", 0.1)  # drained, so it can write its way out
        process.kill()
        process.wait(timeout=5)
        os.close(master)
