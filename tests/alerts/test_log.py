"""The alert log: one JSON line per firing in the platform's data folder, bounded by
rotation, and what is read back is type-checked (the file is untrusted)."""

from __future__ import annotations

import json
from pathlib import Path

from tvtui.alerts import Alert, AlertLog, Firing, log_path


def firing(n: int) -> Firing:
    alert = Alert.parse("BINANCE:BTCUSDT", "crossing-up 100", note="n")
    return Firing(alert, 100.0 + n, 99.0, 1_717_977_600.0 + n, 100.0)


def test_firings_go_to_the_data_folder_as_json_lines(private_dirs: Path) -> None:
    log = AlertLog()
    assert log.path == log_path() == private_dirs / "data" / "tvtui" / "alerts.jsonl"
    log.append(firing(1))
    log.append(firing(2))
    rows = [json.loads(line) for line in log.path.read_text().splitlines()]
    assert rows == [firing(1).row(), firing(2).row()]
    assert rows[0] == {
        "type": "alert", "symbol": "BINANCE:BTCUSDT", "condition": "crossing-up 100",
        "level": 100.0, "price": 101.0, "previous": 99.0, "time": 1_717_977_601,
        "mode": "once", "id": firing(1).alert.id, "note": "n",
    }  # fmt: skip
    assert log.recent(1) == rows[1:]
    assert log.fired_ids() == {firing(1).alert.id}


def test_the_log_rotates_and_stays_bounded(private_dirs: Path) -> None:
    log = AlertLog(private_dirs / "a.jsonl", max_bytes=2000)
    for n in range(200):
        log.append(firing(n))
    assert log.path.stat().st_size <= 2000
    assert log.old_path.stat().st_size <= 2000
    assert not (private_dirs / "a.jsonl.2").exists()
    recent = log.recent(5)
    assert [r["price"] for r in recent] == [295.0, 296.0, 297.0, 298.0, 299.0]


def test_lines_that_are_not_firings_are_skipped(private_dirs: Path) -> None:
    log = AlertLog(private_dirs / "a.jsonl")
    log.path.write_text(
        'garbage\n{"type": "alert", "symbol": 5}\n[1]\n{"type": "alert", "symbol": "X:Y", '
        '"condition": "crossing 1", "price": true, "time": 1}\n' + "x" * 10000 + "\n"
        '{"type": "alert", "symbol": "X:Y", "condition": "c", "price": NaN, "time": 1}\n'
        '{"type": "alert", "symbol": "X:Y", "condition": "c", "price": 1, "time": 1e300}\n'
    )
    log.append(firing(1))
    assert [r["price"] for r in log.recent()] == [101.0]


def test_a_log_grown_by_someone_else_is_read_from_its_end_only(private_dirs: Path) -> None:
    log = AlertLog(private_dirs / "a.jsonl")
    with log.path.open("w") as handle:
        handle.write(json.dumps(firing(0).row()) + "\n")
        handle.write(("x" * 1000 + "\n") * 3000)  # 3 MB of lines that are not firings
        handle.write(json.dumps(firing(1).row()) + "\n")
    assert [r["price"] for r in log.recent()] == [101.0]
