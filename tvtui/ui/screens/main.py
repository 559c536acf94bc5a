"""The main screen: the three panes and the status line, their keys, and the stream's routing.

The screen is the one controller of what is on it (posting's ``MainScreen`` is the model): the
panes are passive views that hold what they draw; the stream bridge (``ui/worker.py``) runs in
one thread worker and its messages (``ui/messages.py``, every ``StreamMessage``) come here,
whoever posted them (``TvtuiApp.post_message`` forwards them); the handlers below hand each to
the pane it concerns. The work behind the keys is split by job into mixins: the chart and its
indicators (``main_chart.py``), editing the watchlist (``main_watchlist.py``) and exporting
(``ui/exporting.py``). The app (``ui/app.py``) only starts things and holds the settings.

Every key is a binding of this screen, so none of them acts under a dialog (the dialogs are
modal: Textual stops the binding chain at them); the ids are what ``[keymap]`` rebinds.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from tvtui.config.studies import study_pine_id
from tvtui.feed.events import LinkState
from tvtui.ui import messages as msg
from tvtui.ui.exporting import ExportActions
from tvtui.ui.layout import LayoutState, apply_layout
from tvtui.ui.messages import OlderBarsLoaded
from tvtui.ui.safe import guarded
from tvtui.ui.screens.alert_actions import AlertActions
from tvtui.ui.screens.help import HelpRow, HelpScreen, help_rows
from tvtui.ui.screens.indicator_search import is_premium_refusal, refusal_text
from tvtui.ui.screens.main_chart import ChartActions
from tvtui.ui.screens.main_watchlist import WatchlistActions
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.stream_commands import Behind
from tvtui.ui.widgets.chart import TIMEFRAME_KEYS, ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane, is_overlay
from tvtui.ui.widgets.status import StatusLine
from tvtui.ui.widgets.watchlist import Watchlist

if TYPE_CHECKING:
    from tvtui.ui.app import TvtuiApp

PaneT = TypeVar("PaneT", bound=Widget)

#: Every key of the main screen, in the order the footer and the help screen show them.
MAIN_BINDINGS = [
    Binding("q", "app.quit", "Quit", id="app.quit"),
    Binding("question_mark,f1", "help", "Help", id="app.help", priority=True),
    Binding("a,slash", "add_symbol", "Add", id="watchlist.add", priority=True),
    Binding("d,delete", "remove_symbol", "Remove", id="watchlist.remove"),
    Binding("K,shift+up", "move(-1)", "Move up", show=False, id="watchlist.move_up"),
    Binding("J,shift+down", "move(1)", "Move down", show=False, id="watchlist.move_down"),
    Binding("left_square_bracket", "step_timeframe(-1)", "Prev TF", id="chart.prev_timeframe"),
    Binding("right_square_bracket", "step_timeframe(1)", "Next TF", id="chart.next_timeframe"),
    *[
        Binding(str(n), f"timeframe({n - 1})", tf, show=False, id=f"chart.timeframe_{n}")
        for n, tf in enumerate(TIMEFRAME_KEYS, start=1)
    ],
    # the chart's cursor, zoom and type: priority bindings, so they reach the chart whichever
    # pane has focus (the watchlist keeps ↑ ↓ j k enter; it fits its columns to its width, so
    # its own ← → Home End horizontal scrolling is not missed); the help screen says so
    Binding("left", "cursor(-1)", "Cursor ←", show=False, priority=True, id="chart.cursor_left"),
    Binding("right", "cursor(1)", "Cursor →", show=False, priority=True, id="chart.cursor_right"),
    Binding(
        "shift+left",
        "cursor(-10)",
        "Cursor 10 ←",
        show=False,
        priority=True,
        id="chart.cursor_left_10",
    ),
    Binding(
        "shift+right",
        "cursor(10)",
        "Cursor 10 →",
        show=False,
        priority=True,
        id="chart.cursor_right_10",
    ),
    Binding(
        "home", "cursor_home", "Oldest bar / older bars", show=False, priority=True, id="chart.home"
    ),
    Binding(
        "end,escape",
        "cursor_hide",
        "Hide cursor, follow live",
        show=False,
        priority=True,
        id="chart.live",
    ),
    Binding("plus,equals_sign", "zoom(0.6667)", "Zoom in", show=False, id="chart.zoom_in"),
    Binding("minus", "zoom(1.5)", "Zoom out", show=False, id="chart.zoom_out"),
    Binding("c", "cycle_chart_type", "Chart type", id="chart.type"),
    Binding("i", "choose_indicators", "Indicators", id="indicators.choose", priority=True),
    Binding("e", "export", "Export", id="app.export", priority=True),
    Binding("r", "app.reconnect", "Reconnect", show=False, id="app.reconnect"),
    Binding("t", "app.cycle_theme(1)", "Next theme", show=False, id="app.cycle_theme"),
    Binding("T", "app.cycle_theme(-1)", "Previous theme", show=False, id="app.cycle_theme_back"),
    Binding("z", "maximise_chart", "Maximise chart", show=False, id="chart.maximise"),
    Binding("W", "toggle_pane('watchlist')", "Watchlist pane", show=False, id="watchlist.toggle"),
    Binding("I", "toggle_pane('indicators')", "Indicator pane", show=False, id="indicators.toggle"),
    Binding(
        "A", "new_alert", "New alert (prefilled)", show=False, id="app.new_alert", priority=True
    ),
    Binding(
        "ctrl+a",
        "alert_list",
        "Alerts: list, pause, edit",
        show=False,
        id="app.alerts",
        priority=True,
    ),
]

#: ... and the watchlist's own (j / k): every binding the help screen lists and [keymap] may name.
ALL_BINDINGS = [*MAIN_BINDINGS, *(b for b in Watchlist.BINDINGS if isinstance(b, Binding))]


class MainScreen(AlertActions, ChartActions, WatchlistActions, ExportActions, Screen[None]):
    """Watchlist, candle chart, indicators and a status line over one feed stream."""

    BINDINGS: ClassVar[list[BindingType]] = [*MAIN_BINDINGS]
    #: Actions that make sense only while this screen is on top: under a dialog the footer
    #: (still drawn behind it) shows only the keys that work everywhere.
    MAIN_ONLY = frozenset(
        {"add_symbol", "remove_symbol", "move", "step_timeframe", "timeframe"}
        | {"select_timeframe", "choose_indicators", "export", "maximise_chart", "toggle_pane"}
        | {"cursor", "cursor_home", "cursor_hide", "zoom", "cycle_chart_type"}
        | {"new_alert", "alert_list"}
    )
    #: Actions that open a dialog. Their keys are priority bindings, taken as the app receives
    #: them (before it hands the keys typed behind them to the focused pane), and each action
    #: waits for its dialog to be up: what is typed right after the key then goes into the
    #: dialog. Found in tmux: "aBINANCE:SOLUSDT" at once left the symbol field empty, "istoch"
    #: opened the chooser without a search, "p2" the position dialog without a quantity.
    #: Not while the watchlist's filter takes typing (its "a" is a letter of the filter).
    OPENS_DIALOG = frozenset(
        {"help", "add_symbol", "choose_indicators", "export", "new_alert", "alert_list"}
        | {"edit_position", "new_list"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.generation = 0
        self.metadata_failed: set[str] = set()
        #: pine ids TradingView refused for the plan this session (the chooser labels them)
        self.premium: set[str] = set()
        self.layout_state = LayoutState()

    @property
    def tvtui(self) -> TvtuiApp:
        return cast("TvtuiApp", self.app)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cursor_hide" and not self.chart_cursor_shown():
            return False  # Escape / End with no cursor: left to whoever else wants them
        if action in self.OPENS_DIALOG and self.watchlist_pane.filtering:
            return False
        return action not in self.MAIN_ONLY or self.app.screen is self

    def compose(self) -> ComposeResult:
        app = self.tvtui
        yield Watchlist(id="watchlist", clock=app.clock, state=app.watchlist)
        yield ChartPane(chart_type=app.chart_type, id="chart")
        yield IndicatorPane(id="indicators")
        yield StatusLine(app.mode, id="status", clock=app.clock)
        yield Footer()
        yield Static("", id="too-small")

    def on_mount(self) -> None:
        app = self.tvtui
        watchlist = self.query_one(Watchlist)
        watchlist.border_title = "Watchlist"
        watchlist.set_symbols(app.symbols)
        watchlist.focus()
        self.fit_layout()
        app.bridge.watch(app.symbols)
        if app.symbols:
            first = app.remembered.symbol
            first = first if first in app.symbols else app.symbols[0]
            watchlist.set_symbols(app.symbols, keep=first)  # the cursor on it too
            self.open_symbol(first)
        self.set_indicators(app.indicator_ids)
        self.report_alert_problems()  # screens/alert_actions.py

    def on_screen_suspend(self) -> None:
        """A dialog or the palette covers the panes: their live updates come once a second
        (tvtui/ui/coalesce.py says why), until the screen is back in front."""
        self.tvtui.bridge.send(Behind(True))

    def on_screen_resume(self) -> None:
        self.tvtui.bridge.send(Behind(False))

    def restart_stream(self) -> None:
        """A new stream worker: ask it again for what the panes show."""
        app = self.tvtui
        app.bridge.watch(app.symbols)
        if app.active_symbol:
            self.open_symbol(app.active_symbol)
        self.load_indicators(list(app.indicator_ids))

    def quote_of(self, symbol: str) -> dict[str, Any]:
        """The latest quote of ``symbol`` the watchlist holds (a copy)."""
        return dict(self.query_one(Watchlist).quotes.get(symbol, {}))

    # --- routing: worker -> panes ----------------------------------------------------------

    def _pane(self, kind: type[PaneT]) -> PaneT | None:
        """The pane of ``kind``, or None while the app is shutting down (messages already in
        flight keep arriving after the widgets are gone)."""
        try:
            return self.query_one(kind)
        except NoMatches:
            return None

    @guarded
    def on_quotes_changed(self, message: msg.QuotesChanged) -> None:
        watchlist, chart = self._pane(Watchlist), self._pane(ChartPane)
        if watchlist is None or chart is None:
            return
        app = self.tvtui
        app.bridge.quote_cost(watchlist.take_cost())  # the previous flush, repaint included
        watchlist.update_quotes(message.quotes, message.trends)
        if app.active_symbol in message.quotes:
            chart.set_quote(message.quotes[app.active_symbol])
            self.chart_precision(message.quotes[app.active_symbol])

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
        indicators.reset(message.generation, self.metadata_failed)

    @guarded
    def on_candles_changed(self, message: msg.CandlesChanged) -> None:
        chart, indicators = self._pane(ChartPane), self._pane(IndicatorPane)
        if chart is None or indicators is None:
            return
        if chart.set_bars(message.generation, message.bars):
            indicators.set_times(message.generation, chart.times, chart.window)

    @guarded
    def on_older_bars_loaded(self, message: OlderBarsLoaded) -> None:
        """Older bars arrived (``Home`` twice, or the cursor past the oldest bar): the chart
        adds them at the left, its cursor staying on its bar."""
        chart, indicators = self._pane(ChartPane), self._pane(IndicatorPane)
        if chart is None or indicators is None or message.generation != chart.generation:
            return
        said = chart.older_exhausted
        if chart.add_older_bars(message.generation, list(message.bars), message.exhausted):
            indicators.set_times(message.generation, chart.times, chart.window)
        if message.exhausted and not said:
            self.app.notify(
                f"{chart.symbol}: the server has no bars older than these", title="Chart"
            )

    def on_chart_pane_window_changed(self, message: ChartPane.WindowChanged) -> None:
        """The chart's bars, columns or cursor changed: the indicator pane draws the same."""
        if indicators := self._pane(IndicatorPane):
            indicators.set_window(message.window)

    @guarded
    def on_study_changed(self, message: msg.StudyChanged) -> None:
        if indicators := self._pane(IndicatorPane):
            indicators.set_points(message.generation, message.key, message.titles, message.points)
        if is_overlay(message.key) and (chart := self._pane(ChartPane)):
            chart.set_overlay(message.generation, message.key, message.titles, message.points)

    @guarded
    def on_study_failed(self, message: msg.StudyFailed) -> None:
        if is_premium_refusal(message.reason):
            self.premium.add(study_pine_id(message.key))
        reason = refusal_text(message.reason)
        if indicators := self._pane(IndicatorPane):
            indicators.fail(message.key, reason)
        if is_overlay(message.key) and (chart := self._pane(ChartPane)):
            chart.overlay_failed(message.key, reason)

    @guarded
    def on_study_limit(self, message: msg.StudyLimit) -> None:
        self.tvtui.study_limit = message.limit

    @guarded
    def on_chart_failed(self, message: msg.ChartFailed) -> None:
        if chart := self._pane(ChartPane):
            chart.fail(message.generation, message.reason)
            self.app.notify(f"{message.symbol}: {message.reason}", title="Chart", severity="error")

    @guarded
    def on_link_changed(self, message: msg.LinkChanged) -> None:
        if status := self._pane(StatusLine):
            status.link = (message.status, message.at)
        if message.status.state == LinkState.CONNECTED and self.metadata_failed:
            self.metadata_failed.clear()
            self.load_indicators(list(self.tvtui.indicator_ids))
        if message.status.state == LinkState.AUTH_FAILED:
            self.app.notify(message.status.message, title="Feed", severity="error", timeout=20)

    @guarded
    def on_feed_stats(self, message: msg.FeedStats) -> None:
        if status := self._pane(StatusLine):
            status.rate = message.rate
            status.last_message_at = message.last_message_at

    @guarded
    def on_feed_problem(self, message: msg.FeedProblem) -> None:
        severity: SeverityLevel = "error" if message.severity == "error" else "warning"
        self.app.notify(message.text, title="Feed", severity=severity, timeout=12)

    @guarded
    def on_preview_ready(self, message: msg.PreviewReady) -> None:
        for screen in self.app.screen_stack:
            if isinstance(screen, SymbolEntry):
                screen.preview_ready(message.symbol, message.quote, message.error)

    def on_watchlist_opened(self, message: Watchlist.Opened) -> None:
        self.open_symbol(message.symbol)

    # --- layout ------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.fit_layout(event.size.width, event.size.height)

    def fit_layout(self, width: int | None = None, height: int | None = None) -> None:
        size = self.app.size
        with suppress(NoMatches):  # not composed yet, or shutting down
            apply_layout(self, self.layout_state, width or size.width, height or size.height)

    def action_maximise_chart(self) -> None:
        """``z``: the chart gets the screen (watchlist and indicators to one line); again
        brings them back."""
        state = self.layout_state
        if state.chart_maximised:
            state.collapsed.clear()
        else:
            state.collapsed.update({"watchlist", "indicators"})
        self.fit_layout()
        self.query_one(ChartPane).redraw()

    def action_toggle_pane(self, pane_id: str) -> None:
        """``W`` / ``I``: collapse or bring back the watchlist / the indicator pane."""
        self.layout_state.toggle(pane_id)
        self.fit_layout()

    # --- help --------------------------------------------------------------------------------

    async def action_help(self) -> None:
        if not isinstance(self.app.screen, HelpScreen):
            await self.app.push_screen(HelpScreen(self.help_rows()))

    def help_rows(self) -> list[HelpRow]:
        """Every binding with its current keys (after the keymap), for the help screen."""
        return help_rows(ALL_BINDINGS, self.tvtui.settings.keymap, self.app.get_key_display)
