"""The simulator's market: price paths per (symbol, resolution), and quotes built on them.

One ``Market`` per simulator, shared by every connection and by ``Simulator.bars`` (the truth
tests compare against). It holds no clock: callers pass the simulated time in.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

from tvtui.sim import catalog
from tvtui.sim.catalog import Instrument
from tvtui.sim.prices import Bar, Grid, PricePath, grid_for, opens_before, opens_between
from tvtui.sim.prices import round_price as _round_price

_DAY = 86_400
QUOTE_RESOLUTION = "1"  #: quotes follow the 1-minute path, so lp matches the 1m chart


@dataclass(slots=True)
class _DayStats:
    day: int
    knot: int  #: knots < this one are folded in
    high: float
    low: float
    volume: float


class Market:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._paths: dict[tuple[str, str], PricePath] = {}
        self._days: dict[str, _DayStats] = {}
        self._prev_close: dict[tuple[str, int], float] = {}
        self._lock = threading.Lock()

    def path(self, inst: Instrument, grid: Grid) -> PricePath:
        key = (inst.pro_name, grid.resolution)
        with self._lock:
            path = self._paths.get(key)
            if path is None:
                path = self._paths[key] = PricePath(self.seed, inst, grid)
        return path

    # --- bars ----------------------------------------------------------------------------------

    def bars(self, symbol: str, resolution: str, start: float, end: float) -> list[Bar]:
        """FINAL bars opening in [start, end). ``ValueError`` for an unknown symbol/resolution."""
        inst, grid = self._resolve(symbol, resolution)
        return self.path(inst, grid).final_bars(opens_between(grid, start, end))

    def history(self, inst: Instrument, grid: Grid, before: int, count: int) -> list[Bar]:
        """The ``count`` FINAL bars that open before ``before`` (a bar open time)."""
        return self.path(inst, grid).final_bars(opens_before(grid, before, count))

    def forming(self, inst: Instrument, grid: Grid, now: float) -> Bar:
        return self.path(inst, grid).forming_bar(grid.open_of(now), now)

    def _resolve(self, symbol: str, resolution: str) -> tuple[Instrument, Grid]:
        inst = catalog.lookup(symbol)
        if inst is None:
            raise ValueError(f"unknown symbol {symbol!r}")
        grid = grid_for(resolution)
        if grid is None:
            raise ValueError(f"invalid resolution {resolution!r}")
        return inst, grid

    # --- quotes --------------------------------------------------------------------------------

    def quote(self, inst: Instrument, now: float) -> dict[str, Any]:
        """The moving quote fields at ``now`` (static ones come from the catalog)."""
        grid = grid_for(QUOTE_RESOLUTION)
        assert grid is not None
        path = self.path(inst, grid)
        base = inst.base_price
        lp = _round_price(inst, base * math.exp(path.log_price(now)))
        day = int(now // _DAY) * _DAY
        prev_close = self._prev_close.get((inst.pro_name, day))
        if prev_close is None:
            prev_close = _round_price(inst, base * math.exp(path.log_price(day)))
            if len(self._prev_close) > 10_000:
                self._prev_close.clear()
            self._prev_close[(inst.pro_name, day)] = prev_close
        stats = self._day_stats(inst, path, day, now)
        high = max(stats.high, lp)
        low = min(stats.low, lp)
        ch = round(lp - prev_close, 10)
        decimals = max(0, len(str(inst.pricescale)) - 1)
        out: dict[str, Any] = {
            "lp": lp,
            "lp_time": int(now),
            "ch": round(ch, decimals),
            "chp": round(100.0 * ch / prev_close, 2) if prev_close else 0.0,
            "open_price": prev_close,
            "prev_close_price": prev_close,
            "high_price": high,
            "low_price": low,
            "bid": _round_price(inst, lp - inst.tick),
            "ask": _round_price(inst, lp + inst.tick),
            "rtc": None,
            "rchp": None,
            "rch": None,
        }
        if inst.has_volume:
            out["volume"] = round(stats.volume, inst.volume_decimals)
        elif inst.type == "index":
            out["volume"] = 1e100  # what the real feed reports for indices: "no volume"
        return out

    def _day_stats(self, inst: Instrument, path: PricePath, day: int, now: float) -> _DayStats:
        """High, low and volume of the day so far, folded in incrementally (cheap per tick)."""
        grid = path.grid
        target = int(grid.knot(now))
        first = round(grid.knot(day))
        with self._lock:
            stats = self._days.get(inst.pro_name)
        if stats is not None and stats.day == day and stats.knot > target:
            return stats  # another connection is a tick ahead: close enough for a day range
        if stats is None or stats.day != day:
            open_price = _round_price(inst, inst.base_price * math.exp(path.log_price(day)))
            stats = _DayStats(day, first, open_price, open_price, 0.0)
        if target > stats.knot:
            xs, vols = path.values(stats.knot, target)
            base = inst.base_price
            stats.high = max(stats.high, _round_price(inst, base * math.exp(max(xs))))
            stats.low = min(stats.low, _round_price(inst, base * math.exp(min(xs))))
            stats.volume += sum(vols)
            stats.knot = target
        with self._lock:
            self._days[inst.pro_name] = stats
        return stats
