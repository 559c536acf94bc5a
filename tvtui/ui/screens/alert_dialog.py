"""The "new alert" dialog (``A``): symbol, condition in TradingView's words, level(s),
once / every-time, an optional note.

It opens prefilled (the selected symbol and its last price, or the chart cursor's bar close)
with focus on the level, so Enter saves at once. Saving parses everything first
(:meth:`Alert.parse`), asks TradingView about a symbol that is not on the watchlist, then
writes the config file (:func:`~tvtui.config.alerts.add_alert`); any problem is shown inline
and nothing is saved. The caller's ``save`` adds the alert to the running engine.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tvtui.alerts import Alert, AlertError, Mode, Word, check_symbol
from tvtui.config.alerts import add_alert, remove_alert
from tvtui.config.settings import ConfigError
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.symbols import SymbolLookupError
from tvtui.feed.untrusted import plain
from tvtui.ui.background import await_in_background
from tvtui.ui.layout import SHORT_BELOW

#: The condition chooser: TradingView's words (an indicator prefix for RSI / MACD).
CONDITIONS: list[str] = [
    *(w.value for w in Word),
    "rsi crossing",
    "rsi crossing-up",
    "rsi crossing-down",
    "macd crossing signal",
]
#: Words that take two numbers (channel: low and high; move: percent and bars).
TWO_NUMBERS = {"entering-channel", "exiting-channel", "moving-up-%", "moving-down-%"}
LOOKUP_TIMEOUT = 5.0


def condition_text(word: str, first: str, second: str) -> str:
    """The condition as :func:`~tvtui.alerts.parse_condition` reads it."""
    if word == "macd crossing signal":
        return word
    parts = [word, first.strip()]
    if word in TWO_NUMBERS:
        parts.append(second.strip())
    return " ".join(p for p in parts if p)


def split_condition(alert: Alert) -> tuple[str, str, str]:
    """(chooser word, first number, second number) of ``alert``, to edit it."""
    text = alert.condition.text.split()
    if alert.condition.signal_line:
        return "macd crossing signal", "", ""
    prefix = [] if alert.condition.source.value == "price" else [text.pop(0)]
    word = " ".join([*prefix, text.pop(0)])
    return word, (text[0] if text else ""), (text[1] if len(text) > 1 else "")


class AlertDialog(ModalScreen[Alert | None]):
    """Returns the saved alert, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="alert.cancel")]
    AUTO_FOCUS = "#alert-level"
    DEFAULT_CSS = """
    AlertDialog #alert-box { width: 72; }
    AlertDialog #alert-error { color: $error; height: auto; }
    AlertDialog .alert-row { height: auto; }
    AlertDialog .alert-row > Input, AlertDialog .alert-row > Select { width: 1fr; }
    """

    def __init__(
        self,
        symbol: str,
        level: str,
        *,
        timeframe: str,
        watched: list[str],
        endpoints: Endpoints | None,
        save: Callable[[Alert, Alert | None], None],
        editing: Alert | None = None,
    ) -> None:
        super().__init__()
        self.symbol, self.level, self.timeframe = symbol, level, timeframe
        self.watched = set(watched)
        self.endpoints = endpoints
        self.save = save  #: the caller: the saved alert (and the one it replaces) to the engine
        self.editing = editing
        self.busy = False

    def compose(self) -> ComposeResult:
        word, first, second, mode, note = "crossing", self.level, "", Mode.ONCE.value, ""
        if self.editing is not None:
            word, first, second = split_condition(self.editing)
            mode, note = self.editing.mode.value, self.editing.note
        title = "Edit alert" if self.editing is not None else "New alert"
        with Vertical(id="alert-box", classes="dialog"):
            yield Label(title, classes="dialog-title")
            yield Label("Symbol")
            yield Input(self.symbol, id="alert-symbol")
            yield Label("Condition, level (a channel: low and high; a move: % and bars)")
            with Horizontal(classes="alert-row"):
                yield Select(
                    [(c, c) for c in CONDITIONS], value=word, allow_blank=False, id="alert-word"
                )
                yield Input(first, id="alert-level", placeholder="level")
                yield Input(second, id="alert-level2", placeholder="high / bars")
            with Horizontal(classes="alert-row"):
                yield Select(
                    [(m.value, m.value) for m in Mode],
                    value=mode,
                    allow_blank=False,
                    id="alert-mode",
                )
                yield Input(note, id="alert-note", placeholder="note (optional)")
            yield Static("", id="alert-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="alert-ok", variant="primary")
                yield Button("Cancel", id="alert-cancel")

    def on_mount(self) -> None:
        self._fit(self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, rows: int) -> None:
        """Borderless buttons (Textual's ``compact``) on a short terminal: with bordered ones
        the form takes 22 rows, and an 80x24 terminal leaves a dialog 21 (``max-height:
        90%``), which cut the buttons' lower edge off."""
        for button in self.query(Button):
            button.compact = rows < SHORT_BELOW

    def parsed(self) -> Alert:
        """The alert the fields describe; ``AlertError`` naming the first problem."""
        word = str(self.query_one("#alert-word", Select).value)
        text = condition_text(
            word,
            self.query_one("#alert-level", Input).value,
            self.query_one("#alert-level2", Input).value,
        )
        return Alert.parse(
            self.query_one("#alert-symbol", Input).value,
            text,
            mode=str(self.query_one("#alert-mode", Select).value),
            timeframe=self.timeframe,
            note=self.query_one("#alert-note", Input).value.strip(),
        )

    def failed(self, reason: str) -> None:
        self.busy = False
        self.query_one("#alert-error", Static).update(Text(plain(reason, 400)))

    @on(Button.Pressed, "#alert-ok")
    @on(Input.Submitted)
    async def action_save(self) -> None:
        if self.busy:
            return
        try:
            alert = self.parsed()
        except AlertError as exc:
            self.failed(str(exc))
            return
        self.busy = True
        if alert.symbol not in self.watched:
            self.query_one("#alert-error", Static).update("Checking the symbol…")
            try:
                await await_in_background(
                    partial(check_symbol, alert, self.endpoints), LOOKUP_TIMEOUT + 1
                )
            except AlertError as exc:
                self.failed(str(exc))
                return
            except (SymbolLookupError, TimeoutError, OSError) as exc:
                self.failed(f"Cannot check {alert.symbol} with TradingView ({exc}); not saved")
                return
        try:
            self.write(alert)
        except ConfigError as exc:
            self.failed(str(exc))
            return
        self.save(alert, self.editing)
        self.dismiss(alert)

    def write(self, alert: Alert) -> None:
        """Into the config file; an edit replaces its old table (put back if the new one
        cannot be written)."""
        old = self.editing
        if old is not None:
            remove_alert(old.id)
        try:
            add_alert(alert)
        except ConfigError:
            if old is not None:
                add_alert(old)
            raise

    @on(Button.Pressed, "#alert-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
