"""Malformed, unknown and hostile input: symbols, timeframes, indicators, the config file and
theme files. A clear message every time, defaults where a file is broken, the person's files
never rewritten, and NOTHING sent to the feed or the scanner that should not be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import SIZE, app_for, holds_for_app, wait_until
from tvtui import headless
from tvtui.config import DEFAULT_WATCHLIST
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.studies import IndicatorError, fetch_indicator
from tvtui.stream import RealTimeData, Streamer
from tvtui.ui.screens.symbol_entry import SymbolEntry
from tvtui.ui.widgets.indicators import IndicatorPane

#: (input, a word the message must contain)
HOSTILE_SYMBOLS = [
    ("", "empty"),
    ("   ", "empty"),
    ("BINANCE:BTC USDT", "spaces"),
    ("BINANCE:" + "X" * 5000, "too long"),
    ("BINANCE:BTC\x00USDT", "control character"),
    ("BINANCE:BTC\nUSDT", "control character"),
    ("\x1b[31mBINANCE:BTCUSDT", "control character"),
    ("BINANCE:BTC\u200bUSDT", "control character"),  # zero-width space
    ("../etc:passwd", ".."),
    ("BINANCE:../../secret", ".."),
    ("BINANCE:BTCÜSDT", "only ASCII"),
    ("БИРЖА:BTC", "only ASCII"),
    ("BTCUSDT", "no colon"),
    ("A:B:C", "2 colons"),
    (":BTCUSDT", "exchange part"),
    ("BINANCE:", "symbol part"),
    ("BIN-ANCE:BTC", "letters, digits and _"),
    ("BINANCE:-BTC", "must start with a letter or digit"),
]
BAD_TIMEFRAMES = ["2m", "1 m", "", "1m; DROP", "60", "1y", "\uff11m"]  # a full-width digit one


def traffic(sim) -> tuple[int, int]:
    """Feed messages (beyond the connect's token and locale) and HTTP requests so far."""
    hello = ("set_auth_token", "set_locale")
    return len([m for m in sim.received if m["m"] not in hello]), len(sim.http_requests)


def nothing_about(sim, needle: str) -> None:
    """No feed message and no HTTP request mentions ``needle``."""
    if len(needle.strip()) < 4:  # too short to mean anything in a record
        return
    assert not [m for m in sim.received if needle in repr(m)]
    assert not [r for r in sim.http_requests if needle in r["path"]]


@pytest.mark.parametrize(("text", "says"), HOSTILE_SYMBOLS)
def test_hostile_symbols_are_refused_before_anything_is_sent(
    sim_env, text: str, says: str, capsys
) -> None:
    with Streamer() as streamer:
        before = traffic(sim_env)
        exchange, _, ticker = text.rpartition(":") if ":" in text else ("", "", text)
        with pytest.raises(ValueError, match=r"Symbol|symbol|Exchange|Ticker") as caught:
            streamer.stream(exchange, ticker)
        library = str(caught.value)
        with RealTimeData() as live, pytest.raises(ValueError) as raw:
            live.get_ohlcv(text)
        assert says in str(raw.value), str(raw.value)
        client = FeedClient(endpoints=Endpoints.from_env(sim_env.env()))
        for call in (client.add_symbols, lambda s: client.open_series(s, "1m", 10)):
            with pytest.raises(ValueError, match=r"EXCHANGE:SYMBOL"):
                call(text)
        client.close()
        assert traffic(sim_env) == before  # not one byte about it reached the simulator
    # tvtui stream: exit 2 with the same kind of sentence, no traceback
    assert headless.main([text]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tvtui stream: ") and "EXCHANGE:SYMBOL" in err
    assert "Traceback" not in err and "\x00" not in err and "\x1b" not in err
    assert "\x1b" not in library and len(library) < 400  # a bounded, printable excerpt
    nothing_about(sim_env, ticker)


@pytest.mark.parametrize("timeframe", BAD_TIMEFRAMES)
def test_unknown_timeframes_name_the_valid_ones_and_send_nothing(
    sim_env, timeframe: str, capsys
) -> None:
    with Streamer() as streamer:
        before = traffic(sim_env)
        with pytest.raises(ValueError, match="Valid timeframes: 1m, 3m, 5m"):
            streamer.stream("BINANCE", "BTCUSDT", timeframe=timeframe)
        assert traffic(sim_env) == before
    assert headless.main(["BINANCE:BTCUSDT", "--timeframe", timeframe]) == 2
    assert "Valid timeframes" in capsys.readouterr().err
    assert not [m for m in sim_env.received if m["m"] in ("create_series", "modify_series")]


@pytest.mark.parametrize(
    ("indicator", "error", "says"),
    [
        (("RSI", "37.0"), ValueError, "is not a TradingView script id"),
        (("STD;RSI", ""), ValueError, "must be text such as"),
        ("STD;RSI", ValueError, "must be a list of"),
        (("STD;NOPE", "last"), IndicatorError, "STD;NOPE"),
        (("STD;RSI\x00", "last"), IndicatorError, "printable"),
        (("STD;" + "R" * 500, "last"), IndicatorError, "printable"),
    ],
)
def test_bad_indicators_are_clear_errors_and_no_study_is_created(
    sim_env, indicator, error, says: str
) -> None:
    wanted = indicator if isinstance(indicator, str) else [indicator]
    with Streamer() as streamer, pytest.raises(error, match=None) as caught:
        streamer.stream("BINANCE", "BTCUSDT", indicators=wanted)
    assert says in str(caught.value)
    assert not [m for m in sim_env.received if m["m"] in ("create_study", "create_series")]


def test_a_hostile_indicator_id_cannot_reach_outside_its_url(sim) -> None:
    endpoints = Endpoints.from_env(sim.env())
    for pine_id in ("STD;../../../etc/passwd", "STD;RSI?x=1#y", "STD;RSI/../MACD"):
        with pytest.raises(IndicatorError):
            fetch_indicator(pine_id, "last", endpoints)
    paths = [r["path"] for r in sim.http_requests]
    assert len(paths) == 3
    assert not [p for p in paths if "/../" in p or "?x=" in p or "#" in p], paths


async def test_app_symbol_entry_refuses_hostile_input_and_sends_nothing(
    app_sim, tmp_path: Path
) -> None:
    app = app_for(app_sim, tmp_path, symbols=["NASDAQ:AAPL"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, SymbolEntry), 5, "the dialog")
        entry = app.screen
        before = traffic(app_sim)
        status = entry.query_one("#entry-status")
        for text, says in HOSTILE_SYMBOLS:
            entry.query_one("#entry-input").value = text
            await pilot.pause()
            await pilot.press("enter")
            await wait_until(
                pilot,
                lambda says=says: (
                    entry.state == "empty"
                    or (entry.state == "invalid" and says in str(status.render()))
                ),
                5,
                f"the refusal of {text!r}",
            )
            message = str(status.render())
            assert "\x1b" not in message and "\x00" not in message
        # no scanner request at all, also after the dialog's check delay (0.5 s)
        await holds_for_app(pilot, lambda: traffic(app_sim)[1] == before[1], 0.8, "no request")
        for text, _ in HOSTILE_SYMBOLS:
            nothing_about(app_sim, text)
        await pilot.press("escape")
        assert app.symbols == ["NASDAQ:AAPL"]


CORRUPT_CONFIGS = {
    "not TOML": b'watchlist = ["NASDAQ:AAPL"\ntheme = "x"\n',
    "wrong types": b'watchlist = "NASDAQ:AAPL"\ntimeframe = 5\n',
    "unknown timeframe": b'timeframe = "2m"\n',
    "hostile symbol": b'watchlist = ["../etc:passwd", "NASDAQ:AAPL"]\n',
    "binary": bytes(range(256)) * 4,
    "empty key": b"= 1\n",
}


@pytest.mark.parametrize("kind", sorted(CORRUPT_CONFIGS))
async def test_a_corrupt_config_is_one_message_defaults_and_never_rewritten(
    app_sim, tmp_path: Path, kind: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(CORRUPT_CONFIGS[kind])
    os.utime(config, (1_600_000_000, 1_600_000_000))
    app = app_for(app_sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        # every valid setting is kept (issue 10.9): the hostile entry alone is left out
        valid = ["NASDAQ:AAPL"] if kind == "hostile symbol" else list(DEFAULT_WATCHLIST)
        assert app.symbols == valid and app.timeframe == "5m"
        notices = [n for n in app.told if n.title == "Settings"]
        assert len(notices) == 1 and str(config) in notices[0].message
        await pilot.press("d")  # a watchlist change would normally be saved
        await holds_for_app(
            pilot, lambda: config.read_bytes() == CORRUPT_CONFIGS[kind], 0.2, "never rewritten"
        )
    assert config.read_bytes() == CORRUPT_CONFIGS[kind]
    assert config.stat().st_mtime == 1_600_000_000
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("config")) == [
        "config.toml"
    ]
    nothing_about(app_sim, "../etc")


async def test_corrupt_theme_files_are_one_notice_and_the_default_is_used(
    app_sim, private_dirs: Path
) -> None:
    folder = private_dirs / "data" / "tvtui" / "themes"
    folder.mkdir(parents=True)
    files = {
        "broken.toml": b"primary = [",
        "badcolour.toml": b'name = "badcolour"\nprimary = "not-a-colour"\n',
        "binary.toml": bytes(range(256)),
        "wrongtype.toml": b'name = "wrongtype"\ndark = "yes"\nprimary = 7\n',
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "good.toml").write_bytes(b'name = "good"\nprimary = "#123456"\n')
    app = app_for(app_sim, private_dirs, theme="broken")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot,
            lambda: any("theme file" in (n.title or "") for n in app.told),
            5,
            "the notice",
        )
        skipped = [n for n in app.told if "theme file" in (n.title or "")]
        assert len(skipped) == 1
        for name in files:
            assert name in skipped[0].message
        assert app.theme == "tvtui-dark"  # the asked-for theme is broken: the default
        assert "good" in app.available_themes
        assert app.query_one(IndicatorPane)  # and the app runs
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        **files,
        "good.toml": b'name = "good"\nprimary = "#123456"\n',
    }
