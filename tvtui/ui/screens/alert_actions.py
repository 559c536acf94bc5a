"""The main screen's alert work: ``A`` (new alert), ``ctrl+a`` (the list), and what happens
when one fires.

A mixin of :class:`tvtui.ui.screens.main.MainScreen` (one job per module). The alerts
themselves run in the stream worker (``ui/alerting.py``); this side adds, edits and lists
them through the worker's engine (its ``add`` / ``remove`` / ``status`` are safe from the UI
thread) and the config file.

When one fires: a notification saying what happened (symbol, condition, price, time; all
plain text), the terminal bell, and a desktop notification (OSC 9 / OSC 777) where the
terminal shows one (:mod:`tvtui.alerts.desktop`: Textual has no public API for such a
sequence, so it goes to the controlling terminal in one write; only when the app draws to a
real terminal, never in the browser nor headless).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tvtui.alerts import Alert, Firing, Source
from tvtui.alerts.conditions import MOVING
from tvtui.ui import messages as msg
from tvtui.ui.alerting import SubscribeAlerts, WorkerAlerts
from tvtui.ui.screens.alert_dialog import AlertDialog
from tvtui.ui.screens.alert_list import AlertList
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.watchlist import Watchlist

if TYPE_CHECKING:
    from tvtui.ui.app import TvtuiApp

    _Base = Screen[None]
else:
    _Base = object

#: How long a firing's notification stays up (it also goes to the alert log).
FIRED_TIMEOUT = 15.0
#: Seconds between the summaries of the firings a storm held back.
SUMMARY_DELAY = 3.0


def fired_text(firing: Firing) -> str:
    """What happened, in one line: symbol, condition, price and the price before (in the
    symbol's own decimals, as ``Firing.message``), the feed's time, the note."""
    alert = firing.alert
    try:
        when = datetime.fromtimestamp(firing.time, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        when = "an unknown time"
    before = "" if firing.previous is None else f" (from {firing.price_text(firing.previous)})"
    note = f" · {alert.note}" if alert.note else ""
    price = firing.price_text(firing.price)
    return f"{alert.symbol} {alert.condition.text}: {price}{before} at {when}{note}"


def level_text(price: object) -> str:
    """A price as the level field shows it (every significant digit, no exponent)."""
    if isinstance(price, int | float) and not isinstance(price, bool):
        return f"{float(price):.10g}" if abs(price) < 1e10 else f"{float(price):.0f}"
    return ""


class AlertActions(_Base):
    """``A``, ``ctrl+a`` and :class:`~tvtui.ui.messages.AlertFired`."""

    if TYPE_CHECKING:

        @property
        def tvtui(self) -> TvtuiApp: ...

        def quote_of(self, symbol: str) -> dict[str, Any]: ...

        def chart_cursor_shown(self) -> bool: ...

    @property
    def alerts(self) -> WorkerAlerts:
        return self.tvtui.bridge.alerts

    def report_alert_problems(self) -> None:
        """Broken ``[[alerts]]`` entries: one message naming each (the others run)."""
        for problem in self.alerts.problems:
            self.app.notify(problem, title="Alerts", severity="error", timeout=20)
        self.alerts.problems.clear()

    def alert_target(self) -> tuple[str, str]:
        """(symbol, level) to prefill: the chart's cursor bar close when the cursor is shown,
        else the selected watchlist symbol and its last price."""
        app = self.tvtui
        if self.chart_cursor_shown():
            bar = self.query_one(ChartPane).cursor_bar
            if bar is not None and app.active_symbol:
                return app.active_symbol, level_text(bar.close)
        symbol = self.query_one(Watchlist).selected_symbol or app.active_symbol or ""
        return symbol, level_text(self.quote_of(symbol).get("lp")) if symbol else ""

    async def action_new_alert(self, editing: Alert | None = None) -> None:
        """``A``: the "new alert" dialog, prefilled (or filled with ``editing``)."""
        symbol, level = (editing.symbol, "") if editing is not None else self.alert_target()
        app = self.tvtui
        await self.app.push_screen(
            AlertDialog(
                symbol,
                level,
                timeframe=editing.timeframe if editing is not None else app.timeframe,
                watched=list(app.symbols),
                endpoints=app.endpoints,
                save=self.alert_saved,
                editing=editing,
            )
        )

    def alert_saved(self, alert: Alert, replaced: Alert | None) -> None:
        """The dialog wrote ``alert`` to the config: run it (in place of ``replaced``)."""
        alerts = self.alerts
        if replaced is not None:
            alerts.engine.remove(replaced.id)
            alerts.paused.pop(replaced.id, None)
            alerts.place(alert.id, instead_of=replaced.id)  # the edit keeps its row
        alerts.engine.add(alert)
        self.tvtui.bridge.inbox.put(SubscribeAlerts())  # its quotes, if off the watchlist
        self.app.notify(f"Alert saved: {alert.text}", title="Alerts", timeout=4)
        self.alerts_changed()

    async def action_alert_list(self) -> None:
        """``ctrl+a``: every alert, its state, the recent firings."""
        if isinstance(self.app.screen, AlertList):
            return
        await self.app.push_screen(
            AlertList(self.alerts, edit=self.action_new_alert, new=self.action_new_alert),
            lambda _: self.alerts_changed(),
        )

    def alerts_changed(self) -> None:
        """An alert was added, edited, paused, deleted or fired: the open list shows it, the
        chart shows the levels of its symbol's alerts."""
        for screen in self.app.screen_stack:
            if isinstance(screen, AlertList):
                screen.refresh_rows()
        self.show_alert_levels()

    def show_alert_levels(self) -> None:
        """The charted symbol's price-alert levels as lines on the chart."""
        chart = self.query_one(ChartPane)
        levels = tuple(
            level
            for alert in self.alerts.engine.alerts
            if alert.symbol == chart.symbol
            and alert.condition.source is Source.PRICE
            and alert.condition.word not in MOVING
            for level in alert.condition.levels
        )
        if levels != chart.alert_levels:
            chart.alert_levels = levels
            chart.redraw()

    def desktop_notify(self, text: str) -> None:
        """The firing as a desktop notification, when the app draws to a real terminal that
        shows one (or the config asks for it); never in the browser nor headless (tests)."""
        if self.app.is_web or self.app.is_headless:
            return
        notifier = self.alerts.desktop()
        if notifier is not None:
            notifier.notify("tvtui alert", text)

    def on_alert_fired(self, message: msg.AlertFired) -> None:
        """Say what happened (the app's ``notify`` shows it as plain text) and ring; in a
        storm of firings (more than 5 in 15 s) the rest are said in one summary every
        few seconds (:class:`~tvtui.ui.alerting.NoticeGate`)."""
        firing = message.firing
        gate = self.alerts.gate
        if gate.admit():
            text = fired_text(firing)
            self.app.notify(text, title="Alert", severity="warning", timeout=FIRED_TIMEOUT)
            self.app.bell()
            self.desktop_notify(text)
        elif not gate.summary_due:
            gate.summary_due = True
            self.set_timer(SUMMARY_DELAY, self.say_held_firings)
        self.query_one(Watchlist).mark_alerted(firing.alert.symbol)
        self.alerts_changed()

    def say_held_firings(self) -> None:
        """One toast (and one bell) for the firings the gate held back."""
        held = self.alerts.gate.take_held()
        if held:
            text = f"{held} more alert firing{'s' if held > 1 else ''}: ctrl+a lists them"
            self.app.notify(text, title="Alerts", severity="warning", timeout=FIRED_TIMEOUT)
            self.app.bell()
            self.desktop_notify(text)
