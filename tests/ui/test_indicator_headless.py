"""``tvtui stream --indicator`` takes inputs in the config's syntax: SMA 50 and SMA 200 are
two studies with two columns and the simulator's values; a misspelt input exits 2 naming
the valid ones, before anything is sent."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from tvtui.headless import main as stream_main


def test_stream_sma_50_and_sma_200_as_the_config_writes_them(sim_env, tmp_path: Path) -> None:
    out = tmp_path / "smas.csv"
    args = ["-i", "STD;SMA length=50", "-i", "STD;SMA length=200", "-n", "5", "-f", "csv"]
    assert stream_main(["BINANCE:BTCUSDT", *args, "-o", str(out)]) == 0
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    fifty, two_hundred = "STD;SMA length=50:MA", "STD;SMA length=200:MA"
    row = rows[-2]  # the newest closed bar
    t = int(row["timestamp"])
    closes = [b[4] for b in sim_env.bars("BINANCE:BTCUSDT", "1", t - 300 * 60, t + 1)]
    assert math.isclose(float(row[fifty]), math.fsum(closes[-50:]) / 50, rel_tol=1e-12)
    assert math.isclose(float(row[two_hundred]), math.fsum(closes[-200:]) / 200, rel_tol=1e-12)


def test_a_misspelt_input_exits_2_naming_the_valid_ones(sim_env, capsys) -> None:
    assert stream_main(["BINANCE:BTCUSDT", "-i", "STD;RSI@37.0 lenght=7"]) == 2
    said = capsys.readouterr().err
    assert "no input 'lenght'" in said and "rsi_length (integer 1..2000" in said
    assert not [m for m in sim_env.received if m.get("m") == "create_study"]
