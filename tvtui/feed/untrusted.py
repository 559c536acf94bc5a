"""Text from the network or a hand-edited file, made safe to keep and to show.

Everything a server sends (reasons, descriptions, names, headers) and everything read from a
file a person edits is untrusted. Two steps, applied at two boundaries:

- :func:`cap` at the feed boundary: a string is bounded in size before it is stored, so a
  50 MB description costs a few kB, not a frozen UI.
- :func:`plain` wherever text is shown or printed: control characters (C0, C1, DEL), lone
  surrogates and bidi overrides are replaced by visible stand-ins, so nothing from the data can
  move the cursor, set the window title or the clipboard (OSC 2 / OSC 52), or reorder what a
  person reads. Markup is a separate concern: callers show the result as plain text (a Rich
  ``Text``, Textual ``Content``, ``markup=False``), never as markup.

This module is pure Python (no Textual, no Rich) so the feed, the CLI and the app share it.
"""

from __future__ import annotations

#: Strings kept from the network are cut to this many characters (a description, a reason).
FEED_LIMIT = 4096
#: Text shown in one place of the UI or printed on one line is cut to this many characters.
DISPLAY_LIMIT = 1000
#: What marks a cut string.
CUT_MARK = "…"

_REPLACEMENT = "\ufffd"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):  # C0 controls -> the Unicode "control pictures" (␀ ... ␟)
        table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"  # DEL -> ␡
    for code in range(0x80, 0xA0):  # C1 controls (CSI, OSC, ST as single bytes)
        table[code] = _REPLACEMENT
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C):
        table[code] = _REPLACEMENT  # bidi embeddings, overrides, isolates and marks
    for code in range(0xD800, 0xE000):  # lone surrogates (cannot be encoded, may crash)
        table[code] = _REPLACEMENT
    return table


_TABLE = _build_table()
_ONE_LINE = {**_TABLE, 0x09: " ", 0x0A: " ", 0x0D: " "}
_MULTI_LINE = {**_TABLE, 0x09: "\t", 0x0A: "\n"}


def cap(text: str, limit: int = FEED_LIMIT) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked with ``…``."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(CUT_MARK))] + CUT_MARK


def plain(text: object, limit: int = DISPLAY_LIMIT, *, multiline: bool = False) -> str:
    """``text`` as something safe to show: no control characters, bounded in length.

    Non-strings are shown through ``str()``. Tabs and newlines become spaces unless
    ``multiline`` is set, in which case they are kept (a notification, an error body).
    """
    if not isinstance(text, str):
        text = str(text)
    text = cap(text, limit)
    return text.translate(_MULTI_LINE if multiline else _ONE_LINE)


def is_plain(text: str) -> bool:
    """True when ``text`` holds nothing :func:`plain` would replace (tabs/newlines aside)."""
    return text == text.translate(_MULTI_LINE)
