"""TradingView's catalogue of built-in indicators (pine-facade ``list?filter=standard``),
cached on disk, a search over it, and the public (community) script search.

Why on disk: the list is the same for every user for days, weighs tens of kilobytes and the
app's chooser searches it as you type; fetching it once a day (:data:`CACHE_TTL`) into the
platform's cache folder keeps both the server and the start-up quiet. Everything in it came
from the network: entries are type-checked and bounded before use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import platformdirs

from tvtui.feed import http
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.studies import IndicatorError
from tvtui.feed.untrusted import plain

log = logging.getLogger(__name__)

#: How long a fetched list is used before it is fetched again (seconds).
CACHE_TTL = 24 * 3600.0
#: Entries kept from one list (TradingView's standard list has a few hundred).
MAX_ENTRIES = 5000


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """One catalogue entry: ``pine_id`` (``STD;RSI``), ``name``, ``version``; ``built_in`` for
    TradingView's own (standard) scripts."""

    pine_id: str
    name: str
    version: str
    built_in: bool = True


def list_url(endpoints: Endpoints) -> str:
    """``.../pine-facade/list?filter=standard``, next to the ``translate`` endpoint."""
    base = endpoints.pine.rstrip("/")
    if base.endswith("/translate"):
        base = base[: -len("/translate")]
    return f"{base}/list?filter=standard"


def cache_path(url: str) -> Path:
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return platformdirs.user_cache_path("tvtui") / f"indicators-{digest}.json"


def _entries(data: Any) -> list[IndicatorInfo]:
    """Catalogue entries from the server's (or the cache's) JSON; malformed ones skipped."""
    if not isinstance(data, list):
        raise IndicatorError("The indicator list is not a list.", "bad reply")
    out: list[IndicatorInfo] = []
    seen: set[str] = set()
    for item in data[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        pine_id, name, version = (item.get(k) for k in ("scriptIdPart", "scriptName", "version"))
        if not (isinstance(pine_id, str) and isinstance(name, str)) or pine_id in seen:
            continue
        if not pine_id or len(pine_id) > 200 or not pine_id.isprintable():
            continue
        seen.add(pine_id)
        version_text = str(version) if isinstance(version, str | int | float) else "last"
        out.append(IndicatorInfo(pine_id, plain(name, 120), plain(version_text, 40)))
    return out


_memory: dict[str, tuple[float, list[IndicatorInfo]]] = {}
_lock = threading.Lock()


def _read_cache(path: Path, max_age: float) -> list[IndicatorInfo] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if time.time() - float(data["fetched"]) > max_age:
            return None
        return [IndicatorInfo(**e) for e in data["items"] if isinstance(e, dict)]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, items: list[IndicatorInfo]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = {"fetched": time.time(), "items": [asdict(i) for i in items]}
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:  # a read-only cache folder costs a refetch, never an error
        log.debug("could not cache the indicator list: %s", exc)


def builtin_indicators(
    endpoints: Endpoints | None = None, *, max_age: float = CACHE_TTL, refresh: bool = False
) -> list[IndicatorInfo]:
    """TradingView's built-in indicators (id, name, version), from the disk cache when it is
    younger than ``max_age`` seconds, else from pine-facade. Raises :class:`IndicatorError`
    when it can be neither read nor fetched."""
    endpoints = endpoints or Endpoints.from_env()
    url = list_url(endpoints)
    path = cache_path(url)
    with _lock:
        held = _memory.get(url)
        if not refresh and held and time.time() - held[0] <= max_age and path.exists():
            return list(held[1])
    cached = None if refresh else _read_cache(path, max_age)
    if cached is not None:
        items = cached
    else:
        try:
            response = http.get_with_retries(url, headers=http.browser_headers(), attempts=2)
        except http.HttpFailure as exc:
            raise IndicatorError(f"Could not fetch the indicator list: {exc.reason}.",
                                 exc.reason) from None  # fmt: skip
        if not response.ok:
            reason = http.status_reason(response.status)
            raise IndicatorError(f"Could not fetch the indicator list: {reason}.", reason)
        try:
            items = _entries(response.json())
        except ValueError as exc:
            raise IndicatorError(f"The indicator list is unreadable: {exc}", "bad reply") from None
        _write_cache(path, items)
    with _lock:
        _memory[url] = (time.time(), items)
    return list(items)


def search_indicators(
    query: str, endpoints: Endpoints | None = None, *, limit: int = 50
) -> list[IndicatorInfo]:
    """Built-in indicators whose name or id holds every word of ``query`` (case-insensitive);
    names that start with the query first. ``""`` lists them all (up to ``limit``)."""
    if not isinstance(query, str):
        raise ValueError("The indicator search text must be text")
    words = query.lower().split()
    found = [
        info
        for info in builtin_indicators(endpoints)
        if all(w in f"{info.name} {info.pine_id}".lower() for w in words)
    ]
    needle = query.strip().lower()
    found.sort(key=lambda i: (not i.name.lower().startswith(needle), i.name.lower()))
    return found[: max(0, limit)]


def search_public_scripts(
    query: str, endpoints: Endpoints | None = None, *, limit: int = 50
) -> list[IndicatorInfo]:
    """Community scripts matching ``query`` (``pubscripts-suggest-json``), not cached: each
    search asks the server (paced). ``built_in`` is False; ``PUB;`` ids may need a login."""
    if not isinstance(query, str) or not query.strip():
        raise ValueError("The public script search needs some text")
    endpoints = endpoints or Endpoints.from_env()
    url = f"{endpoints.scripts}?{urlencode({'search': query.strip()[:100]})}"
    try:
        response = http.get_with_retries(url, headers=http.browser_headers(), attempts=2)
    except http.HttpFailure as exc:
        raise IndicatorError(f"Could not search public scripts: {exc.reason}.",
                             exc.reason) from None  # fmt: skip
    try:
        data = response.json() if response.ok else None
    except ValueError:
        data = None
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        reason = http.status_reason(response.status) if not response.ok else "bad reply"
        raise IndicatorError(f"Could not search public scripts: {reason}.", reason)
    return [replace(i, built_in=False) for i in _entries(results)][: max(0, limit)]


def clear_memory() -> None:
    """Forget the in-memory copies (the disk cache stays): for tests."""
    with _lock:
        _memory.clear()
