"""``tvtui stream --follow --alert`` and ``tvtui alerts [--watch]`` as a script runs them,
against the simulator: alert lines whose previous and price lie on the two sides of the
level, as many as the printed quotes cross it; bad input says what is wrong and exits 2."""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.alerts.test_watcher_sim import SYMBOL, level_ahead
from tests.support import run_stream
from tvtui.alerts import AlertLog
from tvtui.sim import catalog

ALERT_KEYS = {"type", "symbol", "condition", "level", "price", "previous", "time"}


def lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def printed_crossings(rows: list[dict[str, Any]], level: float) -> int:
    """Crossings of ``level`` by the quotes printed, one price per quote time."""
    path = {}
    for row in rows:
        if row["type"] == "quote" and "lp" in row["quote"]:
            path.setdefault(row["quote"]["lp_time"], row["quote"]["lp"])
    sides = [p > level for _, p in sorted(path.items())]
    return sum(a != b for a, b in itertools.pairwise(sides))


@pytest.fixture
def slow_sim(sim_factory) -> Any:
    """A market at 60x: a subprocess that starts late on a busy machine still finds the price
    near the level chosen for the next 15 s."""
    return sim_factory(time_scale=60.0)


def test_stream_prints_alert_lines_on_both_sides_of_the_level(slow_sim) -> None:
    sim = slow_sim
    level = level_ahead(sim, SYMBOL, 900)
    done = run_stream(sim, SYMBOL, "--follow", "--seconds", "8", "--candles", "3",
                      "--alert", f"crossing {level} every-time",
                      "--alert", f"crossing-up {level}")  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = lines(done.stdout)
    alerts = [r for r in rows if r["type"] == "alert"]
    every = [r for r in alerts if r["mode"] == "every-time"]
    assert every, "no crossing in 8 s"
    for row in alerts:
        assert set(row) >= ALERT_KEYS
        assert row["symbol"] == SYMBOL and row["level"] == level
        assert (row["previous"] - level) * (row["price"] - level) < 0
    assert len(every) == printed_crossings(rows, level)
    ups = [r for r in alerts if r["condition"].startswith("crossing-up")]
    assert len(ups) <= 1 and all(r["price"] > level for r in ups)
    assert [r["time"] for r in every] == sorted({r["time"] for r in every})  # none twice


def test_stream_with_an_indicator_alert_reads_a_study_it_does_not_print(sim) -> None:
    done = run_stream(sim, SYMBOL, "--follow", "--seconds", "3", "--candles", "3",
                      "--alert", "rsi crossing 50 every-time")  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = lines(done.stdout)
    assert not [r for r in rows if r["type"] == "study"]
    for row in (r for r in rows if r["type"] == "alert"):
        assert row["timeframe"] == "1m" and row["condition"] == "rsi crossing 50"
        assert (row["previous"] - 50) * (row["price"] - 50) < 0


def test_bad_alerts_say_what_is_wrong_and_print_nothing(sim) -> None:
    for args, says, code in [
        (["--follow", "--alert", "crossng 1"], "Unknown condition word 'crossng'", 2),
        (["--follow", "--alert", "crossing-up lots"], "The level 'lots'", 2),
        (["--follow", "--alert", "entering-channel 2 1"], "bounds are reversed", 2),
        (["--alert", "crossing 1"], "--alert needs --follow", 2),
    ]:
        done = run_stream(sim, SYMBOL, *args)
        assert done.returncode == code, (args, done.stderr)
        assert done.stderr.startswith("tvtui stream: ") and says in done.stderr, done.stderr
        assert done.stdout == ""
    done = run_stream(sim, "NASDAQ:NOPE", "--follow", "--alert", "crossing 1")
    assert done.returncode == 3 and "NASDAQ:NOPE" in done.stderr


def run_alerts(sim: Any, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **sim.env()}
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    command = [sys.executable, "-m", "tvtui", "alerts", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def list_alerts(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """``tvtui alerts`` (the listing is a pure function of the files: run in-process, through
    the same entry point as ``python -m tvtui alerts``, it costs no interpreter start)."""
    from tvtui.cli import main

    capsys.readouterr()
    assert main(["alerts"]) == 0
    done = capsys.readouterr()
    return done.out, done.err


def test_alerts_lists_and_watches_the_configured_alerts(
    sim, private_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two watch runs (the second shows a spent ``once`` alert stays quiet) and three
    listings. The market runs at 300x and the crossing alerts sit on 19 levels spread over
    the prices of the next 30 s, so whenever the watch runs some of them are crossed."""
    config = private_dirs / "config.toml"
    inst = catalog.lookup(SYMBOL)
    t0 = int(sim.now())
    coming = [sim.market.last_price(inst, t) for t in range(t0, t0 + 9000, 15)]
    levels = [q + 0.005 for q in statistics.quantiles(coming, n=20)]

    def configure(*levels: float) -> None:
        config.write_text(
            "".join(
                f"""\
[[alerts]]
symbol = "{SYMBOL}"
condition = "crossing {level}"
mode = "every-time"
note = "watch it"

"""
                for level in levels
            )
            + f"""\
[[alerts]]
symbol = "{SYMBOL}"
condition = "greater-than 1"
id = "first-quote"

[[alerts]]
symbol = "{SYMBOL}"
condition = "greater-than 2"
id = "paused-one"
paused = true

[[alerts]]
symbol = "NASDAQ:NOPE"
condition = "greater-than 1"

[[alerts]]
symbol = "FX:EURUSD"
condition = "less-than one"
"""
        )

    configure(1000.5)
    out, err = list_alerts(capsys)
    assert "alert 5 (FX:EURUSD) left out: The level 'one'" in err
    assert out.count("never fired") == 4
    assert f"{SYMBOL}  crossing 1000.5  every-time  5m  never fired  note: watch it" in out
    assert f"paused-one  {SYMBOL}  greater-than 2  once  5m  paused  never fired" in out

    configure(*levels)
    watched = run_alerts(sim, "--watch", "--seconds", "3")
    assert watched.returncode == 0, watched.stderr
    assert "NASDAQ:NOPE" in watched.stderr and "left out" in watched.stderr
    assert "1 paused alert(s) left out" in watched.stderr
    rows = lines(watched.stdout)
    assert all(r["type"] == "alert" for r in rows)
    assert not [r for r in rows if r["id"] == "paused-one"]  # paused: not run
    first = [r for r in rows if r["id"] == "first-quote"]
    assert len(first) == 1 and first[0]["previous"] is None  # the first price is above 1
    crossings = [r for r in rows if r["condition"].startswith("crossing")]
    assert crossings, "no level crossed in 3 s"
    for row in crossings:
        assert row["level"] in levels and row["note"] == "watch it"
        assert (row["previous"] - row["level"]) * (row["price"] - row["level"]) < 0
    for level in levels:  # each level's crossings in time order, none twice
        at = [r["time"] for r in crossings if r["level"] == level]
        assert at == sorted(set(at))
    assert [(r["id"], r["time"]) for r in AlertLog().recent()] == [
        (r["id"], r["time"]) for r in rows
    ]
    out, _ = list_alerts(capsys)
    assert "first-quote" in out and "last fired" in out.split("first-quote")[1].split("\n")[0]

    again = run_alerts(sim, "--watch", "--seconds", "2")  # the once alert is spent
    assert again.returncode == 0, again.stderr
    assert not [r for r in lines(again.stdout) if r["id"] in ("first-quote", "paused-one")]


def test_alerts_watch_exit_codes(sim, private_dirs: Path) -> None:
    assert run_alerts(sim, "--watch").returncode == 2  # nothing configured
    (private_dirs / "config.toml").write_text(
        '[[alerts]]\nsymbol = "NASDAQ:NOPE"\ncondition = "crossing 1"\n'
    )
    done = run_alerts(sim, "--watch", "--seconds", "1")
    assert done.returncode == 3 and "No alert has a symbol" in done.stderr
