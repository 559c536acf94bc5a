"""The study syntax of the config, ``state.json`` and ``tvtui stream --indicator``: the same
indicator twice with other inputs is two studies; old plain entries keep working; a broken
entry is one sentence in the config's message and left out."""

from __future__ import annotations

import pytest

from tvtui.config import parse_settings, read_settings
from tvtui.config.studies import legend_name, parse_study
from tvtui.feed.study_inputs import InputSpec

STOCH_RSI_SPECS = [
    InputSpec("in_0", "K", "integer", 3, 1, 500),
    InputSpec("in_1", "D", "integer", 3, 1, 500),
    InputSpec("in_2", "RSI Length", "integer", 14, 1, 2000),
    InputSpec("in_3", "Stochastic Length", "integer", 14, 1, 2000),
    InputSpec("in_4", "Source", "source", "close", options=("close", "hl2")),
]


def test_sma_50_and_sma_200_are_two_studies_and_plain_entries_keep_working() -> None:
    settings = parse_settings(
        {"indicators": ["RSI", "SMA length=50", "SMA length=200", "STD;CCI", "rsi"]}
    )
    assert settings.indicators == ["STD;RSI", "STD;SMA length=50", "STD;SMA length=200", "STD;CCI"]


@pytest.mark.parametrize(
    ("text", "pine_id", "inputs", "version"),
    [
        ("BB mult=2.5 source=hl2", "STD;Bollinger_Bands", {"mult": 2.5, "source": "hl2"}, "last"),
        ("STD;RSI@37.0 length=7", "STD;RSI", {"length": 7}, "37.0"),
        ("PUB;abc flag=true", "PUB;abc", {"flag": True}, "last"),
        ("X name='a b'", "X", {"name": "a b"}, "last"),
    ],
)
def test_the_syntax_reads_names_values_and_a_version(text, pine_id, inputs, version) -> None:
    ref = parse_study(text)
    assert (ref.pine_id, ref.overrides, ref.version) == (pine_id, inputs, version)
    assert parse_study(ref.key) == ref  # the key reads back as the same study


def test_a_broken_entry_is_named_and_left_out_the_rest_are_used() -> None:
    settings, problems = read_settings({"indicators": ["SMA length", "MACD", "length=5"]})
    assert settings.indicators == ["STD;MACD"]
    assert len(problems) == 2
    assert "'length' must be name=value" in problems[0]
    assert "must start with its name" in problems[1]


def test_legends_show_the_inputs_as_tradingview_does() -> None:
    assert legend_name(parse_study("SMA length=50")) == "SMA 50"  # before the metadata
    assert legend_name(parse_study("RSI")) == "RSI 14"
    stoch = parse_study("STD;Stochastic_RSI k=5")
    assert legend_name(stoch, "Stoch RSI", STOCH_RSI_SPECS) == "Stoch RSI 5 3 14 14"
    hl2 = parse_study("STD;Stochastic_RSI source=hl2")
    assert legend_name(hl2, "Stoch RSI", STOCH_RSI_SPECS) == "Stoch RSI 3 3 14 14 hl2"
