"""The recovery executive's collections view (seed 004 "For Recovery Executive"): accounts past
due or in collection, largest balance first, with days past due, a risk bucket, payment
compliance and the relationship health score. Enter opens the profile; n logs a collection
activity (seed 004 s.12 Collection_Activity_Log): what was done, what came of it and when to
follow up, kept as a consumer note (the seed's "document collection attempts in consumer
notes") that starts with a bracketed summary, so the profile's Notes and Activity tabs read it.

Pages come from the backend (keyset cursors) as the cursor reaches the end; every call runs
in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, RadioSet, Static, TextArea

from cso_tui.formatting import format_date, format_money
from cso_tui.screens.base import (
    ConnectionRestored,
    SessionResumed,
    cso_app,
    describe_error,
    escape_markup,
)
from cso_tui.screens.consumer_list import (
    STATUS_COLOUR,
    NoteScreen,
    PagedTable,
    TickRadio,
    coloured,
    plain_cell,
)
from cso_tui.screens.profile_actions import STRPTIME, parse_date
from cso_tui.services.errors import PermissionDeniedError, SessionExpiredError, ValidationError
from cso_tui.services.schemas import RecoveryRow
from cso_tui.widgets.badges import (
    CONSUMER_STATUS,
    PAYMENT_STANDING,
    Badge,
    badge_for,
)
from cso_tui.widgets.fit_table import Col
from cso_tui.widgets.inputs import OrderedInput
from cso_tui.widgets.kpi import KpiCard

if TYPE_CHECKING:
    from cso_tui.services.schemas import (
        BulkResult,
        ConsumerKpis,
        RecoveryPage,
    )

#: Seconds between refreshes of the cards.
KPI_REFRESH_SECONDS = 60.0

#: Risk buckets (aging: 30 days or fewer low, 31-60 medium, 61-90 high, over 90 critical).
#: The bar grows with the risk, so the label reads without colour too.
RISK: dict[str, Badge] = {
    "none": Badge(" ", "—", "—", "muted"),
    "low": Badge("▂", "Low", "Low", "success"),
    "medium": Badge("▄", "Medium", "Medium", "warning"),
    "high": Badge("▆", "High", "High", "error"),
    "critical": Badge("█", "Critical", "Critical", "error"),
}
RISK_COLOUR = {"low": "green", "medium": "yellow", "high": "orange", "critical": "red"}
#: Health bands (90+ Excellent, 80-89 Good, 70-79 Average, 60-69 Poor, < 60 At Risk).
BAND_COLOUR = {
    "Excellent": "green",
    "Good": "green",
    "Average": "yellow",
    "Poor": "orange",
    "At Risk": "red",
}
ACCOUNT = Col("account", "Account", 8)
NAME = Col("name", "Name", 12, flex=1)
BALANCE = Col("balance", "Balance", 11, right=True)
DAYS = Col("days", "Days", 4, right=True)
RISK_COL = Col("risk", "Risk", 10)
COMPLIANCE = Col("compliance", "Compl.", 6, right=True)
# dropped first when the terminal is narrow: payment, status, health (the risk figures stay)
HEALTH = Col("health", "Health", 13, drop=1)
STATUS = Col("status", "Status", 14, drop=2)
PAYMENT = Col("payment", "Payment", 12, drop=3)
ALL_COLUMNS = (ACCOUNT, NAME, BALANCE, DAYS, RISK_COL, COMPLIANCE, HEALTH, STATUS, PAYMENT)


class RecoveryTable(PagedTable[RecoveryRow]):
    """Collection accounts, one row per account (row key = account no), highest balance
    first."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Profile", id="collections.open"),
    ]
    COLUMNS = ALL_COLUMNS
    SORTED = BALANCE.key

    def row_key(self, row: RecoveryRow) -> str:
        return row.account_no

    def _cell(self, key: str, row: RecoveryRow) -> Text:
        if key == "account":
            return plain_cell(row.account_no)
        if key == "name":
            return plain_cell(row.name)
        if key == "balance":
            return plain_cell(
                format_money(row.balance, self.display_settings.currency_symbol), True
            )
        if key == "days":
            return plain_cell(f"{row.days_past_due:,}", True)
        if key == "risk":
            badge = badge_for(row.risk, RISK)
            return coloured(badge.text(), RISK_COLOUR.get(row.risk), self._colours)
        if key == "compliance":
            if row.compliance is None:
                return Text("—", style="dim", justify="right", end="")
            return plain_cell(f"{row.compliance}%", True)
        if key == "health":
            text = f"{row.health} {row.health_band}"
            return coloured(text, BAND_COLOUR.get(row.health_band), self._colours)
        if key == "status":
            badge = badge_for(row.status, CONSUMER_STATUS)
            return coloured(badge.text(short=True), STATUS_COLOUR.get(row.status), self._colours)
        if key == "payment":
            badge = badge_for(row.payment_standing, PAYMENT_STANDING)
            return Text(badge.text(short=True), style=self._tones.get(badge.tone) or "", end="")
        raise KeyError(key)


class RecoveryScreen(Screen[None]):
    HELP_TITLE = "Collections (recovery)"
    CSS_PATH = "recovery.tcss"
    AUTO_FOCUS = "#recovery"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS = [
        Binding("n", "note", "Log activity", id="collections.note"),
        Binding("r", "refresh", "Refresh", id="collections.refresh"),
        Binding("ctrl+n", "more", "More rows", show=False, id="collections.more"),
        Binding("escape", "back", "Back", show=False, id="collections.back"),
    ]

    class Loaded(Message):
        def __init__(self, seq: int, page: RecoveryPage, append: bool) -> None:
            super().__init__()
            self.seq = seq
            self.page = page
            self.append = append

    class LoadFailed(Message):
        def __init__(self, seq: int, error: BaseException, cursor: str | None) -> None:
            super().__init__()
            self.seq = seq
            self.error = error
            self.cursor = cursor

    class CardsLoaded(Message):
        def __init__(
            self,
            kpis: ConsumerKpis | None,
            past_due: int | None,
            collection: int | None,
            error: BaseException | None,
        ) -> None:
            super().__init__()
            self.kpis = kpis
            self.past_due = past_due
            self.collection = collection
            self.balance = Decimal("0.00")
            self.error = error

    def __init__(self, subtitle: str = "") -> None:
        super().__init__()
        self.sub_title = subtitle or "Collections"
        self.seq = 0
        self.next_cursor: str | None = None
        self.fetching = True
        self.paging = False
        self.failed: tuple[int, str | None] | None = None
        self.cards_loaded = False

    def compose(self) -> ComposeResult:
        app = cso_app(self)
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="recovery-kpis"):
            yield KpiCard("Past due", id="kpi-past-due")
            yield KpiCard("In collection", "Collection", id="kpi-collection")
            yield KpiCard("Balance owed", "Owed", short_sub=False, id="kpi-balance")
        yield Label("Loading collection accounts…", id="recovery-status")
        yield RecoveryTable(app.settings.display, id="recovery")
        yield Footer()

    def on_mount(self) -> None:
        self._compact_cards()
        self.load(self.seq)
        self.load_cards()
        self.set_interval(KPI_REFRESH_SECONDS, self.load_cards)

    def on_resize(self, _event: events.Resize) -> None:
        self._compact_cards()

    def _compact_cards(self) -> None:
        compact = self.size.height < 32
        for card in self.query(KpiCard):
            card.compact = compact

    @property
    def table(self) -> RecoveryTable:
        return self.query_one("#recovery", RecoveryTable)

    # ------------------------------------------------------------ rows

    def reload(self) -> None:
        self.seq += 1
        self.fetching = True
        self.paging = False
        self._status("Loading collection accounts…")
        self.load(self.seq)

    @work(thread=True, exclusive=True, exit_on_error=False, group="recovery-list")
    def load(self, seq: int, cursor: str | None = None) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            page = backend.recovery_accounts(session.token, cursor, app.settings.search_page_size)
        except Exception as exc:
            self.post_message(self.LoadFailed(seq, exc, cursor))
            return
        self.post_message(self.Loaded(seq, page, append=cursor is not None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.seq != self.seq:
            return
        self.failed = None
        self.fetching = False
        self.paging = False
        self.next_cursor = message.page.next_cursor
        if message.append:
            self.table.append_rows(message.page.items)
        else:
            self.table.show_rows(message.page.items)
        self._status_for_rows()
        self.refresh_bindings()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        if message.seq != self.seq:
            return
        self.fetching = False
        self.paging = False
        self.failed = (message.seq, message.cursor)
        error = message.error
        cso_app(self).backend_trouble(error)
        if isinstance(error, SessionExpiredError):
            self._status("Your session ended: log in again.", tone="error")
        elif isinstance(error, PermissionDeniedError):
            self._status(
                f"{escape_markup(error.message)} (the collections list is for recovery "
                "executives, billing, managers and admins)",
                tone="error",
            )
        else:
            self._status(
                f"Cannot load the collection accounts: {escape_markup(describe_error(error))} "
                "(r tries again)",
                tone="error",
            )

    def _status_for_rows(self) -> None:
        count = len(self.table.rows_shown)
        if count == 0:
            self._status("No account is past due or in collection.")
            return
        more = ", more below" if self.next_cursor else ""
        self._status(
            f"{count:,} account{'s' if count != 1 else ''} shown{more} · largest balance first"
            " · enter opens the profile"
        )

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#recovery-status", Label)
        status.update(text)
        status.set_class(tone == "error", "-error")

    @on(DataTable.RowHighlighted, "#recovery")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 1:
            self.action_more()

    def action_more(self) -> None:
        if self.next_cursor is None or self.paging or self.fetching:
            return
        self.paging = True
        self._status("Loading more…")
        self.load(self.seq, self.next_cursor)

    # ------------------------------------------------------------ cards

    @work(thread=True, exclusive=True, exit_on_error=False, group="recovery-cards")
    def load_cards(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            kpis = backend.consumer_kpis(session.token)
            summary = backend.recovery_accounts(session.token, None, 1)
        except Exception as exc:
            self.post_message(self.CardsLoaded(None, None, None, exc))
            return
        message = self.CardsLoaded(kpis, summary.past_due, summary.collection, None)
        message.balance = summary.balance
        self.post_message(message)

    @on(CardsLoaded)
    def _cards_loaded(self, message: CardsLoaded) -> None:
        kpis = message.kpis
        if kpis is None or message.past_due is None or message.collection is None:
            assert message.error is not None
            cso_app(self).backend_trouble(message.error)
            return
        self.cards_loaded = True
        symbol = cso_app(self).settings.display.currency_symbol
        self.query_one("#kpi-past-due", KpiCard).show(
            f"{message.past_due:,}", f"{kpis.percent(message.past_due)}% of accounts"
        )
        self.query_one("#kpi-collection", KpiCard).show(
            f"{message.collection:,}", f"{kpis.percent(message.collection)}% of accounts"
        )
        self.query_one("#kpi-balance", KpiCard).show(
            format_money(message.balance, symbol), "owed by these accounts"
        )

    # ------------------------------------------------------------ actions

    @on(DataTable.RowSelected, "#recovery")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        account_no = event.row_key.value
        if account_no is None:
            return
        app = cso_app(self)
        row = self.table.row_of(account_no)
        if row is not None:
            app.record_usage(
                "Collection_Account_Review",
                {
                    "consumer_id": row.account_no,
                    "balance_amount": str(row.balance),
                    "compliance_score": row.compliance,
                    "days_past_due": row.days_past_due,
                    "risk": row.risk,
                },
            )
        app.open_profile(account_no)

    def action_note(self) -> None:
        row = self.table.highlighted
        if row is None:
            return
        form = CollectionActivityScreen(row)
        self.app.push_screen(form, partial(self._logged, form))

    def _logged(self, form: CollectionActivityScreen, result: BulkResult | None) -> None:
        activity = form.logged
        if result is None or activity is None:
            return
        cso_app(self).record_usage(
            "Collection_Activity_Log",
            {
                "consumer_id": activity.account_no,
                "activity_type": activity.activity_type,
                "outcome": activity.outcome,
                "follow_up_scheduled": activity.follow_up is not None,
                "follow_up_date": activity.follow_up.isoformat() if activity.follow_up else None,
            },
        )
        self.load_cards()

    def action_refresh(self) -> None:
        self.reload()
        self.load_cards()

    def action_back(self) -> None:
        if self.app.screen is self and len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "note":
            return self.table.highlighted is not None
        if action == "more":
            return self.next_cursor is not None
        return True

    # ------------------------------------------------------------ after a pause

    def on_session_resumed(self, _message: SessionResumed) -> None:
        self._retry()

    def on_connection_restored(self, _message: ConnectionRestored) -> None:
        self._retry()

    def _retry(self) -> None:
        failed, self.failed = self.failed, None
        if failed is not None and failed[0] == self.seq:
            if failed[1] is None:
                self.reload()
            else:
                self.paging = True
                self.load(self.seq, failed[1])
        self.load_cards()


# ---------------------------------------------------------------- collection activity log

ACTIVITY_TYPES: tuple[tuple[str, str], ...] = (
    ("call", "Call"),
    ("visit", "Visit"),
    ("letter", "Letter"),
    ("email", "Email"),
    ("sms", "SMS"),
)
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("promise_to_pay", "Promise to pay"),
    ("paid", "Paid"),
    ("no_answer", "No answer"),
    ("disputed", "Disputed"),
    ("refused", "Refused"),
    ("other", "Other"),
)


@dataclass(frozen=True)
class CollectionActivity:
    """One logged attempt; ``note`` is the consumer note that keeps it."""

    account_no: str
    activity_type: str  # a code of ACTIVITY_TYPES
    outcome: str  # a code of OUTCOMES
    follow_up: date | None
    note: str


def activity_note(activity: str, outcome: str, follow_up: str, text: str) -> str:
    """ "[Call · Promise to pay · follow up 12/01/2026] text" (labels and a shown date)."""
    parts = [activity, outcome] + ([f"follow up {follow_up}"] if follow_up else [])
    return f"[{' · '.join(parts)}] {text.strip()}".rstrip()


class CollectionActivityScreen(NoteScreen):
    """Log a collection activity on one account, saved as a note; answers the BulkResult
    (``logged`` then holds what was logged, for the usage event)."""

    HELP_TITLE = "Log collection activity"
    # the note form's look (its type selector matches this subclass), and this form's own
    CSS_PATH = ["consumer_list.tcss", "recovery.tcss"]  # type: ignore[assignment]
    AUTO_FOCUS = "#form-activity_type"
    FIELDS = ("activity_type", "outcome", "follow_up", "body")  # type: ignore[assignment]
    BINDINGS = [
        Binding("ctrl+s", "send", "Save", priority=True, id="collections.log.save"),
        Binding("escape", "cancel", "Cancel", id="collections.log.cancel"),
        Binding("f1", "app.help", "Help", id="collections.log.help"),
    ]

    def __init__(self, row: RecoveryRow) -> None:
        super().__init__([row])
        self.row = row
        self.logged: CollectionActivity | None = None

    def compose(self) -> ComposeResult:
        app = cso_app(self)
        display = app.settings.display
        row = self.row
        example = date(2025, 5, 24).strftime(STRPTIME[display.date_format])
        with Vertical(id="activity-box", classes="modal-box form-box") as box:
            box.border_title = f"Log collection activity · {row.account_no}"
            box.border_subtitle = "ctrl+s save · esc cancel"
            owed = format_money(row.balance, display.currency_symbol)
            days = f"{row.days_past_due:,} day{'s' if row.days_past_due != 1 else ''} past due"
            yield Static(escape_markup(f"{row.name} · {owed} · {days}"), classes="form-note")
            with Horizontal(classes="form-row"):
                yield Label("Activity", classes="field-label")
                with Vertical(classes="form-field"):
                    with RadioSet(id="form-activity_type", compact=True):
                        for index, (_code, label) in enumerate(ACTIVITY_TYPES):
                            yield TickRadio(label, index == 0, id=f"activity-{index}")
                    yield Label("", id="form-activity_type-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("Outcome", classes="field-label")
                with Vertical(classes="form-field"):
                    with RadioSet(id="form-outcome", compact=True):
                        for index, (_code, label) in enumerate(OUTCOMES):
                            yield TickRadio(label, id=f"outcome-{index}")
                    yield Label("", id="form-outcome-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("Follow up", classes="field-label")
                with Vertical(classes="form-field"):
                    yield OrderedInput(
                        placeholder=f"{display.date_format}, e.g. {example} (optional)",
                        id="form-follow_up",
                        max_length=10,
                        compact=True,
                    )
                    yield Label("", id="form-follow_up-error", classes="field-error")
            with Horizontal(classes="form-row body-row"):
                yield Label("Note", classes="field-label")
                with Vertical(classes="form-field"):
                    yield self._body_area()
                    yield Label("", id="form-body-error", classes="field-error")
            yield Static("", id="form-status", classes="form-status")
        yield Footer()

    @on(Input.Submitted, "#form-follow_up")
    def _follow_up_done(self) -> None:
        self.query_one("#form-body", TextArea).focus()

    @on(RadioSet.Changed)
    def _chosen(self, event: RadioSet.Changed) -> None:
        self.confirm_discard = False
        name = (event.radio_set.id or "").removeprefix("form-")
        if name in self.FIELDS:
            self._field_error(name, "")

    def request(self) -> dict[str, Any]:
        def code(name: str, choices: tuple[tuple[str, str], ...]) -> str:
            index = self.query_one(f"#form-{name}", RadioSet).pressed_index
            return choices[index][0] if index >= 0 else ""

        return {
            "activity_type": code("activity_type", ACTIVITY_TYPES),
            "outcome": code("outcome", OUTCOMES),
            "follow_up": self.query_one("#form-follow_up", Input).value,
            "body": self.query_one("#form-body", TextArea).text,
        }

    @property
    def dirty(self) -> bool:
        request = self.request()
        return bool(request["outcome"] or request["follow_up"].strip() or request["body"].strip())

    def activity(self, request: dict[str, Any]) -> CollectionActivity:
        """What the form holds. Raises ValidationError naming the field to fix."""
        display = cso_app(self).settings.display
        labels = dict(ACTIVITY_TYPES)
        outcomes = dict(OUTCOMES)
        if request["activity_type"] not in labels:
            raise ValidationError("activity_type", "Pick what was done: call, visit, ...")
        if request["outcome"] not in outcomes:
            raise ValidationError("outcome", "Pick the outcome (Other when none fits).")
        follow_up = parse_date("follow_up", request["follow_up"], display)
        if follow_up is not None:
            today = datetime.now(ZoneInfo(display.timezone)).date()
            if follow_up < today:
                raise ValidationError(
                    "follow_up",
                    f"The follow-up date is in the past (today is {format_date(today, display)}).",
                )
        note = activity_note(
            labels[request["activity_type"]],
            outcomes[request["outcome"]],
            format_date(follow_up, display) if follow_up else "",
            request["body"],
        )
        return CollectionActivity(
            self.row.account_no, request["activity_type"], request["outcome"], follow_up, note
        )

    def call(self, token: str, request: dict[str, Any], key: str) -> BulkResult:
        from cso_tui.services.schemas import BulkResult

        backend = cso_app(self).backend
        assert backend is not None
        activity = self.activity(request)
        backend.add_note(token, activity.account_no, activity.note, key)
        self.logged = activity
        return BulkResult(done=1, account_nos=[activity.account_no])

    def done_text(self, result: BulkResult) -> str:
        return f"Collection activity logged on {self.row.account_no}."
