"""Contract: the guard-rails beyond seed 003 (setting ``disconnection_guardrails``) on every
backend: scheduling refusals on preferred_date that save nothing, defaults that keep the
seed's behaviour, a payment settling bills to the cent, a payment cancelling a pending
non-payment disconnection, and a cleared debt raising a reconnection request once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from contract.support import STAFF, World
from cso_tui.models import (
    AppSetting,
    Bill,
    Consumer,
    DisconnectionRequest,
    Holiday,
    NotificationOutbox,
    Payment,
)
from cso_tui.services.errors import ConflictError, PermissionDeniedError
from cso_tui.services.errors import ValidationError as FieldError
from cso_tui.services.schemas import NewDisconnectionRequest, NewPayment

SLOT = "10:00 AM - 12:00 PM"
FIRST_SLOT = "8:00 AM - 10:00 AM"
OFFICE = ZoneInfo("America/Chicago")


def office_day(world: World, days: int = 0) -> date:
    """The office's date ``days`` from now (the test clock: Wednesday, November 20, 2024)."""
    return world.clock().astimezone(OFFICE).date() + timedelta(days=days)


def new(world: World, account_no: str = "WU-10001", **changes: object) -> NewDisconnectionRequest:
    fields: dict[str, object] = {
        "account_no": account_no,
        "reason_code": "NP-001",
        "preferred_date": office_day(world, 5),  # Monday, November 25, 2024
        "time_slot": SLOT,
    }
    fields.update(changes)
    return NewDisconnectionRequest.model_validate(fields)


def pay(amount: str, method: str = "Cash", **changes: object) -> NewPayment:
    return NewPayment.model_validate({"amount": amount, "method": method, **changes})


def set_rails(world: World, value: Any) -> None:
    with world.db.write() as s:
        s.merge(AppSetting(key="disconnection_guardrails", value=value, updated_at=world.clock()))


def set_consumer(world: World, account_no: str, **values: Any) -> None:
    with world.db.write() as s:
        c = s.exec(select(Consumer).where(Consumer.account_no == account_no)).one()
        for key, value in values.items():
            setattr(c, key, value)
        s.add(c)


def add_bill(
    world: World, account_no: str, bill_no: str, amount: str, due: date, paid: str = "0.00"
) -> None:
    consumer = world.db.consumer(account_no)
    status = "unpaid" if Decimal(paid) == 0 else "partially_paid"
    with world.db.write() as s:
        s.add(
            Bill(
                bill_no=bill_no,
                consumer_id=consumer.id,
                period_start=due - timedelta(days=51),
                period_end=due - timedelta(days=21),
                issue_date=due - timedelta(days=21),
                due_date=due,
                amount=Decimal(amount),
                paid=Decimal(paid),
                status=status,
                created_at=world.clock(),
            )
        )


def cut_for(world: World, account_no: str, reason_code: str, status: str = "inactive") -> None:
    """The consumer disconnected under a completed request with ``reason_code``."""
    consumer = world.db.consumer(account_no)
    at = world.clock() - timedelta(days=30)
    with world.db.write() as s:
        s.add(
            DisconnectionRequest(
                request_no="DIS-2024-000900",
                consumer_id=consumer.id,
                request_type="disconnection",
                reason_code=reason_code,
                reason="Earlier cut",
                priority="high",
                status="completed",
                created_at=at,
                updated_at=at,
                resolved_at=at,
                executed_at=at,
            )
        )
        c = s.get(Consumer, consumer.id)
        assert c is not None
        c.status = status
        s.add(c)


def rows(world: World, model: Any, **where: Any) -> list[Any]:
    with world.db.read() as s:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return list(s.exec(query).all())


def saved_nothing(world: World) -> bool:
    return (
        rows(world, DisconnectionRequest) == []
        and rows(world, NotificationOutbox) == []
        and world.db.audit("disconnection_request_created") == []
    )


# ---------------------------------------------------------------- scheduling guard-rails


def test_the_defaults_keep_the_seeds_behaviour(world: World) -> None:
    """A holiday, a medical certificate and a Monday: with no setting, none of them blocks."""
    monday = office_day(world, 5)
    with world.db.write() as s:
        s.add(Holiday(day=monday, name="Founders' Day"))
    set_consumer(world, "WU-10001", medical_certificate_until=office_day(world, 60))
    made = world.backend.create_disconnection_request(world.token(), new(world), "k1")
    assert made.preferred_date == monday and made.status == "pending"


def test_a_malformed_setting_falls_back_to_the_defaults(world: World) -> None:
    for i, value in enumerate(([5, 6], {"blocked_weekdays": "weekends"},
                               {"blocked_weekdays": [0, 9]}, {"min_notice_days": -3})):  # fmt: skip
        set_rails(world, value)
        made = world.backend.create_disconnection_request(world.token(), new(world), f"k{i}")
        world.backend.change_disconnection_status(
            world.token(), made.request_no, "close", f"c{i}", close_reason="duplicate_request"
        )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"blocked_weekdays": [0]},
         "No disconnections on Mondays: pick another day (the first allowed day is "
         "November 26, 2024)."),
        ({"block_on_holidays": True},
         "November 25, 2024 is a holiday (Founders' Day): no disconnections on holidays, pick "
         "another day (the first allowed day is November 26, 2024)."),
        ({"block_with_medical_certificate": True},
         "A medical certificate is on file until December 31, 2024: no disconnection while it "
         "is valid. Make the request once it expires (from January 1, 2025)."),
        ({"min_notice_days": 7},
         "Disconnections need 7 days' notice: pick November 27, 2024 or later."),
    ],
)  # fmt: skip
def test_each_guard_rail_refuses_on_the_preferred_date_and_saves_nothing(
    world: World, setting: dict[str, Any], message: str
) -> None:
    with world.db.write() as s:
        s.add(Holiday(day=office_day(world, 5), name="Founders' Day"))
    set_consumer(world, "WU-10001", medical_certificate_until=date(2024, 12, 31))
    set_rails(world, setting)
    b, t = world.backend, world.token("customer_executive")
    with pytest.raises(FieldError) as err:
        b.create_disconnection_request(t, new(world), "k1")
    assert (err.value.field, err.value.message) == ("preferred_date", message)
    assert saved_nothing(world)
    # the same key with an allowed date then works: nothing was stored under it
    if "min_notice_days" in setting:
        allowed = office_day(world, 7)
    elif "block_with_medical_certificate" in setting:
        set_consumer(world, "WU-10001", medical_certificate_until=office_day(world, -1))
        allowed = office_day(world, 5)
    else:
        allowed = office_day(world, 6)
    made = b.create_disconnection_request(t, new(world, preferred_date=allowed), "k2")
    assert made.preferred_date == allowed


def test_a_reconnection_is_never_held_back(world: World) -> None:
    set_consumer(world, "WU-10005", status="inactive", medical_certificate_until=date(2025, 6, 1))
    set_rails(world, {"blocked_weekdays": [0], "block_with_medical_certificate": True,
                      "min_notice_days": 10})  # fmt: skip
    made = world.backend.create_disconnection_request(
        world.token(), new(world, "WU-10005", reason_code="RC-001"), "k1"
    )
    assert (made.request_type, made.preferred_date) == ("reconnection", office_day(world, 5))


# ---------------------------------------------------------------- recording a payment


def test_a_payment_settles_the_oldest_bills_first_to_the_cent(world: World) -> None:
    # John Doe owes $75.30 on two bills, the oldest 80 days past due
    add_bill(world, "WU-10001", "BL-1", "50.10", date(2024, 9, 1))
    add_bill(world, "WU-10001", "BL-2", "25.20", date(2024, 10, 25))
    set_consumer(world, "WU-10001", payment_standing="past_due")
    b, t = world.backend, world.token("cso_admin")
    kpis_before = b.consumer_kpis(t).total_balance
    got = b.record_payment(t, "wu-10001", pay("60.15", "online banking", reference="TXN-889"), "p1")
    assert got.payment.payment_no == "PAY-10046"
    assert (got.payment.amount, got.payment.method, got.reference) == (
        Decimal("60.15"), "Online Banking", "TXN-889"
    )  # fmt: skip
    assert got.payment.paid_at == world.clock() and not got.payment.on_time
    assert got.payment.bill_no == "BL-1"
    assert [(a.bill_no, a.amount, a.status) for a in got.applied] == [
        ("BL-1", Decimal("50.10"), "paid"),
        ("BL-2", Decimal("10.05"), "partially_paid"),
    ]
    assert (got.balance, got.outstanding, got.payment_standing) == (
        Decimal("15.15"), Decimal("15.15"), "past_due"
    )  # fmt: skip
    assert (got.cancelled, got.raised) == ([], [])
    bills = {x.bill_no: x for x in b.list_bills(t, "WU-10001")}
    assert (bills["BL-1"].paid, bills["BL-1"].status) == (Decimal("50.10"), "paid")
    assert (bills["BL-2"].paid, bills["BL-2"].status) == (Decimal("10.05"), "partially_paid")
    assert b.list_payments(t, "WU-10001")[0] == got.payment
    assert b.get_consumer(t, "WU-10001").balance == Decimal("15.15")
    # the rollup moved in the same transaction
    assert b.consumer_kpis(t).total_balance == kpis_before - Decimal("60.15")
    [audit] = world.db.audit("payment_recorded")
    assert (audit.entity_id, audit.username) == ("PAY-10046", "admin")
    assert audit.before == {"balance": "75.30", "payment_standing": "past_due"}
    assert audit.after["balance"] == "15.15" and len(audit.after["applied"]) == 2
    # the rest, dated yesterday, by cheque: the account is current
    rest = b.record_payment(
        t, "WU-10001", pay("15.15", "Cheque", paid_on=office_day(world, -1)), "p2"
    )
    assert (rest.balance, rest.outstanding, rest.payment_standing) == (
        Decimal("0.00"), Decimal("0.00"), "current"
    )  # fmt: skip
    assert rest.payment.paid_at.astimezone(OFFICE).date() == office_day(world, -1)
    assert [x.status for x in b.list_bills(t, "WU-10001")] == ["paid", "paid"]
    [row] = rows(world, Payment, payment_no="PAY-10047")
    assert (row.digital, row.recorded_by) == (False, world.db.user("admin").id)
    standing = world.db.scalar(
        "SELECT sum(consumers) FROM consumer_totals WHERE payment_standing = 'past_due'"
    )
    assert not standing  # John Doe left the past-due counter


def test_more_than_owed_stays_as_credit(world: World) -> None:
    add_bill(world, "WU-10001", "BL-1", "75.30", date(2024, 11, 30))
    got = world.backend.record_payment(world.token(), "WU-10001", pay("100.00"), "p1")
    assert got.payment.on_time
    assert (got.balance, got.outstanding) == (Decimal("-24.70"), Decimal("0.00"))
    assert [(a.bill_no, a.amount) for a in got.applied] == [("BL-1", Decimal("75.30"))]


@pytest.mark.parametrize(
    ("payment", "field", "message"),
    [
        ({"amount": "0"}, "amount", "Amount must be more than zero, e.g. 120.50."),
        ({"amount": "-5.00"}, "amount", "Amount must be more than zero, e.g. 120.50."),
        ({"amount": "10.005"}, "amount", "more than two decimals"),
        ({"amount": "1E+999999"}, "amount", "too large"),
        ({"method": "Bitcoin"}, "method", "Payment method must be one of: Cash, Cheque"),
        ({"paid_on": date(2024, 11, 21)}, "paid_on", "November 20, 2024 at the latest"),
        ({"reference": "R" * 81}, "reference", "at most 80 characters"),
        ({"reference": "REF\x07"}, "reference", "plain text only"),
    ],
)
def test_bad_payment_input_names_its_field_and_saves_nothing(
    world: World, payment: dict[str, Any], field: str, message: str
) -> None:
    body = {"amount": "10.00", "method": "Cash", **payment}
    with pytest.raises(FieldError) as err:
        world.backend.record_payment(world.token(), "WU-10001", NewPayment(**body), "p1")
    assert err.value.field == field and message in err.value.message
    assert rows(world, Payment) == [] and world.db.audit("payment_recorded") == []
    assert world.db.consumer("WU-10001").balance == Decimal("75.30")


@pytest.mark.parametrize("role", ["recovery_executive", "billing_specialist", "call_center"])
def test_only_admins_record_payments(world: World, role: str) -> None:
    with pytest.raises(PermissionDeniedError, match="may not record payment"):
        world.backend.record_payment(world.token(role), "WU-10001", pay("10.00"), "p1")
    assert rows(world, Payment) == []
    got = world.backend.record_payment(world.token("utility_admin"), "WU-10001", pay("1"), "p2")
    assert got.balance == Decimal("74.30")


def test_a_retry_answers_the_first_result_and_another_body_conflicts(world: World) -> None:
    b, t = world.backend, world.token()
    first = b.record_payment(t, "WU-10001", pay("10.00"), "p1")
    assert b.record_payment(t, "WU-10001", pay("10.00"), "p1") == first
    with pytest.raises(ConflictError):
        b.record_payment(t, "WU-10001", pay("11.00"), "p1")
    assert len(rows(world, Payment)) == 1
    assert world.db.consumer("WU-10001").balance == Decimal("65.30")


# ---------------------------------------------------------------- a payment cancels a cut


def test_clearing_the_balance_cancels_a_pending_non_payment_disconnection(world: World) -> None:
    b = world.backend
    made = b.create_disconnection_request(world.token("recovery_executive"), new(world), "k1")
    t = world.token()
    short = b.record_payment(t, "WU-10001", pay("75.29"), "p1")
    assert (short.balance, short.cancelled) == (Decimal("0.01"), [])
    assert b.get_disconnection_request(t, made.request_no).request.status == "pending"
    done = b.record_payment(t, "WU-10001", pay("0.01"), "p2")
    assert (done.balance, done.cancelled, done.raised) == (
        Decimal("0.00"), [made.request_no], []
    )  # fmt: skip
    [row] = rows(world, DisconnectionRequest, request_no=made.request_no)
    assert (row.status, row.close_reason) == ("closed", "payment_received")
    assert row.closed_at == world.clock() and row.updated_by == world.db.user("admin").id
    [audit] = world.db.audit("disconnection_request_close", made.request_no)
    assert audit.before == {"status": "pending"} and audit.after["payment_no"] == "PAY-10047"
    assert audit.detail == "Email queued to john.doe@example.com."
    mails = rows(world, NotificationOutbox, related=made.request_no)
    assert [m.subject for m in mails] == [
        f"Your disconnection request {made.request_no}",
        f"Disconnection cancelled: {made.request_no}",
    ]
    timeline = b.request_timeline(t, made.request_no)
    assert any(e.what == "Closed: Payment received" for e in timeline)
    # a closed request is history: a new one may be made
    b.create_disconnection_request(world.token(), new(world), "k2")


def test_in_progress_and_on_hold_ones_are_cancelled_too_others_are_not(world: World) -> None:
    b, t = world.backend, world.token()
    held = b.create_disconnection_request(t, new(world), "k1")
    b.change_disconnection_status(t, held.request_no, "acknowledge", "a1")
    b.change_disconnection_status(t, held.request_no, "hold", "h1")
    world.clock.advance(minutes=10)
    moving = b.create_disconnection_request(
        t, new(world, "ACC-2024-001789", reason_code="CR-001", notify_customer=False), "k2"
    )
    got = b.record_payment(t, "WU-10001", pay("75.30"), "p1")
    assert got.cancelled == [held.request_no]
    [row] = rows(world, DisconnectionRequest, request_no=held.request_no)
    assert row.status == "closed" and row.held_seconds == 600 and row.hold_started_at is None
    # a consumer moving out is not cancelled by a payment
    other = b.record_payment(t, "ACC-2024-001789", pay("20.00"), "p2")
    assert (other.balance, other.cancelled) == (Decimal("-20.00"), [])
    assert b.get_disconnection_request(t, moving.request_no).request.status == "pending"


@pytest.mark.parametrize(
    ("threshold", "cancels"), [("50.00", True), ("49.99", False), (None, False)]
)
def test_the_threshold_setting(world: World, threshold: str | None, cancels: bool) -> None:
    set_rails(world, {"payment_cancel_threshold": threshold})
    b, t = world.backend, world.token()
    made = b.create_disconnection_request(t, new(world), "k1")
    got = b.record_payment(t, "WU-10001", pay("25.30"), "p1")  # leaves $50.00
    assert got.balance == Decimal("50.00")
    assert got.cancelled == ([made.request_no] if cancels else [])
    if threshold is None:  # off: not even paying it all cancels
        assert b.record_payment(t, "WU-10001", pay("60.00"), "p2").cancelled == []


# ---------------------------------------------------------------- a cleared debt reconnects


def test_clearing_the_debt_after_a_non_payment_cut_raises_a_reconnection_once(
    world: World,
) -> None:
    cut_for(world, "WU-10002", "NP-001")
    b, t = world.backend, world.token()
    got = b.record_payment(t, "WU-10002", pay("1250.00", "Bank Transfer"), "p1")
    year = world.clock().year
    assert (got.balance, got.cancelled, got.raised) == (
        Decimal("0.00"), [], [f"DIS-{year}-000001"]
    )  # fmt: skip
    made = b.get_disconnection_request(t, got.raised[0]).request
    assert (made.request_type, made.status, made.reason_code, made.reason) == (
        "reconnection", "pending", "RC-001", "Dues cleared"
    )  # fmt: skip
    assert (made.preferred_date, made.time_slot, made.notify_customer) == (
        office_day(world, 1), FIRST_SLOT, True
    )  # fmt: skip
    assert made.created_by == STAFF["cso_admin"][1]
    [audit] = world.db.audit("disconnection_request_created")
    assert audit.after["raised_by"] == "PAY-10046" and audit.username == "admin"
    assert [m.recipient for m in rows(world, NotificationOutbox, related=made.request_no)] == [
        "jane.smith@example.com"
    ]
    # a retry after a timeout answers the same and raises nothing twice
    assert b.record_payment(t, "WU-10002", pay("1250.00", "Bank Transfer"), "p1") == got
    assert len(rows(world, DisconnectionRequest, request_type="reconnection")) == 1
    # another payment while it is open raises no second one
    assert b.record_payment(t, "WU-10002", pay("5.00"), "p2").raised == []
    assert len(rows(world, DisconnectionRequest, request_type="reconnection")) == 1


def test_the_reconnection_date_skips_blocked_days(world: World) -> None:
    cut_for(world, "WU-10002", "NP-001", status="disconnected")
    thursday = office_day(world, 1)
    with world.db.write() as s:
        s.add(Holiday(day=office_day(world, 2), name="Office closed"))
    set_rails(world, {"blocked_weekdays": [thursday.weekday()], "block_on_holidays": True})
    got = world.backend.record_payment(world.token(), "WU-10002", pay("1300.00"), "p1")
    made = world.backend.get_disconnection_request(world.token(), got.raised[0]).request
    assert made.preferred_date == office_day(world, 3)


@pytest.mark.parametrize(
    ("reason", "amount", "setting"),
    [
        ("CR-001", "1250.00", None),  # moved out: not a cut for non-payment
        ("NP-001", "1249.99", None),  # a cent still owed
        ("NP-001", "1250.00", {"auto_reconnection": False}),
    ],
)
def test_no_reconnection_otherwise(
    world: World, reason: str, amount: str, setting: dict[str, Any] | None
) -> None:
    cut_for(world, "WU-10002", reason)
    if setting is not None:
        set_rails(world, setting)
    got = world.backend.record_payment(world.token(), "WU-10002", pay(amount), "p1")
    assert got.raised == []
    assert rows(world, DisconnectionRequest, request_type="reconnection") == []


def test_an_active_consumer_gets_no_reconnection(world: World) -> None:
    cut_for(world, "WU-10002", "NP-001", status="active")  # already reconnected by hand
    assert world.backend.record_payment(world.token(), "WU-10002", pay("1250"), "p1").raised == []


def test_a_payment_dated_on_an_office_day_not_utc(world: World) -> None:
    """01:00 UTC is still yesterday at the office: that is the latest date allowed."""
    world.clock.now = datetime(2024, 11, 21, 1, 0, tzinfo=world.clock.now.tzinfo)
    with pytest.raises(FieldError):
        world.backend.record_payment(
            world.token(), "WU-10001", pay("1.00", paid_on=date(2024, 11, 21)), "p1"
        )
    got = world.backend.record_payment(
        world.token(), "WU-10001", pay("1.00", paid_on=date(2024, 11, 20)), "p2"
    )
    assert got.payment.paid_at == world.clock()
