"""A small HTTP GET with retries, shared by symbol validation, search and indicator metadata.

Stdlib ``urllib.request`` only. Why one helper: the three HTTP callers need the same things
(browser-like headers, a timeout, bounded retries with backoff on network errors, 5xx and
429, and a reason a person can read), and getting retries right once is cheaper than three
times. A non-2xx status that retrying cannot fix (404, 400...) is returned, not raised, so the
caller decides what it means (a 404 from the scanner means "no such symbol").
"""

from __future__ import annotations

import email.utils
import http.client
import logging
import math
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson

from tvtui.feed import pacing
from tvtui.feed.backoff import Backoff
from tvtui.feed.endpoints import ORIGIN, USER_AGENT
from tvtui.feed.untrusted import plain

log = logging.getLogger(__name__)

#: Bodies larger than this are refused: metadata and scanner replies are kilobytes.
MAX_BODY = 16 * 1024 * 1024
#: Longest wait honoured from a server's ``Retry-After``.
MAX_RETRY_AFTER = 10.0

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(slots=True)
class HttpResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        """The body parsed as JSON; ``ValueError`` when it is not JSON."""
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"the server sent a body that is not JSON ({exc})") from None


class HttpFailure(Exception):
    """A request that failed for good. ``reason`` is short and readable; ``status`` is the last
    HTTP status seen (``None`` for a network error)."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def browser_headers(accept: str = "application/json") -> dict[str, str]:
    """The headers TradingView's HTTP front ends expect from their own pages."""
    return {
        "Origin": ORIGIN,
        "Referer": ORIGIN + "/",
        "User-Agent": USER_AGENT,
        "Accept": accept,
        "Accept-Language": "en-US,en;q=0.9",
    }


def _opener(url: str) -> urllib.request.OpenerDirector:
    # A loopback server (the simulator) must never be sent through an environment proxy.
    host = urlsplit(url).hostname or ""
    if host in _LOOPBACK:
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def status_reason(status: int) -> str:
    """``HTTP 404 Not Found`` style text for a status code."""
    return f"HTTP {status} {http.client.responses.get(status, '')}".strip()


def get(
    url: str, *, headers: Mapping[str, str] | None = None, timeout: float = 5.0
) -> HttpResponse:
    """One GET, paced per host (:mod:`tvtui.feed.pacing`). Any HTTP status comes back as a
    response; network trouble raises :class:`HttpFailure` with a readable reason."""
    pacing.pace(url)
    request = urllib.request.Request(url, headers=dict(headers or browser_headers()), method="GET")
    try:
        with _opener(url).open(request, timeout=timeout) as resp:
            body = resp.read(MAX_BODY + 1)
            status = resp.status
            resp_headers = {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(MAX_BODY + 1)
        except Exception:
            body = b""
        status = exc.code
        resp_headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    except urllib.error.URLError as exc:
        raise HttpFailure(_network_reason(exc.reason)) from None
    except TimeoutError:
        raise HttpFailure("timed out") from None
    except (OSError, http.client.HTTPException) as exc:
        raise HttpFailure(_network_reason(exc)) from None
    if len(body) > MAX_BODY:
        raise HttpFailure("response too large", status)
    return HttpResponse(status, body, resp_headers)


def _network_reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host not found"
    text = str(reason) or type(reason).__name__
    return text[:200]


def retryable(status: int) -> bool:
    """Statuses worth another try: rate limiting and server-side failures."""
    return status == 429 or 500 <= status < 600


def _retry_after(response: HttpResponse) -> float | None:
    """The server's ``Retry-After`` in seconds (0 to :data:`MAX_RETRY_AFTER`), or ``None``.

    The header is untrusted: a value that is neither a number nor an HTTP date is ignored (the
    retry keeps its own backoff), never an error, because a garbage header is the network
    misbehaving, not the person's input being wrong; and it only reaches the log through
    :func:`plain`.
    """
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (ValueError, TypeError, OverflowError, IndexError):
            parsed = None
        if parsed is None:
            log.debug("ignoring a Retry-After that is neither seconds nor a date: %s",
                      plain(value, 80))  # fmt: skip
            return None
        try:
            seconds = parsed.timestamp() - time.time()
        except (ValueError, OverflowError, OSError):
            return None
    if math.isnan(seconds):
        return None
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def get_with_retries(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 5.0,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
    backoff: Backoff | None = None,
) -> HttpResponse:
    """GET, retrying network errors, 429 and 5xx up to ``attempts`` times in all.

    Returns the first response that is 2xx or not worth retrying (404...). Raises
    :class:`HttpFailure` with the last reason once every attempt has failed.
    """
    attempts = max(1, int(attempts))
    backoff = backoff or Backoff(initial=0.5, factor=2.0, cap=4.0, jitter=0.2)
    last = HttpFailure("no attempt made")
    for attempt in range(1, attempts + 1):
        wait: float | None = None
        try:
            response = get(url, headers=headers, timeout=timeout)
        except HttpFailure as exc:
            last = exc
        else:
            if not retryable(response.status):
                return response
            last = HttpFailure(status_reason(response.status), response.status)
            wait = _retry_after(response)
        if attempt < attempts:
            delay = backoff.next_delay()
            sleep(max(delay, wait or 0.0))
    raise HttpFailure(f"{last.reason} (after {attempts} attempts)", last.status)
