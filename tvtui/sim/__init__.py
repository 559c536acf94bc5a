"""A TradingView-compatible simulator on loopback: WebSocket feed plus HTTP endpoints.

from tvtui.sim import Simulator, SimConfig, Faults

with Simulator(SimConfig(seed=7, time_scale=60)) as sim:
    os.environ.update(sim.env())
    ...
"""

from tvtui.sim.config import Faults, SimConfig, SimStats
from tvtui.sim.server import Simulator

__all__ = ["Faults", "SimConfig", "SimStats", "Simulator"]
