"""The seed's "Supported Data" through ``tvtui.stream``: the built-in indicator catalogue
(cached on disk), its search, indicator inputs, time frames and exchanges."""

from __future__ import annotations

import pytest

from tvtui.feed import catalog
from tvtui.stream import (
    builtin_indicators,
    display_and_select_indicator,
    fetch_indicator_metadata,
    fetch_tradingview_indicators,
    indicator_inputs,
    known_exchanges,
    search_indicators,
    search_public_scripts,
    supported_timeframes,
)


def _list_requests(sim) -> int:
    return sum(r["path"].startswith("/pine-facade/list") for r in sim.http_requests)


def test_the_catalogue_lists_over_100_built_ins_and_is_cached_on_disk(sim_env, tmp_path) -> None:
    items = builtin_indicators()
    assert len(items) > 100
    rsi = next(i for i in items if i.pine_id == "STD;RSI")
    assert (rsi.name, rsi.version, rsi.built_in) == ("Relative Strength Index", "37.0", True)
    catalog.clear_memory()
    assert builtin_indicators() == items  # from the disk cache, under XDG_CACHE_HOME
    assert _list_requests(sim_env) == 1
    assert list((tmp_path / "cache" / "tvtui").glob("indicators-*.json"))
    builtin_indicators(refresh=True)
    assert _list_requests(sim_env) == 2
    catalog.clear_memory()
    builtin_indicators(max_age=0)  # expired: fetched again
    assert _list_requests(sim_env) == 3


def test_search_finds_every_stochastic_and_the_seed_alias_keeps_its_shape(sim_env) -> None:
    names = [i.name for i in search_indicators("stoch")]
    assert {"Stochastic", "Stochastic RSI", "Stochastic Momentum Index"} <= set(names)
    assert names[0].startswith("Stoch")
    seed = fetch_tradingview_indicators("relative strength")
    assert {"scriptName": "Relative Strength Index", "scriptIdPart": "STD;RSI",
            "version": "37.0"} in seed  # fmt: skip
    shown: list[str] = []
    chosen = display_and_select_indicator(seed, ask=lambda _: "1", show=shown.append)
    assert chosen == (seed[0]["scriptIdPart"], seed[0]["version"]) and shown[0].startswith("1.")
    assert display_and_select_indicator(seed, ask=lambda _: "x", show=shown.append) is None


def test_indicator_inputs_come_from_the_metadata(sim_env) -> None:
    inputs = {i.key: i for i in indicator_inputs("STD;MACD")}
    assert list(inputs) == ["fast_length", "slow_length", "signal_smoothing", "source"]
    fast = inputs["fast_length"]
    assert (fast.id, fast.type, fast.default, fast.min, fast.max) == (
        "in_0",
        "integer",
        12,
        1,
        2000,
    )
    assert "hlc3" in inputs["source"].options
    assert fetch_indicator_metadata("STD;MACD").pine_id == "STD;MACD"


def test_time_frames_and_exchanges_are_listed_with_their_source() -> None:
    assert supported_timeframes()[:3] == ["1m", "3m", "5m"] and "1d" in supported_timeframes()
    exchanges = known_exchanges()
    assert {"BINANCE", "NASDAQ", "NYSE", "FX"} <= set(exchanges.names)
    assert len(exchanges.names) > 200 and len(set(exchanges.names)) == len(exchanges.names)
    assert list(exchanges.names) == sorted(exchanges.names)
    assert "tradingview_scraper/data/exchanges.txt" in exchanges.source
    from tvtui.sim.catalog import INSTRUMENTS  # every exchange the simulator serves is known

    assert {instrument.exchange for instrument in INSTRUMENTS} <= set(exchanges.names)


def test_public_scripts_are_searched_and_marked_not_built_in(sim_env) -> None:
    found = search_public_scripts("stochastic rsi")
    assert [i.name for i in found] == ["Stochastic RSI Divergences [sim]"]
    assert found[0].pine_id.startswith("PUB;") and found[0].built_in is False
    both = fetch_tradingview_indicators("stochastic rsi", public=True)
    assert [d["scriptIdPart"] for d in both] == ["STD;Stochastic_RSI", "PUB;sim0003"]
    with pytest.raises(ValueError):
        search_public_scripts("  ")


def test_the_metadata_says_which_studies_draw_over_the_candles(sim_env) -> None:
    """``is_price_study``: a moving average and the open community script draw over the
    candles, RSI in a pane of its own; unknown until the metadata has been fetched."""
    from tvtui.feed.studies import known_price_study

    assert known_price_study("PUB;sim0005") is None
    assert fetch_indicator_metadata("PUB;sim0005").price_study is True
    assert fetch_indicator_metadata("STD;SMA").price_study is True
    assert fetch_indicator_metadata("STD;RSI").price_study is False
    assert (known_price_study("PUB;sim0005"), known_price_study("STD;RSI")) == (True, False)
    (script,) = search_public_scripts("moving average cross")
    assert script.pine_id == "PUB;sim0005" and script.built_in is False
