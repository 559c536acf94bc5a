"""The token: with ``TRADINGVIEW_JWT_TOKEN`` set to a recognisable secret, it is sent to the
feed (in ``set_auth_token``, its one job) and appears nowhere else: no log line at DEBUG, no
exception text, no export, no screenshot, no file the app or the library writes."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.feed.helpers import Collector
from tests.support import AWHILE, SIZE, app_for, run_stream, wait_until
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.events import ConnectionStatus, LinkState
from tvtui.stream import AuthenticationError, RealTimeData, Streamer
from tvtui.ui.scenes import data_ready
from tvtui.ui.screens.export import ExportScreen

#: A JWT-shaped token the simulator accepts as an authenticated account; the middle part is a
#: marker no code has any reason to print, so finding it anywhere means the token leaked.
SECRET_TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2VuLW1hcmtlci14eXo.TVTUI-SECRET-MARKER-4f7b"
SECRET_MARKER = "TVTUI-SECRET-MARKER-4f7b"

#: Not JWT-shaped, so the simulator refuses it: the error paths must not show it either.
REFUSED_SECRET = f"refused-{SECRET_MARKER}"


def files_with_the_secret(folder: Path) -> list[str]:
    return [
        str(p)
        for p in folder.rglob("*")
        if p.is_file() and (SECRET_MARKER.encode() in p.read_bytes())
    ]


async def test_the_token_is_sent_and_appears_nowhere_else(
    sim_factory, make_client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level, for the whole run
    sim = sim_factory(time_scale=60.0, tick_interval=0.1)
    for key, value in sim.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("TRADINGVIEW_JWT_TOKEN", SECRET_TOKEN)
    monkeypatch.chdir(tmp_path)  # anything written "here" lands where we scan
    texts: list[str] = []

    # the library: stream with exports in both formats, raw packets
    for fmt in ("json", "csv"):
        with Streamer(export_result=True, export_type=fmt, export_dir=tmp_path / "lib") as s:
            result = s.stream("BINANCE", "BTCUSDT", "1m", 5, [("STD;RSI", "last")])
            texts += [repr(s), repr(s.stream_obj), json.dumps(result)]
    with RealTimeData() as live:
        for i, packet in enumerate(live.get_ohlcv("BINANCE:ETHUSDT")):
            texts.append(json.dumps(packet))
            if i > 20:
                break
    # the client through a drop: status messages, repr
    collector = Collector()
    client = make_client(sim, collector)
    collector.wait_state(LinkState.CONNECTED, timeout=AWHILE)
    sim.go_down()
    sim.come_back()
    collector.wait_for(lambda evs: collector.states().count(LinkState.CONNECTED) == 2, AWHILE)
    texts += [e.message for e in collector.of(ConnectionStatus)]
    texts += [repr(client), repr(Endpoints.from_env())]
    # a refused secret: the exception and the status say so without it
    with Streamer(websocket_jwt_token=REFUSED_SECRET, timeout=AWHILE) as s:
        with pytest.raises(AuthenticationError) as caught:
            s.stream("BINANCE", "BTCUSDT", numb_price_candles=3)
        texts += [str(caught.value), repr(caught.value)]
    # tvtui stream: output files, stdout, stderr (a refused token's too)
    for args in (
        ["--output", str(tmp_path / "cli.json"), "-i", "STD;RSI@last"],
        ["--follow", "--seconds", "2", "--output", str(tmp_path / "follow.ndjson")],
        ["--format", "csv"],
    ):
        done = run_stream(
            sim, "BINANCE:BTCUSDT", "-n", "5", *args, token=SECRET_TOKEN, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        texts += [done.stdout, done.stderr]
    refused = run_stream(sim, "BINANCE:BTCUSDT", token=REFUSED_SECRET, cwd=tmp_path)
    assert refused.returncode == 3
    texts += [refused.stdout, refused.stderr]
    # the app: token from the environment, a screenshot and an export of each kind
    app = app_for(sim, tmp_path, token=None, symbols=["BINANCE:BTCUSDT"], timeframe="1m")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), AWHILE, "data")
        app.save_screenshot(filename="app.svg", path=str(tmp_path))
        for fmt in ("json", "csv"):
            await pilot.press("e")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), AWHILE, "dialog")
            app.screen.query_one("#export-folder", Input).value = str(tmp_path / "app")
            app.screen.query_one(f"#fmt-{fmt}").value = True
            await pilot.press("enter")
            await wait_until(
                pilot,
                lambda fmt=fmt: app.last_export is not None and app.last_export.suffix == f".{fmt}",
                AWHILE,
                f"the {fmt} export",
            )
        texts += [f"{n.title} {n.message}" for n in app.told]
        texts.append(str(app.query_one("#status").render()))

    # It was used: the simulator saw it in set_auth_token (and only there).
    auth = [m for m in sim.received if m["m"] == "set_auth_token"]
    assert {m["p"][0] for m in auth} >= {SECRET_TOKEN}
    others = [m for m in sim.received if m["m"] != "set_auth_token"]
    assert not [m for m in others if SECRET_MARKER in repr(m)]
    assert not [h for h in sim.handshakes if SECRET_MARKER in repr(h)]
    assert not [r for r in sim.http_requests if SECRET_MARKER in repr(r)]
    # It is nowhere else.
    exported = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert len(exported) >= 10, exported  # the scan really covered the written files
    assert files_with_the_secret(tmp_path) == []
    assert not [t for t in texts if SECRET_MARKER in t]
    # (The simulator's server library logs the frames it receives at DEBUG: that is the
    # stand-in for TradingView's side of the socket, not ours.)
    ours = [r for r in caplog.records if not r.name.startswith("websockets.server")]
    logged = [r for r in ours if SECRET_MARKER in r.getMessage()]
    assert not logged, logged[0].getMessage()[:300]
    assert [r for r in ours if r.name.startswith("tvtui")]  # logging really was captured
