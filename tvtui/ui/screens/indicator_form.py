"""The chooser's inputs form: one field per input of the highlighted chosen study, built from
its metadata (``InputSpec``), checked as you type by the library's own rules.

Why the library's rules (``feed/study_inputs.resolve``): the form must refuse exactly what
``create_study`` would be refused for, and say it next to the field, so Apply never sends a
value the library would raise on. Numbers are typed as text (an Input), so a half-typed value
("") shows why it is not valid instead of being blocked; choices are a Select; yes/no inputs
a Checkbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import AwaitMount, Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from tvtui.config.studies import StudyRef, format_value, parse_value
from tvtui.feed.study_inputs import InputSpec, resolve
from tvtui.ui.safe import shown

NUMBER_TYPES = ("integer", "float")


@dataclass
class Chosen:
    """A study in the chooser's chosen list: what it is, its inputs' metadata once fetched,
    and its fields' problems (input id -> message)."""

    uid: int
    ref: StudyRef
    specs: list[InputSpec] | None = None
    short_name: str | None = None
    problem: str | None = None  #: its metadata could not be fetched (or its inputs are bad)
    bad: dict[str, str] = field(default_factory=dict)
    #: what the fields hold (input id -> text or value), so a study shown again keeps them
    typed: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.ref.key

    def values(self) -> dict[str, Any]:
        """Input id -> current value (its override, else its default)."""
        specs = self.specs or []
        try:
            chosen = resolve(specs, self.ref.overrides, self.ref.pine_id)
        except ValueError:
            chosen = {}
        return {s.id: chosen[s.id][1] if s.id in chosen else s.default for s in specs}


def limits(spec: InputSpec) -> str:
    """``whole number 1..500`` / ``number 0.001..50``: what a number input takes."""
    kind = "whole number" if spec.type == "integer" else "number"
    low = "" if spec.min is None else format_value(spec.min).removesuffix(".0")
    high = "" if spec.max is None else format_value(spec.max).removesuffix(".0")
    return f"{kind} {low}..{high}" if (low or high) else kind


def check(spec: InputSpec, specs: list[InputSpec], text: Any, label: str) -> tuple[Any, str]:
    """(value, "") when ``text`` is valid for ``spec``, else (None, why): the library's rule."""
    value = parse_value(text.strip()) if isinstance(text, str) else text
    if spec.type in NUMBER_TYPES and isinstance(text, str) and not text.strip():
        return None, f"needs a {limits(spec)}"
    if spec.type not in NUMBER_TYPES and isinstance(text, str):
        value = text  # a source or a text input: exactly as typed
    try:
        resolve(specs, {spec.id: value}, label)
    except ValueError:
        if spec.type in NUMBER_TYPES:
            return None, f"must be a {limits(spec)}"
        return None, "must be one of " + "/".join(map(str, spec.options[:8]))
    if spec.type == "float" and isinstance(value, int):
        value = float(value)
    return value, ""


class InputsForm(VerticalScroll):
    """The fields of one :class:`Chosen` study; posts :class:`InputsForm.Changed` as they
    change (a valid value updates the study's inputs, an invalid one its problems)."""

    class Changed(Message):
        def __init__(self, entry: Chosen) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entry: Chosen | None = None
        self.fields: Vertical | None = None  #: the current entry's rows
        self._mounting: AwaitMount | None = None  #: their mount, until it is done
        self.can_focus = False

    def compose(self) -> ComposeResult:
        yield Static("Choose an indicator to set its inputs", id="form-note")

    def show(self, entry: Chosen | None, name: str) -> None:
        """The fields of ``entry`` (a note while its metadata loads or when it has none)."""
        self.entry = entry
        if self.fields is not None:
            # the new fields go in a container of their own; the old one goes once it is
            # mounted: removed mid-mount, a Select of it can look for its own option list and
            # fail (the likeliest cause of a NoMatches crash seen twice in busy runs)
            old, mounting = self.fields, self._mounting
            old.display = False
            self.fields = self._mounting = None
            self.call_later(_remove_when_mounted, old, mounting)
        note = self.query_one("#form-note", Static)
        if entry is None:
            note.update("Choose an indicator to set its inputs")
            return
        if entry.problem and entry.specs is None:
            note.update(Text(f"✗ {shown(entry.problem, 200)}"))
            return
        if entry.specs is None:
            note.update("loading its inputs…")
            return
        if not entry.specs:
            note.update("It has no inputs to set")
            return
        note.update(Text(f"Inputs of {shown(name, 80)}", style="bold"))
        values = entry.values()
        rows: list[Widget] = []
        for spec in entry.specs:
            typed = entry.typed.get(spec.id, values.get(spec.id, spec.default))
            rows.append(self._row(spec, typed))
            error = Static(entry.bad.get(spec.id, ""), classes="input-error", id=f"err-{spec.id}")
            error.display = spec.id in entry.bad
            rows.append(error)
        self.fields = Vertical(*rows, classes="input-fields")
        self._mounting = self.mount(self.fields)

    def retitle(self, name: str) -> None:
        """The study's legend changed with its inputs (``Inputs of SMA 50``)."""
        if self.entry is not None and self.entry.specs:
            note = self.query_one("#form-note", Static)
            note.update(Text(f"Inputs of {shown(name, 80)}", style="bold"))

    def _row(self, spec: InputSpec, value: Any) -> Horizontal:
        name = Label(Text(shown(spec.name, 40)), classes="input-name")
        widget: Widget
        if spec.type == "bool":
            widget = Checkbox("", bool(value), compact=True, id=f"in-{spec.id}")
        elif spec.options:
            options = [(Text(shown(str(o), 40)), o) for o in spec.options]
            start = value if value in spec.options else spec.options[0]
            widget = Select(options, value=start, allow_blank=False, compact=True,
                            id=f"in-{spec.id}")  # fmt: skip
        else:
            text = value if isinstance(value, str) else format_value(value).removesuffix(".0")
            if spec.type == "float" and isinstance(value, float):
                text = format_value(value)
            widget = Input(text, compact=True, id=f"in-{spec.id}")  # Tab in: typing replaces
        widget.tooltip = spec.describe()
        return Horizontal(name, widget, classes="input-row")

    def _spec_of(self, widget: Widget) -> InputSpec | None:
        entry = self.entry
        if entry is None or entry.specs is None or not widget.id:
            return None
        wanted = widget.id.removeprefix("in-")
        return next((s for s in entry.specs if s.id == wanted), None)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        event.stop()
        widget, fields = event.control, self.fields
        if fields is None or fields not in widget.ancestors:
            # a field of a form already replaced: its Changed (posted as it mounted) arrives
            # after the next study's fields took its place, where an input of the same id
            # would take its value (seen beside two CPU hogs: no '#err-in_0' there, a crash)
            return
        spec = self._spec_of(widget)
        entry = self.entry
        if spec is None or entry is None or entry.specs is None:
            return
        raw = event.value
        entry.typed[spec.id] = raw
        value, problem = check(spec, entry.specs, raw, entry.ref.pine_id)
        error = fields.query_one(f"#err-{spec.id}", Static)
        error.update(Text(f"✗ {problem}") if problem else "")
        error.display = bool(problem)
        widget.set_class(bool(problem), "-invalid")
        if problem:
            entry.bad[spec.id] = problem
        else:
            entry.bad.pop(spec.id, None)
            entry.ref = with_value(entry, spec, value)
        self.post_message(self.Changed(entry))


def with_value(entry: Chosen, spec: InputSpec, value: Any) -> StudyRef:
    """``entry``'s study with ``spec`` set to ``value``: inputs named by the metadata's
    snake-case names (``k=5``), and only those that differ from their default."""
    values = entry.values()
    values[spec.id] = value
    changed = {
        s.key: values[s.id]
        for s in entry.specs or []
        if s.id in values and values[s.id] != s.default
    }
    return entry.ref.with_inputs(changed)


def input_problem(entry: Chosen) -> str | None:
    """Why ``entry``'s inputs (e.g. written in the config) are not valid for its metadata."""
    try:
        resolve(entry.specs or [], entry.ref.overrides, entry.ref.pine_id)
    except ValueError as exc:
        return shown(str(exc), 300)
    return None


async def _remove_when_mounted(fields: Widget, mounting: AwaitMount | None) -> None:
    if mounting is not None:
        await mounting
    await fields.remove()
