"""``tvtui stream`` against a hostile server: stderr and stdout carry no escape sequence from the
data (JSON lines escape them; a reason is printed as plain text), and a bad value is a clear
error."""

from __future__ import annotations

from .hostile import (
    CONTROL_RE,
    ESCAPES,
    MARKUP,
    SYMBOL,
    Hostility,
    attacks_in,
    make_hostile,
)


def run_stream(capsys, *args: str) -> tuple[int, str, str]:
    from tvtui.headless import main as stream_main

    code = stream_main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_stream_prints_a_hostile_reason_as_plain_text(sim_env, monkeypatch, capsys) -> None:
    make_hostile(monkeypatch, Hostility(chart_error=("symbol_error", MARKUP + ESCAPES)))
    code, out, err = run_stream(capsys, SYMBOL, "--follow", "--seconds", "10")
    assert code == 3, err
    assert "Bad[/]" in err
    assert not attacks_in(err) and not attacks_in(out)
    assert not CONTROL_RE.search(err.replace("\n", ""))


def test_stream_json_lines_escape_what_a_terminal_would_obey(sim_env, monkeypatch, capsys) -> None:
    import json

    make_hostile(monkeypatch, Hostility(description=MARKUP + ESCAPES))
    code, out, err = run_stream(capsys, SYMBOL, "--follow", "--seconds", "3")
    assert code == 0, err
    assert not CONTROL_RE.search(out.replace("\n", "")), "a raw control character on stdout"
    quotes = [json.loads(line) for line in out.splitlines() if '"type": "quote"' in line]
    described = [q for q in quotes if "description" in q["quote"]]
    assert described and described[0]["quote"]["description"] == MARKUP + ESCAPES  # data kept


def test_stream_csv_with_a_bar_time_past_any_calendar_is_a_clear_error(
    sim_env, monkeypatch, capsys
) -> None:
    hostile = make_hostile(monkeypatch, Hostility(bar_time=1e12))
    code, out, err = run_stream(capsys, SYMBOL, "-n", "3", "--format", "csv", "--seconds", "5")
    assert hostile.sent.get("bar_time")
    assert code == 4, err
    assert "Traceback" not in err and "CSV cannot hold" in err
    assert out == ""


def test_stream_with_a_broken_endpoint_variable_is_a_clear_error(monkeypatch, capsys) -> None:
    monkeypatch.setenv("TVTUI_WS_URL", "ftp://[nope\x1b]2;PWNED\x07")
    code, out, err = run_stream(capsys, SYMBOL)
    assert code == 2, err
    assert err.startswith("tvtui stream: ") and "Traceback" not in err
    assert not attacks_in(err) and out == ""
