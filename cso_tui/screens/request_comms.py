"""A request's Service orders and Communication tabs (seed 003).

Service orders: the type (only the templates that fit the consumer), the scheduled date and
remarks, Add service order (ctrl+s); below, the consumer's service orders with the seed's
columns (orders made for this request marked ●). Enter opens one (its details; ``d`` saves
its report as PDF and text once it is completed).

Communication: every message to the consumer and every internal note, newest first; add one
by choosing Internal note or Message to consumer (email), then ctrl+s.

Both only ask the service layer, from workers; its messages land on the field they name and
nothing typed is lost when a save fails.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, RadioSet, Static

from cso_tui import documents
from cso_tui.formatting import format_date, format_datetime
from cso_tui.screens.base import after_typing, cso_app, describe_error, escape_markup, focus_now
from cso_tui.screens.consumer_list import TickRadio
from cso_tui.screens.profile_actions import parse_date
from cso_tui.screens.request_work import Done, WorkPane, field_row
from cso_tui.services.errors import ValidationError
from cso_tui.services.schemas import NewRequestMessage, NewRequestServiceOrder
from cso_tui.widgets.badges import PRIORITY, badge_for
from cso_tui.widgets.fit_table import Col, FitTable

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings
    from cso_tui.services.schemas import (
        RequestMessageOut,
        RequestServiceOrderOut,
        ServiceOrderReport,
        ServiceOrderTemplateOut,
    )

# the seed's columns; the optional ones drop out on a narrow terminal, highest first
ORDER_COLUMNS = (
    Col("so_no", "SO no", 14),
    Col("name", "SO name", 14, flex=3),
    Col("status", "Status", 11),
    Col("scheduled", "Scheduled", 10),
    Col("created", "Created on", 10, drop=3),
    Col("created_by", "Created by", 12, flex=1, drop=4),
    Col("assigned", "Assigned to / on", 16, flex=1, drop=2),
    Col("remarks", "Remark", 12, flex=2, drop=5),
)

KIND_LABEL = {
    "internal": "✎ Internal note",
    "email": "✉ Email",
    "sms": "✆ SMS",
    "letter": "✉ Letter",
    "phone": "☎ Call",
}


def status_label(status: str) -> str:
    return status.replace("_", " ").title()


def order_row(order: RequestServiceOrderOut, display: DisplaySettings) -> dict[str, Any]:
    scheduled = format_date(order.scheduled_date, display) if order.scheduled_date else "--"
    assigned = order.assigned_to or "Unassigned"
    if order.assigned_on is not None:
        assigned += f" / {format_date(order.assigned_on.date(), display)}"
    name = Text(("● " if order.linked else "  ") + order.name)
    status = status_label(order.status) + (" ⤓" if order.report_ready else "")
    return {
        "so_no": order.so_no,
        "name": name,
        "status": status,
        "scheduled": scheduled,
        "created": format_date(order.created_at.date(), display),
        "created_by": order.created_by or "--",
        "assigned": assigned,
        "remarks": order.remarks or "--",
    }


def order_fields(order: RequestServiceOrderOut, display: DisplaySettings) -> list[str]:
    """The order's details as lines (its detail view)."""

    def when(value: Any) -> str:
        return format_datetime(value, display) if value is not None else "--"

    scheduled = format_date(order.scheduled_date, display) if order.scheduled_date else "--"
    if order.scheduled_slot:
        scheduled += f" {order.scheduled_slot}"
    duration = "--"
    if order.estimated_minutes:
        hours, minutes = divmod(order.estimated_minutes, 60)
        duration = (f"{hours} h " if hours else "") + (f"{minutes} min" if minutes else "")
    rows = [
        ("SO ID", order.so_no),
        ("SO name", order.name),
        ("Service order type", order.order_type),
        ("Status", status_label(order.status)),
        ("Priority", badge_for(order.priority, PRIORITY).label),
        ("Scheduled date", scheduled),
        ("Estimated duration", duration.strip()),
        ("Created on", when(order.created_at)),
        ("Created by", order.created_by or "--"),
        ("Assigned to", order.assigned_to or "Unassigned"),
        ("Assigned on", when(order.assigned_on)),
        ("Approved by", order.approved_by or "Awaiting approval"),
        ("Completed on", when(order.completed_at)),
        ("Remarks", order.remarks or "--"),
        ("For this request", "Yes" if order.linked else "No (another of the consumer's)"),
    ]
    return [f"{label:<20}{value}" for label, value in rows]


class AddPane(WorkPane):
    """A tab with a form that adds one thing (an order, a message): one save at a time, the
    idempotency key kept until it saves (a retry after a timeout is not a second one), and
    refusals under the field they name. Subclasses give ``ADD_CALL`` and ``form`` (what the
    boxes hold) and handle the other answers in their ``_done``."""

    ADD_CALL = ""  # the backend method that adds
    ADDING = "Saving…"

    def __init__(self, request_no: str, *, id: str | None = None) -> None:
        super().__init__(request_no, id=id)
        self.key = str(uuid.uuid4())
        self.saving = False

    def form(self) -> Any:
        """What the boxes hold, as the backend takes it; raises ValidationError for a box
        that cannot be read."""
        raise NotImplementedError

    def can_add(self) -> bool:
        return True

    def action_add(self) -> None:
        # a priority key runs as it arrives: read the fields behind the keys typed before it
        after_typing(self, self._add)

    def _add(self) -> None:
        if self.saving or not self.can_add():
            return
        self.clear_errors()
        try:
            payload = self.form()
        except ValidationError as error:
            self.mark(error)
            return
        self.saving = True
        self.status(self.ADDING)
        self.ask("add", self.ADD_CALL, payload, self.key)

    def settled(self, message: Done) -> bool:
        """Book-keep an answer of the add: True when it was a refusal (now shown)."""
        if message.what != "add":
            return False
        self.saving = False
        error = message.error
        if error is None:
            self.key = str(uuid.uuid4())  # saved: the next one is a new request
            return False
        if not (isinstance(error, ValidationError) and self.mark(error)):
            self.trouble(error, "Not saved")
        return True

    @on(Button.Pressed, ".add-button")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._add()


class ServiceOrdersPane(AddPane):
    """Seed 003 "Service order tab"."""

    FIELD_BOXES = {"template_code": "so-template", "scheduled_date": "so-date",
                   "remarks": "so-remarks"}  # fmt: skip
    BINDINGS = [
        Binding("ctrl+s", "add", "Add service order", priority=True, id="request.so.add"),
    ]
    ADD_CALL = "create_request_service_order"
    ADDING = "Creating the service order…"

    def __init__(self, request_no: str, *, id: str | None = None) -> None:
        super().__init__(request_no, id=id)
        self.templates: list[ServiceOrderTemplateOut] = []
        self.orders: list[RequestServiceOrderOut] = []
        self.open_request = True

    def compose(self) -> ComposeResult:
        yield Static("New service order", classes="section")
        yield Static("Loading the service order types…", id="so-types-note", classes="work-note")
        yield RadioSet(id="so-template")
        yield Label("", id="so-template-error", classes="field-error")
        yield field_row("Scheduled date", "so-date", "", max_length=10)
        yield field_row("Remarks", "so-remarks", "for the field team (optional)", 500)
        with Horizontal(classes="work-buttons"):
            yield Button("Add service order ^s", id="so-add", classes="add-button", compact=True)
        yield Static("", classes="pane-status")
        yield Static("Existing service orders (● made for this request · enter opens)",
                     classes="section")  # fmt: skip
        yield FitTable(ORDER_COLUMNS, id="so-table")
        yield Static("", id="so-empty", classes="work-note")

    def on_mount(self) -> None:
        self.query_one(
            "#so-date", Input
        ).placeholder = f"{self.display_settings.date_format}, today or later"

    def start(self, request_open: bool = True) -> None:
        """Called by the request's screen the first time the tab is shown (the request read)."""
        self.open_request = request_open
        self.ask("templates", "service_order_templates")
        self.refresh_orders()

    def refresh_orders(self) -> None:
        self.ask("orders", "request_service_orders")

    @on(Done)
    async def _done(self, message: Done) -> None:
        message.stop()
        what, error = message.what, message.error
        if self.settled(message):
            return
        if error is not None:
            if what == "templates":
                self.query_one("#so-types-note", Static).update(
                    f"Cannot load the types: {escape_markup(describe_error(error))} (r tries again)"
                )
            self.trouble(error, "Not loaded")
            return
        if what == "templates":
            await self._show_templates(message.result)
        elif what == "orders":
            self._show_orders(message.result)
        elif what == "add":
            made: RequestServiceOrderOut = message.result
            self.query_one("#so-remarks", Input).value = ""
            who = made.assigned_to or "nobody yet (no field technician)"
            self.status(f"{made.so_no} created: {made.name}, assigned to {who}.", "ok")
            self.refresh_orders()

    async def _show_templates(self, templates: list[ServiceOrderTemplateOut]) -> None:
        self.templates = templates
        note = self.query_one("#so-types-note", Static)
        if not self.open_request:
            note.update("The request is closed: no new service orders for it.")
            for widget in self.query(".work-row, .work-buttons, #so-template"):
                widget.display = False
            return
        if not templates:
            note.update("No service order type fits this consumer (see the settings).")
            return
        note.update("Service order type (only those that fit this consumer):")
        buttons = []
        for index, template in enumerate(templates):
            minutes = template.estimated_minutes
            length = f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"
            approval = " · needs approval" if template.requires_approval else ""
            label = f"{template.name} ({template.order_type}, ~{length}{approval})"
            buttons.append(TickRadio(label, index == 0, id=f"so-t-{index}"))
        # a new set: a RadioSet learns which button is pressed from those it mounts with
        old = self.query_one("#so-template", RadioSet)
        had_focus = old.has_focus
        await old.remove()
        radios = RadioSet(*buttons, id="so-template")
        await self.mount(radios, after=note)
        if had_focus:
            focus_now(radios)

    def _show_orders(self, orders: list[RequestServiceOrderOut]) -> None:
        self.orders = orders
        display = self.display_settings
        table = self.query_one("#so-table", FitTable)
        table.set_rows([(o.so_no, order_row(o, display)) for o in orders])
        table.display = bool(orders)
        self.query_one("#so-empty", Static).update(
            "" if orders else "The consumer has no service order yet."
        )

    def can_add(self) -> bool:
        return self.open_request

    def form(self) -> NewRequestServiceOrder:
        index = self.query_one("#so-template", RadioSet).pressed_index
        code = self.templates[index].code if 0 <= index < len(self.templates) else ""
        day = parse_date("scheduled_date", self.query_one("#so-date", Input).value,
                         self.display_settings)  # fmt: skip
        remarks = self.query_one("#so-remarks", Input).value
        return NewRequestServiceOrder(template_code=code, scheduled_date=day,
                                      remarks=remarks or None)  # fmt: skip

    @on(DataTable.RowSelected, "#so-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        order = next((o for o in self.orders if o.so_no == key), None)
        if order is not None:
            self.app.push_screen(ServiceOrderScreen(order))


class ServiceOrderScreen(ModalScreen[None]):
    """One service order's details (seed 003 "view details"); ``d`` saves its report."""

    HELP_TITLE = "Service order"
    DEFAULT_CSS = """
    ServiceOrderScreen { align: center middle; }
    ServiceOrderScreen > Vertical {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
        &:ansi { border: round ansi_blue; background: ansi_default; }
    }
    ServiceOrderScreen VerticalScroll { height: auto; max-height: 18; }
    ServiceOrderScreen #so-report-status { height: auto; }
    """
    BINDINGS = [
        Binding("d", "download", "Download report", id="so.download"),
        Binding("escape", "close", "Back", id="so.close"),
    ]

    class Saved(Message):
        def __init__(self, text: str, error: bool) -> None:
            super().__init__()
            self.text = text
            self.error = error

    def __init__(self, order: RequestServiceOrderOut) -> None:
        super().__init__()
        self.order = order

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Service order {self.order.so_no}"
            box.border_subtitle = ("d downloads the report · esc" if self.order.report_ready
                                   else "esc")  # fmt: skip
            with VerticalScroll():
                yield Static("\n".join(order_fields(self.order, self.display_settings)))
            yield Static(
                "" if self.order.report_ready
                else "The report can be downloaded once the order is completed.",
                id="so-report-status",
            )  # fmt: skip
        yield Footer()

    @property
    def display_settings(self) -> DisplaySettings:
        return cso_app(self).settings.display

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "download":
            return self.order.report_ready
        return True

    def action_download(self) -> None:
        self.query_one("#so-report-status", Static).update("Saving the report…")
        self.download()

    @work(thread=True, exclusive=True, exit_on_error=False, group="so-report")
    def download(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            report: ServiceOrderReport = backend.service_order_report(
                session.token, self.order.so_no
            )
            lines = report.text.splitlines()
            folder = documents.document_directory()
            stem = f"service-order-{report.so_no}"
            pdf = documents.write_new(folder, stem, ".pdf",
                                      documents.pdf_document(report.title, lines))  # fmt: skip
            txt = documents.write_new(folder, stem, ".txt",
                                      documents.text_document(lines).encode())  # fmt: skip
        except Exception as exc:
            self.post_message(self.Saved(f"Not saved: {describe_error(exc)}", True))
            return
        self.post_message(self.Saved(f"Saved {pdf} and {txt.name}.", False))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        status = self.query_one("#so-report-status", Static)
        status.update(escape_markup(message.text))
        status.styles.text_style = "bold" if message.error else "none"

    def action_close(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------- communication


def message_text(entry: RequestMessageOut, display: DisplaySettings) -> Text:
    text = Text()
    text.append(f"{format_datetime(entry.at, display)}  ", style="dim")
    label = KIND_LABEL.get(entry.kind, entry.kind.title())
    if entry.direction == "to_customer":
        label += " to the consumer"
    elif entry.direction == "from_customer":
        label += " from the consumer"
    text.append(label, style="bold")
    text.append(f" · {entry.by}")
    if entry.kind != "internal":
        text.append(f" · {entry.status}")
    if entry.linked:
        text.append(" · this request", style="italic")
    if entry.subject:
        text.append(f"\n  {entry.subject}", style="bold")
    for line in entry.body.splitlines() or [""]:
        text.append(f"\n  {line}")
    return text


class CommunicationPane(AddPane):
    """Seed 003 "communication tab"."""

    FIELD_BOXES = {"kind": "comm-kind", "subject": "comm-subject", "body": "comm-body"}
    BINDINGS = [
        Binding("ctrl+s", "add", "Add", priority=True, id="request.comm.add"),
    ]

    ADD_CALL = "add_request_communication"

    def compose(self) -> ComposeResult:
        yield Static("Add", classes="section")
        with RadioSet(id="comm-kind"):
            yield TickRadio("Internal note (staff only)", True, id="comm-internal")
            yield TickRadio("Message to the consumer (email)", id="comm-consumer")
        yield Label("", id="comm-kind-error", classes="field-error")
        yield field_row("Subject", "comm-subject", "the email's subject", 200)
        yield field_row("Text", "comm-body", "what you want to say (plain text)", 2000)
        with Horizontal(classes="work-buttons"):
            yield Button("Add ^s", id="comm-add", classes="add-button", compact=True)
        yield Static("", classes="pane-status")
        yield Static("Messages and internal notes, newest first", classes="section")
        yield Static("Loading…", id="comm-list")

    def on_mount(self) -> None:
        self._follow_kind()

    def start(self) -> None:
        """Called by the request's screen the first time the tab is shown (the request read)."""
        self.ask("list", "request_communications")

    def choose(self, kind: str) -> None:
        """Quick actions: an internal note (``internal``) or a reply (``consumer``)."""
        radio = self.query_one("#comm-consumer" if kind == "consumer" else "#comm-internal",
                               TickRadio)  # fmt: skip
        radio.value = True
        self._follow_kind(kind)
        focus_now(self.query_one("#comm-subject" if kind == "consumer" else "#comm-body"))

    @property
    def kind(self) -> str:
        return "consumer" if self.query_one("#comm-consumer", TickRadio).value else "internal"

    @on(RadioSet.Changed, "#comm-kind")
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._follow_kind()

    def _follow_kind(self, kind: str | None = None) -> None:
        consumer = (kind or self.kind) == "consumer"
        rows = list(self.query(".work-row"))
        if rows:
            rows[0].display = consumer  # the subject: emails only

    @on(Done)
    def _done(self, message: Done) -> None:
        message.stop()
        what, error = message.what, message.error
        if self.settled(message):
            return
        if error is not None:  # the list
            self.query_one("#comm-list", Static).update(
                f"Cannot load: {escape_markup(describe_error(error))} (r tries again)"
            )
            return
        if what == "list":
            entries: list[RequestMessageOut] = message.result
            display = self.display_settings
            body = (Text("\n\n").join(message_text(e, display) for e in entries) if entries
                    else "No message or note yet.")  # fmt: skip
            self.query_one("#comm-list", Static).update(body)
        elif what == "add":
            entry: RequestMessageOut = message.result
            self.query_one("#comm-body", Input).value = ""
            self.query_one("#comm-subject", Input).value = ""
            done = "Internal note added."
            if entry.kind != "internal":
                done = "Email queued for the consumer: the Timeline shows when it is sent."
            self.status(done, "ok")
            self.start()

    def form(self) -> NewRequestMessage:
        kind = self.kind
        return NewRequestMessage(
            kind=kind,
            subject=self.query_one("#comm-subject", Input).value if kind == "consumer" else None,
            body=self.query_one("#comm-body", Input).value,
        )
