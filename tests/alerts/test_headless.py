"""``tvtui stream --follow --alert`` and ``tvtui alerts [--watch]`` as a script runs them,
against the simulator: alert lines whose previous and price lie on the two sides of the
level, as many as the printed quotes cross it; bad input says what is wrong and exits 2."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.alerts.test_watcher_sim import SYMBOL, levels_ahead
from tests.support import run_stream
from tvtui.alerts import AlertLog

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


def test_stream_prints_alert_lines_on_both_sides_of_the_level(sim) -> None:
    """Nine every-time levels spread over the next 30 s of a 300x market (whenever the
    process gets going, some are crossed within its 3 s) and one ``once`` crossing-up."""
    levels = levels_ahead(sim, SYMBOL, 9000, 9)
    args = [a for level in levels for a in ("--alert", f"crossing {level} every-time")]
    done = run_stream(sim, SYMBOL, "--follow", "--seconds", "3", "--candles", "3", *args,
                      "--alert", f"crossing-up {levels[4]}")  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = lines(done.stdout)
    alerts = [r for r in rows if r["type"] == "alert"]
    every = [r for r in alerts if r["mode"] == "every-time"]
    assert every, "no crossing in 3 s"
    for row in alerts:
        assert set(row) >= ALERT_KEYS
        assert row["symbol"] == SYMBOL and row["level"] in levels
        assert (row["previous"] - row["level"]) * (row["price"] - row["level"]) < 0
    for level in levels:  # as often as the printed quotes cross it, in time order, none twice
        at = [r["time"] for r in every if r["level"] == level]
        assert len(at) == printed_crossings(rows, level)
        assert at == sorted(set(at))
    ups = [r for r in alerts if r["condition"].startswith("crossing-up")]
    assert len(ups) <= 1 and all(r["price"] > levels[4] for r in ups)


def test_stream_with_an_indicator_alert_reads_a_study_it_does_not_print(sim) -> None:
    done = run_stream(sim, SYMBOL, "--follow", "--seconds", "3", "--candles", "3",
                      "--alert", "rsi crossing 50 every-time")  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = lines(done.stdout)
    assert not [r for r in rows if r["type"] == "study"]
    for row in (r for r in rows if r["type"] == "alert"):
        assert row["timeframe"] == "1m" and row["condition"] == "rsi crossing 50"
        assert (row["previous"] - 50) * (row["price"] - 50) < 0


def test_bad_alerts_say_what_is_wrong_and_print_nothing(
    sim_env, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad input is refused before anything is sent: run in-process through ``tvtui``'s own
    entry point (no interpreter start each), the environment on the simulator all the same;
    the unknown symbol, which asks the server, as a script runs it."""
    from tvtui.cli import main

    for args, says, code in [
        (["--follow", "--alert", "crossng 1"], "Unknown condition word 'crossng'", 2),
        (["--follow", "--alert", "crossing-up lots"], "The level 'lots'", 2),
        (["--follow", "--alert", "entering-channel 2 1"], "bounds are reversed", 2),
        (["--alert", "crossing 1"], "--alert needs --follow", 2),
    ]:
        capsys.readouterr()
        assert main(["stream", SYMBOL, *args]) == code, args
        done = capsys.readouterr()
        assert done.err.startswith("tvtui stream: ") and says in done.err, done.err
        assert done.out == ""
    assert sim_env.stats.connections == 0  # nothing was sent
    done = run_stream(sim_env, "NASDAQ:NOPE", "--follow", "--alert", "crossing 1")
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
    levels = levels_ahead(sim, SYMBOL, 9000, 19)

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
