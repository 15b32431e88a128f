"""Contract: a request's status lifecycle (seed 003 AC010, AC011) on every backend: the one
button's path, closing with a reason, refusals of illegal changes that save nothing, the
SLA clock's timestamps, the audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from contract.support import World
from cso_tui.models import DisconnectionRequest
from cso_tui.services.errors import ConflictError, NotFoundError, PermissionDeniedError
from cso_tui.services.errors import ValidationError as FieldError
from cso_tui.services.schemas import NewDisconnectionRequest


def make(world: World) -> str:
    request = NewDisconnectionRequest(
        account_no="WU-10001",
        reason_code="NP-001",
        preferred_date=world.clock().date() + timedelta(days=5),
        time_slot="10:00 AM - 12:00 PM",
        notify_customer=False,
    )
    return world.backend.create_disconnection_request(world.token(), request, "make").request_no


def utc(value: datetime | None) -> datetime:
    """A stored time as aware UTC (SQLite gives it back naive)."""
    assert value is not None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def row(world: World, request_no: str) -> DisconnectionRequest:
    with world.db.read() as s:
        return s.exec(
            select(DisconnectionRequest).where(DisconnectionRequest.request_no == request_no)
        ).one()


def test_acknowledge_hold_resume_resolve(world: World) -> None:
    b, t = world.backend, world.token("call_center")
    no = make(world)
    created = world.clock()
    world.clock.advance(minutes=20)  # (sessions lapse after 30 idle minutes)
    assert b.change_disconnection_status(t, no, "acknowledge", "k1").status == "in_progress"
    world.clock.advance(minutes=20)
    assert b.change_disconnection_status(t, no, "hold", "k2").status == "on_hold"
    world.clock.advance(minutes=25)
    resumed = b.change_disconnection_status(t, no, "resume", "k3")
    assert resumed.status == "in_progress" and resumed.updated_by == "Carl Caller"
    world.clock.advance(minutes=15)
    assert b.change_disconnection_status(t, no, "resolve", "k4").status == "completed"
    r = row(world, no)
    assert r.acknowledged_at is not None and r.first_response_at is not None
    assert (utc(r.acknowledged_at) - created) == timedelta(minutes=20)
    assert (utc(r.first_response_at) - created) == timedelta(minutes=40)  # the hold
    assert r.held_seconds == 25 * 60 and r.hold_started_at is None
    assert (utc(r.resolved_at) - created) == timedelta(minutes=80)
    actions = [(e.action, e.before, e.after) for e in world.db.audit(entity_id=no)][1:]
    assert actions == [
        ("disconnection_request_acknowledge", {"status": "pending"}, {"status": "in_progress"}),
        ("disconnection_request_hold", {"status": "in_progress"}, {"status": "on_hold"}),
        ("disconnection_request_resume", {"status": "on_hold"}, {"status": "in_progress"}),
        ("disconnection_request_resolve", {"status": "in_progress"}, {"status": "completed"}),
    ]


def test_illegal_changes_are_refused_and_save_nothing(world: World) -> None:
    b, t = world.backend, world.token()
    no = make(world)
    with pytest.raises(ConflictError) as err:
        b.change_disconnection_status(t, no, "resolve", "k1")
    assert err.value.message == (
        "A request that is Pending cannot be resolved: acknowledge it first."
    )
    b.change_disconnection_status(t, no, "acknowledge", "k2")
    with pytest.raises(ConflictError, match="already in progress"):
        b.change_disconnection_status(t, no, "acknowledge", "k3")
    assert row(world, no).status == "in_progress"
    assert len(world.db.audit(entity_id=no)) == 2  # made, acknowledged


def test_closing_takes_a_reason(world: World) -> None:
    b, t = world.backend, world.token()
    no = make(world)
    with pytest.raises(FieldError) as err:
        b.change_disconnection_status(t, no, "close", "k1")
    assert err.value.field == "close_reason"
    with pytest.raises(FieldError) as err:
        b.change_disconnection_status(t, no, "close", "k2", close_reason="other")
    assert err.value.field == "notes"
    closed = b.change_disconnection_status(
        t, no, "close", "k3", close_reason="cancelled_by_consumer", notes="Paid at the counter"
    )
    assert closed.status == "closed"
    r = row(world, no)
    assert (r.close_reason, r.close_notes) == ("cancelled_by_consumer", "Paid at the counter")
    with pytest.raises(ConflictError, match="it is closed"):
        b.change_disconnection_status(t, no, "resume", "k4")


def test_retry_acts_once_and_refusals(world: World) -> None:
    b, t = world.backend, world.token()
    no = make(world)
    first = b.change_disconnection_status(t, no, "acknowledge", "same")
    again = b.change_disconnection_status(t, no, "acknowledge", "same")  # a lost answer
    assert again.status == first.status == "in_progress"
    with pytest.raises(FieldError) as err:
        b.change_disconnection_status(t, no, "approve", "k")
    assert err.value.field == "action"
    with pytest.raises(NotFoundError):
        b.change_disconnection_status(t, "DIS-2024-999999", "acknowledge", "k")
    with pytest.raises(PermissionDeniedError):
        b.change_disconnection_status(world.token("field_technician"), no, "hold", "k")
