"""Saving the watchlist back to the settings file without losing what a person wrote.

Why a module of its own: reading (:mod:`tvtui.config.settings`) is pure validation, while
saving is file-system work with its own guarantees. Saving edits the ``watchlist = [...]``
line in place when it can (comments and the rest of the file survive), verifies the result
by parsing it again, merges what another running tvtui saved meanwhile (under a lock), writes
through a symlink to its target, and replaces the file atomically.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

from tvtui.config.lists import ListSpec, Positions, render_lists
from tvtui.config.merge_lists import merge_lists, merge_positions
from tvtui.config.settings import ConfigError, LoadedConfig, Settings, read_settings


def _toml_str(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _watchlist_toml(symbols: list[str]) -> str:
    if not symbols:
        return "watchlist = []"
    body = "".join(f"    {_toml_str(s)},\n" for s in symbols)
    return f"watchlist = [\n{body}]"


# A top-level ``watchlist = [ ... ]`` assignment (symbols never contain brackets).
_WATCHLIST_RE = re.compile(r"(?m)^[ \t]*watchlist[ \t]*=[ \t]*\[[^\]]*\][ \t]*(#[^\n]*)?$")


def render_watchlist_update(text: str, symbols: list[str]) -> str:
    """``text`` (a config file) with its watchlist replaced by ``symbols``; comments kept."""
    replacement = _watchlist_toml(symbols)
    match = _WATCHLIST_RE.search(text)
    if match and match.start() < _first_table(text):
        return text[: match.start()] + replacement + text[match.end() :]
    # No top-level watchlist yet: top-level keys must come before the first [table].
    cut = _first_table(text)
    head, tail = text[:cut], text[cut:]
    if head and not head.endswith("\n"):
        head += "\n"
    return head + replacement + "\n" + ("\n" if tail else "") + tail


_TABLE_HEADER_RE = re.compile(r"(?m)^[ \t]*\[\[?[A-Za-z0-9_.\"' -]+\]\]?[ \t]*(#[^\n]*)?$")


def _first_table(text: str) -> int:
    """Offset of the first ``[table]`` header (top-level keys must come before it)."""
    match = _TABLE_HEADER_RE.search(text)
    return match.start() if match else len(text)


def _current_text(target: Path) -> str:
    """The config file as it is on disk now (a new file's first line when there is none)."""
    try:
        return target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "# tvtui settings (see `tvtui --help`)\n"


def save_watchlist(loaded: LoadedConfig, symbols: list[str]) -> list[str]:
    """Write ``symbols`` as the watchlist, atomically, and return the list now on disk.

    Refuses (``ConfigError``) when the file was broken at start, so a person's half-edited
    file is never replaced. Two things a plain rewrite would lose are kept:

    - a symlinked ``config.toml`` stays a link: the file it points to is written (the
      person's dotfiles repository keeps the change);
    - another running tvtui's changes: under a lock the file is read again and merged
      (what this instance added or removed since it last read the file is applied to what is
      on disk now), so instance A adding NASDAQ:AAPL and B adding FX:EURUSD keeps both.
    """
    if not loaded.can_save:
        raise ConfigError("the config file had errors at start, so it is not overwritten")
    target = _write_target(loaded.path)
    with _locked(target):
        text = _current_text(target)
        merged = merge_watchlists(loaded.settings.watchlist, list(symbols), _disk_watchlist(text))
        new_text = render_watchlist_update(text, merged)
        try:
            ok = tomllib.loads(new_text).get("watchlist") == merged
        except tomllib.TOMLDecodeError:
            ok = False
        if not ok:  # the in-place edit did not round-trip: fall back to a full rewrite
            new_text = render_settings(loaded.settings, merged, previous=text)
        atomic_write(target, new_text)
    loaded.settings.watchlist = list(merged)
    loaded.exists = True
    return merged


def save_lists(
    loaded: LoadedConfig, lists: list[ListSpec], shown: str, positions: Positions
) -> tuple[list[ListSpec], Positions]:
    """Write the named lists, the one shown and the position lots, atomically, merged with
    what another instance saved meanwhile (as :func:`save_watchlist`); return what is now on
    disk. One plain list without positions is saved as the old ``watchlist = [...]`` line (a
    file that never used lists keeps its look); anything more as ``[[watchlists]]`` and
    ``[[positions]]`` tables at the end of the file, the rest of the file (comments too) kept.
    """
    if not loaded.can_save:
        raise ConfigError("the config file had errors at start, so it is not overwritten")
    settings = loaded.settings
    target = _write_target(loaded.path)
    with _locked(target):
        text = _current_text(target)
        disk = _disk_settings(text)
        merged = merge_lists(settings.watchlists, lists, disk.watchlists if disk else None)
        held = merge_positions(settings.positions, positions, disk.positions if disk else None)
        if not merged:
            merged = [ListSpec(shown)]
        shown_spec = next((spec for spec in merged if spec.name == shown), merged[0])
        new_text = render_lists_update(text, merged, shown_spec.name, held)
        check = _disk_settings(new_text)
        if check is None or check.watchlists != merged or check.positions != held:
            fallback = Settings(**{**settings.__dict__})
            new_text = render_settings(fallback, shown_spec.symbols, previous=text)
            new_text = render_lists_update(new_text, merged, shown_spec.name, held)
        atomic_write(target, new_text)
    settings.watchlists, settings.positions = merged, held
    settings.shown_watchlist = shown_spec.name
    settings.watchlist = list(shown_spec.symbols)
    loaded.exists = True
    return merged, held


def _disk_settings(text: str) -> Settings | None:
    """The settings ``text`` holds (None when it does not parse)."""
    try:
        return read_settings(tomllib.loads(text))[0]
    except tomllib.TOMLDecodeError:
        return None


_OURS_RE = re.compile(r"^[ \t]*\[\[[ \t]*(watchlists|watchlists\.sections|positions)[ \t]*\]\]")
_HEADER_RE = re.compile(r"^[ \t]*\[")
_SHOWN_RE = re.compile(r"(?m)^[ \t]*shown_watchlist[ \t]*=[^\n]*\n?")


def render_lists_update(text: str, lists: list[ListSpec], shown: str, positions: Positions) -> str:
    """``text`` with its lists, shown list and lots replaced (everything else kept)."""
    kept: list[str] = []
    inside = False
    for line in text.splitlines(keepends=True):
        if _OURS_RE.match(line):
            inside = True
        elif _HEADER_RE.match(line):
            inside = False
        if not inside:
            kept.append(line)
    text = "".join(kept).rstrip("\n") + "\n"
    cut = _first_table(text)
    head, tail = _SHOWN_RE.sub("", text[:cut]), text[cut:]
    if len(lists) == 1 and lists[0].plain and not positions:
        return render_watchlist_update(head + tail, lists[0].symbols)
    match = _WATCHLIST_RE.search(head)
    if match:
        head = head[: match.start()] + head[match.end() :].lstrip("\n")
    if len(lists) > 1:
        head = head.rstrip("\n") + "\n" + f"shown_watchlist = {_toml_str(shown)}\n"
    body = (head + ("\n" if tail else "") + tail).strip("\n")
    return body + "\n\n" + render_lists(lists, positions).rstrip("\n") + "\n"


def merge_watchlists(base: list[str], mine: list[str], disk: list[str] | None) -> list[str]:
    """A three-way merge of watchlists: ``base`` (what this instance last read or wrote),
    ``mine`` (what it has now) and ``disk`` (what the file holds now, maybe changed by
    another instance). My order wins; the other's additions are appended and its removals
    applied; ``disk`` None (unreadable, or no watchlist yet) means nobody else changed it."""
    if disk is None or disk == base:
        return list(mine)
    base_set, disk_set = set(base), set(disk)
    removed_there = base_set - disk_set
    added_there = [s for s in disk if s not in base_set]
    merged = [s for s in mine if s not in removed_there]
    merged += [s for s in added_there if s not in merged]
    # what I removed since I read it stays removed, even if the other instance still has it
    removed_here = base_set - set(mine)
    return [s for s in dict.fromkeys(merged) if s not in removed_here]


def _disk_watchlist(text: str) -> list[str] | None:
    """The watchlist in ``text`` as saved (None when the file does not parse or has none)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    value = data.get("watchlist")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return list(value)


def _write_target(path: Path) -> Path:
    """The file a save must write: through a symlink (or a chain of them) to its target."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return path


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the config file's folder while reading and writing, so
    two instances saving at once take turns. The folder, not the file: the file is replaced
    by each save (a lock on it would be a lock on the old copy), and a lock file would be
    litter in the person's config folder. Where locking is not possible (no ``fcntl``, a
    file system without locks) saving goes on unlocked, as before."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):  # no locks here: save unlocked, not never
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


_TABLE_BLOCK_RE = re.compile(r"(?m)^[ \t]*(\[\[?[^\]\n]+\]\]?)[ \t]*(?:#[^\n]*)?$")


def table_blocks(text: str) -> list[tuple[str, str]]:
    """``text`` cut before each table header: (normalised header, the block's text); the
    first block (header "") is what comes before any table."""
    cuts = [m.start() for m in _TABLE_BLOCK_RE.finditer(text)]
    out = [("", text[: cuts[0] if cuts else len(text)])]
    for i, start in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else len(text)
        block = text[start:end]
        match = _TABLE_BLOCK_RE.match(block)
        header = re.sub(r"\s+", "", match.group(1)) if match else ""
        out.append((header, block))
    return out


#: Tables other modules own, carried over as written when the whole file is rewritten.
KEPT_TABLES = ("[[alerts]]",)


def render_settings(
    settings: Settings, watchlist: list[str] | None = None, previous: str = ""
) -> str:
    """A whole config file for ``settings`` (used when an in-place edit is not possible);
    the ``[[alerts]]`` tables of ``previous`` (the file being replaced) are kept as written."""
    lines = [
        "# tvtui settings",
        _watchlist_toml(settings.watchlist if watchlist is None else watchlist),
        f"timeframe = {_toml_str(settings.timeframe)}",
        "indicators = [" + ", ".join(_toml_str(i) for i in settings.indicators) + "]",
        f"theme = {_toml_str(settings.theme)}",
        f"chart_type = {_toml_str(settings.chart_type)}",
        "",
        "[export]",
        f"format = {_toml_str(settings.export_format)}",
        f"folder = {_toml_str(str(settings.export_dir))}",
    ]
    lines[5:5] = _kept_top_keys(previous)
    if settings.keymap:
        lines += ["", "[keymap]"]
        lines += [f"{_toml_str(k)} = {_toml_str(v)}" for k, v in settings.keymap.items()]
    kept = [block.strip() for header, block in table_blocks(previous) if header in KEPT_TABLES]
    for block in kept:
        lines += ["", block]
    return "\n".join(lines) + "\n"


#: Top-level keys that other parts of tvtui read from the file (not :class:`Settings` fields):
#: a whole-file rewrite copies them from the file it replaces.
KEPT_TOP_KEYS = ("desktop_notifications",)


def _kept_top_keys(previous: str) -> list[str]:
    try:
        data = tomllib.loads(previous)
    except tomllib.TOMLDecodeError:
        return []
    return [
        f"{key} = {_toml_str(value)}"
        for key in KEPT_TOP_KEYS
        if isinstance(value := data.get(key), str)
    ]


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777  # keep the person's permissions
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
