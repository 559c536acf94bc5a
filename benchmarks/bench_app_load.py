"""The app under load: 50 (then 500) watched symbols, ~10,000 updates a second, for 20 s
each (5 s quick).

The simulator runs in its own process in burst mode. Its ``burst_rate`` counts ticks of each
subscription (the quote session and the chart alternate), and one quote tick sends a ``qsd``
for each of the 50 symbols whose price moved (about 32 of them), so ~620 ticks/s give ~10,000
packets/s; the rate the app actually received is reported next to the figures. With 500
symbols each quote tick moves ~10x as many, so ~62 ticks/s give the same ~10,000 packets/s:
the watchlist then holds ten times the rows (its own line cache, ``refresh_lines`` of the
changed rows only) and must still answer a key within 100 ms in under 150 MB.

Measured inside the headless app (``run_test`` at 160x45):

- event-loop lag: a task on the app's loop sleeps 10 ms and records how late it wakes;
  the reference is the same timer with the app idle (no burst) in the same run;
- key to screen: a ``down`` key sent through the driver (as a terminal would) every ~0.5 s;
  the time until the first screen update that shows the moved cursor;
- memory: resident set size when the burst starts, half-way and at the end (flat: the second
  half adds less than 5 MB; the first half includes caches filling once).

An alerts run (issue 13) is the 50-symbol run again with 200 alerts over those 50 symbols
(4 each, as ``bench_alerts.py``'s "typical" places: crossing, crossing-up, entering-channel,
moving-up-%, every-time, at levels 0.05-1 % from each symbol's price when the burst starts),
added to the app's engine as the "new alert" dialog adds them: judged in the stream worker on
every update, each firing a notification, the bell and a watchlist row mark on the UI thread.
Its figures stand next to the run without alerts (``--alerts`` runs just those two).

A third run is the 500-symbol list as a trader with positions keeps it (issue 15): a named list
from the config, a lot on every symbol (position columns and the totals row), sorted by change
% descending, so every flush may reorder it. Besides the figures above it counts the re-sorts
a second (the rows reorder at most a few times a second, never on every flush); its key press
waits for the selected symbol to change (a re-sort moves the cursor's row, not its symbol).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from typing import Any

from benchmarks import common
from benchmarks.common import Figure, ms, percentile, rss_mb
from benchmarks.simproc import SimProcess, endpoints_of, extra_symbols

REAL = ["BINANCE:BTCUSDT", "BINANCE:ETHUSDT", "BINANCE:SOLUSDT", "COINBASE:BTCUSD"]
SYMBOLS = REAL + extra_symbols(46)
BURST = 620  #: simulator ticks/s: ~10,000 qsd/s over 50 symbols (~16 qsd per tick measured)
#: The large watchlist: 500 symbols, the same ~10,000 qsd/s (~160 qsd per tick).
LARGE = REAL + extra_symbols(496)
LARGE_BURST = 62
TIMER = 0.01


async def _lag_sampler(samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        start = time.monotonic()
        await asyncio.sleep(TIMER)
        samples.append(time.monotonic() - start - TIMER)


async def _measure(app: Any, seconds: float, keys: bool) -> dict[str, Any]:
    """Lag samples (and key latencies when ``keys``) over ``seconds`` of the running app."""
    from textual import events

    from tvtui.ui.widgets.watchlist import Watchlist

    lags: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_lag_sampler(lags, stop))
    key_latency: list[float] = []
    watchlist = app.query_one(Watchlist)
    pending: dict[str, Any] = {}
    original_hook = app.post_display_hook

    def display_hook() -> None:
        original_hook()
        if pending and watchlist.selected_key != pending["key"]:
            key_latency.append(time.monotonic() - pending["at"])
            pending.clear()

    app.post_display_hook = display_hook
    start_total = app.bridge.coalescer.total
    start_resorts = watchlist.resorts
    started = time.monotonic()
    deadline = started + seconds
    direction = "down"
    try:
        while time.monotonic() < deadline:
            if keys and not pending:
                row = watchlist.cursor_row
                last = watchlist.row_count - 2
                direction = "up" if row >= last else "down" if row <= 0 else direction
                pending.update(key=watchlist.selected_key, at=time.monotonic())
                app._driver.send_message(events.Key(direction, None))
            await asyncio.sleep(0.5)
    finally:
        stop.set()
        await sampler
        app.post_display_hook = original_hook
    elapsed = time.monotonic() - started
    received = (app.bridge.coalescer.total - start_total) / elapsed
    resorts = (watchlist.resorts - start_resorts) / elapsed
    return {
        "lags": lags,
        "keys": key_latency,
        "rate": received,
        "missed_keys": len(pending),
        "resorts": resorts,
    }


def positions_config(symbols: list[str]) -> str:
    """A config with ``symbols`` as one list sorted by change % and a lot on each of them."""
    listed = "".join(f'    "{s}",\n' for s in symbols)
    lots = "".join(
        f'[[positions]]\nsymbol = "{s}"\nquantity = {k % 7 + 1}\nprice = 100\n\n'
        for k, s in enumerate(symbols)
    )
    return (
        '[[watchlists]]\nname = "Bench"\nsort = "-change_pct"\n\n'
        f"[[watchlists.sections]]\nsymbols = [\n{listed}]\n\n{lots}"
    )


async def _started(pilot: Any, app: Any, symbols: list[str]) -> None:
    """Until (nearly) every symbol has its first quote: 3 s for 50 symbols, longer for 500."""
    from tvtui.ui.widgets.watchlist import Watchlist

    watchlist = app.query_one(Watchlist)
    deadline = time.monotonic() + 60.0
    await pilot.pause(3.0)  # history, studies, first quotes
    while len(watchlist.quotes) < 0.95 * len(symbols) and time.monotonic() < deadline:
        await pilot.pause(0.5)


#: The alerts run: 4 alerts per symbol, as fractions of its price (bench_alerts "typical").
ALERT_PLACES = (1.0005, 0.998, 1.003, 1.01, 0.3)


def _add_alerts(app: Any, symbols: list[str]) -> int:
    """4 alerts per symbol around its last price, into the running app's engine (what the
    dialog's save does, without its 200 "saved" toasts); how many were added."""
    from tvtui.alerts import Alert

    cross, up, low, high, percent = ALERT_PLACES
    engine = app.bridge.alerts.engine
    added = 0
    for symbol in symbols:
        p = app.main.quote_of(symbol).get("lp")
        if not isinstance(p, float | int):
            continue
        for text in (
            f"crossing {p * cross:.2f}",
            f"crossing-up {p * up:.2f}",
            f"entering-channel {p * low:.2f} {p * high:.2f}",
            f"moving-up-% {percent} 5",
        ):
            engine.add(Alert.parse(symbol, text, mode="every-time", timeframe="1m"))
            added += 1
    app.main.alerts_changed()  # the charted symbol's levels as lines
    return added


async def _run(
    env: dict[str, str],
    sim: SimProcess,
    seconds: float,
    symbols: list[str],
    burst: int,
    positions: bool = False,
    alerts: bool = False,
) -> dict[str, Any]:
    from tvtui.config import load_config
    from tvtui.ui.app import TvtuiApp

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TVTUI_CONFIG"] = f"{tmp}/config.toml"
        os.environ["XDG_DATA_HOME"] = f"{tmp}/data"
        if positions:
            with open(f"{tmp}/config.toml", "w", encoding="utf-8") as config:
                config.write(positions_config(symbols))
        app = TvtuiApp(
            load_config(),
            endpoints=endpoints_of(env),
            mode="demo",
            token="unauthorized_user_token",
            symbols=None if positions else symbols,
            theme="tvtui-dark",
        )
        async with app.run_test(size=(160, 45)) as pilot:
            await _started(pilot, app, symbols)
            added = _add_alerts(app, symbols) if alerts else 0
            idle = await _measure(app, 3.0, keys=True)
            sim.burst(burst)
            await pilot.pause(1.0)
            rss_start = rss_mb()
            first = await _measure(app, seconds / 2, keys=True)
            rss_mid = rss_mb()
            second = await _measure(app, seconds / 2, keys=True)
            rss_end = rss_mb()
            loaded = {
                "lags": first["lags"] + second["lags"],
                "keys": first["keys"] + second["keys"],
                "rate": (first["rate"] + second["rate"]) / 2,
                "missed_keys": first["missed_keys"] + second["missed_keys"],
                "resorts": (first["resorts"] + second["resorts"]) / 2,
            }
            sim.burst(0)
            app.bridge.stop()
            fired = len(app.bridge.alerts.log.recent(1_000_000)) if alerts else 0
    return {
        "idle": idle,
        "loaded": loaded,
        "rss": (rss_start, rss_mid, rss_end),
        "alerts": (added, fired),
    }


def _figures(
    result: dict[str, Any], seconds: float, burst: int, label: str, large: bool
) -> list[Figure]:
    idle, loaded = result["idle"], result["loaded"]
    rate = f"{loaded['rate']:,.0f} updates/s received for {seconds:g} s"
    p95_idle, p95 = percentile(idle["lags"], 95), percentile(loaded["lags"], 95)
    keys = loaded["keys"]
    key_p50, key_max = percentile(keys, 50), max(keys, default=float("nan"))
    rss_start, rss_mid, rss_end = result["rss"]
    growth = rss_end - rss_mid  # the first half includes caches filling once
    rss_target = "< 150 MB at the end" if large else "flat (second half grows < 5 MB)"
    sorting = []
    if "sorted" in label:
        sorting.append(
            Figure(
                f"app load{label}: re-sorts",
                f"{loaded['resorts']:.1f} a second",
                reference=f"idle {idle['resorts']:.1f} a second",
                target="at most a few a second (<= 4)",
                met=loaded["resorts"] <= 4,
            )
        )
    added, fired = result.get("alerts", (0, 0))
    if added:
        rate += f", {added} alerts, {fired} firings (idle included)"
    return [
        *sorting,
        Figure(f"app load{label}: received rate", rate, f"burst_rate {burst} ticks/s"),
        Figure(
            f"app load{label}: event-loop lag p95",
            f"{ms(p95)} (p50 {ms(percentile(loaded['lags'], 50))}, "
            f"max {ms(max(loaded['lags'], default=0.0))})",
            reference=f"idle p95 {ms(p95_idle)}",
            target="p95 < 25 ms",
            met=p95 * 1000 < 25,
        ),
        Figure(
            f"app load{label}: key press to screen",
            f"p50 {ms(key_p50)}, max {ms(key_max)} (n={len(keys)}, "
            f"unanswered {loaded['missed_keys']})",
            reference=f"idle p50 {ms(percentile(idle['keys'], 50))}",
            target="max < 100 ms",
            met=bool(keys) and key_max * 1000 < 100 and not loaded["missed_keys"],
        ),
        Figure(
            f"app load{label}: RSS start -> end",
            f"{rss_start:.0f} -> {rss_mid:.0f} -> {rss_end:.0f} MB (second half {growth:+.1f} MB)",
            reference="start, middle and end of the burst",
            target=rss_target,
            met=rss_end < 150 if large else growth < 5,
        ),
    ]


def run(quick: bool = False, large: bool = True, alerts: bool = True) -> list[Figure]:
    seconds = 5.0 if quick else 20.0
    figures: list[Figure] = []
    variants = [(SYMBOLS, BURST, "", False, False)]
    if alerts:
        variants.append((SYMBOLS, BURST, " 200 alerts", False, True))
    if large:
        variants.append((LARGE, LARGE_BURST, " 500 symbols", False, False))
        variants.append((LARGE, LARGE_BURST, " 500 symbols sorted, positions", True, False))
    for symbols, burst, label, positions, with_alerts in variants:
        with SimProcess(burst=0, stamp=False, extra=len(symbols) - len(REAL)) as sim:
            result = asyncio.run(
                _run(sim.env, sim, seconds, symbols, burst, positions, with_alerts)
            )
        figures += _figures(result, seconds, burst, label, large=symbols is LARGE)
    return figures


if __name__ == "__main__":
    if "--alerts" in sys.argv[1:]:  # the 50 symbols without, then with, the 200 alerts
        common.main(lambda quick: run(quick, large=False))
    else:
        common.main(run)
