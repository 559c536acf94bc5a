"""The simulator's market: one trade path per instrument, and the bars and quotes cut from it.

One ``Market`` per simulator, shared by every connection and by ``Simulator.bars`` (the truth
tests compare against). It holds no clock: callers pass the simulated time in. This is the
narrow interface the chart and quote sessions use: bars (history, forming) and quotes, never
the paths underneath, so every resolution and every quote comes from the same trades.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from tvtui.sim import catalog
from tvtui.sim.catalog import Instrument
from tvtui.sim.prices import (
    HISTORY_START,
    Bar,
    Grid,
    final_bars,
    forming_bar,
    grid_for,
    opens_before,
    opens_between,
    round_price,
)
from tvtui.sim.trades import DAY, TradeTree


class Market:
    """Bars and quotes of every instrument. ``history_start`` (epoch seconds) is the first
    trade of every instrument: no bar of any resolution opens before it, so a chart that pages
    back with ``request_more_data`` reaches an end, as a real listing's history does."""

    def __init__(self, seed: int, history_start: float = HISTORY_START) -> None:
        self.seed = seed
        self.history_start = max(float(history_start), float(HISTORY_START))
        self._trees: dict[str, TradeTree] = {}
        self._lock = threading.Lock()

    def _tree(self, inst: Instrument) -> TradeTree:
        with self._lock:
            tree = self._trees.get(inst.pro_name)
            if tree is None:
                tree = self._trees[inst.pro_name] = TradeTree(
                    self.seed, inst.pro_name, inst.trend_key, inst.daily_vol
                )
        return tree

    # --- bars ----------------------------------------------------------------------------------

    def bars(self, symbol: str, resolution: str, start: float, end: float) -> list[Bar]:
        """FINAL bars opening in [start, end). ``ValueError`` for an unknown symbol/resolution."""
        inst, grid = self._resolve(symbol, resolution)
        return final_bars(
            self._tree(inst), inst, grid, opens_between(grid, start, end, first=self.history_start)
        )

    def history(self, inst: Instrument, grid: Grid, before: int, count: int) -> list[Bar]:
        """The ``count`` FINAL bars that open before ``before`` (a bar open time)."""
        opens = opens_before(grid, before, count, self.history_start)
        return final_bars(self._tree(inst), inst, grid, opens)

    def forming_bar(self, inst: Instrument, grid: Grid, open_t: int, now: float) -> Bar:
        """The bar opening at ``open_t`` as it stands at ``now``."""
        return forming_bar(self._tree(inst), inst, grid, open_t, now)

    def forming(self, inst: Instrument, grid: Grid, now: float) -> Bar:
        return self.forming_bar(inst, grid, grid.open_of(now), now)

    def _resolve(self, symbol: str, resolution: str) -> tuple[Instrument, Grid]:
        inst = catalog.lookup(symbol)
        if inst is None:
            raise ValueError(f"unknown symbol {symbol!r}")
        grid = grid_for(resolution)
        if grid is None:
            raise ValueError(f"invalid resolution {resolution!r}")
        return inst, grid

    # --- quotes --------------------------------------------------------------------------------

    def last_price(self, inst: Instrument, now: float) -> float:
        """The last trade's price at ``now``: the close of every forming bar at ``now``."""
        return round_price(
            inst, inst.base_price * math.exp(self._tree(inst).price(math.floor(now)))
        )

    def quote(self, inst: Instrument, now: float) -> dict[str, Any]:
        """The moving quote fields at ``now`` (static ones come from the catalog)."""
        tree = self._tree(inst)
        base = inst.base_price
        t = math.floor(now)
        day = t // DAY * DAY
        # The day so far: the same trades as the 1D chart's forming bar.
        o, c, h, low, v = tree.stats(day, t) or (tree.price(day),) * 4 + (0.0,)
        lp = round_price(inst, base * math.exp(c))
        prev_close = round_price(inst, base * math.exp(o))
        ch = round(lp - prev_close, 10)
        decimals = max(0, len(str(inst.pricescale)) - 1)
        out: dict[str, Any] = {
            "lp": lp,
            "lp_time": int(now),
            "ch": round(ch, decimals),
            "chp": round(100.0 * ch / prev_close, 2) if prev_close else 0.0,
            "open_price": prev_close,
            "prev_close_price": prev_close,
            "high_price": round_price(inst, base * math.exp(h)),
            "low_price": round_price(inst, base * math.exp(low)),
            "bid": round_price(inst, lp - inst.tick),
            "ask": round_price(inst, lp + inst.tick),
            "rtc": None,
            "rchp": None,
            "rch": None,
        }
        if inst.has_volume:
            out["volume"] = round(v * (inst.volume_per_day or 0.0), inst.volume_decimals)
        elif inst.type == "index":
            out["volume"] = 1e100  # what the real feed reports for indices: "no volume"
        return out
