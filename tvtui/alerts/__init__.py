"""Alerts: tell a person when the market does what they are waiting for.

No UI here (nothing below the UI loads Textual): the app's stream worker, ``tvtui stream
--alert``, ``tvtui alerts --watch`` and a script all use the same pieces:

- :class:`Alert` (``Alert.parse(symbol, "crossing-up 110000")``) and :func:`parse_condition`:
  conditions in TradingView's words (:mod:`~tvtui.alerts.conditions`);
- :class:`AlertEngine`: prices and closed indicator bars in, each firing out exactly once,
  also across reconnects and replayed history (:mod:`~tvtui.alerts.engine`);
- :class:`AlertWatcher`: an engine fed by a :class:`~tvtui.feed.client.FeedClient`'s events;
- :class:`AlertLog`: every firing as a JSON line in the platform's data folder, bounded.

Import from ``tvtui.alerts``; the split into modules is not part of the API.
"""

from __future__ import annotations

from tvtui.alerts.alert import Alert, Firing, parse_expiry, parse_mode
from tvtui.alerts.conditions import (
    STUDY_IDS,
    AlertError,
    Condition,
    Mode,
    Source,
    Word,
    parse_condition,
)
from tvtui.alerts.engine import AlertEngine, AlertStatus
from tvtui.alerts.log import ENV_ALERT_LOG, MAX_BYTES, AlertLog, log_path
from tvtui.alerts.watcher import AlertWatcher, check_symbol, studies_needed

__all__ = [
    "ENV_ALERT_LOG",
    "MAX_BYTES",
    "STUDY_IDS",
    "Alert",
    "AlertEngine",
    "AlertError",
    "AlertLog",
    "AlertStatus",
    "AlertWatcher",
    "Condition",
    "Firing",
    "Mode",
    "Source",
    "Word",
    "check_symbol",
    "log_path",
    "parse_condition",
    "parse_expiry",
    "parse_mode",
    "studies_needed",
]
