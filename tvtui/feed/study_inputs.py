"""An indicator's inputs (from pine-facade metadata) and a caller's overrides of them.

Why a module of its own: the same checks serve the library (``indicators=[("STD;RSI", "37.0",
{"length": 7})]``) and, later, the app's input form, and they must run before anything is sent
so a typo is a ``ValueError`` that names the valid inputs, never a study computed with the
default the caller did not want.

A caller names an input by its id (``in_0``), by its name in snake case (``rsi_length`` for
"RSI Length"), or by one word of its name (``length``, ``fast``, ``signal``); a word shared by
several inputs means the first of them, in the metadata's order (RSI's ``length`` is "RSI
Length", not "MA Length"), which is the one a trader means.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tvtui.feed.untrusted import plain

#: Input types a caller may set (the hidden ``text``/``pineId`` ones are not inputs to change).
_SETTABLE = {"integer", "float", "bool", "source", "string", "text", "session", "resolution"}


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One input as pine-facade describes it: ``id`` (``in_0``), ``name`` ("RSI Length"),
    ``type``, ``default``, ``min``/``max`` (numbers) and ``options`` (allowed values)."""

    id: str
    name: str
    type: str
    default: Any
    min: float | None = None
    max: float | None = None
    options: tuple[Any, ...] = ()

    @property
    def key(self) -> str:
        """The snake-case name a caller may use: ``rsi_length`` for "RSI Length"."""
        return snake(self.name) or self.id

    def describe(self) -> str:
        """``rsi_length (integer 1..2000, default 14)``: for error messages and help."""
        detail = self.type
        if self.min is not None or self.max is not None:
            detail += f" {_num(self.min)}..{_num(self.max)}"
        if self.options:
            detail += " one of " + "/".join(map(str, self.options))
        return f"{self.key} ({detail}, default {self.default!r})"


def snake(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def specs_from_meta(meta: Mapping[str, Any]) -> list[InputSpec]:
    """The settable ``in_N`` inputs of ``metaInfo`` (untrusted: shapes checked, text bounded)."""
    out: list[InputSpec] = []
    for item in meta.get("inputs") or []:
        if not isinstance(item, dict) or item.get("isHidden") is True:
            continue
        input_id = item.get("id")
        if not isinstance(input_id, str) or not input_id.startswith("in_"):
            continue
        kind = str(item.get("type") or "")
        options = item.get("options")
        out.append(
            InputSpec(
                id=plain(input_id, 20),
                name=plain(str(item.get("name") or input_id), 80),
                type=kind,
                default=item.get("defval"),
                min=_number(item.get("min")),
                max=_number(item.get("max")),
                options=tuple(options[:200]) if isinstance(options, list) else (),
            )
        )
    return out


def _find(specs: list[InputSpec], name: str) -> InputSpec | None:
    wanted = snake(name)
    for match in (
        lambda s: s.id == name,
        lambda s: s.key == wanted,
        lambda s: wanted in s.key.split("_"),
    ):
        found = next((s for s in specs if match(s)), None)
        if found is not None:
            return found
    return None


def _checked(spec: InputSpec, value: Any, label: str) -> Any:
    """``value`` converted to what ``spec`` takes, or a ``ValueError`` saying what it takes."""
    bad = f"Input {spec.key} of {label} must be {spec.describe()}, not {value!r}"
    if spec.type in ("integer", "float"):
        number = _number(value)
        if number is None or (spec.type == "integer" and not number.is_integer()):
            raise ValueError(bad)
        if (spec.min is not None and number < spec.min) or (
            spec.max is not None and number > spec.max
        ):
            raise ValueError(bad)
        return int(number) if spec.type == "integer" else number
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ValueError(bad)
        return value
    if spec.options and value not in spec.options:
        raise ValueError(bad)
    if spec.type not in _SETTABLE or not isinstance(value, str):
        raise ValueError(bad)
    return value


def resolve(
    specs: list[InputSpec], overrides: Mapping[str, Any], label: str
) -> dict[str, tuple[InputSpec, Any]]:
    """``{input id: (spec, checked value)}`` for ``overrides``; a ``ValueError`` naming the
    valid inputs for a name that is none of them, or the allowed range for a bad value."""
    out: dict[str, tuple[InputSpec, Any]] = {}
    for name, value in overrides.items():
        spec = _find(specs, name) if isinstance(name, str) else None
        if spec is None:
            valid = ", ".join(s.describe() for s in specs) or "none"
            raise ValueError(f"{label} has no input {name!r}; its inputs are: {valid}")
        out[spec.id] = (spec, _checked(spec, value, label))
    return out
