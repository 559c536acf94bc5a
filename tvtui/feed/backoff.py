"""Exponential backoff with jitter and a cap, for reconnects and HTTP retries.

Why jitter: when a server restarts, every client that lost it would otherwise come back at the
same instants (0.5 s, 1 s, 2 s ...) and knock it over again. Why a cap near 5 s (Socket.IO's
default maximum; Phoenix's client settles at 5 s too): a person watching a live market should
be back within a few seconds of the server, whether it was gone for 10 s or an hour. Longer
waits are for when the server asks for them (HTTP 429, repeated 403s), decided by the caller.
Why an injectable ``random.Random``: tests (and the simulator's seeded runs) can replay the
exact sequence of delays.
"""

from __future__ import annotations

import random


class Backoff:
    """Delays ``initial * factor**n``, each spread by +/- ``jitter`` (a fraction), capped.

    ``next_delay()`` returns the delay before the next attempt and advances; ``reset()`` starts
    over after a success. ``attempt`` counts the delays handed out since the last reset.
    """

    def __init__(
        self,
        initial: float = 0.5,
        factor: float = 2.0,
        cap: float = 5.0,
        jitter: float = 0.2,
        rng: random.Random | None = None,
    ) -> None:
        if initial <= 0 or factor < 1 or cap < initial or not 0 <= jitter < 1:
            raise ValueError(
                "Backoff needs initial > 0, factor >= 1, cap >= initial and 0 <= jitter < 1"
            )
        self.initial = initial
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
        self._rng = rng or random.Random()
        self.attempt = 0

    def peek_base(self) -> float:
        """The un-jittered delay the next call will be built on."""
        if self.attempt > 60:  # factor**attempt would overflow; long past the cap anyway
            return self.cap
        return min(self.cap, self.initial * self.factor**self.attempt)

    def next_delay(self) -> float:
        base = self.peek_base()
        self.attempt += 1
        if self.jitter:
            base *= 1.0 + self._rng.uniform(-self.jitter, self.jitter)
        return min(self.cap, max(0.0, base))

    def reset(self) -> None:
        self.attempt = 0
