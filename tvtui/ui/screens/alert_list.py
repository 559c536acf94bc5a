"""The alert list (``ctrl+a``, the command palette): every alert with its state, and the recent
firings from the alert log below.

State: ``armed``, ``paused`` (out of the engine until resumed; kept in the config file,
so a restart keeps it), ``fired`` (a ``once`` alert that fired, here or in an earlier run).
Keys: ``p`` pause / resume, ``d`` delete (from the config file too), ``e`` / Enter edit (the
"new alert" dialog, filled with it), ``n`` a new one. Config values and the log are
untrusted text: every cell is plain ``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from tvtui.alerts import Alert
from tvtui.config.alerts import remove_alert, set_paused
from tvtui.config.settings import ConfigError
from tvtui.feed.untrusted import plain
from tvtui.ui.alerting import WorkerAlerts

#: Recent firings shown under the list.
RECENT = 8
COLUMNS = ("Symbol", "Condition", "Mode", "State", "Last fired", "Note")


def when(stamp: object) -> str:
    if isinstance(stamp, int | float) and not isinstance(stamp, bool) and 0 <= stamp < 2**34:
        return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M:%S")
    return ""


def last_fired(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Alert id -> time of its newest firing in the log."""
    out: dict[str, float] = {}
    for row in rows:
        ident, stamp = row.get("id"), row.get("time")
        if isinstance(ident, str) and isinstance(stamp, int | float):
            out[ident] = float(stamp)
    return out


class AlertList(ModalScreen[None]):
    """The alerts of the running engine (and the paused ones); ``edit`` opens the dialog."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="alerts.close"),
        Binding("p", "pause", "Pause/resume", id="alerts.pause"),
        Binding("d,delete", "delete", "Delete", id="alerts.delete"),
        Binding("e,enter", "edit", "Edit", id="alerts.edit"),
        Binding("n", "new", "New", id="alerts.new_in_list"),
    ]
    AUTO_FOCUS = "#alert-table"
    DEFAULT_CSS = """
    AlertList #alert-table { height: auto; max-height: 20; }
    AlertList #alert-recent { height: auto; margin-top: 1; }
    """

    def __init__(
        self,
        alerts: WorkerAlerts,
        *,
        edit: Callable[[Alert], Awaitable[None]],
        new: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__()
        self.alerts = alerts
        self.edit = edit
        self.new = new
        self.ids: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="alert-list-box", classes="dialog"):
            yield Label("Alerts", classes="dialog-title")
            table: DataTable[Text] = DataTable(
                id="alert-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns(*COLUMNS)  # now: an alert may fire before this screen is mounted
            yield table
            yield Static("", id="alert-list-note", markup=False)
            yield Static("", id="alert-recent", markup=False)
            hint = "p pause/resume · d delete · e edit · n new · esc close"
            yield Label(hint, classes="dialog-hint")

    def on_mount(self) -> None:
        # wider than the other dialogs (the app's .dialog rule wins over DEFAULT_CSS)
        self.query_one("#alert-list-box").styles.width = 128
        self.refresh_rows()

    def entries(self) -> list[tuple[Alert, str, str]]:
        """(alert, state, last fired) of every alert, config order."""
        rows = self.alerts.log.recent(10_000)
        last = last_fired(rows)
        out: list[tuple[Alert, str, str]] = []
        for alert in self.alerts.engine.alerts:
            status = self.alerts.engine.status(alert.id)
            state = "armed" if status is None or status.armed else "fired"
            stamp: float | None = last.get(alert.id)
            if status is not None and status.last is not None:
                stamp = status.last.time
            out.append((alert, state, when(stamp)))
        for alert in self.alerts.paused.values():
            out.append((alert, "paused", when(last.get(alert.id))))
        # a paused or resumed alert keeps its place (the engine appends a resumed one)
        place = self.alerts.place
        return sorted(out, key=lambda entry: place(entry[0].id))

    def refresh_rows(self) -> None:
        found = self.query(DataTable)
        if not found:  # not composed yet: on_mount fills it
            return
        table = found.first()
        row = table.cursor_row
        table.clear()
        self.ids = []
        for alert, state, stamp in self.entries():
            cells = (alert.symbol, alert.condition.text, alert.mode.value, state, stamp, alert.note)
            table.add_row(*(Text(plain(c, 80)) for c in cells), key=alert.id)
            self.ids.append(alert.id)
        if self.ids:
            table.move_cursor(row=min(max(row, 0), len(self.ids) - 1))
        note = "" if self.ids else "No alerts yet: press n (or A on the main screen)."
        self.query_one("#alert-list-note", Static).update(note)
        recent = self.alerts.log.recent(RECENT)
        lines = ["Recent firings:"] if recent else ["No firings yet."]
        for firing in reversed(recent):
            lines.append(
                f"{when(firing.get('time'))}  {plain(firing.get('symbol'), 40)} "
                f"{plain(firing.get('condition'), 60)}: {plain(firing.get('price'), 30)}"
            )
        self.query_one("#alert-recent", Static).update(Text("\n".join(lines)))

    def selected(self) -> Alert | None:
        table = self.query_one(DataTable)
        if not self.ids or not 0 <= table.cursor_row < len(self.ids):
            return None
        ident = self.ids[table.cursor_row]
        paused = self.alerts.paused.get(ident)
        if paused is not None:
            return paused
        status = self.alerts.engine.status(ident)
        return None if status is None else status.alert

    def action_pause(self) -> None:
        """Pause or resume the selected alert, in the config file too (``paused = true``):
        a restart keeps it as it is now. When the file cannot be written, nothing changes."""
        alert = self.selected()
        if alert is None:
            return
        pausing = alert.id not in self.alerts.paused
        try:
            set_paused(alert.id, pausing)
        except ConfigError as exc:
            self.query_one("#alert-list-note", Static).update(Text(plain(str(exc), 300)))
            return
        if pausing:
            self.alerts.engine.remove(alert.id)
            self.alerts.paused[alert.id] = alert
        else:
            self.alerts.paused.pop(alert.id, None)
            self.alerts.engine.add(alert)
        self.refresh_rows()

    def action_delete(self) -> None:
        alert = self.selected()
        if alert is None:
            return
        try:
            remove_alert(alert.id)
        except ConfigError as exc:
            self.query_one("#alert-list-note", Static).update(Text(plain(str(exc), 300)))
            return
        self.alerts.engine.remove(alert.id)
        self.alerts.paused.pop(alert.id, None)
        self.refresh_rows()

    async def action_edit(self) -> None:
        alert = self.selected()
        if alert is not None:
            await self.edit(alert)

    async def action_new(self) -> None:
        await self.new()

    def action_close(self) -> None:
        self.dismiss(None)
