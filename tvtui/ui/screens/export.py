"""The export dialog: JSON or CSV, and the folder. The app does the writing in a worker.

Focus starts on the format choice, where the arrows move the choice itself (the highlighted
format is the selected one; Textual's RadioSet keeps a cursor apart from the selection).
Enter exports from anywhere but the Cancel button. The dialog stays open until the file is
written: a failed export shows its reason here, so the person can pick another folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from tvtui.feed.untrusted import plain


@dataclass(frozen=True)
class ExportRequest:
    fmt: str  # "json" | "csv"
    folder: Path
    what: str = "session"  # "session" (the chart) | "watchlist" (the shown list, positions)


class FormatChoice(RadioSet):
    """A RadioSet whose arrows select (not only highlight) the next format; Enter exports.

    Enter is this widget's binding, not a priority one on the screen: those run as the key
    arrives, before keys typed ahead of it, so "Down Enter" exported the old format."""

    BINDINGS = [Binding("enter", "screen.export", "Export", show=False)]

    #: the chosen format's button id, known at once (RadioSet learns it from a message,
    #: after any key typed right behind the arrow)
    chosen = "fmt-json"

    def action_next_button(self) -> None:
        super().action_next_button()
        self._choose_lit()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self._choose_lit()

    def _choose_lit(self) -> None:
        lit = next((b for b in self.query(RadioButton) if b.has_class("-selected")), None)
        if lit is not None:
            self.chosen = lit.id or self.chosen
            if not lit.value:
                lit.toggle()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.chosen = event.pressed.id or self.chosen  # a click


class ExportScreen(ModalScreen[Path | None]):
    """Returns the written file's path, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        Binding("enter", "export", "Export", id="export.confirm"),
    ]
    AUTO_FOCUS = "#export-format"

    def __init__(
        self,
        summary: str,
        fmt: str,
        folder: Path,
        run: Callable[[ExportRequest, ExportScreen], None] | None = None,
        watchlist: str | None = None,
    ) -> None:
        super().__init__()
        #: the shown list's summary: offers "watchlist" beside "chart session" (None: not)
        self.watchlist = watchlist
        self.summary = summary
        self.fmt = fmt
        self.folder = folder
        #: the app's writer: called with the request; it calls done() or failed() later
        self.run = run
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="dialog"):
            yield Label("Export the visible session", classes="dialog-title")
            yield Static(self.summary, id="export-summary", markup=False)
            if self.watchlist is not None:
                with FormatChoice(id="export-what"):
                    yield RadioButton("Chart session", id="what-session", value=True)
                    yield RadioButton(f"Watchlist: {self.watchlist}", id="what-watchlist")
            with FormatChoice(id="export-format"):
                yield RadioButton("JSON", id="fmt-json")
                yield RadioButton("CSV", id="fmt-csv")
            yield Label("Folder")
            yield Input(str(self.folder), id="export-folder")
            yield Static("", id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", id="export-ok", variant="primary")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.call_after_refresh(self._light_the_chosen)

    def _light_the_chosen(self) -> None:
        """The arrows start from the chosen format, lit as chosen (not from the first one)."""
        # Pressed once mounted, through the set: it then lights the pressed one (a value given
        # in compose is pressed before the set counts it, leaving the cursor elsewhere).
        chosen = "fmt-csv" if self.fmt == "csv" else "fmt-json"
        self.query_one("#export-format", FormatChoice).chosen = chosen
        self.query_one(f"#{chosen}", RadioButton).value = True

    def _request(self) -> ExportRequest | None:
        fmt = (
            "csv" if self.query_one("#export-format", FormatChoice).chosen == "fmt-csv" else "json"
        )
        text = self.query_one("#export-folder", Input).value.strip()
        if not text:
            self.failed("Choose a folder.")
            return None
        what = "session"
        if self.watchlist is not None:
            chosen = self.query_one("#export-what", FormatChoice).chosen
            what = "watchlist" if chosen == "what-watchlist" else "session"
        return ExportRequest(fmt, Path(text).expanduser(), what)

    def action_export(self) -> None:
        focused = self.focused
        if isinstance(focused, Button) and focused.id == "export-cancel":
            self.dismiss(None)
        else:
            self._ok()

    @on(Button.Pressed, "#export-ok")
    @on(Input.Submitted, "#export-folder")
    def _ok(self) -> None:
        if self.busy:
            return
        request = self._request()
        if request is None:
            return
        if self.run is None:
            self.dismiss(None)
            return
        self.busy = True
        self.query_one("#export-error", Static).update("Exporting…")
        self.run(request, self)

    def done(self, path: Path) -> None:
        """The file is written: close with its path."""
        self.busy = False
        self.dismiss(path)

    def failed(self, reason: str) -> None:
        """The export failed: stay open and say why (the folder can be changed)."""
        self.busy = False
        self.query_one("#export-error", Static).update(Text(plain(reason)))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
