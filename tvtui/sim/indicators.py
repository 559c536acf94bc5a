"""Server-side studies: the indicator math, and the pine-facade metadata that describes it.

Each indicator is incremental: ``push(bar)`` folds a closed bar in and returns its values,
``peek(bar)`` returns the values the forming bar would have without folding it in. That is
what a live chart needs (one point per update, cheap) and it makes every closed point depend
only on the bars before it, as on TradingView. Values follow TradingView's definitions:
Wilder's RMA for RSI, EMAs seeded with the first value, population deviation for CCI and BB.
"""

from __future__ import annotations

import hashlib
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Bar = tuple[float, float, float, float, float, float | None]
Values = tuple[float, ...] | None

#: Bars folded in before the first visible point, so EMA-type values have converged
#: (the residual weight after 300 bars is below 1e-9 for every default length here).
WARMUP = 300

#: Ids that exist but need a paid plan (``study_not_auth``), and prefixes of user scripts.
PREMIUM = frozenset({"STD;Volume%Profile", "STD;VbPFixed", "STD;Volume%1Profile%1Fixed%1Range"})
PREMIUM_PREFIXES = ("PUB;", "USER;", "INDIC;")


class _Sma:
    def __init__(self, n: int) -> None:
        self.n = n
        self.win: deque[float] = deque(maxlen=n)

    def push(self, x: float) -> float | None:
        self.win.append(x)
        return math.fsum(self.win) / self.n if len(self.win) == self.n else None

    def peek(self, x: float) -> float | None:
        if len(self.win) < self.n - 1:
            return None
        items = list(self.win)[1:] if len(self.win) == self.n else list(self.win)
        return (math.fsum(items) + x) / self.n


class _Ema:
    """Pine's ``ta.ema``: seeded with the first value, then alpha = 2 / (n + 1)."""

    def __init__(self, n: int) -> None:
        self.alpha = 2.0 / (n + 1)
        self.value: float | None = None

    def push(self, x: float) -> float:
        self.value = self.peek(x)
        return self.value

    def peek(self, x: float) -> float:
        return x if self.value is None else self.value + self.alpha * (x - self.value)


class _Rma:
    """Pine's ``ta.rma`` (Wilder): seeded with the SMA of the first n values."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seed: list[float] = []
        self.value: float | None = None

    def push(self, x: float) -> float | None:
        if self.value is None:
            self.seed.append(x)
            if len(self.seed) == self.n:
                self.value = math.fsum(self.seed) / self.n
            return self.value
        self.value = (self.value * (self.n - 1) + x) / self.n
        return self.value

    def peek(self, x: float) -> float | None:
        if self.value is None:
            return math.fsum([*self.seed, x]) / self.n if len(self.seed) == self.n - 1 else None
        return (self.value * (self.n - 1) + x) / self.n


class Rsi:
    """RSI (plot 0) and its SMA (plot 1)."""

    def __init__(self, length: int = 14, ma_length: int = 14) -> None:
        self.prev: float | None = None
        self.up = _Rma(length)
        self.down = _Rma(length)
        self.ma = _Sma(ma_length)

    @staticmethod
    def _rsi(up: float | None, down: float | None) -> float | None:
        if up is None or down is None:
            return None
        if down == 0:
            return 100.0 if up > 0 else 50.0
        return 100.0 - 100.0 / (1.0 + up / down)

    def push(self, bar: Bar) -> Values:
        close = bar[4]
        prev, self.prev = self.prev, close
        if prev is None:
            return None
        change = close - prev
        rsi = self._rsi(self.up.push(max(change, 0.0)), self.down.push(max(-change, 0.0)))
        if rsi is None:
            return None
        ma = self.ma.push(rsi)
        return None if ma is None else (rsi, ma)

    def peek(self, bar: Bar) -> Values:
        if self.prev is None:
            return None
        change = bar[4] - self.prev
        rsi = self._rsi(self.up.peek(max(change, 0.0)), self.down.peek(max(-change, 0.0)))
        if rsi is None:
            return None
        ma = self.ma.peek(rsi)
        return None if ma is None else (rsi, ma)


class Macd:
    """Plots: 0 histogram, 1 MACD, 2 signal."""

    def __init__(self, fast: int = 12, slow: int = 26, signal: int = 9) -> None:
        self.fast = _Ema(fast)
        self.slow = _Ema(slow)
        self.signal = _Ema(signal)

    def push(self, bar: Bar) -> Values:
        macd = self.fast.push(bar[4]) - self.slow.push(bar[4])
        signal = self.signal.push(macd)
        return (macd - signal, macd, signal)

    def peek(self, bar: Bar) -> Values:
        macd = self.fast.peek(bar[4]) - self.slow.peek(bar[4])
        signal = self.signal.peek(macd)
        return (macd - signal, macd, signal)


class Sma:
    def __init__(self, length: int = 9) -> None:
        self.sma = _Sma(length)

    def push(self, bar: Bar) -> Values:
        v = self.sma.push(bar[4])
        return None if v is None else (v,)

    def peek(self, bar: Bar) -> Values:
        v = self.sma.peek(bar[4])
        return None if v is None else (v,)


class Ema:
    def __init__(self, length: int = 9) -> None:
        self.ema = _Ema(length)

    def push(self, bar: Bar) -> Values:
        return (self.ema.push(bar[4]),)

    def peek(self, bar: Bar) -> Values:
        return (self.ema.peek(bar[4]),)


class _Window:
    """Indicators computed from the last n values of a source (CCI, Bollinger Bands)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.win: deque[float] = deque(maxlen=n)

    def values_with(self, x: float, commit: bool) -> list[float] | None:
        items = [*list(self.win)[-(self.n - 1) :], x] if self.n > 1 else [x]
        if commit:
            self.win.append(x)
        return items if len(items) == self.n else None


class Cci(_Window):
    def __init__(self, length: int = 20) -> None:
        super().__init__(length)

    def _calc(self, bar: Bar, commit: bool) -> Values:
        tp = (bar[2] + bar[3] + bar[4]) / 3.0
        items = self.values_with(tp, commit)
        if items is None:
            return None
        mean = math.fsum(items) / self.n
        dev = math.fsum(abs(v - mean) for v in items) / self.n
        return ((tp - mean) / (0.015 * dev) if dev else 0.0,)

    def push(self, bar: Bar) -> Values:
        return self._calc(bar, True)

    def peek(self, bar: Bar) -> Values:
        return self._calc(bar, False)


class Bollinger(_Window):
    """Plots: 0 basis, 1 upper, 2 lower."""

    def __init__(self, length: int = 20, mult: float = 2.0) -> None:
        super().__init__(length)
        self.mult = mult

    def _calc(self, bar: Bar, commit: bool) -> Values:
        items = self.values_with(bar[4], commit)
        if items is None:
            return None
        mean = math.fsum(items) / self.n
        dev = math.sqrt(math.fsum((v - mean) ** 2 for v in items) / self.n)
        return (mean, mean + self.mult * dev, mean - self.mult * dev)

    def push(self, bar: Bar) -> Values:
        return self._calc(bar, True)

    def peek(self, bar: Bar) -> Values:
        return self._calc(bar, False)


# --- the catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Input:
    id: str
    name: str
    type: str
    defval: Any
    minval: float | None = None
    maxval: float | None = None


@dataclass(frozen=True, slots=True)
class StudySpec:
    pine_id: str
    version: str
    description: str
    short: str
    inputs: tuple[Input, ...]
    plots: tuple[tuple[str, str], ...]  #: (title, plot type)
    factory: Callable[..., Any]  #: called with the integer/float inputs, in order


def _length(name: str, default: int, id_: str = "in_0") -> Input:
    return Input(id_, name, "integer", default, 1, 2000)


_SOURCE = Input("in_1", "Source", "source", "close")

STUDIES: dict[str, StudySpec] = {
    s.pine_id: s
    for s in (
        StudySpec("STD;RSI", "37.0", "Relative Strength Index", "RSI",
                  (_length("RSI Length", 14), _SOURCE, _length("MA Length", 14, "in_2")),
                  (("RSI", "line"), ("RSI-based MA", "line")), Rsi),
        StudySpec("STD;MACD", "31.0", "Moving Average Convergence Divergence", "MACD",
                  (_length("Fast Length", 12), _length("Slow Length", 26, "in_2"),
                   _length("Signal Smoothing", 9, "in_3"), Input("in_1", "Source", "source",
                                                                 "close")),
                  (("Histogram", "columns"), ("MACD", "line"), ("Signal", "line")), Macd),
        StudySpec("STD;SMA", "34.0", "Moving Average Simple", "SMA", (_length("Length", 9),
                  _SOURCE), (("MA", "line"),), Sma),
        StudySpec("STD;EMA", "35.0", "Moving Average Exponential", "EMA",
                  (_length("Length", 9), _SOURCE), (("EMA", "line"),), Ema),
        StudySpec("STD;CCI", "37.0", "Commodity Channel Index", "CCI",
                  (_length("Length", 20), Input("in_1", "Source", "source", "hlc3")),
                  (("CCI", "line"),), Cci),
        StudySpec("STD;Bollinger_Bands", "23.0", "Bollinger Bands", "BB",
                  (_length("Length", 20), Input("in_2", "StdDev", "float", 2.0, 0.001, 50)),
                  (("Basis", "line"), ("Upper", "line"), ("Lower", "line")), Bollinger),
    )
}  # fmt: skip


def is_premium(pine_id: str) -> bool:
    return pine_id in PREMIUM or pine_id.startswith(PREMIUM_PREFIXES)


def _numeric_inputs(spec: StudySpec) -> list[Input]:
    """Inputs that parametrise the calculation, sorted by id (the factory's argument order)."""
    return sorted((i for i in spec.inputs if i.type in ("integer", "float")), key=lambda i: i.id)


def build(spec: StudySpec, inputs: Any) -> Any:
    """An indicator for ``spec`` with the client's ``in_N`` values (defaults when absent/bad)."""
    args = []
    given = inputs if isinstance(inputs, dict) else {}
    for inp in _numeric_inputs(spec):
        value = given.get(inp.id)
        if isinstance(value, dict):
            value = value.get("v")
        number = inp.defval
        if isinstance(value, int | float) and not isinstance(value, bool):
            low, high = inp.minval, inp.maxval
            if low is None or high is None or low <= value <= high:
                number = value
        args.append(int(number) if inp.type == "integer" else float(number))
    return spec.factory(*args)


def il_template(pine_id: str, version: str) -> str:
    """A stand-in for the encrypted script body (``text`` input) the real service returns."""
    digest = hashlib.sha256(f"{pine_id}/{version}".encode()).hexdigest()
    return f"bmI9Ks46_{digest}"


def metadata(pine_id: str, version: str) -> dict[str, Any] | None:
    """The pine-facade ``translate`` result for ``pine_id``; None when it does not exist."""
    spec = STUDIES.get(pine_id)
    if spec is None:
        if not is_premium(pine_id) or len(pine_id) > 120:
            return None
        spec = StudySpec(
            pine_id,
            "1.0",
            pine_id.split(";", 1)[-1].replace("%", " "),
            "Premium",
            (),
            (("Plot", "line"),),
            Sma,
        )
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
        if inp.type == "source":
            entry["options"] = ["open", "high", "low", "close", "hl2", "hlc3", "ohlc4"]
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
            "is_price_study": spec.short in ("SMA", "EMA", "BB"),
            "format": {"type": "inherit"},
        },
    }
