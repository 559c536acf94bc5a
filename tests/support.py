"""Plain helpers the tests share (the fixtures are in ``tests/conftest.py``).

Every wait here is a wait for a condition, bounded by a timeout that a passing run never
reaches: a busy machine makes a test slower, never wrong. A fixed sleep would either waste
time on a quiet machine or be too short on a loaded one.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from tvtui.config import load_config
from tvtui.feed.backoff import Backoff
from tvtui.feed.client import FeedClient
from tvtui.feed.endpoints import Endpoints
from tvtui.sim import Simulator
from tvtui.ui.app import TvtuiApp
from tvtui.ui.scenes import data_ready
from tvtui.ui.screens.indicators import IndicatorScreen

#: The terminal the app tests run in.
SIZE = (160, 45)

#: How long a test waits for a step that must happen (a connection, a refusal, a screen, an
#: export): a busy machine only delays these, none is a claim about speed, and a wait ends as
#: soon as its condition holds, so a passing run never waits this long.
AWHILE = 60


class SimEnv(dict[str, str]):
    """The ``TVTUI_*`` variables pointing at ``sim`` (a mapping, for ``Endpoints.from_env``)
    that also answers as the simulator itself (``.faults``, ``.stats``, ``.go_down()``)."""

    def __init__(self, sim: Simulator) -> None:
        super().__init__(sim.env())
        self.sim = sim

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sim, name)


async def wait_until(
    pilot: Pilot, condition: Callable[[], object], timeout: float = 10.0, what: str = ""
) -> None:
    """Let the app run until ``condition()`` holds; ``TimeoutError`` naming ``what`` after
    ``timeout`` seconds, never fewer than :data:`AWHILE` (``timeout`` says how long the step
    takes at most on a quiet machine; a busy one only delays it)."""
    timeout = max(timeout, AWHILE)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what or condition}")
        await pilot.pause(0.02)


def burst(app: TvtuiApp, *keys: str) -> None:
    """Keys in one burst, as a terminal delivers fast typing or a paste: all queued at once,
    none waiting for the one before it to be handled (``pilot.press`` waits)."""
    chars = {"enter": "\r", "delete": None, "down": None, "up": None, "tab": "\t"}
    chars |= {"colon": ":", "space": " "}
    for key in keys:
        app.post_message(events.Key(key, chars.get(key, key)))


async def open_chooser(app: TvtuiApp, pilot: Pilot) -> IndicatorScreen:
    """``i`` in the app with its data shown: the indicator chooser, once it is up."""
    await wait_until(pilot, lambda: data_ready(app), 10, "data")
    await pilot.press("i")
    await wait_until(pilot, lambda: isinstance(app.screen, IndicatorScreen), 5, "chooser")
    assert isinstance(app.screen, IndicatorScreen)
    return app.screen


def eventually(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> Any:
    """Poll ``condition()`` from a test thread until it is truthy and return its value; an
    ``AssertionError`` naming ``what`` after ``timeout`` seconds, never fewer than
    :data:`AWHILE` (as :func:`wait_until`)."""
    timeout = max(timeout, AWHILE)
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.02)


def holds_for(condition: Callable[[], object], seconds: float, what: str = "") -> None:
    """Assert that ``condition()`` stays true for ``seconds`` (what must *not* happen, such as
    a retry, can only be watched for a while); fails as soon as it turns false."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert condition(), f"no longer true: {what or condition}"
        time.sleep(0.02)
    assert condition(), f"no longer true: {what or condition}"


async def holds_for_app(
    pilot: Pilot, condition: Callable[[], object], seconds: float, what: str = ""
) -> None:
    """:func:`holds_for` while the app keeps running."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        assert condition(), f"no longer true: {what or condition}"
        await pilot.pause(0.02)
    assert condition(), f"no longer true: {what or condition}"


def app_for(
    sim: Any,
    tmp_path: Path,
    *,
    backoff: Callable[[], Backoff] | None = None,
    token: str | None = "unauthorized_user_token",
    clients: list[FeedClient] | None = None,
    **kwargs: Any,
) -> TvtuiApp:
    """The app on ``sim`` with a private config. ``backoff`` builds each client's backoff;
    ``clients``, when given, receives every FeedClient the app makes (to wait on its state)."""
    endpoints = Endpoints.from_env(sim.env())
    factory = None
    if backoff is not None or clients is not None:

        def factory(sink):
            extra = {"backoff": backoff()} if backoff is not None else {}
            client = FeedClient(token=token, endpoints=endpoints, sink=sink, **extra)
            if clients is not None:
                clients.append(client)
            return client

    kwargs.setdefault("theme", "tvtui-dark")
    kwargs.setdefault("export_dir", tmp_path / "export")
    return TvtuiApp(
        load_config(tmp_path / "config.toml"),
        endpoints=endpoints,
        mode="demo",
        token=token,
        client_factory=factory,
        **kwargs,
    )


def run_stream(
    sim: Any,
    *args: str,
    token: str | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
    started: Callable[[], object] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m tvtui stream ARGS`` as a script would run it, on ``sim`` (``None``: the
    environment as it is), with ``token`` as ``TRADINGVIEW_JWT_TOKEN`` (none by default).
    ``started`` is called once the process runs (to wait for its connection, say)."""
    env = {**os.environ, **(sim.env() if sim is not None else {})}
    env.pop("TRADINGVIEW_JWT_TOKEN", None)
    if token:
        env["TRADINGVIEW_JWT_TOKEN"] = token
    command = [sys.executable, "-m", "tvtui", "stream", *args]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd
    ) as process:
        try:
            if started is not None:
                started()
            out, err = process.communicate(timeout=timeout)
        except BaseException:
            process.kill()
            raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


class LinkTexts:
    """Every distinct text the status line's link part showed, in order, as a person
    watching it would have seen it: call it (from a ``wait_until`` condition) to sample."""

    def __init__(self, status: Any) -> None:
        self.status = status
        self.seen: list[str] = []

    def __call__(self) -> str:
        text = self.status.link_text().plain
        if not self.seen or self.seen[-1] != text:
            self.seen.append(text)
        return text


def assert_stream_bars_true(sim: Any, lines: list[dict[str, Any]], symbol: str) -> list[int]:
    """The bar lines of ``tvtui stream --follow`` merged by timestamp: every closed one-minute
    bar from the first to the newest is there once and equal to the simulator's truth.
    Returns their times (the forming bar left out)."""
    merged = {line["timestamp"]: line for line in lines if line["type"] == "bar"}
    times = sorted(merged)[:-1]
    assert times, "no closed bar printed"
    assert all(b - a == 60 for a, b in itertools.pairwise(times))
    truth = {bar[0]: bar for bar in sim.bars(symbol, "1", times[0], times[-1] + 1)}
    for t in times:
        row = merged[t]
        held = (t, row["open"], row["high"], row["low"], row["close"], row["volume"])
        assert held == tuple(truth[t]), (held, truth.get(t))
    return times


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Children started inside get Ctrl-C (SIGINT) whatever this process inherited.

    A shell without job control starts its background jobs with SIGINT ignored, and an ignored
    signal stays ignored across ``exec``: a suite run as ``./scripts/test &`` would hand that
    to every child, and a test that ends a child with SIGINT would wait for nothing. With a
    handler installed here (the main thread only), the children start with the default."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


async def hold_still(pilot: Pilot, app: TvtuiApp) -> None:
    """Stop the stream's posting and let what it already posted land: the panes hold still
    (the worker sets ``paused`` once it has taken the command; what it posted before is
    queued ahead of ``pilot.pause()``'s own markers)."""
    app.bridge.pause(True)
    await wait_until(pilot, lambda: app.bridge.paused, 5, "the stream to pause")
    await pilot.pause()


async def hold_still_when(
    pilot: Pilot, app: TvtuiApp, condition: Callable[[], object], timeout: float, what: str
) -> None:
    """:func:`hold_still` at a moment when ``condition()`` holds. The stream posts a new bar
    and its study points in separate messages, so a pause can fall between the two: pause and
    look; if not yet, resume, wait for it, pause again. ``TimeoutError`` naming ``what`` if it
    never holds within ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await hold_still(pilot, app)
        if condition():
            return
        if loop.time() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        app.bridge.pause(False)
        await wait_until(pilot, lambda: not app.bridge.paused, 5, "the stream to resume")
        await wait_until(pilot, condition, max(0.1, deadline - loop.time()), what)
