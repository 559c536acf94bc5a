"""The simulator's symbol table: what each instrument is, how it trades, and how to find it.

Prices come from ``prices.py``; this module only knows the static facts a quote snapshot,
``symbol_resolved``, the scanner check and symbol search report. The table spans exchanges,
asset types, instruments without volume and names in non-Latin scripts, because each of
those has broken some TradingView client before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

import orjson


@dataclass(frozen=True, slots=True)
class Instrument:
    exchange: str
    symbol: str
    description: str
    type: str  #: crypto, stock, forex, index
    currency: str
    pricescale: int  #: ticks per unit: 100 => two decimals
    base_price: float  #: the level the price path wanders around
    daily_vol: float  #: daily log-return volatility
    volume_per_day: float | None  #: None => no volume (5-element bars)
    session: str = "24x7"
    timezone: str = "Etc/UTC"
    local_description: str | None = None
    asset: str | None = None  #: instruments with the same asset share their long-term trend
    market: str = "crypto"  #: what the scanner's ``fields=market`` reports
    country: str = ""
    language: str = "en"
    volume_decimals: int = 0
    minmov: int = 1

    @property
    def pro_name(self) -> str:
        return f"{self.exchange}:{self.symbol}"

    @property
    def tick(self) -> float:
        return self.minmov / self.pricescale

    @property
    def has_volume(self) -> bool:
        return self.volume_per_day is not None

    @property
    def trend_key(self) -> str:
        return self.asset or self.pro_name


class _Listing(TypedDict):
    """Where an instrument trades (the keyword arguments many instruments share)."""

    session: str
    timezone: str
    market: str
    country: str


_US: _Listing = {
    "session": "0930-1600",
    "timezone": "America/New_York",
    "market": "america",
    "country": "US",
}

INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument("BINANCE", "BTCUSDT", "Bitcoin / TetherUS", "crypto", "USDT", 100, 67_000.0,
               0.030, 25_000.0, asset="BTC", volume_decimals=5),
    Instrument("BINANCE", "ETHUSDT", "Ethereum / TetherUS", "crypto", "USDT", 100, 3_500.0,
               0.036, 400_000.0, asset="ETH", volume_decimals=4),
    Instrument("BINANCE", "SOLUSDT", "Solana / TetherUS", "crypto", "USDT", 100, 160.0,
               0.050, 3_000_000.0, asset="SOL", volume_decimals=3),
    Instrument("COINBASE", "BTCUSD", "Bitcoin / U.S. Dollar", "crypto", "USD", 100, 67_000.0,
               0.030, 9_000.0, asset="BTC", volume_decimals=8),
    Instrument("NASDAQ", "AAPL", "Apple Inc.", "stock", "USD", 100, 195.0, 0.016,
               55_000_000.0, **_US),
    Instrument("NASDAQ", "MSFT", "Microsoft Corporation", "stock", "USD", 100, 420.0, 0.015,
               20_000_000.0, **_US),
    Instrument("NASDAQ", "TSLA", "Tesla, Inc.", "stock", "USD", 100, 180.0, 0.035,
               95_000_000.0, **_US),
    Instrument("NASDAQ", "NVDA", "NVIDIA Corporation", "stock", "USD", 100, 120.0, 0.030,
               300_000_000.0, **_US),
    Instrument("NYSE", "IBM", "International Business Machines Corporation", "stock", "USD",
               100, 170.0, 0.012, 4_000_000.0, **_US),
    Instrument("NYSE", "JPM", "JP Morgan Chase & Co.", "stock", "USD", 100, 200.0, 0.013,
               9_000_000.0, **_US),
    Instrument("FX", "EURUSD", "Euro / U.S. Dollar", "forex", "USD", 100_000, 1.0850, 0.005,
               None, session="24x5", market="forex"),
    Instrument("FX", "GBPUSD", "British Pound / U.S. Dollar", "forex", "USD", 100_000, 1.2700,
               0.005, None, session="24x5", market="forex"),
    Instrument("OANDA", "GBPJPY", "British Pound / Japanese Yen", "forex", "JPY", 1_000, 199.5,
               0.006, None, session="24x5", market="forex"),
    Instrument("SP", "SPX", "S&P 500 Index", "index", "USD", 100, 5_300.0, 0.010, None,
               **_US),
    Instrument("NASDAQ", "NDX", "Nasdaq 100 Index", "index", "USD", 100, 18_800.0, 0.012, None,
               **_US),
    Instrument("KRX", "005930", "SAMSUNG ELECTRONICS CO., LTD", "stock", "KRW", 1, 78_000.0,
               0.018, 15_000_000.0, session="0900-1530", timezone="Asia/Seoul",
               local_description="삼성전자보통주", market="korea", country="KR", language="ko",
               minmov=100),
    Instrument("TSE", "7203", "TOYOTA MOTOR CORP", "stock", "JPY", 1, 3_300.0, 0.017,
               25_000_000.0, session="0900-1130,1230-1530", timezone="Asia/Tokyo",
               local_description="トヨタ自動車", market="japan", country="JP", language="ja"),
    Instrument("BIST", "THYAO", "TURK HAVA YOLLARI", "stock", "TRY", 100, 290.0, 0.025,
               30_000_000.0, session="1000-1800", timezone="Europe/Istanbul",
               local_description="Türk Hava Yolları", market="turkey", country="TR",  # noqa: RUF001
               language="tr"),
    Instrument("XETR", "SAP", "SAP SE", "stock", "EUR", 100, 175.0, 0.014, 1_500_000.0,
               session="0900-1730", timezone="Europe/Berlin", market="germany", country="DE",
               language="de"),
)  # fmt: skip

_BY_NAME: dict[str, Instrument] = {i.pro_name: i for i in INSTRUMENTS}
_BY_TICKER: dict[str, Instrument] = {}
for _inst in INSTRUMENTS:
    _BY_TICKER.setdefault(_inst.symbol, _inst)


def symbol_from_key(key: Any) -> str | None:
    """The ``EX:SYM`` inside a quote key or resolve string; None when there is none.

    Accepts ``"EX:SYM"`` and ``'={"adjustment":..,"symbol":"EX:SYM"}'`` (with or without
    spaces, and with a nested ``symbol`` object as chart types send).
    """
    if not isinstance(key, str):
        return None
    text = key.strip()
    if text.startswith("="):
        try:
            spec = orjson.loads(text[1:])
        except orjson.JSONDecodeError:
            return None
        for _ in range(3):  # nested {"symbol": {"symbol": ...}} forms, bounded
            if isinstance(spec, dict):
                spec = spec.get("symbol")
        return spec if isinstance(spec, str) else None
    return text


def lookup(name: Any) -> Instrument | None:
    """The instrument called ``name`` (``EX:SYM``, case-insensitive, or a bare ticker)."""
    text = symbol_from_key(name)
    if not text:
        return None
    text = text.upper()
    if ":" in text:
        return _BY_NAME.get(text)
    return _BY_TICKER.get(text)


def symbol_info(inst: Instrument) -> dict[str, Any]:
    """The ``symbol_resolved`` info dict, shaped like a real one."""
    volume = inst.has_volume
    return {
        "name": inst.symbol,
        "full_name": inst.pro_name,
        "pro_name": inst.pro_name,
        "base_name": [inst.pro_name],
        "description": inst.description,
        "local_description": inst.local_description or inst.description,
        "language": inst.language,
        "exchange": inst.exchange,
        "listed_exchange": inst.exchange,
        "provider_id": "sim",
        "type": inst.type,
        "typespecs": ["common"] if inst.type == "stock" else [],
        "currency_code": inst.currency,
        "currency_id": inst.currency,
        "session": inst.session,
        "session_display": inst.session,
        "session_holidays": "",
        "subsessions": [{"id": "regular", "description": "Regular Trading Hours",
                         "session": inst.session, "session-display": inst.session}],
        "timezone": inst.timezone,
        "pricescale": inst.pricescale,
        "minmov": inst.minmov,
        "minmove2": 0,
        "fractional": False,
        "variable_tick_size": "",
        "has_intraday": True,
        "has_adjustment": inst.type == "stock",
        "allowed_adjustment": "splits" if inst.type == "stock" else "none",
        "is_replayable": True,
        "is_tradable": True,
        "bar_source": "trade" if volume else "bid",
        "bar_transform": "none",
        "visible_plots_set": "ohlcv" if volume else "ohlc",
        "volume_type": "base" if volume else "none",
        "aliases": [],
        "legs": [inst.pro_name],
    }  # fmt: skip


def quote_static(inst: Instrument) -> dict[str, Any]:
    """The quote fields that never change while the simulator runs."""
    return {
        "description": inst.description,
        "local_description": inst.local_description or inst.description,
        "language": inst.language,
        "exchange": inst.exchange,
        "listed_exchange": inst.exchange,
        "type": inst.type,
        "typespecs": ["common"] if inst.type == "stock" else [],
        "pro_name": inst.pro_name,
        "short_name": inst.symbol,
        "original_name": inst.pro_name,
        "currency_code": inst.currency,
        "currency_id": inst.currency,
        "update_mode": "streaming",
        "pricescale": inst.pricescale,
        "minmov": inst.minmov,
        "minmove2": 0,
        "fractional": False,
        "is_tradable": True,
        "current_session": "market",
        "timezone": inst.timezone,
        "logoid": inst.symbol.lower(),
        "format": "price",
    }


_SEARCH_TYPES = frozenset({"stock", "crypto", "forex", "index", "futures", "cfd", "bond", "fund"})


def search(
    text: str, exchange: str = "", search_type: str = "", start: int = 0, limit: int = 50
) -> dict[str, Any]:
    """``symbol_search/v3`` results: case-insensitive match on symbol and description."""
    needle = " ".join(text.replace("+", " ").split()).upper()
    prefix_ex = ""
    if ":" in needle:  # "NASDAQ:AA" searches AA on NASDAQ, as the site does
        prefix_ex, needle = needle.split(":", 1)
    want_ex = (exchange or prefix_ex).upper()
    kind = search_type.lower()  # anything unknown ("", "undefined") filters nothing, as the site
    matches = []
    for inst in INSTRUMENTS:
        if want_ex and inst.exchange != want_ex:
            continue
        if kind in _SEARCH_TYPES and inst.type != kind:
            continue
        haystacks = (inst.symbol, inst.description.upper(), (inst.local_description or ""))
        if needle and not any(needle in h.upper() for h in haystacks):
            continue
        matches.append(inst)
    # Exact ticker matches first, then prefix matches, then the rest: how the site ranks.
    matches.sort(key=lambda i: (i.symbol != needle, not i.symbol.startswith(needle)))
    start = max(0, start)
    page = matches[start : start + limit]
    return {
        "symbols": [
            {
                "symbol": i.symbol,
                "description": i.description,
                "type": i.type,
                "exchange": i.exchange,
                "prefix": i.exchange,
                "currency_code": i.currency,
                "provider_id": "sim",
                "country": i.country,
                "typespecs": ["common"] if i.type == "stock" else [],
            }
            for i in page
        ],
        "symbols_remaining": max(0, len(matches) - start - len(page)),
    }
