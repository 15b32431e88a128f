"""What crosses the Backend contract: pydantic models (JSON-safe, so they cross HTTP too)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from cso_tui.models.enums import SearchKind

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
