"""tvtui: a terminal workstation and a Python client for TradingView's real-time feed."""

__version__ = "0.1.0"
