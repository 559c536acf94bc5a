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


class IndicatorScreen(ModalScreen[list[str] | None]):
    """Returns the chosen pine ids in display order, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="indicators.cancel"),
        Binding("enter", "apply", "Apply", priority=True, id="indicators.apply"),
    ]

    AUTO_FOCUS = "#indicator-list"

    def __init__(self, chosen: list[str]) -> None:
        super().__init__()
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        options = dict.fromkeys(self.chosen)
        options.update(dict.fromkeys(KNOWN_INDICATORS.values()))
        names = {v: k for k, v in KNOWN_INDICATORS.items()}
        with Vertical(id="indicator-box", classes="dialog"):
            yield Label("Indicators", classes="dialog-title")
            yield SelectionList[str](
                *[  # ids may come from the config file: a plain Text, never markup
                    (Text(shown(f"{names.get(p, p)}  ({p})", 120)), p, p in self.chosen)
                    for p in options
                ],
                id="indicator-list",
            )
            yield Static("Space toggles · Enter applies · Esc cancels", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", id="indicators-ok", variant="primary")
                yield Button("Cancel", id="indicators-cancel")

    def action_apply(self) -> None:
        focused = self.focused
        if isinstance(focused, Button) and focused.id == "indicators-cancel":
            self.dismiss(None)
        else:
            self._apply()

    @on(Button.Pressed, "#indicators-ok")
    def _apply(self) -> None:
        selected = set(self.query_one(SelectionList).selected)
        order = [p for p in self.chosen if p in selected]
        order += [p for p in self.query_one(SelectionList).selected if p not in order]
        self.dismiss(order)

    @on(Button.Pressed, "#indicators-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
