"""Every resolution is cut from the same trades, as on TradingView's feed.

Seen by a person: on every time frame the chart's last close is the watchlist's last price,
and a 5-minute bar is its five 1-minute bars (open of the first, highest high, lowest low,
close of the last, summed volume). Checked over the real socket with a raw client, on the
history, on live updates, and on older bars fetched with ``request_more_data``.
"""

from __future__ import annotations

import time

from tvtui.feed import messages as msg
from tvtui.feed.events import Bar, QuoteUpdate, SeriesCompleted, SeriesData
from tvtui.sim.prices import grid_for

SYMBOL = "BINANCE:BTCUSDT"
RESOLUTIONS = ("1S", "5S", "10S", "15S", "30S", "1", "3", "5", "15", "30", "45", "60", "120",
               "180", "240", "1D", "1W", "1M")  # fmt: skip
#: Each finer resolution and the coarser ones whose bars it tiles exactly.
TILES = {
    "1S": ("5S", "10S", "15S", "30S", "1"),
    "1": ("3", "5", "15", "30", "45", "60", "120", "180", "240"),
    "60": ("120", "180", "240", "1D"),
    "1D": ("1W", "1M"),
}
CS = "cs_agree"


def _sid(resolution: str) -> str:
    return f"s_{resolution}"


def _open_every_resolution(client, count: int = 300) -> None:
    qs = "qs_agree"
    client.send(
        msg.set_auth_token(msg.DEFAULT_TOKEN),
        msg.quote_create_session(qs),
        msg.quote_set_fields(qs),
        msg.quote_add_symbols(qs, SYMBOL),
        msg.chart_create_session(CS),
        msg.resolve_symbol(CS, "sds_sym_1", SYMBOL),
        *(msg.create_series(CS, _sid(r), "s1", "sds_sym_1", r, count) for r in RESOLUTIONS),
    )


class Book:
    """What the client holds: bars by time per series, and the last price."""

    def __init__(self) -> None:
        self.bars: dict[str, dict[float, Bar]] = {_sid(r): {} for r in RESOLUTIONS}
        self.lp: float | None = None
        self.completed: set[str] = set()

    def apply(self, events) -> bool:
        """Fold one WebSocket message in; True if it carried live bars."""
        live = False
        for event in events:
            if isinstance(event, QuoteUpdate) and "lp" in event.changes:
                self.lp = event.changes["lp"]
            elif isinstance(event, SeriesData) and event.series_id in self.bars:
                for bar in event.bars:
                    self.bars[event.series_id][bar.time] = bar
                live = live or event.update == "live"
            elif isinstance(event, SeriesCompleted):
                self.completed.add(event.series_id)
        return live

    def last(self, resolution: str) -> Bar:
        held = self.bars[_sid(resolution)]
        return held[max(held)]

    def closed(self, resolution: str) -> dict[float, Bar]:
        """Every bar but the forming (latest) one."""
        held = self.bars[_sid(resolution)]
        latest = max(held)
        return {t: b for t, b in held.items() if t < latest}


def _read_until(client, book: Book, done, timeout: float, what: str) -> list[bool]:
    """Apply messages until ``done()``; the live flag of each message read."""
    flags: list[bool] = []
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        flags.append(book.apply(client.read()))
    return flags


def _check_tiling(book: Book, fine: str, coarse: str) -> int:
    """Every coarse bar whose fine bars are all held aggregates them; how many were checked."""
    fine_bars = book.closed(fine)
    fine_grid, coarse_grid = grid_for(fine), grid_for(coarse)
    assert fine_grid is not None and coarse_grid is not None
    checked = 0
    for t, bar in sorted(book.closed(coarse).items()):
        parts = []
        part = int(t)
        while part < coarse_grid.next_open(int(t)) and float(part) in fine_bars:
            parts.append(fine_bars[float(part)])
            part = fine_grid.next_open(part)
        if part != coarse_grid.next_open(int(t)):
            continue  # not every fine bar of this one is held
        where = f"{coarse} bar at {t} from {len(parts)} {fine} bars"
        assert bar.open == parts[0].open, where
        assert bar.close == parts[-1].close, where
        assert bar.high == max(p.high for p in parts), where
        assert bar.low == min(p.low for p in parts), where
        # Volumes are rounded per bar (to the instrument's 5 decimals): sums agree to that.
        assert abs(bar.volume - sum(p.volume for p in parts)) <= 1e-5 * len(parts) + 1e-9 * (
            bar.volume
        ), where
        checked += 1
    return checked


def test_the_last_close_is_the_last_price_on_every_resolution_live(sim, connect):
    client = connect(sim)
    book = Book()
    _open_every_resolution(client)
    _read_until(client, book, lambda: len(book.completed) == len(RESOLUTIONS), 20, "histories")
    checks = 0
    deadline = time.monotonic() + 20
    while checks < 20:
        assert time.monotonic() < deadline, f"only {checks} live updates within 20 s"
        if book.apply(client.read()) and book.lp is not None:
            # One tick is one message: every forming bar in it closes at the quote's price.
            closes = {r: book.last(r).close for r in RESOLUTIONS}
            assert set(closes.values()) == {book.lp}, (book.lp, closes)
            checks += 1


def test_coarser_bars_aggregate_finer_ones_in_history_live_and_older_data(sim_factory, connect):
    # 60 simulated seconds per real second: the server catches up at most 500 closed bars in
    # one update (older ones must be asked for again), so at 300 a loaded machine that pauses
    # the server's tick for 1.7 s would leave a 1S bar half-formed in what the client holds.
    sim = sim_factory(time_scale=60.0)
    client = connect(sim)
    book = Book()
    _open_every_resolution(client)
    _read_until(client, book, lambda: len(book.completed) == len(RESOLUTIONS), 20, "histories")
    held = {r: len(book.bars[_sid(r)]) for r in RESOLUTIONS}
    # Older bars on every series, as a chart scrolled back asks for them.
    book.completed.clear()
    client.send(*(msg.request_more_data(CS, _sid(r), 200) for r in RESOLUTIONS))
    _read_until(client, book, lambda: len(book.completed) == len(RESOLUTIONS), 20, "more data")
    for r in RESOLUTIONS:
        if r not in ("1W", "1M"):  # those reach 1990, where every instrument's bars start
            assert len(book.bars[_sid(r)]) >= held[r] + 200, r
    # Live bars closing on the fine series join the held ones.
    start = book.last("1").time
    _read_until(client, book, lambda: book.last("1").time >= start + 180, 20, "three 1m bars")
    for fine, coarse_ones in TILES.items():
        for coarse in coarse_ones:
            assert _check_tiling(book, fine, coarse) >= 1, f"no {coarse} bar tiled by {fine}"
    # And what the client holds is the simulator's truth.
    for r in RESOLUTIONS:
        closed = book.closed(r)
        first, last = min(closed), max(closed)
        truth = sim.bars(SYMBOL, r, first, last + 1)
        held_rows = [
            (b.time, b.open, b.high, b.low, b.close, b.volume) for _, b in sorted(closed.items())
        ]
        assert held_rows == truth, r
