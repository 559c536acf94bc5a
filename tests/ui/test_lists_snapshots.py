"""Snapshots of a list with sections, positions and its totals row, at 160x45 and 80x24, on the
frozen simulator (every price the same on every run): a long, a short, a closed position with
its realised gain, a symbol in EUR converted through FX:EURUSD, a folded section.

The default view (one plain list, no sections, no positions) is the main scenes' snapshot and
must look as it did before lists existed (tests/ui/test_snapshots.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import wait_until
from tvtui.sim import Simulator
from tvtui.ui.scenes import scene_app, settle
from tvtui.ui.watchlist_view import TOTALS
from tvtui.ui.widgets.watchlist import Watchlist

CONFIG = """
[[watchlists]]
name = "Portfolio"

[[watchlists.sections]]
title = "Crypto"
symbols = ["BINANCE:BTCUSDT", "BINANCE:ETHUSDT"]

[[watchlists.sections]]
title = "Stocks"
symbols = ["NASDAQ:AAPL", "XETR:SAP"]

[[watchlists.sections]]
title = "Watching"
symbols = ["NASDAQ:MSFT"]
folded = true

[[watchlists]]
name = "Other"

[[watchlists.sections]]
symbols = ["FX:GBPUSD"]

[[positions]]
symbol = "BINANCE:BTCUSDT"
quantity = 0.5
price = 60000
fees = 12.5

[[positions]]
symbol = "BINANCE:ETHUSDT"
quantity = 2
price = 3000

[[positions]]
symbol = "BINANCE:ETHUSDT"
quantity = -2
price = 3400

[[positions]]
symbol = "NASDAQ:AAPL"
quantity = -10
price = 210

[[positions]]
symbol = "XETR:SAP"
quantity = 20
price = 150
"""


async def with_totals(pilot) -> None:
    """The rate the EUR position needs first (while the stream runs), then the usual freeze."""
    app = pilot.app
    await wait_until(pilot, lambda: "FX:EURUSD" in app.watchlist.rates, 20, "FX:EURUSD's rate")
    await settle(pilot)
    pane = app.query_one(Watchlist)
    assert TOTALS in pane.rows and not pane.painter.holdings.totals().unconverted


@pytest.mark.parametrize("size", [(160, 45), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_sections_positions_and_totals(
    size: tuple[int, int], snap_compare, frozen_sim: Simulator, tmp_path: Path, monkeypatch
) -> None:
    env = frozen_sim.env()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    app = scene_app(env, config)
    assert snap_compare(app, run_before=with_totals, terminal_size=size)
