"""The chooser's search: TradingView's whole catalogue (built-ins and community scripts) as
rows, fetched off the UI thread through the library, and the known ones when it cannot be had.

Why through the library (``feed/catalog.py``): the built-in list is cached on disk for a day
and every request is paced, so typing in the chooser never hammers the server; the community
search is asked only for three characters or more. A failed fetch is said in the chooser and
the known short names (``config/studies.py``) are searched instead, so the chooser always
works offline.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from tvtui.config.studies import KNOWN_INDICATORS
from tvtui.feed.catalog import IndicatorInfo, search_indicators, search_public_scripts
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.studies import IndicatorError
from tvtui.ui.safe import shown

#: Rows shown for one search (the catalogue holds a few hundred built-ins).
MAX_ROWS = 200
#: Community scripts are searched (on the server, not cached) from this many characters.
COMMUNITY_FROM = 3
#: Words of TradingView's refusal of a study the plan does not include.
PREMIUM_REASON = "study_not_auth"


def is_premium_refusal(reason: str) -> bool:
    """TradingView's reason for a study the account's plan does not include."""
    return PREMIUM_REASON in reason


def refusal_text(reason: str) -> str:
    """A refusal as a person reads it: TradingView's ``study_not_auth`` says the indicator
    needs a paid plan (its words kept after it)."""
    if is_premium_refusal(reason):
        return f"premium only: this account's plan does not include it ({reason})"
    return reason


@dataclass(frozen=True)
class Found:
    """One search's answer: the rows, and what to say about where they came from."""

    query: str
    rows: list[IndicatorInfo]
    status: str
    failed: bool = False
    #: the known ones, shown while the catalogue is being fetched (not the search's answer)
    provisional: bool = False


def meanwhile(query: str) -> Found:
    """What the chooser shows while the catalogue has not answered yet (a slow or absent
    network can take several seconds): the known indicators matching ``query``."""
    return Found(query, known_rows(query), "searching the catalogue…", provisional=True)


def known_rows(query: str) -> list[IndicatorInfo]:
    """The short names the app knows (``RSI`` ... ) matching ``query``: the offline list."""
    words = query.lower().split()
    rows = [IndicatorInfo(pine, name, "last") for name, pine in KNOWN_INDICATORS.items()]
    return [r for r in rows if all(w in f"{r.name} {r.pine_id}".lower() for w in words)]


def search(query: str, endpoints: Endpoints) -> Found:
    """Built-ins (cached list) then community scripts matching ``query``. Runs on a worker
    thread: it may wait for the network."""
    query = query.strip()[:100]
    try:
        rows = search_indicators(query, endpoints, limit=MAX_ROWS)
    except (IndicatorError, ValueError) as exc:
        reason = getattr(exc, "reason", "") or str(exc)
        status = f"Could not fetch the indicator list ({reason}): showing the known ones"
        return Found(query, known_rows(query), shown(status, 200), failed=True)
    status = f"{len(rows)} built-in" + ("" if len(rows) == 1 else "s")
    if len(query) >= COMMUNITY_FROM:
        try:
            community = search_public_scripts(query, endpoints, limit=50)
        except (IndicatorError, ValueError) as exc:
            reason = getattr(exc, "reason", "") or str(exc)
            status += f" · community search failed ({reason})"
        else:
            rows = rows + community
            status += f" · {len(community)} community"
    elif rows:
        status += " · type 3 letters for community scripts"
    return Found(query, rows, shown(status, 200))


def row_text(info: IndicatorInfo, premium: bool, chosen: bool = False) -> Text:
    """``✓ built-in   Stochastic RSI``: ``community`` for a public script, ``premium`` when
    TradingView refused it for the plan, ``✓`` when chosen. The kind comes first, so it is
    seen at any width. Names come from the server: plain text."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("✓ " if chosen else "  ", style="bold")
    text.append("built-in  " if info.built_in else "community ", style="dim")
    if premium:
        text.append("premium", style="bold reverse")
        text.append(" ")
    text.append(shown(info.name, 80))
    return text
