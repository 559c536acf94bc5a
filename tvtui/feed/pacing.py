"""A small token bucket per host, so a loop of HTTP requests never earns a "forbidden".

The seed's "Performance Considerations" tell the user to sleep between requests; the library
does it for them instead, and only when needed: a burst of :data:`BURST` requests goes out at
once, after that requests to one host leave at :data:`RATE` per second. Per host because the
scanner, pine-facade and symbol search are separate services with separate limits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

#: Requests per second to one host, once the burst is spent.
RATE = 10.0
#: Requests that may leave at once.
BURST = 10


class TokenBucket:
    """``take()`` returns once a token is free (sleeping if it must); thread-safe."""

    def __init__(
        self,
        rate: float = RATE,
        burst: int = BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs rate > 0 and burst >= 1")
        self.rate = float(rate)
        self.burst = int(burst)
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = threading.Lock()
        #: Seconds spent waiting for a token, in all (for tests and benchmarks).
        self.waited = 0.0

    def _reserve(self) -> float:
        """Take a token now (the count may go below zero); the wait that pays for it."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def take(self) -> float:
        wait = self._reserve()
        if wait > 0:
            self.waited += wait
            self._sleep(wait)
        return wait


_buckets: dict[str, TokenBucket] = {}
_lock = threading.Lock()
_settings: tuple[float, int] = (RATE, BURST)


def bucket_for(url: str) -> TokenBucket:
    """The bucket of ``url``'s host and port (made on first use)."""
    host = urlsplit(url).netloc.lower()
    with _lock:
        bucket = _buckets.get(host)
        if bucket is None:
            bucket = _buckets[host] = TokenBucket(*_settings)
        return bucket


def configure(rate: float = RATE, burst: int = BURST) -> None:
    """Pace every host at ``rate`` per second after a burst of ``burst`` (buckets restart)."""
    global _settings
    TokenBucket(rate, burst)  # validates
    with _lock:
        _settings = (float(rate), int(burst))
        _buckets.clear()


def pace(url: str) -> float:
    """Wait for a token of ``url``'s host; the seconds waited."""
    return bucket_for(url).take()
