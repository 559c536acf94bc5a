"""Alerts kept in the config file, as ``[[alerts]]`` tables:

    [[alerts]]
    symbol = "BINANCE:BTCUSDT"
    condition = "crossing-up 110000"
    mode = "every-time"            # or "once" (the default)
    timeframe = "1h"               # bars of moving-% and indicator conditions (default: the
                                   # file's timeframe)
    expires = 2026-12-31T18:00:00Z # a TOML date-time or ISO text (no zone: UTC); optional
    note = "take profit"           # optional
    id = "btc-110k"                # optional; derived from the rest when absent
    paused = true                  # optional; paused from the alert list (p), kept so

The top-level ``desktop_notifications = "auto"`` (``"off"``, ``"on"``, ``"osc9"``,
``"osc777"``) says whether a firing also sends a desktop notification through the terminal
(:mod:`tvtui.alerts.desktop`).

Read strictly, as the rest of the file (:mod:`tvtui.config.settings`): a broken entry gets
one message naming it (its number, its symbol, what is wrong) and is left out; every other
entry still works. Adding or removing one edits only its own table (comments and the rest of
the file survive), checks that the result reads back, and writes through
:func:`~tvtui.config.saving.atomic_write`; a file that is not valid TOML is never written.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tvtui.alerts import Alert, AlertError
from tvtui.alerts.desktop import SETTINGS
from tvtui.config.saving import atomic_write, table_blocks
from tvtui.config.settings import DEFAULT_TIMEFRAME, ConfigError, config_path
from tvtui.feed.timeframes import parse_timeframe
from tvtui.feed.untrusted import plain

KEYS = ("symbol", "condition", "mode", "timeframe", "expires", "note", "id", "paused")
#: More alerts than this in one file are left out (a file is untrusted; each costs work on
#: every update of its symbol).
MAX_ALERTS = 1000


@dataclass
class LoadedAlerts:
    """The alerts of a config file: every valid one, and a sentence per broken one."""

    alerts: list[Alert] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    path: Path | None = None
    #: ids of the alerts with ``paused = true`` (they are in ``alerts`` too; not run)
    paused: set[str] = field(default_factory=set)
    #: the top-level ``desktop_notifications`` (:data:`tvtui.alerts.desktop.SETTINGS`)
    desktop: str = "auto"

    @property
    def error(self) -> str | None:
        """One message for every problem (``None`` when there is none)."""
        if not self.problems:
            return None
        count = f"{len(self.problems)} alert problem{'s' if len(self.problems) > 1 else ''}"
        return f"{self.path}: {count}; the other alerts work:\n" + "\n".join(
            f"• {p}" for p in self.problems
        )


def load_alerts(path: Path | None = None) -> LoadedAlerts:
    """The ``[[alerts]]`` of the config file. Never raises: a missing file has none; an
    unreadable one gives one problem."""
    path = config_path() if path is None else path
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return LoadedAlerts([], [], path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return LoadedAlerts([], [f"cannot read the alerts ({reason})"], path)
    paused: set[str] = set()
    alerts, problems = read_alerts(data, paused)
    desktop, problem = read_desktop(data)
    return LoadedAlerts(alerts, problems + problem, path, paused, desktop)


def read_desktop(data: dict[str, Any]) -> tuple[str, list[str]]:
    """The top-level ``desktop_notifications`` switch (default ``"auto"``): a bad value
    keeps the default and gets one message."""
    value = data.get("desktop_notifications", "auto")
    if value is True or value is False:
        return ("on" if value else "off"), []
    if isinstance(value, str) and value.strip().lower() in SETTINGS:
        return value.strip().lower(), []
    shown = plain(repr(value), 40)
    return "auto", [f"desktop_notifications is one of {', '.join(SETTINGS)}, not {shown}"]


def read_alerts(
    data: dict[str, Any], paused: set[str] | None = None
) -> tuple[list[Alert], list[str]]:
    """Every valid alert of a parsed TOML document, and a sentence per broken entry; the
    ids of the paused ones are added to ``paused`` when given."""
    entries = data.get("alerts", [])
    if not isinstance(entries, list):
        return [], ["'alerts' must be [[alerts]] tables (symbol, condition, ...)"]
    default_tf = data.get("timeframe", DEFAULT_TIMEFRAME)
    try:
        default_tf = parse_timeframe(default_tf).name
    except ValueError:
        default_tf = DEFAULT_TIMEFRAME
    alerts: list[Alert] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries[:MAX_ALERTS], 1):
        try:
            alert = alert_from_table(entry, default_tf)
        except AlertError as exc:
            problems.append(f"alert {number}{_named(entry)} left out: {exc}")
            continue
        if alert.id in seen:
            problems.append(f"alert {number}{_named(entry)} left out: the same as an earlier one")
            continue
        seen.add(alert.id)
        alerts.append(alert)
        if paused is not None and entry.get("paused") is True:
            paused.add(alert.id)
    if len(entries) > MAX_ALERTS:
        problems.append(f"only the first {MAX_ALERTS} alerts are used")
    return alerts, problems


def _named(entry: object) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("symbol"), str):
        return f" ({plain(entry['symbol'], 40)})"
    return ""


def alert_from_table(entry: object, default_timeframe: str = DEFAULT_TIMEFRAME) -> Alert:
    """One ``[[alerts]]`` table as an :class:`Alert`; ``AlertError`` naming what is wrong."""
    if not isinstance(entry, dict):
        raise AlertError("an alert is a table with symbol and condition")
    unknown = sorted(set(entry) - set(KEYS))
    if unknown:
        raise AlertError(f"unknown key {plain(unknown[0], 40)!r} (known: {', '.join(KEYS)})")
    for key in ("symbol", "condition"):
        if not isinstance(entry.get(key), str):
            raise AlertError(f"{key!r} must be text, e.g. {_EXAMPLE[key]!r}")
    for key in ("mode", "timeframe", "note", "id"):
        if key in entry and not isinstance(entry[key], str):
            raise AlertError(f"{key!r} must be text, not {type(entry[key]).__name__}")
    if "paused" in entry and not isinstance(entry["paused"], bool):
        raise AlertError(f"'paused' must be true or false, not {plain(repr(entry['paused']), 40)}")
    expires = entry.get("expires")
    if expires is not None and not isinstance(expires, str | datetime | int | float):
        raise AlertError(f"'expires' must be a date and time, not {type(expires).__name__}")
    return Alert.parse(
        entry["symbol"],
        entry["condition"],
        mode=entry.get("mode"),
        timeframe=entry.get("timeframe", default_timeframe),
        expires=expires,
        note=entry.get("note", ""),
        id=entry.get("id", ""),
    )


_EXAMPLE = {"symbol": "BINANCE:BTCUSDT", "condition": "crossing-up 110000"}


def render_alert(alert: Alert, paused: bool = False) -> str:
    """The ``[[alerts]]`` table for ``alert`` (its id written, so edits keep it)."""
    lines = [
        "[[alerts]]",
        f"symbol = {_toml_str(alert.symbol)}",
        f"condition = {_toml_str(alert.condition.text)}",
        f"mode = {_toml_str(alert.mode.value)}",
        f"timeframe = {_toml_str(alert.timeframe)}",
    ]
    if alert.expires is not None:
        stamp = datetime.fromtimestamp(alert.expires, UTC).isoformat().replace("+00:00", "Z")
        lines.append(f"expires = {_toml_str(stamp)}")
    if alert.note:
        lines.append(f"note = {_toml_str(alert.note)}")
    lines.append(f"id = {_toml_str(alert.id)}")
    if paused:
        lines.append("paused = true")
    return "\n".join(lines) + "\n"


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_alert(alert: Alert, path: Path | None = None) -> None:
    """Append ``alert`` to the config file. ``ConfigError`` (nothing written) when the file
    is not valid TOML, when an alert with the same id is there already, or when it cannot be
    written."""
    path = config_path() if path is None else path

    def edit(text: str, alerts: list[Alert]) -> str:
        if any(a.id == alert.id for a in alerts):
            raise ConfigError(f"the alert {alert.text} is in {path} already")
        head = text if not text or text.endswith("\n") else text + "\n"
        return head + ("\n" if head else "") + render_alert(alert)

    _edit(path, edit, lambda before, after: [a.id for a in after] == [
        *[a.id for a in before], alert.id])  # fmt: skip


def remove_alert(alert_id: str, path: Path | None = None) -> bool:
    """Remove the ``[[alerts]]`` table of ``alert_id``; False when there is none."""
    path = config_path() if path is None else path
    removed = False

    def edit(text: str, alerts: list[Alert]) -> str:
        nonlocal removed
        default_tf = _default_timeframe(text)
        blocks = table_blocks(text)
        kept = []
        for header, body in blocks:
            if not removed and header == "[[alerts]]" and _block_id(body, default_tf) == alert_id:
                removed = True
                continue
            kept.append(body)
        return "".join(kept)

    _edit(path, edit, lambda before, after: [a.id for a in after] == [
        a.id for a in before if a.id != alert_id])  # fmt: skip
    return removed


def set_paused(alert_id: str, paused: bool, path: Path | None = None) -> bool:
    """Write ``paused = true`` into the ``[[alerts]]`` table of ``alert_id`` (or take it
    out): the alert list's pause survives a restart. Only that table's ``paused`` line
    changes (its comments stay). False when no table has that id; ``ConfigError`` as
    :func:`add_alert`."""
    path = config_path() if path is None else path
    found = False

    def edit(text: str, alerts: list[Alert]) -> str:
        nonlocal found
        default_tf = _default_timeframe(text)
        out = []
        for header, body in table_blocks(text):
            if not found and header == "[[alerts]]" and _block_id(body, default_tf) == alert_id:
                found = True
                body = _with_paused(body, paused)
            out.append(body)
        return "".join(out)

    def check(before: list[Alert], after: list[Alert]) -> bool:
        return [a.id for a in after] == [a.id for a in before]

    _edit(path, edit, check, lambda state: not found or (alert_id in state) is paused)
    return found


_PAUSED_LINE = re.compile(r"^[ \t]*paused[ \t]*=.*(?:\n|$)", re.MULTILINE)


def _with_paused(block: str, paused: bool) -> str:
    """``block`` (one ``[[alerts]]`` table) with its ``paused`` line set or removed."""
    block = _PAUSED_LINE.sub("", block)
    if not paused:
        return block
    header_end = block.find("\n") + 1 or len(block)
    head = block[:header_end] if block[:header_end].endswith("\n") else block[:header_end] + "\n"
    return head + "paused = true\n" + block[header_end:]


def _block_id(block: str, default_tf: str) -> str | None:
    try:
        data = tomllib.loads(block)
        return alert_from_table(data["alerts"][0], default_tf).id
    except (tomllib.TOMLDecodeError, KeyError, IndexError, TypeError, AlertError):
        return None


def _default_timeframe(text: str) -> str:
    with contextlib.suppress(tomllib.TOMLDecodeError, ValueError, AttributeError):
        return parse_timeframe(tomllib.loads(text).get("timeframe", DEFAULT_TIMEFRAME)).name
    return DEFAULT_TIMEFRAME


def _edit(path: Path, edit: Any, check: Any, check_paused: Any = None) -> None:
    """Read, edit, verify that the result reads back as ``check`` (and ``check_paused``,
    given the paused ids) says, write atomically."""
    target = Path(os.path.realpath(path))
    with _folder_lock(target.parent):
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Cannot read {path}: {exc}") from None
        try:
            before, _ = read_alerts(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML ({exc}); nothing was saved") from None
        new_text = edit(text, before)
        paused: set[str] = set()
        try:
            after, _ = read_alerts(tomllib.loads(new_text), paused)
        except tomllib.TOMLDecodeError:
            after = None
        if check_paused is not None and not check_paused(paused):
            after = None
        if after is None or not check(before, after):  # pragma: no cover - a bug of ours
            raise ConfigError(f"the edit of {path} did not read back; nothing was saved")
        try:
            atomic_write(target, new_text)
        except OSError as exc:
            raise ConfigError(f"Cannot write {path}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """The same exclusive ``flock`` on the config folder that saving the watchlist takes, so
    an alert added while the watchlist is saved never loses either."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
