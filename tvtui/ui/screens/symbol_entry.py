"""Symbol entry: check the format as you type, resolve, preview, then add.

Three steps, each visible: (1) ``parse_symbol`` on every keystroke gives an inline message for
anything malformed; (2) a short pause (or Enter) resolves it: the scanner's HTTP check with
retries in a thread worker, then a quote snapshot from the feed itself (via the stream
worker), both with timeouts; (3) the preview (description, exchange, last price) is shown and
Enter adds it. An unknown symbol says so and nothing is added. Nothing waits for ever: every
step has a timeout and a message.

Where it is (``state``), what it says (``note``) and in which tone (``tone``) are reactives: the
watchers put the state on the dialog as a CSS class (``-checking``, ``-unknown`` ...), the note
in the status line and the tone on it as a class (``-error``, ``-success`` ...) the stylesheet
colours. The scanner's check runs in the background (``ui/background.py``) and comes back as a
``SymbolChecked`` message; the feed's preview comes back through the main screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker

from tvtui.feed.endpoints import Endpoints
from tvtui.feed.symbols import (
    SymbolLookupError,
    SymbolNotFoundError,
    normalize_symbol,
    validate_symbol,
)
from tvtui.ui import format as fmt
from tvtui.ui import messages as msg
from tvtui.ui.background import run_in_background
from tvtui.ui.safe import shown

#: Pause after the last keystroke before resolving on its own.
RESOLVE_DELAY = 0.6
#: Every state of the dialog (each a CSS class of it: ``-empty`` ...).
STATES = ("empty", "invalid", "ready", "checking", "previewing", "unknown", "failed", "resolved")
#: Tones of the status line (each a CSS class of ``#entry-status``; "" is the plain one).
TONES = ("error", "warning", "muted", "success")


@dataclass
class Resolved:
    symbol: str
    quote: dict[str, Any]


class SymbolEntry(ModalScreen[str | None]):
    """Returns the normalised symbol to add, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="entry.cancel")]

    #: one of :data:`STATES`
    state: reactive[str] = reactive("empty")
    #: what the status line says (plain text: it holds server and HTTP reasons)
    note: reactive[str] = reactive("Type EXCHANGE:SYMBOL, e.g. NASDAQ:AAPL", init=False)
    #: one of :data:`TONES`, or "" for the plain tone
    tone: reactive[str] = reactive("", init=False)

    def __init__(
        self, endpoints: Endpoints, watchlist: list[str], bridge: Any, initial: str = ""
    ) -> None:
        super().__init__()
        self.initial = initial
        self.endpoints = endpoints
        self.watchlist = watchlist
        self.bridge = bridge
        self.candidate: str | None = None  # well-formed symbol being resolved
        self.resolved: Resolved | None = None
        self._timer: Timer | None = None
        #: the scanner check under way, or done (tests await it)
        self.checking: Worker[None] | None = None
        self._previewing: set[str] = set()

    def compose(self) -> ComposeResult:
        with Vertical(id="entry-box", classes="dialog"):
            yield Label("Add a symbol", classes="dialog-title")
            yield Input(
                placeholder="EXCHANGE:SYMBOL, e.g. BINANCE:BTCUSDT",
                id="entry-input",
                max_length=80,
            )
            yield Static(self.note, id="entry-status")
            yield Static("", id="entry-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", id="entry-add", variant="primary", disabled=True)
                yield Button("Cancel", id="entry-cancel")

    def on_mount(self) -> None:
        self.query_one("#entry-preview").display = False
        entry = self.query_one(Input)
        entry.focus()
        if self.initial:
            entry.value = self.initial

    # --- step 1: format ----------------------------------------------------------------------

    @on(Input.Changed, "#entry-input")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.resolved = None
        self.query_one("#entry-add", Button).disabled = True
        self.query_one("#entry-preview").display = False
        text = event.value.strip()
        if not text:
            self._say("empty", "Type EXCHANGE:SYMBOL, e.g. NASDAQ:AAPL")
            self.candidate = None
            return
        try:
            symbol = normalize_symbol(text)
        except ValueError as exc:
            self.candidate = None
            self._say("invalid", f"✗ {exc}", "error")
            return
        self.candidate = symbol
        if symbol in self.watchlist:
            self._say("invalid", f"{symbol} is already in the watchlist.", "warning")
            return
        self._say("ready", f"{symbol}: checking shortly (Enter checks now)…", "muted")
        self._timer = self.set_timer(RESOLVE_DELAY, self._resolve_candidate)

    def _say(self, state: str, text: str, tone: str = "") -> None:
        self.state, self.note, self.tone = state, text, tone

    def watch_state(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")

    def watch_note(self, note: str) -> None:
        status = self.query_one("#entry-status", Static)
        status.update(Text(shown(note, 300)))  # holds server and HTTP reasons: plain text

    def watch_tone(self, tone: str) -> None:
        status = self.query_one("#entry-status", Static)
        for name in TONES:
            status.set_class(tone == name, f"-{name}")

    # --- step 2: resolve ---------------------------------------------------------------------

    @on(Input.Submitted, "#entry-input")
    def _submitted(self) -> None:
        if self.resolved is not None:
            self._accept()
        elif self.state == "ready":
            self._resolve_candidate()

    def _resolve_candidate(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        symbol = self.candidate
        if symbol is None or self.state not in ("ready", "failed"):
            return
        self._say("checking", f"Checking {symbol} with TradingView…", "muted")
        self._check(symbol)

    def _check(self, symbol: str) -> None:
        """The scanner's HTTP check (with retries) in the background: a ``SymbolChecked``."""
        endpoints = self.endpoints

        def check() -> tuple[str, str]:
            try:
                validate_symbol(symbol, endpoints, attempts=2, timeout=3.0)
            except SymbolNotFoundError as exc:
                return "unknown", str(exc)
            except SymbolLookupError as exc:
                # The scanner is unreachable: the feed itself can still tell (next step).
                return "lookup-failed", str(exc)
            except ValueError as exc:
                return "unknown", str(exc)
            except Exception as exc:  # whatever else: the feed can still tell
                return "lookup-failed", str(exc)
            return "ok", ""

        def answer(result: tuple[str, str]) -> msg.SymbolChecked:
            return msg.SymbolChecked(symbol, *result)

        self.checking = run_in_background(
            self, check, answer, name="tvtui-symbol-check", description="Check"
        )

    def on_symbol_checked(self, message: msg.SymbolChecked) -> None:
        self._checked(message.symbol, message.outcome, message.detail)

    def _checked(self, symbol: str, outcome: str, detail: str) -> None:
        if symbol != self.candidate or not self.is_attached:
            return  # the text changed meanwhile: this answer is about another symbol
        if outcome == "unknown":
            self._say("unknown", f"✗ Unknown symbol: {detail}", "error")
            return
        note = "" if outcome == "ok" else " (scanner unreachable; asking the feed)"
        self._say("previewing", f"Getting a quote for {symbol}…{note}", "muted")
        self._previewing.add(symbol)
        self.bridge.preview(symbol)

    def preview_ready(self, symbol: str, quote: dict[str, Any] | None, error: str | None) -> None:
        """Called by the app with the stream worker's answer."""
        if symbol != self.candidate or self.state != "previewing":
            return
        if quote is None:
            self._say("unknown", f"✗ {error or 'No quote for ' + symbol}", "error")
            return
        self.resolved = Resolved(normalize_symbol(symbol, quote.get("pro_name")), quote)
        self._say("resolved", f"✓ {symbol} found. Enter adds it to the watchlist.", "success")
        decimals = fmt.decimals_for(quote, quote.get("lp"))
        preview = Text()
        # Every field is the server's text: plain, one line each, bounded.
        preview.append(shown(quote.get("description") or symbol, 200), style="bold")
        exchange = shown(quote.get("exchange") or symbol.split(":")[0], 40)
        kind = shown(quote.get("type") or "", 40)
        preview.append(f"\n{exchange}" + (f" · {kind}" if kind else ""), style="dim")
        currency = shown(quote.get("currency_code") or "", 12)
        preview.append(f"\nLast {fmt.price(quote.get('lp'), decimals)} {currency}".rstrip())
        change = quote.get("chp")
        if isinstance(change, int | float):
            preview.append(f"  {fmt.signed(change, 2, '%')}")
        box = self.query_one("#entry-preview", Static)
        box.update(preview)
        box.display = True
        self.query_one("#entry-add", Button).disabled = False

    # --- step 3: add -------------------------------------------------------------------------

    @on(Button.Pressed, "#entry-add")
    def _accept(self) -> None:
        if self.resolved is not None:
            self._finish(self.resolved.symbol)

    @on(Button.Pressed, "#entry-cancel")
    def action_cancel(self) -> None:
        self._finish(None)

    def _finish(self, symbol: str | None) -> None:
        for previewed in self._previewing:
            if previewed != symbol:
                self.bridge.end_preview(previewed)
        self.dismiss(symbol)
