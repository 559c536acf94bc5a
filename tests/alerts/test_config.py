"""Alerts kept in the config file: read strictly (a broken entry gets one message, the others
work), added and removed through the atomic writer, the rest of the file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tvtui.alerts import Alert, Mode
from tvtui.config import ConfigError
from tvtui.config.alerts import add_alert, load_alerts, remove_alert

GOOD = """\
# my settings
timeframe = "15m"

[[alerts]]
symbol = "BINANCE:BTCUSDT"
condition = "crossing-up 110000"
mode = "every-time"
note = "take profit"

[[alerts]]  # a typo in the word
symbol = "NASDAQ:AAPL"
condition = "crosing 200"

[[alerts]]
symbol = "FX:EURUSD"
condition = "entering-channel 1.09 1.08"

[[alerts]]
symbol = "NASDAQ:MSFT"
condition = "rsi crossing-down 30"
expires = 2026-12-31T18:00:00Z
colour = "red"

[[alerts]]
symbol = "nasdaq:msft"
condition = "moving-up-% 3 5"
expires = 2026-12-31T18:00:00Z
"""


def test_a_broken_entry_gets_one_message_and_the_others_work(private_dirs: Path) -> None:
    path = private_dirs / "config.toml"
    path.write_text(GOOD)
    loaded = load_alerts()
    assert [a.text for a in loaded.alerts] == [
        "BINANCE:BTCUSDT crossing-up 110000 every-time",
        "NASDAQ:MSFT moving-up-% 3 5 once",
    ]
    assert loaded.alerts[0].note == "take profit"
    assert loaded.alerts[1].timeframe == "15m"  # the file's timeframe: the chart's
    assert loaded.alerts[1].expires == 1798740000.0
    assert len(loaded.problems) == 3
    assert "alert 2 (NASDAQ:AAPL) left out: Unknown condition word 'crosing'" in loaded.problems[0]
    assert "alert 3 (FX:EURUSD) left out: The channel's bounds are reversed" in loaded.problems[1]
    assert "alert 4 (NASDAQ:MSFT) left out: unknown key 'colour'" in loaded.problems[2]
    assert loaded.error is not None and loaded.error.count("•") == 3
    assert path.read_text() == GOOD  # reading never writes


def test_adding_and_removing_keep_the_rest_of_the_file(private_dirs: Path) -> None:
    path = private_dirs / "config.toml"
    path.write_text(GOOD)
    alert = Alert.parse("FX:EURUSD", "exiting-channel 1.08 1.09", mode="every-time",
                        expires="2027-01-01T00:00Z", note='say "hi"')  # fmt: skip
    add_alert(alert)
    text = path.read_text()
    assert text.startswith(GOOD)  # comments, the broken entries: all kept
    again = load_alerts().alerts
    assert again[-1] == alert and again[-1].id == alert.id
    with pytest.raises(ConfigError, match="already"):
        add_alert(alert)
    assert path.read_text() == text
    assert remove_alert(loaded_id := load_alerts().alerts[0].id)
    assert [a.id for a in load_alerts().alerts] == [a.id for a in again if a.id != loaded_id]
    assert "# a typo in the word" in path.read_text()
    assert not remove_alert("nope")


def test_bad_input_saves_nothing(private_dirs: Path) -> None:
    path = private_dirs / "config.toml"
    path.write_text("watchlist = [\n")  # not TOML: never overwritten
    with pytest.raises(ConfigError, match="not valid TOML"):
        add_alert(Alert.parse("FX:EURUSD", "crossing 1"))
    assert path.read_text() == "watchlist = [\n"
    assert list(private_dirs.glob(".config.toml.*")) == []  # no temp file left


def test_a_missing_file_gets_created(private_dirs: Path) -> None:
    add_alert(Alert.parse("FX:EURUSD", "crossing 1.1", mode=Mode.EVERY_TIME))
    assert [a.text for a in load_alerts().alerts] == ["FX:EURUSD crossing 1.1 every-time"]


def test_an_alert_on_an_unknown_symbol_is_refused_before_it_is_saved(
    sim_env, private_dirs: Path
) -> None:
    from tvtui.alerts import AlertError, check_symbol
    from tvtui.feed.endpoints import Endpoints

    endpoints = Endpoints.from_env(sim_env)
    good = Alert.parse("NASDAQ:AAPL", "crossing 200")
    add_alert(check_symbol(good, endpoints))
    with pytest.raises(AlertError, match="TradingView has no symbol NASDAQ:NOPE"):
        add_alert(check_symbol(Alert.parse("NASDAQ:NOPE", "crossing 1"), endpoints))
    assert load_alerts().alerts == [good]


def test_the_apps_settings_accept_a_file_with_alerts(private_dirs: Path) -> None:
    from tvtui.config import load_config

    path = private_dirs / "config.toml"
    path.write_text('watchlist = ["FX:EURUSD"]\n\n' + GOOD.split("\n\n", 1)[1])
    assert load_config(path).error is None


def test_a_whole_file_rewrite_keeps_the_alerts_and_the_chart_type(private_dirs: Path) -> None:
    """Saving the watchlist rewrites the whole file when an in-place edit cannot round-trip
    (here: a watchlist written as a TOML table of arrays the line edit cannot replace); the
    alerts and the chart type must survive it."""
    from tvtui.config import load_config, save_watchlist

    path = private_dirs / "config.toml"
    alerts = GOOD.split("\n\n", 1)[1]
    path.write_text(
        'watchlist = [\n  "FX:EURUSD", # ] a bracket in a comment\n]\n'
        'chart_type = "line"\n\n' + alerts
    )
    before = load_alerts(path).alerts
    loaded = load_config(path)
    assert loaded.error is None and loaded.settings.chart_type == "line"
    save_watchlist(loaded, ["FX:EURUSD", "NASDAQ:AAPL"])
    again = load_config(path)
    assert again.error is None
    assert again.settings.watchlist == ["FX:EURUSD", "NASDAQ:AAPL"]
    assert again.settings.chart_type == "line"
    assert load_alerts(path).alerts == before


def test_pausing_is_kept_in_the_alerts_table_and_only_that_line_changes(
    private_dirs: Path,
) -> None:
    from tvtui.config.alerts import set_paused

    path = private_dirs / "config.toml"
    text = (
        '# mine\n\n[[alerts]]  # btc\nsymbol = "BINANCE:BTCUSDT"\ncondition = "crossing 1"\n'
        '\n[[alerts]]\nsymbol = "NASDAQ:AAPL"\ncondition = "crossing 2"  # keep me\n'
    )
    path.write_text(text)
    btc, aapl = load_alerts().alerts
    assert set_paused(aapl.id, True) is True
    paused = text.replace(
        '[[alerts]]\nsymbol = "NASDAQ', '[[alerts]]\npaused = true\nsymbol = "NASDAQ'
    )
    assert path.read_text() == paused
    loaded = load_alerts()
    assert loaded.paused == {aapl.id} and [a.id for a in loaded.alerts] == [btc.id, aapl.id]
    assert set_paused(aapl.id, True) is True and path.read_text() == paused  # no second line
    assert set_paused(aapl.id, False) is True and path.read_text() == text
    assert set_paused("nope", True) is False and path.read_text() == text
    path.write_text(text.replace("# btc\n", "# btc\npaused = 1\n"))
    loaded = load_alerts()
    assert [a.id for a in loaded.alerts] == [aapl.id]
    assert "alert 1 (BINANCE:BTCUSDT) left out: 'paused' must be true or false" in loaded.error
