"""Conditions in TradingView's words: every word parses and prints back the same; bad input
gets one clear message naming the word or number at fault."""

from __future__ import annotations

import pytest

from tvtui.alerts import Alert, AlertError, Condition, Mode, Source, Word, parse_condition


@pytest.mark.parametrize(
    ("text", "word", "levels", "source", "bars"),
    [
        ("crossing 100", Word.CROSSING, (100.0,), Source.PRICE, 0),
        ("crossing-up 110000", Word.CROSSING_UP, (110000.0,), Source.PRICE, 0),
        ("crossing-down 1.0825", Word.CROSSING_DOWN, (1.0825,), Source.PRICE, 0),
        ("greater-than 5", Word.GREATER_THAN, (5.0,), Source.PRICE, 0),
        ("less-than -3.5", Word.LESS_THAN, (-3.5,), Source.PRICE, 0),
        ("entering-channel 100 110", Word.ENTERING_CHANNEL, (100.0, 110.0), Source.PRICE, 0),
        ("exiting-channel 100 110", Word.EXITING_CHANNEL, (100.0, 110.0), Source.PRICE, 0),
        ("moving-up-% 5 10", Word.MOVING_UP, (5.0,), Source.PRICE, 10),
        ("moving-down-% 2.5 3", Word.MOVING_DOWN, (2.5,), Source.PRICE, 3),
        ("rsi crossing-up 70", Word.CROSSING_UP, (70.0,), Source.RSI, 0),
        ("RSI  Crossing-Down  30", Word.CROSSING_DOWN, (30.0,), Source.RSI, 0),
        ("macd crossing signal", Word.CROSSING, (), Source.MACD, 0),
        ("macd crossing-up 0", Word.CROSSING_UP, (0.0,), Source.MACD, 0),
    ],
)
def test_every_word_parses_and_prints_back(text, word, levels, source, bars) -> None:
    condition, mode = parse_condition(text)
    assert condition == Condition(word, levels, source, bars)
    assert mode is None
    assert parse_condition(condition.text) == (condition, None)
    assert condition.closed_bar is (source is not Source.PRICE)


def test_a_mode_word_at_the_end_is_the_mode() -> None:
    assert parse_condition("crossing 1 every-time")[1] is Mode.EVERY_TIME
    assert parse_condition("crossing 1 once")[1] is Mode.ONCE
    alert = Alert.parse("binance:btcusdt", "crossing-up 110000 every-time", note="tp")
    assert alert.symbol == "BINANCE:BTCUSDT"
    assert alert.mode is Mode.EVERY_TIME
    assert Alert.parse("BINANCE:BTCUSDT", "crossing-up 1").mode is Mode.ONCE  # the default
    assert alert.id == Alert.parse("BINANCE:BTCUSDT", "crossing-up 110000 every-time").id


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("crossng-up 100", "Unknown condition word 'crossng-up'"),
        ("crossing-up abc", "The level 'abc'"),
        ("crossing-up nan", "The level 'nan'"),
        ("crossing-up", "crossing-up takes one level"),
        ("crossing-up 1 2", "crossing-up takes one level"),
        ("entering-channel 110 100", "bounds are reversed"),
        ("exiting-channel 100 100", "bounds are reversed"),
        ("entering-channel 100", "two levels: low and high"),
        ("moving-up-% 5", "two numbers: percent and bars"),
        ("moving-up-% -5 3", "positive percent"),
        ("moving-up-% 5 0", "bar count '0'"),
        ("moving-up-% 5 2.5", "bar count '2.5'"),
        ("rsi moving-up-% 5 3", "watches the price"),
        ("", "empty"),
        ("rsi", "no condition word"),
        ("cross\x1b]52;c;x\x07ing 1", "Unknown condition word"),
    ],
)
def test_bad_conditions_say_what_is_wrong(text, says) -> None:
    with pytest.raises(AlertError) as caught:
        parse_condition(text)
    assert says in str(caught.value)
    assert "\x1b" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"symbol": "BTCUSDT"}, "Alert symbol"),
        ({"timeframe": "7m"}, "Unknown timeframe"),
        ({"mode": "twice"}, "'once' or 'every-time'"),
        ({"expires": "tomorrow"}, "not a date and time"),
        ({"note": "a\nb"}, "one line"),
    ],
)
def test_bad_alert_fields_say_what_is_wrong(kwargs, says) -> None:
    args = {"symbol": "BINANCE:BTCUSDT", "condition": "crossing 1", **kwargs}
    with pytest.raises(AlertError) as caught:
        Alert.parse(args.pop("symbol"), args.pop("condition"), **args)
    assert says in str(caught.value)


def test_expiry_reads_iso_text_and_naive_means_utc() -> None:
    a = Alert.parse("FX:EURUSD", "crossing 1", expires="2026-12-31T18:00Z")
    b = Alert.parse("FX:EURUSD", "crossing 1", expires="2026-12-31T18:00")
    assert a.expires == b.expires == 1798740000.0


@pytest.mark.parametrize("expires", [1e300, -5, "0001-01-01T00:00"])
def test_an_expiry_no_calendar_can_show_is_refused(expires) -> None:
    with pytest.raises(AlertError, match="not a date between 1970 and 9999"):
        Alert.parse("FX:EURUSD", "crossing 1", expires=expires)
