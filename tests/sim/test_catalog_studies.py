"""The simulator's catalogue (pine-facade ``list``), metadata with inputs, and studies whose
inputs are honoured: the truth the library's tests stand on."""

from __future__ import annotations

import math

from tests.sim.test_http import _get
from tests.sim.test_studies_and_errors import JWT, _chart, _rsi, _study
from tvtui.feed.events import StudyData, StudyError


def test_the_standard_list_has_over_100_built_ins_in_pine_facade_shape(sim):
    status, body = _get(f"{sim.http_url}/pine-facade/list?filter=standard")
    assert status == 200 and isinstance(body, list) and len(body) > 100
    ids = [e["scriptIdPart"] for e in body]
    assert len(set(ids)) == len(ids)
    assert {"STD;RSI", "STD;MACD", "STD;SMA", "STD;EMA", "STD;Stochastic_RSI"} <= set(ids)
    rsi = next(e for e in body if e["scriptIdPart"] == "STD;RSI")
    assert (rsi["scriptName"], rsi["version"]) == ("Relative Strength Index", "37.0")
    assert all(e["scriptName"] and e["version"] for e in body)


def test_metadata_describes_inputs_with_type_default_range_and_options(sim):
    _, body = _get(f"{sim.http_url}/pine-facade/translate/STD%3BMACD/last")
    inputs = {i["id"]: i for i in body["result"]["metaInfo"]["inputs"]}
    fast = inputs["in_0"]
    assert (fast["name"], fast["type"], fast["defval"], fast["min"]) == (
        "Fast Length", "integer", 12, 1,
    )  # fmt: skip
    assert inputs["in_1"]["options"][:4] == ["open", "high", "low", "close"]
    _, listed = _get(f"{sim.http_url}/pine-facade/translate/STD%3BAroon/last")
    assert listed["success"] is True  # listed but not computed: metadata exists


def _points(client, study_id):
    data = client.wait_for(lambda e: isinstance(e, StudyData) and e.study_id == study_id)
    return {p.time: p.values for p in data.points}


def test_rsi_length_7_is_rsi_7_and_differs_from_rsi_14(sim, connect):
    client = connect(sim)
    history = _chart(client, count=40)
    _study(client, "st7", "STD;RSI", in_0={"v": 7, "f": True, "t": "integer"})
    seven = _points(client, "st7")
    _study(client, "st14", "STD;RSI")
    fourteen = _points(client, "st14")
    closed = history.bars[:-1]
    start = closed[0].time - 400 * 60
    truth = sim.bars("BINANCE:BTCUSDT", "1", start, closed[-1].time + 1)
    ref7 = {b[0]: r for b, r in zip(truth, _rsi([b[4] for b in truth], 7), strict=True)}
    for bar in closed:
        assert math.isclose(seven[bar.time][0], ref7[bar.time], abs_tol=1e-9)
    assert any(abs(seven[b.time][0] - fourteen[b.time][0]) > 1e-3 for b in closed)


def test_sma_source_and_wma_stochastic_atr_obv_follow_their_definitions(sim, connect):
    client = connect(sim)
    history = _chart(client, token=JWT, count=30)
    studies = {
        "sh": ("STD;SMA", {"in_0": {"v": 5}, "in_1": {"v": "high"}}),
        "wm": ("STD;WMA", {"in_0": {"v": 4}}),
        "sk": ("STD;Stochastic", {"in_0": {"v": 5}, "in_2": {"v": 2}}),
        "at": ("STD;Average_True_Range", {"in_0": {"v": 3}}),
    }
    got = []
    for study_id, (pine_id, inputs) in studies.items():  # one at a time: each waits for its own
        _study(client, study_id, pine_id, **inputs)
        got.append(_points(client, study_id))
    sma, wma, stoch, atr = got
    closed = history.bars[:-1]
    truth = sim.bars("BINANCE:BTCUSDT", "1", closed[0].time - 400 * 60, closed[-1].time + 1)
    last = len(truth) - 1
    t = truth[last][0]
    highs = [b[2] for b in truth]
    assert math.isclose(sma[t][0], sum(highs[-5:]) / 5, rel_tol=1e-12)
    closes = [b[4] for b in truth]
    wma_ref = sum(w * c for w, c in zip(range(1, 5), closes[-4:], strict=True)) / 10
    assert math.isclose(wma[t][0], wma_ref, rel_tol=1e-12)
    raw = []
    for k in (last - 1, last):  # %K smoothing 1: raw stoch; %D = SMA(2) of %K
        window = truth[k - 4 : k + 1]
        low, high = min(b[3] for b in window), max(b[2] for b in window)
        raw.append(100 * (truth[k][4] - low) / (high - low))
    assert math.isclose(stoch[t][0], raw[1], abs_tol=1e-9)
    assert math.isclose(stoch[t][1], sum(raw) / 2, abs_tol=1e-9)
    assert atr[t][0] > 0


def test_a_listed_study_the_simulator_does_not_compute_is_refused_with_a_reason(sim, connect):
    client = connect(sim)
    _chart(client)
    _study(client, "ar", "STD;Aroon")
    error = client.wait_for(lambda e: isinstance(e, StudyError) and e.study_id == "ar")
    assert "study_not_auth" in error.reason


def test_macd_inputs_obv_vwap_and_stochastic_rsi_follow_their_definitions(sim, connect):
    client = connect(sim)
    history = _chart(client, token=JWT, count=30)
    studies = {
        "md": ("STD;MACD", {"in_0": {"v": 3}, "in_2": {"v": 6}, "in_3": {"v": 4}}),
        "ob": ("STD;On_Balance_Volume", {}),
        "vw": ("STD;VWAP", {}),
        "sr": ("STD;Stochastic_RSI", {"in_0": {"v": 1}, "in_1": {"v": 1}, "in_3": {"v": 5}}),
    }
    got = []
    for study_id, (pine_id, inputs) in studies.items():
        _study(client, study_id, pine_id, **inputs)
        got.append(_points(client, study_id))
    macd, obv, vwap, srsi = got
    closed = history.bars[:-1]
    truth = sim.bars("BINANCE:BTCUSDT", "1", closed[0].time - 400 * 60, closed[-1].time + 1)
    t, prev = truth[-1][0], truth[-2][0]
    closes = [b[4] for b in truth]

    def ema(values, n):
        out, alpha = [values[0]], 2 / (n + 1)
        for v in values[1:]:
            out.append(out[-1] + alpha * (v - out[-1]))
        return out

    line = [f - s for f, s in zip(ema(closes, 3), ema(closes, 6), strict=True)]
    signal = ema(line, 4)
    assert math.isclose(macd[t][1], line[-1], abs_tol=1e-6)
    assert math.isclose(macd[t][2], signal[-1], abs_tol=1e-6)
    step = truth[-1][5] if closes[-1] > closes[-2] else -truth[-1][5]
    assert math.isclose(obv[t][0] - obv[prev][0], step if closes[-1] != closes[-2] else 0.0)
    day = sim.bars("BINANCE:BTCUSDT", "1", t - t % 86400, t + 1)  # VWAP restarts each UTC day
    pv = math.fsum((b[2] + b[3] + b[4]) / 3 * b[5] for b in day)
    assert math.isclose(vwap[t][0], pv / math.fsum(b[5] for b in day), rel_tol=1e-9)
    rsi = [r for r in _rsi(closes, 14) if r is not None][-5:]
    k = 100 * (rsi[-1] - min(rsi)) / (max(rsi) - min(rsi))
    assert math.isclose(srsi[t][0], k, abs_tol=1e-6) and math.isclose(srsi[t][1], k, abs_tol=1e-6)
