"""Contract: what the database itself guarantees (append-only audit, exact money, UTC times)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, StatementError

from contract.support import Sample, World
from cso_tui.models import AuditEvent, Consumer


def _execute(world: World, sql: str) -> None:
    with world.db.local.engines.write.begin() as conn:
        conn.execute(text(sql))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET action = 'tampered'",
        "UPDATE audit_event SET detail = NULL WHERE id = (SELECT min(id) FROM audit_event)",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE id = (SELECT min(id) FROM audit_event)",
    ],
)
def test_the_database_refuses_to_change_the_audit_log(readonly_world: World, sql: str) -> None:
    world = readonly_world  # refused statements change nothing: the shared world will do
    world.token("cso_admin")  # a login writes an audit row
    before = [(r.id, r.action, r.detail) for r in world.db.audit()]
    assert before
    with pytest.raises(DBAPIError, match="append-only"):
        _execute(world, sql)
    assert [(r.id, r.action, r.detail) for r in world.db.audit()] == before


@pytest.mark.parametrize(
    "backend_kind", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_postgres_refuses_truncating_the_audit_log(readonly_world: World) -> None:
    """SQLite has no TRUNCATE (its DELETE without WHERE is refused above)."""
    readonly_world.token()
    before = len(readonly_world.db.audit())
    with pytest.raises(DBAPIError, match="append-only"):
        _execute(readonly_world, "TRUNCATE audit_event")
    assert len(readonly_world.db.audit()) == before >= 1


def test_the_audit_log_still_accepts_new_rows(world: World) -> None:
    with world.db.write() as s:
        s.add(AuditEvent(at=world.clock(), action="probe", entity="test"))
    assert [r.action for r in world.db.audit("probe")] == ["probe"]


# ---------------------------------------------------------------- money


AMOUNTS = [
    Decimal("0.10") + Decimal("0.20"),
    Decimal("0.01"),
    Decimal("-0.01"),
    Decimal("0"),
    Decimal("1e2"),
    Decimal("19.9"),
    Decimal("123456789012.34"),
    Decimal("-987654321.99"),
    Decimal("90000000000000000.00"),  # 9e18 cents: still a BIGINT
]


def test_money_round_trips_exactly(world: World) -> None:
    world.db.add(
        *(Sample(f"WU-5{i:04d}", "Money Person", "1 Mint Street", balance=a)
          for i, a in enumerate(AMOUNTS))
    )  # fmt: skip
    token = world.token()
    for i, amount in enumerate(AMOUNTS):
        got = world.backend.get_consumer(token, f"WU-5{i:04d}").balance
        assert (got, got.as_tuple().exponent) == (amount, -2), f"{amount!r} came back as {got!r}"
        assert isinstance(got, Decimal)
        hit = world.backend.search_consumers(token, f"WU-5{i:04d}").items[0]
        assert (hit.balance, hit.balance.as_tuple().exponent) == (amount, -2)


def test_point_one_plus_point_two_is_point_three(world: World) -> None:
    world.db.add(
        Sample("WU-50001", "Sum Person", "2 Mint Street", balance=Decimal("0.10") + Decimal("0.20"))
    )
    assert world.backend.get_consumer(world.token(), "WU-50001").balance == Decimal("0.30")
    assert str(world.backend.get_consumer(world.token(), "WU-50001").balance) == "0.30"
    # stored as integer cents
    assert world.db.scalar("SELECT balance FROM consumer WHERE account_no = 'WU-50001'") == 30


@pytest.mark.parametrize("bad", [0.1, 0.30000000000000004, 75.3])
def test_float_money_is_refused(readonly_world: World, bad: float) -> None:
    world = readonly_world  # nothing is written
    with pytest.raises((TypeError, StatementError), match="float"), world.db.write() as s:
        s.add(_consumer_with_balance(world, bad))
        s.flush()
    assert world.db.scalar("SELECT count(*) FROM consumer WHERE account_no = 'WU-50002'") == 0


@pytest.mark.parametrize("bad", [Decimal("0.001"), Decimal("1.005"), "12.345"])
def test_money_with_fractions_of_a_cent_is_refused(readonly_world: World, bad: object) -> None:
    world = readonly_world  # nothing is written
    with pytest.raises((ValueError, StatementError), match="decimals"), world.db.write() as s:
        s.add(_consumer_with_balance(world, bad))
        s.flush()
    assert world.db.scalar("SELECT count(*) FROM consumer WHERE account_no = 'WU-50002'") == 0


def _consumer_with_balance(world: World, balance: object) -> Consumer:
    now = world.clock()
    return Consumer(
        account_no="WU-50002",
        name="Float Person",
        status="active",
        category="residential",
        service_address="3 Mint Street",
        balance=balance,
        created_at=now,
        updated_at=now,
    )


# ---------------------------------------------------------------- time


def test_times_come_back_aware_utc_and_exact(world: World) -> None:
    note = world.backend.add_note(world.token(), "WU-10001", "Timed", "timed")
    (stored,) = world.backend.list_notes(world.token(), "WU-10001")
    assert stored.created_at == world.clock.now
    assert stored.created_at.microsecond == world.clock.now.microsecond
    assert stored.created_at.utcoffset() == timedelta(0)
    assert note.created_at == stored.created_at


def test_a_time_given_in_another_zone_is_stored_as_the_same_instant(world: World) -> None:
    chicago_winter = timezone(timedelta(hours=-6))
    local = datetime(2024, 11, 20, 8, 30, 15, 123456, tzinfo=chicago_winter)
    world.clock.now = local
    note = world.backend.add_note(world.token(), "WU-10001", "Zoned", "zoned")
    (stored,) = world.backend.list_notes(world.token(), "WU-10001")
    assert stored.created_at == local
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.astimezone(UTC).hour == 14
    assert note.created_at == local


def test_naive_times_are_refused(readonly_world: World) -> None:
    world = readonly_world  # nothing is written
    with pytest.raises((ValueError, StatementError), match="naive"), world.db.write() as s:
        s.add(AuditEvent(at=datetime(2024, 1, 1, 12, 0), action="naive", entity="test"))
        s.flush()
    assert world.db.audit("naive") == []
