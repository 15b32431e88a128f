"""The work tabs of a disconnection request (seed 003): Final bill and Disconnect.

Final bill: one block per utility (meter no checked against the account, the device and
last reading filled in, the final reading and its date), Generate bill (ctrl+s; again to
discard the draft and generate a new one), Discard, Print bill (a PDF, saved), Approve and
send (asks first: it locks the bill). Disconnect: unassign or remove the meters, each
utility's device no (checked, the meter no filled in), the service order (checked: who,
when, approved by), the closure checklist with its live n/N counter, Execute Disconnection
(enabled once the order is valid and enough items are ticked).

Both only ask the service layer, from workers; its messages land on the field they name.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, RadioSet, Static

from cso_tui import documents
from cso_tui.formatting import format_date, format_money
from cso_tui.screens.base import after_typing, cso_app, describe_error, escape_markup, focus_now
from cso_tui.screens.consumer_list import TickBox, TickRadio
from cso_tui.screens.profile_actions import parse_date
from cso_tui.services.errors import ConflictError, NotFoundError, ValidationError
from cso_tui.services.schemas import ExecuteDisconnection, FinalReadingIn
from cso_tui.widgets.inputs import OrderedInput

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings
    from cso_tui.services.schemas import (
        DisconnectionSettings,
        FinalBillOut,
        FinalBillView,
        MeterCheckOut,
        ServiceOrderCheckOut,
    )


class Done(Message):
    """A worker's answer: ``what`` it was, its result or its error."""

    def __init__(self, what: str, result: Any, error: BaseException | None) -> None:
        super().__init__()
        self.what = what
        self.result = result
        self.error = error


class WorkPane(VerticalScroll):
    """A tab's content that asks the backend in workers and marks errors on fields."""

    def __init__(self, request_no: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.request_no = request_no

    @property
    def display_settings(self) -> DisplaySettings:
        return cso_app(self).settings.display

    @work(thread=True, exit_on_error=False, group="request-work")
    def ask(self, what: str, call: str, *args: Any) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            result = getattr(backend, call)(session.token, self.request_no, *args)
        except Exception as exc:
            self.post_message(Done(what, None, exc))
            return
        self.post_message(Done(what, result, None))

    def field_error(self, name: str, message: str) -> None:
        for label in self.query(f"#{name}-error"):
            if isinstance(label, Label):
                label.update(escape_markup(message))
                label.set_class(bool(message), "-shown")

    def info(self, box_id: str, text: Text | str) -> None:
        """The line under a box saying what its check found (hidden while empty)."""
        widget = self.query_one(f"#{box_id}-info", Static)
        widget.update(text)
        widget.set_class(not str(text), "-empty")

    def only_note(self, text: str) -> None:
        """The tab does not apply to this request: say so, and show nothing else."""
        for child in self.children:
            child.display = False
        status = self.query_one(".pane-status", Static)
        status.display = True
        status.update(text)

    def clear_errors(self) -> None:
        for label in self.query(".field-error"):
            if isinstance(label, Label):
                label.update("")
                label.remove_class("-shown")

    def status(self, text: str, tone: str = "") -> None:
        label = self.query_one(".pane-status", Static)
        label.update(escape_markup(text))
        label.set_class(tone == "error", "-error")
        label.set_class(tone == "ok", "-ok")
        if text:
            label.scroll_visible(animate=False)  # the outcome in sight, wherever the focus is

    #: a service field name -> the box (id) its refusals show under
    FIELD_BOXES: dict[str, str] = {}

    def mark(self, error: ValidationError) -> bool:
        """Show a refusal under the box of the field it names, the focus there; False when
        no box here has that field."""
        box = self.FIELD_BOXES.get(error.field or "")
        if box is None:
            return False
        self.field_error(box, error.message)
        focus_now(self.query_one(f"#{box}"))
        self.status("Fix the field marked above, then ctrl+s.", "error")
        return True

    def trouble(self, error: BaseException, what: str) -> None:
        cso_app(self).backend_trouble(error)
        if isinstance(error, ConflictError | NotFoundError | ValidationError):
            self.status(error.message, "error")
        else:
            self.status(f"{what}: {describe_error(error)} Nothing typed is lost.", "error")


def field_row(
    label: str, box_id: str, placeholder: str, max_length: int = 20, value: str = ""
) -> Horizontal:
    """A labelled box with an info line under it (what the check found) and its error."""
    return Horizontal(
        Label(label, classes="work-label"),
        Vertical(
            OrderedInput(
                value, placeholder=placeholder, id=box_id, max_length=max_length, compact=True
            ),
            Static("", id=f"{box_id}-info", classes="work-info -empty"),
            Label("", id=f"{box_id}-error", classes="field-error"),
            classes="work-field",
        ),
        classes="work-row",
    )


# ---------------------------------------------------------------- final bill


def bill_lines(bill: FinalBillOut, display: DisplaySettings) -> list[str]:
    """The final bill as text lines (the screen's summary and the PDF)."""
    money = display.currency_symbol

    def amount(value: Decimal) -> str:
        return format_money(value, money).rjust(14)

    rows = [
        f"FINAL BILL {bill.invoice_no}".ljust(40) + ("APPROVED" if bill.locked else "DRAFT"),
        f"Request {bill.request_no} · billing period {bill.period_label}",
        f"Issued {format_date(bill.issue_date, display)} · "
        f"due {format_date(bill.due_date, display)}",
        "",
    ]
    for line in bill.lines:
        m = line.meter
        prev = "--" if m.previous_reading is None else f"{m.previous_reading:,}"
        rows.append(f"{m.utility.title()} {m.meter_no} ({m.device_no}, {m.meter_type})")
        rows.append(f"  {prev} -> {line.reading:,} on {format_date(line.reading_date, display)}:"
                    f" {line.usage:,} {m.unit}")  # fmt: skip
        rows.append(f"  fixed {format_money(line.fixed, money)} + usage "
                    f"{format_money(line.usage_charge, money)} + tax "
                    f"{format_money(line.tax, money)}".ljust(52) + amount(line.total))  # fmt: skip
    applied = f"-{format_money(bill.deposit_applied, money)}" if bill.use_deposit else "--"
    rows += [
        "",
        "Billed amount".ljust(52) + amount(bill.billed),
        "Outstanding amount".ljust(52) + amount(bill.outstanding),
        "Security deposit applied".ljust(52) + applied.rjust(14),
        "Final amount due".ljust(52) + amount(bill.final_due),
        "",
        f"Original deposit {format_money(bill.deposit, money)} · applied to bill: "
        f"{'Yes' if bill.use_deposit else 'No'}"
        + (
            f" · refund due {format_money(bill.deposit_refund, money)}"
            if bill.deposit_refund
            else ""
        ),
    ]
    return rows


class ConfirmScreen(ModalScreen[bool]):
    """A yes / no question for an action that cannot be undone."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 60; max-width: 100%; height: auto; border: round $warning; padding: 0 1;
        background: $surface;
        &:ansi { border: round ansi_yellow; background: ansi_default; }
    }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", priority=True, id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", priority=True, id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Confirm"
            yield Static(self.question)
            yield Static("y / enter: yes · n / esc: no")
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class FinalBillPane(WorkPane):
    """Seed 003 "Final bill"."""

    BINDINGS = [
        Binding("ctrl+s", "generate", "Generate bill", priority=True, id="request.bill.generate"),
    ]

    def __init__(self, request_no: str, *, id: str | None = None) -> None:
        super().__init__(request_no, id=id)
        self.view: FinalBillView | None = None
        self.meters: dict[str, MeterCheckOut] = {}  # utility -> checked meter

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="bill-utilities", classes="work-note")
        yield Vertical(id="bill-inputs")
        with Horizontal(classes="work-buttons"):
            yield Button("Generate bill ^s", id="bill-generate", compact=True)
            yield Button("Discard", id="bill-discard", compact=True)
            yield Button("Print (PDF)", id="bill-print", compact=True)
            yield Button("Approve and send", id="bill-approve", compact=True, variant="warning")
        yield Static("", classes="pane-status")
        yield Static("", id="bill-summary")

    def start(self, request_type: str = "disconnection") -> None:
        """Called by the request's screen the first time the tab is shown, the request read
        (its clock is the service's: the reading date defaults to the office's today by it)."""
        if request_type != "disconnection":
            self.only_note("A reconnection request has no final bill.")
            return
        self.refresh_bill()

    def refresh_bill(self) -> None:
        self.ask("view", "get_final_bill")

    async def _build_inputs(self, utilities: list[str]) -> None:
        box = self.query_one("#bill-inputs", Vertical)
        if [w.id for w in box.query(Input)] == [
            f"bill-{u}-{part}" for u in utilities for part in ("meter", "reading", "date")
        ]:
            return
        await box.remove_children()
        # the office's today by the service's clock (the request was just read with it)
        zone = ZoneInfo(self.display_settings.timezone)
        detail = getattr(self.screen, "detail", None)
        now = detail.evaluated_at if detail is not None else datetime.now(zone)
        today = format_date(now.astimezone(zone).date(), self.display_settings)
        for utility in utilities:
            fields = [
                field_row("Meter no", f"bill-{utility}-meter", "the meter number on the account"),
                field_row("Last reading", f"bill-{utility}-reading",
                          "greater than the previous reading"),
                field_row("Reading date", f"bill-{utility}-date",
                          f"{self.display_settings.date_format}, not future", value=today),
            ]  # fmt: skip
            rows = Vertical(Static(f"{utility.title()} meter", classes="section"), *fields,
                            classes="bill-utility")  # fmt: skip
            # one mount per utility, the date already in: nothing to look up afterwards (the
            # screen may be gone by then, closed as it opened)
            await box.mount(rows)

    @on(Done)
    async def _done(self, message: Done) -> None:
        message.stop()
        if message.error is not None:
            self._failed(message.what, message.error)
            return
        if message.what == "view":
            self.view = message.result
            assert self.view is not None
            self.query_one("#bill-utilities", Static).update(
                "Enter each meter's final reading, then Generate bill (ctrl+s)."
                if self.view.utilities
                else "This account has no meter to bill."
            )
            await self._build_inputs(self.view.utilities)
            self._show(self.view.bill)
        elif message.what.startswith("meter:"):
            utility = message.what.split(":", 1)[1]
            check: MeterCheckOut = message.result
            self.meters[utility] = check
            prev = ("no reading yet" if check.previous_reading is None else
                    f"last {check.previous_reading:,} {check.unit} on "
                    f"{format_date(check.previous_date, self.display_settings)}"
                    if check.previous_date else f"last {check.previous_reading:,}")  # fmt: skip
            self.info(
                f"bill-{utility}-meter",
                Text(f"Device {check.device_no} · {check.meter_type} · {prev}", style="dim"),
            )
            self.field_error(f"bill-{utility}-meter", "")
        elif message.what in ("draft", "approve"):
            bill: FinalBillOut = message.result
            if self.view is not None:
                self.view = self.view.model_copy(update={"bill": bill})
            self._show(bill)
            if message.what == "approve":
                self.status(f"Approved and locked. {bill.notification or ''}", "ok")
            else:
                self.status(f"Draft {bill.invoice_no} generated: check it, then approve.", "ok")
        elif message.what == "discard":
            self.view = message.result
            self._show(None)
            self.status("Draft discarded.", "ok")

    def _failed(self, what: str, error: BaseException) -> None:
        if isinstance(error, ValidationError) and error.field:
            field = error.field
            if what.startswith("meter:"):
                self.field_error(f"bill-{what.split(':', 1)[1]}-meter", error.message)
                return
            if field.startswith("readings.") and self.view is not None:
                index, name = field.split(".")[1:3]
                utility = self._order()[int(index)]
                part = {"meter_no": "meter", "reading": "reading", "reading_date": "date"}[name]
                self.field_error(f"bill-{utility}-{part}", error.message)
                focus_now(self.query_one(f"#bill-{utility}-{part}", Input))
                self.status("Fix the field marked above, then ctrl+s.", "error")
                return
        self.trouble(error, "Not done")

    def _show(self, bill: FinalBillOut | None) -> None:
        locked = bill is not None and bill.locked
        for button_id, shown in (
            ("#bill-generate", not locked),
            ("#bill-discard", bill is not None and not locked),
            ("#bill-print", bill is not None),
            ("#bill-approve", bill is not None and not locked),
        ):
            self.query_one(button_id, Button).display = shown
        self.query_one("#bill-inputs").display = not locked
        summary = self.query_one("#bill-summary", Static)
        if bill is None:
            summary.update("")
            return
        text = Text("\n".join(bill_lines(bill, self.display_settings)), no_wrap=True)
        due = format_money(bill.final_due, self.display_settings.currency_symbol)
        text.highlight_words([due], style="bold red" if bill.final_due > 0 else "bold green")
        summary.update(text)

    def _order(self) -> list[str]:
        return list(self.view.utilities) if self.view else []

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _meter_entered(self, event: Input.Submitted | Input.Blurred) -> None:
        box_id = event.input.id or ""
        if box_id.startswith("bill-") and box_id.endswith("-meter") and event.input.value.strip():
            utility = box_id[len("bill-") : -len("-meter")]
            self.ask(f"meter:{utility}", "check_meter", event.input.value.strip())

    def readings(self) -> list[FinalReadingIn]:
        """The blocks as typed; ValidationError for a number or date that is not one."""
        out = []
        for i, utility in enumerate(self._order()):
            reading = self.query_one(f"#bill-{utility}-reading", Input).value.strip()
            try:
                value = Decimal(reading.replace(",", "")) if reading else None
            except InvalidOperation:
                raise ValidationError(
                    f"readings.{i}.reading", "Enter the reading as a number."
                ) from None
            day = parse_date(f"readings.{i}.reading_date",
                             self.query_one(f"#bill-{utility}-date", Input).value,
                             self.display_settings)  # fmt: skip
            out.append(FinalReadingIn(
                meter_no=self.query_one(f"#bill-{utility}-meter", Input).value.strip(),
                reading=value, reading_date=day,
            ))  # fmt: skip
        return out

    def action_generate(self) -> None:
        after_typing(self, self._generate)

    def _generate(self) -> None:
        self.clear_errors()
        try:
            readings = self.readings()
        except ValidationError as exc:
            self._failed("draft", exc)
            return
        self.status("Generating…")
        self.ask("draft", "draft_final_bill", readings, str(uuid.uuid4()))

    @on(Button.Pressed, "#bill-generate")
    def _generate_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_generate()

    @on(Button.Pressed, "#bill-discard")
    def _discard(self, event: Button.Pressed) -> None:
        event.stop()
        self.ask("discard", "discard_final_bill", str(uuid.uuid4()))

    @on(Button.Pressed, "#bill-approve")
    def _approve(self, event: Button.Pressed) -> None:
        event.stop()
        bill = self.view.bill if self.view else None
        if bill is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.status("Approving…")
                self.ask("approve", "approve_final_bill", str(uuid.uuid4()))

        due = format_money(bill.final_due, self.display_settings.currency_symbol)
        self.app.push_screen(
            ConfirmScreen(f"Approve {bill.invoice_no} ({due} due) and send it to the customer? "
                          "The bill is locked once approved."), answered)  # fmt: skip

    @on(Button.Pressed, "#bill-print")
    def _print(self, event: Button.Pressed) -> None:
        event.stop()
        bill = self.view.bill if self.view else None
        if bill is None:
            return
        lines = bill_lines(bill, self.display_settings)
        self.save_pdf(bill.invoice_no, lines)

    @work(thread=True, exit_on_error=False, group="request-work-files")
    def save_pdf(self, invoice_no: str, lines: list[str]) -> None:
        try:
            pdf = documents.pdf_document(f"Final bill {invoice_no}", lines)
            path = documents.write_new(documents.document_directory(), f"bill-{invoice_no}",
                                       ".pdf", pdf)  # fmt: skip
        except OSError as exc:
            self.app.call_from_thread(self.status, f"Not saved: {exc}", "error")
            return
        self.app.call_from_thread(self.status, f"Saved {path} (open it to print).", "ok")


# ---------------------------------------------------------------- disconnect


class DisconnectPane(WorkPane):
    """Seed 003 "Disconnect tab"."""

    def __init__(self, request_no: str, *, id: str | None = None) -> None:
        super().__init__(request_no, id=id)
        self.settings: DisconnectionSettings | None = None
        self.utilities: list[str] = []
        self.order: ServiceOrderCheckOut | None = None

    def compose(self) -> ComposeResult:
        yield Static("Meter action required", classes="section")
        with RadioSet(id="meter-action"):
            yield TickRadio("Unassign meter only (stays installed)", True, id="action-unassign")
            yield TickRadio("Remove meter completely (to the warehouse)", id="action-remove")
        yield Static("Meter removal details", classes="section")
        yield Vertical(id="device-inputs")
        yield Static("Service order details", classes="section")
        yield field_row("SO ID", "so-no", "the open disconnection order, e.g. SO-2024-005678")
        yield Static("Account closure checklist", classes="section")
        yield Vertical(id="checklist")
        yield Static("", id="checklist-count")
        with Horizontal(classes="work-buttons"):
            yield Button("Execute Disconnection", id="execute", compact=True, variant="error")
        yield Static("", classes="pane-status")

    def start(self, request_type: str = "disconnection") -> None:
        """Called by the request's screen the first time the tab is shown (the request read)."""
        if request_type != "disconnection":
            self.only_note("A reconnection request has no disconnection to execute.")
            return
        self.ask("view", "get_final_bill")
        self.load_settings()

    @work(thread=True, exit_on_error=False, group="request-work")
    def load_settings(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            settings = backend.disconnection_settings(session.token)
        except Exception as exc:
            self.post_message(Done("settings", None, exc))
            return
        self.post_message(Done("settings", settings, None))

    @on(Done)
    async def _done(self, message: Done) -> None:
        message.stop()
        what, error = message.what, message.error
        if error is not None:
            if isinstance(error, ValidationError):
                if what.startswith("device:"):
                    self.field_error(f"device-{what.split(':', 1)[1]}", error.message)
                    return
                if what == "order":
                    self.order = None
                    self.info("so-no", "")
                    self.field_error("so-no", error.message)
                    self._count()
                    return
                if what == "execute":
                    self._mark(error)
                    return
            self.trouble(error, "Not done")
            return
        if what == "view":
            self.utilities = list(message.result.utilities)
            box = self.query_one("#device-inputs", Vertical)
            await box.remove_children()
            for utility in self.utilities:
                await box.mount(
                    field_row(f"{utility.title()} device", f"device-{utility}", "device no")
                )
        elif what == "settings":
            self.settings = message.result
            box = self.query_one("#checklist", Vertical)
            await box.remove_children()
            for n, item in enumerate(message.result.checklist, start=1):
                await box.mount(TickBox(item, id=f"check-{n}"))
            self._count()
        elif what.startswith("device:"):
            utility = what.split(":", 1)[1]
            check: MeterCheckOut = message.result
            self.field_error(f"device-{utility}", "")
            self.info(
                f"device-{utility}",
                Text(f"Meter {check.meter_no} ({check.meter_type})", style="dim"),
            )
        elif what == "order":
            order: ServiceOrderCheckOut = message.result
            self.order = order
            self.field_error("so-no", "")
            when = format_date(order.completion_date, self.display_settings) if (
                order.completion_date) else "--"  # fmt: skip
            self.info("so-no",Text(
                f"{order.name} · assigned to {order.assigned_to or '--'} · completion {when} "
                f"· approved by {order.approved_by or '--'}", style="dim"))  # fmt: skip
            self._count()
        elif what == "execute":
            self.status(f"Executed: the account is Inactive, billing frozen. "
                        f"{message.result.notification}", "ok")  # fmt: skip
            self.query_one("#execute", Button).display = False
            screen = self.screen
            reload = getattr(screen, "load", None)
            if callable(reload):
                reload()

    def _mark(self, error: ValidationError) -> None:
        field = error.field or ""
        if field.startswith("device_nos.") and self.utilities:
            utility = self.utilities[int(field.split(".")[1])]
            self.field_error(f"device-{utility}", error.message)
        elif field == "so_no":
            self.field_error("so-no", error.message)
        self.status(error.message, "error")

    def ticked(self) -> list[int]:
        return [n for n, box in enumerate(self.query(TickBox), start=1) if box.value]

    def _count(self) -> None:
        if self.settings is None:
            return
        total, need, done = len(self.settings.checklist), self.settings.checklist_required, len(
            self.ticked())  # fmt: skip
        self.query_one("#checklist-count", Static).update(
            f"Completion: {done}/{total} items ({need} needed)"
        )
        # never disabled (a disabled button drops out of the tab order, and keys typed ahead
        # would skip it): it says whether it is ready, and a press before then says why not
        button = self.query_one("#execute", Button)
        ready = self.order is not None and done >= need
        button.set_class(not ready, "-not-ready")
        button.label = "Execute Disconnection" if ready else "Execute Disconnection (not ready)"

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._count()

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _entered(self, event: Input.Submitted | Input.Blurred) -> None:
        box_id = event.input.id or ""
        value = event.input.value.strip()
        if not value:
            return
        if box_id.startswith("device-"):
            utility = box_id[len("device-") :]
            self.ask(f"device:{utility}", "check_device", value)
        elif box_id == "so-no":
            self.ask("order", "check_service_order", value)

    def not_ready(self) -> str | None:
        """Why Execute cannot run yet (the service layer checks again), or None."""
        if self.order is None:
            return "Enter a valid service order (SO ID) first."
        if self.settings is not None:
            done, need = len(self.ticked()), self.settings.checklist_required
            if done < need:
                total = len(self.settings.checklist)
                return f"Complete the checklist: {done}/{total} ticked, {need} needed."
        return None

    @on(Button.Pressed, "#execute")
    def _execute(self, event: Button.Pressed) -> None:
        event.stop()
        self.clear_errors()
        why = self.not_ready()
        if why is not None:
            self.status(why, "error")
            return
        index = self.query_one("#meter-action", RadioSet).pressed_index
        execution = ExecuteDisconnection(
            meter_action="remove" if index == 1 else "unassign",
            device_nos=[
                self.query_one(f"#device-{u}", Input).value.strip() for u in self.utilities
            ],
            so_no=self.query_one("#so-no", Input).value.strip(),
            checklist=self.ticked(),
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.status("Executing…")
                self.ask("execute", "execute_disconnection", execution, str(uuid.uuid4()))

        action = "remove the meters" if execution.meter_action == "remove" else (
            "unassign the meters")  # fmt: skip
        self.app.push_screen(
            ConfirmScreen(f"Execute the disconnection: {action}, set the account Inactive and "
                          "freeze its billing? This cannot be undone here."), answered)  # fmt: skip
