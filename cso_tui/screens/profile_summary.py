"""The profile's summary tabs: Overview (relationship health, consumption chart, contact and
account), Financial (balance, payments, compliance, bills) and Connections (meters, readings).
They draw on the loaded profile plus one or two calls of their own."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Static

from cso_tui.formatting import format_money
from cso_tui.screens.profile_actions import STRPTIME, ActionForm, Done, reading_action
from cso_tui.screens.profile_pane import ProfilePane
from cso_tui.screens.profile_text import (
    HEALTH_BANDS,
    long_date,
    plural,
    quantity,
    status_badge,
    words,
)
from cso_tui.widgets.badges import CONSUMER_STATUS, PAYMENT_STANDING, Badge, badge_for, badge_text
from cso_tui.widgets.charts import Column, ColumnChart, meter, sparkline
from cso_tui.widgets.field_grid import FieldGrid
from cso_tui.widgets.fit_table import Col, FitTable

if TYPE_CHECKING:
    from cso_tui.services.backend import Backend
    from cso_tui.services.schemas import (
        BillOut,
        ConnectionOut,
        ConsumerProfile,
        ConsumptionOut,
        HealthOut,
        PaymentOut,
        ReadingOut,
    )

#: Months of consumption on the Overview chart (seed 004: "the last 6 months").
CHART_MONTHS = 6
PAYMENTS_SHOWN = 24
BILLS_SHOWN = 12
READINGS_SHOWN = 12
READINGS_HINT = "n records a reading"


def _dash(value: str | None) -> Text:
    return Text(value) if value else Text("—", style="dim")


def _section(title: str, id: str | None = None) -> Label:
    return Label(title, classes="section-title", id=id)


# ---------------------------------------------------------------- Overview


def health_table(health: HealthOut, width: int) -> Table:
    """The score's parts: each factor as a bar, its weight, value, points and detail."""
    narrow = width < 100
    bar_width = 8 if narrow else 16
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, min_width=16, max_width=20 if narrow else 28)
    table.add_column(justify="right", no_wrap=True)  # weight
    table.add_column(no_wrap=True)  # bar
    table.add_column(justify="right", no_wrap=True)  # value
    table.add_column(justify="right", no_wrap=True)  # points
    table.add_column(ratio=1, style="dim", overflow="ellipsis", no_wrap=narrow)
    for factor in health.factors:
        table.add_row(
            Text(factor.name, overflow="ellipsis", no_wrap=True),
            f"{factor.weight * 100:.0f}%",
            meter(factor.value, 100, bar_width),
            f"{factor.value:.0f}",
            f"{factor.points:.1f} pts",
            factor.detail,
        )
    charged = [p for p in health.penalties if p.points]
    if charged:
        total = sum(p.points for p in charged)
        detail = ", ".join(f"{p.name}: {p.count}, -{p.each} each" for p in charged)
        table.add_row("Penalties", "", "", "", f"-{total} pts", detail)
    else:
        table.add_row("Penalties", "", "", "", "0 pts", "none")
    return table


class HealthParts(Widget):
    """The health factors table, laid out for the width it has."""

    DEFAULT_CSS = """
    HealthParts {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.health: HealthOut | None = None

    def show(self, health: HealthOut) -> None:
        self.health = health
        self.refresh(layout=True)

    def render(self) -> Any:
        if self.health is None:
            return ""
        return health_table(self.health, self.size.width or 80)


def score_line(health: HealthOut, styles: dict[Any, Any]) -> Text:
    band = badge_for(health.band, HEALTH_BANDS)
    return Text.assemble(
        ("Relationship health ", "bold"),
        (f"{health.score}/100 ", "bold"),
        badge_text(band, styles),
        "  ",
        meter(health.score, 100, 20),
    )


class OverviewPane(ProfilePane):
    TAB = "overview"
    TITLE = "Overview"
    SHORT = "Overview"
    NEEDS_PROFILE = True

    KEYS = [
        Binding("t", "service_type", "Service type", id="profile.service_type"),
    ]

    def __init__(self, account_no: str, display: Any) -> None:
        super().__init__(account_no, display)
        self.utility: str | None = None  # None: the consumer's first
        self.consumption: ConsumptionOut | None = None

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(classes="pane-scroll pane-focus", id="overview-scroll"):
            with Vertical(id="overview-health"):
                yield Static("", id="health-score")
                yield HealthParts(id="health-parts")
                yield Static("", id="account-age")
            with Horizontal(id="overview-row"):
                with Vertical(id="overview-usage"):
                    yield _section("Consumption", id="usage-title")
                    yield ColumnChart(id="usage-chart")
                    yield Static("", id="usage-note")
                with Vertical(id="overview-info"):
                    yield _section("Contact")
                    yield FieldGrid(id="contact-grid", columns=1)
                    yield _section("Account")
                    yield FieldGrid(id="account-grid", columns=1)

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        return backend.consumption(token, self.account_no, self.utility, CHART_MONTHS)

    def show(self, data: ConsumptionOut) -> None:
        profile = self.profile
        assert profile is not None
        self.consumption = data
        self.utility = data.utility
        display = self.display_settings
        health = profile.health
        self.query_one("#health-score", Static).update(score_line(health, self.styles_by_tone))
        self.query_one("#health-parts", HealthParts).show(health)
        since = long_date(profile.connection_date, display)
        self.query_one("#account-age", Static).update(
            Text.assemble(
                ("Account age ", "bold"),
                f"{plural(profile.account_age_months, 'month')}",
                (f" (connected {since})" if profile.connection_date else "", "dim"),
            )
        )
        self._show_usage(data)
        self.query_one("#contact-grid", FieldGrid).show(
            [
                ("Email", _dash(profile.email)),
                ("Phone", _dash(profile.phone)),
                ("Alt. phone", _dash(profile.alt_phone)),
                ("Service addr", _dash(profile.service_address)),
                ("Billing addr", _dash(profile.billing_address or "same as service address")),
            ]
        )
        self.query_one("#account-grid", FieldGrid).show(
            [
                ("Consumer no", Text(profile.account_no)),
                ("Category", _dash(profile.category)),
                ("Sub category", _dash(profile.sub_category)),
                ("Connected", _dash(long_date(profile.connection_date, display))),
                ("Plan", _dash(profile.plan)),
            ]
        )

    def _show_usage(self, data: ConsumptionOut) -> None:
        choices = data.utilities
        unit = data.unit
        if not data.utility:  # no service connection yet (a new or pending consumer)
            title = "Consumption · no service connection yet"
        else:
            title = f"Consumption · {words(data.utility)} ({unit}) · last {len(data.points)} months"
        self.query_one("#usage-title", Label).update(title)
        self.query_one("#usage-chart", ColumnChart).show(
            [
                Column(
                    label=f"{p.month:%b}" if p.month.month != 1 else f"{p.month:%b %y}",
                    value=p.usage,
                    caption=quantity(p.usage),
                )
                for p in data.points
            ]
        )
        if len(choices) > 1:
            options = "  ".join(f"{'◉' if u == data.utility else '○'} {words(u)}" for u in choices)
            note = Text.assemble("Service type: ", options, ("   t to switch", "dim"))
        elif data.utility:
            note = Text.assemble(("Service type: ", "dim"), words(data.utility))
        else:
            note = Text("")
        profile = self.profile
        if profile is not None and profile.average_monthly_usage is not None:
            average = quantity(profile.average_monthly_usage, profile.usage_unit)
            note.append(f"\nAverage {average} a month", style="dim")
        self.query_one("#usage-note", Static).update(note)

    def action_service_type(self) -> None:
        data = self.consumption
        if data is None or len(data.utilities) < 2 or self.state == "loading":
            return
        index = data.utilities.index(data.utility) if data.utility in data.utilities else -1
        self.utility = data.utilities[(index + 1) % len(data.utilities)]
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "service_type":
            data = self.consumption
            return data is not None and len(data.utilities) > 1
        return True


# ---------------------------------------------------------------- Financial


@dataclass(frozen=True)
class FinancialData:
    payments: list[PaymentOut]
    bills: list[BillOut]


PAYMENT_COLUMNS = (
    Col("date", "Date", 12),
    Col("no", "Payment no", 10),
    Col("amount", "Amount", 10, right=True),
    Col("method", "Method", 13, flex=1),
    Col("status", "Status", 18),
)

BILL_COLUMNS = (
    Col("no", "Bill no", 8),
    Col("issued", "Issued", 12),
    Col("period", "Period", 15, drop=1),
    Col("due", "Due", 12),
    Col("amount", "Amount", 10, right=True),
    Col("paid", "Paid", 10, right=True, drop=2),
    Col("status", "Status", 12, flex=1),
)


def compliance_detail(profile: ConsumerProfile) -> str:
    for factor in profile.health.factors:
        if factor.name.lower().startswith("payment compliance"):
            return factor.detail
    return ""


def variance_text(variance: int | None) -> Text:
    if variance is None:
        return Text("not enough history (needs a year of readings)", style="dim")
    if variance < 0:
        return Text(f"▼ {variance}% vs last year")
    if variance > 0:
        return Text(f"▲ +{variance}% vs last year")
    return Text("= 0% vs last year (unchanged)")


class FinancialPane(ProfilePane):
    TAB = "financial"
    TITLE = "Financial"
    SHORT = "Finance"
    NEEDS_PROFILE = True

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(classes="pane-scroll pane-focus", id="financial-scroll"):
            yield _section("Account balance")
            yield FieldGrid(id="balance-grid", columns=1)
            yield _section("Billing overview")
            yield FieldGrid(id="billing-grid")
            yield _section("Payment history · newest first", id="payments-title")
            yield FitTable(PAYMENT_COLUMNS, cursor=False, id="payments-table", classes="static")
            yield _section("Bills · newest first", id="bills-title")
            yield FitTable(BILL_COLUMNS, cursor=False, id="bills-table", classes="static")

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        return FinancialData(
            payments=backend.list_payments(token, self.account_no, PAYMENTS_SHOWN),
            bills=backend.list_bills(token, self.account_no, BILLS_SHOWN),
        )

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.display_settings.currency_symbol)

    def show(self, data: FinancialData) -> None:
        profile = self.profile
        assert profile is not None
        display = self.display_settings
        styles = self.styles_by_tone
        standing = badge_for(profile.payment_standing, PAYMENT_STANDING)
        if profile.estimate_low is not None and profile.estimate_high is not None:
            estimate = Text(
                f"{self.money(profile.estimate_low)} to {self.money(profile.estimate_high)}"
            )
        else:
            estimate = Text("not enough billing history", style="dim")
        last = profile.last_payment
        last_text = (
            Text(
                f"{self.money(last.amount)} on {long_date(last.paid_at.date(), display)} "
                f"({last.payment_no}, {last.method})"
            )
            if last
            else Text("none yet", style="dim")
        )
        due = profile.next_due
        if due is None:
            due_text = Text("nothing due", style="dim")
        else:
            if due.days > 0:
                when = Text(f"in {plural(due.days, 'day')}")
            elif due.days == 0:
                when = badge_text(Badge("◷", "due today", "today", "warning"), styles)
            else:
                when = badge_text(
                    Badge("‼", f"overdue by {plural(-due.days, 'day')}", "", "error"), styles
                )
            due_text = Text.assemble(
                f"{long_date(due.due_date, display)} · ",
                when,
                (f" ({self.money(due.amount)}, {due.bill_no})", "dim"),
            )
        if profile.compliance is None:
            compliance = Text("no payments yet", style="dim")
        else:
            compliance = Text.assemble(
                (f"{profile.compliance}% ", "bold"),
                meter(profile.compliance, 100, 12),
                (f" {compliance_detail(profile)}", "dim"),
            )
        average = (
            quantity(profile.average_monthly_usage, profile.usage_unit) + " a month"
            if profile.average_monthly_usage is not None
            else "—"
        )
        self.query_one("#balance-grid", FieldGrid).show(
            [
                ("Current balance", Text(self.money(profile.balance), style="bold")),
                ("Outstanding", Text(self.money(profile.outstanding))),
                ("Next bill est.", estimate),
                ("Standing", badge_text(standing, styles)),
                ("Last payment", last_text),
                ("Payment mode", _dash(profile.payment_mode)),
                ("Next payment due", due_text),
                ("Compliance", compliance),
                ("Usage variance", variance_text(profile.usage_variance)),
            ]
        )
        self.query_one("#billing-grid", FieldGrid).show(
            [
                ("Rate plan", _dash(profile.plan)),
                ("Billing cycle", _dash(profile.billing_cycle)),
                ("Payment method", _dash(profile.payment_mode)),
                ("Avg monthly usage", Text(average)),
            ]
        )
        counts = profile.counts
        shown = len(data.payments)
        more = f" ({shown} of {counts.payments})" if counts.payments > shown else ""
        self.query_one("#payments-title", Label).update(f"Payment history · newest first{more}")
        self.query_one("#payments-table", FitTable).set_rows(
            [(p.payment_no, self._payment_cells(p)) for p in data.payments]
        )
        shown = len(data.bills)
        more = f" ({shown} of {counts.bills})" if counts.bills > shown else ""
        self.query_one("#bills-title", Label).update(f"Bills · newest first{more}")
        self.query_one("#bills-table", FitTable).set_rows(
            [(b.bill_no, self._bill_cells(b)) for b in data.bills]
        )
        if not data.payments:
            self.query_one("#payments-title", Label).update("Payment history · no payments yet")

    def _payment_cells(self, payment: PaymentOut) -> dict[str, Text | str]:
        status = badge_text(status_badge(payment.status), self.styles_by_tone)
        if not payment.on_time:
            status.append(" (late)")
        return {
            "date": long_date(payment.paid_at.date(), self.display_settings),
            "no": payment.payment_no,
            "amount": self.money(payment.amount),
            "method": payment.method,
            "status": status,
        }

    def _bill_cells(self, bill: BillOut) -> dict[str, Text | str]:
        display = self.display_settings
        return {
            "no": bill.bill_no,
            "issued": long_date(bill.issue_date, display),
            "period": f"{bill.period_start:%b %d} to {bill.period_end:%b %d}",
            "due": long_date(bill.due_date, display),
            "amount": self.money(bill.amount),
            "paid": self.money(bill.paid),
            "status": badge_text(status_badge(bill.status), self.styles_by_tone, short=True),
        }


# ---------------------------------------------------------------- Connections

READING_COLUMNS = (
    Col("meter", "Meter", 8, drop=1),
    Col("date", "Date", 12),
    Col("value", "Reading", 10, right=True),
    Col("consumption", "Consumption", 11, right=True),
    Col("unit", "Unit", 8, drop=2),
    Col("status", "Status", 12, flex=1),
)


class ConnectionsPane(ProfilePane):
    TAB = "connections"
    TITLE = "Connections"
    SHORT = "Conn."
    NEEDS_PROFILE = True

    KEYS = [
        Binding("n", "record_reading", "Record reading", id="profile.record_reading"),
    ]

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(classes="pane-scroll pane-focus", id="connections-scroll"):
            yield Vertical(id="connection-list")
            yield _section(
                f"Monthly meter readings · newest first · {READINGS_HINT}", id="readings-title"
            )
            yield Static("", id="readings-trend")
            yield FitTable(READING_COLUMNS, cursor=False, id="readings-table", classes="static")

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        return backend.list_readings(token, self.account_no, None, READINGS_SHOWN)

    def show(self, data: list[ReadingOut]) -> None:
        profile = self.profile
        assert profile is not None
        box = self.query_one("#connection-list", Vertical)
        box.remove_children()
        widgets: list[Widget] = []
        if not profile.connections:
            widgets.append(Static(Text("No service connection yet.", style="dim")))
        for connection in profile.connections:
            widgets.append(Static(self._connection_line(connection), classes="section-title"))
            if not connection.meters:
                widgets.append(Static(Text("no meter installed", style="dim")))
            for m in connection.meters:
                last = (
                    f"{quantity(m.last_reading, connection.unit)} "
                    f"({long_date(m.last_read_on, self.display_settings)})"
                    if m.last_reading is not None
                    else "no reading yet"
                )
                widgets.append(
                    FieldGrid(
                        [
                            ("Meter no", Text(m.meter_no, style="bold")),
                            ("Device no", Text(m.device_no)),
                            ("Meter type", _dash(m.meter_type)),
                            ("Model", _dash(m.model)),
                            ("Assigned", _dash(long_date(m.assigned_on, self.display_settings))),
                            ("Installed", _dash(long_date(m.installed_on, self.display_settings))),
                            (
                                "Reading status",
                                badge_text(status_badge(m.reading_status), self.styles_by_tone),
                            ),
                            ("Last reading", Text(last)),
                        ],
                        classes="meter-grid",
                    )
                )
        box.mount_all(widgets)
        meters = {r.meter_no for r in data}
        table = self.query_one("#readings-table", FitTable)
        table.set_rows(
            [(f"{i}:{r.meter_no}@{r.read_on}", self._reading_cells(r)) for i, r in enumerate(data)]
        )
        trend = self.query_one("#readings-trend", Static)
        used = [r for r in reversed(data) if r.consumption is not None]
        if used and len(meters) == 1:
            first_day, last_day = used[0].read_on, used[-1].read_on
            unit = used[-1].unit
            trend.update(
                Text.assemble(
                    ("Consumption ", "dim"),
                    sparkline([r.consumption or Decimal(0) for r in used]),
                    (f"  {first_day:%b %Y} to {last_day:%b %Y}, {unit} per reading", "dim"),
                )
            )
        else:
            trend.update("")
        trend.display = bool(used and len(meters) == 1)
        listed = "newest first" if data else "none yet"
        self.query_one("#readings-title", Label).update(
            f"Monthly meter readings · {listed} · {READINGS_HINT}"
        )

    def _connection_line(self, connection: ConnectionOut) -> Text:
        status = badge_for(connection.status, CONSUMER_STATUS)
        parts = [p for p in (connection.rate_plan, connection.billing_cycle) if p]
        since = (
            f"since {long_date(connection.connected_on, self.display_settings)}"
            if connection.connected_on
            else ""
        )
        return Text.assemble(
            (f"{words(connection.utility)} service  ", "bold"),
            badge_text(status, self.styles_by_tone),
            (f"  {' · '.join([*parts, since] if since else parts)}", "dim"),
        )

    def _reading_cells(self, reading: ReadingOut) -> dict[str, Text | str]:
        return {
            "meter": reading.meter_no,
            "date": long_date(reading.read_on, self.display_settings),
            "value": quantity(reading.value),
            "consumption": quantity(reading.consumption),
            "unit": reading.unit,
            "status": badge_text(status_badge(reading.status), self.styles_by_tone),
        }

    # ------------------------------------------------------------ recording a reading

    def meter_choices(self) -> list[tuple[str, str]]:
        """The account's meters as (label, meter no), from the loaded profile."""
        profile = self.profile
        if profile is None:
            return []
        return [
            (f"{m.meter_no} · {words(c.utility)}", m.meter_no)
            for c in profile.connections
            for m in c.meters
        ]

    def action_record_reading(self) -> None:
        from cso_tui.screens.profile import ProfileScreen  # it imports this module

        screen = self.screen
        if self.profile is None or not isinstance(screen, ProfileScreen):
            return
        meters = self.meter_choices()
        if not meters:
            self.notify(
                "This account has no meter to record a reading for.",
                title="Record reading",
                severity="warning",
            )
            return
        display = self.display_settings
        today = datetime.now(ZoneInfo(display.timezone)).date()
        spec = reading_action(meters, today.strftime(STRPTIME[display.date_format]))
        started = time.monotonic()

        # the screen's own bookkeeping, as for its quick actions: the usage event, then the
        # notification and the reload of this tab, the activity and the header
        def finished(done: Done | None) -> None:
            screen._record_action(spec.key, started, done is not None)
            if done is not None:
                screen._action_done(done)

        self.app.push_screen(ActionForm(spec, self.account_no, screen.subject), finished)
