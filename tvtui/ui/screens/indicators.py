"""Choose the indicators shown under the chart."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList, Static

from tvtui.config import KNOWN_INDICATORS
from tvtui.ui.safe import shown


class StudyList(SelectionList[str]):
    """A SelectionList whose Space toggles the option highlighted when the key arrives.

    Textual's own toggles the option highlighted when its ``OptionSelected`` message is
    handled, later: in a burst (``Down Space Down Space``) the cursor has moved on by then,
    so one item was toggled twice and the other never.
    """

    #: Enter applies (the list's own Enter would toggle). A widget binding, not a priority
    #: one on the screen: priority bindings run as the key arrives, before the keys typed
    #: ahead of it reach the list, so "Space Enter" applied the choice before the Space.
    BINDINGS = [Binding("enter", "screen.apply", "Apply", show=False)]

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted))


class IndicatorScreen(ModalScreen[list[str] | None]):
    """Returns the chosen pine ids in display order, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="indicators.cancel"),
        Binding("enter", "apply", "Apply", id="indicators.apply"),
    ]

    AUTO_FOCUS = "#indicator-list"

    def __init__(
        self, chosen: list[str], limit: int | None = None, account: str = "this account"
    ) -> None:
        super().__init__()
        self.chosen = chosen
        #: studies per chart the account may run (None: not known until the server says)
        self.limit = limit
        self.account = account

    def compose(self) -> ComposeResult:
        options = dict.fromkeys(self.chosen)
        options.update(dict.fromkeys(KNOWN_INDICATORS.values()))
        names = {v: k for k, v in KNOWN_INDICATORS.items()}
        with Vertical(id="indicator-box", classes="dialog"):
            yield Label("Indicators", classes="dialog-title")
            yield StudyList(
                *[  # ids may come from the config file: a plain Text, never markup
                    (Text(shown(f"{names.get(p, p)}  ({p})", 120)), p, p in self.chosen)
                    for p in options
                ],
                id="indicator-list",
            )
            yield Static(self.limit_text(len(self.chosen)), id="indicator-limit")
            yield Static("Space toggles · Enter applies · Esc cancels", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", id="indicators-ok", variant="primary")
                yield Button("Cancel", id="indicators-cancel")

    def limit_text(self, count: int) -> str:
        """How many studies are ticked against how many the chart may run, and what to do."""
        if self.limit is None:
            return f"{count} in use"
        if count <= self.limit:
            return f"{count} of {self.limit} in use"
        extra = count - self.limit
        return (
            f"{count} of {self.limit} in use: untick {extra} "
            f"({self.account} runs {self.limit} per chart)"
        )

    @property
    def over_limit(self) -> bool:
        count = len(self.query_one(SelectionList).selected)
        return self.limit is not None and count > self.limit

    def on_mount(self) -> None:
        self._show_count()

    @on(SelectionList.SelectedChanged)
    def _show_count(self) -> None:
        count = len(self.query_one(SelectionList).selected)
        label = self.query_one("#indicator-limit", Static)
        label.update(self.limit_text(count))
        label.set_class(self.over_limit, "-error")

    def action_apply(self) -> None:
        focused = self.focused
        if isinstance(focused, Button) and focused.id == "indicators-cancel":
            self.dismiss(None)
        else:
            self._apply()

    @on(Button.Pressed, "#indicators-ok")
    def _apply(self) -> None:
        if self.over_limit:  # the server would refuse the extra ones: say what to untick
            self.app.bell()
            self.query_one("#indicator-limit").add_class("-error")
            return
        selected = set(self.query_one(SelectionList).selected)
        order = [p for p in self.chosen if p in selected]
        order += [p for p in self.query_one(SelectionList).selected if p not in order]
        self.dismiss(order)

    @on(Button.Pressed, "#indicators-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
