"""Contract test support: staff per role, sample consumers, direct database access.

Data is seeded and inspected straight through the database (a LocalBackend on
``backend_url``), so the same helpers serve a backend that runs elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from cso_tui.models import AuditEvent, Consumer, Meter, Note, UsageEvent, User
from cso_tui.services.backend import Backend
from cso_tui.services.local import LocalBackend
from cso_tui.services.passwords import hash_password
from cso_tui.services.rules.search_terms import email_key, phone_key

PASSWORD = "correct-horse-9"

#: role -> (username, full name); the same user names as the demo database.
STAFF: dict[str, tuple[str, str]] = {
    "cso_admin": ("admin", "Alice Admin"),
    "cso_manager": ("manager", "Mark Manager"),
    "customer_executive": ("executive", "Erin Executive"),
    "call_center": ("callcenter", "Carl Caller"),
    "recovery_executive": ("recovery", "Rita Recovery"),
    "billing_specialist": ("billing", "Bill Billing"),
    "field_technician": ("technician", "Tom Technician"),
    "utility_admin": ("utilityadmin", "Uma Utility"),
}
ROLES = tuple(STAFF)


@dataclass(frozen=True)
class Sample:
    account_no: str
    name: str
    address: str
    phone: str | None = None
    email: str | None = None
    status: str = "active"
    category: str = "residential"
    vip: bool = False
    balance: Decimal = Decimal("0.00")
    meters: Sequence[tuple[str, str, str]] = ()  # (meter_no, device_no, utility)


#: The seeds' sample records plus neighbours chosen to exercise search ranking.
SAMPLES = (
    Sample(
        "WU-10001",
        "John Doe",
        "123 Main Street, Springfield, IL",
        phone="(555) 123-4567",
        email="john.doe@example.com",
        balance=Decimal("75.30"),
        meters=[("M-5678", "D-9012", "water")],
    ),
    Sample(
        "WU-10002",
        "Jane Smith",
        "456 Oak Avenue, Springfield, IL",
        phone="555-987-6543",
        email="jane.smith@example.com",
        category="commercial",
        vip=True,
        balance=Decimal("1250.00"),
        meters=[("M-6001", "D-6001", "water"), ("M-6002", "D-6002", "electricity")],
    ),
    Sample("WU-10003", "Johnny Appleseed", "12 Orchard Lane, Springfield, IL"),
    Sample("WU-10004", "Mary Johnson", "300 Maple Drive, Springfield, IL", phone="555-300-1000"),
    Sample("WU-10005", "José Álvarez", "5 Rio Grande Way, Springfield, IL"),
    Sample("WU-10006", "Sean O'Brien", "88 Harbor View, Springfield, IL"),
    Sample(
        "WU-10007",
        "David Miller",
        "78 Johnson Road, Springfield, IL",
        phone="555-222-3344",
        status="disconnected",
        balance=Decimal("-12.05"),
    ),
    Sample(
        "ACC-2024-001789",
        "John Michael Smith",
        "9 Elm Court, Springfield, IL",
        phone="+1 555 444 1212",
        email="jm.smith@example.org",
        meters=[("M-7701", "D-7701", "water"), ("M-7702", "D-7702", "electricity")],
    ),
)


def add_consumer(s: Session, sample: Sample, now: Any) -> Consumer:
    """Insert a consumer (and its meters) the way the service layer stores one."""
    consumer = Consumer(
        account_no=sample.account_no,
        name=sample.name,
        email=sample.email,
        email_key=email_key(sample.email),
        phone=sample.phone,
        phone_key=phone_key(sample.phone),
        status=sample.status,
        category=sample.category,
        vip=sample.vip,
        service_address=sample.address,
        balance=sample.balance,
        connection_date=date(2019, 3, 1),
        created_at=now,
        updated_at=now,
    )
    s.add(consumer)
    s.flush()
    for meter_no, device_no, utility in sample.meters:
        s.add(
            Meter(
                meter_no=meter_no,
                device_no=device_no,
                utility=utility,
                meter_type="smart",
                consumer_id=consumer.id,
            )
        )
    s.flush()
    return consumer


class Db:
    """Direct access to the database behind the backend: seed rows, read what was written."""

    def __init__(self, url: str, clock: Any) -> None:
        self.local = LocalBackend(url, clock=clock)
        self.clock = clock
        self.dialect = self.local.dialect

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.local._write() as s:
            yield s

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.local.engines.read) as s:
            yield s

    def add(self, *samples: Sample) -> None:
        with self.write() as s:
            for sample in samples:
                add_consumer(s, sample, self.clock())

    def audit(self, action: str | None = None, entity_id: str | None = None) -> list[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.id)  # type: ignore[arg-type]
        if action is not None:
            query = query.where(AuditEvent.action == action)
        if entity_id is not None:
            query = query.where(AuditEvent.entity_id == entity_id)
        with self.read() as s:
            return list(s.exec(query).all())

    def usage(self, event: str) -> list[UsageEvent]:
        with self.read() as s:
            query = select(UsageEvent).where(UsageEvent.event == event).order_by(UsageEvent.id)  # type: ignore[arg-type]
            return list(s.exec(query).all())

    def consumer(self, account_no: str) -> Consumer:
        with self.read() as s:
            return s.exec(select(Consumer).where(Consumer.account_no == account_no)).one()

    def notes(self, account_no: str) -> list[Note]:
        consumer = self.consumer(account_no)
        with self.read() as s:
            return list(s.exec(select(Note).where(Note.consumer_id == consumer.id)).all())

    def user(self, username: str) -> User:
        with self.read() as s:
            return s.exec(select(User).where(User.username == username)).one()

    def scalar(self, sql: str, **params: Any) -> Any:
        return self.local.execute_sql(sql, **params)[0][0]

    def close(self) -> None:
        self.local.close()


@dataclass
class World:
    """The backend under test, its database, its clock and one logged-in user per role."""

    backend: Backend
    db: Db
    clock: Any
    _tokens: dict[str, str] = field(default_factory=dict)

    def token(self, role: str = "cso_admin") -> str:
        if role not in self._tokens:
            self._tokens[role] = self.backend.login(STAFF[role][0], PASSWORD).token
        return self._tokens[role]


def seed_staff(db: Db, roles: Sequence[str] = ROLES) -> None:
    hashed = hash_password(PASSWORD)
    with db.write() as s:
        for role in roles:
            username, full_name = STAFF[role]
            s.add(
                User(
                    username=username,
                    full_name=full_name,
                    role=role,
                    password_hash=hashed,
                    created_at=db.clock(),
                )
            )
