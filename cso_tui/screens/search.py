"""The home screen: unified consumer search with a details panel (seed 001 7.1.1).

Search-as-you-type runs in an exclusive thread worker after a short pause in typing. Thread
workers cannot be cancelled, so every answer carries the sequence number of the term it was
asked for and answers for an older term are dropped when they arrive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from cso_tui.models.enums import SearchKind
from cso_tui.screens.base import (
    ConnectionRestored,
    Debouncer,
    SessionResumed,
    cso_app,
    describe_error,
    escape_markup,
    focus_now,
)
from cso_tui.screens.edit_consumer import EditConsumerScreen
from cso_tui.services.errors import NotFoundError, SessionExpiredError
from cso_tui.widgets.details import ConsumerDetails
from cso_tui.widgets.inputs import OrderedInput
from cso_tui.widgets.results import ResultsTable

if TYPE_CHECKING:
    from cso_tui.services.schemas import ConsumerSummary, SearchPage

KIND_LABELS: dict[SearchKind, str] = {
    SearchKind.EMPTY: "",
    SearchKind.ACCOUNT: "Account no",
    SearchKind.METER: "Meter no",
    SearchKind.DEVICE: "Device no",
    SearchKind.PHONE: "Phone",
    SearchKind.EMAIL: "Email",
    SearchKind.NAME: "Name / address",
}

SEARCH_HINT = (
    "Type any of: an account no ([b]WU-10001[/b] or its digits [b]10001[/b]), "
    "a meter or device no ([b]M-5678[/b]), a phone number or its last digits "
    "([b](555) 123-4567[/b]), an email, or a name or street ([b]Doe[/b], [b]Main St[/b])."
)
KEYS_HINT = (
    "[b]Enter[/b] or [b]↓[/b] moves to the results, [b]Enter[/b] on a row opens the details."
)


class SearchScreen(Screen[None]):
    HELP_TITLE = "Consumer search"
    CSS_PATH = "search.tcss"
    AUTO_FOCUS = "#search"
    DEBOUNCE = 0.12
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS = [
        Binding("escape", "back", "Back", id="search.back"),
        Binding("ctrl+n", "more", "More", id="search.more"),
        Binding("e", "edit", "Edit", id="search.edit"),
        Binding("p", "profile", "Profile", id="search.profile"),
        # priority, so keys typed ahead after it already go to the results
        Binding("down", "box_down", "To results", show=False, priority=True, id="search.down"),
    ]

    class Searched(Message):
        """A page of results for the search numbered ``seq``."""

        def __init__(self, seq: int, page: SearchPage, append: bool) -> None:
            super().__init__()
            self.seq = seq
            self.page = page
            self.append = append

    class SearchFailed(Message):
        def __init__(self, seq: int, term: str, error: BaseException, cursor: str | None) -> None:
            super().__init__()
            self.seq = seq
            self.term = term
            self.error = error
            self.cursor = cursor
            self.append = cursor is not None

    class DetailsLoaded(Message):
        def __init__(self, account_no: str, summary: ConsumerSummary) -> None:
            super().__init__()
            self.account_no = account_no
            self.summary = summary

    class DetailsFailed(Message):
        def __init__(self, account_no: str, error: BaseException) -> None:
            super().__init__()
            self.account_no = account_no
            self.error = error

    def __init__(self, subtitle: str = "") -> None:
        super().__init__()
        # set before the header mounts: a title change while it mounts races its children
        self.sub_title = subtitle or "Consumer search"
        self.seq = 0  # numbers every change of the term; answers for older numbers are stale
        self.shown_seq = -1  # the number whose results are on screen
        self.shown_term = ""
        self.kind = SearchKind.EMPTY
        self.next_cursor: str | None = None
        self.paging = False
        self.searching = False
        self.details_account: str | None = None
        self._debounce = Debouncer(self, self.DEBOUNCE, self._search_now)
        self._focus_results_when_ready = False
        self.failed: tuple[int, str, str | None] | None = None  # (seq, term, cursor) to retry

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        app = cso_app(self)
        yield Header(show_clock=False, icon="≡")
        yield OrderedInput(
            placeholder="Search: account no, meter no, phone, email, name or address",
            id="search",
            max_length=200,
        )
        yield Label("", id="search-status")
        yield ResultsTable(currency_symbol=app.settings.display.currency_symbol, id="results")
        yield Static("", id="search-hint")
        yield ConsumerDetails(app.settings.display, id="details")
        yield Footer()

    def on_mount(self) -> None:
        self._show_hint(f"{SEARCH_HINT}\n{KEYS_HINT}")

    @property
    def term(self) -> str:
        return self.query_one("#search", Input).value

    @property
    def results(self) -> ResultsTable:
        return self.query_one("#results", ResultsTable)

    @property
    def details(self) -> ConsumerDetails:
        return self.query_one("#details", ConsumerDetails)

    @property
    def details_open(self) -> bool:
        return self.has_class("-details-open")

    def focus_search(self) -> None:
        """Focus the search box with its text selected, ready to type over."""
        self.close_details()
        search = self.query_one("#search", Input)
        focus_now(search)
        search.select_all()

    # ------------------------------------------------------------ searching

    @on(Input.Changed, "#search")
    def _term_changed(self, event: Input.Changed) -> None:
        self.seq += 1
        self._debounce.cancel()
        if not event.value.strip():
            # already loaded by the backend by now: the import is a dictionary look-up
            from cso_tui.services.schemas import SearchPage

            self.searching = False
            self._show_results(SearchPage(term="", kind=SearchKind.EMPTY, items=[]), self.seq)
            return
        self.searching = True
        self._status("Searching…")
        self._debounce.poke()

    def _search_now(self) -> None:
        self.search(self.seq, self.term)

    @on(Input.Submitted, "#search")
    def _term_submitted(self) -> None:
        if self._debounce.pending:  # typed faster than the pause: search at once
            self._focus_results_when_ready = True
            self._debounce.flush()
        elif self.searching:
            self._focus_results_when_ready = True
        else:
            self.action_results()

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def search(self, seq: int, term: str, cursor: str | None = None) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            page = backend.search_consumers(
                session.token, term, cursor, app.settings.search_page_size
            )
        except Exception as exc:
            self.post_message(self.SearchFailed(seq, term, exc, cursor))
            return
        self.post_message(self.Searched(seq, page, append=cursor is not None))

    @on(Searched)
    def _searched(self, message: Searched) -> None:
        if message.seq != self.seq:
            return  # an answer for a term that has since changed
        self.failed = None
        if message.append:
            self.paging = False
            self.results.append_hits(message.page.items)
            self.next_cursor = message.page.next_cursor
            self._status_for_results()
            self.refresh_bindings()
            return
        self._show_results(message.page, message.seq)

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if message.seq != self.seq:
            return
        self.searching = False
        self.paging = False
        self.failed = (message.seq, message.term, message.cursor)
        cso_app(self).backend_trouble(message.error)
        if isinstance(message.error, SessionExpiredError):
            self._status("Your session ended: log in again; your search is kept.", tone="error")
            return
        what = "load more results" if message.append else "search"
        self._status(
            f"Cannot {what}: {escape_markup(describe_error(message.error))} "
            "(your search is kept; press Enter to try again)",
            tone="error",
        )
        self._focus_results_when_ready = False

    def _show_results(self, page: SearchPage, seq: int) -> None:
        self.searching = False
        self.shown_seq = seq
        self.shown_term = page.term
        self.kind = page.kind
        self.next_cursor = page.next_cursor
        table = self.results
        table.show_hits(page.items, page.kind)
        has_rows = bool(page.items)
        self.set_class(has_rows, "-has-results")
        if not page.term.strip():
            self._show_hint(f"{SEARCH_HINT}\n{KEYS_HINT}")
            self._status("")
        elif not has_rows:
            self._show_hint(
                f"No consumer matches “{escape_markup(page.term.strip())}”.\n{SEARCH_HINT}\n"
                "Names and streets need whole words or at least 3 letters of one."
            )
            self._status_for_results()
        else:
            self._status_for_results()
        if self._focus_results_when_ready:
            self._focus_results_when_ready = False
            self.action_results()
        self.refresh_bindings()

    def _status_for_results(self) -> None:
        count = len(self.results.hits)
        label = KIND_LABELS.get(self.kind, "")
        if count == 0:
            found = "no match"
        elif self.next_cursor:
            found = f"{count} shown, more below"
        else:
            found = f"{count} match{'es' if count != 1 else ''}"
        self._status(f"{label} · {found}" if label else found)

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#search-status", Label)
        status.update(text)
        status.set_class(tone == "error", "-error")

    def _show_hint(self, text: str) -> None:
        self.query_one("#search-hint", Static).update(text)

    # ------------------------------------------------------------ paging

    @on(DataTable.RowHighlighted, "#results")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 1:
            self.action_more()

    def action_more(self) -> None:
        if self.next_cursor is None or self.paging or self.shown_seq != self.seq:
            return
        self.paging = True
        self._status(f"{KIND_LABELS.get(self.kind, '')} · loading more…")
        self.search(self.seq, self.shown_term, self.next_cursor)

    # ------------------------------------------------------------ details

    @on(DataTable.RowSelected, "#results")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_details(event.row_key.value)

    def open_details(self, account_no: str) -> None:
        """Show the details panel for ``account_no`` (loaded in a worker)."""
        self.details_account = account_no
        details = self.details
        details.show_message(f"Loading {escape_markup(account_no)}…")
        self.add_class("-details-open")
        if self.has_class("-short"):
            # the results are hidden at this height: the panel takes the focus (and escape)
            self.call_after_refresh(details.focus)
        self.load_details(account_no)
        self.refresh_bindings()

    def open_account(self, account_no: str) -> None:
        """From the command palette: search for the account and show its details."""
        search = self.query_one("#search", Input)
        if search.value != account_no:
            search.value = account_no
        self.open_details(account_no)

    @work(thread=True, exclusive=True, exit_on_error=False, group="details")
    def load_details(self, account_no: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            summary = backend.get_consumer(session.token, account_no)
        except Exception as exc:
            self.post_message(self.DetailsFailed(account_no, exc))
            return
        self.post_message(self.DetailsLoaded(account_no, summary))

    @on(DetailsLoaded)
    def _details_loaded(self, message: DetailsLoaded) -> None:
        if message.account_no != self.details_account:
            return
        self.details.show_summary(message.summary)
        self.refresh_bindings()  # "e Edit" needs the details loaded

    @on(DetailsFailed)
    def _details_failed(self, message: DetailsFailed) -> None:
        if message.account_no != self.details_account:
            return
        error = message.error
        cso_app(self).backend_trouble(error)
        if isinstance(error, SessionExpiredError):
            self.details.show_message("Your session ended: log in again.", error=True)
            return
        if isinstance(error, NotFoundError):
            text = f"{error.message} It may have been removed: search again."
        else:
            text = f"Cannot load {message.account_no}: {describe_error(error)} (Enter to retry)"
        self.details.show_message(escape_markup(text), error=True)

    def close_details(self) -> None:
        if not self.details_open:
            return
        self.details_account = None
        self.remove_class("-details-open")
        if self.has_class("-has-results"):
            focus_now(self.results)
        else:
            focus_now(self.query_one("#search", Input))
        self.refresh_bindings()

    # ------------------------------------------------------------ after a pause

    def on_session_resumed(self, _message: SessionResumed) -> None:
        self._retry()

    def on_connection_restored(self, _message: ConnectionRestored) -> None:
        self._retry()

    def _retry(self) -> None:
        """Run again what failed while the session or the server was away."""
        failed, self.failed = self.failed, None
        if failed is not None and failed[0] == self.seq:
            seq, term, cursor = failed
            if cursor is None:
                self.searching = True
                self._status("Searching…")
            else:
                self.paging = True
            self.search(seq, term, cursor)
        if self.details_account is not None and self.details.summary is None:
            self.load_details(self.details_account)

    # ------------------------------------------------------------ editing

    def action_edit(self) -> None:
        summary = self.details.summary
        if summary is None or not self.details_open:
            return
        self.app.push_screen(EditConsumerScreen(summary), self._edited)

    def _edited(self, summary: ConsumerSummary | None) -> None:
        if summary is not None and summary.account_no == self.details_account:
            self.details.show_summary(summary)
            self.results.update_hit(summary)

    # ------------------------------------------------------------ profile

    def profile_account(self) -> str | None:
        """The consumer ``p`` opens: the panel's when it has the focus, else the highlighted
        result's (never while typing in the search box)."""
        focused = self.focused
        if self.details_open and focused is self.details:
            return self.details_account
        if focused is self.results:
            return self.results.highlighted_account
        return None

    def action_profile(self) -> None:
        account_no = self.profile_account()
        if account_no is not None:
            cso_app(self).open_profile(account_no)

    # ------------------------------------------------------------ keys

    def action_back(self) -> None:
        if self.details_open:
            self.close_details()
        elif self.focused is not self.query_one("#search", Input):
            focus_now(self.query_one("#search", Input))

    def action_box_down(self) -> None:
        if self.focused is not self.query_one("#search", Input):
            raise SkipAction()  # the table and the panel use down themselves
        self.action_results()

    def action_results(self) -> None:
        table = self.results
        if self.has_class("-has-results") and table.row_count:
            if self.has_class("-short"):
                self.close_details()
            self.set_focus(table)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more":
            return self.next_cursor is not None and self.shown_seq == self.seq
        if action == "back":
            return self.details_open or not isinstance(self.focused, Input)
        if action == "edit":
            return self.details_open and self.details.summary is not None
        if action == "profile":
            return self.profile_account() is not None
        return True

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.refresh_bindings()
