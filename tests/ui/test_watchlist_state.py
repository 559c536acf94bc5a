"""The watchlist's state without any Textual: order, moves, merges, flashes, what is saved."""

from __future__ import annotations

import sys
from pathlib import Path

from tvtui.ui.watchlist_state import FLASH_SECONDS, WatchlistState

A, B, C = "NASDAQ:AAPL", "NASDAQ:MSFT", "FX:EURUSD"


def test_the_state_module_needs_no_textual() -> None:
    source = Path(sys.modules["tvtui.ui.watchlist_state"].__file__ or "").read_text()
    assert "import textual" not in source and "from textual" not in source


def test_symbols_keep_their_order_without_duplicates() -> None:
    state = WatchlistState()
    state.set_symbols([A, B, A, C])
    assert state.symbols == [A, B, C]
    assert not state.add(B) and state.add("NYSE:IBM")
    assert state.symbols == [A, B, C, "NYSE:IBM"]
    assert state.index(C) == 2 and state.index("NOPE") is None


def test_a_move_stays_inside_the_list() -> None:
    state = WatchlistState([A, B, C])
    assert state.move(C, -1) and state.symbols == [A, C, B]
    assert not state.move(A, -1) and not state.move(B, 1)  # already first / last
    assert not state.move("NOPE", 1)
    assert state.symbols == [A, C, B]


def test_removing_a_symbol_forgets_all_it_showed() -> None:
    state = WatchlistState([A, B])
    state.merge({A: {"lp": 1.0}}, {A: (1.0, 2.0)}, now=0.0)
    state.merge({A: {"lp": 2.0}}, {}, now=0.0)  # a tick: a flash
    state.reject(A, "unknown")
    state.set_active(A)
    assert state.remove(A) and not state.remove(A)
    assert state.symbols == [B]
    assert A not in state.quotes and A not in state.trends and A not in state.rejected
    assert A not in state.flashes and state.active is None


def test_only_the_symbols_are_saved_in_order() -> None:
    state = WatchlistState([A, B, C])
    state.merge({A: {"lp": 1.0}}, {}, now=0.0)
    state.move(C, -2)
    saved = state.saved()
    assert saved == [C, A, B]
    saved.append("X")  # a copy: the caller cannot change the state through it
    assert state.symbols == [C, A, B]


def test_a_merge_reports_only_what_changed_and_ignores_unwatched_symbols() -> None:
    state = WatchlistState([A, B])
    qa, qb, trend = {"lp": 1.0}, {"lp": 2.0}, (1.0, 2.0)
    assert state.merge({A: qa, B: qb, C: {"lp": 3.0}}, {A: trend}, now=0.0) == [A, B]
    assert C not in state.quotes
    # the very same objects again: nothing changed (the worker re-sends unchanged ones)
    assert state.merge({A: qa, B: qb}, {A: trend}, now=0.0) == []
    # a new trend alone is a change
    assert state.merge({A: qa, B: qb}, {A: (1.0, 3.0)}, now=0.0) == [A]
    assert state.trends[A] == (1.0, 3.0)


def test_a_tick_flashes_in_its_direction_until_it_expires() -> None:
    state = WatchlistState([A, B])
    state.merge({A: {"lp": 10.0}, B: {"lp": 10.0}}, {}, now=100.0)
    assert state.flash(A) == 0  # a first quote is no tick
    state.merge({A: {"lp": 10.5}, B: {"lp": 9.5}}, {}, now=100.0)
    assert (state.flash(A), state.flash(B)) == (1, -1)
    state.merge({A: {"lp": 10.5, "volume": 3}}, {}, now=100.1)  # same price: no new flash
    assert state.expire(100.0 + FLASH_SECONDS - 0.01) == []
    assert sorted(state.expire(100.0 + FLASH_SECONDS)) == [A, B]
    assert state.flash(A) == 0 and state.expire(200.0) == []


def test_a_refusal_is_kept_until_a_quote_arrives() -> None:
    state = WatchlistState([A])
    assert state.reject(A, "invalid symbol")
    assert not state.reject("NASDAQ:ZZZZ", "unknown")  # not watched: no row to show it
    assert state.rejected[A] == "invalid symbol"
    state.merge({A: {"lp": 1.0}}, {}, now=0.0)
    assert A not in state.rejected


def test_the_active_symbol_reports_the_rows_to_redraw() -> None:
    state = WatchlistState([A, B])
    assert state.set_active(A) == [A]
    assert state.set_active(B) == [A, B]
    assert state.set_active(None) == [B]
    assert state.active is None
