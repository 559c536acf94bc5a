"""Library tests run against the simulator through the TVTUI_* variables, as a user would
(the ``sim_env`` fixture of ``tests/conftest.py``)."""

from __future__ import annotations

#: Accepted by the simulator as an authenticated token (three base64url parts, like a JWT).
FAKE_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.c2lnbmF0dXJlLXNlY3JldC14eXo"
