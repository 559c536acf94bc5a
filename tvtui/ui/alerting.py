"""The app's alerts on the stream worker's side: one :class:`AlertWatcher` judged on every
update the worker drains (every watchlist symbol, not only the charted one), off the UI thread.

Why here and not in ``worker.py``: the worker stays a loop of hand-offs; this module holds what
alerts add to it (the watcher, the quotes alerts need beyond the watchlist) behind four calls.
A firing is posted as :class:`~tvtui.ui.messages.AlertFired` straight from the worker thread
(``post`` is ``App.post_message``, thread-safe) and appended to the alert log by the watcher.

The UI thread adds, removes and reads alerts through :attr:`WorkerAlerts.engine` (its
``add`` / ``remove`` / ``status`` are safe there) and asks for a new alert's quotes with
:class:`SubscribeAlerts` through the bridge's queue.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tvtui.alerts import Alert, AlertEngine, AlertLog, AlertWatcher, Firing
from tvtui.alerts.desktop import DesktopNotifier
from tvtui.config.alerts import load_alerts
from tvtui.ui import messages as msg

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SubscribeAlerts:
    """Queue item (UI thread -> worker): subscribe the quotes of alert symbols that are not
    on the watchlist (after an alert was added)."""


class NoticeGate:
    """Which firings get a toast, the bell and a desktop notification of their own: at most
    ``burst`` in any ``window`` seconds. Why: 200 every-time alerts near a busy price fire
    ~60 times a second (``benchmarks/bench_app_load.py``); a toast and a bell each would
    bury the screen and deafen the person. The others are counted and said in one summary
    (the alert list and the log have every one; every row is still marked)."""

    def __init__(
        self, burst: int = 5, window: float = 15.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.window = window
        self.clock = clock
        self.held = 0  #: firings not said one by one since the last summary
        self.summary_due = False  #: a summary is scheduled
        self._said: deque[float] = deque()

    def admit(self) -> bool:
        """True when this firing is said on its own; else it is counted in :attr:`held`."""
        now = self.clock()
        while self._said and self._said[0] <= now - self.window:
            self._said.popleft()
        if len(self._said) < self.burst:
            self._said.append(now)
            return True
        self.held += 1
        return False

    def take_held(self) -> int:
        held, self.held, self.summary_due = self.held, 0, False
        return held


class WorkerAlerts:
    """The watcher the stream worker feeds, built from the config file's ``[[alerts]]``."""

    def __init__(
        self,
        post: Callable[[Any], Any],
        alerts: Iterable[Alert] | None = None,
        *,
        alert_log: AlertLog | None = None,
    ) -> None:
        self._post = post
        self.problems: list[str] = []
        paused: set[str] = set()
        #: the config's ``desktop_notifications`` (``tvtui.alerts.desktop``)
        self.desktop_setting = "auto"
        if alerts is None:
            loaded = load_alerts()
            alerts, paused = loaded.alerts, loaded.paused
            self.desktop_setting = loaded.desktop
            if loaded.error:
                self.problems.append(loaded.error)
        alerts = list(alerts)
        self.log = alert_log if alert_log is not None else AlertLog()
        # a ``once`` alert that fired in an earlier run stays spent (the log remembers it)
        fired = self.log.fired_ids()
        self.engine: AlertEngine = AlertEngine()
        #: alerts paused from the list (``paused = true`` in the config, so a restart keeps
        #: them paused): out of the engine, kept here
        self.paused: dict[str, Alert] = {}
        for alert in alerts:
            if alert.id in paused:
                self.paused[alert.id] = alert
            else:
                self.engine.add(alert, armed=alert.id not in fired)
        self.watcher = AlertWatcher(on_fire=self._fired, log=self.log, engine=self.engine)
        self._subscribed: set[str] = set()  #: alert symbols quoted beyond the watchlist
        self._desktop: DesktopNotifier | None = None
        self._desktop_known = False
        self.gate = NoticeGate()  #: which firings the UI says one by one
        #: alert id -> its place in the list: config order, then as added
        self._places: dict[str, int] = {a.id: k for k, a in enumerate(alerts)}

    def place(self, alert_id: str, instead_of: str | None = None) -> int:
        """The place of ``alert_id`` in the alert list: a new one goes after the others,
        or where ``instead_of`` was (an edit)."""
        if instead_of is not None and instead_of in self._places:
            self._places[alert_id] = self._places[instead_of]
        return self._places.setdefault(alert_id, len(self._places))

    def desktop(self) -> DesktopNotifier | None:
        """The desktop notifier the config and the terminal allow (judged once, at the first
        firing; the caller checks that the app draws to a real terminal)."""
        if not self._desktop_known:
            self._desktop = DesktopNotifier.for_setting(self.desktop_setting)
            self._desktop_known = True
        return self._desktop

    def _fired(self, firing: Firing) -> None:
        self._post(msg.AlertFired(firing))

    def feed_all(self, events: list[Any]) -> None:
        """Judge one drained batch, in order (before the coalescer's flush). With no alert
        at all nothing is judged (the watcher would still look at every quote)."""
        if events and (self.engine.symbols() or self.engine.study_keys()):
            self.watcher.feed_all(events)

    def keep(self, gone: list[str]) -> list[str]:
        """Of the symbols leaving the watchlist, those no alert needs (the others stay
        subscribed, so their alerts still fire)."""
        needed = set(self.engine.symbols())
        kept = [s for s in gone if s in needed]
        self._subscribed.update(kept)
        return [s for s in gone if s not in needed]

    def subscribe(self, client: Any, watched: list[str]) -> None:
        """Quote every alert symbol that is neither on the watchlist nor subscribed yet."""
        extra = [s for s in self.engine.symbols() if s not in watched and s not in self._subscribed]
        if not extra:
            return
        try:
            self._subscribed.update(client.add_symbols(*extra))
        except ValueError as exc:  # a symbol the client refuses: its alerts cannot fire
            log.warning("alert symbols not subscribed: %s", exc)
