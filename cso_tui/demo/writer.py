"""Bulk row writers: SQLite ``executemany`` or PostgreSQL ``COPY``, fed plain tuples.

Rows reach the writer already in database form, because per-value conversion in Python
would cost more than the insert itself: money as integer cents, booleans as 0/1, dates
as ``YYYY-MM-DD``, times as UTC text in the form SQLAlchemy itself writes (see
:class:`TimeText`), JSON as text. PostgreSQL's COPY text format accepts the same values
(``0``/``1`` are valid booleans, ``+00`` makes the timestamp UTC whatever the session zone).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

Row = tuple[Any, ...]

# Every column the demo writes, per table, in tuple order. PostgreSQL's generated
# consumer.search_tsv is left out on purpose (the database computes it).
COLUMNS: dict[str, tuple[str, ...]] = {
    "app_setting": ("key", "value", "updated_at", "version"),
    "app_user": (
        "id", "username", "full_name", "role", "password_hash", "email", "active",
        "failed_logins", "locked_until", "last_login_at", "service_center", "created_at",
        "version",
    ),
    "audit_event": (
        "id", "at", "user_id", "username", "action", "entity", "entity_id", "before", "after",
        "detail",
    ),
    "disconnection_reason": (
        "id", "code", "name", "description", "priority", "requires_approval", "applies_to",
        "active", "position",
    ),
    "time_slot": ("id", "label", "start_minute", "end_minute", "active"),
    "sla_target": ("request_type", "acknowledgement_hours", "response_hours", "resolution_hours"),
    "checklist_item": ("id", "position", "text", "active"),
    "holiday": ("day", "name"),
    "id_sequence": ("name", "value"),
    "consumer": (
        "id", "account_no", "name", "email", "email_key", "phone", "phone_key", "alt_phone",
        "status", "category", "sub_category", "vip", "service_address", "billing_address",
        "territory", "plan", "billing_cycle", "payment_mode", "payment_standing", "balance",
        "registration_date", "connection_date", "last_billed_on", "last_contact_at",
        "medical_certificate_until", "fraud_flag", "billing_frozen", "created_at", "updated_at",
        "version",
    ),
    "service_connection": (
        "id", "consumer_id", "utility", "status", "connection_date", "rate_plan",
        "billing_cycle", "unit", "created_at",
    ),
    "meter": (
        "id", "meter_no", "device_no", "utility", "meter_type", "model", "inventory_status",
        "connection_id", "consumer_id", "assignment_date", "installation_date",
        "reading_status", "version",
    ),
    "meter_reading": (
        "id", "meter_id", "reading_date", "value", "consumption", "status", "source", "taken_by",
    ),
    "inventory_movement": (
        "id", "meter_id", "at", "from_status", "to_status", "location", "reference", "user_id",
    ),
    "bill": (
        "id", "bill_no", "consumer_id", "connection_id", "kind", "period_start", "period_end",
        "issue_date", "due_date", "usage", "amount", "outstanding_before", "deposit_applied",
        "paid", "status", "approved_by", "approved_at", "locked", "created_at", "version",
    ),
    "payment": (
        "id", "payment_no", "consumer_id", "bill_id", "amount", "paid_at", "method",
        "reference", "status", "digital", "on_time", "recorded_by",
    ),
    "security_deposit": ("id", "consumer_id", "amount", "applied", "deposit_date", "status"),
    "complaint": (
        "id", "complaint_no", "consumer_id", "category", "description", "priority", "safety",
        "service_impact", "status", "created_at", "created_by", "validated_by", "validated_at",
        "decision_reason", "resolved_at", "satisfaction", "version",
    ),
    "service_request": (
        "id", "request_no", "consumer_id", "request_type", "description", "priority", "status",
        "progress", "assigned_to", "amount_due", "payment_status", "created_at", "created_by",
        "validated_by", "validated_at", "decision_reason", "scheduled_for", "completed_at",
        "version",
    ),
    "consumer_query": (
        "id", "query_no", "consumer_id", "channel", "subject", "description",
        "service_interruption", "safety", "priority", "immediate_attention", "status",
        "assigned_to", "created_at", "acknowledged_at", "responded_at", "resolved_at",
        "escalated_at", "version",
    ),
    "disconnection_request": (
        "id", "request_no", "consumer_id", "request_type", "reason_id", "reason_code", "reason",
        "reason_description", "priority", "required_approval", "preferred_date", "time_slot",
        "notes", "notify_customer", "status", "created_at", "created_by", "updated_at",
        "updated_by", "assigned_to", "acknowledged_at", "first_response_at", "resolved_at",
        "closed_at", "close_reason", "close_notes", "hold_started_at", "held_seconds",
        "use_deposit", "meter_action", "service_order_id", "checklist_done", "executed_at",
        "breach_notified_at", "version",
    ),
    "service_order": (
        "id", "so_no", "consumer_id", "disconnection_request_id", "complaint_id", "name",
        "order_type", "description", "status", "priority", "scheduled_date", "scheduled_slot",
        "estimated_minutes", "remarks", "created_at", "created_by", "assigned_to",
        "assigned_on", "approved_by", "due_at", "last_progress_at", "completed_at",
        "verified_at", "version",
    ),
    "communication": (
        "id", "consumer_id", "disconnection_request_id", "channel", "direction", "subject",
        "body", "at", "user_id", "status", "responded",
    ),
    "note": (
        "id", "consumer_id", "disconnection_request_id", "author_id", "author_name", "body",
        "internal", "created_at",
    ),
    "document": (
        "id", "consumer_id", "doc_type", "title", "status", "doc_date", "filename",
        "content_type", "size_bytes", "content", "uploaded_by", "created_at",
    ),
    "call": (
        "id", "consumer_id", "agent_id", "started_at", "answered_at", "ended_at", "abandoned",
        "escalated", "topic",
    ),
}  # fmt: skip

# Parents before children, so PostgreSQL's immediate foreign-key checks pass within a batch.
TABLE_ORDER: tuple[str, ...] = (
    "app_setting", "app_user", "audit_event", "disconnection_reason", "time_slot", "sla_target",
    "checklist_item", "holiday", "consumer", "service_connection", "meter", "meter_reading",
    "inventory_movement", "bill", "payment", "security_deposit", "complaint", "service_request",
    "consumer_query", "disconnection_request", "service_order", "communication", "note",
    "document", "call", "id_sequence",
)  # fmt: skip

# Tables whose integer ``id`` the demo assigns itself (PostgreSQL sequences are moved past them).
ID_TABLES: tuple[str, ...] = tuple(t for t in TABLE_ORDER if COLUMNS[t][0] == "id")


@dataclass(frozen=True)
class Shape:
    """Rows of ``table`` that bind ``columns`` and share the values of ``constants``.

    The high-volume rows leave their constant columns out of the tuple: on SQLite the
    constants become literals in the INSERT (a third fewer bound values made bill inserts
    ~45% faster), on PostgreSQL they are appended to each row for COPY.
    """

    table: str
    columns: tuple[str, ...]
    constants: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        given = set(self.columns) | {c for c, _ in self.constants}
        if given != set(COLUMNS[self.table]) or len(given) != len(COLUMNS[self.table]):
            raise ValueError(f"shape of {self.table} does not cover its columns exactly")


def _without(table: str, constants: tuple[tuple[str, Any], ...]) -> Shape:
    fixed = {c for c, _ in constants}
    return Shape(table, tuple(c for c in COLUMNS[table] if c not in fixed), constants)


# Row shapes: every table as a whole, plus the constant-column variants the generator uses.
SHAPES: dict[str, Shape] = {t: Shape(t, COLUMNS[t]) for t in TABLE_ORDER}
SHAPES.update(
    {
        "consumer:synthetic": _without(
            "consumer",
            (("billing_cycle", "Monthly"), ("medical_certificate_until", None),
             ("fraud_flag", 0), ("billing_frozen", 0), ("version", 1)),
        ),
        "meter_reading:verified": _without(
            "meter_reading", (("status", "verified"), ("source", "regular"))
        ),
        "meter_reading:estimated": _without(
            "meter_reading", (("status", "estimated"), ("source", "estimated"))
        ),
        "bill:regular": _without(
            "bill",
            (("kind", "regular"), ("outstanding_before", 0), ("deposit_applied", 0),
             ("approved_by", None), ("approved_at", None), ("locked", 0), ("version", 1)),
        ),
        "payment:processed": _without("payment", (("status", "processed"),)),
    }
)  # fmt: skip
SHAPE_ORDER: tuple[str, ...] = tuple(
    name
    for table in TABLE_ORDER
    for name in sorted(SHAPES, key=lambda n: (n != table, n))
    if SHAPES[name].table == table
)


class TimeText:
    """UTC times as database text, from integer seconds since 0001-01-01 (proleptic ordinal).

    SQLite gets SQLAlchemy's own storage form (naive UTC with microseconds), so that the
    ORM reads the rows back and string comparisons with app-written rows stay correct;
    PostgreSQL gets the same text with ``+00``. Days and times of day are cached.
    """

    def __init__(self, dialect: str) -> None:
        suffix = ".000000" if dialect == "sqlite" else "+00"
        self.time_of_day = [
            f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{suffix}" for s in range(86400)
        ]
        self._days: dict[int, str] = {}

    def day(self, ordinal: int) -> str:
        text = self._days.get(ordinal)
        if text is None:
            text = self._days[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def ts(self, seconds: int) -> str:
        return self.day(seconds // 86400) + self.time_of_day[seconds % 86400]

    def opt(self, seconds: int | None) -> str | None:
        return None if seconds is None else self.ts(seconds)


def seconds_of(moment: datetime) -> int:
    """An aware datetime as integer seconds since 0001-01-01 UTC (the TimeText scale)."""
    moment = moment.astimezone(UTC)
    return moment.toordinal() * 86400 + moment.hour * 3600 + moment.minute * 60 + moment.second


class Writer(Protocol):
    dialect: str
    counts: dict[str, int]  # rows per table
    seconds: dict[str, float]  # time spent inserting, per table

    def insert(self, shape: str, rows: Sequence[Row]) -> None: ...


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class SqliteWriter:
    """``executemany`` with plain tuples, inside the caller's transaction."""

    dialect = "sqlite"

    def __init__(self, dbapi_conn: Any) -> None:
        self._conn = dbapi_conn
        self._sql = {}
        for name, shape in SHAPES.items():
            columns = [*shape.columns, *(c for c, _ in shape.constants)]
            values = ["?"] * len(shape.columns) + [_literal(v) for _, v in shape.constants]
            self._sql[name] = (
                f"INSERT INTO {shape.table} ({', '.join(_q(c) for c in columns)}) "
                f"VALUES ({', '.join(values)})"
            )
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self.seconds: dict[str, float] = dict.fromkeys(COLUMNS, 0.0)

    def insert(self, shape: str, rows: Sequence[Row]) -> None:
        if not rows:
            return
        table = SHAPES[shape].table
        started = time.perf_counter()
        self._conn.executemany(self._sql[shape], rows)
        self.seconds[table] += time.perf_counter() - started
        self.counts[table] += len(rows)


class PostgresWriter:
    """``COPY ... FROM STDIN`` (text format) through psycopg, one COPY per shape and batch."""

    dialect = "postgresql"

    def __init__(self, dbapi_conn: Any) -> None:
        self._conn = dbapi_conn
        self._sql = {}
        self._tail: dict[str, Row] = {}
        for name, shape in SHAPES.items():
            columns = [*shape.columns, *(c for c, _ in shape.constants)]
            self._sql[name] = f"COPY {shape.table} ({', '.join(_q(c) for c in columns)}) FROM STDIN"
            self._tail[name] = tuple(v for _, v in shape.constants)
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self.seconds: dict[str, float] = dict.fromkeys(COLUMNS, 0.0)

    def insert(self, shape: str, rows: Sequence[Row]) -> None:
        if not rows:
            return
        table = SHAPES[shape].table
        tail = self._tail[shape]
        started = time.perf_counter()
        with self._conn.cursor() as cur, cur.copy(self._sql[shape]) as copy:
            write = copy.write_row
            for row in rows:
                write(row + tail if tail else row)
        self.seconds[table] += time.perf_counter() - started
        self.counts[table] += len(rows)


_RESERVED = frozenset({"key", "plan", "before", "after", "position", "value", "at", "day"})


def _q(column: str) -> str:
    """Quote column names that are keywords in either database."""
    return f'"{column}"' if column in _RESERVED else column
