"""``Alert`` (what to watch for) and ``Firing`` (what happened): plain values, no state.

The run-time state (armed or spent, the last side of the level) lives in the engine, so an
``Alert`` can be compared, saved, listed and shown from any thread.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tvtui.alerts.conditions import AlertError, Condition, Mode, parse_condition
from tvtui.feed.symbols import normalize_symbol
from tvtui.feed.timeframes import parse_timeframe
from tvtui.feed.untrusted import is_plain

#: A note is shown in notifications and alert lines: one short line.
MAX_NOTE = 200


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert. Build it with :meth:`Alert.parse` (which checks everything) or directly
    from a parsed :class:`Condition`.

    ``timeframe`` is the bar length of ``moving-%`` and of indicator conditions (the chart's);
    ``expires`` is epoch seconds (the feed's clock) after which it never fires; ``id`` is a
    stable key (the log and the config use it), derived from the rest when not given.
    """

    symbol: str
    condition: Condition
    mode: Mode = Mode.ONCE
    timeframe: str = "1m"
    expires: float | None = None
    note: str = ""
    id: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.id:
            key = f"{self.symbol}|{self.condition.text}|{self.timeframe}|{self.mode.value}"
            object.__setattr__(self, "id", hashlib.sha1(key.encode()).hexdigest()[:10])

    @classmethod
    def parse(
        cls,
        symbol: str,
        condition: str,
        *,
        mode: str | Mode | None = None,
        timeframe: str = "1m",
        expires: float | str | datetime | None = None,
        note: str = "",
        id: str = "",
    ) -> Alert:
        """An alert from what a person writes; ``AlertError`` (a ``ValueError``) naming the
        first problem. ``mode`` overrides a mode word at the end of ``condition``; the
        default is ``once`` (as on TradingView)."""
        try:
            key = normalize_symbol(symbol)
        except (ValueError, TypeError) as exc:
            raise AlertError(f"Alert symbol: {exc}") from None
        parsed, word_mode = parse_condition(condition)
        try:
            tf = parse_timeframe(timeframe).name
        except ValueError as exc:
            raise AlertError(f"Alert timeframe: {exc}") from None
        return cls(
            key,
            parsed,
            parse_mode(mode) if mode is not None else word_mode or Mode.ONCE,
            tf,
            parse_expiry(expires),
            check_note(note),
            check_id(id),
        )

    @property
    def text(self) -> str:
        """``SYMBOL condition mode`` as a person reads it back."""
        return f"{self.symbol} {self.condition.text} {self.mode.value}"

    def expired(self, now: float) -> bool:
        return self.expires is not None and now > self.expires


def parse_mode(value: object) -> Mode:
    if isinstance(value, str):
        key = value.strip().lower().replace("_", "-")
        if key in ("once", "every-time"):
            return Mode(key)
    raise AlertError(f"An alert's mode is 'once' or 'every-time', not {value!r}")


#: The last second of year 9999: an expiry must be a date a calendar can show.
_LAST_SECOND = 253_402_300_799


def parse_expiry(value: object) -> float | None:
    """Epoch seconds from a number, an ISO 8601 text or a datetime (naive means UTC),
    between 1970 and the end of year 9999."""
    stamp = _expiry(value)
    if stamp is not None and not 0 <= stamp <= _LAST_SECOND:
        raise AlertError(f"The expiry {value!r:.60} is not a date between 1970 and 9999")
    return stamp


def _expiry(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise AlertError(f"An alert's expiry is a date and time, not {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise AlertError(f"An alert's expiry is a date and time, not {value!r}")
        return float(value)
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise AlertError(
                f"The expiry {text[:40]!r} is not a date and time such as 2026-12-31T18:00Z"
            ) from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    raise AlertError(f"An alert's expiry is a date and time, not {type(value).__name__}")


def check_note(note: object) -> str:
    if not isinstance(note, str):
        raise AlertError(f"An alert's note is text, not {type(note).__name__}")
    if len(note) > MAX_NOTE or not is_plain(note) or "\n" in note:
        raise AlertError(f"An alert's note is one line of at most {MAX_NOTE} plain characters")
    return note


def check_id(value: object) -> str:
    if not isinstance(value, str) or len(value) > 64 or not value.replace("-", "").isalnum():
        if value == "":
            return ""
        raise AlertError(f"An alert's id is up to 64 letters, digits and dashes, not {value!r}")
    return value


def _plain_number(value: float) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


@dataclass(frozen=True, slots=True)
class Firing:
    """One alert firing. ``previous`` is the value before the crossing (for a move: the
    price it moved from); ``time`` is the feed's time of ``price`` (epoch seconds; for an
    indicator condition the open time of the bar that closed)."""

    alert: Alert
    price: float
    previous: float | None
    time: float
    level: float | list[float] | None = None
    #: decimals of the symbol's prices (from its quote's ``pricescale``) for a price
    #: condition, when the feed said; ``None``: every significant digit
    decimals: int | None = field(default=None, compare=False)

    def row(self) -> dict[str, Any]:
        """The alert line of ``tvtui stream --follow`` and of the alert log."""
        row: dict[str, Any] = {
            "type": "alert",
            "symbol": self.alert.symbol,
            "condition": self.alert.condition.text,
            "level": self.level,
            "price": self.price,
            "previous": self.previous,
            "time": _plain_number(self.time),
            "mode": self.alert.mode.value,
            "id": self.alert.id,
        }
        if self.alert.condition.closed_bar:
            row["timeframe"] = self.alert.timeframe
        if self.alert.note:
            row["note"] = self.alert.note
        return row

    def price_text(self, value: float | None) -> str:
        """``value`` (the price, the one before) as the symbol shows its prices: its own
        decimals when known (106120.2 with a pricescale of 100 is ``106120.20``), else every
        significant digit (never ``:g``'s six: 106120.23 is not ``106120``)."""
        return price_text(value, self.decimals)

    @property
    def message(self) -> str:
        """One sentence for a notification: symbol, condition, price, time."""
        try:
            when = datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        except (OverflowError, OSError, ValueError):
            when = "an unknown time"
        note = f" ({self.alert.note})" if self.alert.note else ""
        price = self.price_text(self.price)
        return f"{self.alert.symbol} {self.alert.condition.text}: {price} at {when}{note}"


def decimals_of(scale: object) -> int | None:
    """Decimals of a quote's ``pricescale`` (100 -> 2, 1 -> 0); ``None`` for anything but
    a power of ten from 1 to 10**10 (the value comes from the network)."""
    if scale.__class__ is int or scale.__class__ is float:
        for decimals in range(11):
            if scale == 10**decimals:
                return decimals
    return None


def price_text(value: float | None, decimals: int | None = None) -> str:
    """A price with ``decimals`` places, or every significant digit with no exponent."""
    if value is None or not math.isfinite(value):
        return str(value)
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return f"{value:.10g}" if abs(value) < 1e10 else f"{value:.0f}"
