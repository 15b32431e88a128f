"""The disconnection landing page (seed 003): monthly KPI cards with their trend, the request
list (Current and History tabs, search by request id, name or account no, filters by status,
type, priority and the day requested), and the way into a request (enter) or a new one (n).

Pages come from the backend (keyset cursors) as the cursor reaches the end; every call runs
in a thread worker, so the screen paints before any data arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from cso_tui.formatting import format_date, format_money
from cso_tui.screens.base import (
    Debouncer,
    cso_app,
    describe_error,
    escape_markup,
    focus_now,
    is_typing,
)
from cso_tui.screens.consumer_list import CheckedFiltersScreen, PagedTable, TickBox, plain_cell
from cso_tui.screens.profile_actions import parse_date
from cso_tui.services.errors import PermissionDeniedError, SessionExpiredError, ValidationError
from cso_tui.services.schemas import DisconnectionQuery, DisconnectionRow, RequestTab
from cso_tui.widgets.badges import PRIORITY, REQUEST_STATUS, VIP_MARK, badge_for, badge_text
from cso_tui.widgets.charts import sparkline
from cso_tui.widgets.fit_table import Col
from cso_tui.widgets.inputs import OrderedInput
from cso_tui.widgets.kpi import KpiCard

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings
    from cso_tui.services.backend import Backend
    from cso_tui.services.schemas import (
        DisconnectionKpis,
        DisconnectionListPage,
        DisconnectionMonth,
    )

#: Seconds between refreshes of the cards.
KPI_REFRESH_SECONDS = 60.0

STATUS_CHOICES = tuple((s, b.label) for s, b in REQUEST_STATUS.items())
TYPE_CHOICES = (("disconnection", "Disconnection"), ("reconnection", "Reconnection"))
PRIORITY_CHOICES = tuple((p, b.label) for p, b in PRIORITY.items())
TAB_LABELS = {RequestTab.CURRENT: "Current requests", RequestTab.HISTORY: "Request history"}


REQUEST = Col("request", "Request ID", 15)
CONSUMER = Col("consumer", "Consumer", 8, flex=2)
ACCOUNT = Col("account", "Account no", 8, drop=1)
ADDRESS = Col("address", "Address", 14, flex=1, drop=2)  # left out first when narrow
TYPE = Col("type", "Type", 6)
REQUESTED = Col("requested", "Requested", 10)
STATUS = Col("status", "Status", 11)
OUTSTANDING = Col("outstanding", "Owed", 10, right=True)
PRIORITY_COL = Col("priority", "Pri.", 4)
ALL_COLUMNS = (
    REQUEST, CONSUMER, ACCOUNT, ADDRESS, TYPE, REQUESTED, STATUS, OUTSTANDING, PRIORITY_COL,
)  # fmt: skip


def type_label(request_type: str, short: bool = False) -> str:
    if short:
        return {"disconnection": "Disc.", "reconnection": "Recon."}.get(
            request_type, request_type.title()
        )
    return f"{request_type.title()} request"


def filters_summary(query: DisconnectionQuery, display: DisplaySettings) -> str:
    parts: list[str] = []
    if query.statuses:
        parts.append("status " + "/".join(REQUEST_STATUS[s].label for s in query.statuses))
    if query.request_types:
        parts.append("/".join(t.title() for t in query.request_types))
    if query.priorities:
        parts.append("priority " + "/".join(PRIORITY[p].label for p in query.priorities))
    if query.created_from or query.created_to:
        start = format_date(query.created_from, display) if query.created_from else "…"
        end = format_date(query.created_to, display) if query.created_to else "…"
        parts.append(f"requested {start} to {end}")
    if not parts:
        return "Filters: none (f to filter)"
    return "Filters: " + " · ".join(parts) + " (f changes, ctrl+r clears)"


def trend_text(trend: Sequence[DisconnectionMonth], field: str) -> str:
    """``▁▃▂▂▅█ over 6 months``: the months' figures drawn, oldest first (this month last)."""
    values = [getattr(m, field) for m in trend]
    return f"{sparkline(values)} over {len(values)} months"


class RequestTable(PagedTable[DisconnectionRow]):
    """Requests, one row per request (row key = request no), newest first."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", id="requests.open")]
    COLUMNS = ALL_COLUMNS
    SORTED = REQUESTED.key
    MAX_ACCOUNT = 20

    def row_key(self, row: DisconnectionRow) -> str:
        return row.request_no

    def _cell(self, key: str, row: DisconnectionRow) -> Text:
        display = self.display_settings
        if key == "request":
            return plain_cell(row.request_no)
        if key == "consumer":
            return plain_cell(f"{VIP_MARK} {row.consumer_name}" if row.vip else row.consumer_name)
        if key == "account":
            return plain_cell(row.account_no)
        if key == "address":
            return plain_cell(row.service_address)
        if key == "type":
            return plain_cell(type_label(row.request_type, short=True))
        if key == "requested":
            day = row.created_at.astimezone(ZoneInfo(display.timezone)).date()
            return plain_cell(format_date(day, display))
        if key == "status":
            return badge_text(badge_for(row.status, REQUEST_STATUS), self._tones, short=True)
        if key == "outstanding":
            owed = row.outstanding > 0
            return plain_cell(format_money(row.outstanding, display.currency_symbol), True,
                              "bold" if owed else "dim")  # fmt: skip
        if key == "priority":  # the word alone (High, Med, Low): the column is narrow
            badge = badge_for(row.priority, PRIORITY)
            return Text(badge.short, style=self._tones.get(badge.tone) or "", no_wrap=True, end="")
        raise KeyError(key)


class DisconnectionsScreen(Screen[None]):
    """The landing page of disconnection and reconnection requests."""

    HELP_TITLE = "Disconnection requests"
    CSS_PATH = "disconnections.tcss"
    AUTO_FOCUS = "#requests"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    DEBOUNCE = 0.25

    BINDINGS = [
        Binding("1", "tab('current')", "Current", id="requests.current"),
        Binding("2", "tab('history')", "History", id="requests.history"),
        Binding("f", "filters", "Filters", id="requests.filters"),
        Binding("n", "new", "New request", id="requests.new"),
        Binding("c", "settings", "Settings", show=False, id="requests.settings"),
        Binding("ctrl+r", "clear_filters", "Clear filters", show=False, id="requests.clear"),
        Binding("s", "focus_search", "Search box", show=False, priority=True, id="requests.search"),
        Binding("r", "refresh", "Refresh", show=False, id="requests.refresh"),
        Binding("ctrl+n", "more", "More rows", show=False, id="requests.more"),
        Binding("down", "box_down", "To the list", show=False, priority=True, id="requests.down"),
        # priority too: "enter enter" typed in one burst searches, then opens the first row
        Binding("enter", "box_enter", "Search", show=False, priority=True, id="requests.enter"),
        Binding("escape", "back", "Back", show=False, id="requests.back"),
    ]

    class Loaded(Message):
        def __init__(self, seq: int, page: DisconnectionListPage, append: bool) -> None:
            super().__init__()
            self.seq = seq
            self.page = page
            self.append = append

    class LoadFailed(Message):
        def __init__(self, seq: int, error: BaseException) -> None:
            super().__init__()
            self.seq = seq
            self.error = error

    class CardsLoaded(Message):
        def __init__(self, kpis: DisconnectionKpis | None, error: BaseException | None) -> None:
            super().__init__()
            self.kpis = kpis
            self.error = error

    def __init__(self, subtitle: str = "") -> None:
        super().__init__()
        self.sub_title = subtitle or "Disconnection requests"
        self.query_state = DisconnectionQuery()
        self.seq = 0
        self.next_cursor: str | None = None
        self.matches: int | None = None
        self.fetching = True
        self.paging = False
        self.kpis: DisconnectionKpis | None = None
        self._debounce = Debouncer(self, self.DEBOUNCE, self._search_now)

    def compose(self) -> ComposeResult:
        app = cso_app(self)
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="request-kpis"):
            yield KpiCard("Pending disconnections", "Pending discon.", "Pend. disc.", id="kpi-pd")
            yield KpiCard("Completed disconnections", "Done discon.", "Done disc.", id="kpi-cd")
            yield KpiCard("Pending reconnections", "Pending recon.", "Pend. rec.", id="kpi-pr")
            yield KpiCard("Completed reconnections", "Done recon.", "Done rec.", id="kpi-cr")
        yield Static("", id="request-tabs")
        with Horizontal(id="request-search-row"):
            yield Label("Search", id="request-search-label")
            yield OrderedInput(
                placeholder="request id, name or account no",
                id="request-search",
                max_length=200,
                compact=True,
            )
        yield Label("", id="request-filters")
        yield Label("Loading requests…", id="request-status")
        yield RequestTable(app.settings.display, id="requests")
        yield Footer()

    def on_mount(self) -> None:
        self._compact_cards()
        self._show_tabs()
        self._show_filters()
        self.load(self.seq, self.query_state)
        self.load_cards()
        self.set_interval(KPI_REFRESH_SECONDS, self.load_cards)
        cso_app(self).record_usage("Viewed_Disconnection_List", {})

    def on_resize(self, _event: events.Resize) -> None:
        self._compact_cards()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.kpis is not None:
            self.reload()  # back from a request or a new one: statuses may have moved
            self.load_cards()

    def _compact_cards(self) -> None:
        compact = self.size.height < 32
        for card in self.query(KpiCard):
            card.compact = compact

    @property
    def table(self) -> RequestTable:
        return self.query_one("#requests", RequestTable)

    @property
    def search_box(self) -> Input:
        return self.query_one("#request-search", Input)

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        self.seq += 1
        self.fetching = True
        self.paging = False
        self._status("Loading requests…")
        self.load(self.seq, self.query_state)

    @work(thread=True, exclusive=True, exit_on_error=False, group="requests-list")
    def load(self, seq: int, query: DisconnectionQuery, cursor: str | None = None) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            page = backend.list_disconnection_requests(
                session.token, query, cursor, app.settings.search_page_size
            )
        except Exception as exc:
            self.post_message(self.LoadFailed(seq, exc))
            return
        self.post_message(self.Loaded(seq, page, append=cursor is not None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.seq != self.seq:
            return
        self.fetching = False
        self.paging = False
        self.next_cursor = message.page.next_cursor
        self.matches = message.page.matches
        if message.append:
            self.table.append_rows(message.page.items)
        else:
            self.table.show_rows(message.page.items)
        self._show_tabs()
        self._status_for_rows()
        self.refresh_bindings()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        if message.seq != self.seq:
            return
        self.fetching = False
        self.paging = False
        error = message.error
        cso_app(self).backend_trouble(error)
        if isinstance(error, SessionExpiredError):
            self._status("Your session ended: log in again.", tone="error")
        elif isinstance(error, (PermissionDeniedError, ValidationError)):
            self._status(escape_markup(error.message), tone="error")
        else:
            self._status(
                f"Cannot load the requests: {escape_markup(describe_error(error))} (r tries again)",
                tone="error",
            )

    def _status_for_rows(self) -> None:
        shown = len(self.table.rows_shown)
        total = self.matches or 0
        if shown == 0:
            what = "open" if self.query_state.tab is RequestTab.CURRENT else "finished"
            hint = " for this search" if self.query_state.text.strip() else ""
            self._status(f"No {what} request{hint}. n makes a new one.")
            return
        more = f" of {total:,}" if total > shown else ""
        self._status(
            f"{shown:,}{more} request{'s' if total != 1 else ''} · newest first"
            " · enter opens · n new"
        )

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#request-status", Label)
        status.update(text)
        status.set_class(tone == "error", "-error")

    def _show_tabs(self) -> None:
        parts = []
        for key, (tab, label) in enumerate(TAB_LABELS.items(), start=1):
            if tab is self.query_state.tab:
                count = "" if self.matches is None else f" ({self.matches:,})"
                parts.append(f"[b reverse] {key} ▸ {label}{count} [/]")
            else:
                parts.append(f"[dim] {key}   {label} [/]")
        if self.kpis is not None:
            parts.append(f"[dim]  cards: {self.kpis.current.month:%B %Y}[/]")
        self.query_one("#request-tabs", Static).update("  ".join(parts))

    def _show_filters(self) -> None:
        label = self.query_one("#request-filters", Label)
        display = cso_app(self).settings.display
        label.update(escape_markup(filters_summary(self.query_state, display)))
        q = self.query_state
        label.set_class(
            bool(q.statuses or q.request_types or q.priorities or q.created_from or q.created_to),
            "-active",
        )

    @on(DataTable.RowHighlighted, "#requests")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 1:
            self.action_more()

    def action_more(self) -> None:
        if self.next_cursor is None or self.paging or self.fetching:
            return
        self.paging = True
        self._status("Loading more…")
        self.load(self.seq, self.query_state, self.next_cursor)

    # ------------------------------------------------------------ cards

    @work(thread=True, exclusive=True, exit_on_error=False, group="requests-cards")
    def load_cards(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            kpis = backend.disconnection_kpis(session.token)
        except Exception as exc:
            self.post_message(self.CardsLoaded(None, exc))
            return
        self.post_message(self.CardsLoaded(kpis, None))

    @on(CardsLoaded)
    def _cards_loaded(self, message: CardsLoaded) -> None:
        if message.kpis is None:
            assert message.error is not None
            cso_app(self).backend_trouble(message.error)
            return
        self.kpis = kpis = message.kpis
        for card_id, field in (
            ("#kpi-pd", "pending_disconnections"),
            ("#kpi-cd", "completed_disconnections"),
            ("#kpi-pr", "pending_reconnections"),
            ("#kpi-cr", "completed_reconnections"),
        ):
            figure = getattr(kpis.current, field)
            self.query_one(card_id, KpiCard).show(f"{figure:,}", trend_text(kpis.trend, field))
        self._show_tabs()

    # ------------------------------------------------------------ search and filters

    @on(Input.Changed, "#request-search")
    def _term_changed(self, _event: Input.Changed) -> None:
        self.seq += 1  # what is shown no longer matches the box
        self.fetching = True
        self._status("Searching…")
        self._debounce.poke()

    def _search_now(self) -> None:
        self._apply({"text": self.search_box.value})

    def action_box_enter(self) -> None:
        from textual.actions import SkipAction

        if self.focused is not self.search_box:
            raise SkipAction()
        self._debounce.flush()
        self.action_to_table()

    def _apply(self, change: dict[str, Any]) -> None:
        self.query_state = self.query_state.model_copy(update=change)
        self.matches = None
        self._show_tabs()
        self._show_filters()
        self.reload()

    def action_tab(self, tab: str) -> None:
        chosen = RequestTab(tab)
        if chosen is not self.query_state.tab:
            self._apply({"tab": chosen})

    def action_filters(self) -> None:
        def chosen(query: DisconnectionQuery | None) -> None:
            if query is not None:
                self._apply({name: getattr(query, name) for name in FILTER_FIELDS})

        self.app.push_screen(RequestFiltersScreen(self.query_state), chosen)

    def action_clear_filters(self) -> None:
        self._apply(
            {"statuses": [], "request_types": [], "priorities": [], "created_from": None,
             "created_to": None}
        )  # fmt: skip

    # ------------------------------------------------------------ keys

    @on(DataTable.RowSelected, "#requests")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        request_no = event.row_key.value
        if request_no is not None:
            cso_app(self).open_request(request_no)

    def action_new(self) -> None:
        cso_app(self).new_request()

    def action_settings(self) -> None:
        """The disconnection settings (reasons, slots, SLA, checklist...)."""
        cso_app(self).open_disconnection_settings()

    def action_refresh(self) -> None:
        self.reload()
        self.load_cards()

    def action_focus_search(self) -> None:
        box = self.search_box
        focus_now(box)
        box.cursor_position = len(box.value)

    def action_to_table(self) -> None:
        if self.table.row_count:
            self.set_focus(self.table)

    def action_box_down(self) -> None:
        from textual.actions import SkipAction

        if self.focused is not self.search_box:
            raise SkipAction()
        self.action_to_table()

    def action_back(self) -> None:
        if self.focused is self.search_box and self.table.row_count:
            self.action_to_table()
        elif self.app.screen is self and len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("tab", "filters", "new", "focus_search", "refresh", "clear_filters"):
            return None if is_typing(self) else True
        if action == "more":
            return self.next_cursor is not None and not self.fetching
        return True

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.refresh_bindings()


FILTER_FIELDS = ("statuses", "request_types", "priorities", "created_from", "created_to")


class RequestFiltersScreen(CheckedFiltersScreen[DisconnectionQuery]):
    """Answers the filters chosen (checked by the backend first), or None when cancelled."""

    HELP_TITLE = "Filter requests"
    CSS_PATH = "disconnections.tcss"
    AUTO_FOCUS = "#status-pending"

    BINDINGS = [
        Binding("ctrl+s,enter", "apply", "Apply", priority=True, id="requests.filters.apply"),
        Binding("ctrl+r", "reset", "Clear all", priority=True, id="requests.filters.reset"),
        Binding("escape", "cancel", "Cancel", id="requests.filters.cancel"),
        Binding("f1", "app.help", "Help", id="requests.filters.help"),
    ]

    FIELDS = ("created_from", "created_to")
    STATUS_ID = "request-filters-status"

    def compose(self) -> ComposeResult:
        query = self.current
        display = cso_app(self).settings.display
        with Vertical(id="request-filters-box", classes="modal-box") as box:
            box.border_title = "Filter requests"
            box.border_subtitle = "space ticks · enter applies · ctrl+r clears · esc"
            for group, choices, chosen in (
                ("status", STATUS_CHOICES, query.statuses),
                ("type", TYPE_CHOICES, query.request_types),
                ("priority", PRIORITY_CHOICES, query.priorities),
            ):
                with Horizontal(classes="form-row"):
                    yield Label(group.title(), classes="field-label")
                    with Grid(classes="ticks"):
                        for value, label in choices:
                            yield TickBox(label, value in chosen, id=f"{group}-{value}")
            for name, label in (("created_from", "From"), ("created_to", "To")):
                value = getattr(query, name)
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="form-field"):
                        yield OrderedInput(
                            "" if value is None else format_date(value, display),
                            placeholder=f"any day requested ({display.date_format})",
                            id=f"filter-{name}",
                            max_length=10,
                            compact=True,
                        )
                        yield Label("", id=f"filter-{name}-error", classes="field-error")
            yield Static("", id="request-filters-status", classes="form-status")
        yield Footer()

    def chosen(self) -> DisconnectionQuery:
        """The query the form shows. Raises ValidationError for a date that is no date."""
        display = cso_app(self).settings.display

        def ticked(group: str, choices: Sequence[tuple[str, str]]) -> list[str]:
            return [v for v, _ in choices if self.query_one(f"#{group}-{v}", TickBox).value]

        days = {
            name: parse_date(name, self.query_one(f"#filter-{name}", Input).value, display)
            for name in ("created_from", "created_to")
        }
        return self.current.model_copy(
            update={
                "statuses": ticked("status", STATUS_CHOICES),
                "request_types": ticked("type", TYPE_CHOICES),
                "priorities": ticked("priority", PRIORITY_CHOICES),
                **days,
            }
        )

    def probe(self, backend: Backend, token: str, query: DisconnectionQuery) -> None:
        backend.list_disconnection_requests(token, query, None, 1)

    def action_reset(self) -> None:
        for box in self.query(TickBox):
            box.value = False
        for name in ("created_from", "created_to"):
            self.query_one(f"#filter-{name}", Input).value = ""
        self._clear_errors()
        self._status("Cleared: press enter to show every request of the tab.")
