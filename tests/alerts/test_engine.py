"""The engine on its own: each condition fires exactly as often as a price path crosses it
(counted here by a separate few lines), replays never fire twice, ``once`` fires once,
``every-time`` re-arms, closed-bar conditions wait for the bar to close."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from tvtui.alerts import Alert, AlertEngine, Mode, Source


def side_changes(prices: list[float], level: float) -> list[tuple[int, int]]:
    """(side before, side after) of every crossing: the reference count, written apart from
    the engine. Prices on the level have no side and are skipped."""
    sides = [1 if p > level else -1 for p in prices if p != level]
    return [(a, b) for a, b in itertools.pairwise(sides) if a != b]


def run(engine: AlertEngine, path: list[tuple[float, float]], symbol: str = "X:Y") -> list:
    out = []
    for t, p in path:
        out += engine.on_price(symbol, p, t)
    return out


def every(condition: str, symbol: str = "X:Y", **kwargs) -> Alert:
    return Alert.parse(symbol, condition, mode="every-time", **kwargs)


prices = st.lists(st.integers(90, 110).map(float), min_size=0, max_size=60)


@settings(max_examples=200, deadline=None)
@given(prices, st.integers(95, 105).map(float))
def test_crossings_fire_exactly_as_often_as_the_path_crosses(path, level) -> None:
    timed = [(float(t), p) for t, p in enumerate(path)]
    engine = AlertEngine(
        [every(f"crossing {level}"), every(f"crossing-up {level}"),
         every(f"crossing-down {level}")]
    )  # fmt: skip
    fired = run(engine, timed)
    changes = side_changes(path, level)
    by = {w: [f for f in fired if f.alert.condition.word.value == w] for w in
          ("crossing", "crossing-up", "crossing-down")}  # fmt: skip
    assert len(by["crossing"]) == len(changes)
    assert len(by["crossing-up"]) == sum(1 for a, b in changes if b > a)
    assert len(by["crossing-down"]) == sum(1 for a, b in changes if b < a)
    for f in fired:  # previous and price lie on the two sides of the level
        assert (f.previous - level) * (f.price - level) < 0


@settings(max_examples=200, deadline=None)
@given(prices, st.integers(95, 105).map(float), st.randoms(use_true_random=False))
def test_replayed_and_repeated_prices_never_fire_again(path, level, rnd) -> None:
    """The same path with old prices replayed after 'reconnects' and repeats: the same
    firings, none twice."""
    timed = [(float(t), p) for t, p in enumerate(path)]
    noisy: list[tuple[float, float]] = []
    for i, item in enumerate(timed):
        noisy.append(item)
        if i and rnd.random() < 0.3:  # a reconnect: some history sent again, then this again
            noisy += timed[rnd.randrange(0, i) : i + 1]
    clean = run(AlertEngine([every(f"crossing {level}")]), timed)
    replayed = run(AlertEngine([every(f"crossing {level}")]), noisy)
    assert [(f.time, f.price) for f in replayed] == [(f.time, f.price) for f in clean]


def test_once_fires_once_and_every_time_rearms() -> None:
    path = [(0, 99.0), (1, 101.0), (2, 99.0), (3, 101.0), (4, 99.0), (5, 101.0)]
    once = Alert.parse("X:Y", "crossing-up 100")
    again = every("crossing-up 100")
    engine = AlertEngine([once, again])
    fired = run(engine, path)
    assert [f.time for f in fired if f.alert is once] == [1]
    assert [f.time for f in fired if f.alert is again] == [1, 3, 5]
    status = engine.status(once.id)
    assert status is not None and not status.armed and status.fired == 1


def test_touching_the_level_is_no_crossing_and_does_not_rearm() -> None:
    path = [(0, 99.0), (1, 101.0), (2, 100.0), (3, 101.0), (4, 100.0), (5, 102.0)]
    fired = run(AlertEngine([every("crossing-up 100")]), path)
    assert [(f.previous, f.price) for f in fired] == [(99.0, 101.0)]


def test_greater_and_less_than_fire_on_entering_and_rearm_on_leaving() -> None:
    path = [(0, 101.0), (1, 102.0), (2, 100.0), (3, 103.0), (4, 99.0)]
    gt, lt = every("greater-than 100"), every("less-than 100")
    once_gt = Alert.parse("X:Y", "greater-than 100")
    fired = run(AlertEngine([gt, lt, once_gt]), path)
    assert [f.time for f in fired if f.alert is gt] == [0, 3]
    assert [f.time for f in fired if f.alert is once_gt] == [0]
    assert [(f.time, f.previous) for f in fired if f.alert is lt] == [(4, 103.0)]


def test_channels_fire_on_entering_and_exiting() -> None:
    path = [(0, 90.0), (1, 105.0), (2, 107.0), (3, 120.0), (4, 100.0), (5, 108.0), (6, 95.0)]
    enter, leave = every("entering-channel 100 110"), every("exiting-channel 100 110")
    fired = run(AlertEngine([enter, leave]), path)
    # 100 is on a bound: no side, so 120 -> 100 -> 108 enters once, at 108
    assert [f.time for f in fired if f.alert is enter] == [1, 5]
    assert [f.time for f in fired if f.alert is leave] == [3, 6]


def test_moving_percent_within_n_bars() -> None:
    up = every("moving-up-% 5 3", timeframe="1m")
    down = every("moving-down-% 5 3", timeframe="1m")
    # one price per minute
    path = [(0, 100.0), (60, 102.0), (120, 104.0), (180, 106.0), (240, 106.0), (300, 100.0)]
    fired = run(AlertEngine([up, down]), path)
    # at 120 the window (0, 60, 120) low is 100: +4 %; at 180 the window is 60..180: low 102,
    # +3.9 %: never 5 % within 3 bars
    assert [f for f in fired if f.alert is up] == []
    path = [(0, 100.0), (60, 103.0), (120, 105.0), (180, 99.0), (240, 94.0)]
    fired = run(AlertEngine([up, down]), path)
    assert [(f.time, f.previous) for f in fired if f.alert is up] == [(120, 100.0)]
    assert [(f.time, f.previous) for f in fired if f.alert is down] == [(180, 105.0)]


def test_expired_alerts_never_fire() -> None:
    alert = every("crossing 100", expires=2.5)
    fired = run(AlertEngine([alert]), [(0, 99.0), (1, 101.0), (2, 99.0), (3, 101.0)])
    assert [f.time for f in fired] == [1, 2]


def test_a_once_alert_spent_in_an_earlier_run_stays_quiet() -> None:
    alert = Alert.parse("X:Y", "crossing 100")
    engine = AlertEngine()
    engine.add(alert, armed=False)
    assert run(engine, [(0, 99.0), (1, 101.0)]) == []


def test_closed_bar_conditions_wait_for_the_close_and_never_refire_on_replay() -> None:
    """RSI points as the feed sends them: history, then the forming bar updated live (it
    crosses 70 and comes back before closing: no firing), then bars closing; a reconnect
    sends the whole history again."""
    alert = every("rsi crossing-up 70", timeframe="1m")
    engine = AlertEngine([alert])
    feed = lambda pts: engine.on_points("X:Y", "1m", Source.RSI, [(t, v, None) for t, v in pts])  # noqa: E731
    history = [(0, 50.0), (60, 75.0), (120, 60.0), (180, 65.0)]  # 60 crossed: the past
    assert feed(history) == []
    assert feed([(180, 72.0)]) == []  # the forming bar above 70: not closed yet
    assert feed([(180, 68.0)]) == []
    closing = feed([(180, 71.0), (240, 69.0)])  # 180 closes at 71: fires on that bar
    assert [(f.time, f.previous, f.price) for f in closing] == [(180, 60.0, 71.0)]
    # a reconnect: the history again, with the bars closed meanwhile (240 at 69, 300 at 80)
    replay = [*history, (180, 71.0), (240, 69.0), (300, 80.0), (360, 81.0)]
    fired_now = feed(replay)
    assert [(f.time, f.previous, f.price) for f in fired_now] == [(300, 69.0, 80.0)]
    assert feed(replay) == []  # and again: nothing new


def test_macd_crossing_its_signal_line() -> None:
    alert = every("macd crossing signal", timeframe="5m")
    engine = AlertEngine([alert])
    points = [(0, 1.0, 2.0), (300, 1.5, 2.0), (600, 2.5, 2.0), (900, 2.6, 2.4), (1200, 2.0, 2.3)]
    fired = engine.on_points("X:Y", "5m", Source.MACD, points[:2])  # history
    fired += engine.on_points("X:Y", "5m", Source.MACD, points[2:])
    # 600 is above its signal (closed by 900); 900 is still above; 1200 is still forming
    assert [(f.time, f.level, f.price) for f in fired] == [(600, 2.0, 2.5)]
    assert Alert.parse("X:Y", "macd crossing signal").mode is Mode.ONCE


CONDITIONS = [
    "crossing 100", "crossing-up 100", "crossing-down 101", "greater-than 100",
    "less-than 99", "entering-channel 98 102", "exiting-channel 99 101",
    "moving-up-% 3 2", "moving-down-% 2 3",
]  # fmt: skip

steps = st.lists(
    st.tuples(
        st.sampled_from(["A:X", "B:Y"]),
        st.integers(94, 106).map(float),
        st.sampled_from([0, 0, 0, 1, 1, 20, 60, -30]),  # same second, later, a replay
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(steps, st.lists(st.integers(1, 9), min_size=1, max_size=5), st.booleans())
def test_the_band_fast_path_fires_exactly_as_judging_every_price(path, cuts, once) -> None:
    """The engine skips prices inside a symbol's band (nothing can change there): the same
    firings, in the same order, as judging every price in full; through ``on_price`` and
    through the watcher's batched ``feed_all`` alike."""
    from tvtui.alerts import AlertWatcher
    from tvtui.feed.events import QuoteUpdate

    mode = "once" if once else "every-time"
    alerts = [Alert.parse(s, c, mode=mode, timeframe="1m") for s in ("A:X", "B:Y")
              for c in CONDITIONS]  # fmt: skip
    t = {"A:X": 1_000_000.0, "B:Y": 1_000_000.0}
    timed = []
    for symbol, price, dt in path:
        t[symbol] += dt
        timed.append((symbol, price, t[symbol]))
    key = lambda f: (f.alert.id, f.time, f.price, f.previous)  # noqa: E731
    full = AlertEngine(alerts, bands=False)
    fast = AlertEngine(alerts)
    expected = [key(f) for s, p, tt in timed for f in full.on_price(s, p, tt)]
    assert [key(f) for s, p, tt in timed for f in fast.on_price(s, p, tt)] == expected
    # the same through feed_all: quote events as the client emits them (lp_time only when it
    # changed), cut into batches
    events, seen = [], {}
    for symbol, price, tt in timed:
        changes = {"lp": price}
        if seen.get(symbol) != tt:
            changes["lp_time"] = int(tt)
            seen[symbol] = tt
        events.append(QuoteUpdate(symbol=symbol, changes=changes,
                                  quote={"lp": price, "lp_time": int(tt)}))  # fmt: skip
    watcher = AlertWatcher(alerts)
    got, start = [], 0
    for cut in itertools.cycle(cuts):
        if start >= len(events):
            break
        got += watcher.feed_all(events[start : start + cut])
        start += cut
    assert [key(f) for f in got] == expected
    for f in got:  # the feed's integer times come out as the alert line's numbers
        assert isinstance(f.time, float) and f.row()["time"] == int(f.time)


def test_a_firings_message_shows_the_price_in_the_symbols_own_precision() -> None:
    """``Firing.message`` (the notification, a script's ``on_fire``) keeps every digit the
    symbol quotes with: 106120.23 is not rounded to 106120, and a pricescale of 100 shows
    two decimals (106120.2 as 106120.20); without a pricescale every significant digit."""
    from tvtui.alerts import AlertWatcher
    from tvtui.feed.events import QuoteUpdate

    def fire(price: float, **quote: object) -> str:
        watcher = AlertWatcher([every("crossing 106120", symbol="BINANCE:BTCUSDT")])
        fired = []
        for t, lp in ((1.0, 106119.5), (2.0, price)):
            changes = {"lp": lp, "lp_time": t, **quote}
            event = QuoteUpdate(symbol="BINANCE:BTCUSDT", changes=changes, quote=dict(changes))
            fired += watcher.feed_all([event])
        (firing,) = fired
        assert firing.price == price
        return firing.message

    assert "crossing 106120: 106120.23 at 1970-01-01 00:00:02 UTC" in fire(106120.23)
    assert ": 106120.23 at" in fire(106120.23, pricescale=100)
    assert ": 106120.20 at" in fire(106120.2, pricescale=100)
    assert ": 106120.2 at" in fire(106120.2)
    assert ": 106120.2000 at" in fire(106120.2, pricescale=10_000)
    assert ": 106120.2 at" in fire(106120.2, pricescale="100")  # not a number: every digit
