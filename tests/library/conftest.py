"""Library tests run against the simulator through the TVTUI_* variables, as a user would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tvtui.feed.studies import clear_cache

#: Accepted by the simulator as an authenticated token (three base64url parts, like a JWT).
FAKE_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.c2lnbmF0dXJlLXNlY3JldC14eXo"


@pytest.fixture
def sim_env(sim, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The simulator, with every TVTUI_* variable pointing at it and no token set."""
    for key, value in sim.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("TRADINGVIEW_JWT_TOKEN", raising=False)
    clear_cache()
    yield sim
    clear_cache()
