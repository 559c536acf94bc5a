"""Server packets to typed events: a pure function, no socket, no state.

``decode(message)`` takes one WebSocket message (text or bytes) and returns the parsed packets
and the events they mean, in order. It never raises on bad input: anything it cannot read
becomes a :class:`MalformedFrame` event with a count, and every good frame around it is kept.

It is also the type boundary of the feed. What it hands on holds what the events declare:
bar and study times, prices and volumes are numbers, and finite ones (orjson refuses
``NaN``, ``Infinity`` and out-of-range literals): a bar time of ``"x"`` or ``null`` makes
the frame malformed, so nothing downstream does arithmetic on a string. Quote fields that
are numbers in the protocol hold numbers or ``null`` (anything else is left out). Every
string kept for display (reasons, names, descriptions, ids) is bounded by
:func:`tvtui.feed.untrusted.cap`, so a 50 MB description costs a few kB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from tvtui.feed import wire
from tvtui.feed.bounds import capped, quote_values
from tvtui.feed.events import (
    Bar,
    CriticalError,
    Event,
    Heartbeat,
    Hello,
    MalformedFrame,
    ProtocolError,
    QuoteCompleted,
    QuoteUpdate,
    RawMessage,
    SeriesCompleted,
    SeriesData,
    SeriesError,
    SeriesLoading,
    StudyCompleted,
    StudyData,
    StudyError,
    StudyLoading,
    StudyPoint,
    SymbolError,
    SymbolResolved,
)
from tvtui.feed.untrusted import FEED_LIMIT, cap

_SAMPLE = 200
_NUMBERS: frozenset[type[float]] = frozenset({float, int})  # typed so a check narrows to float


@dataclass(slots=True)
class Decoded:
    """One WebSocket message, decoded. ``packets`` are the parsed JSON objects (heartbeats and
    malformed frames excluded); ``dropped`` counts the frames that could not be read."""

    events: list[Event] = field(default_factory=list)
    packets: list[dict[str, Any]] = field(default_factory=list)
    dropped: int = 0


def decode(message: str | bytes | bytearray) -> Decoded:
    """Decode one WebSocket message. Hot path: a busy feed calls this thousands of times a
    second, so the loop binds what it uses to locals and dispatches on the method name once;
    ``qsd`` and ``du`` (about 95% of live traffic) have handlers that read the packet directly.
    """
    unframed = wire.unframe(message)
    dropped = unframed.dropped
    events: list[Event] = []
    packets: list[dict[str, Any]] = []
    if dropped:
        events.append(MalformedFrame(count=dropped, sample=_sample(message)))
    loads = orjson.loads
    decode_error = orjson.JSONDecodeError
    handlers = _PACKET_HANDLERS
    limit = FEED_LIMIT
    for payload in unframed.payloads:
        if payload[0] == "~" and payload.startswith(wire.HEARTBEAT_PREFIX):
            events.append(Heartbeat(payload=payload))
            continue
        try:
            packet = loads(payload)
        except decode_error:
            packet = None
        if packet.__class__ is not dict:
            dropped += 1
            events.append(MalformedFrame(count=1, sample=payload[:_SAMPLE]))
            continue
        packets.append(packet)
        mark = len(events)
        try:
            # The fast handlers skip the length caps, so only payloads too short to hold a
            # string worth cutting may take them.
            if len(payload) < limit:
                handlers.get(packet.get("m"), packet_events)(packet, events)
            else:
                packet_events(packet, events)
        except _SHAPE_ERRORS:
            # The JSON parsed but its shape is not what the protocol promises: keep the
            # packet for raw consumers, report the frame as malformed for event consumers,
            # and take back any event it half-produced.
            del events[mark:]
            dropped += 1
            events.append(MalformedFrame(count=1, sample=payload[:_SAMPLE]))
    return Decoded(events, packets, dropped)


_SHAPE_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError)


def _sample(message: str | bytes | bytearray) -> str:
    if isinstance(message, str):
        return message[:_SAMPLE]
    return repr(bytes(message[:_SAMPLE]))


def packet_events(packet: dict[str, Any], into: list[Event]) -> None:
    """Append the events one parsed packet means to ``into``."""
    method = packet.get("m")
    if method is None:
        into.append(Hello(info=capped(packet)))
        return
    params = packet.get("p")
    if not isinstance(params, list):
        params = []
    handler = _HANDLERS.get(method)
    if handler is None:
        into.append(
            RawMessage(
                session=_str(params, 0),
                method=_str([method], 0),
                params=capped(params),
                packet=packet,
            )
        )
        return
    handler(params, into)


# --- helpers -----------------------------------------------------------------------------------


def _str(params: list[Any], i: int) -> str:
    if len(params) > i and params[i] is not None:
        value = params[i]
        if value.__class__ is not str:
            value = str(value)
        return value if len(value) <= FEED_LIMIT else cap(value)
    return ""


def _reason(params: list[Any], start: int) -> tuple[str, Any]:
    """Human text and raw detail from error params ``p[start:]``.

    Errors carry a string, or a structured Pine error ``{"error": "...", ...}``, or both.
    """
    rest = params[start:]
    texts: list[str] = []
    detail: Any = None
    for item in rest:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            detail = item
            err = item.get("error")
            if isinstance(err, str):
                texts.append(err)
        elif item is not None:
            detail = item if detail is None else detail
    text = ": ".join(texts) if texts else "unknown error"
    return (text if len(text) <= FEED_LIMIT else cap(text)), capped(detail)


def _point(row: dict[str, Any]) -> StudyPoint:
    """One study row; its time must be a number, its values numbers or null."""
    v = row["v"]
    values = v[1:]
    if v[0].__class__ not in _NUMBERS:
        raise ValueError("study time is not a number")
    for x in values:
        if x is not None and x.__class__ not in _NUMBERS:
            raise ValueError("study value is not a number")
    return StudyPoint(v[0], values, row.get("i", 0))


def _data_events(params: list[Any], into: list[Event], update: str) -> None:
    """``timescale_update`` and ``du``: ``p[1]`` maps series and study ids to their data."""
    session = _str(params, 0)
    body = params[1] if len(params) > 1 else None
    if not isinstance(body, dict):
        raise ValueError("data packet without a body")
    for key, data in body.items():
        if not isinstance(data, dict):
            continue
        version = data.get("t", "")
        if "s" in data:
            lbs = data.get("lbs")
            close_time = lbs.get("bar_close_time") if isinstance(lbs, dict) else None
            if close_time is not None and close_time.__class__ not in _NUMBERS:
                raise ValueError("bar_close_time is not a number")
            # ``sum(v)`` type-checks every field of a bar in C (its value is not used, so an
            # overflow to inf is harmless): a string, null, list or dict raises TypeError,
            # which makes the frame malformed. JSON numbers are always finite (orjson).
            bars = [
                Bar(v[0], v[1], v[2], v[3], v[4], v[5] if len(v) > 5 else None, r.get("i", 0))
                for r in data["s"] or ()
                for v in (r["v"],)
                if sum(v) or True
            ]
            into.append(SeriesData(session, key, bars, update, version, close_time))
        elif "st" in data:
            ns = data.get("ns")
            graphics = ns.get("d", "") if isinstance(ns, dict) else ""
            into.append(
                StudyData(
                    session,
                    key,
                    [_point(r) for r in data["st"] or ()],
                    update,
                    version,
                    graphics if isinstance(graphics, str) else "",
                )
            )


def _timescale_update(params: list[Any], into: list[Event]) -> None:
    _data_events(params, into, "history")


def _du(params: list[Any], into: list[Event]) -> None:
    _data_events(params, into, "live")


def _qsd(params: list[Any], into: list[Event]) -> None:
    body = params[1]
    values = body.get("v")
    into.append(
        QuoteUpdate(
            _str(params, 0),
            _str([body.get("n", "")], 0),
            _str([body.get("s", "ok")], 0),
            quote_values(values) if isinstance(values, dict) else {},
        )
    )


def _quote_completed(params: list[Any], into: list[Event]) -> None:
    into.append(QuoteCompleted(_str(params, 0), _str(params, 1)))


def _symbol_resolved(params: list[Any], into: list[Event]) -> None:
    info = params[2] if len(params) > 2 and isinstance(params[2], dict) else {}
    into.append(SymbolResolved(_str(params, 0), _str(params, 1), capped(info)))


def _symbol_error(params: list[Any], into: list[Event]) -> None:
    into.append(SymbolError(_str(params, 0), _str(params, 1), _reason(params, 2)[0]))


def _series_loading(params: list[Any], into: list[Event]) -> None:
    into.append(SeriesLoading(_str(params, 0), _str(params, 1), _str(params, 2)))


def _series_completed(params: list[Any], into: list[Event]) -> None:
    info = params[4] if len(params) > 4 and isinstance(params[4], dict) else {}
    into.append(
        SeriesCompleted(
            _str(params, 0), _str(params, 1), _str(params, 2), _str(params, 3), capped(info)
        )
    )


def _series_error(params: list[Any], into: list[Event]) -> None:
    into.append(
        SeriesError(
            _str(params, 0),
            _str(params, 1),
            _reason(params, 3)[0] if len(params) > 3 else _reason(params, 2)[0],
        )
    )


def _study_loading(params: list[Any], into: list[Event]) -> None:
    into.append(StudyLoading(_str(params, 0), _str(params, 1), _str(params, 2)))


def _study_completed(params: list[Any], into: list[Event]) -> None:
    into.append(StudyCompleted(_str(params, 0), _str(params, 1), _str(params, 2)))


def _study_error(params: list[Any], into: list[Event]) -> None:
    # p = [cs, studyId, version, reason, detail?]
    reason, detail = _reason(params, 3) if len(params) > 3 else _reason(params, 2)
    into.append(StudyError(_str(params, 0), _str(params, 1), reason, detail))


def _protocol_error(params: list[Any], into: list[Event]) -> None:
    into.append(ProtocolError("", _reason(params, 0)[0]))


def _critical_error(params: list[Any], into: list[Event]) -> None:
    into.append(
        CriticalError(
            _str(params, 0), _str(params, 1), _reason(params, 2)[0] if len(params) > 2 else ""
        )
    )


def _fast_qsd(packet: dict[str, Any], into: list[Event]) -> None:
    """``qsd`` read straight from the packet; anything unusual takes the general path."""
    params = packet["p"]
    session = params[0]
    body = params[1]
    symbol = body["n"]
    values = body.get("v")
    status = body.get("s", "ok")
    if (
        session.__class__ is str
        and symbol.__class__ is str
        and values.__class__ is dict
        and status.__class__ is str
    ):
        # Only short payloads come here (no string in them can need a cut); a tick holds
        # only numbers, anything else takes the full check.
        for value in values.values():
            if value.__class__ is not float and value.__class__ is not int:
                values = quote_values(values)
                break
        into.append(QuoteUpdate(session, symbol, status, values))
    else:
        packet_events(packet, into)


def _fast_du(packet: dict[str, Any], into: list[Event]) -> None:
    params = packet["p"]
    if params.__class__ is list:
        _data_events(params, into, "live")
    else:
        packet_events(packet, into)


_HANDLERS: dict[str, Callable[[list[Any], list[Event]], None]] = {
    "timescale_update": _timescale_update,
    "du": _du,
    "qsd": _qsd,
    "quote_completed": _quote_completed,
    "symbol_resolved": _symbol_resolved,
    "symbol_error": _symbol_error,
    "series_loading": _series_loading,
    "series_completed": _series_completed,
    "series_error": _series_error,
    "study_loading": _study_loading,
    "study_completed": _study_completed,
    "study_error": _study_error,
    "protocol_error": _protocol_error,
    "critical_error": _critical_error,
}

#: Dispatch by the whole packet: the hot messages read it directly, the rest go through
#: :func:`packet_events` (which also takes the hello and unknown methods).
_PACKET_HANDLERS: dict[Any, Callable[[dict[str, Any], list[Event]], None]] = {
    "qsd": _fast_qsd,
    "du": _fast_du,
}
