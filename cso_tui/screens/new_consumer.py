"""Create a consumer (seed 004 "Add new consumer"), with duplicates shown first.

The form asks the service for a free account number and for the territory and category
lists as it opens (both in a worker; the seeds' lists stand in until they land). ctrl+s
sends the form in a worker. The service checks every rule and names the field it refuses:
its message goes under that field and the focus goes there; nothing typed is lost. When the
new consumer's phone, email, or name and address match existing consumers, the service
creates nothing and lists them: a panel shows them first, and the user opens the matching
profile instead, creates the consumer anyway (the same values, sent with
``allow_duplicates`` under a new idempotency key since the request differs), or goes back
to the form. Each distinct request keeps one idempotency key across retries, so a save
retried after a timeout that did land creates one consumer.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from cso_tui.screens.base import (
    ConnectionRestored,
    SessionResumed,
    after_typing,
    cso_app,
    describe_error,
    escape_markup,
)
from cso_tui.screens.consumer_list import TickBox, parse_amount
from cso_tui.screens.profile_actions import STRPTIME, parse_date
from cso_tui.services.errors import (
    DuplicateConsumerError,
    PermissionDeniedError,
    SessionExpiredError,
    UnavailableError,
    ValidationError,
)
from cso_tui.services.rules.catalog import DEFAULTS
from cso_tui.widgets.inputs import OrderedInput

if TYPE_CHECKING:
    from cso_tui.services.schemas import ConsumerCreate, ConsumerSummary

Kind = Literal["text", "select", "check", "date", "money"]

# Suggestions only (right arrow takes one): the service takes any text in these fields.
SUB_CATEGORIES = (
    "Single Family", "Apartment", "Townhouse", "Condominium", "Retail", "Office",
    "Restaurant", "Hotel", "Clinic", "Light Manufacturing", "Warehouse", "Municipal",
    "School", "Hospital",
)  # fmt: skip
PLANS = (
    "Standard Residential", "Residential Saver", "Residential Time-of-Use",
    "Commercial General", "Industrial Demand", "Government Service",
)  # fmt: skip
BILLING_CYCLES = ("Monthly", "Bi-monthly", "Quarterly")
PAYMENT_MODES = (
    "Auto-pay (Credit Card)", "Auto-pay (Bank Transfer)", "Online Banking", "Credit Card",
    "Cash", "Cheque",
)  # fmt: skip


@dataclass(frozen=True)
class Field:
    name: str  # the ConsumerCreate field (and ValidationError.field)
    label: str
    kind: Kind = "text"
    max_length: int = 160
    placeholder: str = ""
    default: str = ""
    required: bool = False
    suggestions: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("account_no", "Account no", max_length=32, required=True),
    Field("name", "Name", placeholder="person or business", required=True),
    Field(
        "service_address",
        "Service address",
        max_length=255,
        placeholder="e.g. 14 Birch Lane, Springfield (town = territory)",
        required=True,
    ),
    Field("territory", "Territory", "select", required=True),
    Field("category", "Category", "select", default="Residential"),
    Field(
        "sub_category",
        "Sub category",
        max_length=60,
        placeholder="e.g. Single Family",
        suggestions=SUB_CATEGORIES,
    ),
    Field("email", "Email", max_length=255, placeholder="e.g. name@example.com"),
    Field("phone", "Phone", max_length=40, placeholder="e.g. (555) 123-4567"),
    Field("alt_phone", "Alternate phone", max_length=40, placeholder="optional"),
    Field(
        "billing_address",
        "Billing address",
        max_length=255,
        placeholder="blank: same as the service address",
    ),
    Field("vip", "VIP", "check"),
    Field(
        "plan", "Plan", max_length=80, placeholder="e.g. Standard Residential", suggestions=PLANS
    ),
    Field(
        "billing_cycle",
        "Billing cycle",
        max_length=40,
        default="Monthly",
        suggestions=BILLING_CYCLES,
    ),
    Field(
        "payment_mode",
        "Payment mode",
        max_length=60,
        placeholder="e.g. Cash",
        suggestions=PAYMENT_MODES,
    ),
    Field("connection_date", "Connection date", "date", max_length=10),
    Field("opening_balance", "Opening balance", "money", max_length=16, default="0.00"),
)
FIELD_NAMES = frozenset(f.name for f in FIELDS)


def field_for(name: str) -> str | None:
    """The form field a service error names ("data.phone" for a NUL character: phone)."""
    name = name.removeprefix("data.")
    return name if name in FIELD_NAMES else None


def match_text(match: dict[str, str]) -> Text:
    """Two lines: "WU-10001  John Doe" and "  123 Main St, Anytown · same phone"."""
    return Text.assemble(
        (match.get("account_no", ""), "bold"),
        "  ",
        match.get("name", ""),
        "\n  ",
        match.get("service_address", ""),
        " · ",
        ("same " + (match.get("matched") or "details"), "bold"),
    )


# ---------------------------------------------------------------- the duplicates panel


@dataclass(frozen=True)
class DuplicateChoice:
    action: Literal["create", "open"]
    account_no: str = ""  # the match to open


class DuplicatesScreen(ModalScreen["DuplicateChoice | None"]):
    """The consumers a new one matches. Answers open one / create anyway, or None (back)."""

    HELP_TITLE = "Possible duplicate consumer"
    CSS_PATH = "new_consumer.tcss"
    AUTO_FOCUS = "#dup-matches"

    BINDINGS = [
        # priority: the list's own enter would hide this one from the footer
        Binding("enter", "open", "Open profile", priority=True, id="consumers.duplicate.open"),
        Binding(
            "ctrl+s,c", "create", "Create anyway", priority=True, id="consumers.duplicate.create"
        ),
        Binding("escape", "back", "Back to form", id="consumers.duplicate.back"),
        Binding("f1", "app.help", "Help", id="consumers.duplicate.help"),
    ]

    def __init__(self, matches: list[dict[str, str]]) -> None:
        super().__init__()
        self.matches = matches

    def compose(self) -> ComposeResult:
        count = len(self.matches)
        with Vertical(id="dup-box") as box:
            box.border_title = (
                f"Possible duplicate: {count} consumer{'s' if count != 1 else ''} "
                f"match{'es' if count == 1 else ''}"
            )
            yield Static(
                "Nothing is created yet. The consumer you are creating has the same phone, "
                "email, or name and address as:",
                classes="dup-note",
            )
            yield OptionList(
                *(Option(match_text(m), id=m.get("account_no")) for m in self.matches),
                id="dup-matches",
            )
            yield Static(
                "[b]enter[/b]   the same person: open the highlighted profile instead\n"
                "[b]ctrl+s[/b]  a different person: create the new consumer anyway (or [b]c[/b])\n"
                "[b]esc[/b]     back to the form; what you typed is kept",
                id="dup-keys",
            )
        yield Footer()

    @on(OptionList.OptionSelected, "#dup-matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(DuplicateChoice("open", event.option.id))

    def action_open(self) -> None:
        matches = self.query_one("#dup-matches", OptionList)
        index = matches.highlighted
        if index is None:
            return
        account_no = matches.get_option_at_index(index).id
        if account_no:
            self.dismiss(DuplicateChoice("open", account_no))

    def action_create(self) -> None:
        self.dismiss(DuplicateChoice("create"))

    def action_back(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------- the form


class NewConsumerScreen(ModalScreen["ConsumerSummary | None"]):
    """Answers the consumer created (whose profile it then opens), or None."""

    HELP_TITLE = "New consumer"
    CSS_PATH = "new_consumer.tcss"
    AUTO_FOCUS = "#nc-name"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="consumers.new.save"),
        Binding("escape", "cancel", "Cancel", id="consumers.new.cancel"),
        # a modal screen hides the app's own keys: help must be offered here too
        Binding("f1", "app.help", "Help", id="consumers.new.help"),
        Binding(
            "ctrl+r",
            "suggest_account",
            "Next free account no",
            show=False,
            priority=True,
            id="consumers.new.account",
        ),
        # priority: they run as the key arrives, so keys typed ahead land in the next field
        Binding("enter,down", "next_field", "Next field", show=False, priority=True,
                id="consumers.new.next"),
        Binding("up", "previous_field", "Previous field", show=False, priority=True,
                id="consumers.new.prev"),
    ]  # fmt: skip

    class Prepared(Message):
        """The catalog's lists and a free account number (each None when it failed)."""

        def __init__(
            self,
            lists: dict[str, list[str]] | None,
            account_no: str | None,
            error: BaseException | None,
        ) -> None:
            super().__init__()
            self.lists = lists
            self.account_no = account_no
            self.error = error

    class Saved(Message):
        def __init__(self, summary: ConsumerSummary) -> None:
            super().__init__()
            self.summary = summary

    class SaveFailed(Message):
        def __init__(self, error: BaseException, body: str) -> None:
            super().__init__()
            self.error = error
            self.body = body

    def __init__(self) -> None:
        super().__init__()
        self.started = time.monotonic()
        self.suggested = ""  # the account number the service offered
        self.preparing = False
        self.refusal = ""  # the caller's role may not create consumers: why
        self.saving = False
        self.confirm_discard = False
        self.confirmed: str | None = None  # the form values the user chose to create anyway
        self.recorded = False
        self._keys: dict[str, str] = {}  # request -> its idempotency key
        self._refused: dict[str, str] = {}  # field -> the value its shown message is about
        self._choices: dict[str, list[str]] = {}  # a Select's field -> the values it offers

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        display = cso_app(self).settings.display
        example = date(2025, 5, 24).strftime(STRPTIME[display.date_format])
        with Vertical(id="nc-box") as box:
            box.border_title = "New consumer"
            box.border_subtitle = "* required · ctrl+s save · esc cancel"
            with VerticalScroll(id="nc-fields", can_focus=False):
                for f in FIELDS:
                    with Horizontal(classes="nc-row"):
                        label = f"{f.label} *" if f.required else f.label
                        yield Label(label, classes="field-label")
                        with Vertical(classes="nc-field"):
                            if f.kind == "select":
                                yield self._select(f)
                            elif f.kind == "check":
                                yield TickBox("VIP consumer (priority handling)", id="nc-vip")
                            else:
                                placeholder = f.placeholder
                                if f.kind == "date":
                                    placeholder = (
                                        f"{display.date_format}, e.g. {example} "
                                        "(blank: not connected yet)"
                                    )
                                elif f.kind == "money":
                                    placeholder = f"{display.currency_symbol}0.00"
                                elif f.name == "account_no":
                                    placeholder = "finding a free number…"
                                yield OrderedInput(
                                    f.default,
                                    placeholder=placeholder,
                                    max_length=f.max_length,
                                    suggester=(
                                        SuggestFromList(f.suggestions, case_sensitive=False)
                                        if f.suggestions
                                        else None
                                    ),
                                    compact=True,
                                    id=f"nc-{f.name}",
                                )
                            yield Label("", id=f"nc-{f.name}-error", classes="field-error")
            yield Static("", id="nc-status")
        yield Footer()

    def _select(self, f: Field) -> Select[str]:
        values = list(DEFAULTS["territories" if f.name == "territory" else "categories"])
        self._choices[f.name] = values
        return Select(
            [(v, v) for v in values],
            prompt=f"Pick the {f.label.lower()}",
            value=f.default or Select.NULL,
            allow_blank=not f.default,
            compact=True,
            id=f"nc-{f.name}",
        )

    def on_mount(self) -> None:
        self._status("Finding a free account number…")
        self.preparing = True
        self.prepare()

    # ------------------------------------------------------------ the lists and the number

    @work(thread=True, exclusive=True, exit_on_error=False, group="new-consumer-prepare")
    def prepare(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        lists: dict[str, list[str]] | None = None
        try:
            lists = backend.catalog(session.token)
            account_no = backend.next_account_no(session.token)
        except Exception as exc:
            self.post_message(self.Prepared(lists, None, exc))
            return
        self.post_message(self.Prepared(lists, account_no, None))

    @on(Prepared)
    def _prepared(self, message: Prepared) -> None:
        self.preparing = False
        if message.lists is not None:
            for name, key in (("territory", "territories"), ("category", "categories")):
                self._set_choices(name, message.lists.get(key) or [])
        error = message.error
        if error is not None:
            self._not_prepared(error)
            return
        assert message.account_no is not None
        box = self.query_one("#nc-account_no", Input)
        box.placeholder = "e.g. WU-10001"
        if not box.value.strip() or box.value == self.suggested:
            box.value = message.account_no
        self.suggested = message.account_no
        if not self.saving:
            self._status(f"{message.account_no} is free (edit it if you need another).")

    def _not_prepared(self, error: BaseException) -> None:
        self.query_one("#nc-account_no", Input).placeholder = "e.g. WU-10001"
        if isinstance(error, PermissionDeniedError):
            self._refuse()
            return
        cso_app(self).backend_trouble(error)
        if isinstance(error, SessionExpiredError):
            self._status("Your session ended: log in again; then type away.", tone="error")
        else:
            self._status(
                f"No account number suggested: {escape_markup(describe_error(error))} "
                "Type one, or press ctrl+r to ask again.",
                tone="error",
            )

    def _refuse(self, prefix: str = "") -> None:
        session = cso_app(self).session
        role = session.role_label if session is not None else "your role"
        self.refusal = (
            f"You are logged in as {role}, who may not create consumers: "
            "ask a colleague with that right."
        )
        self._status(prefix + escape_markup(self.refusal), tone="error")

    def _set_choices(self, name: str, values: list[str]) -> None:
        select: Select[str] = self.query_one(f"#nc-{name}", Select)
        current = select.value
        if not values or self._choices.get(name) == values:
            return
        self._choices[name] = list(values)
        select.set_options([(v, v) for v in values])
        if current != Select.NULL and current in values:
            select.value = current

    def action_suggest_account(self) -> None:
        if self.preparing:
            return
        self.query_one("#nc-account_no", Input).value = ""
        self.preparing = True
        self._status("Finding a free account number…")
        self.prepare()

    # ------------------------------------------------------------ state

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in FIELDS:
            widget = self.query_one(f"#nc-{f.name}")
            if isinstance(widget, Select):
                out[f.name] = "" if widget.value == Select.NULL else str(widget.value)
            elif isinstance(widget, Checkbox):
                out[f.name] = "yes" if widget.value else ""
            else:
                assert isinstance(widget, Input)
                out[f.name] = widget.value
        return out

    @property
    def dirty(self) -> bool:
        values = self.values()
        for f in FIELDS:
            start = self.suggested if f.name == "account_no" else f.default
            if values[f.name].strip() != start.strip():
                return True
        return False

    def consumer(self, values: dict[str, str]) -> ConsumerCreate:
        """The request the form holds. Raises ValidationError for a date or amount that
        cannot be read (the service checks everything else)."""
        from cso_tui.services.schemas import ConsumerCreate

        display = cso_app(self).settings.display
        connection = parse_date("connection_date", values["connection_date"], display)
        try:
            balance = parse_amount(values["opening_balance"], display.currency_symbol)
        except ValueError:
            raise ValidationError(
                "opening_balance", "Opening balance must be a number, e.g. 120.50."
            ) from None
        return ConsumerCreate(
            account_no=values["account_no"],
            name=values["name"],
            service_address=values["service_address"],
            territory=values["territory"],
            category=values["category"] or "Residential",
            sub_category=values["sub_category"],
            email=values["email"],
            phone=values["phone"],
            alt_phone=values["alt_phone"],
            billing_address=values["billing_address"],
            vip=bool(values["vip"]),
            plan=values["plan"],
            billing_cycle=values["billing_cycle"],
            payment_mode=values["payment_mode"],
            connection_date=connection,
            opening_balance=balance if balance is not None else Decimal("0.00"),
        )

    # ------------------------------------------------------------ saving

    def action_save(self) -> None:
        # a priority key runs as it arrives: read the fields behind the keys typed before it
        after_typing(self, self._save)

    def _save(self) -> None:
        if self.saving:
            return
        self._clear_errors()
        values = self.values()
        try:
            data = self.consumer(values)
        except ValidationError as exc:
            self._show_invalid(exc)
            return
        body = json.dumps(values, sort_keys=True)
        allow = body == self.confirmed  # the user saw the matches of exactly these values
        # a request that differs (values, or creating despite matches) gets its own key
        key = self._keys.setdefault(f"{body}|{allow}", uuid.uuid4().hex)
        self.saving = True
        self._status("Creating despite the matches…" if allow else "Saving…")
        self.save(data, allow, key, body)

    @work(thread=True, exclusive=True, exit_on_error=False, group="new-consumer-save")
    def save(self, data: ConsumerCreate, allow_duplicates: bool, key: str, body: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            summary = backend.create_consumer(session.token, data, allow_duplicates, key)
        except Exception as exc:
            self.post_message(self.SaveFailed(exc, body))
            return
        self.post_message(self.Saved(summary))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.saving = False
        summary = message.summary
        app = cso_app(self)
        app.notify(f"Created {summary.account_no} {summary.name}", title="Consumer created")
        self._record(True, summary.account_no)
        self.dismiss(summary)
        app.open_profile(summary.account_no)

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self.saving = False
        error = message.error
        app = cso_app(self)
        if isinstance(error, DuplicateConsumerError):
            self._status("Not saved yet: possible duplicate (see the matches).", tone="error")

            def chosen(choice: DuplicateChoice | None) -> None:
                self._duplicate_chosen(choice, message.body)

            app.push_screen(DuplicatesScreen(error.matches), chosen)
        elif isinstance(error, ValidationError):
            self._show_invalid(error)
        elif isinstance(error, PermissionDeniedError):
            self._refuse("Not saved. ")
        elif isinstance(error, SessionExpiredError):
            self._status("Your session ended: log in again; what you typed is kept.", tone="error")
            app.backend_trouble(error)
        elif isinstance(error, UnavailableError):
            self._status(
                f"Not saved: {escape_markup(error.message)} What you typed is kept: press "
                "ctrl+s to try again (cso-tui says when the server is back).",
                tone="error",
            )
            app.backend_trouble(error)
        else:
            self._status(
                f"Not saved: {escape_markup(describe_error(error))} What you typed is kept; "
                "ctrl+s tries again.",
                tone="error",
            )

    def _show_invalid(self, error: ValidationError) -> None:
        name = field_for(error.field)
        if name is None:
            self._status(f"Not saved: {escape_markup(error.message)}", tone="error")
            return
        self._field_error(name, escape_markup(error.message))
        self.query_one(f"#nc-{name}").focus()
        hint = " (ctrl+r puts in the next free number)" if name == "account_no" else ""
        self._status(f"Not saved: fix the field marked ✕, then press ctrl+s{hint}.", tone="error")

    def _duplicate_chosen(self, choice: DuplicateChoice | None, body: str) -> None:
        if choice is None:
            self._status(
                "Nothing created. What you typed is kept: change it, or press ctrl+s to see "
                "the matches again."
            )
        elif choice.action == "create":
            self.confirmed = body
            self._save()
        else:
            self._record(False, self.values()["account_no"].strip().upper())
            self.dismiss(None)
            cso_app(self).open_profile(choice.account_no)

    def _record(self, success: bool, account_no: str) -> None:
        if self.recorded:
            return
        self.recorded = True
        cso_app(self).record_usage(
            "Quick_Action_Usage",
            {
                "action_type": "create_consumer",
                "consumer_id": account_no,
                "completion_time": round(time.monotonic() - self.started, 1),
                "success": success,
            },
        )

    # ------------------------------------------------------------ after a pause

    def on_session_resumed(self, _message: SessionResumed) -> None:
        if not self.suggested and not self.preparing and not self.refusal:
            self.preparing = True
            self.prepare()
        self._status("Logged in again. What you typed is kept: press ctrl+s to save it.")

    def on_connection_restored(self, _message: ConnectionRestored) -> None:
        if not self.suggested and not self.preparing and not self.refusal:
            self.preparing = True
            self.prepare()
        if not self.saving:
            self._status("The server is back. What you typed is kept: press ctrl+s to save it.")

    # ------------------------------------------------------------ keys

    def action_cancel(self) -> None:
        if self.dirty and not self.confirm_discard:
            self.confirm_discard = True
            self._status(
                "You have typed something: press esc again to discard it, ctrl+s to save.",
                tone="error",
            )
            return
        self._record(False, self.values()["account_no"].strip().upper())
        self.dismiss(None)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _edited(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        self.confirm_discard = False
        if isinstance(event, Input.Changed):
            widget_id, value = event.input.id, event.value
        elif isinstance(event, Select.Changed):
            widget_id, value = event.select.id, str(event.value)
        else:
            widget_id, value = event.checkbox.id, str(event.value)
        name = (widget_id or "").removeprefix("nc-")
        # Changed messages of keys typed just before ctrl+s may arrive after the answer:
        # only an edit of the refused value clears its message
        if name in self._refused and value != self._refused[name]:
            self._field_error(name, "")
        if name == "service_address":
            self._pick_territory(value)

    def _pick_territory(self, address: str) -> None:
        """A blank territory takes the town the address ends with, when it is one."""
        select: Select[str] = self.query_one("#nc-territory", Select)
        if select.value != Select.NULL:
            return
        town = address.rsplit(",", 1)[-1].strip().casefold() if "," in address else ""
        for value in self._choices.get("territory", []):
            if value.casefold() == town:
                select.value = value
                return

    def action_next_field(self) -> None:
        if not isinstance(self.focused, Input | Checkbox):
            raise SkipAction()  # a Select opens its list with enter and down
        self.focus_next()

    def action_previous_field(self) -> None:
        if not isinstance(self.focused, Input | Checkbox):
            raise SkipAction()
        self.focus_previous()

    # ------------------------------------------------------------ helpers

    def _clear_errors(self) -> None:
        for f in FIELDS:
            self._field_error(f.name, "")

    def _field_error(self, name: str, text: str) -> None:
        label = self.query_one(f"#nc-{name}-error", Label)
        label.update(f"✕ {text}" if text else "")
        label.set_class(bool(text), "-shown")
        if text:
            self._refused[name] = self.values()[name]
        else:
            self._refused.pop(name, None)

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#nc-status", Static)
        status.update(text)
        status.set_class(tone == "error", "-error")
