"""Contract: consumer details, updates (validation, versions, audit, search index), permissions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contract.support import ROLES, STAFF, Sample, World
from cso_tui.models import Complaint, DisconnectionRequest, ServiceRequest
from cso_tui.services.errors import ConflictError, NotFoundError, PermissionDeniedError
from cso_tui.services.errors import ValidationError as FieldError
from cso_tui.services.schemas import ConsumerUpdate

#: Roles that may change a consumer's profile (seeds 001-004); everyone else may only read.
EDITORS = {"cso_admin", "cso_manager", "customer_executive", "call_center", "utility_admin"}


def update(world: World, changes: ConsumerUpdate, *, role: str = "cso_admin", key: str = "k1"):
    current = world.backend.get_consumer(world.token(role), "WU-10001")
    return world.backend.update_consumer(
        world.token(role),
        "WU-10001",
        changes,
        expected_version=current.version,
        idempotency_key=key,
    )


# ---------------------------------------------------------------- details


def test_get_consumer_returns_the_basic_details(readonly_world: World) -> None:
    c = readonly_world.backend.get_consumer(readonly_world.token("call_center"), "WU-10001")
    assert (c.account_no, c.name, c.status, c.category) == (
        "WU-10001",
        "John Doe",
        "active",
        "residential",
    )
    assert (c.phone, c.email) == ("(555) 123-4567", "john.doe@example.com")
    assert c.service_address == "123 Main Street, Springfield, IL"
    assert c.billing_address is None
    assert c.sub_category is None
    assert c.vip is False
    assert c.balance == Decimal("75.30")
    assert isinstance(c.balance, Decimal)
    assert c.payment_standing == "current"
    assert c.connection_date == date(2019, 3, 1)
    assert c.version == 1
    assert [(m.meter_no, m.device_no, m.utility, m.meter_type) for m in c.meters] == [
        ("M-5678", "D-9012", "water", "smart")
    ]
    assert (c.active_complaints, c.active_requests) == (0, 0)


def test_get_consumer_lists_every_meter(readonly_world: World) -> None:
    c = readonly_world.backend.get_consumer(readonly_world.token(), "WU-10002")
    assert sorted((m.meter_no, m.utility) for m in c.meters) == [
        ("M-6001", "water"),
        ("M-6002", "electricity"),
    ]
    assert c.vip is True


def test_get_consumer_counts_only_open_complaints_and_requests(world: World) -> None:
    consumer_id = world.db.consumer("WU-10001").id
    now = world.clock()
    with world.db.write() as s:
        for no, status in (("C-1", "created"), ("C-2", "in_progress"), ("C-3", "resolved")):
            s.add(
                Complaint(
                    complaint_no=no,
                    consumer_id=consumer_id,
                    category="billing",
                    status=status,
                    created_at=now,
                )
            )
        for no, status in (("REQ-1", "scheduled"), ("REQ-2", "completed")):
            s.add(
                ServiceRequest(
                    request_no=no,
                    consumer_id=consumer_id,
                    request_type="new",
                    status=status,
                    created_at=now,
                )
            )
        for no, status in (("DIS-1", "pending"), ("DIS-2", "executed")):
            s.add(
                DisconnectionRequest(
                    request_no=no,
                    consumer_id=consumer_id,
                    request_type="temporary",
                    reason_code="NP",
                    reason="Non-payment",
                    priority="high",
                    status=status,
                    created_at=now,
                    updated_at=now,
                )
            )
    c = world.backend.get_consumer(world.token(), "WU-10001")
    assert c.active_complaints == 2
    assert c.active_requests == 2


@pytest.mark.parametrize("account", ["wu-10001", " WU-10001 ", "WU-10001"])
def test_get_consumer_accepts_the_account_number_as_typed(
    readonly_world: World, account: str
) -> None:
    assert (
        readonly_world.backend.get_consumer(readonly_world.token(), account).account_no
        == "WU-10001"
    )


def test_get_consumer_of_the_other_account_format(readonly_world: World) -> None:
    c = readonly_world.backend.get_consumer(readonly_world.token(), "ACC-2024-001789")
    assert c.name == "John Michael Smith"


@pytest.mark.parametrize("account", ["WU-99999", "", "M-5678", "WU-1000"])
def test_get_consumer_of_an_unknown_account(readonly_world: World, account: str) -> None:
    with pytest.raises(NotFoundError):
        readonly_world.backend.get_consumer(readonly_world.token(), account)


def test_get_consumer_writes_a_viewed_event(world: World) -> None:
    world.backend.get_consumer(world.token("billing_specialist"), "WU-10002")
    with pytest.raises(NotFoundError):
        world.backend.get_consumer(world.token("billing_specialist"), "WU-99999")
    events = world.db.usage("Viewed_Consumer_Details")
    assert [e.properties for e in events] == [{"account_no": "WU-10002"}]
    assert events[0].role == "billing_specialist"
    assert events[0].user_id == world.db.user("billing").id


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_read_a_consumer(readonly_world: World, role: str) -> None:
    assert (
        readonly_world.backend.get_consumer(readonly_world.token(role), "WU-10001").name
        == "John Doe"
    )


# ---------------------------------------------------------------- updates


def test_update_changes_the_record_and_bumps_the_version(world: World) -> None:
    token = world.token("customer_executive")
    world.clock.advance(minutes=3)
    after = world.backend.update_consumer(
        token,
        "WU-10001",
        ConsumerUpdate(phone="555-765-0000", billing_address="PO Box 9, Springfield, IL"),
        expected_version=1,
        idempotency_key="edit-1",
    )
    assert after.version == 2
    assert after.phone == "555-765-0000"
    assert after.billing_address == "PO Box 9, Springfield, IL"
    assert after.name == "John Doe"  # untouched
    again = world.backend.get_consumer(token, "WU-10001")
    assert again == after
    row = world.db.consumer("WU-10001")
    assert row.updated_at == world.clock.now
    assert row.version == 2


def test_update_writes_one_audit_row_with_before_and_after(world: World) -> None:
    update(world, ConsumerUpdate(email="JD@Example.org", vip=True, name="John Doe"))
    rows = world.db.audit("consumer_updated")
    assert len(rows) == 1
    row = rows[0]
    assert (row.entity, row.entity_id) == ("consumer", "WU-10001")
    assert (row.user_id, row.username) == (world.db.user("admin").id, "admin")
    # only what changed is recorded (the name was given unchanged)
    assert row.before == {"email": "john.doe@example.com", "vip": False}
    assert row.after == {"email": "JD@Example.org", "vip": True}
    assert row.at == world.clock.now


def test_an_update_that_changes_nothing_writes_nothing(world: World) -> None:
    after = update(world, ConsumerUpdate(name="John Doe", phone="(555) 123-4567"))
    assert after.version == 1
    assert world.db.audit("consumer_updated") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (ConsumerUpdate(email="not-an-email"), "email"),
        (ConsumerUpdate(email="john@@example.com"), "email"),
        (ConsumerUpdate(phone="call me"), "phone"),
        (ConsumerUpdate(phone="12345"), "phone"),
        (ConsumerUpdate(phone="1" * 16), "phone"),
        (ConsumerUpdate(name=""), "name"),
        (ConsumerUpdate(name="   "), "name"),
        (ConsumerUpdate(name="x" * 161), "name"),
        (ConsumerUpdate(service_address=""), "service_address"),
        (ConsumerUpdate(service_address=" \t "), "service_address"),
        (ConsumerUpdate(billing_address="y" * 256), "billing_address"),
        (ConsumerUpdate(category=""), "category"),
        (ConsumerUpdate(), "changes"),
        (ConsumerUpdate(name="Fine Name", email="bad"), "email"),
    ],
)
def test_invalid_changes_name_the_field_and_write_nothing(
    readonly_world: World, changes: ConsumerUpdate, field: str
) -> None:
    with pytest.raises(FieldError) as exc:
        update(readonly_world, changes, key="bad-edit")
    assert exc.value.field == field
    assert exc.value.message
    row = readonly_world.db.consumer("WU-10001")
    assert row.version == 1
    assert (row.name, row.email, row.phone) == (
        "John Doe",
        "john.doe@example.com",
        "(555) 123-4567",
    )
    assert readonly_world.db.audit("consumer_updated") == []


def test_a_refused_update_does_not_use_up_its_key(world: World) -> None:
    with pytest.raises(FieldError):
        update(world, ConsumerUpdate(email="not-an-email"), key="bad-edit")
    assert update(world, ConsumerUpdate(vip=True), key="bad-edit").version == 2


def test_clearing_optional_contact_fields(world: World) -> None:
    after = update(world, ConsumerUpdate(email="", phone=""))
    assert (after.email, after.phone) == (None, None)
    assert world.backend.search_consumers(world.token(), "john.doe@example.com").items == []
    assert world.backend.search_consumers(world.token(), "(555) 123-4567").items == []


def test_a_stale_version_is_a_conflict_and_changes_nothing(world: World) -> None:
    token_a, token_b = world.token("customer_executive"), world.token("call_center")
    seen_a = world.backend.get_consumer(token_a, "WU-10001")
    seen_b = world.backend.get_consumer(token_b, "WU-10001")
    world.backend.update_consumer(
        token_a, "WU-10001", ConsumerUpdate(name="John A. Doe"), seen_a.version, "edit-a"
    )
    with pytest.raises(ConflictError):
        world.backend.update_consumer(
            token_b, "WU-10001", ConsumerUpdate(name="Johnny Doe"), seen_b.version, "edit-b"
        )
    row = world.db.consumer("WU-10001")
    assert (row.name, row.version) == ("John A. Doe", 2)
    assert len(world.db.audit("consumer_updated")) == 1
    # reload and apply again: works
    fresh = world.backend.get_consumer(token_b, "WU-10001")
    done = world.backend.update_consumer(
        token_b, "WU-10001", ConsumerUpdate(name="Johnny Doe"), fresh.version, "edit-b2"
    )
    assert (done.name, done.version) == ("Johnny Doe", 3)


def test_a_future_version_is_a_conflict_too(world: World) -> None:
    with pytest.raises(ConflictError):
        world.backend.update_consumer(
            world.token(), "WU-10001", ConsumerUpdate(vip=True), 7, "edit-future"
        )
    assert world.db.consumer("WU-10001").version == 1


def test_updating_an_unknown_consumer(world: World) -> None:
    with pytest.raises(NotFoundError):
        world.backend.update_consumer(
            world.token(), "WU-99999", ConsumerUpdate(vip=True), 1, "edit-ghost"
        )


def test_search_sees_an_update_at_once(world: World) -> None:
    token = world.token()
    # a neighbour keeps "main street" a word match (no fallback to fragments)
    world.db.add(Sample("WU-10009", "Nora Neighbour", "125 Main Street, Springfield, IL"))
    update(
        world,
        ConsumerUpdate(
            name="Jonathan Quarrington",
            phone="555-765-0000",
            email="jq@example.org",
            service_address="1 Quarry Road, Springfield, IL",
        ),
    )

    def found(term: str) -> list[str]:
        return [h.account_no for h in world.backend.search_consumers(token, term).items]

    assert found("jonathan") == ["WU-10001"]
    assert found("quarrington jon") == ["WU-10001"]
    assert found("555-765-0000") == ["WU-10001"]
    assert found("7650000") == ["WU-10001"]
    assert found("jq@example") == ["WU-10001"]
    assert found("quarry") == ["WU-10001"]
    assert "WU-10001" not in found("doe")
    assert found("main street") == ["WU-10009"]
    assert found("(555) 123-4567") == []
    assert found("john.doe@example.com") == []
    # the other identifiers are unchanged
    assert found("M-5678") == ["WU-10001"]


# ---------------------------------------------------------------- permissions


def test_who_may_update_a_consumer(world: World) -> None:
    # one database for every role (each one costs a fresh schema on PostgreSQL)
    version = 1
    for role in ROLES:
        changes = ConsumerUpdate(sub_category=f"set by {role}")
        if role in EDITORS:
            version += 1
            assert update(world, changes, role=role, key=f"k-{role}").version == version, role
            continue
        with pytest.raises(PermissionDeniedError):
            update(world, changes, role=role, key=f"k-{role}")
        assert world.db.consumer("WU-10001").version == version, role
    updated_by = [r.username for r in world.db.audit("consumer_updated")]
    assert updated_by == [STAFF[role][0] for role in ROLES if role in EDITORS]


def test_a_field_technician_may_not_edit_even_with_valid_input(world: World) -> None:
    with pytest.raises(PermissionDeniedError) as exc:
        update(world, ConsumerUpdate(phone="555-765-0000"), role="field_technician")
    assert "Field Technician" in exc.value.message
