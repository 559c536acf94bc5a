"""``tvtui --help`` tells about ``tvtui stream`` and the keys; ``tvtui stream --format csv`` and
the app's CSV export name indicator columns alike."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import RadioButton

from tests.support import wait_until
from tvtui.headless import main as stream_main
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready
from tvtui.ui.screens.export import ExportScreen


def _study_columns(path: Path) -> list[str]:
    with path.open(newline="") as handle:
        header = next(csv.reader(handle))
    return [c for c in header if c.startswith("STD;")]


async def test_headless_and_app_csv_name_indicator_columns_the_same_way(
    make_app, tmp_path: Path
) -> None:
    headless = tmp_path / "stream.csv"
    code = stream_main(
        ["BINANCE:BTCUSDT", "-i", "STD;RSI", "-i", "STD;MACD", "-f", "csv", "-o", str(headless)]
    )
    assert code == 0
    app: TvtuiApp = make_app(symbols=["BINANCE:BTCUSDT"], export_dir=tmp_path / "app")
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 10, "data")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 5, "the dialog")
        app.screen.query_one("#fmt-csv", RadioButton).value = True
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.last_export is not None, 10, "the export")
        exported = app.last_export
    assert exported is not None
    columns = _study_columns(headless)
    assert columns == _study_columns(exported)
    assert "STD;RSI:RSI" in columns and "STD;MACD:Histogram" in columns


def test_help_mentions_tvtui_stream_reconnect_and_themes(capsys) -> None:
    import pytest

    from tvtui.ui.launch import main

    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "tvtui stream" in text
    assert "r reconnect" in text
    assert "t / T" in text and "theme" in text
