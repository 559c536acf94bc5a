"""The errors the library raises besides ``ValueError``, with the original's names.

Why a module of its own: :mod:`tvtui.stream.handler`, :mod:`tvtui.stream.streamer` and
``tvtui stream`` (:mod:`tvtui.headless`) all raise or catch them, and none of those should
have to import the others to do so.
"""

from __future__ import annotations

__all__ = ["AuthenticationError", "DataNotFoundError", "FeedUnavailableError"]


class DataNotFoundError(Exception):
    """No bars arrived for the requested symbol within the wait (the seed's error name)."""


class AuthenticationError(PermissionError):
    """TradingView refused the token (``protocol_error``: bad auth token)."""


class FeedUnavailableError(ConnectionError):
    """The feed could not be reached within the wait (network down, 403/429 at the handshake)."""
