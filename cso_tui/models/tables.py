"""SQLModel tables for every entity the seed documents need (DESIGN.md, Data).

Money columns are integer cents in the database and Decimal here (:class:`Money`);
times are timezone-aware UTC (:class:`UTCDateTime`). Edited records carry ``version``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from cso_tui.models.types import IdentString, Money, UTCDateTime


def _ts(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _money(default: Decimal = Decimal("0.00")) -> Any:
    return Field(default=default, sa_type=Money, nullable=False)


def _ident(length: int = 40, unique: bool = True, nullable: bool = False) -> Any:
    return Field(
        default=None, sa_type=IdentString(length), unique=unique, nullable=nullable, index=unique
    )


# ---------------------------------------------------------------- staff and security


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=IdentString(64), unique=True, index=True)
    full_name: str = Field(max_length=120)
    role: str = Field(max_length=32, index=True)
    password_hash: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=255)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = _ts(nullable=True)
    last_login_at: datetime | None = _ts(nullable=True)
    service_center: str | None = Field(default=None, max_length=80)
    created_at: datetime = _ts()
    version: int = 1


class UserSession(SQLModel, table=True):
    """An opaque login token (stored hashed), with idle and absolute expiry."""

    __tablename__ = "user_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = _ts()
    last_seen_at: datetime = _ts()
    ended_at: datetime | None = _ts(nullable=True)
    client: str | None = Field(default=None, max_length=120)


class IdempotencyRecord(SQLModel, table=True):
    """First result of a mutating call, stored in the same transaction as its effect."""

    __tablename__ = "idempotency_record"

    key: str = Field(primary_key=True, max_length=80)
    user_id: int = Field(index=True)
    operation: str = Field(max_length=80)
    request_hash: str = Field(max_length=64)
    result: Any = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = _ts()


class AuditEvent(SQLModel, table=True):
    """Append-only: the database refuses UPDATE and DELETE (triggers in the migration)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    user_id: int | None = Field(default=None, index=True)
    username: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64, index=True)
    entity: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=64)
    before: Any = Field(default=None, sa_column=Column(JSON))
    after: Any = Field(default=None, sa_column=Column(JSON))
    detail: str | None = Field(default=None, sa_type=Text)


class UsageEvent(SQLModel, table=True):
    """Behaviour tracking (seed 001 s.9, 002 s.12, 003 s.12, 004 s.12)."""

    __tablename__ = "usage_event"
    __table_args__ = (Index("ix_usage_event_name_at", "event", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts()
    user_id: int | None = Field(default=None, index=True)
    role: str | None = Field(default=None, max_length=32)
    event: str = Field(max_length=64)
    properties: Any = Field(default=None, sa_column=Column(JSON))


class Sequence(SQLModel, table=True):
    """Counters behind generated identifiers (WU-, DIS-YYYY-, SO-, INV-...); bumped under lock."""

    __tablename__ = "id_sequence"

    name: str = Field(primary_key=True, max_length=40)
    value: int = 0


class AppSetting(SQLModel, table=True):
    """Key/value settings kept in the database (shared by every terminal): thresholds, flags."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=80)
    value: Any = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = _ts()
    version: int = 1


# ---------------------------------------------------------------- configuration (seed 003)


class DisconnectionReason(SQLModel, table=True):
    __tablename__ = "disconnection_reason"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=IdentString(20), unique=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=500)
    priority: str = Field(max_length=10)
    requires_approval: bool = False
    applies_to: str = Field(default="disconnection", max_length=20)
    active: bool = True
    position: int = 0


class TimeSlot(SQLModel, table=True):
    __tablename__ = "time_slot"

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=40)
    start_minute: int  # minutes after midnight, office time
    end_minute: int
    active: bool = True


class SlaTarget(SQLModel, table=True):
    __tablename__ = "sla_target"

    request_type: str = Field(primary_key=True, max_length=40)
    acknowledgement_hours: Decimal = Field(default=Decimal("2"), max_digits=8, decimal_places=2)
    response_hours: Decimal = Field(default=Decimal("4"), max_digits=8, decimal_places=2)
    resolution_hours: Decimal = Field(default=Decimal("24"), max_digits=8, decimal_places=2)


class ChecklistItem(SQLModel, table=True):
    """Account closure checklist (seed 003, Disconnect tab)."""

    __tablename__ = "checklist_item"

    id: int | None = Field(default=None, primary_key=True)
    position: int
    text: str = Field(max_length=200)
    active: bool = True


class Holiday(SQLModel, table=True):
    __tablename__ = "holiday"

    day: date = Field(primary_key=True)
    name: str = Field(max_length=120)


# ---------------------------------------------------------------- consumers


_LIST_FILTERS = ("status", "category", "payment_standing", "vip")


class Consumer(SQLModel, table=True):
    __tablename__ = "consumer"
    __table_args__ = (
        Index("ix_consumer_status_balance", "status", "balance"),
        Index("ix_consumer_standing_balance", "payment_standing", "balance"),
        # the consumer list's sort orders (keyset paging on the key, then id), carrying the
        # filter columns so that a filtered page reads the table only for the rows it shows
        # (on PostgreSQL the name order also carries the search words: SearchIndexV4)
        Index("ix_consumer_name_id", "name", "id", *_LIST_FILTERS, "balance"),
        Index("ix_consumer_balance_id", "balance", "id", *_LIST_FILTERS),
        Index("ix_consumer_account_filters", "account_no", *_LIST_FILTERS, "balance"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    name: str = Field(max_length=160)
    email: str | None = Field(default=None, max_length=255)
    # lower-cased email for the exact / prefix index
    email_key: str | None = Field(default=None, sa_type=IdentString(255), index=True)
    phone: str | None = Field(default=None, max_length=40)
    # national number digits reversed, so "ends with 4567" is an index range scan
    phone_key: str | None = Field(default=None, sa_type=IdentString(20), index=True)
    alt_phone: str | None = Field(default=None, max_length=40)
    status: str = Field(max_length=32)
    category: str = Field(max_length=40)
    sub_category: str | None = Field(default=None, max_length=60)
    vip: bool = False
    service_address: str = Field(max_length=255)
    billing_address: str | None = Field(default=None, max_length=255)
    territory: str | None = Field(default=None, max_length=80)
    plan: str | None = Field(default=None, max_length=80)
    billing_cycle: str | None = Field(default=None, max_length=40)
    payment_mode: str | None = Field(default=None, max_length=60)
    payment_standing: str = Field(default="current", max_length=20)
    balance: Decimal = _money()  # rollup kept in the same transaction as bills/payments
    registration_date: date | None = None
    connection_date: date | None = None
    last_billed_on: date | None = None
    last_contact_at: datetime | None = _ts(nullable=True)
    medical_certificate_until: date | None = None
    fraud_flag: bool = False
    billing_frozen: bool = False
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    version: int = 1


class ConsumerTotals(SQLModel, table=True):
    """Rollup per (status, category, payment standing, VIP): count and balance in cents,
    kept by triggers (migrations/ddl.py)."""

    __tablename__ = "consumer_totals"

    status: str = Field(primary_key=True, max_length=32)
    category: str = Field(primary_key=True, max_length=40)
    payment_standing: str = Field(primary_key=True, max_length=20)
    vip: bool = Field(primary_key=True)
    consumers: int = Field(sa_type=BigInteger)
    balance: int = Field(sa_type=BigInteger)  # cents


class UserPreference(SQLModel, table=True):
    """A staff member's remembered choices (the consumer list's columns, ...)."""

    __tablename__ = "user_preference"

    user_id: int = Field(primary_key=True, foreign_key="app_user.id")
    key: str = Field(primary_key=True, max_length=80)
    value: Any = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = _ts()


class ConsumerLock(SQLModel, table=True):
    """A consumer profile held during a long edit (seed 003 AC002)."""

    __tablename__ = "consumer_lock"

    consumer_id: int = Field(primary_key=True, foreign_key="consumer.id")
    user_id: int = Field(foreign_key="app_user.id")
    purpose: str = Field(max_length=60)
    since: datetime = _ts()
    expires_at: datetime = _ts()


class ServiceConnection(SQLModel, table=True):
    __tablename__ = "service_connection"

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int = Field(foreign_key="consumer.id", index=True)
    utility: str = Field(max_length=20)
    status: str = Field(default="active", max_length=20)
    connection_date: date | None = None
    rate_plan: str | None = Field(default=None, max_length=80)
    billing_cycle: str | None = Field(default=None, max_length=40)
    unit: str = Field(default="gallons", max_length=16)
    created_at: datetime = _ts()
    billing_frozen: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class Meter(SQLModel, table=True):
    __tablename__ = "meter"

    id: int | None = Field(default=None, primary_key=True)
    meter_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    device_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    utility: str = Field(max_length=20)
    meter_type: str = Field(max_length=60)
    model: str | None = Field(default=None, max_length=60)
    inventory_status: str = Field(default="installed", max_length=20)
    connection_id: int | None = Field(default=None, foreign_key="service_connection.id", index=True)
    consumer_id: int | None = Field(default=None, foreign_key="consumer.id", index=True)
    assignment_date: date | None = None
    installation_date: date | None = None
    reading_status: str = Field(default="active", max_length=20)
    version: int = 1


class MeterReading(SQLModel, table=True):
    __tablename__ = "meter_reading"
    __table_args__ = (Index("ix_reading_meter_date", "meter_id", "reading_date"),)

    id: int | None = Field(default=None, primary_key=True)
    meter_id: int = Field(foreign_key="meter.id")
    reading_date: date
    value: Decimal = Field(max_digits=14, decimal_places=2)
    consumption: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    status: str = Field(default="verified", max_length=20)
    source: str = Field(default="regular", max_length=20)
    taken_by: str | None = Field(default=None, max_length=120)


class InventoryMovement(SQLModel, table=True):
    __tablename__ = "inventory_movement"

    id: int | None = Field(default=None, primary_key=True)
    meter_id: int = Field(foreign_key="meter.id", index=True)
    at: datetime = _ts()
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    location: str | None = Field(default=None, max_length=80)
    reference: str | None = Field(default=None, max_length=40)
    user_id: int | None = None


class Bill(SQLModel, table=True):
    __tablename__ = "bill"
    __table_args__ = (
        Index("ix_bill_consumer_issued", "consumer_id", "issue_date"),
        Index("ix_bill_status_due", "status", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    bill_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    consumer_id: int = Field(foreign_key="consumer.id")
    connection_id: int | None = Field(default=None, foreign_key="service_connection.id")
    kind: str = Field(default="regular", max_length=16)
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    usage: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    amount: Decimal = _money()  # usage + fixed charges + taxes
    outstanding_before: Decimal = _money()  # final bills: unpaid dues carried in
    deposit_applied: Decimal = _money()
    paid: Decimal = _money()
    status: str = Field(default="unpaid", max_length=20)
    approved_by: int | None = None
    approved_at: datetime | None = _ts(nullable=True)
    locked: bool = False
    created_at: datetime = _ts()
    version: int = 1
    # a request's final bill (seed 003): the request, and the readings it was drafted with
    disconnection_request_id: int | None = Field(default=None, index=True)
    final_readings: Any = Field(default=None, sa_column=Column(JSON))


class Payment(SQLModel, table=True):
    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_consumer_paid", "consumer_id", "paid_at"),)

    id: int | None = Field(default=None, primary_key=True)
    payment_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    consumer_id: int = Field(foreign_key="consumer.id")
    bill_id: int | None = Field(default=None, foreign_key="bill.id", index=True)
    amount: Decimal = _money()
    paid_at: datetime = _ts()
    method: str = Field(max_length=40)
    reference: str | None = Field(default=None, max_length=80)
    status: str = Field(default="processed", max_length=20)
    digital: bool = False
    on_time: bool = True
    recorded_by: int | None = None


class SecurityDeposit(SQLModel, table=True):
    __tablename__ = "security_deposit"

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int = Field(foreign_key="consumer.id", index=True)
    amount: Decimal = _money()
    applied: Decimal = _money()
    deposit_date: date
    status: str = Field(default="held", max_length=20)


# ---------------------------------------------------------------- work items


class Complaint(SQLModel, table=True):
    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    consumer_id: int = Field(foreign_key="consumer.id", index=True)
    category: str = Field(max_length=60)
    description: str = Field(default="", sa_type=Text)
    priority: str = Field(default="medium", max_length=10)
    safety: bool = False
    service_impact: bool = False
    status: str = Field(default="created", max_length=20)
    created_at: datetime = _ts()
    created_by: int | None = None
    validated_by: int | None = None
    validated_at: datetime | None = _ts(nullable=True)
    decision_reason: str | None = Field(default=None, sa_type=Text)
    resolved_at: datetime | None = _ts(nullable=True)
    satisfaction: int | None = None  # 0-10
    version: int = 1


class ServiceRequest(SQLModel, table=True):
    __tablename__ = "service_request"
    __table_args__ = (Index("ix_service_request_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    request_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    consumer_id: int = Field(foreign_key="consumer.id", index=True)
    request_type: str = Field(max_length=40)
    description: str = Field(default="", sa_type=Text)
    priority: str = Field(default="medium", max_length=10)
    status: str = Field(default="created", max_length=20)
    progress: int = 0
    assigned_to: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    amount_due: Decimal = _money()
    payment_status: str = Field(default="none", max_length=20)
    created_at: datetime = _ts()
    created_by: int | None = None
    validated_by: int | None = None
    validated_at: datetime | None = _ts(nullable=True)
    decision_reason: str | None = Field(default=None, sa_type=Text)
    scheduled_for: date | None = None
    completed_at: datetime | None = _ts(nullable=True)
    version: int = 1


class ConsumerQuery(SQLModel, table=True):
    """A consumer query (call, email or counter visit) awaiting acknowledgement and response."""

    __tablename__ = "consumer_query"
    __table_args__ = (Index("ix_query_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    query_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    consumer_id: int = Field(foreign_key="consumer.id", index=True)
    channel: str = Field(default="phone", max_length=20)
    subject: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    service_interruption: bool = False
    safety: bool = False
    priority: str = Field(default="medium", max_length=10)
    immediate_attention: bool = False
    status: str = Field(default="open", max_length=20)
    assigned_to: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _ts()
    acknowledged_at: datetime | None = _ts(nullable=True)
    responded_at: datetime | None = _ts(nullable=True)
    resolved_at: datetime | None = _ts(nullable=True)
    escalated_at: datetime | None = _ts(nullable=True)
    version: int = 1


class DisconnectionRequest(SQLModel, table=True):
    __tablename__ = "disconnection_request"
    __table_args__ = (
        Index("ix_disconnection_status_created", "status", "created_at"),
        # the landing list's order, carrying its filter columns (index-only filtered pages)
        Index("ix_disconnection_list", "created_at", "id", "status", "request_type", "priority"),
        # completions per month and type (KPIs)
        Index("ix_disconnection_resolved_type", "resolved_at", "request_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    consumer_id: int = Field(foreign_key="consumer.id", index=True)
    request_type: str = Field(max_length=20)
    reason_id: int | None = Field(default=None, foreign_key="disconnection_reason.id")
    reason_code: str = Field(max_length=20)
    reason: str = Field(max_length=120)
    reason_description: str = Field(default="", max_length=500)
    priority: str = Field(max_length=10)
    required_approval: bool = False
    preferred_date: date | None = None
    time_slot: str | None = Field(default=None, max_length=40)
    notes: str | None = Field(default=None, max_length=250)
    notify_customer: bool = True
    status: str = Field(default="pending", max_length=20)
    created_at: datetime = _ts()
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = _ts()
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    assigned_to: int | None = Field(default=None, foreign_key="app_user.id")
    acknowledged_at: datetime | None = _ts(nullable=True)
    first_response_at: datetime | None = _ts(nullable=True)
    resolved_at: datetime | None = _ts(nullable=True)
    closed_at: datetime | None = _ts(nullable=True)
    close_reason: str | None = Field(default=None, max_length=40)
    close_notes: str | None = Field(default=None, sa_type=Text)
    hold_started_at: datetime | None = _ts(nullable=True)
    held_seconds: int = 0
    use_deposit: bool | None = None
    meter_action: str | None = Field(default=None, max_length=20)
    service_order_id: int | None = None
    checklist_done: Any = Field(default=None, sa_column=Column(JSON))
    executed_at: datetime | None = _ts(nullable=True)
    breach_notified_at: datetime | None = _ts(nullable=True)
    version: int = 1


class ServiceOrder(SQLModel, table=True):
    __tablename__ = "service_order"
    __table_args__ = (Index("ix_service_order_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    so_no: str = Field(sa_type=IdentString(32), unique=True, index=True)
    consumer_id: int = Field(foreign_key="consumer.id", index=True)
    disconnection_request_id: int | None = Field(
        default=None, foreign_key="disconnection_request.id", index=True
    )
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")
    name: str = Field(max_length=160)
    order_type: str = Field(max_length=40)
    description: str = Field(default="", max_length=500)
    status: str = Field(default="created", max_length=20)
    priority: str = Field(default="medium", max_length=10)
    scheduled_date: date | None = None
    scheduled_slot: str | None = Field(default=None, max_length=40)
    estimated_minutes: int | None = None
    remarks: str | None = Field(default=None, max_length=500)
    created_at: datetime = _ts()
    created_by: str | None = Field(default=None, max_length=120)
    assigned_to: str | None = Field(default=None, max_length=120)
    assigned_on: datetime | None = _ts(nullable=True)
    approved_by: str | None = Field(default=None, max_length=120)
    due_at: datetime | None = _ts(nullable=True)
    last_progress_at: datetime | None = _ts(nullable=True)
    completed_at: datetime | None = _ts(nullable=True)
    verified_at: datetime | None = _ts(nullable=True)
    version: int = 1


class Communication(SQLModel, table=True):
    __tablename__ = "communication"
    __table_args__ = (Index("ix_communication_consumer_at", "consumer_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int = Field(foreign_key="consumer.id")
    disconnection_request_id: int | None = Field(default=None, index=True)
    channel: str = Field(max_length=20)
    direction: str = Field(max_length=20)
    subject: str | None = Field(default=None, max_length=200)
    body: str = Field(default="", sa_type=Text)
    at: datetime = _ts()
    user_id: int | None = None
    status: str = Field(default="sent", max_length=20)
    responded: bool = False


class Note(SQLModel, table=True):
    __tablename__ = "note"
    __table_args__ = (Index("ix_note_consumer_at", "consumer_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int = Field(foreign_key="consumer.id")
    disconnection_request_id: int | None = Field(default=None, index=True)
    author_id: int | None = Field(default=None, foreign_key="app_user.id")
    author_name: str = Field(max_length=120)
    body: str = Field(sa_type=Text)
    internal: bool = True
    created_at: datetime = _ts()


class Document(SQLModel, table=True):
    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int = Field(foreign_key="consumer.id", index=True)
    doc_type: str = Field(max_length=60)
    title: str = Field(max_length=200)
    status: str = Field(default="processing", max_length=20)
    doc_date: date
    filename: str | None = Field(default=None, max_length=255)
    content_type: str | None = Field(default=None, max_length=100)
    size_bytes: int | None = None
    content: bytes | None = Field(default=None, sa_type=LargeBinary)
    uploaded_by: int | None = None
    created_at: datetime = _ts()


class Call(SQLModel, table=True):
    """A phone call, for pickup time, abandonment and escalation rates (seed 002)."""

    __tablename__ = "call"
    __table_args__ = (Index("ix_call_started", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int | None = Field(default=None, foreign_key="consumer.id", index=True)
    agent_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    started_at: datetime = _ts()
    answered_at: datetime | None = _ts(nullable=True)
    ended_at: datetime | None = _ts(nullable=True)
    abandoned: bool = False
    escalated: bool = False
    topic: str | None = Field(default=None, max_length=80)


class NotificationOutbox(SQLModel, table=True):
    """Written in the same transaction as the action; a sender delivers and records the result."""

    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_outbox_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    recipient: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    body: str = Field(sa_type=Text)
    consumer_id: int | None = Field(default=None, index=True)
    related: str | None = Field(default=None, max_length=64)
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True)
    next_attempt_at: datetime | None = _ts(nullable=True)  # after a failed attempt
    claimed_at: datetime | None = _ts(nullable=True)  # a delivery run is sending it


class JobRun(SQLModel, table=True):
    """A time-based job step done once per item (reminders, escalations, SLA alerts)."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "item", "step", name="uq_job_run_item_step"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=60)
    item: str = Field(max_length=64)
    step: str = Field(max_length=40)
    ran_at: datetime = _ts()
