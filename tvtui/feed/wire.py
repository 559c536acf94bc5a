"""The one codec for TradingView's ``~m~LEN~m~PAYLOAD`` framing.

The client, the simulator, the tests and the benchmarks all frame and unframe through this
module, so a framing rule lives in exactly one place.

Two facts of TradingView's framing shape it:

* ``LEN`` counts UTF-16 code units, as JavaScript's ``String.length`` does. For ASCII and the
  BMP that equals Python's ``len``; a character outside the BMP counts as two.
* One WebSocket message may carry several envelopes back to back, heartbeats among them.

Unframing never raises. A bad ``LEN``, an empty payload or a truncated envelope is skipped,
counted, and the scan resynchronises on the next ``~m~<digits>~m~`` header, so every valid
frame around a bad one survives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import orjson

HEADER = "~m~"
HEARTBEAT_PREFIX = "~h~"

_HEADER_RE = re.compile(r"~m~(\d{1,9})~m~")
#: A header cut off by the end of the message (``~m~``, ``~m~12``, ``~m~12~m`` ...).
_HEADER_START_RE = re.compile(r"~(?:m(?:~(?:\d{1,9}(?:~m?)?)?)?)?")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what the server counts)."""
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL_RE.findall(text))


def frame(payload: str) -> str:
    """Wrap one payload in its envelope."""
    return f"{HEADER}{utf16_len(payload)}{HEADER}{payload}"


def dumps(message: object) -> str:
    """Serialise a message compactly and ASCII-only, so LEN is unambiguous on the wire.

    ``orjson`` always writes UTF-8, so non-ASCII characters are escaped afterwards; the result
    equals ``json.dumps(message, separators=(",", ":"))`` (stdlib's ``ensure_ascii``).
    """
    try:
        text = orjson.dumps(message).decode()
    except TypeError:  # integers past 64 bits, lone surrogates: let the stdlib handle them
        return json.dumps(message, separators=(",", ":"))
    if text.isascii():
        return text
    return _escape_non_ascii(text)


def _escape_non_ascii(text: str) -> str:
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if code < 0x80:
            out.append(ch)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    return "".join(out)


def encode(message: object) -> str:
    """Serialise and frame one JSON message, ready for ``send``."""
    return frame(dumps(message))


def heartbeat(payload: str) -> str:
    """Frame a heartbeat payload such as ``~h~42`` for echoing back."""
    return frame(payload)


def is_heartbeat(payload: str) -> bool:
    return payload.startswith(HEARTBEAT_PREFIX)


@dataclass(slots=True)
class Unframed:
    """What one WebSocket message held: its payloads in order, and how many frames were bad."""

    payloads: list[str]
    dropped: int = 0


def _advance_utf16(text: str, start: int, units: int) -> int | None:
    """Index in ``text`` that lies ``units`` UTF-16 code units after ``start``.

    Only called when the text holds astral characters. ``None`` when ``text`` ends first or
    the count would end inside a surrogate pair.
    """
    pos = start
    remaining = units
    end = len(text)
    while remaining > 0:
        if pos >= end:
            return None
        remaining -= 2 if ord(text[pos]) > 0xFFFF else 1
        pos += 1
    return pos if remaining == 0 else None


def unframe(message: str | bytes | bytearray) -> Unframed:
    """Split one WebSocket message into its payloads.

    A frame whose declared LEN does not land on the next header (or the end of the message) is
    re-cut at the next header, so a wrong LEN on an otherwise good frame loses nothing; what
    cannot be read at all is counted in ``dropped``.
    """
    if isinstance(message, bytes | bytearray):
        try:
            message = bytes(message).decode("utf-8")
        except UnicodeDecodeError:
            return Unframed([], 1)
    text = message
    payloads: list[str] = []
    dropped = 0
    # Astral characters (LEN counts them twice): looked for once per non-ASCII message. (Only
    # looking once a LEN failed to land by code points was wrong: a code-point count can land
    # on something header-shaped inside the real framing, e.g. ``~m~0~m~`` of the next frames.)
    astral: bool | None = False if text.isascii() else _ASTRAL_RE.search(text) is not None
    size = len(text)
    match = _HEADER_RE.match(text)
    if match is None:
        match = _HEADER_RE.search(text)
        if match is None:
            return Unframed([], 1 if text.strip() else 0)
        dropped += 1  # leading garbage before the first header
    while match is not None:
        start = match.end()
        declared = int(match.group(1))
        end = _advance_utf16(text, start, declared) if astral else start + declared
        landed, following = _lands(text, end, size)
        if not landed and astral is None:
            astral = _ASTRAL_RE.search(text) is not None
            if astral:
                end = _advance_utf16(text, start, declared)
                landed, following = _lands(text, end, size)
        if landed and end is not None:  # (landed implies a number; said for the type checker)
            if end > start:
                payloads.append(text[start:end])
            else:
                dropped += 1
            if following is None and end < size:  # the message ends in a header cut short
                dropped += 1
            match = following
            continue
        # LEN is wrong or the envelope is truncated: cut at the next header instead.
        nxt = _HEADER_RE.search(text, start)
        payload = text[start : nxt.start() if nxt is not None else size]
        if payload and _looks_complete(payload):
            payloads.append(payload)
        else:
            dropped += 1
        match = nxt
    return Unframed(payloads, dropped)


def _lands(text: str, end: int | None, size: int) -> tuple[bool, re.Match[str] | None]:
    """Whether a frame ending at ``end`` is followed by the end of the text or a header (and
    that header's match)."""
    if end is None or end > size:
        return False, None
    if end == size:
        return True, None
    following = _HEADER_RE.match(text, end)
    if following is None and _HEADER_START_RE.fullmatch(text, end) is not None:
        return True, None  # the frame is whole; what follows is a header cut short
    return following is not None, following


def _looks_complete(payload: str) -> bool:
    """Whether a re-cut payload is whole: a heartbeat, or a JSON object that parses."""
    if is_heartbeat(payload):
        return payload[3:].isdigit()
    try:
        return isinstance(orjson.loads(payload), dict)
    except orjson.JSONDecodeError:
        return False
