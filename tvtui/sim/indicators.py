"""Server-side studies: which built-ins the simulator computes, their inputs, and the
pine-facade metadata that describes them.

The math lives in :mod:`tvtui.sim.ta` and :mod:`tvtui.sim.ta_more`; the list of every
standard script (most only listed) in :mod:`tvtui.sim.study_list`. An input's ``arg`` names
the calculator's keyword argument, so a client's ``in_N`` value reaches the math by name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tvtui.sim import ta, ta_more
from tvtui.sim.ta import SOURCES, Bollinger, Cci, Ema, Macd, Rsi, Sma

#: The calculators stay importable from here (tests compute references with ``Rsi``...).
__all__ = [
    "MAX_WARMUP",
    "PREMIUM",
    "STUDIES",
    "WARMUP",
    "Bollinger",
    "Cci",
    "Ema",
    "Input",
    "Macd",
    "Rsi",
    "Sma",
    "StudySpec",
    "build",
    "il_template",
    "input_value",
    "is_premium",
    "metadata",
    "warmup",
]

#: Bars folded in before the first visible point, so EMA-type values have converged
#: (the residual weight after 300 bars is below 1e-9 for every default length here).
WARMUP = 300

#: Ids that exist but need a paid plan (``study_not_auth``), and prefixes of user scripts
#: (refused as invite-only and private scripts are, unless the simulator computes the script:
#: an open community script, which anyone may add).
PREMIUM = frozenset({"STD;Volume%Profile", "STD;VbPFixed", "STD;Volume%1Profile%1Fixed%1Range"})
PREMIUM_PREFIXES = ("PUB;", "USER;", "INDIC;")
#: The open community script (``study_list.PUBLIC`` lists it): drawn over the candles, and
#: in no built-in list of overlays, so only its metadata's ``is_price_study`` says so.
OPEN_SCRIPT = "PUB;sim0005"


# --- the catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Input:
    id: str
    name: str
    type: str
    defval: Any
    minval: float | None = None
    maxval: float | None = None
    arg: str = ""  #: the calculator's keyword argument this input sets ("" => display only)
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StudySpec:
    pine_id: str
    version: str
    description: str
    short: str
    inputs: tuple[Input, ...]
    plots: tuple[tuple[str, str], ...]  #: (title, plot type)
    factory: Callable[..., Any]  #: called with each input's value under its ``arg`` name
    overlay: bool = False  #: drawn on the price chart (``is_price_study``)
    warmup: int = 0  #: bars folded in before the first point, beyond the length-based rule


def _int(id_: str, name: str, default: int, arg: str, low: int = 1, high: int = 2000) -> Input:
    return Input(id_, name, "integer", default, low, high, arg)


def _src(id_: str = "in_1", default: str = "close") -> Input:
    return Input(id_, "Source", "source", default, arg="source", options=SOURCES)


_LINE = "line"

STUDIES: dict[str, StudySpec] = {
    s.pine_id: s
    for s in (
        StudySpec("STD;RSI", "37.0", "Relative Strength Index", "RSI",
                  (_int("in_0", "RSI Length", 14, "length"), _src(),
                   _int("in_2", "MA Length", 14, "ma_length")),
                  (("RSI", _LINE), ("RSI-based MA", _LINE)), ta.Rsi),
        StudySpec("STD;MACD", "31.0", "Moving Average Convergence Divergence", "MACD",
                  (_int("in_0", "Fast Length", 12, "fast"), _int("in_2", "Slow Length", 26, "slow"),
                   _int("in_3", "Signal Smoothing", 9, "signal", 1, 50), _src()),
                  (("Histogram", "columns"), ("MACD", _LINE), ("Signal", _LINE)), ta.Macd),
        StudySpec("STD;SMA", "34.0", "Moving Average Simple", "SMA",
                  (_int("in_0", "Length", 9, "length", 1, 5000), _src()), (("MA", _LINE),),
                  ta.Sma, True),
        StudySpec("STD;EMA", "35.0", "Moving Average Exponential", "EMA",
                  (_int("in_0", "Length", 9, "length", 1, 5000), _src()), (("EMA", _LINE),),
                  ta.Ema, True),
        StudySpec("STD;WMA", "30.0", "Moving Average Weighted", "WMA",
                  (_int("in_0", "Length", 9, "length", 1, 5000), _src()), (("WMA", _LINE),),
                  ta_more.Wma, True),
        StudySpec("STD;CCI", "37.0", "Commodity Channel Index", "CCI",
                  (_int("in_0", "Length", 20, "length"), _src("in_1", "hlc3")),
                  (("CCI", _LINE),), ta.Cci),
        StudySpec("STD;Bollinger_Bands", "23.0", "Bollinger Bands", "BB",
                  (_int("in_0", "Length", 20, "length"),
                   Input("in_2", "StdDev", "float", 2.0, 0.001, 50, "mult"), _src()),
                  (("Basis", _LINE), ("Upper", _LINE), ("Lower", _LINE)), ta.Bollinger, True),
        StudySpec("STD;Stochastic", "27.0", "Stochastic", "Stoch",
                  (_int("in_0", "%K Length", 14, "k_length"),
                   _int("in_1", "%K Smoothing", 1, "k_smoothing", 1, 500),
                   _int("in_2", "%D Smoothing", 3, "d_smoothing", 1, 500)),
                  (("%K", _LINE), ("%D", _LINE)), ta_more.Stochastic),
        StudySpec("STD;Stochastic_RSI", "25.0", "Stochastic RSI", "Stoch RSI",
                  (_int("in_0", "K", 3, "k", 1, 500), _int("in_1", "D", 3, "d", 1, 500),
                   _int("in_2", "RSI Length", 14, "rsi_length"),
                   _int("in_3", "Stochastic Length", 14, "stoch_length"), _src("in_4")),
                  (("K", _LINE), ("D", _LINE)), ta_more.StochRsi),
        StudySpec("STD;Average_True_Range", "21.0", "Average True Range", "ATR",
                  (_int("in_0", "Length", 14, "length"),), (("ATR", _LINE),), ta_more.Atr),
        StudySpec("STD;VWAP", "33.0", "Volume Weighted Average Price", "VWAP",
                  (_src("in_0", "hlc3"),), (("VWAP", _LINE),), ta_more.Vwap, True, 1440),
        StudySpec("STD;On_Balance_Volume", "24.0", "On Balance Volume", "OBV", (),
                  (("OnBalanceVolume", _LINE),), ta_more.Obv),
        StudySpec("STD;Volume", "12.0", "Volume", "Vol",
                  (_int("in_0", "MA Length", 20, "ma_length"),),
                  (("Volume", "columns"), ("Volume MA", _LINE)), ta_more.Volume),
        StudySpec(OPEN_SCRIPT, "3.0", "Moving Average Cross [sim]", "MA Cross",
                  (_int("in_0", "Fast Length", 9, "fast"), _int("in_1", "Slow Length", 21, "slow")),
                  (("Fast", _LINE), ("Slow", _LINE)), ta_more.MaCross, True),
    )
}  # fmt: skip


def is_premium(pine_id: str) -> bool:
    return pine_id in PREMIUM or (pine_id.startswith(PREMIUM_PREFIXES) and pine_id not in STUDIES)


def input_value(inp: Input, given: dict[str, Any]) -> Any:
    """The client's value for ``inp`` (its ``{"v": ...}`` form or bare), else the default:
    the simulator is lenient where TradingView would compute with whatever it was sent."""
    value = given.get(inp.id)
    if isinstance(value, dict):
        value = value.get("v")
    if inp.type in ("integer", "float"):
        if isinstance(value, int | float) and not isinstance(value, bool):
            low, high = inp.minval, inp.maxval
            if low is None or high is None or low <= value <= high:
                return int(value) if inp.type == "integer" else float(value)
        return inp.defval
    if inp.options:
        return value if value in inp.options else inp.defval
    return inp.defval if value is None else value


#: The longest warm-up, in bars (an EMA 500 converges to 1e-4 within it).
MAX_WARMUP = 5000


def warmup(spec: StudySpec, inputs: Any) -> int:
    """Bars to fold in before the first visible point: :data:`WARMUP`, or ten times the
    longest length asked for (an EMA's residual weight is then below 1e-8), or the spec's own
    (VWAP: a whole day of 1-minute bars), capped at :data:`MAX_WARMUP`. Without it an SMA 200
    or EMA 200 would depend on where its history happened to start."""
    given = inputs if isinstance(inputs, dict) else {}
    lengths = [int(input_value(i, given)) for i in spec.inputs if i.type == "integer" and i.arg]
    return min(MAX_WARMUP, max(WARMUP, spec.warmup, *(10 * n for n in lengths)))


def build(spec: StudySpec, inputs: Any) -> Any:
    """An indicator for ``spec`` with the client's ``in_N`` values (defaults when absent/bad)."""
    given = inputs if isinstance(inputs, dict) else {}
    kwargs = {inp.arg: input_value(inp, given) for inp in spec.inputs if inp.arg}
    return spec.factory(**kwargs)


def il_template(pine_id: str, version: str) -> str:
    """A stand-in for the encrypted script body (``text`` input) the real service returns."""
    digest = hashlib.sha256(f"{pine_id}/{version}".encode()).hexdigest()
    return f"bmI9Ks46_{digest}"


def _listed_spec(pine_id: str) -> StudySpec | None:
    """A stand-in spec for an id that is listed (or premium) but not computed: its metadata
    exists, ``create_study`` refuses it."""
    from tvtui.sim import study_list  # it imports this module for STUDIES

    entry = study_list.listed(pine_id)
    if entry is None and (not is_premium(pine_id) or len(pine_id) > 120):
        return None
    name = entry["scriptName"] if entry else pine_id.split(";", 1)[-1].replace("%", " ")
    version = entry["version"] if entry else "1.0"
    return StudySpec(pine_id, version, name, "Premium" if entry is None else name[:20],
                     (_int("in_0", "Length", 14, ""),), (("Plot", _LINE),), ta.Sma)  # fmt: skip


def metadata(pine_id: str, version: str) -> dict[str, Any] | None:
    """The pine-facade ``translate`` result for ``pine_id``; None when it does not exist."""
    spec = STUDIES.get(pine_id) or _listed_spec(pine_id)
    if spec is None:
        return None
    if version in ("", "last") or not version.replace(".", "", 1).isdigit():
        version = spec.version
    text = il_template(pine_id, version)
    inputs: list[dict[str, Any]] = [
        {"id": "text", "name": "ILScript", "type": "text", "defval": text, "isHidden": True},
        {"id": "pineId", "name": "pineId", "type": "text", "defval": pine_id, "isHidden": True},
        {"id": "pineVersion", "name": "pineVersion", "type": "text", "defval": version,
         "isHidden": True},
    ]  # fmt: skip
    for inp in spec.inputs:
        entry: dict[str, Any] = {
            "id": inp.id,
            "name": inp.name,
            "type": inp.type,
            "defval": inp.defval,
            "isHidden": False,
            "isFake": False,
        }
        if inp.minval is not None:
            entry["min"] = inp.minval
            entry["max"] = inp.maxval
        if inp.options:
            entry["options"] = list(inp.options)
        inputs.append(entry)
    plots = [{"id": f"plot_{k}", "type": kind} for k, (_, kind) in enumerate(spec.plots)]
    styles = {
        f"plot_{k}": {"title": title, "histogramBase": 0} for k, (title, _) in enumerate(spec.plots)
    }
    return {
        "IL": text,
        "ilTemplate": text,
        "metaInfo": {
            "id": f"Script$STD;{spec.short}@tv-scripting-101",
            "scriptIdPart": pine_id,
            "description": spec.description,
            "shortDescription": spec.short,
            "inputs": inputs,
            "plots": plots,
            "styles": styles,
            "defaults": {"inputs": {i.id: i.defval for i in spec.inputs}},
            "palettes": {},
            "pine": {"version": version, "digest": text[-12:]},
            "isTVScript": True,
            "is_price_study": spec.overlay,
            "format": {"type": "inherit"},
        },
    }
