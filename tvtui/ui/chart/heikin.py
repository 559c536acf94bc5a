"""Heikin-Ashi bars from real bars (a pure function).

HA close = (O + H + L + C) / 4; HA open = (previous HA open + previous HA close) / 2, the
first one (O + C) / 2; HA high / low = the extremes of H, L, HA open and HA close. Only the
open carries history, and its weight halves with each bar, so starting a run
:data:`WARM_UP` bars before the visible ones gives the same values as starting at the oldest
bar, to the last printed digit (2^-64): the chart computes only what it shows.
"""

from __future__ import annotations

from tvtui.feed.events import Bar

#: Bars computed before the first visible one (the seed's weight is then 2^-64).
WARM_UP = 64


def heikin_ashi(bars: list[Bar]) -> list[Bar]:
    """The Heikin-Ashi bars of ``bars`` (same times, volumes and indices)."""
    out: list[Bar] = []
    ha_open = ha_close = 0.0
    for k, bar in enumerate(bars):
        ha_open = (bar.open + bar.close) / 2 if k == 0 else (ha_open + ha_close) / 2
        ha_close = (bar.open + bar.high + bar.low + bar.close) / 4
        high = max(bar.high, ha_open, ha_close)
        low = min(bar.low, ha_open, ha_close)
        out.append(Bar(bar.time, ha_open, high, low, ha_close, bar.volume, bar.index))
    return out


def heikin_ashi_range(bars: list[Bar], start: int, end: int) -> list[Bar]:
    """The Heikin-Ashi bars of ``bars[start:end]`` (warmed up on the bars before)."""
    first = max(0, start - WARM_UP)
    return heikin_ashi(bars[first:end])[start - first :]
