"""Quick actions on a consumer (seed 004 s.5 step 10): a menu, and one small form per action.

A form sends its own idempotency key, kept for as long as its text is unchanged, so a save
retried after a timeout acts once. Nothing typed is lost to a failed save: the form stays,
the refused field says why under it (the service's ValidationError names the field), and
ctrl+s sends it again. The service checks every rule; the form only offers the usual
choices (the catalog's lists) and turns text into dates and files into bytes.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from cso_tui.formatting import format_money
from cso_tui.screens.base import (
    ConnectionRestored,
    SessionResumed,
    after_typing,
    cso_app,
    describe_error,
    escape_markup,
)
from cso_tui.screens.profile_text import quantity
from cso_tui.services.errors import SessionExpiredError, UnavailableError, ValidationError
from cso_tui.services.rules.catalog import DEFAULTS, MAX_DOCUMENT_BYTES
from cso_tui.widgets.inputs import OrderedInput

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings
    from cso_tui.services.backend import Backend

Kind = Literal["text", "choice", "date", "path"]


@dataclass(frozen=True)
class FormField:
    name: str  # the service's field name (ValidationError.field)
    label: str
    kind: Kind = "text"
    choices: tuple[tuple[str, str], ...] = ()  # (label, value)
    default: str = ""
    max_length: int = 500
    placeholder: str = ""
    also: tuple[str, ...] = ()  # other service field names whose errors show under this one
    catalog: str = ""  # the catalog list (rules/catalog.py) the office's choices come from


@dataclass(frozen=True)
class Done:
    """What a saved action made: its number (SO-4524) and the tab that lists it."""

    number: str
    message: str
    tab: str
    title: str  # the notification's title: "SO-4524 created"


@dataclass(frozen=True)
class Context:
    backend: Backend
    token: str
    account_no: str
    display: DisplaySettings
    key: str


Submit = Callable[[Context, Mapping[str, str]], Done]


@dataclass(frozen=True)
class ActionSpec:
    key: str  # the usage event's action_type
    title: str
    fields: tuple[FormField, ...]
    submit: Submit
    tab: str
    defaults: Mapping[str, str] = field(default_factory=dict)


def _choices(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    return tuple((v, v) for v in values)


def _picked(name: str, label: str, catalog: str) -> FormField:
    """A choice from one of the catalog's lists (its defaults until the office's are known)."""
    return FormField(name, label, "choice", _choices(DEFAULTS[catalog]), catalog=catalog)


def with_catalog(spec: ActionSpec, lists: Mapping[str, Sequence[str]] | None) -> ActionSpec:
    """``spec`` offering the office's own lists (the ``catalog`` setting the service checks
    choices against) instead of the defaults."""
    if not lists:
        return spec
    fields = tuple(
        replace(f, choices=_choices(lists[f.catalog])) if lists.get(f.catalog) else f
        for f in spec.fields
    )
    return replace(spec, fields=fields)


PRIORITIES = (("High", "high"), ("Medium", "medium"), ("Low", "low"))
CHANNELS = (("✉ Email", "email"), ("✆ SMS", "sms"), ("✎ Letter", "letter"))

STRPTIME = {"MM/DD/YYYY": "%m/%d/%Y", "DD/MM/YYYY": "%d/%m/%Y", "YYYY-MM-DD": "%Y-%m-%d"}


def parse_date(name: str, text: str, display: DisplaySettings) -> date | None:
    """``text`` in the office's date format; blank is None."""
    text = text.strip()
    if not text:
        return None
    pattern = STRPTIME[display.date_format]
    try:
        return datetime.strptime(text, pattern).date()
    except ValueError:
        example = date(2025, 5, 24).strftime(pattern)
        raise ValidationError(
            name, f"Type the date as {display.date_format} (e.g. {example}), or leave it blank."
        ) from None


def required_date(name: str, text: str, display: DisplaySettings) -> date:
    """``text`` in the office's date format, which must be there."""
    example = date(2025, 5, 24).strftime(STRPTIME[display.date_format])
    try:
        day = parse_date(name, text, display)
    except ValidationError:
        day = None
    if day is None:
        raise ValidationError(name, f"Type the date as {display.date_format} (e.g. {example}).")
    return day


def _decimal(field: str, typed: str, empty: str, bad: str) -> Decimal:
    """``typed`` as a number, or ``empty`` / ``bad`` (where {typed} is what was typed) under
    the field."""
    if not typed:
        raise ValidationError(field, empty)
    try:
        value = Decimal(typed.replace(",", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(field, bad.format(typed=typed))
    return value


def parse_reading(text: str) -> Decimal:
    """A meter's figure as typed (``12600``, ``12,600.5``), or a refusal under the field."""
    return _decimal(
        "value", text.strip(), "Type the figure on the meter, e.g. 12600.",
        "“{typed}” is not a number: type the figure on the meter, e.g. 12600.",
    )  # fmt: skip


def parse_amount(text: str) -> Decimal:
    """An amount as typed (``120``, ``1,250.50``, ``$45.10``), or a refusal under the field."""
    return _decimal(
        "amount", text.strip().lstrip("$").strip(), "Type the amount paid, e.g. 120.50.",
        "“{typed}” is not an amount: type it like 120.50.",
    )  # fmt: skip


def read_document(text: str) -> tuple[str, bytes]:
    """(file name, bytes) of the file at ``text`` on this machine, or a clear refusal."""
    raw = text.strip()
    if not raw:
        raise ValidationError("path", "Type the path of the file to attach.")
    path = Path(raw).expanduser()
    try:
        if not path.exists():
            raise ValidationError("path", f"No file at {path}: check the path.")
        if path.is_dir():
            raise ValidationError("path", f"{path} is a folder: type the path of a file in it.")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            mb = MAX_DOCUMENT_BYTES // (1024 * 1024)
            raise ValidationError(
                "path", f"{path.name} is {size / (1024 * 1024):.1f} MB: at most {mb} MB."
            )
        if size == 0:
            raise ValidationError("path", f"{path.name} is empty: pick another file.")
        content = path.read_bytes()
    except PermissionError:
        raise ValidationError("path", f"Cannot read {path}: permission denied.") from None
    except OSError as exc:
        raise ValidationError("path", f"Cannot read {path}: {exc.strerror or exc}.") from None
    return path.name, content


# ---------------------------------------------------------------- the actions


def _service_order(ctx: Context, values: Mapping[str, str]) -> Done:
    from cso_tui.services.schemas import NewServiceOrder

    scheduled = parse_date("scheduled_date", values["scheduled_date"], ctx.display)
    order = NewServiceOrder(
        order_type=values["order_type"],
        description=values["description"],
        priority=values["priority"] or "medium",
        scheduled_date=scheduled,
    )
    made = ctx.backend.create_service_order(ctx.token, ctx.account_no, order, ctx.key)
    return Done(
        made.so_no,
        f"Service order {made.so_no} created ({made.order_type}).",
        "service",
        f"{made.so_no} created",
    )


def _complaint(ctx: Context, values: Mapping[str, str]) -> Done:
    made = ctx.backend.register_complaint(
        ctx.token,
        ctx.account_no,
        values["category"],
        values["description"],
        values["priority"] or "medium",
        ctx.key,
    )
    return Done(
        made.complaint_no,
        f"Complaint {made.complaint_no} registered ({made.category}).",
        "complaints",
        f"{made.complaint_no} created",
    )


def _request(ctx: Context, values: Mapping[str, str]) -> Done:
    made = ctx.backend.create_request(
        ctx.token, ctx.account_no, values["request_type"], values["description"], ctx.key
    )
    return Done(
        made.request_no,
        f"{made.request_type} request {made.request_no} created.",
        "requests",
        f"{made.request_no} created",
    )


def _message(ctx: Context, values: Mapping[str, str]) -> Done:
    from cso_tui.services.schemas import NewMessage

    message = NewMessage(channel=values["channel"], subject=values["subject"], body=values["body"])
    ctx.backend.send_message(ctx.token, [ctx.account_no], message, ctx.key)
    channel = dict((v, k) for k, v in CHANNELS).get(message.channel, message.channel)
    text = f"{channel} queued to {ctx.account_no}: “{message.subject}”."
    return Done("", text, "communication", "Message sent")


def _note(ctx: Context, values: Mapping[str, str]) -> Done:
    note = ctx.backend.add_note(ctx.token, ctx.account_no, values["body"], ctx.key)
    return Done(str(note.id), f"Note added to {ctx.account_no}.", "notes", "Note added")


def _document(ctx: Context, values: Mapping[str, str]) -> Done:
    from cso_tui.services.schemas import DocumentUpload

    filename, content = read_document(values["path"])
    upload = DocumentUpload(
        doc_type=values["doc_type"],
        title=values["title"],
        filename=filename,
        content_base64=base64.b64encode(content).decode("ascii"),
    )
    made = ctx.backend.attach_document(ctx.token, ctx.account_no, upload, ctx.key)
    text = f"{made.title} attached ({made.filename}); it awaits verification."
    return Done(str(made.id), text, "documents", "Document attached")


def _reading(ctx: Context, values: Mapping[str, str]) -> Done:
    meter_no = values["meter_no"]
    if not meter_no:
        raise ValidationError("meter_no", "Pick the meter that was read.")
    read_on = required_date("read_on", values["read_on"], ctx.display)
    value = parse_reading(values["value"])
    made = ctx.backend.record_reading(ctx.token, ctx.account_no, meter_no, read_on, value, ctx.key)
    return Done(
        made.meter_no,
        f"Reading {quantity(made.value, made.unit)} recorded for {made.meter_no}.",
        "connections",
        "Reading recorded",
    )


def _payment(ctx: Context, values: Mapping[str, str]) -> Done:
    from cso_tui.services.schemas import NewPayment

    payment = NewPayment(
        amount=parse_amount(values["amount"]),
        method=values["method"],
        paid_on=parse_date("paid_on", values["paid_on"], ctx.display),
        reference=values["reference"] or None,
    )
    made = ctx.backend.record_payment(ctx.token, ctx.account_no, payment, ctx.key)
    money = ctx.display.currency_symbol
    text = (f"Payment {made.payment.payment_no} of {format_money(made.payment.amount, money)} "
            f"recorded; balance now {format_money(made.balance, money)}.")  # fmt: skip
    if made.cancelled:
        text += f" Disconnection cancelled: {', '.join(made.cancelled)}."
    if made.raised:
        text += f" Reconnection raised: {', '.join(made.raised)}."
    return Done(made.payment.payment_no, text, "financial", f"{made.payment.payment_no} recorded")


DESCRIPTION = FormField("description", "Description", max_length=500)

SERVICE_ORDER = ActionSpec(
    "create_service_order",
    "Create service order",
    (
        _picked("order_type", "Order type", "service_order_types"),
        DESCRIPTION,
        FormField("priority", "Priority", "choice", PRIORITIES, default="medium"),
        FormField(
            "scheduled_date", "Scheduled", "date", placeholder="optional date", max_length=10
        ),
    ),
    _service_order,
    "service",
)
COMPLAINT = ActionSpec(
    "register_complaint",
    "Register complaint",
    (
        _picked("category", "Category", "complaint_categories"),
        FormField("description", "Description", max_length=2000),
        FormField("priority", "Priority", "choice", PRIORITIES, default="medium"),
    ),
    _complaint,
    "complaints",
)
REQUEST = ActionSpec(
    "create_request",
    "New request",
    (
        _picked("request_type", "Request type", "request_types"),
        FormField("description", "Description", max_length=2000),
    ),
    _request,
    "requests",
)
MESSAGE = ActionSpec(
    "send_message",
    "Send message",
    (
        FormField("channel", "Channel", "choice", CHANNELS, default="email", also=("account_nos",)),
        FormField("subject", "Subject", max_length=200),
        FormField("body", "Message", max_length=2000),
    ),
    _message,
    "communication",
)
NOTE = ActionSpec(
    "add_note",
    "Add note",
    (FormField("body", "Note", max_length=2000, placeholder="what happened, what was agreed"),),
    _note,
    "notes",
)
DOCUMENT = ActionSpec(
    "attach_document",
    "Attach document",
    (
        FormField(
            "path",
            "File path",
            "path",
            max_length=1000,
            placeholder="a file on this machine, e.g. ~/scans/lease.pdf",
            also=("filename", "content_base64"),
        ),
        _picked("doc_type", "Type", "document_types"),
        FormField("title", "Title", max_length=200),
    ),
    _document,
    "documents",
)


PAYMENT = ActionSpec(
    "record_payment",
    "Record payment",
    (
        FormField("amount", "Amount", max_length=20, placeholder="the amount paid, e.g. 120.50"),
        _picked("method", "Method", "payment_methods"),
        FormField("paid_on", "Paid on", "date", max_length=10, placeholder="blank: today"),
        FormField("reference", "Reference", max_length=80, placeholder="receipt or transaction no"),
    ),
    _payment,
    "financial",
)


def with_defaults(spec: ActionSpec, key: str, title: str, **defaults: str) -> ActionSpec:
    return ActionSpec(key, title, spec.fields, spec.submit, spec.tab, defaults)


def reading_action(meters: Sequence[tuple[str, str]], today: str) -> ActionSpec:
    """The Connections tab's ``n``: a reading of one of the account's ``meters`` ((label,
    meter no), the first preselected), dated ``today`` (typed in the office format) unless
    changed. The service refuses a figure not above the meter's last (readings only go up)."""
    return ActionSpec(
        "record_reading",
        "Record reading",
        (
            FormField("meter_no", "Meter", "choice", tuple(meters)),
            FormField("read_on", "Read on", "date", max_length=10),
            FormField(
                "value", "Reading", max_length=20, placeholder="the figure on the meter, e.g. 12600"
            ),
        ),
        _reading,
        "connections",
        {"meter_no": meters[0][1] if meters else "", "read_on": today},
    )


#: The Quick Actions menu, in order: (id, label, spec).
QUICK_ACTIONS: tuple[tuple[str, str, ActionSpec], ...] = (
    ("service_order", "Create service order", SERVICE_ORDER),
    ("complaint", "Register complaint", COMPLAINT),
    (
        "transfer",
        "Transfer request",
        with_defaults(REQUEST, "transfer_request", "Transfer request", request_type="Transfer"),
    ),
    (
        "disconnection",
        "Disconnection request",
        with_defaults(
            REQUEST,
            "disconnection_request",
            "Disconnection request",
            request_type="Disconnection",
        ),
    ),
    (
        "reconnection",
        "Reconnection request",
        with_defaults(
            REQUEST, "reconnection_request", "Reconnection request", request_type="Reconnection"
        ),
    ),
    ("message", "Send message", MESSAGE),
    ("note", "Add note", NOTE),
    ("payment", "Record payment", PAYMENT),
)

#: Every form by id (the menu's and the tabs' ``n``).
ACTIONS: dict[str, ActionSpec] = {
    **{key: spec for key, _label, spec in QUICK_ACTIONS},
    "request": REQUEST,
    "document": DOCUMENT,
}


# ---------------------------------------------------------------- the menu


class QuickActionsMenu(ModalScreen["str | None"]):
    """Answers the chosen action's id, or None."""

    HELP_TITLE = "Quick actions"
    CSS_PATH = "profile_actions.tcss"
    AUTO_FOCUS = "#quick-actions"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="actions.cancel"),
        *(
            Binding(str(n), f"pick({n - 1})", label, show=False, id=f"actions.{key}")
            for n, (key, label, _spec) in enumerate(QUICK_ACTIONS, start=1)
        ),
    ]

    def __init__(self, subject: str) -> None:
        super().__init__()
        self.subject = subject

    def compose(self) -> ComposeResult:
        options = [
            Option(f"{n}  {label}", id=key)
            for n, (key, label, _spec) in enumerate(QUICK_ACTIONS, start=1)
        ]
        menu = OptionList(*options, id="quick-actions")
        menu.border_title = f"Quick actions · {self.subject}"
        menu.border_subtitle = f"enter or 1-{len(QUICK_ACTIONS)} · esc closes"
        yield menu
        yield Footer()

    @on(OptionList.OptionSelected, "#quick-actions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, index: int) -> None:
        self.dismiss(QUICK_ACTIONS[index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------- the form


class ActionForm(ModalScreen["Done | None"]):
    """One quick action's form. Answers what it made, or None when closed without saving."""

    HELP_TITLE = "Quick action"
    CSS_PATH = "profile_actions.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="action.save"),
        Binding("escape", "cancel", "Cancel", id="action.cancel"),
        Binding("f1", "app.help", "Help", id="action.help"),
        Binding("enter,down", "next_field", "Next field", show=False, priority=True,
                id="action.next"),
        Binding("up", "previous_field", "Previous field", show=False, priority=True,
                id="action.prev"),
    ]  # fmt: skip

    class Saved(Message):
        def __init__(self, done: Done) -> None:
            super().__init__()
            self.done = done

    class SaveFailed(Message):
        def __init__(self, error: BaseException) -> None:
            super().__init__()
            self.error = error

    def __init__(self, spec: ActionSpec, account_no: str, subject: str) -> None:
        super().__init__()
        self.spec = spec
        self.account_no = account_no
        self.subject = subject
        self.saving = False
        self.confirm_discard = False
        self._keys: dict[str, str] = {}  # request body -> its idempotency key
        self._refused: dict[str, str] = {}  # field -> the value its message is about

    def default(self, f: FormField) -> str:
        return self.spec.defaults.get(f.name, f.default)

    def compose(self) -> ComposeResult:
        with Vertical(id="action-box") as box:
            box.border_title = f"{self.spec.title} · {self.subject}"
            box.border_subtitle = "ctrl+s save · esc cancel"
            for f in self.spec.fields:
                with Horizontal(classes="action-row"):
                    yield Label(f.label, classes="field-label")
                    with Vertical(classes="action-field"):
                        if f.kind == "choice":
                            yield Select(
                                f.choices,
                                prompt=f"Pick {f.label.lower()}",
                                value=self.default(f) or Select.NULL,
                                compact=True,
                                id=f"qa-{f.name}",
                            )
                        else:
                            placeholder = f.placeholder
                            if f.kind == "date" and not placeholder:
                                placeholder = "date"
                            yield OrderedInput(
                                self.default(f),
                                placeholder=placeholder,
                                max_length=f.max_length,
                                compact=True,
                                id=f"qa-{f.name}",
                            )
                        yield Label("", id=f"qa-{f.name}-error", classes="field-error")
            yield Static("", id="action-status")
        yield Footer()

    def on_mount(self) -> None:
        first = self.spec.fields[0]
        # a preset (Transfer request, a reading's meter and date) starts at the first field
        # left to fill
        for f in self.spec.fields:
            if not self.default(f):
                first = f
                break
        self.query_one(f"#qa-{first.name}").focus()
        if any(f.kind == "date" for f in self.spec.fields):
            display = cso_app(self).settings.display
            example = date(2025, 5, 24).strftime(STRPTIME[display.date_format])
            for f in self.spec.fields:
                if f.kind == "date":
                    optional = "" if self.default(f) else " (optional)"
                    self.query_one(
                        f"#qa-{f.name}", Input
                    ).placeholder = f"{display.date_format}, e.g. {example}{optional}"

    # ------------------------------------------------------------ state

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.spec.fields:
            widget = self.query_one(f"#qa-{f.name}")
            if isinstance(widget, Select):
                out[f.name] = "" if widget.value == Select.NULL else str(widget.value)
            else:
                assert isinstance(widget, Input)
                out[f.name] = widget.value
        return out

    @property
    def dirty(self) -> bool:
        values = self.values()
        return any(values[f.name].strip() != self.default(f).strip() for f in self.spec.fields)

    # ------------------------------------------------------------ saving

    def action_save(self) -> None:
        # a priority key runs as it arrives: read the fields behind the keys typed before it
        after_typing(self, self._save)

    def _save(self) -> None:
        if self.saving:
            return
        values = self.values()
        self._clear_errors()
        body = repr(sorted(values.items()))
        key = self._keys.setdefault(body, str(uuid.uuid4()))
        self.saving = True
        self._status("Saving…")
        self.save(values, key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="action-save")
    def save(self, values: dict[str, str], key: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        ctx = Context(backend, session.token, self.account_no, app.settings.display, key)
        try:
            done = self.spec.submit(ctx, values)
        except Exception as exc:
            self.post_message(self.SaveFailed(exc))
            return
        self.post_message(self.Saved(done))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.saving = False
        self.dismiss(message.done)

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self.saving = False
        error = message.error
        app = cso_app(self)
        if isinstance(error, ValidationError):
            target = self._field_for(error.field)
            if target is not None:
                self._field_error(target, escape_markup(error.message))
                self.query_one(f"#qa-{target}").focus()
                self._status("Fix the field marked above, then press ctrl+s.", tone="error")
            else:
                self._status(escape_markup(error.message), tone="error")
        elif isinstance(error, SessionExpiredError):
            self._status("Your session ended: log in again; what you typed is kept.", tone="error")
            app.backend_trouble(error)
        elif isinstance(error, UnavailableError):
            self._status(
                f"{escape_markup(error.message)} What you typed is kept: press ctrl+s to try "
                "again (cso-tui says when the server is back).",
                tone="error",
            )
            app.backend_trouble(error)
        else:
            self._status(
                f"Not saved: {escape_markup(describe_error(error))} What you typed is kept; "
                "ctrl+s tries again.",
                tone="error",
            )

    def _field_for(self, name: str) -> str | None:
        for f in self.spec.fields:
            if name == f.name or name in f.also:
                return f.name
        return None

    # ------------------------------------------------------------ after a pause

    def on_session_resumed(self, _message: SessionResumed) -> None:
        self._status("Logged in again. What you typed is kept: press ctrl+s to save it.")

    def on_connection_restored(self, _message: ConnectionRestored) -> None:
        if not self.saving:
            self._status("The server is back. What you typed is kept: press ctrl+s to save.")

    # ------------------------------------------------------------ keys

    def action_cancel(self) -> None:
        if self.dirty and not self.confirm_discard:
            self.confirm_discard = True
            self._status(
                "You have typed something: press esc again to discard it, ctrl+s to save.",
                tone="error",
            )
            return
        self.dismiss(None)

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Select.Changed) -> None:
        self.confirm_discard = False
        widget = event.input if isinstance(event, Input.Changed) else event.select
        name = (widget.id or "").removeprefix("qa-")
        if name in self._refused and str(event.value) != self._refused[name]:
            self._field_error(name, "")

    def action_next_field(self) -> None:
        if not isinstance(self.focused, Input):
            raise SkipAction()  # a Select opens its list with enter and down
        self.focus_next()

    def action_previous_field(self) -> None:
        if not isinstance(self.focused, Input):
            raise SkipAction()
        self.focus_previous()

    # ------------------------------------------------------------ helpers

    def _clear_errors(self) -> None:
        for f in self.spec.fields:
            self._field_error(f.name, "")

    def _field_error(self, name: str, text: str) -> None:
        label = self.query_one(f"#qa-{name}-error", Label)
        label.update(f"✕ {text}" if text else "")
        label.set_class(bool(text), "-shown")
        if text:
            widget = self.query_one(f"#qa-{name}")
            value = widget.value if isinstance(widget, Input | Select) else ""
            self._refused[name] = str(value)
        else:
            self._refused.pop(name, None)

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#action-status", Static)
        status.update(text)
        status.set_class(tone == "error", "-error")
