"""The library face: ``Streamer``, ``RealTimeData`` and ``StreamHandler``.

Same names, parameters and return shapes as the ``tradingview_scraper`` real-time module, so
switching is one import line. What is different is what happens underneath:

* a heartbeat is echoed by the client thread and never costs a data message;
* one malformed frame is logged and skipped, it never ends the stream;
* a dropped connection reconnects with backoff and restores every subscription;
* an unknown timeframe raises ``ValueError`` instead of silently streaming 1-minute bars;
* ``stream()`` returns as soon as it holds the bars and indicators it was asked for, instead of
  sleeping a second per packet; and a study the server refuses says why.

``import tvtui.stream`` imports no Textual code (tests/test_layers.py checks it).

The package keeps one job per module: :mod:`~tvtui.stream.handler` (the connection and its
sessions), :mod:`~tvtui.stream.streamer` (bars and indicators, request/response),
:mod:`~tvtui.stream.packets` (raw packets), :mod:`~tvtui.stream.arguments` (argument checks),
:mod:`~tvtui.stream.supported` (time frames, exchanges, the indicator catalogue and inputs)
and :mod:`~tvtui.stream.errors`. Import from ``tvtui.stream``; the split is not part of the API.
"""

from __future__ import annotations

from tvtui.feed.studies import IndicatorError
from tvtui.feed.symbols import SymbolLookupError, SymbolNotFoundError
from tvtui.stream.arguments import check_indicators
from tvtui.stream.errors import AuthenticationError, DataNotFoundError, FeedUnavailableError
from tvtui.stream.handler import ANONYMOUS_TOKEN, SEED_QUOTE_FIELDS, StreamHandler
from tvtui.stream.packets import RealTimeData
from tvtui.stream.streamer import (
    ANONYMOUS_STUDY_LIMIT,
    DEFAULT_TIMEOUT,
    FAIL_FAST_ATTEMPTS,
    Streamer,
)
from tvtui.stream.supported import (
    IndicatorInfo,
    InputSpec,
    KnownExchanges,
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

__all__ = [
    "ANONYMOUS_STUDY_LIMIT",
    "ANONYMOUS_TOKEN",
    "DEFAULT_TIMEOUT",
    "FAIL_FAST_ATTEMPTS",
    "SEED_QUOTE_FIELDS",
    "AuthenticationError",
    "DataNotFoundError",
    "FeedUnavailableError",
    "IndicatorError",
    "IndicatorInfo",
    "InputSpec",
    "KnownExchanges",
    "RealTimeData",
    "StreamHandler",
    "Streamer",
    "SymbolLookupError",
    "SymbolNotFoundError",
    "builtin_indicators",
    "check_indicators",
    "display_and_select_indicator",
    "fetch_indicator_metadata",
    "fetch_tradingview_indicators",
    "indicator_inputs",
    "known_exchanges",
    "search_indicators",
    "search_public_scripts",
    "supported_timeframes",
]
