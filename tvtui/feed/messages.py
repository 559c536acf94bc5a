"""Builders for every message the client sends, as ``{"m": ..., "p": [...]}`` dicts.

Each function returns the message object; :func:`tvtui.feed.wire.encode` frames it. Keeping
the parameter order here (and only here) means a protocol change is a one-line fix.
Parameter shapes are TradingView's, as its web client sends them (docs/contracts.md).
"""

from __future__ import annotations

import random
import string
from typing import Any

import orjson

Message = dict[str, Any]

#: The fields the watchlist and the seed API ask for: the 23 of tradingview-scraper, plus what
#: a watchlist's extra columns show: the day's high/low/open and previous close, bid and ask
#: (TradingView-API's ``fields: 'all'`` asks for these too), and the 52-week range
#: (``price_52_week_high`` / ``_low``, in a captured quote-session reply of
#: swarum/tradingview-api-adapter; a feed that does not send them leaves the columns blank).
QUOTE_FIELDS: tuple[str, ...] = (
    "ch", "chp", "current_session", "description", "local_description", "language",
    "exchange", "fractional", "is_tradable", "lp", "lp_time", "minmov", "minmove2",
    "original_name", "pricescale", "pro_name", "short_name", "type", "update_mode", "volume",
    "currency_code", "rchp", "rtc", "high_price", "low_price", "open_price", "prev_close_price",
    "bid", "ask", "price_52_week_high", "price_52_week_low",
)  # fmt: skip

DEFAULT_TOKEN = "unauthorized_user_token"


def session_id(prefix: str, rng: random.Random | None = None) -> str:
    """``cs_`` / ``qs_`` + 12 random lowercase letters, as the browser and the scraper do."""
    pick = (rng or random).choices
    return prefix + "_" + "".join(pick(string.ascii_lowercase, k=12))


def _msg(method: str, *params: Any) -> Message:
    return {"m": method, "p": list(params)}


def set_auth_token(token: str) -> Message:
    return _msg("set_auth_token", token)


def set_locale(language: str = "en", country: str = "US") -> Message:
    return _msg("set_locale", language, country)


def chart_create_session(chart_session: str) -> Message:
    return _msg("chart_create_session", chart_session, "")


def chart_delete_session(chart_session: str) -> Message:
    return _msg("chart_delete_session", chart_session)


def switch_timezone(chart_session: str, timezone: str = "Etc/UTC") -> Message:
    return _msg("switch_timezone", chart_session, timezone)


def quote_create_session(quote_session: str) -> Message:
    return _msg("quote_create_session", quote_session)


def quote_delete_session(quote_session: str) -> Message:
    return _msg("quote_delete_session", quote_session)


def quote_set_fields(quote_session: str, fields: tuple[str, ...] = QUOTE_FIELDS) -> Message:
    return _msg("quote_set_fields", quote_session, *fields)


def quote_add_symbols(quote_session: str, *symbols: str) -> Message:
    return _msg("quote_add_symbols", quote_session, *symbols)


def quote_fast_symbols(quote_session: str, *symbols: str) -> Message:
    return _msg("quote_fast_symbols", quote_session, *symbols)


def quote_remove_symbols(quote_session: str, *symbols: str) -> Message:
    return _msg("quote_remove_symbols", quote_session, *symbols)


def quote_hibernate_all(quote_session: str) -> Message:
    return _msg("quote_hibernate_all", quote_session)


def symbol_spec(symbol: str, adjustment: str = "splits", session: str | None = None) -> str:
    """The ``=`` + JSON resolve string that ``resolve_symbol`` takes."""
    spec: dict[str, str] = {"adjustment": adjustment, "symbol": symbol}
    if session:
        spec["session"] = session
    return "=" + orjson.dumps(spec).decode()


def resolve_symbol(chart_session: str, symbol_id: str, symbol: str) -> Message:
    return _msg("resolve_symbol", chart_session, symbol_id, symbol_spec(symbol))


def create_series(
    chart_session: str,
    series_id: str,
    version: str,
    symbol_id: str,
    resolution: str,
    count: int,
    range_: str = "",
) -> Message:
    return _msg(
        "create_series", chart_session, series_id, version, symbol_id, resolution, count, range_
    )


def modify_series(
    chart_session: str, series_id: str, version: str, symbol_id: str, resolution: str
) -> Message:
    return _msg("modify_series", chart_session, series_id, version, symbol_id, resolution, "")


def request_more_data(chart_session: str, series_id: str, count: int) -> Message:
    return _msg("request_more_data", chart_session, series_id, count)


def remove_series(chart_session: str, series_id: str) -> Message:
    return _msg("remove_series", chart_session, series_id)


def create_study(
    chart_session: str,
    study_id: str,
    series_id: str,
    inputs: dict[str, Any],
    script_type: str = "Script@tv-scripting-101!",
    parent: str = "st1",
) -> Message:
    return _msg("create_study", chart_session, study_id, parent, series_id, script_type, inputs)


def remove_study(chart_session: str, study_id: str) -> Message:
    return _msg("remove_study", chart_session, study_id)
