"""Every standard (built-in) script the simulator lists, in pine-facade's ``list`` shape.

TradingView's ``pine-facade/list?filter=standard`` answers a JSON array, one object per
built-in: ``scriptIdPart`` (the pine id), ``scriptName``, ``version`` and ``extra.kind``.
The names below are TradingView's standard indicator names as its indicator menu shows them
(written down by hand for the simulator: there is no offline copy of the live list). Ids
and versions of the ones the simulator computes come from :data:`indicators.STUDIES`; the
others get ``STD;<Name_with_underscores>`` and version ``1.0``, are listed, have metadata,
and are refused on ``create_study`` (the simulator does not compute them).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from tvtui.sim import indicators

NAMES = (
    "Accumulation/Distribution", "Advance Decline Line", "Advance Decline Ratio",
    "Advance/Decline Ratio (Bars)", "Arnaud Legoux Moving Average", "Aroon",
    "Auto Fib Extension", "Auto Fib Retracement", "Auto Pitchfork", "Average Day Range",
    "Average Directional Index", "Average True Range", "Awesome Oscillator", "Balance of Power",
    "BBTrend", "Bollinger Bands", "Bollinger Bands %b", "Bollinger BandWidth", "Bull Bear Power",
    "Chaikin Money Flow", "Chaikin Oscillator", "Chande Kroll Stop", "Chande Momentum Oscillator",
    "Chop Zone", "Choppiness Index", "Commodity Channel Index", "Connors RSI",
    "Coppock Curve", "Correlation Coefficient", "Cumulative Volume Delta",
    "Cumulative Volume Index", "Detrended Price Oscillator", "Directional Movement Index",
    "Donchian Channels", "Double EMA", "Ease of Movement", "Elder Force Index",
    "Envelope", "Fisher Transform", "Historical Volatility", "Hull Moving Average",
    "Ichimoku Cloud", "Keltner Channels", "Klinger Oscillator", "Know Sure Thing",
    "Least Squares Moving Average", "Linear Regression Channel", "Linear Regression Slope",
    "MA Cross", "Mass Index", "McGinley Dynamic", "Median", "Momentum", "Money Flow Index",
    "Moon Phases", "Moving Average Convergence Divergence", "Moving Average Exponential",
    "Moving Average Ribbon", "Moving Average Simple", "Moving Average Weighted",
    "Multi-Time Period Charts", "Net Volume", "On Balance Volume", "Open Interest",
    "Parabolic SAR", "Pivot Points High Low", "Pivot Points Standard", "Price Oscillator",
    "Price Target", "Price Volume Trend", "Rank Correlation Index", "Rate Of Change",
    "Rob Booker - Intraday Pivot Points", "Relative Strength Index",
    "Relative Vigor Index", "Relative Volatility Index", "Relative Volume at Time",
    "Rob Booker - Knoxville Divergence", "Rob Booker - Missed Pivot Points",
    "Rob Booker - Reversal", "Rob Booker - Ziv Ghost Pivots", "Rolling VWAP",
    "Seasonality", "Session Volume Profile", "SMI Ergodic Indicator", "SMI Ergodic Oscillator",
    "Smoothed Moving Average", "Standard Deviation", "Standard Error", "Standard Error Bands",
    "Stochastic", "Stochastic Momentum Index", "Stochastic RSI", "Supertrend",
    "Technical Ratings", "Time Weighted Average Price", "Trading Sessions", "Trend Strength Index",
    "Triple EMA", "TRIX", "True Strength Index", "Ultimate Oscillator", "Up/Down Volume",
    "Visible Average Price", "Visible Range Volume Profile", "Volatility Stop", "Volume",
    "Volume Delta", "Volume Oscillator", "Volume Weighted Average Price",
    "Volume Weighted Moving Average", "Vortex Indicator", "Williams Alligator",
    "Williams Fractals", "Williams Percent Range", "Woodies CCI", "Zig Zag", "52 Week High/Low",
    "Average Daily Range", "Bull Bear Power Trend", "Chaikin Volatility", "Guppy Multiple MA",
    "Ratio", "Spread", "Zero Lag EMA",
)  # fmt: skip


def _generated_id(name: str) -> str:
    return "STD;" + re.sub(r"[^0-9A-Za-z%]+", "_", name).strip("_")


@cache
def standard_scripts() -> tuple[dict[str, Any], ...]:
    """The ``pine-facade/list?filter=standard`` array (computed ones with their real ids)."""
    built_in = [s for s in indicators.STUDIES.values() if s.pine_id.startswith("STD;")]
    by_name = {s.description: s for s in built_in}
    out: dict[str, dict[str, Any]] = {}
    for name in (*(s.description for s in built_in), *NAMES):
        spec = by_name.get(name)
        pine_id = spec.pine_id if spec else _generated_id(name)
        if pine_id in out:
            continue
        out[pine_id] = {
            "scriptIdPart": pine_id,
            "scriptName": name,
            "version": spec.version if spec else "1.0",
            "scriptAccess": "open_no_auth",
            "extra": {"kind": "study", "isBuiltIn": True, "computed": spec is not None},
        }
    return tuple(out.values())


def listed(pine_id: str) -> dict[str, Any] | None:
    """The list entry of ``pine_id``; None when the simulator does not list it."""
    return next((e for e in standard_scripts() if e["scriptIdPart"] == pine_id), None)


#: A few community scripts for ``pubscripts-suggest-json`` (made up; ``PUB;`` ids are refused
#: with ``study_not_auth`` on ``create_study``, as invite-only scripts are, except the open
#: one the simulator computes: ``indicators.OPEN_SCRIPT``).
PUBLIC = (
    ("PUB;sim0001", "Squeeze Momentum Indicator [sim]", "simtrader", 12000),
    ("PUB;sim0002", "WaveTrend Oscillator [sim]", "simtrader", 8000),
    ("PUB;sim0003", "Stochastic RSI Divergences [sim]", "quantsim", 900),
    ("PUB;sim0004", "Supertrend Multi Timeframe [sim]", "quantsim", 4500),
    ("PUB;sim0005", "Moving Average Cross [sim]", "simtrader", 3000),
)


def public_scripts(search: str) -> dict[str, Any]:
    """The ``pubscripts-suggest-json`` answer: ``results`` whose name holds every word."""
    words = search.lower().split()
    return {
        "results": [
            {
                "scriptName": name,
                "scriptIdPart": pine_id,
                "version": "1",
                "author": {"id": 1, "username": author},
                "access": 1,
                "imageUrl": "",
                "agreeCount": likes,
                "isRecommended": likes > 5000,
                "extra": {"kind": "study"},
            }
            for pine_id, name, author, likes in PUBLIC
            if all(w in name.lower() for w in words)
        ]
    }
