"""How the app shows text it does not control, and how one bad value stays one bad cell.

Two rules, one place:

- Text from the network or a file is shown through :func:`shown` (``plain()``: no control
  characters, bounded) inside a Rich ``Text`` / Textual ``Content`` or with ``markup=False``;
  never interpolated into a markup string, so ``[/]`` cannot crash a widget and
  ``[@click=app.screenshot(...)]`` cannot become a clickable action. The few Textual APIs that
  only take markup (the command palette's ``help``) get :func:`markup_literal`, which escapes
  every ``[`` so the markup parser reads the text back unchanged.
- A message handler wrapped in :func:`guarded` logs an unexpected error and carries on: a value
  nobody foresaw costs the pane that update, never the app (``App`` ends on any unhandled error).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from tvtui.feed.untrusted import DISPLAY_LIMIT, plain

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def shown(text: object, limit: int = DISPLAY_LIMIT, *, multiline: bool = False) -> str:
    """``text`` as it may be put on screen: ``plain()``; the caller keeps it out of markup."""
    return plain(text, limit, multiline=multiline)


def markup_literal(text: object, limit: int = DISPLAY_LIMIT) -> str:
    """``text`` as markup that renders as exactly ``shown(text)``: every ``[`` escaped.

    Only for Textual APIs that parse markup whatever they are given (the palette's help)."""
    return shown(text, limit).replace("[", "\\[")


def guarded(handler: F) -> F:
    """Run ``handler``; an unexpected error is logged and swallowed (the app keeps running)."""

    @functools.wraps(handler)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        except Exception:
            log.exception("display update %s failed; skipped", handler.__name__)
            return None

    return run  # type: ignore[return-value]
