"""Number and time formatting shared by the panes (pure functions, easy to test)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

SPARK = "▁▂▃▄▅▆▇█"


def decimals_for(quote: dict[str, Any] | None, price: float | None = None) -> int:
    """Decimals to show: from the quote's ``pricescale`` (100 -> 2), else from the price size."""
    scale = (quote or {}).get("pricescale")
    if isinstance(scale, int | float) and math.isfinite(scale) and scale >= 1:
        return max(0, min(8, round(math.log10(scale))))
    if price is None or price == 0:
        return 2
    if not isinstance(price, int | float) or not math.isfinite(price):
        return 2
    magnitude = abs(price)
    if magnitude >= 1000:
        return 2
    if magnitude >= 1:
        return 2 if magnitude >= 10 else 4
    return 6


def price(value: Any, decimals: int = 2) -> str:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "—"
    return f"{value:,.{decimals}f}"


def signed(value: Any, decimals: int = 2, suffix: str = "") -> str:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "—"
    return f"{value:+,.{decimals}f}{suffix}"


def compact(value: Any) -> str:
    """1234567 -> ``1.23M``: volumes in a narrow column."""
    if not isinstance(value, int | float) or not math.isfinite(value) or value >= 1e99:
        return "—"
    magnitude = abs(value)
    for limit, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if magnitude >= limit:
            return f"{value / limit:.2f}{unit}"
    return f"{value:.0f}" if magnitude >= 10 or value == int(value) else f"{value:.2f}"


def sparkline(values: tuple[float, ...] | list[float], width: int) -> str:
    """The last ``width`` values as block characters (flat when they do not move)."""
    tail = list(values)[-width:]
    finite = [v for v in tail if isinstance(v, int | float) and math.isfinite(v)]
    if not finite:
        return " " * len(tail)
    low, high = min(finite), max(finite)
    # Scaled by the larger magnitude first: +1e308 - (-1e308) overflows to inf, and inf/inf
    # is the NaN that int() refuses; here the span is at most 2.
    scale = max(abs(low), abs(high))
    if high - low <= 0 or scale == 0:
        return "".join(SPARK[3] if v in finite else " " for v in tail)
    low_s, span = low / scale, high / scale - low / scale
    if span <= 0 or not math.isfinite(span):
        return SPARK[3] * len(tail)
    out = []
    for v in tail:
        if isinstance(v, int | float) and math.isfinite(v):
            out.append(SPARK[max(0, min(7, int((v / scale - low_s) / span * 7.999)))])
        else:
            out.append(" ")  # a value that is not a number is a gap, not a crash
    return "".join(out)


def time_label(epoch: float, seconds: int) -> str:
    """An x-axis label fitting the bar length: ``14:35`` intraday, ``03-12`` daily, ``2024-03``."""
    try:
        moment = datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError, TypeError):
        return "—"  # a time no calendar holds (1e12 s, NaN): a gap in the labels, no crash
    if seconds < 86400:
        return moment.strftime("%H:%M")
    if seconds < 7 * 86400:
        return moment.strftime("%m-%d")
    return moment.strftime("%Y-%m")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering ``[low, high]``."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high <= low:
        return [low]
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    ticks: list[float] = []
    value = first
    while value <= high + step * 1e-9 and len(ticks) < 50:
        ticks.append(round(value, 10))
        value += step
    return ticks
