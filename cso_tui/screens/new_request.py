"""Create a disconnection or reconnection request (seed 003 "Create Disconnect request form"),
keyboard only: find and verify the customer (partial name, account no or phone); the profile
is held while the request is made (another user is told who holds it; the hold lapses if
the form is abandoned); the request type follows the customer's status; then the reason
(from the settings, with its code, priority, description and approval flag), the preferred
date (not in the past), a time slot (from the settings), notes (at most 250 characters) and
the notify box (ticked). ctrl+s reviews it read-only; ctrl+s there submits. The receipt
shows the new request ID and can be printed (p) or saved as PDF and text (d); n adds
another request; enter opens the new request.

The service layer decides everything; the form mirrors only "required" to mark fields before
a round trip. What was typed is kept when a save fails.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from cso_tui import documents
from cso_tui.formatting import format_date
from cso_tui.screens.base import (
    Debouncer,
    after_typing,
    cso_app,
    describe_error,
    escape_markup,
    focus_now,
)
from cso_tui.screens.profile_actions import parse_date
from cso_tui.services.errors import ConflictError, ValidationError
from cso_tui.services.schemas import NewDisconnectionRequest
from cso_tui.widgets.badges import CONSUMER_STATUS, PRIORITY, VIP_LABEL, badge_for
from cso_tui.widgets.field_grid import FieldGrid
from cso_tui.widgets.inputs import OrderedInput

if TYPE_CHECKING:
    from cso_tui.services.schemas import (
        ConsumerHit,
        DisconnectionRequestOut,
        DisconnectionSettings,
        ReasonOut,
        SearchPage,
    )

NOTES_MAX = 250
RESULTS = 8
#: Minutes between renewals of the profile hold while the form is open (it lapses after
#: the ``consumer_lock_minutes`` setting, 15 by default).
RENEW_MINUTES = 5
LOCK_PURPOSE = "disconnection request"
FIELDS = ("customer", "reason_code", "preferred_date", "time_slot", "notes")


def request_type_of(status: str) -> str:
    """Seed 003: an inactive consumer gets a reconnection request, anyone else a disconnection
    request (the service layer decides; this labels the form)."""
    return "reconnection" if status == "inactive" else "disconnection"


def customer_fields(hit: ConsumerHit) -> list[tuple[str, str]]:
    return [
        ("Customer name", hit.name + (f"  {VIP_LABEL}" if hit.vip else "")),
        ("Account number", hit.account_no),
        ("Customer type", hit.category.title()),
        ("Service address", hit.service_address),
        ("Phone", hit.phone or "--"),
        ("Email", hit.email or "--"),
        ("Status", badge_for(hit.status, CONSUMER_STATUS).label),
    ]


def reason_option(reason: ReasonOut) -> str:
    return f"{reason.code}  {reason.name} ({PRIORITY[reason.priority].label})"


class NewRequestScreen(Screen[str | None]):
    """Answers the new request's number (opened by the caller), or None."""

    HELP_TITLE = "New disconnection request"
    CSS_PATH = "new_request.tcss"
    AUTO_FOCUS = "#customer-search"
    DEBOUNCE = 0.3

    BINDINGS = [
        Binding("ctrl+s", "review", "Review", priority=True, id="new_request.review"),
        Binding("escape", "cancel", "Cancel", id="new_request.cancel"),
        # priority: the scrolling form would take down for itself
        Binding(
            "down", "to_results", "Results", show=False, priority=True, id="new_request.results"
        ),
    ]

    class Found(Message):
        def __init__(self, seq: int, page: SearchPage | None, error: BaseException | None):
            super().__init__()
            self.seq = seq
            self.page = page
            self.error = error

    class Locked(Message):
        def __init__(self, hit: ConsumerHit, error: BaseException | None) -> None:
            super().__init__()
            self.hit = hit
            self.error = error

    class SettingsLoaded(Message):
        def __init__(self, settings: DisconnectionSettings | None, error: BaseException | None):
            super().__init__()
            self.settings = settings
            self.error = error

    def __init__(self, account_no: str | None = None) -> None:
        super().__init__()
        self.sub_title = "New disconnection / reconnection request"
        self.first_account = account_no
        self.hits: list[ConsumerHit] = []
        self.customer: ConsumerHit | None = None
        self.settings: DisconnectionSettings | None = None
        self.seq = 0
        self._debounce = Debouncer(self, self.DEBOUNCE, self._search_now)
        self.keys: dict[str, str] = {}  # request body -> idempotency key (a retry is not twice)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        with VerticalScroll(id="new-request"):
            yield Static("1  Customer: search and verify", classes="section")
            with Horizontal(classes="form-row"):
                yield Label("Find", classes="field-label")
                with Vertical(classes="form-field"):
                    yield OrderedInput(
                        self.first_account or "",
                        placeholder="name, account no or phone (part of it is enough)",
                        id="customer-search",
                        max_length=100,
                        compact=True,
                    )
                    yield Label("", id="customer-error", classes="field-error")
            yield OptionList(id="customer-results")
            yield FieldGrid(id="customer-card")
            yield Static("", id="request-type")
            yield Static("2  Request details", classes="section")
            with Horizontal(classes="form-row"):
                yield Label("Reason", classes="field-label")
                with Vertical(classes="form-field"):
                    yield Select[str](
                        [], prompt="Pick the reason (from the settings)", compact=True,
                        id="reason_code",
                    )  # fmt: skip
                    yield Static("", id="reason-info")
                    yield Label("", id="reason_code-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("Date", classes="field-label")
                with Vertical(classes="form-field"):
                    yield OrderedInput(
                        placeholder="preferred date", id="preferred_date", max_length=10,
                        compact=True,
                    )  # fmt: skip
                    yield Label("", id="preferred_date-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("Time slot", classes="field-label")
                with Vertical(classes="form-field"):
                    yield Select[str]([], prompt="Pick a time slot", compact=True, id="time_slot")
                    yield Label("", id="time_slot-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("Notes", classes="field-label")
                with Vertical(classes="form-field"):
                    yield OrderedInput(
                        placeholder=f"optional, at most {NOTES_MAX} characters, text only",
                        id="notes",
                        max_length=NOTES_MAX,
                        compact=True,
                    )
                    yield Label(f"0/{NOTES_MAX}", id="notes-count")
                    yield Label("", id="notes-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("", classes="field-label")
                yield Checkbox("Notify the customer by email", True, id="notify", compact=True)
        yield Static("", id="new-request-status", classes="form-status")
        yield Footer()

    def on_mount(self) -> None:
        display = cso_app(self).settings.display
        self.query_one(
            "#preferred_date", Input
        ).placeholder = f"preferred date, {display.date_format} (not in the past)"
        self.query_one("#customer-results", OptionList).display = False
        self.query_one("#customer-card", FieldGrid).display = False
        self.load_settings()
        self.set_interval(RENEW_MINUTES * 60, self.renew)
        if self.first_account:
            self._search_now()

    # ------------------------------------------------------------ settings

    @work(thread=True, exclusive=True, exit_on_error=False, group="new-request-settings")
    def load_settings(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            settings = backend.disconnection_settings(session.token)
        except Exception as exc:
            self.post_message(self.SettingsLoaded(None, exc))
            return
        self.post_message(self.SettingsLoaded(settings, None))

    @on(SettingsLoaded)
    def _settings_loaded(self, message: SettingsLoaded) -> None:
        if message.settings is None:
            assert message.error is not None
            cso_app(self).backend_trouble(message.error)
            self._status(
                f"Cannot load the reasons and time slots: {describe_error(message.error)}",
                "error",
            )
            return
        self.settings = message.settings
        slots = self.query_one("#time_slot", Select)
        slots.set_options([(s.label, s.label) for s in message.settings.time_slots])
        self._fill_reasons()

    def _fill_reasons(self) -> None:
        if self.settings is None:
            return
        kind = request_type_of(self.customer.status) if self.customer else None
        reasons = [r for r in self.settings.reasons if kind is None or r.applies_to == kind]
        select = self.query_one("#reason_code", Select)
        keep = select.value
        select.set_options([(reason_option(r), r.code) for r in reasons])
        if keep != Select.NULL and any(r.code == keep for r in reasons):
            select.value = keep

    @on(Select.Changed, "#reason_code")
    def _reason_changed(self, event: Select.Changed) -> None:
        info = self.query_one("#reason-info", Static)
        reason = self._reason(event.value)
        if reason is None:
            info.update("")
            return
        approval = "needs approval" if reason.requires_approval else "no approval needed"
        info.update(
            Text(
                f"{reason.code} · {PRIORITY[reason.priority].text()} priority · {approval}\n"
                f"{reason.description}",
                style="dim",
            )
        )

    def _reason(self, code: object) -> ReasonOut | None:
        if self.settings is None:
            return None
        return next((r for r in self.settings.reasons if r.code == code), None)

    # ------------------------------------------------------------ customer

    @on(Input.Changed, "#customer-search")
    def _term_changed(self, _event: Input.Changed) -> None:
        self.seq += 1
        self._debounce.poke()

    def _search_now(self) -> None:
        seq = self.seq
        term = self.query_one("#customer-search", Input).value.strip()
        if not term:
            self._show_hits([])
            return
        self.search(seq, term)

    @work(thread=True, exclusive=True, exit_on_error=False, group="new-request-search")
    def search(self, seq: int, term: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            page = backend.search_consumers(session.token, term, None, RESULTS)
        except Exception as exc:
            self.post_message(self.Found(seq, None, exc))
            return
        self.post_message(self.Found(seq, page, None))

    @on(Found)
    def _found(self, message: Found) -> None:
        if message.seq != self.seq:
            return
        if message.page is None:
            assert message.error is not None
            cso_app(self).backend_trouble(message.error)
            self._field_error("customer", f"Search failed: {describe_error(message.error)}")
            return
        self._field_error("customer", "")
        self._show_hits(message.page.items)
        if not message.page.items:
            self._field_error("customer", "No customer matches: check the spelling or number.")
        elif self.first_account and len(message.page.items) == 1:
            self.first_account = None
            self.choose(message.page.items[0])

    def _show_hits(self, hits: list[ConsumerHit]) -> None:
        self.hits = hits
        results = self.query_one("#customer-results", OptionList)
        results.clear_options()
        for hit in hits:
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(f"{hit.account_no}  ", style="bold")
            label.append(hit.name + (f" {VIP_LABEL}" if hit.vip else ""))
            label.append(f"  {badge_for(hit.status, CONSUMER_STATUS).text(short=True)}")
            label.append(f"  {hit.service_address}", style="dim")
            results.add_option(Option(label, id=hit.account_no))
        results.display = bool(hits)
        if hits:
            results.highlighted = 0

    def action_to_results(self) -> None:
        results = self.query_one("#customer-results", OptionList)
        if self.focused is self.query_one("#customer-search") and results.display:
            focus_now(results)
        else:
            from textual.actions import SkipAction

            raise SkipAction()

    @on(Input.Submitted, "#customer-search")
    def _search_submitted(self) -> None:
        if len(self.hits) == 1:
            self.choose(self.hits[0])
        elif self.hits:
            focus_now(self.query_one("#customer-results", OptionList))

    @on(OptionList.OptionSelected, "#customer-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        hit = next((h for h in self.hits if h.account_no == event.option.id), None)
        if hit is not None:
            self.choose(hit)

    def choose(self, hit: ConsumerHit) -> None:
        """Verify the customer: hold their profile, then fill the card."""
        self._status(f"Holding {hit.account_no}'s profile…")
        self.hold(hit)

    @work(thread=True, exclusive=True, exit_on_error=False, group="new-request-lock")
    def hold(self, hit: ConsumerHit) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            previous = self.customer
            backend.lock_consumer(session.token, hit.account_no, LOCK_PURPOSE)
            if previous is not None and previous.account_no != hit.account_no:
                backend.release_consumer(session.token, previous.account_no)
        except Exception as exc:
            self.post_message(self.Locked(hit, exc))
            return
        self.post_message(self.Locked(hit, None))

    @on(Locked)
    def _locked(self, message: Locked) -> None:
        if message.error is not None:
            cso_app(self).backend_trouble(message.error)
            why = (
                message.error.message
                if isinstance(message.error, ConflictError)
                else describe_error(message.error)
            )
            self._field_error("customer", why)
            self._status("")
            return
        hit = message.hit
        self.customer = hit
        self._field_error("customer", "")
        self.query_one("#customer-results", OptionList).display = False
        card = self.query_one("#customer-card", FieldGrid)
        card.show(customer_fields(hit))
        card.display = True
        kind = request_type_of(hit.status)
        self.query_one("#request-type", Static).update(
            Text.assemble(
                ("Request type  ", "dim"),
                (f"{kind.title()} Request", "bold"),
                (f"  (the customer is {badge_for(hit.status, CONSUMER_STATUS).label})", "dim"),
            )
        )
        self._fill_reasons()
        self._status(f"{hit.name}'s profile is held for you while you make the request.", "ok")
        focus_now(self.query_one("#reason_code", Select))

    def renew(self) -> None:
        if self.customer is not None:
            self.renew_lock(self.customer.account_no)

    @work(thread=True, exit_on_error=False, group="new-request-renew")
    def renew_lock(self, account_no: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            backend.lock_consumer(session.token, account_no, LOCK_PURPOSE)
        except Exception as exc:  # shown when submitting, if it matters then
            self.log.warning(f"renewing the hold on {account_no}: {exc}")

    # ------------------------------------------------------------ notes counter

    @on(Input.Changed, "#notes")
    def _notes_changed(self, event: Input.Changed) -> None:
        self.query_one("#notes-count", Label).update(f"{len(event.value)}/{NOTES_MAX}")

    # ------------------------------------------------------------ review and submit

    def chosen(self) -> NewDisconnectionRequest:
        """The request the form shows; ValidationError names the first field to fix."""
        display = cso_app(self).settings.display
        if self.customer is None:
            raise ValidationError("customer", "Find and pick the customer first.")
        reason = self.query_one("#reason_code", Select).value
        if reason == Select.NULL:
            raise ValidationError("reason_code", "Pick the reason for the request.")
        day = parse_date("preferred_date", self.query_one("#preferred_date", Input).value, display)
        if day is None:
            raise ValidationError("preferred_date", "Preferred date is required.")
        slot = self.query_one("#time_slot", Select).value
        if slot == Select.NULL:
            raise ValidationError("time_slot", "Pick a time slot.")
        notes = self.query_one("#notes", Input).value.strip() or None
        return NewDisconnectionRequest(
            account_no=self.customer.account_no,
            reason_code=str(reason),
            preferred_date=day,
            time_slot=str(slot),
            notes=notes,
            notify_customer=self.query_one("#notify", Checkbox).value,
        )

    def action_review(self) -> None:
        # a priority key runs as it arrives: read the fields behind the keys typed before it
        after_typing(self, self._review)

    def _review(self) -> None:
        for name in FIELDS:
            self._field_error(name, "")
        try:
            request = self.chosen()
        except ValidationError as exc:
            self.show_error(exc)
            return
        self._status("")
        assert self.customer is not None
        body = json.dumps(request.model_dump(mode="json"), sort_keys=True)
        key = self.keys.setdefault(body, str(uuid.uuid4()))
        reason = self._reason(request.reason_code)
        self.app.push_screen(ReviewScreen(request, self.customer, reason, key), self._reviewed)

    def _reviewed(self, outcome: DisconnectionRequestOut | BaseException | None) -> None:
        if outcome is None:
            self._status("Not submitted: change what you need, then ctrl+s to review again.")
            return
        if isinstance(outcome, BaseException):
            if isinstance(outcome, ValidationError):
                self.show_error(outcome)
            else:
                self._status(escape_markup(describe_error(outcome)), "error")
            return
        assert self.customer is not None
        customer = self.customer
        self.customer = None  # made: the service layer let the hold go
        self.keys.clear()
        self.app.push_screen(ReceiptScreen(outcome, customer), self._after_receipt)

    def _after_receipt(self, choice: str | None) -> None:
        if choice is None:
            return
        if choice == "another":
            self.app.pop_screen()
            cso_app(self).new_request()
        else:
            self.dismiss(choice)

    def show_error(self, error: ValidationError) -> None:
        field = error.field if error.field in FIELDS else None
        if field is None and error.field == "account_no":
            field = "customer"
        if field is None:
            self._status(escape_markup(error.message), "error")
            return
        self._field_error(field, error.message)
        target = "#customer-search" if field == "customer" else f"#{field}"
        focus_now(self.query_one(target))
        self._status("Fix the field marked above, then ctrl+s.", "error")

    def _field_error(self, field: str, message: str) -> None:
        label = self.query_one(f"#{field}-error", Label)
        label.update(escape_markup(message))
        label.set_class(bool(message), "-shown")

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#new-request-status", Static)
        status.update(text)
        status.set_class(tone == "error", "-error")
        status.set_class(tone == "ok", "-ok")

    def action_cancel(self) -> None:
        if self.customer is not None:
            self.release(self.customer.account_no)
        self.dismiss(None)

    @work(thread=True, exit_on_error=False, group="new-request-release")
    def release(self, account_no: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            backend.release_consumer(session.token, account_no)
        except Exception as exc:  # the hold lapses by itself
            self.log.warning(f"releasing {account_no}: {exc}")


class ReviewScreen(ModalScreen["DisconnectionRequestOut | BaseException | None"]):
    """The read-only summary, the notify box's state, and Submit (ctrl+s)."""

    HELP_TITLE = "Review the request"
    CSS_PATH = "new_request.tcss"

    BINDINGS = [
        Binding("ctrl+s,enter", "submit", "Submit request", priority=True, id="review.submit"),
        Binding("escape", "back", "Back to the form", id="review.back"),
    ]

    class Submitted(Message):
        def __init__(
            self, out: DisconnectionRequestOut | None, error: BaseException | None
        ) -> None:
            super().__init__()
            self.out = out
            self.error = error

    def __init__(
        self,
        request: NewDisconnectionRequest,
        customer: ConsumerHit,
        reason: ReasonOut | None,
        key: str,
    ) -> None:
        super().__init__()
        self.request = request
        self.customer = customer
        self.reason = reason
        self.key = key
        self.sending = False

    def compose(self) -> ComposeResult:
        display = cso_app(self).settings.display
        r = self.request
        kind = request_type_of(self.customer.status)
        reason = f"{self.reason.name} ({self.reason.code})" if self.reason else r.reason_code
        day = format_date(r.preferred_date, display) if r.preferred_date else ""
        with VerticalScroll(id="review-box", classes="modal-box") as box:
            box.border_title = "Review and submit"
            box.border_subtitle = "ctrl+s submits · esc goes back to edit"
            yield Static("Customer information", classes="section")
            yield FieldGrid(customer_fields(self.customer)[:5], columns=1)
            yield Static("Request details", classes="section")
            yield FieldGrid(
                [
                    ("Request type", f"{kind.title()} Request"),
                    ("Reason", reason),
                    ("Scheduled date", day),
                    ("Time slot", r.time_slot or ""),
                    ("Notes", r.notes or "--"),
                    (
                        "Notify customer",
                        "[X] Yes, by email" if r.notify_customer else "[ ] No: nothing is sent",
                    ),
                ],
                columns=1,
            )
            yield Static("", id="review-status", classes="form-status")
        yield Footer()

    def action_submit(self) -> None:
        if self.sending:
            return
        self.sending = True
        status = self.query_one("#review-status", Static)
        status.update("Submitting…")
        self.submit()

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-submit")
    def submit(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            out = backend.create_disconnection_request(session.token, self.request, self.key)
        except Exception as exc:
            self.post_message(self.Submitted(None, exc))
            return
        self.post_message(self.Submitted(out, None))

    @on(Submitted)
    def _submitted(self, message: Submitted) -> None:
        self.sending = False
        if message.out is not None:
            cso_app(self).record_usage(
                "Disconnection_Request_Created",
                {"request_type": message.out.request_type, "reason_code": message.out.reason_code},
            )
            self.dismiss(message.out)
            return
        error = message.error
        assert error is not None
        cso_app(self).backend_trouble(error)
        if isinstance(error, (ValidationError, ConflictError)):
            self.dismiss(error)  # back to the form, the field marked
            return
        status = self.query_one("#review-status", Static)
        status.update(
            f"Not submitted: {escape_markup(describe_error(error))} Nothing was lost: "
            "ctrl+s tries again."
        )
        status.add_class("-error")

    def action_back(self) -> None:
        self.dismiss(None)


class ReceiptScreen(ModalScreen[str | None]):
    """The new request's receipt: print (p), save as PDF and text (d), add another (n), or
    open the request (enter)."""

    HELP_TITLE = "Request submitted"
    CSS_PATH = "new_request.tcss"

    BINDINGS = [
        Binding("enter", "open", "Open the request", priority=True, id="receipt.open"),
        Binding("p", "print", "Print", id="receipt.print"),
        Binding("d", "download", "Save PDF + text", id="receipt.download"),
        Binding("n", "another", "Add another", id="receipt.another"),
        Binding("escape", "open", "Done", show=False, id="receipt.done"),
    ]

    class Saved(Message):
        def __init__(self, text: str, error: BaseException | None) -> None:
            super().__init__()
            self.text = text
            self.error = error

    def __init__(self, out: DisconnectionRequestOut, customer: ConsumerHit) -> None:
        super().__init__()
        self.out = out
        self.customer = customer

    def lines(self) -> list[str]:
        display = cso_app(self).settings.display
        return documents.receipt_lines(self.out, customer_fields(self.customer)[:6], display)

    def compose(self) -> ComposeResult:
        with Vertical(id="receipt-box", classes="modal-box") as box:
            box.border_title = f"✓ Submitted: {self.out.request_no}"
            box.border_subtitle = "p print · d save PDF + text · n add another · enter open"
            with VerticalScroll(id="receipt-scroll"):
                yield Static(Text("\n".join(self.lines()), no_wrap=True), id="receipt-text")
            yield Static("", id="receipt-status", classes="form-status")
        yield Footer()

    def _files(self, kinds: tuple[str, ...]) -> list[str]:
        lines = self.lines()
        stem = f"receipt-{self.out.request_no}"
        folder = documents.document_directory()
        written = []
        for kind in kinds:
            if kind == "pdf":
                data = documents.pdf_document(f"Receipt {self.out.request_no}", lines)
            else:
                data = documents.text_document(lines).encode("utf-8")
            written.append(str(documents.write_new(folder, stem, f".{kind}", data)))
        return written

    @work(thread=True, exclusive=True, exit_on_error=False, group="receipt-files")
    def save(self, printing: bool) -> None:
        try:
            if printing:
                (path,) = self._files(("txt",))
                try:
                    said = documents.print_text(Path(path))
                except OSError as exc:
                    said = f"Not printed ({exc}): the receipt is saved as {path} to print."
            else:
                pdf, txt = self._files(("pdf", "txt"))
                said = f"Saved {pdf} and {txt}."
        except OSError as exc:
            self.post_message(self.Saved("", exc))
            return
        self.post_message(self.Saved(said, None))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        status = self.query_one("#receipt-status", Static)
        if message.error is not None:
            status.update(f"Not saved: {escape_markup(str(message.error))}")
            status.add_class("-error")
            return
        status.remove_class("-error")
        status.update(escape_markup(message.text))

    def action_print(self) -> None:
        self.query_one("#receipt-status", Static).update("Printing…")
        self.save(True)

    def action_download(self) -> None:
        self.query_one("#receipt-status", Static).update("Saving…")
        self.save(False)

    def action_another(self) -> None:
        self.dismiss("another")

    def action_open(self) -> None:
        self.dismiss(self.out.request_no)
