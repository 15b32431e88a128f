"""Contract: making a disconnection or reconnection request (seed 003, the create form) on
every backend: type from the consumer's status, reason from the settings, schedule rules,
notes, one open request per type, the profile hold, the email notification, the audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from contract.support import STAFF, World
from cso_tui.models import Consumer, NotificationOutbox
from cso_tui.services.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from cso_tui.services.errors import ValidationError as FieldError
from cso_tui.services.schemas import NewDisconnectionRequest

SLOT = "10:00 AM - 12:00 PM"


def office_day(world: World, days: int = 0) -> date:
    """The office's date (Chicago) ``days`` from now."""
    from zoneinfo import ZoneInfo

    return world.clock().astimezone(ZoneInfo("America/Chicago")).date() + timedelta(days=days)


def new(world: World, account_no: str = "WU-10001", **changes: object) -> NewDisconnectionRequest:
    fields: dict[str, object] = {
        "account_no": account_no,
        "reason_code": "NP-001",
        "preferred_date": office_day(world, 5),
        "time_slot": SLOT,
        "notes": "Customer requested morning slot due to work schedule",
    }
    fields.update(changes)
    return NewDisconnectionRequest.model_validate(fields)


def outbox(world: World) -> list[NotificationOutbox]:
    with world.db.read() as s:
        return list(s.exec(select(NotificationOutbox)).all())


def test_a_disconnection_request_with_the_seeds_details(world: World) -> None:
    made = world.backend.create_disconnection_request(
        world.token("customer_executive"), new(world, "wu-10001"), "k1"
    )
    year = world.clock().year
    assert made.request_no == f"DIS-{year}-000001"
    assert (made.request_type, made.status, made.account_no) == (
        "disconnection",
        "pending",
        "WU-10001",
    )
    assert (made.reason_code, made.reason, made.priority, made.required_approval) == (
        "NP-001",
        "Non-payment of bills",
        "high",
        True,
    )
    assert made.reason_description == "Customer has outstanding balance exceeding 90 days"
    assert (made.preferred_date, made.time_slot) == (office_day(world, 5), SLOT)
    assert made.created_by == STAFF["customer_executive"][1] and made.created_at == world.clock()
    # AC019 / AC020: an email in the outbox, the sending in the audit
    assert made.notification == "Email queued to john.doe@example.com."
    [mail] = outbox(world)
    assert (mail.recipient, mail.related) == ("john.doe@example.com", made.request_no)
    assert made.request_no in mail.subject
    [audit] = world.db.audit("disconnection_request_created")
    assert (audit.entity_id, audit.username) == (made.request_no, "executive")
    assert audit.detail == made.notification
    # the next one counts on
    again = world.backend.create_disconnection_request(
        world.token("customer_executive"), new(world, "ACC-2024-001789"), "k2"
    )
    assert again.request_no == f"DIS-{year}-000002"


def test_an_inactive_consumer_gets_a_reconnection_request(world: World) -> None:
    with world.db.write() as s:
        c = s.exec(select(Consumer).where(Consumer.account_no == "WU-10005")).one()
        c.status = "inactive"
        s.add(c)
    b, t = world.backend, world.token("call_center")
    with pytest.raises(FieldError) as err:
        b.create_disconnection_request(t, new(world, "WU-10005"), "k1")
    assert err.value.field == "reason_code"
    assert err.value.message == "Pick a reason for a reconnection request from the list."
    made = b.create_disconnection_request(t, new(world, "WU-10005", reason_code="rc-001"), "k2")
    assert (made.request_type, made.reason) == ("reconnection", "Dues cleared")
    assert made.notification == "Not notified: no email address on file."
    assert outbox(world) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"preferred_date": None}, "preferred_date", "Preferred date is required."),
        ({"time_slot": ""}, "time_slot", "Pick a time slot."),
        ({"time_slot": "7:00 PM - 9:00 PM"}, "time_slot", None),
        ({"notes": "x" * 251}, "notes", None),
        ({"notes": "call\x07 me"}, "notes", None),
        ({"reason_code": "ZZ-999"}, "reason_code", None),
    ],
)
def test_bad_input_names_its_field_and_saves_nothing(
    world: World, changes: dict[str, object], field: str, message: str | None
) -> None:
    with pytest.raises(FieldError) as err:
        world.backend.create_disconnection_request(world.token(), new(world, **changes), "k")
    assert err.value.field == field
    if message is not None:
        assert err.value.message == message
    assert world.db.audit("disconnection_request_created") == [] and outbox(world) == []


def test_a_past_date_in_the_seeds_words_by_the_office_clock(world: World) -> None:
    b = world.backend
    with pytest.raises(FieldError) as err:
        b.create_disconnection_request(
            world.token(), new(world, preferred_date=office_day(world, -1)), "k1"
        )
    assert (err.value.field, err.value.message) == ("preferred_date", "Cannot select past date")
    # 7 PM in Chicago is already tomorrow in UTC: today at the office is still allowed
    world.clock.now = world.clock.now.replace(hour=1, minute=0)  # 01:00 UTC
    today = office_day(world)
    assert today < world.clock().date()
    made = b.create_disconnection_request(world.token(), new(world, preferred_date=today), "k2")
    assert made.preferred_date == today


def test_one_open_request_of_a_type_per_consumer(world: World) -> None:
    b, t = world.backend, world.token()
    first = b.create_disconnection_request(t, new(world), "k1")
    with pytest.raises(ConflictError) as err:
        b.create_disconnection_request(t, new(world, reason_code="CR-001"), "k2")
    assert first.request_no in err.value.message


def test_the_profile_hold(world: World) -> None:
    b = world.backend
    b.lock_consumer(world.token("call_center"), "WU-10001", "disconnection request")
    with pytest.raises(ConflictError, match="is held by"):
        b.create_disconnection_request(world.token("recovery_executive"), new(world), "k1")
    b.create_disconnection_request(world.token("call_center"), new(world), "k2")
    # made: the maker's hold is let go, others may work on the profile again
    b.lock_consumer(world.token("recovery_executive"), "WU-10001", "disconnection request")


def test_retried_with_its_key_it_is_made_once(world: World) -> None:
    b, t = world.backend, world.token()
    first = b.create_disconnection_request(t, new(world, notify_customer=False), "same")
    again = b.create_disconnection_request(t, new(world, notify_customer=False), "same")
    assert again.request_no == first.request_no
    assert first.notification == "No notification: the box was unticked."
    assert len(world.db.audit("disconnection_request_created")) == 1 and outbox(world) == []


def test_who_may_and_a_missing_consumer(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        world.backend.create_disconnection_request(world.token("field_technician"), new(world), "k")
    with pytest.raises(NotFoundError):
        world.backend.create_disconnection_request(world.token(), new(world, "WU-99999"), "k")
