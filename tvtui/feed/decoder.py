"""Server packets to typed events: a pure function, no socket, no state.

``decode(message)`` takes one WebSocket message (text or bytes) and returns the parsed packets
and the events they mean, in order. It never raises on bad input: anything it cannot read
becomes a :class:`MalformedFrame` event with a count, and every good frame around it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from tvtui.feed import wire
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

_SAMPLE = 200


@dataclass(slots=True)
class Decoded:
    """One WebSocket message, decoded. ``packets`` are the parsed JSON objects (heartbeats and
    malformed frames excluded); ``dropped`` counts the frames that could not be read."""

    events: list[Event] = field(default_factory=list)
    packets: list[dict[str, Any]] = field(default_factory=list)
    dropped: int = 0


def decode(message: str | bytes | bytearray) -> Decoded:
    unframed = wire.unframe(message)
    out = Decoded(dropped=unframed.dropped)
    events = out.events
    if unframed.dropped:
        events.append(MalformedFrame(count=unframed.dropped, sample=_sample(message)))
    for payload in unframed.payloads:
        if payload.startswith(wire.HEARTBEAT_PREFIX):
            events.append(Heartbeat(payload=payload))
            continue
        try:
            packet = orjson.loads(payload)
        except orjson.JSONDecodeError:
            packet = None
        if not isinstance(packet, dict):
            out.dropped += 1
            events.append(MalformedFrame(count=1, sample=payload[:_SAMPLE]))
            continue
        out.packets.append(packet)
        mark = len(events)
        try:
            packet_events(packet, events)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            # The JSON parsed but its shape is not what the protocol promises: keep the
            # packet for raw consumers, report the frame as malformed for event consumers,
            # and take back any event it half-produced.
            del events[mark:]
            out.dropped += 1
            events.append(MalformedFrame(count=1, sample=payload[:_SAMPLE]))
    return out


def _sample(message: str | bytes | bytearray) -> str:
    if isinstance(message, str):
        return message[:_SAMPLE]
    return repr(bytes(message[:_SAMPLE]))


def packet_events(packet: dict[str, Any], into: list[Event]) -> None:
    """Append the events one parsed packet means to ``into``."""
    method = packet.get("m")
    if method is None:
        into.append(Hello(info=packet))
        return
    params = packet.get("p")
    if not isinstance(params, list):
        params = []
    handler = _HANDLERS.get(method)
    if handler is None:
        into.append(
            RawMessage(session=_str(params, 0), method=str(method), params=params, packet=packet)
        )
        return
    handler(params, into)


# --- helpers -----------------------------------------------------------------------------------


def _str(params: list[Any], i: int) -> str:
    if len(params) > i and params[i] is not None:
        value = params[i]
        return value if isinstance(value, str) else str(value)
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
    return (": ".join(texts) if texts else "unknown error"), detail


def _bar(row: dict[str, Any]) -> Bar:
    v = row["v"]
    volume = v[5] if len(v) > 5 else None
    return Bar(v[0], v[1], v[2], v[3], v[4], volume, row.get("i", 0))


def _point(row: dict[str, Any]) -> StudyPoint:
    v = row["v"]
    return StudyPoint(v[0], v[1:], row.get("i", 0))


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
            into.append(
                SeriesData(
                    session, key, [_bar(r) for r in data["s"] or ()], update, version, close_time
                )
            )
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
            str(body.get("n", "")),
            str(body.get("s", "ok")),
            values if isinstance(values, dict) else {},
        )
    )


def _quote_completed(params: list[Any], into: list[Event]) -> None:
    into.append(QuoteCompleted(_str(params, 0), _str(params, 1)))


def _symbol_resolved(params: list[Any], into: list[Event]) -> None:
    info = params[2] if len(params) > 2 and isinstance(params[2], dict) else {}
    into.append(SymbolResolved(_str(params, 0), _str(params, 1), info))


def _symbol_error(params: list[Any], into: list[Event]) -> None:
    into.append(SymbolError(_str(params, 0), _str(params, 1), _reason(params, 2)[0]))


def _series_loading(params: list[Any], into: list[Event]) -> None:
    into.append(SeriesLoading(_str(params, 0), _str(params, 1), _str(params, 2)))


def _series_completed(params: list[Any], into: list[Event]) -> None:
    info = params[4] if len(params) > 4 and isinstance(params[4], dict) else {}
    into.append(
        SeriesCompleted(_str(params, 0), _str(params, 1), _str(params, 2), _str(params, 3), info)
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
