"""A one-line question (a list's name, a section's title, a file's path), checked as typed.

Why one dialog for all of them: each is a line of text with a rule (a name not taken, a path
that exists); the rule comes in as a function that says what is wrong (None: fine), shown
under the line as it is typed, and Enter only answers once it holds.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

Check = Callable[[str], str | None]


class Prompt(ModalScreen[str | None]):
    """Returns the text typed (stripped), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self, title: str, *, value: str = "", placeholder: str = "", check: Check | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.check = check or (lambda text: None if text.strip() else "type something")

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input", max_length=300)
            yield Static("", id="prompt-status", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="prompt-ok", variant="primary")
                yield Button("Cancel", id="prompt-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._checked(self.value)

    def _checked(self, text: str) -> bool:
        problem = self.check(text) if text.strip() else "type something"
        self.query_one("#prompt-status", Static).update(problem or "")
        self.query_one("#prompt-ok", Button).disabled = problem is not None
        return problem is None

    @on(Input.Changed, "#prompt-input")
    def _changed(self, event: Input.Changed) -> None:
        self._checked(event.value)

    @on(Input.Submitted, "#prompt-input")
    @on(Button.Pressed, "#prompt-ok")
    def _answer(self) -> None:
        text = self.query_one(Input).value
        if self._checked(text):
            self.dismiss(text.strip())

    @on(Button.Pressed, "#prompt-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
