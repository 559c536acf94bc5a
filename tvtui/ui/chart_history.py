"""The two names of the "history on demand" protocol the chart UI is written against.

TODO(lead, at the merge): the ``history`` branch defines the real ones, with exactly these
names and fields: the worker command ``LoadOlderBars`` in ``ui/stream_commands.py`` and the
message ``OlderBarsLoaded`` in ``ui/messages.py``. This module takes them from there when they
exist and defines stand-ins of the same shape otherwise, so the chart branch imports cleanly on
its own, and the merged tree works (and type-checks: the ``unused-ignore`` codes) before this
module goes; once both are merged, import from the two real places instead (``screens/main.py``,
``screens/main_chart.py``, ``tests/ui/test_chart_older.py``, ``benchmarks/bench_chart.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tvtui.feed.events import Bar
from tvtui.ui.messages import StreamMessage

#: Bars asked for per ``Home`` past the oldest (TradingView's web client pages similarly).
OLDER_PAGE = 5000

try:  # the history branch's command, once merged
    from tvtui.ui.stream_commands import LoadOlderBars  # type: ignore[attr-defined, unused-ignore]
except ImportError:  # pragma: no cover - this branch alone

    @dataclass(frozen=True)
    class LoadOlderBars:  # type: ignore[no-redef, unused-ignore]
        """Ask the server for ``count`` bars older than the oldest held, for chart
        ``generation``."""

        generation: int
        count: int = OLDER_PAGE


try:  # the history branch's message, once merged
    from tvtui.ui.messages import OlderBarsLoaded  # type: ignore[attr-defined, unused-ignore]
except ImportError:  # pragma: no cover - this branch alone

    @dataclass
    class OlderBarsLoaded(StreamMessage, bubble=False):  # type: ignore[no-redef, unused-ignore]
        """Older bars arrived: ``bars`` is every bar now held, oldest first; ``added`` how
        many are new; ``exhausted``: the server has nothing older."""

        generation: int
        bars: list[Bar]
        added: int
        exhausted: bool


__all__ = ["OLDER_PAGE", "LoadOlderBars", "OlderBarsLoaded"]
