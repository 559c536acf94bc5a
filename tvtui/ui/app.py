"""The tvtui App: composition, bindings, and routing between the stream worker and the panes.

The App is the one controller (harlequin's shape): panes are passive views that hold what
they draw; the stream bridge (``ui/worker.py``) runs in ONE thread worker and posts domain
messages (``ui/messages.py``) here; the handlers below hand each to the pane it concerns.
Blocking network calls (indicator metadata, symbol checks) run on daemon threads
(``ui/background.py``) so they never hold up quitting; exports run in a thread worker with
``exit_on_error=False``. Failures become notifications, never crashes.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from tvtui.config import LoadedConfig, Settings, save_watchlist
from tvtui.feed.endpoints import Endpoints, resolve_token
from tvtui.feed.events import LinkState
from tvtui.feed.studies import Indicator, IndicatorError, fetch_indicator
from tvtui.market.session import SessionView
from tvtui.ui import format as fmt
from tvtui.ui import messages as msg
from tvtui.ui.background import run_in_background
from tvtui.ui.commands import SymbolCommands, app_commands
from tvtui.ui.exporting import visible_session
from tvtui.ui.latency import FREEZE_AFTER, UiLatency
from tvtui.ui.layout import LayoutState, apply_layout
from tvtui.ui.lifecycle import crash_text, install_exit_signals, write_crash_log
from tvtui.ui.safe import guarded, shown
from tvtui.ui.screens.export import ExportRequest, ExportScreen
from tvtui.ui.screens.help import HelpRow, HelpScreen, help_rows
from tvtui.ui.screens.indicators import IndicatorScreen
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.state import Remembered, load_state, save_state
from tvtui.ui.themes import (
    ANSI_VARIABLE_DEFAULTS,
    APP_VARIABLE_DEFAULTS,
    LIGHT_VARIABLE_DEFAULTS,
    load_all_themes,
    screenshot_folder,
)
from tvtui.ui.widgets.chart import TIMEFRAME_KEYS, TIMEFRAMES, ChartPane
from tvtui.ui.widgets.indicators import OVERLAYS, IndicatorPane
from tvtui.ui.widgets.status import StatusLine
from tvtui.ui.widgets.watchlist import Watchlist
from tvtui.ui.worker import FeedLike, StreamBridge, default_client_factory

FALLBACK_THEME = "tvtui-dark"
#: Textual's own themes in the T cycle: its plain light/dark pair.
TEXTUAL_PAIR = ("textual-dark", "textual-light")
#: Studies per chart an anonymous account may run (TradingView's free tier); a refusal by
#: the server for the limit replaces this with what it accepted.
ANONYMOUS_STUDY_LIMIT = 2
PaneT = TypeVar("PaneT", bound=Widget)


class TvtuiApp(App[int]):
    """Watchlist, candle chart, indicators and a status line over one feed stream."""

    CSS_PATH = "tvtui.tcss"
    TITLE = "tvtui"
    COMMANDS = App.COMMANDS | {SymbolCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("a,slash", "add_symbol", "Add", id="watchlist.add"),
        Binding("d,delete", "remove_symbol", "Remove", id="watchlist.remove"),
        Binding("K,shift+up", "move(-1)", "Move up", show=False, id="watchlist.move_up"),
        Binding("J,shift+down", "move(1)", "Move down", show=False, id="watchlist.move_down"),
        Binding("left_square_bracket", "step_timeframe(-1)", "Prev TF", id="chart.prev_timeframe"),
        Binding("right_square_bracket", "step_timeframe(1)", "Next TF", id="chart.next_timeframe"),
        *[
            Binding(str(n), f"timeframe({n - 1})", tf, show=False, id=f"chart.timeframe_{n}")
            for n, tf in enumerate(TIMEFRAME_KEYS, start=1)
        ],
        Binding("i", "choose_indicators", "Indicators", id="indicators.choose"),
        Binding("e", "export", "Export", id="app.export"),
        Binding("r", "reconnect", "Reconnect", show=False, id="app.reconnect"),
        Binding("t", "cycle_theme(1)", "Next theme", show=False, id="app.cycle_theme"),
        Binding("T", "cycle_theme(-1)", "Previous theme", show=False, id="app.cycle_theme_back"),
        Binding("z", "maximise_chart", "Maximise chart", show=False, id="chart.maximise"),
        Binding(
            "w", "toggle_pane('watchlist')", "Watchlist pane", show=False, id="watchlist.toggle"
        ),
        Binding(
            "s", "toggle_pane('indicators')", "Indicator pane", show=False, id="indicators.toggle"
        ),
    ]

    #: Actions that make sense only on the main screen (not under a dialog).
    MAIN_ONLY = frozenset(
        [
            "add_symbol",
            "remove_symbol",
            "move",
            "step_timeframe",
            "timeframe",
            "select_timeframe",
            "choose_indicators",
            "export",
            "cycle_theme",
            "maximise_chart",
            "toggle_pane",
        ]
    )

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
        self.clock = clock
        self.symbols: list[str] = list(symbols or self.settings.watchlist)
        #: symbols given on the command line are for this run: never saved over the config
        self.persist_watchlist = symbols is None
        #: where the person left off last time (theme, timeframe, indicators, symbol)
        remembered = load_state(config)
        self.timeframe = timeframe or remembered.timeframe or self.settings.timeframe
        self.theme_name = theme or remembered.theme or self.settings.theme
        self.export_dir = export_dir or self.settings.export_dir
        self.export_format = self.settings.export_format
        indicators = remembered.indicators
        self.indicator_ids: list[str] = list(
            self.settings.indicators if indicators is None else indicators
        )
        self._remembered_symbol = remembered.symbol
        self._state_timer: Timer | None = None
        self._unsaved_warned = False
        self.active_symbol: str | None = None
        self.generation = 0
        self._save_warned = False
        self._token = token
        #: the unhandled error that ended the app, and where its traceback was written
        self.crash: BaseException | None = None
        self.crash_log: Path | None = None
        #: SIGTERM / SIGHUP that ended the app (the command exits 128 + it)
        self.exit_signal: int | None = None
        self._undo_signals: Callable[[], None] = lambda: None
        #: studies whose metadata could not be fetched; fetched again once the link is back
        self._metadata_failed: set[str] = set()
        #: how many studies the chart may run: known for anonymous, learned from a refusal
        self.anonymous = resolve_token(token) == "unauthorized_user_token"
        self.study_limit: int | None = ANONYMOUS_STUDY_LIMIT if self.anonymous else None
        super().__init__()
        factory = client_factory or default_client_factory(self.endpoints, token)
        # The bridge keeps real time (its flush schedule); ``clock`` only drives what the
        # panes display, so tests can freeze the status line without freezing the stream.
        self.bridge = StreamBridge(self.post_message, factory)
        self._latency = UiLatency()  # GIL switch interval and gc.freeze while running
        self.layout_state = LayoutState()
        self._own_themes: list[str] = []

    # --- untrusted text ------------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is plain text: server reasons, file names and config values go
        in here, so none of them is ever read as markup (``[/]`` would end the app,
        ``[@click=...]`` would run an action when the notice is clicked) or reaches the
        terminal as an escape sequence. ``markup`` is accepted and ignored."""
        super().notify(
            shown(message, multiline=True),
            title=shown(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # --- composition -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Watchlist(id="watchlist", clock=self.clock)
        yield ChartPane(id="chart")
        yield IndicatorPane(id="indicators")
        yield StatusLine(self.mode, id="status", clock=self.clock)
        yield Footer()
        yield Static("", id="too-small")

    def get_theme_variable_defaults(self) -> dict[str, str]:
        try:
            theme = self.current_theme
        except Exception:
            return dict(APP_VARIABLE_DEFAULTS)
        if theme.ansi:
            return dict(ANSI_VARIABLE_DEFAULTS)
        return dict(APP_VARIABLE_DEFAULTS if theme.dark else LIGHT_VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        self._setup_themes()
        self._setup_keymap()
        watchlist = self.query_one(Watchlist)
        watchlist.border_title = "Watchlist"
        watchlist.set_symbols(self.symbols)
        watchlist.focus()
        self._fit_layout()
        if self.config.error:
            self.notify(
                self.config.error, title="Settings", severity="error", timeout=20, markup=False
            )
        self.run_stream()
        self.bridge.watch(self.symbols)
        if self.symbols:
            first = self._remembered_symbol
            first = first if first in self.symbols else self.symbols[0]
            watchlist.set_symbols(self.symbols, keep=first)  # the cursor on it too
            self.open_symbol(first)
        self.set_indicators(self.indicator_ids)
        self.theme_changed_signal.subscribe(self, lambda _theme: self.remember())
        self._latency.enter()
        self.set_timer(FREEZE_AFTER, self._latency.freeze)
        self._undo_signals = install_exit_signals(self._exit_on_signal)

    def _exit_on_signal(self, signum: int) -> None:
        """SIGTERM / SIGHUP: quit as ``q`` does, so the terminal is restored on the way out."""
        self.exit_signal = signum
        self.bridge.stop()
        self.exit(return_code=128 + signum)

    def _handle_exception(self, error: Exception) -> None:
        """An unhandled error ends the app (Textual's rule); keep its traceback in a log file
        first, so the command can exit non-zero and say where it is. (Textual's hook; if a
        future Textual renames it the command still exits non-zero, without the file.)"""
        if self.crash is None:
            self.crash = error
            self.crash_log = write_crash_log(error, self._token)
        # Textual prints a traceback with every frame's local variables on the way out: the
        # token and raw server text may be among them. It prints an error's own ``__rich__``
        # instead when there is one: the same traceback without locals, plain, redacted.
        with contextlib.suppress(Exception):
            safe = Text(crash_text(error, self._token))
            error.__rich__ = lambda: safe  # type: ignore[attr-defined]
        super()._handle_exception(error)

    def _setup_themes(self) -> None:
        loaded = load_all_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        self._own_themes = [theme.name for theme in loaded.themes]
        if loaded.errors:
            self.notify(
                "\n".join(loaded.errors),
                title=f"{len(loaded.errors)} theme file(s) skipped",
                severity="warning",
                timeout=12,
            )
        name = self.theme_name
        if name not in self.available_themes:
            self.notify(
                f"Theme {name!r} is unknown; using {FALLBACK_THEME}. "
                f"Known: {', '.join(sorted(self.available_themes))}",
                severity="warning",
                timeout=12,
            )
            name = FALLBACK_THEME
        self.theme = name

    def _setup_keymap(self) -> None:
        keymap = self.settings.keymap
        if not keymap:
            return
        known = {row[3] for row in self.help_rows() if row[3]}
        unknown = sorted(set(keymap) - known)
        if unknown:
            self.notify(
                f"Unknown binding id(s) in [keymap], ignored: {', '.join(unknown)} "
                "(the help screen, ?, lists every id)",
                title="Settings",
                severity="warning",
                timeout=20,
                markup=False,
            )
        self.set_keymap({k: v for k, v in keymap.items() if k in known})

    # --- the stream worker -------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, name="stream", group="stream", description="feed")
    def run_stream(self) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        self.bridge.run(lambda: worker.is_cancelled)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        error = worker.error
        if worker.name == "stream":
            self.notify(
                f"The feed worker stopped: {error}. Press r to restart it.",
                title="Feed",
                severity="error",
                timeout=20,
            )
        else:
            self.notify(f"{worker.description or worker.name}: {error}", severity="error")

    def on_unmount(self) -> None:
        self.bridge.stop()
        self._latency.leave()
        self._undo_signals()

    async def action_quit(self) -> None:
        self.bridge.stop()
        self._save_state()
        self.exit(0)

    # --- what is remembered between starts (ui/state.py) ----------------------------------

    def remember(self) -> None:
        """Something worth remembering changed: write it soon (one write for a burst)."""
        if self._state_timer is None:
            self._state_timer = self.set_timer(0.5, self._save_state)

    def _save_state(self) -> None:
        if self._state_timer is not None:
            self._state_timer.stop()
            self._state_timer = None
        state = Remembered(
            theme=self.theme,
            timeframe=self.timeframe,
            indicators=list(self.indicator_ids),
            symbol=self.active_symbol,
        )
        save_state(self.config, state)

    # --- routing: worker -> panes ---------------------------------------------------------

    def _pane(self, kind: type[PaneT]) -> PaneT | None:
        """The pane of ``kind`` on the main screen, or None while the app is shutting down
        (messages already in flight keep arriving after the widgets are gone)."""
        try:
            return self.screen_stack[0].query_one(kind)
        except (NoMatches, IndexError):
            return None

    @guarded
    def on_quotes_changed(self, message: msg.QuotesChanged) -> None:
        watchlist, chart = self._pane(Watchlist), self._pane(ChartPane)
        if watchlist is None or chart is None:
            return
        self.bridge.quote_cost(watchlist.take_cost())  # the previous flush, repaint included
        watchlist.update_quotes(message.quotes, message.trends)
        if self.active_symbol in message.quotes:
            chart.set_quote(message.quotes[self.active_symbol])
            self._chart_precision(message.quotes[self.active_symbol])

    @guarded
    def on_symbol_rejected(self, message: msg.SymbolRejected) -> None:
        if watchlist := self._pane(Watchlist):
            watchlist.reject(message.symbol, message.reason)

    @guarded
    def on_chart_reset(self, message: msg.ChartReset) -> None:
        chart, indicators = self._pane(ChartPane), self._pane(IndicatorPane)
        if message.generation != self.generation or chart is None or indicators is None:
            return
        chart.reset(message.generation, message.symbol, message.timeframe)
        indicators.reset(message.generation, self._metadata_failed)

    @guarded
    def on_candles_changed(self, message: msg.CandlesChanged) -> None:
        chart, indicators = self._pane(ChartPane), self._pane(IndicatorPane)
        if chart is None or indicators is None:
            return
        if chart.set_bars(message.generation, message.bars):
            indicators.set_times(message.generation, [bar.time for bar in message.bars])

    @guarded
    def on_study_changed(self, message: msg.StudyChanged) -> None:
        if indicators := self._pane(IndicatorPane):
            indicators.set_points(
                message.generation, message.pine_id, message.titles, message.points
            )
        if message.pine_id in OVERLAYS and (chart := self._pane(ChartPane)):
            chart.set_overlay(message.generation, message.pine_id, message.titles, message.points)

    @guarded
    def on_study_failed(self, message: msg.StudyFailed) -> None:
        if indicators := self._pane(IndicatorPane):
            indicators.fail(message.pine_id, message.reason)

    @guarded
    def on_study_limit(self, message: msg.StudyLimit) -> None:
        self.study_limit = message.limit

    @guarded
    def on_chart_failed(self, message: msg.ChartFailed) -> None:
        if chart := self._pane(ChartPane):
            chart.fail(message.generation, message.reason)
            self.notify(f"{message.symbol}: {message.reason}", title="Chart", severity="error")

    @guarded
    def on_link_changed(self, message: msg.LinkChanged) -> None:
        if status := self._pane(StatusLine):
            status.set_link(message.status, message.at)
        if message.status.state == LinkState.CONNECTED and self._metadata_failed:
            self._metadata_failed.clear()
            self._load_indicators(list(self.indicator_ids))
        if message.status.state == LinkState.AUTH_FAILED:
            self.notify(message.status.message, title="Feed", severity="error", timeout=20)

    @guarded
    def on_feed_stats(self, message: msg.FeedStats) -> None:
        if status := self._pane(StatusLine):
            status.set_stats(message.rate, message.last_message_at)

    @guarded
    def on_feed_problem(self, message: msg.FeedProblem) -> None:
        severity = "error" if message.severity == "error" else "warning"
        self.notify(message.text, title="Feed", severity=severity, timeout=12)

    @guarded
    def on_preview_ready(self, message: msg.PreviewReady) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, SymbolEntry):
                screen.preview_ready(message.symbol, message.quote, message.error)

    def on_watchlist_opened(self, message: Watchlist.Opened) -> None:
        self.open_symbol(message.symbol)

    # --- chart and indicators ----------------------------------------------------------------

    def open_symbol(self, symbol: str, timeframe: str | None = None) -> None:
        """Show ``symbol`` (on ``timeframe``, else the current one) in the chart pane."""
        self.timeframe = timeframe or self.timeframe
        self.active_symbol = symbol
        self.generation = self.bridge.open_chart(symbol, self.timeframe)
        self.query_one(ChartPane).reset(self.generation, symbol, self.timeframe)
        self.query_one(ChartPane).set_quote(self.quote_of(symbol))
        self.query_one(IndicatorPane).reset(self.generation, self._metadata_failed)
        self._chart_precision(self.quote_of(symbol))
        self.query_one(Watchlist).set_active(symbol)
        self.query_one(StatusLine).set_chart(symbol, self.timeframe)
        self.remember()

    def _chart_precision(self, quote: dict[str, Any]) -> None:
        """Studies that inherit the symbol's format show its decimals (``pricescale``)."""
        scale = quote.get("pricescale")
        if isinstance(scale, int | float) and not isinstance(scale, bool) and scale >= 1:
            if indicators := self._pane(IndicatorPane):
                indicators.set_price_decimals(fmt.decimals_for(quote))
        elif not quote and (indicators := self._pane(IndicatorPane)):
            indicators.set_price_decimals(None)

    def set_indicators(self, pine_ids: list[str]) -> None:
        self.indicator_ids = list(pine_ids)
        self.remember()
        self.query_one(IndicatorPane).set_studies(self.indicator_ids)
        self.query_one(ChartPane).keep_overlays(self.indicator_ids)
        self._load_indicators(list(pine_ids))

    def _load_indicators(self, pine_ids: list[str]) -> None:
        """Fetch the studies' metadata (HTTP) in the background, then attach them."""

        def fetch() -> tuple[list[Indicator], list[tuple[str, str]]]:
            loaded: list[Indicator] = []
            failed: list[tuple[str, str]] = []
            for pine_id in pine_ids:
                try:
                    loaded.append(fetch_indicator(pine_id, "last", self.endpoints, timeout=5.0))
                except IndicatorError as exc:
                    failed.append((pine_id, exc.reason or str(exc)))
            return loaded, failed

        def done(result: tuple[list[Indicator], list[tuple[str, str]]]) -> None:
            self._indicators_loaded(pine_ids, *result)

        def crashed(error: BaseException) -> None:
            self.notify(f"Indicators: {error}", severity="error")

        run_in_background(self, fetch, done, crashed, "tvtui-indicators")

    def _indicators_loaded(
        self, pine_ids: list[str], loaded: list[Indicator], failed: list[tuple[str, str]]
    ) -> None:
        if pine_ids != self.indicator_ids:
            return  # chosen again meanwhile
        self.bridge.set_studies(loaded)
        pane = self.query_one(IndicatorPane)
        self._metadata_failed = {pine_id for pine_id, _ in failed}
        for indicator in loaded:  # sent (again): a refused one is retried now
            pane.clear_error(indicator.pine_id)
        for pine_id, reason in failed:
            pane.fail(pine_id, reason)

    # --- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in self.MAIN_ONLY and self.screen is not self.screen_stack[0])

    def action_step_timeframe(self, step: int) -> None:
        """``[`` / ``]``: the previous / next of every timeframe the app accepts, in order."""
        current = TIMEFRAMES.index(self.timeframe) if self.timeframe in TIMEFRAMES else 0
        self.action_select_timeframe(TIMEFRAMES[(current + step) % len(TIMEFRAMES)])

    def action_timeframe(self, index: int) -> None:
        """Number keys 1-9: the common timeframes."""
        self.action_select_timeframe(TIMEFRAME_KEYS[index])

    def action_select_timeframe(self, timeframe: str) -> None:
        """A timeframe by name (the header's tabs are clickable)."""
        if timeframe not in TIMEFRAMES:
            return
        if self.active_symbol and timeframe != self.timeframe:
            self.open_symbol(self.active_symbol, timeframe)
        self.timeframe = timeframe

    def action_add_symbol(self, initial: str = "") -> None:
        screen = SymbolEntry(self.endpoints, list(self.symbols), self.bridge, initial=initial)
        self.push_screen(screen, self._symbol_chosen)

    def add_symbol_checked(self, symbol: str) -> None:
        """From the palette: the entry dialog, pre-filled, so the symbol is still checked."""
        self.action_add_symbol(symbol)

    def _symbol_chosen(self, symbol: str | None) -> None:
        if not symbol:
            return
        if symbol not in self.symbols:
            self.symbols.append(symbol)
            self._watchlist_changed(keep=symbol)
        self.bridge.end_preview(symbol)
        self.notify(f"Added {symbol}", timeout=3)

    def action_remove_symbol(self) -> None:
        watchlist = self.query_one(Watchlist)
        symbol = watchlist.selected_symbol
        if symbol is None:
            return
        self.symbols.remove(symbol)
        watchlist.quotes.pop(symbol, None)
        self._watchlist_changed()
        self.notify(f"Removed {symbol}", timeout=3)

    def action_move(self, step: int) -> None:
        watchlist = self.query_one(Watchlist)
        symbol = watchlist.selected_symbol
        if symbol is None:
            return
        index = self.symbols.index(symbol)
        target = index + step
        if not 0 <= target < len(self.symbols):
            return
        self.symbols.insert(target, self.symbols.pop(index))
        self._watchlist_changed(keep=symbol)

    def _watchlist_changed(self, keep: str | None = None) -> None:
        self.query_one(Watchlist).set_symbols(self.symbols, keep=keep)
        self.bridge.watch(self.symbols)
        if not self.persist_watchlist:
            if not self._unsaved_warned:
                self._unsaved_warned = True
                self.notify(
                    "This watchlist came from the command line, so changes to it are not "
                    "saved (start tvtui without symbols to keep them).",
                    title="Watchlist",
                    severity="warning",
                    timeout=10,
                )
            return
        if not self.config.can_save:
            if not self._save_warned:
                self._save_warned = True
                self.notify(
                    "The watchlist is not saved: the config file had errors at start "
                    "(fix it and restart).",
                    title="Settings",
                    severity="warning",
                )
            return
        try:
            saved = save_watchlist(self.config, list(self.symbols))
        except OSError as exc:
            self.notify(f"Could not save the watchlist: {exc}", severity="error")
            return
        if saved != self.symbols:  # another tvtui changed the file meanwhile: merged in
            self.symbols = list(saved)
            self.query_one(Watchlist).set_symbols(self.symbols, keep=keep)
            self.bridge.watch(self.symbols)

    def action_choose_indicators(self) -> None:
        def chosen(pine_ids: list[str] | None) -> None:
            if pine_ids is not None and pine_ids != self.indicator_ids:
                self.set_indicators(pine_ids)

        account = "an anonymous account" if self.anonymous else "this account"
        self.push_screen(IndicatorScreen(self.indicator_ids, self.study_limit, account), chosen)

    def action_reconnect(self) -> None:
        worker_running = any(w.name == "stream" and w.is_running for w in self.workers)
        if not worker_running:
            self.bridge = StreamBridge(self.post_message, self.bridge.factory)
            self.run_stream()
            self.bridge.watch(self.symbols)
            if self.active_symbol:
                self.open_symbol(self.active_symbol)
            self._load_indicators(list(self.indicator_ids))
        else:
            self.bridge.reconnect()
        self.notify("Reconnecting…", timeout=2)

    def action_cycle_theme(self, step: int = 1) -> None:
        """``t`` / ``T``: the next / previous of tvtui's themes and Textual's light/dark pair
        (not every theme Textual ships: those know nothing of up/down colours)."""
        names = self.theme_cycle
        index = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(index + step) % len(names)]
        self.notify(f"Theme: {self.theme}", timeout=2)

    @property
    def theme_cycle(self) -> list[str]:
        names = [n for n in self._own_themes if n in self.available_themes]
        return names + [n for n in TEXTUAL_PAIR if n in self.available_themes]

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """The palette's Screenshot: the folder is created if missing, and when it cannot be
        written the notice says which folder it tried (Textual's says only 'failed')."""
        folder = Path(path) if path else screenshot_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not os.access(folder, os.W_OK):
                raise PermissionError("not writable")
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.notify(
                f"Cannot save the screenshot in {folder}: {reason}",
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return None
        return super().deliver_screenshot(filename, str(folder), time_format)

    # --- layout ------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit_layout(event.size.width, event.size.height)

    def _fit_layout(self, width: int | None = None, height: int | None = None) -> None:
        size = self.size
        with suppress(NoMatches, IndexError):  # not composed yet, or shutting down
            apply_layout(
                self.screen_stack[0], self.layout_state, width or size.width, height or size.height
            )

    def action_maximise_chart(self) -> None:
        """``z``: the chart gets the screen (watchlist and indicators to one line); again
        brings them back."""
        state = self.layout_state
        if state.chart_maximised:
            state.collapsed.clear()
        else:
            state.collapsed.update({"watchlist", "indicators"})
        self._fit_layout()
        self.query_one(ChartPane).redraw()

    def action_toggle_pane(self, pane_id: str) -> None:
        """``w`` / ``s``: collapse or bring back the watchlist / the indicator pane."""
        self.layout_state.toggle(pane_id)
        self._fit_layout()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_rows()))

    # --- export ------------------------------------------------------------------------------

    def session_view(self) -> SessionView:
        """What the panes hold right now, as the exporter's session (built on the UI thread)."""
        chart = self.query_one(ChartPane)
        return visible_session(
            chart, self.query_one(IndicatorPane), self.quote_of(chart.symbol), self.mode
        )

    def action_export(self) -> None:
        chart = self.query_one(ChartPane)
        if not chart.bars:
            self.notify("Nothing to export yet: the chart has no bars.", severity="warning")
            return
        studies = ", ".join(self.query_one(IndicatorPane).order) or "no indicators"
        summary = shown(f"{chart.symbol} · {chart.timeframe} · {len(chart.bars)} bars · {studies}")

        def run(request: ExportRequest, screen: ExportScreen) -> None:
            self.export_format = request.fmt
            self.export_dir = request.folder
            self._export(self.session_view(), request, screen)

        screen = ExportScreen(summary, self.export_format, self.export_dir, run)
        self.push_screen(screen)

    @work(thread=True, exit_on_error=False, group="export", description="export")
    def _export(self, view: SessionView, request: ExportRequest, screen: ExportScreen) -> None:
        """Write on a thread; the dialog closes on success and shows the reason on failure."""
        from tvtui.export import ExportError, export_session

        try:
            path = export_session(view, request.fmt, request.folder)
        except (ExportError, OSError, ValueError) as exc:
            self.call_from_thread(screen.failed, str(exc))
            return
        path = path.absolute()
        self.last_export = path
        self.call_from_thread(screen.done, path)
        self.call_from_thread(
            self.notify, str(path), title=f"Exported {request.fmt.upper()}", timeout=10
        )

    last_export: Path | None = None

    # --- helpers for panes, palette and help -------------------------------------------------

    def watchlist_symbols(self) -> list[str]:
        return list(self.symbols)

    def quote_of(self, symbol: str) -> dict[str, Any]:
        return dict(self.query_one(Watchlist).quotes.get(symbol, {}))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from app_commands(self)

    def help_rows(self) -> list[HelpRow]:
        """Every binding with its current keys (after the keymap), for the help screen."""
        bindings = [b for b in [*self.BINDINGS, *Watchlist.BINDINGS] if isinstance(b, Binding)]
        return help_rows(bindings, self.settings.keymap, self.get_key_display)
