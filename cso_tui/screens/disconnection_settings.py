"""The disconnection settings (seed 003: admin-defined reasons, admin-configurable time
slots, SLA targets per request type, the account closure checklist), the SLA calendar and
the guard-rails, for CSO admins, utility administrators and CSO managers.

Six tabs (keys 1-6). Reasons, Time slots and Checklist are lists: enter edits the row in a
form, ``n`` adds one, ``d`` removes it (a row requests use is deactivated instead, the
service says so); the checklist's ``[`` / ``]`` move an item and ``t`` sets how many ticks
Execute Disconnection needs. SLA targets: enter edits a request type's hours. Calendar and
Guard-rails are forms saved with ctrl+s; the holidays under the calendar are a list again
(``n`` adds, ``d`` removes). Every form saves with ctrl+s.

Only the service layer decides: every call runs in a worker, its messages land on the field
they name, and what was typed stays on the screen when a save fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)

from cso_tui.formatting import format_date
from cso_tui.screens.base import (
    ConnectionRestored,
    SessionResumed,
    after_typing,
    cso_app,
    describe_error,
    escape_markup,
    focus_now,
    is_typing,
)
from cso_tui.screens.consumer_list import TickBox
from cso_tui.screens.profile_actions import required_date
from cso_tui.screens.request_work import ConfirmScreen
from cso_tui.services.errors import (
    ConflictError,
    PermissionDeniedError,
    ServiceError,
    UnavailableError,
    ValidationError,
)
from cso_tui.services.schemas import (
    SETTINGS_SECTIONS,
    ChecklistIn,
    ChecklistItemIn,
    DisconnectionGuardrails,
    HolidayIn,
    ReasonIn,
    SlaCalendarSettings,
    SlaTargetIn,
    TimeSlotIn,
)
from cso_tui.widgets.badges import PRIORITY, Badge, badge_for, badge_text, tone_styles
from cso_tui.widgets.fit_table import Col, FitTable
from cso_tui.widgets.inputs import OrderedInput

if TYPE_CHECKING:
    from cso_tui.app import CsoApp
    from cso_tui.services.schemas import (
        ChecklistItemOut,
        DisconnectionAdminSettings,
        ReasonAdminOut,
        SlaTargetOut,
        TimeSlotAdminOut,
    )

TABS = ("reasons", "slots", "sla", "checklist", "calendar", "guardrails")
TAB_LABELS = ("1 Reasons", "2 Time slots", "3 SLA", "4 Checklist", "5 Calendar", "6 Guard-rails")
#: Tabs whose rows are added and removed (the calendar's are its holidays).
LIST_TABS = ("reasons", "slots", "checklist", "calendar")
FORM_TABS = ("calendar", "guardrails")
TAB_HINTS = {
    "reasons": "enter edits · n adds · d removes (one on requests: deactivated) · 1-6 tabs",
    "slots": "enter edits · n adds · d removes · office time; active slots never overlap",
    "sla": "enter edits a request type's targets, in hours",
    "checklist": "enter edits · n adds · d removes · [ ] move the item · t ticks needed",
    "calendar": "ctrl+s saves the calendar · esc leaves a box · holidays: n adds, d removes",
    "guardrails": "ctrl+s saves the guard-rails · esc leaves a box",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PRIORITY_CHOICES = (("High", "high"), ("Medium", "medium"), ("Low", "low"))
APPLIES_CHOICES = (("Disconnection", "disconnection"), ("Reconnection", "reconnection"))
ON = Badge("●", "Active", "Active", "success")
OFF = Badge("○", "Inactive", "Off", "muted")

REASON_COLUMNS = (
    Col("code", "Code", 6),
    Col("name", "Name", 14, flex=1),
    Col("priority", "Priority", 8),
    Col("applies", "For", 6),
    Col("approval", "Appr.", 5),
    Col("active", "Status", 8),
    Col("used", "Used", 4, drop=1),
)
SLOT_COLUMNS = (
    Col("label", "Label", 20, flex=1),
    Col("start", "Start", 5),
    Col("end", "End", 5),
    Col("active", "Status", 8),
    Col("used", "Used", 4),
)
SLA_COLUMNS = (
    Col("type", "Request type", 15, flex=1),
    Col("ack", "Acknowledge", 11, right=True),
    Col("response", "Response", 9, right=True),
    Col("resolution", "Resolution", 10, right=True),
)
CHECKLIST_COLUMNS = (
    Col("n", "#", 2, right=True),
    Col("text", "Item", 30, flex=1),
    Col("active", "Status", 8),
)
HOLIDAY_COLUMNS = (
    Col("day", "Date", 10),
    Col("weekday", "Day", 3),
    Col("name", "Holiday", 20, flex=1),
)


def hours_text(value: Decimal) -> str:
    return f"{value:.2f} h"


def type_label(request_type: str) -> str:
    return request_type.replace("_", " ").capitalize()


def weekdays_text(days: Sequence[int]) -> str:
    return ", ".join(WEEKDAYS[d] for d in sorted(days) if 0 <= d <= 6) or "none"


def _key() -> str:
    return str(uuid.uuid4())


def _keeps_key(error: BaseException) -> bool:
    """After this failure the call may have acted (a timeout): a retry reuses its key."""
    return isinstance(error, UnavailableError) or not isinstance(error, ServiceError)


def parse_hours(name: str, value: str) -> Decimal:
    try:
        return Decimal(value.strip().removesuffix("h").strip())
    except InvalidOperation:
        raise ValidationError(name, "Type the hours as a number, e.g. 2 or 1.5.") from None


def parse_whole(name: str, value: str, what: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError(name, f"Type {what} as a whole number, or leave it blank.") from None


# ---------------------------------------------------------------- the form


@dataclass(frozen=True)
class FormField:
    """One field of a settings form; ``name`` is the service's, so its errors land here."""

    name: str
    label: str
    value: str | bool = ""
    kind: Literal["text", "tick", "choice"] = "text"
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (label, value)
    max_length: int = 120


#: The call a form makes from what it shows: (method name, arguments after the token).
Build = Callable[[dict[str, Any]], tuple[str, tuple[Any, ...]]]


class Answered(Message):
    """A worker's answer: ``what`` was asked, the settings after it, or the error."""

    def __init__(
        self, what: str, result: DisconnectionAdminSettings | None, error: BaseException | None
    ) -> None:
        super().__init__()
        self.what = what
        self.result = result
        self.error = error


class SettingsForm(ModalScreen["DisconnectionAdminSettings | None"]):
    """Edit one row (or one setting) and save it with ctrl+s; answers the settings after the
    save, or None when cancelled. A refusal marks its field and keeps what was typed."""

    HELP_TITLE = "Disconnection settings: edit"
    CSS_PATH = "disconnection_settings.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="settings.form.save"),
        Binding("escape", "cancel", "Cancel", id="settings.form.cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        build: Build,
        *,
        field_of: Callable[[str], str | None] | None = None,
        note: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = tuple(fields)
        self.build = build
        self.field_of = field_of or (lambda name: name)
        self.note = note
        self.key = _key()
        self.saving = False
        #: the settings' section fingerprints as read when the form opened (set by the
        #: screen): a save based on them is refused if another desk changed the section
        self.etags: dict[str, str] = {}
        self.conflicted = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="settings-form", classes="modal-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = "ctrl+s saves · esc cancels"
            if self.note:
                yield Static(self.note, classes="form-note")
            for f in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(f.label, classes="form-label")
                    with Vertical(classes="form-field"):
                        yield self._widget(f)
                        yield Label("", id=f"form-{f.name}-error", classes="field-error")
            yield Static("", id="form-status", classes="form-status")
        yield Footer()

    def _widget(self, f: FormField) -> Input | Checkbox | Select[str]:
        if f.kind == "tick":
            return TickBox(f.placeholder or f.label, bool(f.value), id=f"form-{f.name}")
        if f.kind == "choice":
            return Select(
                list(f.choices),
                value=str(f.value) if f.value else Select.NULL,
                allow_blank=False,
                compact=True,
                id=f"form-{f.name}",
            )
        return OrderedInput(
            str(f.value),
            placeholder=f.placeholder,
            id=f"form-{f.name}",
            max_length=f.max_length,
            compact=True,
        )

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#form-{self.fields[0].name}").focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            widget = self.query_one(f"#form-{f.name}")
            if isinstance(widget, Checkbox):
                out[f.name] = widget.value
            elif isinstance(widget, Select):
                out[f.name] = "" if widget.value == Select.NULL else str(widget.value)
            elif isinstance(widget, Input):
                out[f.name] = widget.value
        return out

    def action_save(self) -> None:
        # a priority key runs as it arrives: read the fields behind the keys typed before it
        after_typing(self, self._save)

    def _save(self) -> None:
        if self.saving:
            return
        self._clear_errors()
        try:
            method, arguments = self.build(self.values())
        except ValidationError as exc:
            self._refused(exc)
            return
        self.saving = True
        self._status("Saving…")
        self.send(method, arguments, self.key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings-form")
    def send(self, method: str, arguments: tuple[Any, ...], key: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        based_on = self.etags.get(SETTINGS_SECTIONS.get(method, ""))
        try:
            result = getattr(backend, method)(session.token, *arguments, key, based_on)
        except Exception as exc:
            self.post_message(Answered(method, None, exc))
            return
        self.post_message(Answered(method, result, None))

    @on(Answered)
    def _answered(self, message: Answered) -> None:
        message.stop()
        self.saving = False
        error = message.error
        if error is None:
            self.dismiss(message.result)
            return
        if not _keeps_key(error):
            self.key = _key()  # nothing was done: the next try is a new request
        cso_app(self).backend_trouble(error)
        if isinstance(error, ValidationError):
            self._refused(error)
        elif isinstance(error, ConflictError):
            # another desk saved this section since the form opened: say so, keep what was
            # typed, and let a second ctrl+s save it over theirs knowingly
            self.conflicted = True
            self.etags = {}
            self._status(
                f"{escape_markup(error.message)} ctrl+s saves yours over theirs; escape drops it.",
                "error",
            )
        elif isinstance(error, ServiceError) and not isinstance(error, UnavailableError):
            self._status(escape_markup(error.message), "error")
        else:
            self._status(
                f"Not saved: {escape_markup(describe_error(error))} What you typed is kept: "
                "ctrl+s tries again.",
                "error",
            )

    def _refused(self, error: ValidationError) -> None:
        name = self.field_of(error.field or "")
        if name is None or not self.query(f"#form-{name}-error"):
            self._status(escape_markup(error.message), "error")
            return
        label = self.query_one(f"#form-{name}-error", Label)
        label.update(escape_markup(error.message))
        label.add_class("-shown")
        focus_now(self.query_one(f"#form-{name}"))
        self._status("Fix the field marked above, then ctrl+s.", "error")

    def _clear_errors(self) -> None:
        for label in self.query(".field-error"):
            if isinstance(label, Label):
                label.update("")
                label.remove_class("-shown")
        self._status("")

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#form-status", Static)
        status.update(text)
        status.set_class(tone == "error", "-error")

    def action_cancel(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------- the forms' contents


def reason_form(reason: ReasonAdminOut | None) -> SettingsForm:
    r = reason

    def build(v: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        data = ReasonIn(
            code=v["code"],
            name=v["name"],
            description=v["description"],
            priority=v["priority"],
            applies_to=v["applies_to"],
            requires_approval=v["requires_approval"],
            active=v["active"],
            position=parse_whole("position", v["position"], "the order"),
            original_code=r.code if r else None,
        )
        return "save_disconnection_reason", (data,)

    fields = [
        FormField("code", "Code", r.code if r else "", placeholder="like NP-001", max_length=10),
        FormField("name", "Name", r.name if r else "", placeholder="shown on the create form"),
        FormField("description", "Description", r.description if r else "",
                  placeholder="optional: what the reason means", max_length=500),
        FormField("priority", "Priority", r.priority if r else "medium", "choice",
                  choices=PRIORITY_CHOICES),
        FormField("applies_to", "For", r.applies_to if r else "disconnection", "choice",
                  choices=APPLIES_CHOICES),
        FormField("requires_approval", "Approval", r.requires_approval if r else False, "tick",
                  placeholder="Requests with it need approval"),
        FormField("active", "Active", r.active if r else True, "tick",
                  placeholder="Offered on the create form"),
        FormField("position", "Order", str(r.position) if r else "",
                  placeholder="a number: lower comes first (blank: last)", max_length=4),
    ]  # fmt: skip
    note = ""
    if r is not None and r.used:
        note = f"{r.code} is on requests: its code stays; they keep what they copied."
    title = f"Reason {r.code}" if r else "New reason"
    return SettingsForm(title, fields, build, note=note)


def slot_form(slot: TimeSlotAdminOut | None) -> SettingsForm:
    def build(v: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        data = TimeSlotIn(
            id=slot.id if slot else None,
            start=v["start"],
            end=v["end"],
            label=v["label"],
            active=v["active"],
        )
        return "save_time_slot", (data,)

    fields = [
        FormField("start", "Start", slot.start if slot else "", placeholder="HH:MM, e.g. 18:00",
                  max_length=5),
        FormField("end", "End", slot.end if slot else "", placeholder="HH:MM, after the start",
                  max_length=5),
        FormField("label", "Label", slot.label if slot else "",
                  placeholder="blank: from the times, e.g. 6:00 PM - 8:00 PM", max_length=40),
        FormField("active", "Active", slot.active if slot else True, "tick",
                  placeholder="Offered on the create form"),
    ]  # fmt: skip
    return SettingsForm(
        f"Time slot {slot.label}" if slot else "New time slot",
        fields,
        build,
        note="Office time. Active slots may not overlap.",
    )


def sla_form(target: SlaTargetOut) -> SettingsForm:
    def build(v: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        data = SlaTargetIn(
            request_type=target.request_type,
            acknowledgement_hours=parse_hours("acknowledgement_hours", v["acknowledgement_hours"]),
            response_hours=parse_hours("response_hours", v["response_hours"]),
            resolution_hours=parse_hours("resolution_hours", v["resolution_hours"]),
        )
        return "save_sla_target", (data,)

    fields = [
        FormField(name, label, f"{getattr(target, name):.2f}", placeholder="hours, e.g. 2 or 1.5",
                  max_length=8)
        for name, label in (
            ("acknowledgement_hours", "Acknowledge"),
            ("response_hours", "Response"),
            ("resolution_hours", "Resolution"),
        )
    ]  # fmt: skip
    return SettingsForm(
        f"SLA targets: {type_label(target.request_type)}",
        fields,
        build,
        note="Hours. Acknowledgement <= response <= resolution; new requests use them.",
    )


def checklist_items(items: Sequence[ChecklistItemOut]) -> list[ChecklistItemIn]:
    return [ChecklistItemIn(id=i.id, text=i.text, active=i.active) for i in items]


def item_form(
    items: Sequence[ChecklistItemOut], index: int | None, required: int | None
) -> SettingsForm:
    """Edit item ``index`` (None: a new one at the end): the whole list is saved."""
    item = items[index] if index is not None else None
    at = index if index is not None else len(items)

    def build(v: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        edited = ChecklistItemIn(id=item.id if item else None, text=v["text"], active=v["active"])
        whole = checklist_items(items)
        if index is None:
            whole.append(edited)
        else:
            whole[index] = edited
        return "save_checklist", (ChecklistIn(items=whole, required=required),)

    def field_of(name: str) -> str | None:
        return "text" if name == f"items.{at}.text" else None

    fields = [
        FormField("text", "Item", item.text if item else "", placeholder="what to check",
                  max_length=200),
        FormField("active", "Active", item.active if item else True, "tick",
                  placeholder="On the Disconnect tab's checklist"),
    ]  # fmt: skip
    return SettingsForm(
        f"Checklist item {at + 1}" if item else "New checklist item",
        fields,
        build,
        field_of=field_of,
    )


def required_form(items: Sequence[ChecklistItemOut], required: int | None) -> SettingsForm:
    active = sum(1 for i in items if i.active)

    def build(v: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        need = parse_whole("required", v["required"], "the ticks")
        return "save_checklist", (ChecklistIn(items=checklist_items(items), required=need),)

    fields = [
        FormField("required", "Ticks needed", "" if required is None else str(required),
                  placeholder=f"0 to {active}; blank: all of them", max_length=3),
    ]  # fmt: skip
    return SettingsForm(
        "Ticks required",
        fields,
        build,
        note="Checklist items to tick before Execute Disconnection is enabled.",
    )


def holiday_form(app: CsoApp) -> SettingsForm:
    display = app.settings.display

    def build(v: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        day = required_date("day", v["day"], display)
        return "add_holiday", (HolidayIn(day=day, name=v["name"]),)

    fields = [
        FormField("day", "Date", placeholder=display.date_format, max_length=10),
        FormField("name", "Name", placeholder="e.g. Christmas Day"),
    ]
    return SettingsForm("New holiday", fields, build)


# ---------------------------------------------------------------- the screen

#: Where a calendar or guard-rails field's error lands: service field -> box id.
CALENDAR_BOXES = {"open": "cal-open", "close": "cal-close", "workdays": "cal-workdays"}
GUARDRAIL_BOXES = {
    "blocked_weekdays": "gr-weekdays",
    "min_notice_days": "gr-notice",
    "payment_cancel_threshold": "gr-threshold",
}


def error_row(label: str, box_id: str, content: Any, hint: str = "") -> Horizontal:
    """A labelled field with its error line under it (hidden until the service refuses),
    and a dim line saying what the field means."""
    parts = [content, Label("", id=f"{box_id}-error", classes="field-error")]
    if hint:
        parts.insert(1, Static(hint, classes="hint"))
    return Horizontal(
        Label(label, classes="form-label"),
        Vertical(*parts, classes="form-field"),
        classes="form-row",
    )


def day_ticks(prefix: str) -> Horizontal:
    return Horizontal(
        *(TickBox(name, id=f"{prefix}-day-{n}") for n, name in enumerate(WEEKDAYS)),
        id=f"{prefix}-days",
        classes="day-ticks",
    )


class DisconnectionSettingsScreen(Screen[None]):
    """Reasons, time slots, SLA targets, checklist, calendar and guard-rails."""

    HELP_TITLE = "Disconnection settings"
    CSS_PATH = "disconnection_settings.tcss"
    AUTO_FOCUS = "#reasons-table"

    BINDINGS = [
        Binding("n", "add", "Add", id="settings.add"),
        Binding("d,delete", "remove", "Remove", id="settings.remove"),
        Binding("ctrl+s", "save", "Save", priority=True, id="settings.save"),
        # shown by the checklist's own line, not the footer (too long at 80 columns)
        Binding("left_square_bracket", "move(-1)", "Move up", show=False, id="settings.move_up"),
        Binding(
            "right_square_bracket", "move(1)", "Move down", show=False, id="settings.move_down"
        ),
        Binding("t", "ticks", "Ticks needed", id="settings.ticks"),
        Binding("r", "reload", "Reload", show=False, id="settings.reload"),
        *[
            Binding(str(n), f"tab('{tab}')", label.split(" ", 1)[1], show=False,
                    id=f"settings.tab.{tab}")
            for n, (tab, label) in enumerate(zip(TABS, TAB_LABELS, strict=True), start=1)
        ],
        Binding("escape", "back", "Back", id="settings.back"),
    ]  # fmt: skip

    def __init__(self, subtitle: str = "") -> None:
        super().__init__()
        self.sub_title = subtitle or "Disconnection settings"
        self.settings: DisconnectionAdminSettings | None = None
        self.refused: str | None = None  # the service's words when the role may not
        self.busy = False
        self.keys: dict[str, str] = {"calendar": _key(), "guardrails": _key()}
        self._sent: dict[str, object] = {}  # each form box's value when last saved

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield Static("Loading the settings…", id="settings-status")
        with TabbedContent(id="settings-tabs", initial="reasons"):
            with TabPane(TAB_LABELS[0], id="reasons"):
                yield FitTable(REASON_COLUMNS, id="reasons-table")
            with TabPane(TAB_LABELS[1], id="slots"):
                yield FitTable(SLOT_COLUMNS, id="slots-table")
            with TabPane(TAB_LABELS[2], id="sla"):
                yield FitTable(SLA_COLUMNS, id="sla-table")
            with TabPane(TAB_LABELS[3], id="checklist"):
                yield Static("", id="checklist-required")
                yield FitTable(CHECKLIST_COLUMNS, id="checklist-table")
            with TabPane(TAB_LABELS[4], id="calendar"), Vertical(id="calendar-form"):
                with Horizontal(classes="form-row"):
                    yield Label("Office hours", classes="form-label")
                    with Vertical(classes="form-field"):
                        with Horizontal(classes="hours"):
                            yield self._box("cal-open", "HH:MM")
                            yield Label(" to ", classes="between")
                            yield self._box("cal-close", "HH:MM")
                            yield Label(" both blank: around the clock", classes="hint")
                        yield Label("", id="cal-open-error", classes="field-error")
                        yield Label("", id="cal-close-error", classes="field-error")
                yield error_row("Working days", "cal-workdays", day_ticks("cal"))
                yield error_row(
                    "",
                    "cal-flags",
                    Vertical(
                        TickBox("Holidays stop the clock", id="cal-holidays"),
                        TickBox("Pause the clock while a request is On Hold", id="cal-pause"),
                        classes="flags",
                    ),
                )
                yield Static("Holidays  (n adds · d removes)", classes="section")
                yield FitTable(HOLIDAY_COLUMNS, id="holidays-table")
            with TabPane(TAB_LABELS[5], id="guardrails"), VerticalScroll(id="guardrails-form"):
                yield error_row(
                    "Blocked days",
                    "gr-weekdays",
                    day_ticks("gr"),
                    "no disconnection is scheduled on a ticked day",
                )
                yield error_row(
                    "",
                    "gr-flags",
                    Vertical(
                        TickBox("Not on a day of the holiday calendar", id="gr-holidays"),
                        TickBox("Not while a medical certificate is on file", id="gr-medical"),
                        classes="flags",
                    ),
                )
                yield error_row(
                    "Notice (days)",
                    "gr-notice",
                    self._box("gr-notice", "0 to 60"),
                    "days from today to the earliest preferred date",
                )
                yield error_row(
                    "Cancel at owed",
                    "gr-threshold",
                    self._box("gr-threshold", "blank: payments cancel nothing"),
                    "a payment leaving this or less cancels pending NP- requests",
                )
                yield error_row(
                    "",
                    "gr-auto",
                    TickBox(
                        "Cleared debt after a non-payment cut raises a reconnection",
                        id="gr-reconnect",
                    ),
                )
        yield Footer()  # fmt: skip

    @staticmethod
    def _box(box_id: str, placeholder: str) -> Input:
        return OrderedInput(placeholder=placeholder, id=box_id, max_length=16, compact=True)

    def on_mount(self) -> None:
        self.load()

    # ------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings-load")
    def load(self, what: str = "load") -> None:
        """Read the settings; answered as ``what`` (load: the first time, reload: r)."""
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            settings = backend.disconnection_admin_settings(session.token)
        except Exception as exc:
            self.post_message(Answered(what, None, exc))
            return
        self.post_message(Answered(what, settings, None))

    @work(thread=True, exit_on_error=False, group="settings-change")
    def change(self, what: str, method: str, *arguments: Any) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            result = getattr(backend, method)(session.token, *arguments)
        except Exception as exc:
            self.post_message(Answered(what, None, exc))
            return
        self.post_message(Answered(what, result, None))

    @on(Answered)
    def _answered(self, message: Answered) -> None:
        message.stop()
        self.busy = False
        what, error = message.what, message.error
        if error is not None:
            self._failed(what, error)
            return
        assert message.result is not None
        first = self.settings is None
        forms = set(FORM_TABS) if what in ("load", "reload") or first else {what} & set(FORM_TABS)
        if what in FORM_TABS:
            self.keys[what] = _key()
        self.show(message.result, forms)
        if what == "load":
            self._status(TAB_HINTS[self.tab])
        elif what == "reload":
            self._status("Reloaded.")
        elif what == "reload-after-conflict":
            self._status("Reloaded with the other desk's change: make yours again.", "error")
        else:
            self._status(message.result.message or "Saved.", "ok")

    def _failed(self, what: str, error: BaseException) -> None:
        cso_app(self).backend_trouble(error)
        if what in FORM_TABS and not _keeps_key(error):
            self.keys[what] = _key()
        if isinstance(error, PermissionDeniedError) and self.settings is None:
            self.refused = error.message
            self.query_one("#settings-tabs").display = False
            self._status(
                f"{escape_markup(error.message)}\nThe disconnection settings are kept by CSO "
                "admins, utility administrators and CSO managers. Press escape to go back.",
                "error",
            )
            self.refresh_bindings()
            return
        if what in ("load", "reload", "reload-after-conflict"):
            self._status(
                f"Cannot load the settings: {escape_markup(describe_error(error))} (r tries again)",
                "error",
            )
            return
        if isinstance(error, ConflictError) and self.settings is not None:
            if what in FORM_TABS:
                # what was typed stays; the next ctrl+s saves it over the other desk's
                section = "calendar" if what == "calendar" else "guardrails"
                etags = {k: v for k, v in self.settings.etags.items() if k != section}
                self.settings = self.settings.model_copy(update={"etags": etags})
                self._status(
                    f"{escape_markup(error.message)} ctrl+s saves yours over theirs.", "error"
                )
            else:
                self._status(f"{escape_markup(error.message)} Reloading…", "error")
                self.load("reload-after-conflict")
            return
        if isinstance(error, ValidationError) and what in FORM_TABS:
            boxes = CALENDAR_BOXES if what == "calendar" else GUARDRAIL_BOXES
            box = boxes.get(error.field or "")
            if box is not None:
                self._field_error(box, error.message)
                self._status("Not saved: fix the field marked, then ctrl+s.", "error")
                return
        if isinstance(error, ServiceError) and not isinstance(error, UnavailableError):
            self._status(escape_markup(error.message), "error")
        else:
            self._status(
                f"Not saved: {escape_markup(describe_error(error))} What you typed is kept: "
                "try again.",
                "error",
            )

    # ------------------------------------------------------------ showing

    def show(self, settings: DisconnectionAdminSettings, forms: set[str]) -> None:
        self.settings = settings
        tones = tone_styles(self.app)

        def state(active: bool) -> Text:
            return badge_text(ON if active else OFF, tones, short=True)

        def used(flag: bool) -> str:
            return "Yes" if flag else "--"

        self._table("reasons-table").set_rows([
            (r.code, {
                "code": r.code, "name": r.name,
                "priority": badge_text(badge_for(r.priority, PRIORITY), tones),
                "applies": "Disc." if r.applies_to == "disconnection" else "Recon.",
                "approval": "Yes" if r.requires_approval else "No",
                "active": state(r.active), "used": used(r.used),
            })
            for r in settings.reasons
        ])  # fmt: skip
        self._table("slots-table").set_rows([
            (str(s.id), {"label": s.label, "start": s.start, "end": s.end,
                         "active": state(s.active), "used": used(s.used)})
            for s in settings.time_slots
        ])  # fmt: skip
        self._table("sla-table").set_rows([
            (t.request_type, {
                "type": type_label(t.request_type),
                "ack": hours_text(t.acknowledgement_hours),
                "response": hours_text(t.response_hours),
                "resolution": hours_text(t.resolution_hours),
            })
            for t in settings.sla_targets
        ])  # fmt: skip
        self._table("checklist-table").set_rows([
            (str(i.id), {"n": str(n), "text": i.text, "active": state(i.active)})
            for n, i in enumerate(settings.checklist, start=1)
        ])  # fmt: skip
        active = sum(1 for i in settings.checklist if i.active)
        need = settings.checklist_required
        need_text = f"all {active}" if need is None else f"{min(need, active)} of {active}"
        self.query_one("#checklist-required", Static).update(
            f"Ticks needed before Execute Disconnection: {need_text}  (t changes · [ ] move)"
        )
        display = cso_app(self).settings.display
        self._table("holidays-table").set_rows([
            (h.day.isoformat(), {"day": format_date(h.day, display),
                                 "weekday": WEEKDAYS[h.day.weekday()], "name": h.name})
            for h in settings.holidays
        ])  # fmt: skip
        if "calendar" in forms:
            cal = settings.calendar
            self.query_one("#cal-open", Input).value = cal.open or ""
            self.query_one("#cal-close", Input).value = cal.close or ""
            for n in range(7):
                self.query_one(f"#cal-day-{n}", TickBox).value = n in cal.workdays
            self.query_one("#cal-holidays", TickBox).value = cal.holidays
            self.query_one("#cal-pause", TickBox).value = cal.pause_on_hold
        if "guardrails" in forms:
            g = settings.guardrails
            for n in range(7):
                self.query_one(f"#gr-day-{n}", TickBox).value = n in g.blocked_weekdays
            self.query_one("#gr-holidays", TickBox).value = g.block_on_holidays
            self.query_one("#gr-medical", TickBox).value = g.block_with_medical_certificate
            self.query_one("#gr-notice", Input).value = str(g.min_notice_days)
            threshold = g.payment_cancel_threshold
            self.query_one("#gr-threshold", Input).value = "" if threshold is None else (
                f"{threshold:.2f}")  # fmt: skip
            self.query_one("#gr-reconnect", TickBox).value = g.auto_reconnection
        self.refresh_bindings()

    def _table(self, table_id: str) -> FitTable:
        return self.query_one(f"#{table_id}", FitTable)

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#settings-status", Static)
        status.update(text)
        status.set_class(tone == "error", "-error")
        status.set_class(tone == "ok", "-ok")

    def _field_error(self, box_id: str, message: str) -> None:
        label = self.query_one(f"#{box_id}-error", Label)
        label.update(escape_markup(message))
        label.set_class(bool(message), "-shown")
        if message:
            target = self.query(f"#{box_id}")
            if target and isinstance(target.first(), Input):
                focus_now(target.first())

    def _clear_errors(self) -> None:
        for label in self.query(".field-error"):
            if isinstance(label, Label):
                label.update("")
                label.remove_class("-shown")

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "reasons"

    # ------------------------------------------------------------ rows

    def _row_index(self, table_id: str) -> int | None:
        table = self._table(table_id)
        if not table.rows_data or not 0 <= table.cursor_row < len(table.rows_data):
            return None
        return table.cursor_row

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.edit(event.data_table.id or "", event.cursor_row)

    def edit(self, table_id: str, index: int) -> None:
        s = self.settings
        if s is None:
            return
        form: SettingsForm | None = None
        if table_id == "reasons-table" and index < len(s.reasons):
            form = reason_form(s.reasons[index])
        elif table_id == "slots-table" and index < len(s.time_slots):
            form = slot_form(s.time_slots[index])
        elif table_id == "sla-table" and index < len(s.sla_targets):
            form = sla_form(s.sla_targets[index])
        elif table_id == "checklist-table" and index < len(s.checklist):
            form = item_form(s.checklist, index, s.checklist_required)
        if form is not None:
            self.open_form(form)

    def open_form(self, form: SettingsForm) -> None:
        def saved(result: DisconnectionAdminSettings | None) -> None:
            if result is not None:
                self.show(result, set())
                self._status(result.message or "Saved.", "ok")
            elif form.conflicted:
                self.reload()  # show what the other desk saved

        if self.settings is not None:
            form.etags = dict(self.settings.etags)
        self.app.push_screen(form, saved)

    def action_add(self) -> None:
        s = self.settings
        if s is None:
            return
        tab = self.tab
        if tab == "reasons":
            self.open_form(reason_form(None))
        elif tab == "slots":
            self.open_form(slot_form(None))
        elif tab == "checklist":
            self.open_form(item_form(s.checklist, None, s.checklist_required))
        elif tab == "calendar":
            self.open_form(holiday_form(cso_app(self)))

    def action_remove(self) -> None:
        s = self.settings
        if s is None or self.busy:
            return
        tab = self.tab
        question = ""
        call: tuple[str, tuple[Any, ...]] | None = None
        if tab == "reasons" and (i := self._row_index("reasons-table")) is not None:
            r = s.reasons[i]
            question = f"Remove the reason {r.code} ({r.name})?" + (
                " It is on requests: it will be deactivated instead." if r.used else ""
            )
            call = ("remove_disconnection_reason", (r.code,))
        elif tab == "slots" and (i := self._row_index("slots-table")) is not None:
            slot = s.time_slots[i]
            question = f"Remove the time slot {slot.label}?" + (
                " It is on requests: it will be deactivated instead." if slot.used else ""
            )
            call = ("remove_time_slot", (slot.id,))
        elif tab == "checklist" and (i := self._row_index("checklist-table")) is not None:
            item = s.checklist[i]
            whole = checklist_items(s.checklist)
            del whole[i]
            question = f"Remove checklist item {i + 1}, '{item.text}'?" + (
                " Disconnections were executed with it: it will be deactivated instead."
                if item.used
                else ""
            )
            call = ("save_checklist", (ChecklistIn(items=whole, required=s.checklist_required),))
        elif tab == "calendar" and (i := self._row_index("holidays-table")) is not None:
            h = s.holidays[i]
            display = cso_app(self).settings.display
            question = f"Remove the holiday {format_date(h.day, display)} ({h.name})?"
            call = ("remove_holiday", (h.day,))
        if call is None:
            return
        method, arguments = call

        def answered(yes: bool | None) -> None:
            if yes:
                self._start("remove", method, *arguments, _key())

        self.app.push_screen(ConfirmScreen(question), answered)  # fmt: skip

    def action_move(self, step: int) -> None:
        s = self.settings
        index = self._row_index("checklist-table")
        if s is None or index is None or self.busy:
            return
        target = index + step
        if not 0 <= target < len(s.checklist):
            return
        whole = checklist_items(s.checklist)
        whole[index], whole[target] = whole[target], whole[index]
        self._table("checklist-table").move_cursor(row=target, animate=False)
        self._start("move", "save_checklist", ChecklistIn(items=whole,
                    required=s.checklist_required), _key())  # fmt: skip

    def action_ticks(self) -> None:
        s = self.settings
        if s is not None:
            self.open_form(required_form(s.checklist, s.checklist_required))

    def _start(self, what: str, method: str, *arguments: Any) -> None:
        self.busy = True
        self._status("Saving…")
        etags = self.settings.etags if self.settings is not None else {}
        self.change(what, method, *arguments, etags.get(SETTINGS_SECTIONS.get(method, "")))

    # ------------------------------------------------------------ the two forms

    def action_save(self) -> None:
        # a priority key runs as it arrives: read the fields behind the keys typed before it
        after_typing(self, self._save_form)

    def _save_form(self) -> None:
        if self.settings is None or self.busy:
            return
        tab = self.tab
        self._clear_errors()
        boxes = (*CALENDAR_BOXES.values(), *GUARDRAIL_BOXES.values())
        self._sent = {box: self._box_value(box) for box in boxes}
        if tab == "calendar":
            ticked = [n for n in range(7) if self.query_one(f"#cal-day-{n}", TickBox).value]
            calendar = SlaCalendarSettings(
                open=self.query_one("#cal-open", Input).value.strip() or None,
                close=self.query_one("#cal-close", Input).value.strip() or None,
                workdays=ticked,
                holidays=self.query_one("#cal-holidays", TickBox).value,
                pause_on_hold=self.query_one("#cal-pause", TickBox).value,
            )
            self._start("calendar", "save_sla_calendar", calendar, self.keys["calendar"])
        elif tab == "guardrails":
            try:
                guardrails = self._guardrails()
            except ValidationError as exc:
                self._failed("guardrails", exc)
                return
            self._start("guardrails", "save_disconnection_guardrails", guardrails,
                        self.keys["guardrails"])  # fmt: skip

    def _guardrails(self) -> DisconnectionGuardrails:
        notice = parse_whole(
            "min_notice_days", self.query_one("#gr-notice", Input).value, "the days of notice"
        )
        raw = self.query_one("#gr-threshold", Input).value.strip().replace(",", "")
        try:
            threshold = Decimal(raw.lstrip(cso_app(self).settings.display.currency_symbol))
        except InvalidOperation:
            if raw:
                raise ValidationError(
                    "payment_cancel_threshold", "Type an amount, e.g. 0.00, or leave it blank."
                ) from None
            threshold = None
        return DisconnectionGuardrails(
            blocked_weekdays=[n for n in range(7) if self.query_one(f"#gr-day-{n}", TickBox).value],
            block_on_holidays=self.query_one("#gr-holidays", TickBox).value,
            block_with_medical_certificate=self.query_one("#gr-medical", TickBox).value,
            min_notice_days=notice or 0,
            payment_cancel_threshold=threshold,
            auto_reconnection=self.query_one("#gr-reconnect", TickBox).value,
        )

    # ------------------------------------------------------------ keys

    def action_tab(self, tab: str) -> None:
        if self.refused is not None:
            return
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, _event: TabbedContent.TabActivated) -> None:
        if self.settings is not None and not self.busy:
            self._status(TAB_HINTS[self.tab])  # the last outcome belonged to the last tab
        self.refresh_bindings()

    def _focus_tab(self, tab: str) -> None:
        first = {
            "reasons": "#reasons-table", "slots": "#slots-table", "sla": "#sla-table",
            "checklist": "#checklist-table", "calendar": "#cal-open", "guardrails": "#gr-day-0",
        }[tab]  # fmt: skip
        focus_now(self.query_one(first))

    def action_reload(self) -> None:
        self._status("Loading the settings…")
        self.reload()

    def reload(self) -> None:
        self.load("reload")

    def action_back(self) -> None:
        if self.refused is None and is_typing(self):
            # out of the box first: the tab keys (1-6, n, d...) are keys again
            focus_now(self.query_one(Tabs))
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return True
        if self.refused is not None:
            return False  # nothing here for this role: escape only
        typing = is_typing(self)
        if action in ("tab", "reload"):
            return None if typing else True
        tab = self.tab
        if action == "save":
            return tab in FORM_TABS
        wanted = {"add": LIST_TABS, "remove": LIST_TABS, "move": ("checklist",),
                  "ticks": ("checklist",)}.get(action)  # fmt: skip
        if wanted is None:
            return True
        if tab not in wanted:
            return False
        return None if typing or self.settings is None else True

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.refresh_bindings()

    def on_session_resumed(self, _message: SessionResumed) -> None:
        if self.settings is None:
            self.load()

    def on_connection_restored(self, _message: ConnectionRestored) -> None:
        if self.settings is None:
            self.load()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _edited(self, event: Input.Changed | Checkbox.Changed) -> None:
        """A field changed: its error no longer applies."""
        box = event.control.id or ""
        if box.startswith("cal-day-"):
            box = "cal-workdays"
        elif box.startswith("gr-day-"):
            box = "gr-weekdays"
        # (a change the save already read may arrive after its answer: not a new edit)
        if box in self._sent and self._box_value(box) != self._sent[box]:
            self._field_error(box, "")

    def _box_value(self, box: str) -> object:
        if box in ("cal-workdays", "gr-weekdays"):
            prefix = box.split("-", 1)[0]
            return tuple(self.query_one(f"#{prefix}-day-{n}", TickBox).value for n in range(7))
        return self.query_one(f"#{box}", Input).value


def open_disconnection_settings(app: CsoApp) -> None:
    """The settings screen over the current one (brought forward if it is open already)."""
    session = app.session
    if session is None:
        return
    for screen in reversed(app.screen_stack):
        if isinstance(screen, DisconnectionSettingsScreen):
            while app.screen is not screen:
                app.pop_screen()
            return
    subtitle = f"Disconnection settings · {session.full_name} ({session.role_label})"
    app.push_screen(DisconnectionSettingsScreen(subtitle))
