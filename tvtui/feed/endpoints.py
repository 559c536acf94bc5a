"""TradingView's endpoints, and the environment variables that point them elsewhere.

Each ``TVTUI_*`` variable replaces only the scheme, host and port of its endpoint; the path and
query stay TradingView's. That is how the simulator (and any TradingView-compatible server)
is reached without a line of code changing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

WS_URL = "wss://data.tradingview.com/socket.io/websocket?from=chart%2F&type=chart"
SCANNER_URL = "https://scanner.tradingview.com/symbol"
PINE_URL = "https://pine-facade.tradingview.com/pine-facade/translate"
SEARCH_URL = "https://symbol-search.tradingview.com/symbol_search/v3/"
SCRIPTS_URL = "https://www.tradingview.com/pubscripts-suggest-json/"

ENV_WS = "TVTUI_WS_URL"
ENV_SCANNER = "TVTUI_SCANNER_URL"
ENV_PINE = "TVTUI_PINE_URL"
ENV_SEARCH = "TVTUI_SEARCH_URL"
ENV_SCRIPTS = "TVTUI_SCRIPTS_URL"
ENV_TOKEN = "TRADINGVIEW_JWT_TOKEN"

ORIGIN = "https://www.tradingview.com"
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def override(default: str, replacement: str | None) -> str:
    """``default`` with the scheme, host and port of ``replacement`` (path and query kept)."""
    if not replacement:
        return default
    new = urlsplit(replacement.strip())
    if not new.scheme or not new.netloc:
        raise ValueError(f"Endpoint override {replacement!r} must look like scheme://host:port")
    old = urlsplit(default)
    return urlunsplit((new.scheme, new.netloc, old.path, old.query, old.fragment))


@dataclass(frozen=True, slots=True)
class Endpoints:
    ws: str = WS_URL
    scanner: str = SCANNER_URL
    pine: str = PINE_URL
    search: str = SEARCH_URL
    scripts: str = SCRIPTS_URL  #: public (community) script search

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Endpoints:
        env = os.environ if env is None else env
        return cls(
            ws=override(WS_URL, env.get(ENV_WS)),
            scanner=override(SCANNER_URL, env.get(ENV_SCANNER)),
            pine=override(PINE_URL, env.get(ENV_PINE)),
            search=override(SEARCH_URL, env.get(ENV_SEARCH)),
            scripts=override(SCRIPTS_URL, env.get(ENV_SCRIPTS)),
        )


def resolve_token(token: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The token to send: the argument, else ``TRADINGVIEW_JWT_TOKEN``, else anonymous."""
    if token:
        return token
    env = os.environ if env is None else env
    return env.get(ENV_TOKEN) or "unauthorized_user_token"


def redact(text: str, token: str) -> str:
    """``text`` with every occurrence of ``token`` replaced, for logs and error messages."""
    if token and token != "unauthorized_user_token" and token in text:
        return text.replace(token, "<token>")
    return text
