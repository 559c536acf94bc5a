"""The tvtui App: start-up and wiring. What is on screen, and its keys, is ``MainScreen``'s.

The app holds the settings and what the person chose this run (watchlist, timeframe,
indicators, export folder), starts the stream worker (``ui/worker.py``: ONE thread worker that
owns the feed client), sets up themes and the keymap (``ui/startup.py``), remembers where the
person left off (``ui/state.py``) and ends cleanly: ``q``, SIGTERM / SIGHUP and a crash each
leave a restored terminal and an exit code (``ui/lifecycle.py``, ``ui/launch.py``). The main
screen (``ui/screens/main.py``) composes the panes and routes the stream's messages to them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState, get_current_worker

from tvtui.config import LoadedConfig, Settings
from tvtui.feed.endpoints import Endpoints, resolve_token
from tvtui.ui import messages as msg
from tvtui.ui.appearance import Appearance
from tvtui.ui.commands import SymbolCommands, app_commands
from tvtui.ui.latency import FREEZE_AFTER, UiLatency
from tvtui.ui.lifecycle import CleanExit
from tvtui.ui.notices import PlainNotices
from tvtui.ui.screens.main import ALL_BINDINGS, MainScreen
from tvtui.ui.startup import Notice, check_keymap, setup_themes
from tvtui.ui.state import Remembered, load_state, save_state
from tvtui.ui.watchlist_state import WatchlistState
from tvtui.ui.worker import FeedLike, StreamBridge, default_client_factory

#: Studies per chart an anonymous account may run (TradingView's free tier); a refusal by
#: the server for the limit replaces this with what it accepted.
ANONYMOUS_STUDY_LIMIT = 2


class TvtuiApp(Appearance, CleanExit, PlainNotices):
    """Watchlist, candle chart, indicators and a status line over one feed stream."""

    CSS_PATH = "tvtui.tcss"
    TITLE = "tvtui"
    COMMANDS = App.COMMANDS | {SymbolCommands}
    DEFAULT_MODE = "main"

    def __init__(
        self,
        config: LoadedConfig,
        *,
        endpoints: Endpoints | None = None,
        mode: str = "live",
        token: str | None = None,
        symbols: list[str] | None = None,
        timeframe: str | None = None,
        theme: str | None = None,
        export_dir: Path | None = None,
        client_factory: Callable[[Callable[[Any], None]], FeedLike] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.settings: Settings = config.settings
        self.endpoints = endpoints or Endpoints.from_env()
        self.mode = mode
        self.clock = (
            clock  # what the panes display by (tests freeze it); the stream keeps real time
        )
        #: the watchlist (symbols in order, quotes, trends): the pane draws it, the screen's
        #: actions edit it, the palette and the stream worker read its symbols
        self.watchlist = WatchlistState()
        self.watchlist.set_symbols(list(symbols or self.settings.watchlist))
        #: symbols given on the command line are for this run: never saved over the config
        self.persist_watchlist = symbols is None
        #: where the person left off last time (theme, timeframe, indicators, symbol)
        self.remembered = remembered = load_state(config)
        self.timeframe = timeframe or remembered.timeframe or self.settings.timeframe
        self.theme_name = theme or remembered.theme or self.settings.theme
        self.chart_type = remembered.chart_type or self.settings.chart_type
        self.export_dir = export_dir or self.settings.export_dir
        self.export_format = self.settings.export_format
        self.last_export: Path | None = None
        indicators = remembered.indicators
        self.indicator_ids = list(self.settings.indicators if indicators is None else indicators)
        self.active_symbol: str | None = None
        self._token = token
        #: how many studies the chart may run: known for anonymous, learned from a refusal
        self.anonymous = resolve_token(token) == "unauthorized_user_token"
        self.study_limit: int | None = ANONYMOUS_STUDY_LIMIT if self.anonymous else None
        self._state_timer: Timer | None = None
        self._notices: list[Notice] = []
        self.main: MainScreen | None = None
        super().__init__()
        # A mode, not the default screen: starting a mode waits for its screen to be composed,
        # so the panes are there when the app is ready (scripts and tests act on them).
        self.add_mode("main", self._main_screen)
        factory = client_factory or default_client_factory(self.endpoints, token)
        self.bridge = StreamBridge(self.post_message, factory)
        self._latency = UiLatency()  # GIL switch interval and gc.freeze while running

    # --- start-up ------------------------------------------------------------------------------

    @property
    def symbols(self) -> list[str]:
        """The watchlist's symbols in order (the state's own list: edit it through the state)."""
        return self.watchlist.symbols

    def _main_screen(self) -> MainScreen:
        """The main screen, with the theme already chosen (so it is drawn in it from the start)."""
        self.own_themes, self._notices = setup_themes(self, self.theme_name)
        self.main = MainScreen()
        return self.main

    def on_mount(self) -> None:
        known = {b.id for b in ALL_BINDINGS if b.id}
        keymap, keymap_notices = check_keymap(self.settings.keymap, known)
        if keymap:
            self.set_keymap(keymap)
        for notice in [*self._notices, *keymap_notices]:
            self.notify(
                notice.message, title=notice.title, severity="warning", timeout=notice.timeout
            )
        if self.config.error:
            self.notify(self.config.error, title="Settings", severity="error", timeout=20)
        self.run_stream()
        self.theme_changed_signal.subscribe(self, lambda _theme: self.remember())
        self._latency.enter()
        self.set_timer(FREEZE_AFTER, self._latency.freeze)
        self.catch_exit_signals()

    def post_message(self, message: Message) -> bool:
        """The stream's messages are the main screen's to route, whoever posts them."""
        if isinstance(message, msg.StreamMessage) and self.main is not None:
            return self.main.post_message(message)
        return super().post_message(message)

    # --- the stream worker ---------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, name="stream", group="stream", description="feed")
    def run_stream(self) -> None:
        worker = get_current_worker()
        self.bridge.run(lambda: worker.is_cancelled)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        if worker.name == "stream":
            self.notify(
                f"The feed worker stopped: {worker.error}. Press r to restart it.",
                title="Feed",
                severity="error",
                timeout=20,
            )
        else:
            self.notify(f"{worker.description or worker.name}: {worker.error}", severity="error")

    def action_reconnect(self) -> None:
        if any(w.name == "stream" and w.is_running for w in self.workers):
            self.bridge.reconnect()
        else:
            self.bridge = StreamBridge(self.post_message, self.bridge.factory)
            self.run_stream()
            if self.main is not None:
                self.main.restart_stream()
        self.notify("Reconnecting…", timeout=2)

    # --- ending (ui/lifecycle.py: q, signals, crashes) -----------------------------------------

    def stop_stream(self) -> None:
        self.bridge.stop()

    def on_unmount(self) -> None:
        super().on_unmount()
        self._latency.leave()

    # --- what is remembered between starts (ui/state.py) ---------------------------------------

    def remember(self) -> None:
        """Something worth remembering changed: write it soon (one write for a burst)."""
        if self._state_timer is None:
            self._state_timer = self.set_timer(0.5, self.save_state)

    def save_state(self) -> None:
        if self._state_timer is not None:
            self._state_timer.stop()
            self._state_timer = None
        state = Remembered(
            self.theme,
            self.timeframe,
            list(self.indicator_ids),
            self.active_symbol,
            self.chart_type,
        )
        save_state(self.config, state)

    # --- the palette ------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from app_commands(self)

    # --- the main screen's work, for the chart header's tabs and scripts ----------------------

    def set_indicators(self, pine_ids: list[str]) -> None:
        if self.main is not None:
            self.main.set_indicators(pine_ids)

    async def action_add_symbol(self, initial: str = "") -> None:
        if self.main is not None:
            await self.main.action_add_symbol(initial)

    def action_select_timeframe(self, timeframe: str) -> None:
        if self.main is not None:
            self.main.action_select_timeframe(timeframe)
