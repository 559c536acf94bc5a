"""The position of one symbol: its lots, and a line to add one (``p`` on the watchlist).

A lot is a trade: quantity (negative: sold), price, and optionally a date (YYYY-MM-DD) and
fees. The dialog lists the lots and the position they make (average cost, realised gain) so a
trader sees the effect of a lot before closing; "Remove last" takes back a mistake. It
returns the symbol's whole list of lots (an empty list: no position), or None when cancelled.
"""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tvtui.market.positions import Lot, position_of
from tvtui.ui import format as fmt
from tvtui.ui.watchlist_cells import quantity_text

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def plain_number(value: float, decimals: int | None = None) -> str:
    """``value`` as a person types it: ``decimals`` places (the symbol's precision) when given,
    else every significant digit; never an exponent (``f"{106956.47:g}"`` is ``106956``)."""
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return f"{value:.10f}".rstrip("0").rstrip(".") or "0"


def read_lot(quantity: str, price: str, date: str, fees: str) -> Lot:
    """A lot from the dialog's fields (``ValueError`` saying what is wrong)."""
    try:
        amount = float(quantity.replace(",", ""))
    except ValueError:
        raise ValueError("quantity: a number, negative for a sale") from None
    try:
        cost = float(price.replace(",", ""))
    except ValueError:
        raise ValueError("price: a number") from None
    date = date.strip()
    if date and not _DATE.match(date):
        raise ValueError("date: YYYY-MM-DD, or empty")
    try:
        paid = float(fees.replace(",", "")) if fees.strip() else 0.0
    except ValueError:
        raise ValueError("fees: a number, or empty") from None
    return Lot(amount, cost, date or None, paid)


class PositionEntry(ModalScreen[list[Lot] | None]):
    DEFAULT_CSS = """
    PositionEntry #position-fields { height: auto; }
    PositionEntry #position-fields Input { width: 1fr; }
    PositionEntry #position-status { color: $warning; min-height: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="position.cancel"),
        Binding("ctrl+s", "done", "Done", id="position.done"),
    ]

    def __init__(
        self, symbol: str, lots: list[Lot], last: float | None, decimals: int | None = None
    ) -> None:
        super().__init__()
        self.symbol = symbol
        self.lots = list(lots)
        self.last = last
        self.decimals = decimals  #: the symbol's price precision (from its quote)

    def compose(self) -> ComposeResult:
        with Vertical(id="position-box", classes="dialog"):
            yield Label(f"Position in {self.symbol}", classes="dialog-title", markup=False)
            yield Static("", id="position-lots", markup=False)
            with Horizontal(id="position-fields"):
                yield Input(placeholder="quantity", id="position-quantity")
                price = "" if self.last is None else plain_number(self.last, self.decimals)
                yield Input(price, placeholder="price", id="position-price")
                yield Input(placeholder="date YYYY-MM-DD", id="position-date")
                yield Input(placeholder="fees", id="position-fees")
            yield Static("", id="position-status", markup=False)
            yield Label(
                "a negative quantity is a sale · Enter adds the lot · ctrl+s done · Esc cancels",
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add lot", id="position-add", variant="primary")
                yield Button("Remove last", id="position-remove")
                yield Button("Done", id="position-done")
                yield Button("Cancel", id="position-cancel")

    def on_mount(self) -> None:
        self.query_one("#position-box").styles.width = 96  # four fields in a row
        self.query_one("#position-quantity", Input).focus()
        self._show()

    def _show(self) -> None:
        lines = []
        for lot in self.lots:
            when = f" on {lot.date}" if lot.date else ""
            fees = f", fees {plain_number(lot.fees)}" if lot.fees else ""
            verb = "bought" if lot.quantity > 0 else "sold"
            price = plain_number(lot.price)
            lines.append(f"{verb} {quantity_text(abs(lot.quantity))} at {price}{when}{fees}")
        if self.lots:
            position = position_of(self.lots)
            average = fmt.price(position.average_cost, 4) if position.is_open else "—"
            lines.append(
                f"= {quantity_text(position.quantity)} at an average cost of {average}; "
                f"realised {fmt.signed(position.realised, 2)}"
            )
        else:
            lines.append("No lots yet: add the trades that make the position.")
        self.query_one("#position-lots", Static).update("\n".join(lines))
        self.query_one("#position-remove", Button).disabled = not self.lots

    def _field(self, name: str) -> str:
        return self.query_one(f"#position-{name}", Input).value

    @on(Input.Submitted)
    @on(Button.Pressed, "#position-add")
    def add_lot(self) -> None:
        """Add the lot the fields describe (Enter in any of them)."""
        status = self.query_one("#position-status", Static)
        try:
            lot = read_lot(*(self._field(n) for n in ("quantity", "price", "date", "fees")))
        except ValueError as exc:
            status.update(str(exc))
            return
        self.lots.append(lot)
        status.update("Lot added: Done keeps the position.")
        self.query_one("#position-quantity", Input).value = ""
        self.query_one("#position-quantity", Input).focus()
        self._show()

    @on(Button.Pressed, "#position-remove")
    def remove_last(self) -> None:
        if self.lots:
            self.lots.pop()
            self._show()

    @on(Button.Pressed, "#position-done")
    def action_done(self) -> None:
        self.dismiss(self.lots)

    @on(Button.Pressed, "#position-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
