"""Alert conditions in TradingView's words, parsed strictly from one line of text.

Why text: the same line is what a person types after ``--alert``, what the config file's
``condition = "..."`` holds and what an alert line prints back, so there is one grammar:

    [rsi | macd] WORD OPERAND [OPERAND] [once | every-time]

- ``crossing`` / ``crossing-up`` / ``crossing-down`` LEVEL, ``greater-than`` / ``less-than``
  LEVEL: on the last price (or on the RSI or MACD line when prefixed);
- ``entering-channel`` / ``exiting-channel`` LOW HIGH (LOW below HIGH);
- ``moving-up-%`` / ``moving-down-%`` P N: the price moved by at least P % within the last N
  bars of the alert's timeframe (price only);
- ``macd crossing signal`` (also ``-up`` / ``-down``): the MACD line crossing its signal line.

A prefixed (indicator) condition is judged on closed bars only; a price condition on every
tick. Anything else raises :class:`AlertError`, a ``ValueError`` whose message names the word
or number at fault.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from tvtui.feed.untrusted import plain


class AlertError(ValueError):
    """An alert that cannot be used; the message says which part and why, for a person."""


class Word(StrEnum):
    CROSSING = "crossing"
    CROSSING_UP = "crossing-up"
    CROSSING_DOWN = "crossing-down"
    GREATER_THAN = "greater-than"
    LESS_THAN = "less-than"
    ENTERING_CHANNEL = "entering-channel"
    EXITING_CHANNEL = "exiting-channel"
    MOVING_UP = "moving-up-%"
    MOVING_DOWN = "moving-down-%"


class Source(StrEnum):
    """What a condition watches: the last price, or a plot of an indicator on closed bars."""

    PRICE = "price"
    RSI = "rsi"
    MACD = "macd"


class Mode(StrEnum):
    ONCE = "once"  #: fires once, then is disarmed
    EVERY_TIME = "every-time"  #: fires again after the value went back over the level


#: The pine id of the study an indicator source reads.
STUDY_IDS: dict[Source, str] = {Source.RSI: "STD;RSI", Source.MACD: "STD;MACD"}
CROSSINGS = frozenset({Word.CROSSING, Word.CROSSING_UP, Word.CROSSING_DOWN})
CHANNELS = frozenset({Word.ENTERING_CHANNEL, Word.EXITING_CHANNEL})
MOVING = frozenset({Word.MOVING_UP, Word.MOVING_DOWN})
#: The operand of ``macd crossing signal``.
SIGNAL = "signal"
_MAX_TEXT = 200
_MAX_BARS = 5000


@dataclass(frozen=True, slots=True)
class Condition:
    """One parsed condition. ``levels``: one level, or (low, high) for a channel, or
    (percent,) for a move; empty for ``macd crossing signal``. ``bars``: N of a move."""

    word: Word
    levels: tuple[float, ...] = ()
    source: Source = Source.PRICE
    bars: int = 0

    @property
    def closed_bar(self) -> bool:
        """Indicator conditions wait for the bar to close; price conditions fire on the tick."""
        return self.source is not Source.PRICE

    @property
    def signal_line(self) -> bool:
        return self.source is Source.MACD and not self.levels

    @property
    def level(self) -> float | list[float] | None:
        """The level as an alert line prints it: a number, [low, high] for a channel, the
        percent of a move, ``None`` for the signal line (the line moves)."""
        if not self.levels:
            return None
        return self.levels[0] if len(self.levels) == 1 else list(self.levels)

    @property
    def text(self) -> str:
        """The canonical spelling (``parse_condition(c.text) == c``)."""
        parts = [] if self.source is Source.PRICE else [self.source.value]
        parts.append(self.word.value)
        if self.signal_line:
            parts.append(SIGNAL)
        parts += [_number(v) for v in self.levels]
        if self.word in MOVING:
            parts.append(str(self.bars))
        return " ".join(parts)

    def __str__(self) -> str:
        return self.text


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def parse_condition(text: str) -> tuple[Condition, Mode | None]:
    """The condition in ``text`` and its mode word when it ends with one (else ``None``).

    ``AlertError`` naming the problem: an unknown word, a level that is not a number, a
    channel whose bounds are reversed, a missing or extra operand.
    """
    if not isinstance(text, str):
        raise AlertError(f"A condition is text such as 'crossing-up 110000', not {text!r}")
    shown = plain(text, _MAX_TEXT)
    if len(text) > _MAX_TEXT:
        raise AlertError(f"The condition {shown!r} is longer than {_MAX_TEXT} characters")
    tokens = text.lower().split()
    if not tokens:
        raise AlertError("The condition is empty; e.g. 'crossing-up 110000'")
    mode = None
    if tokens[-1] in ("once", "every-time", "every_time"):
        mode = Mode.ONCE if tokens.pop() == "once" else Mode.EVERY_TIME
    source = Source.PRICE
    if tokens and tokens[0] in (Source.RSI, Source.MACD):
        source = Source(tokens.pop(0))
    if not tokens:
        raise AlertError(f"{shown!r} has no condition word; known: {_known()}")
    word_text, operands = tokens[0], tokens[1:]
    try:
        word = Word(word_text)
    except ValueError:
        raise AlertError(
            f"Unknown condition word {plain(word_text, 40)!r} in {shown!r}; known: {_known()}"
        ) from None
    return _build(word, source, operands, shown), mode


def _known() -> str:
    return ", ".join(w.value for w in Word) + " (prefix rsi or macd for an indicator)"


def _build(word: Word, source: Source, operands: list[str], shown: str) -> Condition:
    if source is not Source.PRICE and word in MOVING:
        raise AlertError(f"{word.value} watches the price; {source.value} cannot use it")
    if source is Source.MACD and word in CROSSINGS and operands == [SIGNAL]:
        return Condition(word, (), source)
    wanted = 2 if word in CHANNELS or word in MOVING else 1
    if len(operands) != wanted:
        what = {
            1: "one level",
            2: "two numbers: percent and bars" if word in MOVING else "two levels: low and high",
        }[wanted]
        raise AlertError(
            f"{word.value} takes {what}; {shown!r} has {len(operands) or 'none'}"
            + ("" if len(operands) else f" (e.g. '{_example(word)}')")
        )
    if word in MOVING:
        percent = _level(operands[0], shown)
        if percent <= 0:
            raise AlertError(f"{word.value} needs a positive percent, not {operands[0]!r}")
        bars = _bars(operands[1], shown)
        return Condition(word, (percent,), source, bars)
    levels = tuple(_level(o, shown) for o in operands)
    if word in CHANNELS and levels[0] >= levels[1]:
        raise AlertError(
            f"The channel's bounds are reversed or equal in {shown!r}: the low "
            f"({_number(levels[0])}) must be below the high ({_number(levels[1])})"
        )
    return Condition(word, levels, source)


def _example(word: Word) -> str:
    if word in CHANNELS:
        return f"{word.value} 100 110"
    if word in MOVING:
        return f"{word.value} 5 10"
    return f"{word.value} 110000"


def _level(token: str, shown: str) -> float:
    try:
        value = float(token.replace("_", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise AlertError(f"The level {plain(token, 40)!r} in {shown!r} is not a number")
    return value


def _bars(token: str, shown: str) -> int:
    if not token.isdigit() or not 1 <= int(token) <= _MAX_BARS:
        raise AlertError(
            f"The bar count {plain(token, 40)!r} in {shown!r} must be a whole number "
            f"from 1 to {_MAX_BARS}"
        )
    return int(token)
