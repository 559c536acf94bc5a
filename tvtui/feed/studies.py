"""Indicator metadata from pine-facade, turned into ``create_study`` inputs.

A study on the feed needs the script's compiled text and its default inputs, which only the
pine-facade ``translate`` endpoint provides. Metadata changes rarely and is fetched again for
every chart, so it is cached per (endpoint, id, version); the cache is shared by threads (the
app's worker and the library both fetch), hence the lock. Failures are never cached, so a
transient error does not stick.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from tvtui.feed import http
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.study_inputs import InputSpec, resolve, specs_from_meta

#: The fixed ``pineFeatures`` tradingview-scraper sends.
PINE_FEATURES = {"v": '{"indicator":1,"plot":1,"ta":1}', "f": True, "t": "text"}
PROFILE = {"v": False, "f": True, "t": "bool"}


class IndicatorError(ValueError):
    """The indicator could not be fetched; ``reason`` is the server's (or the network's) word."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


@dataclass(frozen=True)
class Indicator:
    """What a study needs: ``inputs`` is the ``create_study`` inputs object as is;
    ``plot_titles[k]`` names plot ``k`` (the ``k+1``-th value of a study row)."""

    pine_id: str
    version: str
    description: str
    short_name: str
    plot_titles: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    #: The settable inputs the metadata describes (name, type, default, min/max, options).
    input_specs: tuple[InputSpec, ...] = ()
    #: The caller's overrides, by snake-case input name: ``{"rsi_length": 7}``.
    overrides: dict[str, Any] = field(default_factory=dict)
    #: Drawn over the candles on the price scale (the metadata's ``is_price_study``: moving
    #: averages, bands, a community script's lines), not in a pane of its own.
    price_study: bool = False

    @property
    def label(self) -> str:
        """How results and exports name this study: the pine id, followed by the overridden
        inputs (``STD;SMA length=50``) so the same indicator twice stays two entries."""
        if not self.overrides:
            return self.pine_id
        return " ".join([self.pine_id, *(f"{k}={v}" for k, v in self.overrides.items())])

    def with_inputs(self, overrides: Mapping[str, Any] | None) -> Indicator:
        """This indicator with ``overrides`` applied to its ``create_study`` inputs; a
        ``ValueError`` naming the valid inputs for an unknown name or a value out of range."""
        if not overrides:
            return self
        chosen = resolve(list(self.input_specs), overrides, self.pine_id)
        inputs = dict(self.inputs)
        named: dict[str, Any] = {}
        for input_id, (spec, value) in chosen.items():
            inputs[input_id] = {"v": value, "f": True, "t": spec.type}
            named[spec.key] = value
        return dataclasses.replace(self, inputs=inputs, overrides=named)


_cache: dict[tuple[str, str, str], Indicator] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def known_price_study(pine_id: str) -> bool | None:
    """Whether ``pine_id``'s metadata, once fetched (any version, any server), says it draws
    over the candles (``is_price_study``); None while none has been fetched."""
    with _cache_lock:
        found = [i.price_study for (_, cached, _), i in _cache.items() if cached == pine_id]
    return found[-1] if found else None


def _check_id(pine_id: str, version: str) -> None:
    for name, value, limit in (("Indicator id", pine_id, 200), ("Indicator version", version, 40)):
        if not isinstance(value, str) or not value.strip():
            raise IndicatorError(f"{name} is empty (e.g. STD;RSI and last).", "empty")
        if len(value) > limit or not value.isprintable():
            raise IndicatorError(
                f"{name} {value[:40]!r} is not valid: at most {limit} printable characters.",
                "invalid",
            )


def indicator_url(pine_id: str, version: str, endpoints: Endpoints) -> str:
    """``{pine}/<id>/<version>`` with ``;``, ``%``, ``/`` and spaces percent-encoded, so ids like
    ``STD;Cumulative%1Volume%1Delta`` reach the server intact."""
    return f"{endpoints.pine}/{quote(pine_id, safe='')}/{quote(version, safe='')}"


def fetch_indicator(
    pine_id: str,
    version: str = "last",
    endpoints: Endpoints | None = None,
    timeout: float = 10.0,
    attempts: int = 2,
) -> Indicator:
    """The indicator ``pine_id`` at ``version`` (``"last"`` for the newest), cached."""
    _check_id(pine_id, version)
    endpoints = endpoints or Endpoints.from_env()
    key = (endpoints.pine, pine_id, version)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    url = indicator_url(pine_id, version, endpoints)
    try:
        response = http.get_with_retries(
            url, headers=http.browser_headers(), timeout=timeout, attempts=attempts
        )
    except http.HttpFailure as exc:
        raise IndicatorError(
            f"Could not fetch indicator {pine_id} ({version}): {exc.reason}.", exc.reason
        ) from None
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get("success") is False:
        reason = str(data.get("reason") or "unknown reason")
        raise IndicatorError(f"Indicator {pine_id} ({version}) is not available: {reason}", reason)
    if not response.ok:
        reason = http.status_reason(response.status)
        raise IndicatorError(f"Could not fetch indicator {pine_id} ({version}): {reason}.", reason)
    if not isinstance(data, dict) or not isinstance(data.get("result"), dict):
        raise IndicatorError(
            f"Indicator {pine_id} ({version}): the server sent an unexpected reply.", "bad reply"
        )
    indicator = indicator_from_result(pine_id, version, data["result"])
    with _cache_lock:
        _cache.setdefault(key, indicator)
        return _cache[key]


def indicator_from_result(pine_id: str, version: str, result: dict[str, Any]) -> Indicator:
    """Build an :class:`Indicator` from pine-facade's ``result`` object."""
    meta = result.get("metaInfo")
    if not isinstance(meta, dict):
        raise IndicatorError(f"Indicator {pine_id}: metadata has no metaInfo.", "no metaInfo")
    raw_inputs = [i for i in meta.get("inputs") or [] if isinstance(i, dict)]
    text = result.get("ilTemplate")
    if not text and raw_inputs:
        text = raw_inputs[0].get("defval")
    if not isinstance(text, str) or not text:
        raise IndicatorError(f"Indicator {pine_id}: metadata has no script text.", "no text")
    pine = meta.get("pine")
    if not isinstance(pine, dict):
        pine = {}
    pine_version = str(pine.get("version") or (version if version != "last" else "1.0"))
    inputs: dict[str, Any] = {
        "text": text,
        "pineId": pine_id,
        "pineVersion": pine_version,
        "pineFeatures": dict(PINE_FEATURES),
        "__profile": dict(PROFILE),
    }
    for item in raw_inputs:
        input_id = item.get("id")
        if isinstance(input_id, str) and input_id.startswith("in_"):
            inputs[input_id] = {"v": item.get("defval"), "f": True, "t": item.get("type")}
    return Indicator(
        pine_id=pine_id,
        version=pine_version,
        description=str(meta.get("description") or pine_id),
        short_name=str(meta.get("shortDescription") or meta.get("description") or pine_id),
        plot_titles=plot_titles(meta),
        inputs=inputs,
        input_specs=tuple(specs_from_meta(meta)),
        price_study=meta.get("is_price_study") is True,
    )


def plot_titles(meta: dict[str, Any]) -> list[str]:
    """One title per entry of ``metaInfo.plots``, in order: ``styles[id].title`` when there is
    one; a plot that only colours another (it has a ``target``) is ``"<target title> <type>"``."""
    styles = meta.get("styles")
    if not isinstance(styles, dict):
        styles = {}
    plots = [p for p in meta.get("plots") or [] if isinstance(p, dict)]

    def styled(plot_id: Any) -> str | None:
        style = styles.get(plot_id)
        title = style.get("title") if isinstance(style, dict) else None
        return title if isinstance(title, str) and title else None

    titles: list[str] = []
    for plot in plots:
        plot_id = plot.get("id")
        title = styled(plot_id)
        if title is None and plot.get("target"):
            target = styled(plot["target"]) or str(plot["target"])
            title = f"{target} {plot.get('type', 'colorer')}"
        titles.append(title or str(plot_id))
    return titles
