"""Symbol format checks: what a person types in the symbol box, offline."""

from __future__ import annotations

import pytest

from tvtui.feed.symbols import normalize_symbol, parse_symbol


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BINANCE:BTCUSDT", ("BINANCE", "BTCUSDT")),
        ("binance:BTCUSDT", ("BINANCE", "BTCUSDT")),
        ("  NASDAQ:AAPL \n", ("NASDAQ", "AAPL")),
        ("NYSE:BRK.B", ("NYSE", "BRK.B")),
        ("CME_MINI:ES1!", ("CME_MINI", "ES1!")),
        ("NSE:M&M", ("NSE", "M&M")),
        ("NSE:BAJAJ-AUTO", ("NSE", "BAJAJ-AUTO")),
        ("BYBIT:BTCUSDT.P", ("BYBIT", "BTCUSDT.P")),
        ("FX_IDC:EURUSD", ("FX_IDC", "EURUSD")),
    ],
)
def test_real_tickers_are_accepted(text, expected):
    assert parse_symbol(text) == expected
    assert normalize_symbol(text) == ":".join(expected)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("BTCUSDT", "no colon"),
        ("A:B:C", "2 colons"),
        (":BTCUSDT", "exchange part"),
        ("BINANCE:", "symbol part"),
        ("BINANCE:BTC USDT", "spaces"),
        ("BINANCE:BTC\x00USDT", "control character"),
        ("BINANCE:BTC\tUSDT", "control character"),
        ("BINANCE:\u200bBTC", "control character"),
        ("BINANCE:BTCUSDÉ", "'É'"),
        ("币安:BTCUSDT", "'币'"),
        ("X:" + "A" * 10_000, "too long (10002 characters, at most 64)"),
        ("../etc:passwd", "'..'"),
        ("BINANCE:../../etc/passwd", "'..'"),
        ("BINANCE:/etc/passwd", "start with a letter or digit"),
        ("BIN-ANCE:BTC", "letters, digits and _"),
        ("BINANCE:BTC<script>", "must start with a letter or digit and use only"),
        ("BINANCE:BTC?x=1", "use only letters"),
    ],
)
def test_hostile_or_mistyped_input_gets_a_message_that_says_what_is_wrong(text, says):
    with pytest.raises(ValueError) as info:
        parse_symbol(text)
    message = str(info.value)
    assert says in message
    assert "EXCHANGE:SYMBOL, e.g. BINANCE:BTCUSDT" in message
    assert len(message) < 300  # a 10,000-character input is not echoed back
    assert "\x00" not in message


def test_non_text_input_is_a_value_error():
    with pytest.raises(ValueError, match="must be text"):
        parse_symbol(None)  # type: ignore[arg-type]
