"""Quote sessions: a snapshot of the requested fields per symbol, then only what changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tvtui.sim import catalog
from tvtui.sim.catalog import Instrument
from tvtui.sim.market import Market

Packet = dict[str, Any]

#: What a session that never called ``quote_set_fields`` gets.
DEFAULT_FIELDS = (
    "lp", "ch", "chp", "volume", "description", "local_description", "exchange", "type",
    "pro_name", "short_name", "currency_code", "update_mode", "pricescale", "minmov", "lp_time",
    "high_price", "low_price", "open_price", "prev_close_price", "current_session",
)  # fmt: skip


@dataclass(slots=True)
class _Sub:
    key: str  #: exactly what the client sent; echoed back as ``n``
    inst: Instrument
    last: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class QuoteSession:
    id: str
    market: Market
    fields: tuple[str, ...] = DEFAULT_FIELDS
    subs: dict[str, _Sub] = field(default_factory=dict)

    def set_fields(self, fields: list[Any]) -> list[Packet]:
        self.fields = tuple(f for f in fields if isinstance(f, str)) or DEFAULT_FIELDS
        return []

    def add_symbols(self, keys: list[Any], now: float) -> list[Packet]:
        out: list[Packet] = []
        for key in keys:
            if not isinstance(key, str):  # the trailing {"flags": [...]} object
                continue
            if key in self.subs:
                continue
            inst = catalog.lookup(key)
            if inst is None:
                out.append(self._qsd(key, {}, "error"))
                continue
            sub = _Sub(key, inst)
            self.subs[key] = sub
            values = self._values(sub, now)
            sub.last = values
            out.append(self._qsd(key, values))
            out.append({"m": "quote_completed", "p": [self.id, key]})
        return out

    def remove_symbols(self, keys: list[Any]) -> list[Packet]:
        for key in keys:
            self.subs.pop(key, None)
        return []

    def _values(self, sub: _Sub, now: float) -> dict[str, Any]:
        merged = {**catalog.quote_static(sub.inst), **self.market.quote(sub.inst, now)}
        return {f: merged[f] for f in self.fields if merged.get(f) is not None}

    def _qsd(self, key: str, values: dict[str, Any], status: str = "ok") -> Packet:
        body: dict[str, Any] = {"n": key, "s": status, "v": values}
        if status == "error":
            body["errmsg"] = "invalid symbol"
        return {"m": "qsd", "p": [self.id, body]}

    def tick(self, now: float) -> list[Packet]:
        """A delta ``qsd`` per symbol whose values changed since the last one sent."""
        out: list[Packet] = []
        for sub in self.subs.values():
            values = self._values(sub, now)
            changed = {k: v for k, v in values.items() if sub.last.get(k) != v}
            if changed:
                sub.last.update(changed)
                out.append(self._qsd(sub.key, changed))
        return out
