"""Choose the chart's indicators: search TradingView's catalogue, keep a chosen list, set each
chosen study's inputs (the same indicator twice with other inputs is two study keys,
``config/studies.py``).

Keyboard first: in the search field ``↑`` ``↓`` move the results' highlight and Enter adds it
(keys typed ahead of the search's answer count from its best match); Tab goes on to the results,
the chosen list (Del removes, Enter applies) and the highlighted study's inputs (Enter
applies); Escape cancels. Apply is refused, saying why, while an input is invalid, when two
chosen studies are the same, or past the account's per-chart limit (what to remove). The
catalogue and the metadata come from the library (cached, paced) on thread workers.
"""

from __future__ import annotations

import itertools
from contextlib import suppress
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tvtui.config.studies import StudyRef, legend_name, parse_study
from tvtui.feed.catalog import IndicatorInfo
from tvtui.feed.endpoints import Endpoints
from tvtui.feed.studies import IndicatorError, fetch_indicator
from tvtui.ui.safe import shown
from tvtui.ui.screens.indicator_css import CHOOSER_CSS
from tvtui.ui.screens.indicator_form import Chosen, InputsForm, input_problem
from tvtui.ui.screens.indicator_search import Found, known_rows, meanwhile, row_text, search

PLACEHOLDER = "Search every indicator (e.g. stoch)"
#: How long typing pauses before the catalogue is searched (one search per pause).
SEARCH_DELAY = 0.2
HINT = "↑↓ Enter: add · Tab: move · Del: remove · Enter/^S: apply · Esc: cancel"


class ResultList(OptionList):
    """The catalogue's rows; Enter adds the highlighted one to the chosen list."""

    BINDINGS = [Binding("enter", "screen.add", "Add", show=False)]


class ChosenList(OptionList):
    """The chosen studies; Delete removes the highlighted one, Enter applies."""

    BINDINGS = [
        Binding("delete,backspace,d", "screen.remove", "Remove", show=False),
        Binding("enter", "screen.apply", "Apply", show=False),
    ]


class IndicatorScreen(ModalScreen[list[str] | None]):
    """Returns the chosen study keys in display order, or None when cancelled."""

    DEFAULT_CSS = CHOOSER_CSS

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="indicators.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="indicators.apply"),
    ]

    AUTO_FOCUS = "#indicator-search"

    def __init__(
        self,
        chosen: list[str],
        limit: int | None = None,
        account: str = "this account",
        endpoints: Endpoints | None = None,
        premium: set[str] | frozenset[str] = frozenset(),
        names: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self._uids = itertools.count(1)
        self.entries: list[Chosen] = []
        for key in chosen:
            try:
                self.entries.append(Chosen(next(self._uids), parse_study(key)))
            except ValueError:  # a key that is no study: kept as it is (its pane says why)
                self.entries.append(Chosen(next(self._uids), StudyRef(key)))
        #: studies per chart the account may run (None: not known until the server says)
        self.limit = limit
        self.account = account
        self.endpoints = endpoints or Endpoints.from_env()
        #: pine ids TradingView refused for the plan (``study_not_auth``) this session
        self.premium = set(premium)
        self.names = dict(names or {})
        self.found: Found | None = None
        self._search_timer: Timer | None = None
        self._add_when_found = False  #: Enter came before the search's answer
        self._moves_ahead = 0  #: ↑ ↓ typed before it (counted from its best match)

    def compose(self) -> ComposeResult:
        with Vertical(id="indicator-box"):  # not .dialog: it is wider and taller
            with Horizontal(id="indicator-head"):
                yield Label("Indicators  ", id="indicator-title")
                yield Static("", id="indicator-count")
            yield Input(placeholder=PLACEHOLDER, id="indicator-search", compact=True)
            with Horizontal(id="indicator-body"):
                with Vertical(id="indicator-left"):
                    yield Static("Catalogue", classes="section")
                    yield ResultList(id="indicator-results")
                with Vertical(id="indicator-right"):
                    yield Static("Chosen (Del removes)", classes="section")
                    yield ChosenList(id="indicator-chosen")
                    yield InputsForm(id="indicator-form")
            yield Static("searching…", id="catalog-status")
            yield Static("", id="indicator-problem")
            yield Static(HINT, classes="dialog-hint")
            with Horizontal(id="indicator-buttons"):
                yield Button("Apply", id="indicators-ok", variant="primary", compact=True)
                yield Button("Cancel", id="indicators-cancel", compact=True)

    def on_mount(self) -> None:
        self._show_chosen(0)
        self._show_found(meanwhile(""))
        self.run_search("")
        for entry in self.entries:
            self.load_inputs(entry)

    # --- the limit and what refuses Apply ------------------------------------------------------

    def limit_text(self, count: int) -> str:
        """How many studies are chosen against how many the chart may run, and what to do."""
        noun = "indicator" if count == 1 else "indicators"
        if self.limit is None:
            return f"{count} {noun}"
        if count <= self.limit:
            return f"{count} of {self.limit} {noun}"
        return f"{count} of {self.limit} indicators: remove {count - self.limit}"

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and len(self.entries) > self.limit

    def problem(self) -> str | None:
        """Why Apply is refused now (None: it may apply)."""
        for entry in self.entries:
            if entry.bad:
                spec_id, why = next(iter(entry.bad.items()))
                name = next((s.name for s in entry.specs or [] if s.id == spec_id), spec_id)
                return f"{self.study_name(entry)}: {name} {why}; fix it or remove the study"
            if entry.problem and entry.specs is not None:
                return f"{self.study_name(entry)}: {entry.problem}"
        keys = [e.key for e in self.entries]
        twice = next((k for k in keys if keys.count(k) > 1), None)
        if twice is not None:
            name = self.study_name(next(e for e in self.entries if e.key == twice))
            return f"{name} is chosen twice with the same inputs: change one or remove it"
        if self.over_limit:
            assert self.limit is not None
            extra = len(self.entries) - self.limit
            names = ", ".join(self.study_name(e) for e in self.entries[self.limit :])
            return (
                f"{self.account.capitalize()} runs {self.limit} per chart: "
                f"remove {extra} (e.g. {names})"
            )
        return None

    def _show_state(self, refused: bool = False) -> None:
        count = self.query_one("#indicator-count", Static)
        count.update(self.limit_text(len(self.entries)))
        count.set_class(self.over_limit, "-error")
        problem = self.problem()
        note = self.query_one("#indicator-problem", Static)
        note.update(Text(f"✗ {problem}") if problem and refused else "")
        note.display = bool(problem and refused)

    # --- the catalogue search ------------------------------------------------------------------

    @on(Input.Changed, "#indicator-search")
    def _typed(self, event: Input.Changed) -> None:
        query, found = event.value.strip()[:100], self.found
        if found is not None and found.failed:  # offline: the known ones are the answer
            self._show_found(Found(query, known_rows(query), found.status, failed=True))
        elif found is None or found.provisional:  # the catalogue has not answered yet
            self._show_found(meanwhile(query))
        if self._search_timer is not None:
            self._search_timer.stop()
        query = event.value
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.run_search(query))

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def run_search(self, query: str) -> None:
        found = search(query, self.endpoints)
        if not get_current_worker().is_cancelled:
            self._answer(self._show_found, found)

    def _query(self) -> str:
        return self.query_one("#indicator-search", Input).value.strip()[:100]

    def answered(self) -> bool:
        """The rows shown are the catalogue's answer to what is typed now."""
        found = self.found
        return found is not None and not found.provisional and found.query == self._query()

    def _show_found(self, found: Found) -> None:
        if self._query() != found.query:
            return  # typed on meanwhile: the newer search answers
        self.found = found
        status = self.query_one("#catalog-status", Static)
        status.update(found.status)
        status.set_class(found.failed, "-error")
        self._show_results(top=True)
        if found.provisional:
            return  # arrows and Enter typed meanwhile wait for the real answer
        results = self.query_one(ResultList)
        if self._moves_ahead and found.rows:
            results.highlighted = min(max(self._moves_ahead, 0), len(found.rows) - 1)
        self._moves_ahead = 0
        if self._add_when_found:  # Enter was pressed before these results were in
            self._add_when_found = False
            self.action_add()

    def _show_results(self, top: bool = False) -> None:
        """The rows of the latest search (``top``: a new search, the best match highlighted;
        else the highlight stays where it was)."""
        results = self.query_one(ResultList)
        highlighted = 0 if top else results.highlighted
        chosen = {e.ref.pine_id for e in self.entries}
        rows = self.found.rows if self.found else []
        results.set_options(
            Option(row_text(r, r.pine_id in self.premium, r.pine_id in chosen), id=f"r{i}")
            for i, r in enumerate(rows)
        )
        if rows:
            results.highlighted = min(highlighted or 0, len(rows) - 1)

    def on_key(self, event: Any) -> None:
        """In the search field ``↑`` ``↓`` (page keys too) move the results' highlight, so
        Enter adds it without leaving the field (and keys typed ahead all count)."""
        if self.focused is not self.query_one("#indicator-search"):
            return
        moves = {"down": "cursor_down", "up": "cursor_up", "pagedown": "page_down",
                 "pageup": "page_up"}  # fmt: skip
        if event.key not in moves:
            return
        event.stop()
        if not self.answered():
            # typed ahead of the search's answer: counted from its best match once it is in
            self._moves_ahead += {"down": 1, "up": -1}.get(event.key, 0)
            return
        getattr(self.query_one(ResultList), f"action_{moves[event.key]}")()

    @on(Input.Submitted, "#indicator-search")
    def _search_enter(self, event: Input.Submitted) -> None:
        """Enter adds the highlighted result; typed before the search answered, the best
        match of what was typed once it does (never a row of the previous search)."""
        event.stop()
        if self.answered():
            self.action_add()
            return
        self._add_when_found = True
        if self._search_timer is not None:
            self._search_timer.stop()
        self.run_search(self._query())

    def _highlighted_row(self) -> IndicatorInfo | None:
        results = self.query_one(ResultList)
        rows = self.found.rows if self.found else []
        index = results.highlighted
        return rows[index] if index is not None and index < len(rows) else None

    # --- the chosen list -----------------------------------------------------------------------

    def study_name(self, entry: Chosen) -> str:
        if entry.specs is not None:
            return legend_name(entry.ref, entry.short_name, entry.specs)
        return self.names.get(entry.key) or legend_name(entry.ref)

    def _show_chosen(self, highlight: int | None = None) -> None:
        chosen = self.query_one(ChosenList)
        keep = chosen.highlighted if highlight is None else highlight
        options = []
        for entry in self.entries:
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append(shown(self.study_name(entry), 60), style="bold")
            text.append(f"  {shown(entry.ref.pine_id, 60)}", style="dim")
            if entry.ref.pine_id in self.premium:
                text.append("  premium", style="bold")
            if entry.bad or (entry.problem and entry.specs is not None):
                text.append("  ✗", style="bold")
            options.append(Option(text, id=f"c{entry.uid}"))
        chosen.set_options(options)
        if self.entries:
            chosen.highlighted = min(keep or 0, len(self.entries) - 1)
        self._show_form()
        self._show_state()

    def _current(self) -> Chosen | None:
        index = self.query_one(ChosenList).highlighted
        if index is None or not 0 <= index < len(self.entries):
            return None
        return self.entries[index]

    def _show_form(self) -> None:
        form = self.query_one(InputsForm)
        entry = self._current()
        if form.entry is not entry or entry is None:
            form.show(entry, self.study_name(entry) if entry else "")

    @on(OptionList.OptionHighlighted, "#indicator-chosen")
    def _chosen_moved(self) -> None:
        self._show_form()

    @on(OptionList.OptionSelected, "#indicator-results")
    def _clicked_result(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_add()

    def action_add(self) -> None:
        """Add the highlighted result to the chosen list (and show its inputs)."""
        row = self._highlighted_row()
        if row is None:
            return
        entry = Chosen(next(self._uids), StudyRef(row.pine_id), short_name=None)
        self.entries.append(entry)
        self._show_chosen(len(self.entries) - 1)
        self._show_results()
        self.load_inputs(entry)

    def action_remove(self) -> None:
        entry = self._current()
        if entry is None:
            return
        index = self.entries.index(entry)
        self.entries.remove(entry)
        self.query_one(InputsForm).show(None, "")
        self._show_chosen(max(0, index - 1))
        self._show_results()

    @work(thread=True, group="inputs", exit_on_error=False)
    def load_inputs(self, entry: Chosen) -> None:
        """The metadata of ``entry``'s indicator (cached by the library), for its form."""
        try:
            indicator = fetch_indicator(entry.ref.pine_id, entry.ref.version, self.endpoints, 5.0)
        except IndicatorError as exc:
            self._answer(self._inputs_failed, entry, exc.reason or str(exc))
            return
        specs = list(indicator.input_specs)
        self._answer(self._inputs_loaded, entry, specs, indicator.short_name)

    def _answer(self, callback: Any, *args: Any) -> None:
        """A worker's answer, on the UI thread; dropped when the app has closed meanwhile."""
        with suppress(RuntimeError):  # "App is not running": nobody is waiting for it
            self.app.call_from_thread(callback, *args)

    def _inputs_failed(self, entry: Chosen, reason: str) -> None:
        entry.problem = f"Could not fetch its inputs: {reason}"
        if self.is_mounted:
            self._refresh_entry(entry)

    def _inputs_loaded(self, entry: Chosen, specs: list[Any], short_name: str) -> None:
        entry.specs, entry.short_name = specs, short_name
        entry.problem = input_problem(entry)
        if self.is_mounted:
            self._refresh_entry(entry)

    def _refresh_entry(self, entry: Chosen) -> None:
        if entry not in self.entries:
            return
        if self._current() is entry:
            self.query_one(InputsForm).show(entry, self.study_name(entry))
        self._show_chosen()

    @on(InputsForm.Changed)
    def _inputs_changed(self, event: InputsForm.Changed) -> None:
        entry = event.entry
        entry.problem = input_problem(entry)
        if entry in self.entries:
            self._show_chosen()
            self.query_one(InputsForm).retitle(self.study_name(entry))

    # --- apply / cancel ------------------------------------------------------------------------

    @on(Input.Submitted, "#indicator-form Input")
    def _field_enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    @on(Button.Pressed, "#indicators-ok")
    def action_apply(self) -> None:
        if self.problem() is not None:  # say why instead: an invalid input, over the limit
            self.app.bell()
            self._show_state(refused=True)
            return
        self.dismiss([e.key for e in self.entries])

    @on(Button.Pressed, "#indicators-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
