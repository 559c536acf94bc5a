"""The help screen: every binding with the key it has now (after the config's keymap)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tvtui.ui.safe import shown

HelpRow = tuple[str, str, str, str]  # (section, keys, description, binding id)

SECTIONS = {
    "app": "General",
    "watchlist": "Watchlist",
    "chart": "Chart",
    "indicators": "Indicators",
}
ORDER = ["General", "Watchlist", "Chart", "Indicators"]


def help_rows(
    bindings: list[Binding], keymap: dict[str, str], key_display: Callable[[Binding], str]
) -> list[HelpRow]:
    """One row per binding with the keys it has after ``keymap``, grouped by its id's area."""
    rows: list[HelpRow] = []
    for binding in bindings:
        binding_id = binding.id or ""
        keys = keymap.get(binding_id, binding.key)
        section = SECTIONS.get(binding_id.split(".")[0], "General")
        description = binding.description or binding.action
        if binding_id.startswith("chart.timeframe_"):
            description = f"Timeframe {description}"
        display = shown(
            ", ".join(key_display(Binding(k.strip(), "")) for k in keys.split(",")), 60
        )  # the keys come from the config file's [keymap]
        rows.append((section, display, description, binding_id))
    rows += [
        ("Watchlist", "↑ ↓", "Select a symbol", ""),
        ("Watchlist", "enter", "Show the selected symbol on the chart (or fold a section)", ""),
        ("Watchlist", "click", "On a column header: sort by it (again: reverse)", ""),
        ("Chart", "click", "Put the cursor on the bar clicked", ""),
        ("Chart", "wheel", "Zoom in (up) / out (down) over the chart", ""),
        (
            "Chart",
            "focus",
            "← → Home End Esc move the chart's cursor whichever pane has focus "
            "(the watchlist keeps ↑ ↓ j k enter)",
            "",
        ),
        ("General", "ctrl+p", "Command palette: symbols, themes, commands", ""),
    ]
    return sorted(rows, key=lambda r: ORDER.index(r[0]) if r[0] in ORDER else len(ORDER))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
    ]

    def __init__(self, rows: list[HelpRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Label("tvtui · keys", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(self._table(), id="help-table")
            yield Static(
                'Rebind any key in config.toml under [keymap], e.g. "watchlist.add" = "plus". '
                "Ctrl+P opens the command palette.  Esc closes this.",
                id="help-footer",
                markup=False,
            )

    def _table(self) -> Text:
        text = Text()
        section = None
        key_width = max((len(r[1]) for r in self.rows), default=8) + 2
        for row_section, keys, description, binding_id in self.rows:
            if row_section != section:
                if section is not None:
                    text.append("\n")
                text.append(f"{row_section}\n", style="bold underline")
                section = row_section
            text.append(f"  {keys.ljust(key_width)}", style="bold")  # keys: from the keymap
            text.append(description)
            if binding_id:
                text.append(f"  ({binding_id})", style="dim")
            text.append("\n")
        return text

    def action_close(self) -> None:
        self.dismiss(None)
