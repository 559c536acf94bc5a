"""TradingView watchlist exports: read into sections, refused entries named, written back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tvtui.config.watchlist_file import Section, format_watchlist, parse_watchlist
from tvtui.feed.symbols import normalize_symbol

EXPORT = "###Crypto,BINANCE:BTCUSDT,binance:ethusdt,###Stocks,NASDAQ:AAPL,BTCUSDT,NASDAQ:AAPL\n"


def test_a_tradingview_export_reads_into_sections_with_what_was_refused() -> None:
    result = parse_watchlist(EXPORT)
    assert [(s.title, s.symbols) for s in result.sections] == [
        ("Crypto", ["BINANCE:BTCUSDT", "BINANCE:ETHUSDT"]),
        ("Stocks", ["NASDAQ:AAPL"]),  # the second AAPL is the same symbol, kept once
    ]
    assert len(result.refused) == 1
    entry, why = result.refused[0]
    assert entry == "BTCUSDT" and "EXCHANGE:SYMBOL" in why


def test_symbols_before_any_header_and_newline_separated_files() -> None:
    result = parse_watchlist("\ufeffFX:EURUSD\nCOINBASE:BTCUSD\r\n###Later\nNYSE:IBM\n")
    assert [(s.title, s.symbols) for s in result.sections] == [
        (None, ["FX:EURUSD", "COINBASE:BTCUSD"]),
        ("Later", ["NYSE:IBM"]),
    ]


def test_hostile_titles_are_plain_and_bounded() -> None:
    result = parse_watchlist("###\x1b[31mred[/b]" + "x" * 500 + ",A:B")
    title = result.sections[0].title or ""
    assert "\x1b" not in title and len(title) <= 60
    assert result.symbols == ["A:B"]


def _well_formed(symbol: str) -> bool:
    try:
        return normalize_symbol(symbol) == symbol
    except ValueError:  # e.g. '0:0..' (no '..'): the shape the regex alone cannot rule out
        return False


SYMBOL = st.from_regex(r"[A-Z0-9_]{1,8}:[A-Z0-9][A-Z0-9._!&/-]{0,10}", fullmatch=True).filter(
    _well_formed
)
TITLE = (
    st.text(
        st.characters(min_codepoint=32, max_codepoint=126, exclude_characters=","),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(TITLE, st.lists(SYMBOL, min_size=1, max_size=5, unique=True)),
        min_size=1,
        max_size=4,
    )
)
def test_a_written_list_reads_back_the_same(raw: list[tuple[str, list[str]]]) -> None:
    seen: set[str] = set()
    sections = []
    for title, symbols in raw:
        fresh = [s for s in symbols if s not in seen]
        seen.update(fresh)
        sections.append(Section(title, fresh))
    result = parse_watchlist(format_watchlist(sections))
    assert result.refused == []
    assert [(s.title, s.symbols) for s in result.sections] == [
        (s.title, s.symbols) for s in sections
    ]
