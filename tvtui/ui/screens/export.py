"""The export dialog: JSON or CSV, and the folder. The app does the writing in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static


@dataclass(frozen=True)
class ExportRequest:
    fmt: str  # "json" | "csv"
    folder: Path


class ExportScreen(ModalScreen[ExportRequest | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]
    AUTO_FOCUS = "#export-ok"

    def __init__(self, summary: str, fmt: str, folder: Path) -> None:
        super().__init__()
        self.summary = summary
        self.fmt = fmt
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="dialog"):
            yield Label("Export the visible session", classes="dialog-title")
            yield Static(self.summary, id="export-summary", markup=False)
            with RadioSet(id="export-format"):
                yield RadioButton("JSON", value=self.fmt == "json", id="fmt-json")
                yield RadioButton("CSV", value=self.fmt == "csv", id="fmt-csv")
            yield Label("Folder")
            yield Input(str(self.folder), id="export-folder")
            yield Static("", id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", id="export-ok", variant="primary")
                yield Button("Cancel", id="export-cancel")

    def _request(self) -> ExportRequest | None:
        pressed = self.query_one(RadioSet).pressed_button
        fmt = "csv" if pressed is not None and pressed.id == "fmt-csv" else "json"
        text = self.query_one("#export-folder", Input).value.strip()
        if not text:
            self.query_one("#export-error", Static).update("Choose a folder.")
            return None
        return ExportRequest(fmt, Path(text).expanduser())

    @on(Button.Pressed, "#export-ok")
    @on(Input.Submitted, "#export-folder")
    def _ok(self) -> None:
        request = self._request()
        if request is not None:
            self.dismiss(request)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
