"""The chart's readout (its bottom border): one bar's values in today's number format.

Without the cursor it is the newest bar: ``O <open> H <high> L <low> C <close> V <volume>``.
With the cursor it starts with that bar's date and time and ends with the change from the
previous bar's close. Over Heikin-Ashi bars the values are still the *real* bar's, and the
readout says so (the picture's bodies are the computed ones).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tvtui.feed.events import Bar
from tvtui.ui import format as fmt


def bar_time(epoch: float, seconds: int) -> str:
    """``2024-06-10 14:35`` (intraday) or ``2024-06-10`` (days and longer), in UTC."""
    try:
        moment = datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError, TypeError):
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M" if seconds < 86400 else "%Y-%m-%d")


def ohlcv(bar: Bar, decimals: int, volume: bool) -> str:
    """``O 1.00 H 2.00 L 0.50 C 1.50 V 1.23K`` (the volume only when the symbol has one)."""
    text = (
        f"O {fmt.price(bar.open, decimals)} H {fmt.price(bar.high, decimals)} "
        f"L {fmt.price(bar.low, decimals)} C {fmt.price(bar.close, decimals)}"
    )
    return text + (f" V {fmt.compact(bar.volume)}" if volume else "")


def change(bar: Bar, previous: Bar | None, decimals: int) -> str:
    """``+12.50 (+0.11%)`` from the previous bar's close (``—`` for the oldest bar)."""
    if previous is None or not previous.close:
        return "—"
    delta = bar.close - previous.close
    return f"{fmt.signed(delta, decimals)} ({fmt.signed(delta / previous.close * 100, 2, '%')})"


def readout(
    bar: Bar,
    previous: Bar | None,
    decimals: int,
    seconds: int,
    *,
    volume: bool,
    cursor: bool,
    heikin_ashi: bool = False,
    width: int = 1000,
) -> str:
    """The readout of ``bar`` (see the module docstring), in at most ``width`` characters
    when it can: a narrow pane (80 columns) first drops the date (the time axis shows the
    cursor bar's date), then the blank between groups, then the percentage."""
    values = ohlcv(bar, decimals, volume)
    if heikin_ashi:
        values = f"real {values}"
    if not cursor:
        return values
    when = bar_time(bar.time, seconds)
    moved = change(bar, previous, decimals)
    short_when = when.split(" ")[-1]
    short_moved = moved.split(" (")[0]
    for text in (
        f"{when}  {values}  {moved}",
        f"{short_when}  {values}  {moved}",
        f"{short_when} {values} {moved}",
        f"{short_when} {values} {short_moved}",
    ):
        if len(text) <= width:
            return text
    return text
