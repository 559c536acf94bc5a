"""Exporting: the visible session, as the exporter wants it, built from what the panes hold.

The export must match the screen, so it is built from the panes' own data (the lists they
draw), on the UI thread, at the moment the person confirms; the file is then written from
this copy on a thread worker while the panes move on (a worker of the main screen, so tests
can await it; the write is short and local, so quitting may wait for it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.screen import Screen

from tvtui.config.studies import parse_study
from tvtui.config.watchlist_file import Section, format_watchlist
from tvtui.market.session import SessionView
from tvtui.ui.chart.overlay_legend import fallback_name
from tvtui.ui.safe import shown
from tvtui.ui.screens.export import ExportRequest, ExportScreen
from tvtui.ui.widgets.chart import ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane
from tvtui.ui.widgets.watchlist import Watchlist

if TYPE_CHECKING:
    from tvtui.ui.app import TvtuiApp

    _Base = Screen[None]
else:
    _Base = object


def visible_session(
    chart: ChartPane, indicators: IndicatorPane, quote: dict[str, Any], mode: str
) -> SessionView:
    view = SessionView(
        symbol=chart.symbol,
        timeframe=chart.timeframe,
        source="demo" if mode == "demo" else "live",
    )
    view.candles.apply(chart.bars)
    blocks = indicators.blocks()
    for key in indicators.order:  # study keys: the same indicator twice is two series
        block = blocks.get(key)
        if block is None:
            continue
        series = view.study(key, block.titles)
        series.apply(block.points)
        series.error = block.error
    view.update_quote(quote)
    return view


#: (name, currency, sections, rows, totals, TradingView text): what export_watchlist writes
Table = tuple[
    str, str, list[tuple[str | None, list[str]]], list[dict[str, Any]], dict[str, Any], str
]


def watchlist_table(pane: Watchlist) -> Table:
    """The shown list as the export writes it, from what the pane holds (on the UI thread)."""
    state, holdings = pane.state, pane.painter.holdings
    spec = state.shown
    sections = [(s.title, list(s.symbols)) for s in spec.sections]
    rows: list[dict[str, Any]] = []
    for section in spec.sections:
        for symbol in section.symbols:
            quote = state.quotes.get(symbol, {})
            row: dict[str, Any] = {
                "section": section.title,
                "symbol": symbol,
                "description": quote.get("description"),
                "currency": quote.get("currency_code"),
                "last": quote.get("lp"),
                "change": quote.get("ch"),
                "change_pct": quote.get("chp"),
                "volume": quote.get("volume"),
            }
            position = holdings.position(symbol)
            if position is not None:
                valued = holdings.valued(symbol)
                row |= {
                    "quantity": position.quantity,
                    "avg_cost": position.average_cost,
                    "realised": position.realised,
                    "lots": [asdict(lot) for lot in state.positions.get(symbol, [])],
                }
                if valued is not None:
                    row |= {
                        "market_value": valued.market_value,
                        "day_gain": valued.day_gain,
                        "total_gain": valued.total_gain,
                        "total_gain_pct": valued.total_gain_pct,
                    }
            rows.append(row)
    totals = holdings.totals()
    summary = {
        "currency": totals.currency,
        "market_value": totals.market_value,
        "day_gain": totals.day_gain,
        "total_gain": totals.total_gain,
        "unconverted": list(totals.unconverted),
    }
    tradingview = format_watchlist([Section(title, symbols) for title, symbols in sections])
    return spec.name, spec.currency, sections, rows, summary, tradingview


class ExportActions(_Base):
    """``e``: the export dialog, then the file written on a thread."""

    if TYPE_CHECKING:

        @property
        def tvtui(self) -> TvtuiApp: ...

        def quote_of(self, symbol: str) -> dict[str, Any]: ...

    def session_view(self) -> SessionView:
        """What the panes hold right now, as the exporter's session (built on the UI thread)."""
        chart = self.query_one(ChartPane)
        app = self.tvtui
        return visible_session(
            chart, self.query_one(IndicatorPane), self.quote_of(chart.symbol), app.mode
        )

    def study_records(self) -> dict[str, dict[str, Any]]:
        """What each exported indicator is (by its key): pine id, legend title, inputs."""
        pane = self.query_one(IndicatorPane)
        records: dict[str, dict[str, Any]] = {}
        for key in pane.order:
            try:
                ref = parse_study(key)
            except ValueError:
                continue
            name = pane.names.get(key) or fallback_name(key)
            records[key] = {"pine_id": ref.pine_id, "name": name, "inputs": ref.overrides}
        return records

    async def action_export(self) -> None:
        app = self.tvtui
        chart = self.query_one(ChartPane)
        if not chart.bars:
            app.notify("Nothing to export yet: the chart has no bars.", severity="warning")
            return
        studies = ", ".join(self.query_one(IndicatorPane).order) or "no indicators"
        summary = shown(f"{chart.symbol} · {chart.timeframe} · {len(chart.bars)} bars · {studies}")

        def run(request: ExportRequest, screen: ExportScreen) -> None:
            app.export_format = request.fmt
            app.export_dir = request.folder
            if request.what == "watchlist":
                self.write_watchlist(watchlist_table(self.query_one(Watchlist)), request, screen)
            else:
                self.write_export(self.session_view(), request, screen, self.study_records())

        state = app.watchlist
        held = sum(1 for s in state.symbols if state.positions.get(s))
        listed = shown(f"{state.shown.name} ({len(state.symbols)} symbols, {held} positions)")
        screen = ExportScreen(summary, app.export_format, app.export_dir, run, watchlist=listed)
        await app.push_screen(screen)

    @work(thread=True, exit_on_error=False, group="export", description="export")
    def write_watchlist(self, table: Table, request: ExportRequest, screen: ExportScreen) -> None:
        """The shown list with its positions (and its TradingView file), on a thread."""
        from tvtui.export.files import ExportError
        from tvtui.export.watchlist import export_watchlist

        self._write(
            lambda: export_watchlist(*table, fmt=request.fmt, directory=request.folder),
            screen,
            "Exported the watchlist",
            ExportError,
        )

    @work(thread=True, exit_on_error=False, group="export", description="export")
    def write_export(
        self,
        view: SessionView,
        request: ExportRequest,
        screen: ExportScreen,
        studies: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        """Write on a thread; the dialog closes on success and shows the reason on failure."""
        from tvtui.export import ExportError, export_session

        self._write(
            lambda: export_session(view, request.fmt, request.folder, studies=studies),
            screen,
            f"Exported {request.fmt.upper()}",
            ExportError,
        )

    def _write(
        self,
        write: Callable[[], Path],
        screen: ExportScreen,
        title: str,
        expected: type[Exception],
    ) -> None:
        """Run ``write`` (on the export thread); the dialog closes on success and says why on
        a failure it expects (``expected``, the file system, a bad value)."""
        app = self.tvtui
        try:
            path = write()
        except (expected, OSError, ValueError) as exc:
            app.call_from_thread(screen.failed, str(exc))
            return
        path = path.absolute()
        app.last_export = path
        app.call_from_thread(screen.done, path)
        app.call_from_thread(app.notify, str(path), title=title, timeout=10)
