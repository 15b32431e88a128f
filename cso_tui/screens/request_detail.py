"""A disconnection or reconnection request's detail view (seed 003 "Detail View").

At the top: the consumer's name (with a VIP badge), account no, the request's priority and
status, and its SLA (On Track / Breached, due date, time remaining), then the one status
button (Acknowledge, then Put on Hold, then Resume: ``a``), Mark as resolved (``v``) and
Close request (``x``, a reason and notes). Below, seven tabs: 1 Details (the quick actions,
the request card, the consumer's information, the request's reason and schedule, the SLA
targets against what was achieved, drawn as bars), 2 Financial settlement (outstanding, last
payment, the security deposit with its "Use in bill" toggle, ``u``, and the net amount),
3 Final bill and 4 Disconnect (``request_work``), 5 Timeline (the audit log's events),
6 Service orders and 7 Communication (``request_comms``). Quick actions: ``m`` send
response, ``i`` add internal note, ``o`` create service order, ``g`` generate bill.

Every call runs in a thread worker; a work tab reads its data the first time it is shown;
the request is read again every minute (the SLA clock moves).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    RadioSet,
    Static,
    TabbedContent,
    TabPane,
)

from cso_tui.formatting import format_date, format_datetime, format_money
from cso_tui.screens.base import (
    after_typing,
    cso_app,
    describe_error,
    escape_markup,
    focus_now,
    is_typing,
)
from cso_tui.screens.consumer_list import TickRadio
from cso_tui.screens.request_comms import CommunicationPane, ServiceOrdersPane
from cso_tui.screens.request_work import DisconnectPane, FinalBillPane
from cso_tui.services.errors import ConflictError, ValidationError
from cso_tui.services.rules.lifecycle import BUTTON, CLOSE_REASONS, Action, Status
from cso_tui.widgets.badges import (
    PRIORITY,
    REQUEST_STATUS,
    SLA_STATUS,
    VIP_LABEL,
    badge_for,
)
from cso_tui.widgets.charts import meter
from cso_tui.widgets.field_grid import FieldGrid
from cso_tui.widgets.inputs import OrderedInput

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings
    from cso_tui.services.schemas import (
        DisconnectionDetail,
        DisconnectionRequestOut,
        SettlementOut,
        SlaMetricOut,
        TimelineEventOut,
    )

#: tab id -> (label, short label): the short ones when all seven would not fit the width
TAB_LABELS = {
    "details": ("1 Details", "1 Details"),
    "settlement": ("2 Financial settlement", "2 Settlement"),
    "bill": ("3 Final bill", "3 Bill"),
    "disconnect": ("4 Disconnect", "4 Disconnect"),
    "timeline": ("5 Timeline", "5 Timeline"),
    "orders": ("6 Service orders", "6 Orders"),
    "comm": ("7 Communication", "7 Comms"),
}
#: a tab takes its label and a cell each side
FULL_TABS_WIDTH = sum(len(full) + 2 for full, _ in TAB_LABELS.values())


def tab_pane(tab_id: str) -> TabPane:
    return TabPane(TAB_LABELS[tab_id][0], id=tab_id)


QUICK_ACTIONS = (
    "Quick actions: m send response · o create service order · i add internal note · "
    "g generate bill · x close request"
)
#: Seconds between re-reads of the request (the SLA clock moves).
REFRESH_SECONDS = 60.0
BAR_WIDTH = 12


def hours(value: Decimal) -> str:
    return f"{value:.2f} h"


def metric_line(metric: SlaMetricOut) -> Text:
    """``Acknowledgement  1.50 h of 2.00 h ███████░░░ within target``."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{metric.name:<16}")
    if metric.achieved_hours is None:
        text.append(f"{'Pending':>8} of {hours(metric.target_hours):>8} ")
        text.append(meter(0, 1, BAR_WIDTH), style="dim")
        text.append(" ✕ breached" if metric.breached else " … pending",
                    style="bold red" if metric.breached else "dim")  # fmt: skip
        return text
    text.append(f"{hours(metric.achieved_hours):>8} of {hours(metric.target_hours):>8} ")
    text.append(meter(metric.achieved_hours, metric.target_hours, BAR_WIDTH))
    if metric.breached:
        text.append(" ✕ breached", style="bold red")
    else:
        text.append(" ✓ within target", style="green")
    return text


def status_button_label(status: str) -> str | None:
    """The one status button's label for ``status`` (None once there is no next step)."""
    action = BUTTON.get(Status(status))
    return None if action is None else action.label


def settlement_fields(money: SettlementOut, display: DisplaySettings) -> list[tuple[str, Any]]:
    symbol = display.currency_symbol
    outstanding = Text(format_money(money.outstanding, symbol), style="bold")
    if money.cleared:
        outstanding.append("  ✓ Cleared", style="green")
    due = format_date(money.due_date, display) if money.due_date else "--"
    if money.last_payment_amount is None:
        payment = "--"
    else:
        paid = format_date(money.last_payment_date, display) if money.last_payment_date else ""
        payment = f"{format_money(money.last_payment_amount, symbol)} on {paid}".strip()
        if money.last_payment_method:
            payment += f" ({money.last_payment_method})"
    deposit = format_money(money.deposit, symbol)
    if money.deposit_date:
        deposit += f" since {format_date(money.deposit_date, display)}"
    toggle = "[X] ON: applied to the net amount" if money.use_deposit else "[ ] OFF: kept"
    applied = format_money(-money.deposit_refund, symbol) if money.deposit_refund else "--"
    net = Text(format_money(money.net, symbol), style="bold")
    if money.direction == "payable":
        net.stylize("bold red")
    elif money.direction == "refund":
        net = Text(format_money(-money.net, symbol), style="bold red")
    net.append(f"  {money.direction_label}")
    return [
        ("Total outstanding", outstanding),
        ("Due date", due),
        ("Last payment", payment),
        ("Security deposit", deposit),
        ("Use in bill (u)", toggle),
        ("Deposit applied", applied),
        ("Net amount", net),
    ]


class RequestScreen(Screen[None]):
    """One request: its header, status actions and tabs."""

    HELP_TITLE = "Disconnection request"
    CSS_PATH = "request_detail.tcss"
    AUTO_FOCUS = "#details-scroll"  # up / down / page keys scroll the tab shown

    BINDINGS = [
        # one key, the one status button: whichever of the three the status allows
        Binding("a", "status('acknowledge')", "Acknowledge", id="request.acknowledge"),
        Binding("a", "status('hold')", "Put on Hold", id="request.hold"),
        Binding("a", "status('resume')", "Resume", id="request.resume"),
        Binding("v", "resolve", "Resolve", id="request.resolve"),
        Binding("x", "close_request", "Close request", id="request.close"),
        Binding("u", "deposit", "Use deposit", id="request.deposit"),
        Binding("1", "tab('details')", "Details", show=False, id="request.tab.details"),
        Binding("2", "tab('settlement')", "Settlement", show=False, id="request.tab.settlement"),
        Binding("3", "tab('bill')", "Final bill", show=False, id="request.tab.bill"),
        Binding("4", "tab('disconnect')", "Disconnect", show=False, id="request.tab.disconnect"),
        Binding("5", "tab('timeline')", "Timeline", show=False, id="request.tab.timeline"),
        Binding("6", "tab('orders')", "Service orders", show=False, id="request.tab.orders"),
        Binding("7", "tab('comm')", "Communication", show=False, id="request.tab.comm"),
        # seed 003 quick actions: each opens the tab where it is done, ready to type
        Binding("m", "quick('reply')", "Send response", show=False, id="request.reply"),
        Binding("o", "quick('order')", "Create service order", show=False, id="request.order"),
        Binding("i", "quick('note')", "Add internal note", show=False, id="request.note"),
        Binding("g", "quick('bill')", "Generate bill", show=False, id="request.bill"),
        Binding("p", "profile", "Profile", show=False, id="request.profile"),
        Binding("r", "refresh", "Refresh", show=False, id="request.refresh"),
        Binding("escape", "back", "Back", id="request.back"),
    ]

    class Loaded(Message):
        def __init__(self, detail: DisconnectionDetail | None, error: BaseException | None):
            super().__init__()
            self.detail = detail
            self.error = error

    class Changed(Message):
        def __init__(self, what: str, error: BaseException | None) -> None:
            super().__init__()
            self.what = what
            self.error = error

    def __init__(self, request_no: str) -> None:
        super().__init__()
        self.request_no = request_no
        self.sub_title = request_no
        self.detail: DisconnectionDetail | None = None
        self.busy = False
        self.started: set[str] = set()  # the work tabs that have read their data

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        with Vertical(id="request-head"):
            yield Static("Loading the request…", id="request-title")
            yield Static("", id="request-badges")
            yield Static("", id="request-sla")
        with Horizontal(id="request-actions"):
            yield Button("", id="status-button", compact=True, variant="primary")
            yield Button("Mark as resolved", id="resolve-button", compact=True)
            yield Button("Close request", id="close-button", compact=True)
            yield Label("", id="request-message")
        with TabbedContent(id="request-tabs", initial="details"):
            with tab_pane("details"), VerticalScroll(id="details-scroll"):
                yield Static(QUICK_ACTIONS, id="quick-actions")
                yield Static("Request", classes="section")
                yield FieldGrid(id="request-card")
                yield Static("Consumer information", classes="section")
                yield FieldGrid(id="consumer-card")
                yield Static("Request information", classes="section")
                yield FieldGrid(id="request-info")
                yield Static("SLA target and achieved", classes="section")
                yield Static("", id="sla-metrics")
            with (
                tab_pane("settlement"),
                VerticalScroll(id="settlement-scroll"),
            ):
                yield FieldGrid(id="settlement-card", columns=1)
                yield Static("", id="settlement-note")
            with tab_pane("bill"):
                yield FinalBillPane(self.request_no, id="bill-scroll")
            with tab_pane("disconnect"):
                yield DisconnectPane(self.request_no, id="disconnect-scroll")
            with tab_pane("timeline"), VerticalScroll(id="timeline-scroll"):
                yield Static("Loading the timeline…", id="timeline-events")
            with tab_pane("orders"):
                yield ServiceOrdersPane(self.request_no, id="orders-scroll")
            with tab_pane("comm"):
                yield CommunicationPane(self.request_no, id="comm-scroll")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        tabs = self.query_one("#request-tabs", TabbedContent)
        index = 0 if event.size.width >= FULL_TABS_WIDTH else 1
        for tab_id, labels in TAB_LABELS.items():
            tabs.get_tab(tab_id).label = labels[index]

    def on_mount(self) -> None:
        for button in self.query("#request-actions Button"):
            # a, v and x press them: out of the tab order, so enter never acts on one by
            # surprise (a mouse click still does)
            button.display = False
            button.can_focus = False
        self.load()
        self.set_interval(REFRESH_SECONDS, self.load)

    @property
    def display_settings(self) -> DisplaySettings:
        return cso_app(self).settings.display

    # ------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="request-load")
    def load(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            detail = backend.get_disconnection_request(session.token, self.request_no)
        except Exception as exc:
            self.post_message(self.Loaded(None, exc))
            return
        self.post_message(self.Loaded(detail, None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.detail is None:
            assert message.error is not None
            cso_app(self).backend_trouble(message.error)
            if self.detail is None:
                self.query_one("#request-title", Static).update(
                    f"Cannot open {escape_markup(self.request_no)}: "
                    f"{escape_markup(describe_error(message.error))} (r tries again)"
                )
            else:
                self._message(
                    f"Not refreshed: {describe_error(message.error)} (r tries again)", "error"
                )
            return
        first = self.detail is None
        self.detail = message.detail
        self._show(message.detail)
        self.refresh_bindings()
        if self.query_one(TabbedContent).active == "timeline":
            self.load_timeline()  # the request changed (shown: read it again; else on 5)
        if first:
            self._start_tab(self.query_one(TabbedContent).active)  # one chosen while loading

    def _start_tab(self, tab: str) -> None:
        """A work tab reads its data the first time it is shown (not all of them each time
        a request opens): the final bill, the disconnection's settings and meters, the
        service orders and templates, the messages."""
        if self.detail is None or tab in self.started:
            return
        request = self.detail.request
        if tab == "bill":
            self.query_one(FinalBillPane).start(request.request_type)
        elif tab == "disconnect":
            self.query_one(DisconnectPane).start(request.request_type)
        elif tab == "orders":
            self.query_one(ServiceOrdersPane).start(not Status(request.status).final)
        elif tab == "comm":
            self.query_one(CommunicationPane).start()
        else:
            return
        self.started.add(tab)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id is not None:
            self._start_tab(event.pane.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="request-timeline")
    def load_timeline(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            events = backend.request_timeline(session.token, self.request_no)
        except Exception as exc:
            self.app.call_from_thread(
                self.query_one("#timeline-events", Static).update,
                f"Cannot load the timeline: {escape_markup(describe_error(exc))} (r tries again)",
            )
            return
        self.app.call_from_thread(self._show_timeline, events)

    def _show_timeline(self, events: list[TimelineEventOut]) -> None:
        display = self.display_settings
        if not events:
            self.query_one("#timeline-events", Static).update("No event recorded yet.")
            return
        text = Text()
        for event in reversed(events):  # newest first
            text.append(f"{format_datetime(event.at, display)}  ", style="dim")
            text.append(event.what, style="bold")
            text.append(f"  {event.who}\n")
            if event.detail:
                text.append(f"                  {event.detail}\n", style="dim")
        text.rstrip()
        self.query_one("#timeline-events", Static).update(text)

    def _show(self, d: DisconnectionDetail) -> None:
        display = self.display_settings
        r, sla = d.request, d.sla
        title = Text(r.consumer_name, style="bold", no_wrap=True, overflow="ellipsis")
        if r.vip:
            title.append(f"  {VIP_LABEL}", style="bold yellow")
        title.append(f"   {r.request_no} · {r.request_type.title()} request", style="dim")
        self.query_one("#request-title", Static).update(title)
        status = badge_for(r.status, REQUEST_STATUS)
        priority = badge_for(r.priority, PRIORITY)
        badges = Text(no_wrap=True, overflow="ellipsis")
        badges.append(r.account_no)
        badges.append("  Priority ")
        badges.append(priority.text(), style="bold")
        badges.append("  Status ")
        badges.append(status.text(), style="bold reverse")
        self.query_one("#request-badges", Static).update(badges)
        verdict = badge_for(sla.status, SLA_STATUS)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("SLA ")
        line.append(verdict.text(), style="bold green" if sla.status == "on_track" else "bold red")
        line.append(f"  due {format_datetime(sla.due, display)}")
        if Status(r.status).final:
            line.append("  · clock stopped")
        else:
            line.append(f"  · {sla.remaining}" + (" left" if sla.remaining_seconds > 0 else ""))
        if sla.paused:
            line.append("  (paused: on hold)")
        self.query_one("#request-sla", Static).update(line)
        self._show_buttons(r)
        self._show_details(d)
        self._show_settlement(d.settlement)

    def _show_buttons(self, r: DisconnectionRequestOut) -> None:
        status = Status(r.status)
        label = status_button_label(r.status)
        button = self.query_one("#status-button", Button)
        button.display = label is not None
        if label is not None:
            button.label = f"a {label}"
        resolve = self.query_one("#resolve-button", Button)
        resolve.display = status is Status.IN_PROGRESS
        resolve.label = "v Mark as resolved"
        close = self.query_one("#close-button", Button)
        close.display = not status.final
        close.label = "x Close request"

    def _show_details(self, d: DisconnectionDetail) -> None:
        display = self.display_settings
        r = d.request
        self.query_one("#request-card", FieldGrid).show(
            [
                ("Request ID", r.request_no),
                ("Created on", format_datetime(r.created_at, display)),
                ("Created by", r.created_by),
                ("Last updated on", format_datetime(r.updated_at, display)),
                ("Last updated by", r.updated_by),
            ]
        )
        self.query_one("#consumer-card", FieldGrid).show(
            [
                ("Phone", d.phone or "--"),
                ("Category", d.category.title()),
                ("Sub category", (d.sub_category or "--").title()),
                ("Service address", d.service_address),
                ("Billing address", d.billing_address or d.service_address),
            ]
        )
        preferred = "Not specified"
        if r.preferred_date is not None:
            preferred = f"{format_date(r.preferred_date, display)} {r.time_slot or ''}".strip()
        self.query_one("#request-info", FieldGrid).show(
            [
                ("Request type", f"{r.request_type.title()} request"),
                ("Reason", r.reason),
                ("Reason code", r.reason_code),
                ("Priority", badge_for(r.priority, PRIORITY).label),
                ("Description", r.reason_description or "--"),
                ("Preferred date / time", preferred),
                ("Required approval", "Yes" if r.required_approval else "No"),
                ("Request notes", r.notes or "--"),
                ("Customer notified", "Yes" if r.notify_customer else "No"),
            ]
        )
        lines = Text("\n").join(metric_line(m) for m in d.sla.metrics)
        self.query_one("#sla-metrics", Static).update(lines)

    def _show_settlement(self, money: SettlementOut) -> None:
        self.query_one("#settlement-card", FieldGrid).show(
            settlement_fields(money, self.display_settings)
        )
        note = (
            "Net amount = outstanding - deposit applied. u switches the deposit on or off; "
            "the net is recalculated at once."
        )
        self.query_one("#settlement-note", Static).update(note)

    # ------------------------------------------------------------ changes

    @work(thread=True, exclusive=False, exit_on_error=False, group="request-change")
    def change(self, what: str, key: str, **arguments: Any) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            if what == "deposit":
                backend.set_deposit_use(session.token, self.request_no, arguments["use"], key)
            else:
                backend.change_disconnection_status(
                    session.token, self.request_no, what, key,
                    arguments.get("close_reason"), arguments.get("notes"),
                )  # fmt: skip
        except Exception as exc:
            self.post_message(self.Changed(what, exc))
            return
        self.post_message(self.Changed(what, None))

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        self.busy = False
        error = message.error
        if error is None:
            done = {
                "acknowledge": "Acknowledged: In Progress.",
                "hold": "Put on hold.",
                "resume": "Resumed: In Progress.",
                "resolve": "Marked as resolved: Completed.",
                "close": "Closed.",
                "deposit": "Settlement recalculated.",
            }
            self._message(done.get(message.what, "Saved."), "ok")
            self.load()
            return
        cso_app(self).backend_trouble(error)
        if isinstance(error, (ConflictError, ValidationError)):
            self._message(error.message, "error")
            self.load()  # someone else may have moved it: show what is true now
        else:
            self._message(f"Not saved: {describe_error(error)} (press the key again)", "error")
        self.refresh_bindings()

    def _message(self, text: str, tone: str = "") -> None:
        label = self.query_one("#request-message", Label)
        label.update(escape_markup(text))
        label.set_class(tone == "error", "-error")
        label.set_class(tone == "ok", "-ok")

    def _start(self, what: str, **arguments: Any) -> None:
        if self.busy or self.detail is None:
            return
        self.busy = True
        self._message("Saving…")
        self.change(what, str(uuid.uuid4()), **arguments)

    def action_status(self, action: str) -> None:
        self._start(action)

    def action_status_button(self) -> None:
        if self.detail is None:
            return
        action = BUTTON.get(Status(self.detail.request.status))
        if action is not None:
            self._start(action.value)

    def action_resolve(self) -> None:
        self._start(Action.RESOLVE.value)

    def action_close_request(self) -> None:
        if self.detail is None:
            return

        def closed(done: bool | None) -> None:
            if done:
                self._message("Closed.", "ok")
                self.load()

        self.app.push_screen(CloseRequestScreen(self.request_no), closed)

    def action_deposit(self) -> None:
        if self.detail is None:
            return
        self.action_tab("settlement")
        self._start("deposit", use=not self.detail.settlement.use_deposit)

    @on(Button.Pressed, "#status-button")
    def _status_pressed(self) -> None:
        self.action_status_button()

    @on(Button.Pressed, "#resolve-button")
    def _resolve_pressed(self) -> None:
        self.action_resolve()

    @on(Button.Pressed, "#close-button")
    def _close_pressed(self) -> None:
        self.action_close_request()

    def action_tab(self, tab: str) -> None:
        again = tab in self.started
        self.query_one(TabbedContent).active = tab
        self.set_focus(self.query_one(f"#{tab}-scroll"))
        self._start_tab(tab)
        if tab == "timeline":
            self.load_timeline()  # the work tabs' changes too
        elif again and tab == "orders":
            self.query_one(ServiceOrdersPane).refresh_orders()  # another desk's new orders
        elif again and tab == "comm":
            self.query_one(CommunicationPane).start()

    def action_quick(self, what: str) -> None:
        """Seed 003 quick actions: send response and add internal note open the
        Communication tab, create service order the Service orders tab, generate bill the
        Final bill tab, each with the focus where typing starts."""
        if what == "bill":
            self.action_tab("bill")
            return
        if what == "order":
            self.action_tab("orders")
            pane = self.query_one(ServiceOrdersPane)
            focus_now(pane.query_one("#so-template"))
            return
        self.action_tab("comm")
        self.query_one(CommunicationPane).choose("consumer" if what == "reply" else "internal")

    def action_profile(self) -> None:
        if self.detail is not None:
            cso_app(self).open_profile(self.detail.request.account_no)

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        if is_typing(self):
            # the first escape leaves the box (so letters are commands again), the next goes
            tab = self.query_one(TabbedContent).active
            self.set_focus(self.query_one(f"#{tab}-scroll"))
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return True
        if is_typing(self):
            return None
        d = self.detail
        if action in ("status", "status_button", "resolve", "close_request", "deposit", "profile"):
            if d is None:
                return False
            status = Status(d.request.status)
            if action == "status":
                button = BUTTON.get(status)
                return button is not None and button.value == parameters[0]
            if action == "status_button":
                return BUTTON.get(status) is not None
            if action == "resolve":
                return status is Status.IN_PROGRESS
            if action in ("close_request", "deposit"):
                return not status.final
        return True


class CloseRequestScreen(ModalScreen[bool | None]):
    """Close a request with a reason and notes (seed 003 quick actions)."""

    HELP_TITLE = "Close request"
    CSS_PATH = "request_detail.tcss"
    AUTO_FOCUS = "#close-reasons"

    BINDINGS = [
        Binding("ctrl+s", "save", "Close the request", priority=True, id="request.close.save"),
        Binding("escape", "cancel", "Cancel", id="request.close.cancel"),
    ]

    class Done(Message):
        def __init__(self, error: BaseException | None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, request_no: str) -> None:
        super().__init__()
        self.request_no = request_no
        self.key = str(uuid.uuid4())  # one attempt: a retry after a failure is not twice
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="close-box", classes="modal-box") as box:
            box.border_title = f"Close {self.request_no}"
            box.border_subtitle = "↑↓ reason · tab notes · ctrl+s closes · esc"
            yield Label("Reason", classes="field-label")
            with RadioSet(id="close-reasons"):
                for index, (value, label) in enumerate(CLOSE_REASONS):
                    yield TickRadio(label, index == 0, id=f"close-{value}")
            yield Label("", id="close-reason-error", classes="field-error")
            yield Label("Additional notes (required for Other)", classes="field-label")
            yield OrderedInput(id="close-notes", max_length=500, compact=True)
            yield Label("", id="close-notes-error", classes="field-error")
            yield Static("", id="close-status", classes="form-status")
        yield Footer()

    def action_save(self) -> None:
        # a priority key runs as it arrives: read the fields behind the keys typed before it
        after_typing(self, self._save)

    def _save(self) -> None:
        if self.saving:
            return
        index = self.query_one("#close-reasons", RadioSet).pressed_index
        reason = CLOSE_REASONS[index][0] if index >= 0 else ""
        notes = self.query_one("#close-notes", Input).value
        for label in self.query(".field-error"):
            if isinstance(label, Label):
                label.update("")
                label.remove_class("-shown")
        self.saving = True
        self._status("Closing…")
        self.close_it(reason, notes)

    @work(thread=True, exclusive=True, exit_on_error=False, group="request-close")
    def close_it(self, reason: str, notes: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            backend.change_disconnection_status(
                session.token, self.request_no, Action.CLOSE.value, self.key, reason, notes or None
            )
        except Exception as exc:
            self.post_message(self.Done(exc))
            return
        self.post_message(self.Done(None))

    @on(Done)
    def _done(self, message: Done) -> None:
        self.saving = False
        error = message.error
        if error is None:
            self.dismiss(True)
            return
        cso_app(self).backend_trouble(error)
        if isinstance(error, ValidationError) and error.field in ("close_reason", "notes"):
            name = "reason" if error.field == "close_reason" else "notes"
            label = self.query_one(f"#close-{name}-error", Label)
            label.update(escape_markup(error.message))
            label.add_class("-shown")
            target = "#close-reasons" if name == "reason" else "#close-notes"
            self.query_one(target).focus()
            self._status("Fix the field marked above, then press ctrl+s.", tone="error")
            return
        if isinstance(error, ConflictError):
            self._status(escape_markup(error.message), tone="error")
            return
        self._status(
            f"Not closed: {escape_markup(describe_error(error))} Your choice is kept: "
            "press ctrl+s to try again.",
            tone="error",
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#close-status", Static)
        status.update(text)
        status.set_class(tone == "error", "-error")
