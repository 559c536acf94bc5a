"""The main screen's chart work: which symbol and timeframe it shows, and its indicators.

A mixin of :class:`tvtui.ui.screens.main.MainScreen` (one job per module): opening a symbol
asks the stream worker for a new chart generation and resets the chart and indicator panes;
choosing indicators fetches their metadata in the background (``ui/background.py``) and hands
what loaded to the worker. What was chosen is the app's (``app.timeframe``,
``app.indicator_ids``) so it is remembered between starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tvtui.config.studies import ChartStudy, load_study, study_key, study_legend
from tvtui.feed.studies import Indicator, IndicatorError
from tvtui.ui import format as fmt
from tvtui.ui import messages as msg
from tvtui.ui.background import run_in_background
from tvtui.ui.screens.indicators import IndicatorScreen
from tvtui.ui.stream_commands import LoadOlderBars
from tvtui.ui.widgets.chart import TIMEFRAME_KEYS, TIMEFRAMES, ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane
from tvtui.ui.widgets.status import StatusLine
from tvtui.ui.widgets.watchlist import Watchlist

if TYPE_CHECKING:
    from textual.worker import Worker

    from tvtui.ui.app import TvtuiApp

    _Base = Screen[None]
else:
    _Base = object

#: How long one study's metadata request may take.
METADATA_TIMEOUT = 5.0


class ChartActions(_Base):
    """Symbol, timeframe and indicators of the chart pane."""

    #: chart switches so far: a pane drops data of an older generation
    generation: int = 0
    #: studies whose metadata could not be fetched; fetched again once the link is back
    metadata_failed: set[str]
    #: pine ids refused for the account's plan (``study_not_auth``)
    premium: set[str]

    if TYPE_CHECKING:

        @property
        def tvtui(self) -> TvtuiApp: ...

        def quote_of(self, symbol: str) -> dict[str, Any]: ...

        def show_alert_levels(self) -> None: ...

    def open_symbol(self, symbol: str, timeframe: str | None = None) -> None:
        """Show ``symbol`` (on ``timeframe``, else the current one) in the chart pane."""
        app = self.tvtui
        app.timeframe = timeframe or app.timeframe
        app.active_symbol = symbol
        self.generation = app.bridge.open_chart(symbol, app.timeframe)
        chart = self.query_one(ChartPane)
        chart.reset(self.generation, symbol, app.timeframe)
        chart.set_quote(self.quote_of(symbol))
        self.query_one(IndicatorPane).reset(self.generation, self.metadata_failed)
        self.chart_precision(self.quote_of(symbol))
        self.query_one(Watchlist).set_active(symbol)
        self.query_one(StatusLine).chart = f"{symbol} · {app.timeframe}"
        self.show_alert_levels()  # screens/alert_actions.py
        app.remember()

    def chart_precision(self, quote: dict[str, Any]) -> None:
        """Studies that inherit the symbol's format show its decimals (``pricescale``)."""
        scale = quote.get("pricescale")
        indicators = self.query_one(IndicatorPane)
        if isinstance(scale, int | float) and not isinstance(scale, bool) and scale >= 1:
            indicators.set_price_decimals(fmt.decimals_for(quote))
        elif not quote:
            indicators.set_price_decimals(None)

    # --- the cursor, zoom, chart type, older bars ------------------------------------------------

    def chart_cursor_shown(self) -> bool:
        return self.query_one(ChartPane).view.cursor_time is not None

    def action_cursor(self, step: int) -> None:
        """``←`` / ``→`` (``shift``: ten bars): the first press shows the cursor on the newest
        bar; past the left edge the view pans, past the oldest bar older bars are asked for."""
        chart = self.query_one(ChartPane)
        if chart.bars and chart.move_cursor(step):
            self.load_older_bars()

    def action_cursor_home(self) -> None:
        """``Home``: the oldest bar held; again: ask the server for older ones."""
        chart = self.query_one(ChartPane)
        if chart.bars and chart.cursor_home():
            self.load_older_bars()

    def action_cursor_hide(self) -> None:
        """``Escape`` / ``End``: no cursor; the chart follows the live bar again."""
        self.query_one(ChartPane).hide_cursor()

    def action_zoom(self, factor: float) -> None:
        """``+`` / ``-``: fewer / more bars per screen."""
        self.query_one(ChartPane).zoom(float(factor))

    def action_cycle_chart_type(self) -> None:
        """``c``: candles -> Heikin-Ashi -> OHLC bars -> line, remembered for the next start
        (``ui/state.py``, as the theme and time frame are; ``chart_type`` in the config is the
        default)."""
        # the readout names the type (all but candles): no toast over the indicators
        self.tvtui.chart_type = self.query_one(ChartPane).cycle_chart_type()
        self.tvtui.remember()

    def load_older_bars(self) -> None:
        """Ask the stream worker for older bars of this chart (once at a time; not after
        the server said it has none)."""
        chart = self.query_one(ChartPane)
        if chart.older_exhausted or chart.loading_older or not chart.bars:
            return  # said once when it arrived; the readout says it at the oldest bar

        chart.set_loading_older(True)
        self.tvtui.bridge.send(LoadOlderBars(chart.generation))

    # --- timeframes ----------------------------------------------------------------------------

    def action_step_timeframe(self, step: int) -> None:
        """``[`` / ``]``: the previous / next of every timeframe the app accepts, in order."""
        current = self.tvtui.timeframe
        index = TIMEFRAMES.index(current) if current in TIMEFRAMES else 0
        self.action_select_timeframe(TIMEFRAMES[(index + step) % len(TIMEFRAMES)])

    def action_timeframe(self, index: int) -> None:
        """Number keys 1-9: the common timeframes."""
        self.action_select_timeframe(TIMEFRAME_KEYS[index])

    def action_select_timeframe(self, timeframe: str) -> None:
        """A timeframe by name (the header's tabs are clickable)."""
        app = self.tvtui
        if timeframe not in TIMEFRAMES:
            return
        if app.active_symbol and timeframe != app.timeframe:
            self.open_symbol(app.active_symbol, timeframe)
        app.timeframe = timeframe

    # --- indicators ----------------------------------------------------------------------------

    def set_indicators(self, keys: list[str]) -> None:
        """Exactly these studies (study keys: ``STD;RSI``, ``STD;SMA length=50``), in this
        order, on the chart and its panes."""
        app = self.tvtui
        app.indicator_ids = list(keys)
        app.remember()
        self.place_studies()
        self.load_indicators(list(keys))

    def place_studies(self) -> None:
        """Each chosen study over the candles or in a block of its own (as its metadata says
        once it is in: ``overlay_legend.is_overlay``)."""
        keys = self.tvtui.indicator_ids
        self.query_one(IndicatorPane).set_studies(keys)
        self.query_one(ChartPane).keep_overlays(keys)

    def load_indicators(self, keys: list[str]) -> Worker[None]:
        """Fetch the studies' metadata (HTTP) in the background and apply their inputs; an
        ``IndicatorsLoaded`` message brings them back. Returns the worker (tests await it)."""
        endpoints = self.tvtui.endpoints

        def fetch() -> tuple[list[Indicator], list[tuple[str, str]]]:
            loaded: list[Indicator] = []
            failed: list[tuple[str, str]] = []
            for key in keys:
                try:
                    loaded.append(load_study(key, endpoints, METADATA_TIMEOUT))
                except IndicatorError as exc:
                    failed.append((key, exc.reason or str(exc)))
                except ValueError as exc:  # an input it does not have, a value out of range
                    failed.append((key, str(exc)))
            return loaded, failed

        def answer(result: tuple[list[Indicator], list[tuple[str, str]]]) -> msg.IndicatorsLoaded:
            return msg.IndicatorsLoaded(keys, *result)

        return run_in_background(
            self, fetch, answer, name="tvtui-indicators", description="Indicators"
        )

    def on_indicators_loaded(self, message: msg.IndicatorsLoaded) -> None:
        app = self.tvtui
        if message.pine_ids != app.indicator_ids:
            return  # chosen again meanwhile
        self.place_studies()  # the metadata now in may move a study
        pane = self.query_one(IndicatorPane)
        chart = self.query_one(ChartPane)
        app.bridge.set_studies(message.loaded)
        self.metadata_failed = {key for key, _ in message.failed}
        for indicator in message.loaded:  # sent (again): a refused one is retried now
            key = study_key(indicator)
            pane.clear_error(key)
            chart.overlay_failed(key, None)
            if isinstance(indicator, ChartStudy):
                pane.set_name(key, study_legend(indicator))
        chart.set_overlay_names(pane.names)
        for key, reason in message.failed:
            pane.fail(key, reason)
            chart.overlay_failed(key, reason)

    async def action_choose_indicators(self) -> None:
        app = self.tvtui

        def chosen(pine_ids: list[str] | None) -> None:
            if pine_ids is not None and pine_ids != app.indicator_ids:
                self.set_indicators(pine_ids)

        account = "an anonymous account" if app.anonymous else "this account"
        names = self.query_one(IndicatorPane).names
        screen = IndicatorScreen(
            app.indicator_ids, app.study_limit, account, app.endpoints, self.premium, names
        )
        await app.push_screen(screen, chosen)
