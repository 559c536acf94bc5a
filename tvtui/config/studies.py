"""A chart study as a person writes it: an indicator and the inputs they changed.

``"RSI"``, ``"SMA length=50"``, ``"STD;Stochastic_RSI k=5"``, ``"STD;RSI@37.0 length=7"``: the
indicator (a short name of :data:`KNOWN_INDICATORS` or a pine id, optionally ``@version``)
followed by ``name=value`` pairs (values quoted as in a shell when they hold spaces).

Why a string: the same text is the study's identity everywhere (the config's ``indicators``,
``state.json``, the panes, the stream worker, the export's column names, ``tvtui stream
--indicator``), so the same indicator twice with other inputs ("SMA length=50" and "SMA
length=200") is two studies, and an old plain entry ("RSI", "STD;CCI") is a study with its
defaults. The names are checked against the indicator's metadata (``feed/study_inputs.py``)
when it is fetched, not here: this module knows the syntax, not the inputs.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from tvtui.feed.studies import Indicator
from tvtui.feed.study_inputs import InputSpec

#: Short names a person can write for the standard TradingView scripts.
KNOWN_INDICATORS: dict[str, str] = {
    "RSI": "STD;RSI",
    "MACD": "STD;MACD",
    "CCI": "STD;CCI",
    "SMA": "STD;SMA",
    "EMA": "STD;EMA",
    "BB": "STD;Bollinger_Bands",
}
#: Legend names of the defaults, as TradingView's legend shows them (the numbers are inputs).
SHORT_NAMES = {
    "STD;RSI": "RSI 14",
    "STD;MACD": "MACD 12 26 9",
    "STD;SMA": "SMA 9",
    "STD;EMA": "EMA 9",
    "STD;Bollinger_Bands": "BB 20 2",
}
#: Longest study text accepted (a config or state entry, a command-line argument).
MAX_STUDY_TEXT = 400
#: Inputs one study may set.
MAX_INPUTS = 20


def pine_id(name: str) -> str:
    """``RSI`` -> ``STD;RSI``; a full pine id (``STD;MACD``, ``PUB;abc``) passes through."""
    return KNOWN_INDICATORS.get(name.strip().upper(), name.strip())


@dataclass(frozen=True, slots=True)
class StudyRef:
    """One chart study: ``pine_id``, the ``inputs`` changed (name, value; in the order written)
    and the script ``version`` (``last``: the newest)."""

    pine_id: str
    inputs: tuple[tuple[str, Any], ...] = ()
    version: str = "last"

    @property
    def overrides(self) -> dict[str, Any]:
        return dict(self.inputs)

    @property
    def key(self) -> str:
        """The study's identity and its text: ``STD;SMA length=50`` (``STD;SMA`` with none)."""
        head = self.pine_id if self.version == "last" else f"{self.pine_id}@{self.version}"
        return " ".join([head, *(f"{name}={format_value(v)}" for name, v in self.inputs)])

    def with_inputs(self, inputs: Mapping[str, Any]) -> StudyRef:
        return StudyRef(self.pine_id, tuple(inputs.items()), self.version)


def format_value(value: Any) -> str:
    """An input value as the syntax writes it: ``50``, ``2.5``, ``true``, ``hl2``, ``'a b'``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    text = str(value)
    return shlex.quote(text) if text != shlex.quote(text) else text


def parse_value(text: str) -> Any:
    """``50`` -> 50, ``2.5`` -> 2.5, ``true``/``false`` -> bool, anything else as text."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_study(text: str) -> StudyRef:
    """``"SMA length=50"`` -> ``StudyRef("STD;SMA", (("length", 50),))``; a ``ValueError``
    saying what is wrong for anything else."""
    if not isinstance(text, str):
        raise ValueError("an indicator must be text such as 'RSI' or 'SMA length=50'")
    if len(text) > MAX_STUDY_TEXT:  # control characters are shown as text, never obeyed
        raise ValueError(f"indicator {text[:40]!r}… is longer than {MAX_STUDY_TEXT} characters")
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"indicator {text!r}: {exc}") from None
    if not words:
        raise ValueError("an indicator is empty")
    head, *pairs = words
    if "=" in head:
        raise ValueError(f"indicator {text!r} must start with its name, e.g. 'SMA length=50'")
    name, _, version = head.partition("@")
    if not name:
        raise ValueError(f"indicator {text!r} has no name before '@'")
    if len(pairs) > MAX_INPUTS:
        raise ValueError(f"indicator {text!r} sets more than {MAX_INPUTS} inputs")
    inputs: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise ValueError(f"indicator {text!r}: {pair!r} must be name=value (e.g. length=50)")
        inputs[key] = parse_value(value)
    return StudyRef(pine_id(name), tuple(inputs.items()), version or "last")


def study_pine_id(key: str) -> str:
    """The pine id of a study key (``STD;SMA length=50`` -> ``STD;SMA``), without parsing."""
    return key.split(" ", 1)[0].split("@", 1)[0]


def normalise(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """Study keys of ``texts`` (duplicates dropped, order kept) and a sentence per bad one."""
    keys: list[str] = []
    problems: list[str] = []
    for text in texts:
        if not text.strip():
            continue
        try:
            keys.append(parse_study(text).key)
        except ValueError as exc:
            problems.append(f"indicators: {exc}; left out")
    return list(dict.fromkeys(keys)), problems


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def legend_name(
    ref: StudyRef, short_name: str | None = None, specs: Iterable[InputSpec] = ()
) -> str:
    """The legend's title: the short name and the number inputs, as TradingView's legend
    (``SMA 50``, ``Stoch RSI 5 3 14 14``). Defaults shown as the default legends are (``RSI 14``,
    ``MACD 12 26 9``); a changed input is always shown. Without metadata (``specs``) the
    changed values follow the short name."""
    default = SHORT_NAMES.get(ref.pine_id)
    base = short_name or (default.split()[0] if default else None)
    base = base or ref.pine_id.removeprefix("STD;").replace("_", " ")
    specs = list(specs)
    given = ref.overrides
    if not specs:
        if not given:
            return default or base
        return " ".join([base, *(_number(v) for v in given.values())])
    from tvtui.feed.study_inputs import resolve  # the library's own name matching

    try:
        chosen = resolve(specs, given, ref.pine_id)
    except ValueError:
        chosen = {}
    numbers = [s for s in specs if s.type in ("integer", "float")]
    values = [chosen[s.id][1] if s.id in chosen else s.default for s in numbers]
    shown = len(default.split()) - 1 if default else len(numbers)
    for index, spec in enumerate(numbers):
        if spec.id in chosen:
            shown = max(shown, index + 1)
    texts = [_number(v) for v in values[:shown]]
    texts += [format_value(v) for i, (s, v) in chosen.items() if s.type not in ("integer", "float")]
    return " ".join([base, *texts])


@dataclass(frozen=True)
class ChartStudy(Indicator):
    """An indicator with its inputs applied, and ``key``: the study's identity in the app
    (``STD;SMA length=50``, ``config/studies.py``), so the same indicator twice with other
    inputs is two studies on the chart, two legends and two export columns."""

    key: str = ""

    @classmethod
    def of(cls, indicator: Indicator, key: str) -> ChartStudy:
        values = {f.name: getattr(indicator, f.name) for f in fields(indicator)}
        return cls(**{**values, "key": key})


def study_key(indicator: Indicator) -> str:
    """The app's key of a study (the library's label for a plain :class:`Indicator`)."""
    return indicator.key if isinstance(indicator, ChartStudy) and indicator.key else indicator.label


def load_study(key: str, endpoints: Any = None, timeout: float = 10.0) -> ChartStudy:
    """The study ``key`` ready for ``create_study``: its metadata (cached by the library) with
    its inputs applied. ``IndicatorError`` when the metadata cannot be had, ``ValueError``
    naming the valid inputs for an input it does not have or a value out of range."""
    from tvtui.feed.studies import fetch_indicator

    ref = parse_study(key)
    indicator = fetch_indicator(ref.pine_id, ref.version, endpoints, timeout)
    return ChartStudy.of(indicator.with_inputs(ref.overrides), key)


def study_legend(study: ChartStudy) -> str:
    """The legend title of a loaded study (its metadata's short name and inputs)."""
    return legend_name(parse_study(study.key), study.short_name, study.input_specs)
