"""What crosses the Backend contract: pydantic models (JSON-safe, so they cross HTTP too)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from cso_tui.models.enums import SearchKind
from cso_tui.services.rules.health import whole

__all__ = ["SearchKind"]  # re-exported: part of the contract


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class DemoUser(Model):
    username: str
    role: str
    role_label: str


class BackendInfo(Model):
    """Facts the login screen may show before anyone logs in."""

    version: str
    database: str  # "sqlite" or "postgresql"
    is_demo: bool
    demo_users: list[DemoUser] = Field(default_factory=list)
    demo_password: str | None = None
    has_users: bool = True


class SessionInfo(Model):
    token: str
    user_id: int
    username: str
    full_name: str
    role: str
    role_label: str
    created_at: datetime


class UserOut(Model):
    id: int
    username: str
    full_name: str
    role: str
    active: bool
    open_sessions: int = 0
    last_login_at: datetime | None = None


class SessionsEnded(Model):
    username: str
    ended: int  # how many open sessions were ended


class ConsumerHit(Model):
    account_no: str
    name: str
    status: str
    category: str
    vip: bool
    phone: str | None
    email: str | None
    service_address: str
    balance: Decimal
    matched: str  # which field matched: account_no, meter_no, phone, email, name, address


class SearchPage(Model):
    term: str
    kind: SearchKind
    items: list[ConsumerHit]
    next_cursor: str | None = None


class MeterBrief(Model):
    meter_no: str
    device_no: str
    utility: str
    meter_type: str


class ConsumerSummary(Model):
    """Seed 001 7.1.1: what staff need on selecting a consumer."""

    account_no: str
    name: str
    status: str
    category: str
    sub_category: str | None
    vip: bool
    phone: str | None
    email: str | None
    service_address: str
    billing_address: str | None
    balance: Decimal
    payment_standing: str
    active_complaints: int
    active_requests: int
    meters: list[MeterBrief]
    connection_date: date | None
    version: int


class ConsumerUpdate(Model):
    """Fields staff may change; None means "leave as is"."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    service_address: str | None = None
    billing_address: str | None = None
    category: str | None = None
    sub_category: str | None = None
    vip: bool | None = None


class NoteOut(Model):
    id: int
    account_no: str
    author_name: str
    body: str
    created_at: datetime


# ---------------------------------------------------------------- consumer management (seed 004)


class ConsumerKpis(Model):
    """The consumer list's cards (seed 004 s.7 rules 1-5), from the rollup, never a scan."""

    total: int
    active: int
    inactive: int
    temporarily_disconnected: int
    disconnected: int
    pending: int
    total_balance: Decimal

    def percent(self, count: int) -> int:
        """``count`` as a whole percentage of the total (57 for 4 of 7)."""
        return 0 if not self.total else whole(Decimal(100) * count / self.total)


class ConsumerSort(StrEnum):
    NAME = "name"
    ACCOUNT_NO = "account_no"
    BALANCE = "balance"


class ConsumerQuery(Model):
    """What the consumer list shows: an optional search term, filters and one sort."""

    text: str = ""  # name, account no, phone, email or address (as the quick search reads it)
    statuses: list[str] = Field(default_factory=list)  # any of ConsumerStatus; empty: all
    categories: list[str] = Field(default_factory=list)
    standings: list[str] = Field(default_factory=list)  # PaymentStanding
    vip: bool | None = None
    balance_min: Decimal | None = None
    balance_max: Decimal | None = None
    sort: ConsumerSort = ConsumerSort.NAME
    descending: bool = False


class ConsumerRow(Model):
    account_no: str
    name: str
    email: str | None
    phone: str | None
    service_address: str
    status: str
    category: str
    sub_category: str | None
    vip: bool
    balance: Decimal
    payment_standing: str
    last_contact_at: datetime | None


class ConsumerListPage(Model):
    items: list[ConsumerRow]
    next_cursor: str | None = None
    #: matches of the query, counted up to ``count_cap`` (then "10,000+") ...
    matches: int
    count_cap: int
    #: ... unless counting would have taken too long (a rare combination with a balance range
    #: or a search term over 1M consumers): then ``matches`` is only what this page shows, a
    #: lower bound ("50+")
    counted: bool = True


class Alert(Model):
    kind: str  # payment_due, payment_overdue, maintenance, lock, medical
    text: str  # "Payment due in 3 days", "Scheduled maintenance on May 24"
    severity: str  # info, warning, critical


class HealthFactorOut(Model):
    name: str
    weight: Decimal  # 0.40
    value: Decimal  # 0..100 as weighted
    raw: Decimal | None  # before capping (None: no data, counted as 100)
    detail: str
    points: Decimal


class HealthPenaltyOut(Model):
    name: str
    count: int
    each: int
    points: int


class HealthOut(Model):
    score: int
    band: str
    exact: Decimal
    factors: list[HealthFactorOut]
    penalties: list[HealthPenaltyOut]


class LastPayment(Model):
    payment_no: str
    amount: Decimal
    paid_at: datetime
    method: str


class NextDue(Model):
    bill_no: str
    due_date: date
    amount: Decimal  # still owed on that bill
    days: int  # until due (negative: overdue by that many days)


class MeterOut(Model):
    meter_no: str
    device_no: str
    meter_type: str
    model: str | None
    assigned_on: date | None
    installed_on: date | None
    reading_status: str
    last_reading: Decimal | None
    last_read_on: date | None


class ConnectionOut(Model):
    utility: str
    status: str
    rate_plan: str | None
    billing_cycle: str | None
    unit: str
    connected_on: date | None
    meters: list[MeterOut]


class TabCounts(Model):
    payments: int
    bills: int
    readings: int
    service_orders: int
    complaints: int
    requests: int
    communications: int
    documents: int
    notes: int


class ReasonOut(Model):
    code: str  # NP-001
    name: str  # Non-payment of bills
    description: str
    priority: str  # high, medium, low
    requires_approval: bool
    applies_to: str  # disconnection, reconnection


class TimeSlotOut(Model):
    label: str  # 10:00 AM - 12:00 PM
    start_minute: int  # after midnight, office time
    end_minute: int


class SlaTargetOut(Model):
    request_type: str
    acknowledgement_hours: Decimal
    response_hours: Decimal
    resolution_hours: Decimal


class DisconnectionSettings(Model):
    """What a disconnection or reconnection request is made with (seed 003, settings)."""

    reasons: list[ReasonOut]  # active ones, in their order
    time_slots: list[TimeSlotOut]
    sla_targets: list[SlaTargetOut]
    checklist: list[str]  # the account closure checklist, in order
    checklist_required: int  # ticks needed before Execute Disconnection


class DisconnectionGuardrails(Model):
    """Rules beyond seed 003, kept in the ``disconnection_guardrails`` setting. The defaults
    keep the seed's behaviour for scheduling (only "not in the past") and settle the money
    as staff expect: paying the balance down to the threshold cancels a pending
    non-payment disconnection, and clearing the debt of a consumer cut for non-payment
    raises a reconnection request."""

    blocked_weekdays: list[int] = []  # 0 = Monday .. 6 = Sunday: no disconnection scheduled
    block_on_holidays: bool = False  # no disconnection on a day in the holiday calendar
    block_with_medical_certificate: bool = False  # none while a certificate is on file
    min_notice_days: int = 0  # the preferred date at least this many days after today
    payment_cancel_threshold: Decimal | None = Decimal("0.00")  # None: payments cancel nothing
    auto_reconnection: bool = True  # cleared debt after a non-payment cut -> reconnection


class NewDisconnectionRequest(Model):
    """The create form (seed 003): the request type follows the consumer's status."""

    account_no: str
    reason_code: str  # NP-001
    preferred_date: date | None = None  # required; not in the past (office date)
    time_slot: str | None = None  # a configured slot's label; required
    notes: str | None = None  # at most 250 characters, plain text
    notify_customer: bool = True


class DisconnectionRequestOut(Model):
    request_no: str  # DIS-2024-001234
    request_type: str  # disconnection, reconnection
    account_no: str
    consumer_name: str
    vip: bool
    reason_code: str
    reason: str
    reason_description: str
    priority: str
    required_approval: bool
    preferred_date: date | None  # None: "Not specified"
    time_slot: str | None
    notes: str | None
    notify_customer: bool
    status: str  # pending, in_progress, on_hold, completed, closed
    created_at: datetime
    created_by: str  # full name
    updated_at: datetime
    updated_by: str
    notification: str  # what the customer was sent: "Email queued to ...", or why not


class SlaMetricOut(Model):
    name: str  # Acknowledgement, Response, Resolution
    target_hours: Decimal
    achieved_hours: Decimal | None  # two decimals; None: Pending
    breached: bool


class SlaOut(Model):
    due: datetime  # creation + resolution target (+ time the clock did not run)
    remaining_seconds: int  # negative once past due; 0 once resolved
    remaining: str  # "18 hours 45 minutes", "overdue by 40 minutes"
    status: str  # on_track, breached
    label: str  # On Track, Breached
    metrics: list[SlaMetricOut]
    paused: bool  # on hold with the pause setting: the due date moves while it lasts


class SettlementOut(Model):
    """Seed 003's Financial Settlement tab, from the billing ledger."""

    outstanding: Decimal  # total due - payments made
    cleared: bool  # nothing outstanding
    due_date: date | None  # the most recent unpaid invoice's
    last_payment_amount: Decimal | None  # None: "--"
    last_payment_date: date | None
    last_payment_method: str | None
    deposit: Decimal  # held
    deposit_date: date | None
    use_deposit: bool  # the "Use in bill" toggle (on by default when something is owed)
    deposit_refund: Decimal  # the deduction
    net: Decimal  # outstanding - deposit_refund; negative: refund due
    direction: str  # payable, refund, settled
    direction_label: str  # "Amount payable by consumer"


class DisconnectionDetail(Model):
    request: DisconnectionRequestOut
    phone: str | None
    category: str
    sub_category: str | None
    service_address: str
    billing_address: str | None
    sla: SlaOut
    settlement: SettlementOut
    evaluated_at: datetime  # the clocks' "now"


class RequestTab(StrEnum):
    """The landing list's tabs (seed 003): open requests, or completed and closed ones."""

    CURRENT = "current"  # pending, in progress, on hold
    HISTORY = "history"  # completed, closed
    ALL = "all"


class DisconnectionQuery(Model):
    """What the disconnection landing list shows: a search term, a tab and filters."""

    text: str = ""  # a request id (DIS-2024-001234, or its start), a name or an account no
    tab: RequestTab = RequestTab.CURRENT
    statuses: list[str] = Field(default_factory=list)  # lifecycle Status values; empty: all
    request_types: list[str] = Field(default_factory=list)  # disconnection, reconnection
    priorities: list[str] = Field(default_factory=list)  # high, medium, low
    created_from: date | None = None  # the day requested, office date, inclusive
    created_to: date | None = None


class DisconnectionRow(Model):
    """One line of the landing list (seed 003's list view columns)."""

    request_no: str
    account_no: str
    consumer_name: str
    vip: bool
    service_address: str
    request_type: str
    created_at: datetime  # "Date requested"
    status: str
    outstanding: Decimal  # the consumer's balance now
    priority: str


class DisconnectionListPage(Model):
    items: list[DisconnectionRow]
    next_cursor: str | None = None
    matches: int


class DisconnectionMonth(Model):
    """One month's counts (office months): requests made that month still open, and requests
    completed (resolved) that month, per type."""

    month: date  # the first day
    pending_disconnections: int
    completed_disconnections: int
    pending_reconnections: int
    completed_reconnections: int


class DisconnectionKpis(Model):
    """The landing page's monthly cards, with the months before for the trend."""

    current: DisconnectionMonth
    trend: list[DisconnectionMonth]  # oldest first, ending with ``current``


class MeterCheckOut(Model):
    """A meter of the request's consumer, found by meter no or device no (seed 003 final bill
    and Disconnect tab: the other number, the type and the last reading fill in)."""

    meter_no: str
    device_no: str
    utility: str  # water, electricity
    meter_type: str
    unit: str  # gallons, kWh
    previous_reading: Decimal | None
    previous_date: date | None


class FinalReadingIn(Model):
    """One utility's block of the Final bill tab: the meter and its final reading."""

    meter_no: str
    reading: Decimal | None = None  # greater than the previous reading
    reading_date: date | None = None  # required; not in the future


class FinalBillLine(Model):
    meter: MeterCheckOut
    reading: Decimal
    reading_date: date
    usage: Decimal
    fixed: Decimal
    usage_charge: Decimal
    tax: Decimal
    total: Decimal


class FinalBillOut(Model):
    """A request's final bill (seed 003 "Final bill"): a draft until approved, then locked."""

    invoice_no: str  # INV-414013
    request_no: str
    status: str  # draft, approved
    locked: bool
    period_start: date
    period_end: date
    period_label: str  # "November 2026 - December 2026" (an en dash)
    lines: list[FinalBillLine]
    billed: Decimal  # usage + fixed charges + taxes
    outstanding: Decimal  # unpaid dues from earlier bills
    deposit: Decimal  # the original deposit held
    use_deposit: bool  # the settlement's "Use in bill"
    deposit_applied: Decimal  # shown as a deduction, capped at the deposit
    final_due: Decimal  # (billed + outstanding) - deposit applied, never negative
    deposit_refund: Decimal
    issue_date: date
    due_date: date
    created_at: datetime
    created_by: str
    approved_at: datetime | None
    approved_by: str | None
    notification: str | None = None  # once approved: what the customer was sent


class FinalBillView(Model):
    """The Final bill tab: the utilities to read, and the current bill (draft or approved)."""

    utilities: list[str]  # one block each: water, electricity
    bill: FinalBillOut | None


class ServiceOrderCheckOut(Model):
    """The service order a disconnection is executed under (seed 003 Disconnect tab)."""

    so_no: str
    name: str
    status: str
    assigned_to: str | None
    completion_date: date | None  # scheduled, or done
    approved_by: str | None


class ExecuteDisconnection(Model):
    """The Disconnect tab: what is done with the meters, under which order, what was checked."""

    meter_action: str  # unassign (stays installed) or remove (to the warehouse)
    device_nos: list[str]  # every meter on the account
    so_no: str
    checklist: list[int] = Field(default_factory=list)  # 1-based items ticked


class TimelineEventOut(Model):
    """One line of a request's Timeline tab (seed 003: "All the Request related activities
    are tracked and log"), from the audit log."""

    at: datetime
    who: str  # a full name, or "System"
    what: str  # "Acknowledged", "Final bill INV-414001 approved"
    detail: str | None = None


class ServiceOrderTemplateOut(Model):
    """A service order template (setting ``service_order_templates``). The Service orders tab
    offers only those that fit the consumer (seed 003: "display only the templates which
    are associated with consumer"): their category, their utilities, the request's type."""

    code: str  # DSC-RES
    name: str  # Residential Disconnection
    order_type: str  # Disconnection
    priority: str
    estimated_minutes: int
    requires_approval: bool


class RequestServiceOrderOut(Model):
    """A service order as the request's Service orders tab lists it (seed 003 columns)."""

    so_no: str  # SO-2024-005678
    name: str  # Residential Disconnection - John Smith
    order_type: str
    status: str
    priority: str
    scheduled_date: date | None
    scheduled_slot: str | None
    created_at: datetime
    created_by: str | None
    assigned_to: str | None
    assigned_on: datetime | None
    approved_by: str | None
    estimated_minutes: int | None
    remarks: str | None
    completed_at: datetime | None
    linked: bool  # made for this request (others are the consumer's other orders)

    @property
    def report_ready(self) -> bool:
        """Seed 003: "download report - download if the service order is completed"."""
        return self.status in ("completed", "verified", "closed")


class NewRequestServiceOrder(Model):
    template_code: str
    scheduled_date: date | None = None  # required; today or later (office date)
    remarks: str | None = None  # at most 500 characters, plain text


class ServiceOrderReport(Model):
    so_no: str
    title: str
    text: str  # the report, plain text (the screen saves it as PDF and .txt)


class RequestMessageOut(Model):
    """One entry of a request's Communication tab: a message to or from the consumer, or
    an internal note (seed 003: "All the communication sent to consumer or internal notes
    are displayed here")."""

    kind: str  # internal, email, sms, letter, phone
    direction: str  # internal, to_customer, from_customer
    subject: str | None
    body: str
    at: datetime
    by: str  # a full name, or "System"
    status: str  # sent, queued, failed, noted
    linked: bool  # written on this request (others are the consumer's other messages)


class NewRequestMessage(Model):
    kind: str  # "internal" (a note for staff) or "consumer" (an email to the consumer)
    subject: str | None = None  # required for the consumer
    body: str = ""


class DeliveryReport(Model):
    """One delivery run of the notification outbox (and the SLA breach check before it)."""

    configured: bool  # an SMTP server is set (setting ``smtp``); without one nothing is sent
    escalated: int  # requests newly found breaching their SLA: supervisors told
    sent: int
    retrying: int  # failed this time, tried again later
    failed: int  # failed for good (out of attempts)
    waiting: int  # still in the outbox after this run


class ConsumerLockOut(Model):
    """A consumer profile held while a request is made for it (seed 003 AC002)."""

    account_no: str
    holder: str  # the holder's full name
    holder_username: str
    purpose: str  # "disconnection request"
    since: datetime
    expires_at: datetime  # unless renewed by locking again


class ConsumerProfile(Model):
    """Seed 004's profile: header, contact, account, payment details, insights, connections."""

    account_no: str
    name: str
    vip: bool
    status: str
    category: str
    sub_category: str | None
    email: str | None
    phone: str | None
    alt_phone: str | None
    service_address: str
    billing_address: str | None
    territory: str | None
    plan: str | None
    billing_cycle: str | None
    payment_mode: str | None
    payment_standing: str
    connection_date: date | None
    registration_date: date | None
    last_billed_on: date | None
    last_contact_at: datetime | None
    version: int
    balance: Decimal
    outstanding: Decimal  # billed minus paid over unpaid bills (seed: current balance - payments)
    last_payment: LastPayment | None
    next_due: NextDue | None
    compliance: int | None  # whole percent of payments on time; None before the first
    account_age_months: int
    health: HealthOut
    days_past_due: int
    risk: str  # aging.Risk
    estimate_low: Decimal | None  # next bill estimate range, from recent bills
    estimate_high: Decimal | None
    average_monthly_usage: Decimal | None
    usage_unit: str
    usage_variance: int | None  # whole percent vs the same months a year before
    alerts: list[Alert]
    connections: list[ConnectionOut]
    counts: TabCounts
    lock_holder: str | None  # who holds the profile for a long edit, if anyone


class PaymentOut(Model):
    payment_no: str
    paid_at: datetime
    amount: Decimal
    method: str
    status: str
    on_time: bool
    bill_no: str | None


class NewPayment(Model):
    """A payment received at the office (``record_payment``; ``cso-tui payment record``)."""

    amount: Decimal  # more than zero, at most two decimals
    method: str  # one of the payment methods (catalog ``payment_methods``)
    paid_on: date | None = None  # the office's date it was paid; default today, not later
    reference: str | None = None  # receipt or transaction reference, at most 80 characters


class PaymentApplied(Model):
    """What a payment settled of one bill."""

    bill_no: str
    amount: Decimal  # the part of the payment that went to this bill
    status: str  # the bill's status after it: paid or partially_paid


class PaymentRecorded(Model):
    """A recorded payment and what it set off (the ``disconnection_guardrails`` setting)."""

    payment: PaymentOut  # bill_no: the first (oldest) bill it settled, if any
    reference: str | None
    applied: list[PaymentApplied]  # oldest bill first
    balance: Decimal  # what the consumer owes now (negative: in credit)
    outstanding: Decimal  # what the consumer's unpaid bills still add up to
    payment_standing: str  # current, past_due or collection, after it
    cancelled: list[str]  # non-payment disconnection requests closed: payment received
    raised: list[str]  # reconnection requests raised: dues cleared


class BillOut(Model):
    bill_no: str
    kind: str
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    usage: Decimal | None
    amount: Decimal
    paid: Decimal
    status: str


class ReadingOut(Model):
    meter_no: str
    read_on: date
    value: Decimal
    consumption: Decimal | None
    status: str
    unit: str


class UsagePoint(Model):
    month: date  # the first day of the month
    usage: Decimal  # consumption read in that month (0 when none)


class ConsumptionOut(Model):
    utility: str
    unit: str
    points: list[UsagePoint]  # oldest first
    utilities: list[str]  # which the consumer has, for the service type choice


class ServiceOrderOut(Model):
    so_no: str
    order_type: str
    description: str
    status: str
    priority: str
    created_at: datetime
    scheduled_date: date | None
    assigned_to: str | None
    completed_at: datetime | None


class ComplaintOut(Model):
    complaint_no: str
    category: str
    description: str
    priority: str
    status: str
    created_at: datetime
    resolved_at: datetime | None


class RequestOut(Model):
    request_no: str
    request_type: str
    description: str
    status: str
    progress: int
    created_at: datetime
    scheduled_for: date | None
    completed_at: datetime | None


class CommunicationOut(Model):
    id: int
    channel: str  # email, phone, sms, letter
    direction: str  # to_customer, from_customer
    subject: str | None
    body: str
    at: datetime
    by: str | None  # staff name, None for the system
    status: str
    responded: bool


class DocumentOut(Model):
    id: int
    doc_type: str
    title: str
    status: str
    doc_date: date
    filename: str | None
    size_bytes: int | None


class ActivityOut(Model):
    at: datetime
    category: str  # payments, billing, service, communication, account
    title: str
    #: may hold "{amount}": the client puts ``amount`` there in its currency format
    description: str
    by: str  # "System" or the staff member's name
    amount: Decimal | None = None


class ActivityPage(Model):
    items: list[ActivityOut]
    next_cursor: str | None = None


class RecoveryRow(Model):
    account_no: str
    name: str
    status: str
    payment_standing: str
    balance: Decimal
    days_past_due: int
    risk: str
    compliance: int | None
    health: int
    health_band: str
    last_contact_at: datetime | None


class RecoveryPage(Model):
    items: list[RecoveryRow]
    next_cursor: str | None = None
    #: the whole collections list (from the rollup): accounts past due, in collection, and
    #: the balance they owe
    past_due: int = 0
    collection: int = 0
    balance: Decimal = Decimal("0.00")


class ConsumerCreate(Model):
    account_no: str
    name: str
    service_address: str
    territory: str
    category: str = "Residential"
    sub_category: str | None = None
    email: str | None = None
    phone: str | None = None
    alt_phone: str | None = None
    billing_address: str | None = None
    vip: bool = False
    plan: str | None = None
    billing_cycle: str | None = "Monthly"
    payment_mode: str | None = None
    connection_date: date | None = None
    opening_balance: Decimal = Decimal("0.00")


class NewServiceOrder(Model):
    order_type: str  # one of the settings' service order types
    description: str
    priority: str = "medium"
    scheduled_date: date | None = None


class NewMessage(Model):
    channel: str  # email, sms, letter
    subject: str
    body: str


class BulkResult(Model):
    """What a bulk action did, per account (nothing half-done: all or none)."""

    done: int
    account_nos: list[str]


class DocumentUpload(Model):
    doc_type: str
    title: str
    filename: str
    content_base64: str  # the file's bytes (at most the settings' document size)


# ---------------------------------------------------------------- disconnection settings (admin)


class ReasonAdminOut(Model):
    """A reason as the settings screen edits it (inactive ones included)."""

    code: str  # NP-001
    name: str
    description: str
    priority: str  # high, medium, low
    requires_approval: bool
    applies_to: str  # disconnection, reconnection
    active: bool
    position: int  # the order the create form lists them in
    used: bool  # a request was made with it: deactivated, never deleted; its code stays


class ReasonIn(Model):
    """Save a reason: a new one (``original_code`` None) or the one ``original_code`` names."""

    code: str  # like NP-001, unique
    name: str
    description: str = ""
    priority: str = "medium"  # high, medium, low
    requires_approval: bool = False
    applies_to: str = "disconnection"  # disconnection, reconnection
    active: bool = True
    position: int | None = None  # None: last (new) or unchanged (edit)
    original_code: str | None = None


class TimeSlotAdminOut(Model):
    id: int
    label: str  # 10:00 AM - 12:00 PM
    start: str  # 10:00, office time
    end: str  # 12:00
    active: bool
    used: bool  # a request was made for it: deactivated, never deleted


class TimeSlotIn(Model):
    """Save a time slot: a new one (``id`` None) or slot ``id``. Times are office time."""

    start: str  # HH:MM
    end: str  # HH:MM, after the start (24:00 for midnight)
    label: str = ""  # blank: from the times, "10:00 AM - 12:00 PM"
    active: bool = True
    id: int | None = None


class SlaTargetIn(Model):
    """One request type's SLA targets in hours (acknowledgement <= response <= resolution)."""

    request_type: str
    acknowledgement_hours: Decimal
    response_hours: Decimal
    resolution_hours: Decimal


class ChecklistItemOut(Model):
    id: int
    text: str
    active: bool
    used: bool  # a disconnection was executed with the list: deactivated, never deleted


class ChecklistItemIn(Model):
    text: str
    active: bool = True
    id: int | None = None  # None: a new item


class ChecklistIn(Model):
    """The whole account closure checklist, in order. An item left out is deleted (or
    deactivated once used); ``required`` ticks (0 to the active items; None: all of them)."""

    items: list[ChecklistItemIn]
    required: int | None = None


class HolidayOut(Model):
    day: date
    name: str


class HolidayIn(Model):
    day: date
    name: str  # e.g. Christmas Day


class SlaCalendarSettings(Model):
    """When the SLA clock runs (settings ``sla_calendar`` and ``sla_pause_on_hold``)."""

    open: str | None = None  # HH:MM office time; None with close None: around the clock
    close: str | None = None
    workdays: list[int] = Field(default_factory=lambda: list(range(7)))  # 0 = Monday
    holidays: bool = False  # the holiday calendar's days do not count
    pause_on_hold: bool = False  # the clock stops while a request is On Hold


class DisconnectionAdminSettings(Model):
    """Everything the disconnection settings screens edit, inactive rows included."""

    reasons: list[ReasonAdminOut]  # in their order
    time_slots: list[TimeSlotAdminOut]  # by start time
    sla_targets: list[SlaTargetOut]
    checklist: list[ChecklistItemOut]  # in order
    checklist_required: int | None  # ticks needed; None: every active item
    holidays: list[HolidayOut]  # by day
    calendar: SlaCalendarSettings
    guardrails: DisconnectionGuardrails
    message: str = ""  # what the call that answered did, in words
    #: per section (SETTINGS_SECTIONS' values), a fingerprint of its content: a write sent
    #: ``based_on`` it is refused (ConflictError) when the section changed since
    etags: dict[str, str] = Field(default_factory=dict)


#: which section of the disconnection settings each write changes (its ``based_on`` etag)
SETTINGS_SECTIONS: dict[str, str] = {
    "save_disconnection_reason": "reasons",
    "remove_disconnection_reason": "reasons",
    "save_time_slot": "slots",
    "remove_time_slot": "slots",
    "save_sla_target": "sla",
    "save_checklist": "checklist",
    "save_sla_calendar": "calendar",
    "add_holiday": "holidays",
    "remove_holiday": "holidays",
    "save_disconnection_guardrails": "guardrails",
}
