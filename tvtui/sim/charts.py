"""Chart sessions: resolve_symbol, series (history, live ``du``, more data) and studies.

Everything here is synchronous and socket-free: each handler takes the simulated time and
returns the packets to send, so the connection decides when and how they go out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tvtui.sim import catalog, indicators, study_list
from tvtui.sim.catalog import Instrument
from tvtui.sim.market import Market
from tvtui.sim.prices import Bar, Grid, grid_for

Packet = dict[str, Any]
MAX_CATCHUP = 500  #: closed bars sent in one ``du`` after a long pause (older ones: ask again)
MAX_STUDY_MSG = "The maximum number of studies per chart has been reached for current subscription"


def _p(method: str, *params: Any) -> Packet:
    return {"m": method, "p": list(params)}


@dataclass(slots=True)
class Study:
    id: str
    series_id: str
    spec: indicators.StudySpec
    inputs: Any
    version: str  #: e.g. "s1_st1"
    calc: Any = None
    closed_until: int = 0  #: open time of the first bar NOT folded into ``calc``


@dataclass(slots=True)
class Series:
    id: str
    version: str
    ref: str
    inst: Instrument
    grid: Grid
    count: int
    base_open: int = 0  #: the bar with index 0
    earliest: int = 0  #: open time of the oldest bar sent
    forming: int = 0  #: open time of the forming bar last sent
    last_sent: Bar | None = None  #: the forming bar as last sent live

    def index(self, open_t: int) -> int:
        if self.grid.monthly:
            return _months(open_t) - _months(self.base_open)
        return (open_t - self.base_open) // self.grid.seconds

    def row(self, bar: Bar) -> dict[str, Any]:
        v = list(bar) if bar[5] is not None else list(bar[:5])
        return {"i": self.index(int(bar[0])), "v": v}


def _months(t: int) -> int:
    from datetime import UTC, datetime

    d = datetime.fromtimestamp(t, UTC)
    return d.year * 12 + d.month


@dataclass(slots=True)
class ChartSession:
    id: str
    market: Market
    max_studies: int
    timezone: str = "Etc/UTC"
    symbols: dict[str, Instrument | None] = field(default_factory=dict)
    series: dict[str, Series] = field(default_factory=dict)
    studies: dict[str, Study] = field(default_factory=dict)

    # --- symbols and series --------------------------------------------------------------------

    def resolve_symbol(self, ref: Any, spec: Any) -> list[Packet]:
        inst = catalog.lookup(spec)
        self.symbols[str(ref)] = inst
        if inst is None:
            return [_p("symbol_error", self.id, ref, "invalid symbol")]
        return [_p("symbol_resolved", self.id, ref, catalog.symbol_info(inst))]

    def create_series(self, params: list[Any], now: float, max_bars: int) -> list[Packet]:
        # [cs, sid, version, ref, resolution, count, range]
        sid, version, ref, resolution = (params + [None] * 6)[1:5]
        count = params[5] if len(params) > 5 else 300
        if isinstance(count, list):  # ["bar_count", to, count] (TradingView-API with a `to`)
            count = count[-1] if count else 300
        grid = grid_for(resolution)
        if grid is None or not isinstance(sid, str) or not isinstance(count, int):
            return [self._invalid("create_series", params)]
        inst = self.symbols.get(str(ref))
        if inst is None:
            return [_p("series_error", self.id, sid, version, "resolve error")]
        count = max(1, min(count, max_bars))
        series = Series(sid, str(version), str(ref), inst, grid, count)
        self.series[sid] = series
        out = self._load(series, now)
        for study in self.studies.values():
            if study.series_id == sid:
                out.extend(self._study_history(study, series, now))
        return out

    def modify_series(self, params: list[Any], now: float) -> list[Packet]:
        # [cs, sid, version, ref, resolution, range]
        sid, version, ref, resolution = (params + [None] * 6)[1:5]
        series = self.series.get(sid) if isinstance(sid, str) else None
        grid = grid_for(resolution)
        if series is None or grid is None:
            return [self._invalid("modify_series", params)]
        inst = self.symbols.get(str(ref))
        if inst is None:
            return [_p("series_error", self.id, sid, version, "resolve error")]
        series.version, series.ref, series.inst, series.grid = str(version), str(ref), inst, grid
        out = self._load(series, now)
        for study in self.studies.values():
            if study.series_id == sid:
                study.version = f"{series.version}_st1"
                out.extend(self._study_history(study, series, now))
        return out

    def _load(self, series: Series, now: float) -> list[Packet]:
        grid = series.grid
        forming_open = grid.open_of(now)
        bars = self.market.history(series.inst, grid, forming_open, series.count)
        bars.append(self.market.forming_bar(series.inst, grid, forming_open, now))
        series.base_open = int(bars[0][0])
        series.earliest = series.base_open
        series.forming = forming_open
        series.last_sent = bars[-1]
        return [
            _p("series_loading", self.id, series.id, series.version),
            self._timescale(series, bars),
            self._completed(series, now),
        ]

    def _timescale(self, series: Series, bars: list[Bar]) -> Packet:
        rows = [series.row(b) for b in bars]
        body = {
            series.id: {
                "node": "sim-node-1",
                "s": rows,
                "ns": {"d": "", "indexes": []},
                "t": series.version,
                "lbs": {"bar_close_time": series.grid.next_open(series.forming)},
            }
        }
        changes = {
            "index": rows[-1]["i"] if rows else 0,
            "zoffset": 0,
            "changes": [b[0] for b in bars],
            "marks": [],
            "index_diff": [],
        }
        return _p("timescale_update", self.id, body, changes)

    def request_more_data(self, params: list[Any], now: float, max_bars: int) -> list[Packet]:
        """``[cs, seriesId, count]``: the ``count`` bars before the oldest one sent, as one
        ``timescale_update`` of that series (and the studies' points for them in a ``du``),
        then ``series_completed``, as TradingView answers the web chart paging back.

        Once the history's start is reached the reply is the same pair with an EMPTY ``s``:
        an empty ``timescale_update`` then ``series_completed``. The protocol reference does
        not say what the real server sends there; this shape is the one every client already
        handles (a history update with no bars, then the completion it waits for), so a
        client pages until a reply brings no older bar and never waits for a message that
        does not come. A malformed request (unknown series, a count that is not a whole
        number from 1 up, missing parameters) gets TradingView's ``critical_error``
        "invalid parameters" with the method and arguments, as ``create_series`` does.
        """
        sid = params[1] if len(params) > 1 else None
        count = params[2] if len(params) > 2 else None
        series = self.series.get(sid) if isinstance(sid, str) else None
        if series is None or not isinstance(count, int) or isinstance(count, bool) or count < 1:
            return [self._invalid("request_more_data", params)]
        count = min(count, max_bars)
        bars = self.market.history(series.inst, series.grid, series.earliest, count)
        out: list[Packet] = [self._timescale(series, bars)]
        if bars:
            old_earliest = series.earliest
            series.earliest = int(bars[0][0])
            for study in self.studies.values():
                if study.series_id == sid:
                    points = self._points(study, series, series.earliest, old_earliest)
                    out.append(_p("du", self.id, {study.id: _study_body(study, points)}))
        out.append(self._completed(series, now))
        return out

    def _completed(self, series: Series, now: float) -> Packet:
        """``series_completed`` in streaming mode, stamped with ``t``/``t_ms`` as the server
        stamps it."""
        return _stamp(
            _p(
                "series_completed",
                self.id,
                series.id,
                "streaming",
                series.version,
                {"rt_update_period": 5},
            ),
            now,
        )

    def remove_series(self, sid: Any) -> list[Packet]:
        self.series.pop(sid, None)
        for study_id in [s.id for s in self.studies.values() if s.series_id == sid]:
            self.studies.pop(study_id, None)
        return []

    # --- studies -------------------------------------------------------------------------------

    def create_study(self, params: list[Any], now: float) -> list[Packet]:
        # [cs, study_id, "st1", series_id, script_type, inputs]
        study_id, parent, sid, script, inputs = (params + [None] * 6)[1:6]
        if not isinstance(study_id, str) or not isinstance(sid, str):
            return [self._invalid("create_study", params)]
        series = self.series.get(sid)
        version = f"{series.version if series else 's1'}_{parent or 'st1'}"
        pine_id = inputs.get("pineId") if isinstance(inputs, dict) else None
        if not isinstance(pine_id, str):
            pine_id = str(script)
        if indicators.is_premium(pine_id):
            return [_p("study_error", self.id, study_id, version, f"study_not_auth:{script}")]
        spec = indicators.STUDIES.get(pine_id)
        if spec is None:
            reason = f"Inexistent or unsupported indicator: {pine_id}"
            if study_list.listed(pine_id) is not None:  # listed, not computed by the simulator
                reason = f"study_not_auth:{script}"
            return [_p("study_error", self.id, study_id, version, reason)]
        if study_id not in self.studies and len(self.studies) >= self.max_studies:
            return [_p("study_error", self.id, study_id, version, MAX_STUDY_MSG + " sim-node-1")]
        if series is None:
            return [_p("study_error", self.id, study_id, version, "study has no series")]
        study = Study(study_id, sid, spec, inputs, version)
        self.studies[study_id] = study
        return self._study_history(study, series, now)

    def remove_study(self, study_id: Any) -> list[Packet]:
        self.studies.pop(study_id, None)
        return []

    def _study_history(self, study: Study, series: Series, now: float) -> list[Packet]:
        study.calc = indicators.build(study.spec, study.inputs)
        points = self._points(study, series, series.earliest, series.forming, live=study.calc)
        study.closed_until = series.forming
        forming = self.market.forming_bar(series.inst, series.grid, series.forming, now)
        values = study.calc.peek(forming)
        if values is not None:
            points.append({"i": series.index(series.forming), "v": [forming[0], *values]})
        return [
            _p("study_loading", self.id, study.id, study.version),
            _p("du", self.id, {study.id: _study_body(study, points)}),
            _stamp(_p("study_completed", self.id, study.id, study.version), now),
        ]

    def _points(
        self, study: Study, series: Series, start: int, end: int, live: Any = None
    ) -> list[dict[str, Any]]:
        """Study points for the closed bars opening in [start, end), after a warm-up.

        With ``live`` the calculation object is left folded up to ``end``; otherwise a
        throwaway one is used (older points must not disturb the live state).
        """
        calc = live if live is not None else indicators.build(study.spec, study.inputs)
        market, grid = self.market, series.grid
        bars_before = indicators.warmup(study.spec, study.inputs)
        for bar in market.history(series.inst, grid, start, bars_before):
            calc.push(bar)
        points = []
        for bar in market.history(series.inst, grid, end, _bars_between(grid, start, end)):
            values = calc.push(bar)
            if values is not None:
                points.append({"i": series.index(int(bar[0])), "v": [bar[0], *values]})
        return points

    # --- live ----------------------------------------------------------------------------------

    def tick(self, now: float, force: bool = False) -> Packet | None:
        """One ``du`` with every series' forming bar (and closed ones) and their studies.

        A series whose forming bar has not changed is left out (the real feed only sends on
        trades), unless ``force`` (burst mode sends regardless).
        """
        body: dict[str, Any] = {}
        for series in self.series.values():
            self._series_update(series, now, body, force)
        return _p("du", self.id, body) if body else None

    def _series_update(
        self, series: Series, now: float, body: dict[str, Any], force: bool = False
    ) -> None:
        grid = series.grid
        forming_open = grid.open_of(now)
        if forming_open < series.forming:  # a time from before the history was loaded
            return
        closed: list[Bar] = []
        if forming_open != series.forming:
            count = min(MAX_CATCHUP, _bars_between(grid, series.forming, forming_open))
            closed = self.market.history(series.inst, grid, forming_open, count)
            series.forming = forming_open
        forming = self.market.forming_bar(series.inst, grid, forming_open, now)
        if not closed and not force and forming == series.last_sent:
            return
        series.last_sent = forming
        body[series.id] = {
            "s": [series.row(b) for b in (*closed, forming)],
            "ns": {"d": "", "indexes": "nochange"},
            "t": series.version,
            "lbs": {"bar_close_time": grid.next_open(forming_open)},
        }
        for study in self.studies.values():
            if study.series_id != series.id or study.calc is None:
                continue
            points = []
            for bar in closed:
                if bar[0] < study.closed_until:
                    continue
                values = study.calc.push(bar)
                if values is not None:
                    points.append({"i": series.index(int(bar[0])), "v": [bar[0], *values]})
            if closed:
                study.closed_until = forming_open
            values = study.calc.peek(forming)
            if values is not None:
                points.append({"i": series.index(forming_open), "v": [forming[0], *values]})
            body[study.id] = _study_body(study, points)

    def _invalid(self, method: str, params: list[Any]) -> Packet:
        args = ", ".join("" if a is None else str(a) for a in params[1:])
        return _p(
            "critical_error", self.id, "invalid parameters", f'method: {method}. args: "[{args}]"'
        )


def _bars_between(grid: Grid, a: int, b: int) -> int:
    """How many bars open in [a, b)."""
    if grid.monthly:
        return max(0, _months(b) - _months(a))
    return max(0, (b - a) // grid.seconds)


def _study_body(study: Study, points: list[dict[str, Any]]) -> dict[str, Any]:
    return {"node": "sim-node-1", "st": points, "ns": {"d": "", "indexes": []}, "t": study.version}


def _stamp(packet: Packet, now: float) -> Packet:
    packet["t"] = int(now)
    packet["t_ms"] = int(now * 1000)
    return packet
