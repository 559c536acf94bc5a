"""Named lists, sections, sort, filter and positions in the running app, on the simulator.

What a trader would notice: lists and sections (and which list is shown, and folds) are as
they were left after a restart; sorting by any column under live prices never loses the row
they selected; the filter narrows as they type and Escape brings everything back; a lot's
gain moves with the price. Every wait is on a condition.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from textual import events
from textual.widgets import Input

from tests.support import SIZE, holds_for_app, wait_until
from tvtui.config import load_config
from tvtui.market.positions import position_of
from tvtui.ui.app import TvtuiApp
from tvtui.ui.screens.position_entry import PositionEntry
from tvtui.ui.screens.prompt import Prompt
from tvtui.ui.watchlist_view import (
    POSITION_SORT,
    SORT_CYCLE,
    TOTALS,
    is_symbol,
    section_key,
)
from tvtui.ui.widgets.watchlist import Watchlist

BTC, ETH, AAPL, MSFT, EUR, SAP = (
    "BINANCE:BTCUSDT",
    "BINANCE:ETHUSDT",
    "NASDAQ:AAPL",
    "NASDAQ:MSFT",
    "FX:EURUSD",
    "XETR:SAP",
)

CONFIG = f"""
# my lists
theme = "tvtui-dark"

[[watchlists]]
name = "Stocks"
currency = "USD"

[[watchlists.sections]]
symbols = ["{AAPL}", "{MSFT}"]

[[watchlists]]
name = "Crypto"
currency = "EUR"

[[watchlists.sections]]
title = "Majors"
symbols = ["{BTC}", "{ETH}"]

[[watchlists.sections]]
title = "Other"
symbols = ["{SAP}"]

[[positions]]
symbol = "{BTC}"
quantity = 0.5
price = 60000
fees = 10
"""


def quoted(app: TvtuiApp, *symbols: str) -> bool:
    quotes = app.watchlist.quotes
    return all(isinstance(quotes.get(s, {}).get("lp"), float | int) for s in symbols)


async def test_lists_sections_and_folds_survive_a_restart(make_app, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG)
    app: TvtuiApp = make_app()
    async with app.run_test() as pilot:
        pane = app.query_one(Watchlist)
        assert app.watchlist.shown.name == "Stocks" and pane.rows == (AAPL, MSFT)
        await pilot.press("w")  # the next list: its sections and the totals row
        await wait_until(pilot, lambda: app.watchlist.shown.name == "Crypto", 5, "Crypto")
        assert pane.rows == (section_key(0), BTC, ETH, section_key(1), SAP, TOTALS)
        # the EUR totals need EUR per USD(T): FX:EURUSD is quoted, never a row
        await wait_until(pilot, lambda: "FX:EURUSD" in app.watchlist.rates, 15, "the rate")
        assert app.watchlist.rate_symbols == {EUR} and EUR not in pane.rows
        await wait_until(pilot, lambda: quoted(app, BTC), 15, "BTC's quote")
        rate, value = app.watchlist.rates[EUR], pane.get_cell(BTC, "market_value").plain
        total = pane.painter.holdings.totals()
        assert total.currency == "EUR" and not total.unconverted
        assert (
            abs(total.market_value - float(value.replace(",", "")) / rate)
            < 0.05 * total.market_value
        )
        # a new section from ETH down, then fold "Other" (Enter on its header)
        pane.move_cursor(row=pane.rows.index(ETH))
        app.main.action_add_section()
        await wait_until(pilot, lambda: isinstance(app.screen, Prompt), 5, "the prompt")
        await pilot.press(*"Alts", "enter")
        await wait_until(pilot, lambda: len(app.watchlist.shown.sections) == 3, 5, "a section")
        assert pane.selected_symbol == ETH
        pane.move_cursor(row=pane.rows.index(section_key(2)))
        await pilot.press("enter")
        await wait_until(pilot, lambda: SAP not in pane.rows, 5, "Other folded")
        # s goes through the columns shown (at 80 columns: no Chg, no Volume), and is kept
        assert pane.visible_columns == ("symbol", "last", "change_pct", "total_gain", "trend")
        seen = []
        for _ in range(5):
            await pilot.press("s")
            seen.append(app.watchlist.shown.sort)
        assert seen == ["symbol", "-symbol", "-last", "last", "-change_pct"]
    saved = load_config(tmp_path / "config.toml")
    assert saved.error is None and "# my lists" in (tmp_path / "config.toml").read_text()
    again: TvtuiApp = make_app()
    async with again.run_test() as pilot:
        pane = again.query_one(Watchlist)
        await wait_until(pilot, lambda: again.watchlist.shown.name == "Crypto", 5, "Crypto")
        sections = again.watchlist.shown.sections
        assert [(s.title, s.symbols, s.folded) for s in sections] == [
            ("Majors", [BTC], False),
            ("Alts", [ETH], False),
            ("Other", [SAP], True),
        ]
        assert again.watchlist.shown.sort == "-change_pct"
        assert again.watchlist.shown.currency == "EUR"
        assert [s.name for s in again.watchlist.lists] == ["Stocks", "Crypto"]
        assert SAP not in pane.rows and again.watchlist.positions[BTC][0].fees == 10


def shown_number(text: str) -> float | None:
    """A number as a cell shows it ("1,234.50", "+0.12%", "132.93K"); None for a blank."""
    text = text.strip().replace(",", "").rstrip("%")
    scale = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}.get(text[-1:], 1.0)
    text = text[:-1] if scale != 1.0 else text
    try:
        return float(text) * scale
    except ValueError:
        return None  # "—", "…", "closed", ""


def in_shown_order(pane: Watchlist, sort: str) -> bool:
    """The rows are in the order a person expects from what the sorted column shows: its
    values rising (falling with "-"), the rows without one last."""
    key = sort.lstrip("-")
    symbols = [r for r in pane.rows if is_symbol(r)]
    if key == "symbol":
        values: list = list(symbols)
    else:
        values = [shown_number(pane.get_cell(s, key).plain) for s in symbols]
    present = [v for v in values if v is not None]
    if values[: len(present)] != present:
        return False  # a blank above a value
    return present == sorted(present, reverse=sort.startswith("-"))


async def test_s_sorts_by_each_column_under_live_prices_and_keeps_the_selected_row(
    make_app, tmp_path: Path
) -> None:
    symbols = [AAPL, BTC, EUR, MSFT, ETH, SAP]
    columns = [key for key in SORT_CYCLE if key is not None]  # every one the issue names
    (tmp_path / "config.toml").write_text(
        f'[[watchlists]]\nname = "All"\ncolumns = {[*columns, "trend"]!r}\n\n'
        f"[[watchlists.sections]]\nsymbols = {symbols!r}\n\n"
        f'[[positions]]\nsymbol = "{BTC}"\nquantity = 1\nprice = 1000\n'
        f'\n[[positions]]\nsymbol = "{AAPL}"\nquantity = -3\nprice = 150\n'.replace("'", '"')
    )
    # s: each shown column, left to right, in its natural direction (the symbol A-Z, numbers
    # largest first), again the other way, then the next column ... and round to manual
    cycle = [
        sort for key in columns
        for sort in ((key, "-" + key) if key == "symbol" else ("-" + key, key))
    ]  # fmt: skip
    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(Watchlist)
        await wait_until(pilot, lambda: quoted(app, *symbols), 15, "every quote")
        for sort in [*cycle, None]:
            key = sort.lstrip("-") if sort else None
            chosen = BTC if key in POSITION_SORT else MSFT
            pane.move_cursor(row=pane.rows.index(chosen))
            await pilot.press("s")
            assert app.watchlist.shown.sort == sort and pane.selected_symbol == chosen
            if sort is None:
                break
            passes = pane.resort_passes
            # once per column that prices move (its second direction), a re-sort pass under
            # live prices must have run too
            live = (
                key not in ("symbol", "quantity", "avg_cost")
                and sort == cycle[cycle.index(sort) // 2 * 2 + 1]
            )

            def sorted_as_shown(c: str = chosen, s: str = sort, p: int = passes, w: bool = live):
                # the cursor never leaves its symbol while live prices move the rows
                assert pane.selected_symbol == c, f"{c} no longer selected (sort {s})"
                return (pane.resort_passes > p or not w) and in_shown_order(pane, s)

            await wait_until(pilot, sorted_as_shown, 10, f"rows sorted by {sort}")
        # manual: the saved order, never lost
        assert [r for r in pane.rows if is_symbol(r)] == symbols
        # a click on a column header sorts by it, again reverses it
        x = pane.header_text().index("Chg %") + 1
        await pilot.click(Watchlist, offset=(x + 1, 1))  # the border, then the header line
        await wait_until(pilot, lambda: app.watchlist.shown.sort == "-change_pct", 5, "sorted")
        assert "Chg % ▼" in pane.header_text()
        await pilot.click(Watchlist, offset=(x + 1, 1))
        await wait_until(pilot, lambda: app.watchlist.shown.sort == "change_pct", 5, "reversed")
        assert "Chg % ▲" in pane.header_text()


async def test_the_rows_reorder_at_most_a_few_times_a_second(make_app, tmp_path: Path) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test() as pilot:
        pane = app.query_one(Watchlist)
        await wait_until(pilot, lambda: quoted(app, *app.symbols), 15, "every quote")
        pane.sort_by("-change_pct")
        start = pane.resorts
        began = time.monotonic()
        await holds_for_app(pilot, lambda: True, 2.0)
        rate = (pane.resorts - start) / (time.monotonic() - began)
        assert rate <= 1 / 0.3 + 0.5, f"{rate:.1f} re-sorts a second"


async def test_the_filter_narrows_as_typed_and_escape_clears_it(make_app) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test() as pilot:
        pane = app.query_one(Watchlist)
        await wait_until(pilot, lambda: quoted(app, *app.symbols), 15, "every quote")
        everything = pane.rows
        await pilot.press("f", "a", "p")
        await wait_until(pilot, lambda: pane.rows == ("NASDAQ:AAPL",), 5, "only Apple")
        assert "filter: ap" in str(pane.border_subtitle)
        await pilot.press("backspace", "backspace", *"bitcoin")  # by the description too
        await wait_until(pilot, lambda: pane.rows == (BTC,), 5, "only Bitcoin")
        await pilot.press("enter")  # kept; keys are the app's again (q would quit)
        assert not pane.filtering and pane.rows == (BTC,)
        await pilot.press("escape")
        await wait_until(pilot, lambda: pane.rows == everything, 5, "every row back")
        # typed at once, as a paste or a fast typist does: every key after f is the filter's
        # (none sorts, switches the list or opens the export)
        for key in "fsweth":
            app.post_message(events.Key(key, key))
        await wait_until(pilot, lambda: app.watchlist.filter == "sweth", 5, "the filter 'sweth'")
        assert app.screen is app.main and app.watchlist.shown.sort is None and not pane.rows
        assert "no symbol matches 'sweth'" in pane.render_line(1).text  # not a blank pane
        await pilot.press("escape")
        await wait_until(pilot, lambda: pane.rows == everything, 5, "every row back again")


async def test_a_lots_gain_moves_with_the_simulators_price(make_app, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        f'watchlist = ["{BTC}", "{AAPL}"]\n\n[[positions]]\nsymbol = "{BTC}"\n'
        "quantity = 0.5\nprice = 60000\nfees = 10\n"
    )
    app: TvtuiApp = make_app()
    async with app.run_test() as pilot:
        pane = app.query_one(Watchlist)
        await wait_until(pilot, lambda: quoted(app, BTC), 15, "BTC's quote")
        position = position_of(app.watchlist.positions[BTC])
        seen: set[str] = set()

        def gain_matches() -> bool:
            last = app.watchlist.quotes[BTC]["lp"]
            text = pane.get_cell(BTC, "total_gain").plain
            expected = f"{0.5 * last - position.cost:+,.2f}"
            seen.add(text)
            return text == expected and len(seen) >= 3

        await wait_until(pilot, gain_matches, 20, "the gain following three prices")
        totals = pane.get_cell(TOTALS, "total_gain").plain
        assert totals == pane.get_cell(BTC, "total_gain").plain  # USDT counts as USD


async def test_a_lot_entered_with_p_is_saved_and_shown(make_app, tmp_path: Path) -> None:
    app: TvtuiApp = make_app()
    async with app.run_test() as pilot:
        pane = app.query_one(Watchlist)
        await wait_until(pilot, lambda: quoted(app, BTC), 15, "BTC's quote")
        pane.move_cursor(row=pane.rows.index(BTC))
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PositionEntry), 5, "the dialog")
        # the price is the last one with BTC's precision (cents), never cut ("106956")
        price = app.screen.query_one("#position-price", Input).value
        assert re.fullmatch(r"\d+\.\d{2}", price), price
        await pilot.press(*"-0.25", "enter", "ctrl+s")
        await wait_until(pilot, lambda: TOTALS in pane.rows, 5, "the totals row")
        assert pane.get_cell(BTC, "quantity").plain == "-0.25"  # a short
    text = (tmp_path / "config.toml").read_text()
    assert "[[positions]]" in text and "quantity = -0.25" in text
    [lot] = load_config(tmp_path / "config.toml").settings.positions[BTC]
    assert lot.quantity == -0.25 and lot.price == float(price)


async def test_columns_chosen_for_a_list_show_in_that_order_and_are_kept(
    make_app, tmp_path: Path
) -> None:
    from tvtui.ui.screens.columns import ColumnChooser

    app: TvtuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(Watchlist)
        default = pane.visible_columns
        app.main.action_choose_columns()
        await wait_until(pilot, lambda: isinstance(app.screen, ColumnChooser), 5, "chooser")
        await pilot.press("down", "space")  # hide "description"
        await pilot.press("J")  # ... and move it below "last"
        await pilot.press("enter")
        expected = [k for k in default if k != "description"]
        await wait_until(pilot, lambda: pane.visible_columns == tuple(expected), 5, "columns")
        assert app.watchlist.shown.columns == expected
    again = load_config(tmp_path / "config.toml")
    assert again.settings.watchlists[0].columns == expected
