"""History on demand: 5,000 older bars from the simulator, request to bars held.

The simulator runs in its own process (``simproc.py``: a real server does not share our GIL).
Two paths are timed, each against a reference measured in the same run:

- the client: ``FeedClient.request_more(handle, 5000)`` until ``OlderBarsArrived``, the bars
  merged into a ``CandleSeries`` with ``add_older`` on the way (what the library and the app
  hold); reference: the series' first load of 5,000 bars (``open_series`` to
  ``series_completed``, the same bars' worth of work for the server and the decoder);
- the app's worker: ``LoadOlderBars`` in, until ``OlderBarsLoaded`` (every bar held) is posted,
  the whole ``StreamBridge`` with the real client (what the chart waits for before it redraws).

Also the simulator's own CPU time for a page against the first load (in-process,
``time.process_time``): what the server side costs, whatever else the machine runs.

Pages go further back each time (1-minute bars, 5,000 per page); the figure is the median
page, target under 1 s (issue 12: 5,000 older bars to screen in under a second; the chart's
redraw is ``bench_chart``'s row).
"""

from __future__ import annotations

import queue
import statistics
import threading
import time
from typing import Any

from benchmarks import common
from benchmarks.common import Figure, ms
from benchmarks.simproc import SimProcess, endpoints_of

SYMBOL = "BINANCE:BTCUSDT"
PAGE = 5000
TARGET = 1.0


def _client_pages(endpoints: Any, pages: int) -> tuple[float, list[float]]:
    from tvtui.feed import events as ev
    from tvtui.feed.client import FeedClient
    from tvtui.market.candles import CandleSeries

    inbox: queue.Queue[ev.Event] = queue.Queue()
    candles = CandleSeries(max_bars=(pages + 2) * PAGE)
    client = FeedClient(endpoints=endpoints, sink=inbox.put)

    def until(kind: type, state: Any = None) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            event = inbox.get(timeout=30)
            if isinstance(event, ev.SeriesData):
                if event.older:
                    candles.add_older(event.bars)
                else:
                    candles.apply(event.bars)
            if isinstance(event, kind) and getattr(event, "state", None) is state:
                return
        raise TimeoutError(kind.__name__)

    with client:
        until(ev.ConnectionStatus, ev.LinkState.CONNECTED)
        start = time.perf_counter()
        handle = client.open_series(SYMBOL, "1m", PAGE)
        until(ev.SeriesCompleted)
        first = time.perf_counter() - start
        times = []
        for _ in range(pages):
            held = len(candles)
            start = time.perf_counter()
            client.request_more(handle, PAGE)
            until(ev.OlderBarsArrived)
            times.append(time.perf_counter() - start)
            assert len(candles) >= held + PAGE, (held, len(candles))
    return first, times


def _bridge_pages(endpoints: Any, pages: int) -> list[float]:
    from tvtui.ui import messages as msg
    from tvtui.ui.worker import StreamBridge, default_client_factory

    posted: queue.Queue[Any] = queue.Queue()
    bridge = StreamBridge(posted.put, default_client_factory(endpoints, None))
    thread = threading.Thread(target=bridge.run, daemon=True)
    thread.start()

    def until(kind: type) -> Any:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message = posted.get(timeout=30)
            if isinstance(message, kind) and getattr(message, "history", True):
                return message
        raise TimeoutError(kind.__name__)

    try:
        generation = bridge.open_chart(SYMBOL, "1m")
        until(msg.CandlesChanged)
        times = []
        for _ in range(pages):
            start = time.perf_counter()
            bridge.load_older(generation, PAGE)
            loaded = until(msg.OlderBarsLoaded)
            times.append(time.perf_counter() - start)
            assert loaded.added == PAGE, loaded.added
    finally:
        bridge.stop()
        thread.join(5)
    return times


def _server_cpu(pages: int) -> tuple[float, float]:
    """CPU seconds of the simulator's own work (bars cut from the trade path, as packets) for
    the first load of 5,000 bars and the median older page: robust to other load."""
    from tvtui.sim.charts import ChartSession
    from tvtui.sim.config import DEFAULT_START
    from tvtui.sim.market import Market

    chart = ChartSession("cs_bench", Market(7), 2)
    chart.resolve_symbol("sym", SYMBOL)
    now = float(DEFAULT_START)
    start = time.process_time()
    chart.create_series(["cs_bench", "sds_1", "s1", "sym", "1", PAGE, ""], now, PAGE)
    first = time.process_time() - start
    times = []
    for _ in range(pages):
        start = time.process_time()
        chart.request_more_data(["cs_bench", "sds_1", PAGE], now, PAGE)
        times.append(time.process_time() - start)
    return first, statistics.median(times)


def run(quick: bool = False) -> list[Figure]:
    pages = 2 if quick else 3
    server_first, server_page = _server_cpu(pages)
    with SimProcess(stamp=False) as sim:
        endpoints = endpoints_of(sim.env)
        first, client_times = _client_pages(endpoints, pages)
        bridge_times = _bridge_pages(endpoints, pages)
    client = statistics.median(client_times)
    bridge = statistics.median(bridge_times)
    pages_text = ", ".join(ms(t) for t in client_times)
    return [
        Figure(
            f"5,000 older 1m bars: request_more to bars held (median of {pages} pages)",
            f"{ms(client)} (pages {pages_text}) = x{client / first:.2f} of the first load",
            f"first load of 5,000 bars {ms(first)}",
            f"< {TARGET:g} s",
            client < TARGET,
        ),
        Figure(
            f"5,000 older 1m bars: LoadOlderBars to OlderBarsLoaded posted (median of {pages})",
            f"{ms(bridge)} (pages {', '.join(ms(t) for t in bridge_times)})",
            f"the client alone {ms(client)}",
            f"< {TARGET:g} s",
            bridge < TARGET,
        ),
        Figure(
            "the simulator's CPU for one older page of 5,000 1m bars (in-process)",
            f"{ms(server_page)} = x{server_page / server_first:.2f} of the first load",
            f"first load of 5,000 bars {ms(server_first)} CPU",
            "",
            None,
        ),
    ]


if __name__ == "__main__":
    common.main(run)
