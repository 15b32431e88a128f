"""Seed 004's sample, exactly: the dashboard of its seven consumers and John Doe's profile, on
every backend. The fixture is the demo's sample records without the one consumer from seed
003 (John Michael Smith), so the figures are the seed's own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from conftest import FakeClock
from sqlalchemy import create_engine, text

from cso_tui.services import db
from cso_tui.services.schemas import ConsumerQuery, ConsumerSort

#: seed 004's world: John Doe's profile is read on May 20, 2025 (his last note's day)
SEED_NOW = datetime(2025, 5, 20, 17, 0, tzinfo=UTC)
#: Tables holding a seed-003 consumer's rows, children first.
_OWNED = (
    "meter_reading WHERE meter_id IN (SELECT id FROM meter WHERE consumer_id = :c)",
    "inventory_movement WHERE meter_id IN (SELECT id FROM meter WHERE consumer_id = :c)",
    "payment WHERE consumer_id = :c",
    "service_order WHERE consumer_id = :c",
    "communication WHERE consumer_id = :c",
    "note WHERE consumer_id = :c",
    "bill WHERE consumer_id = :c",
    "security_deposit WHERE consumer_id = :c",
    "disconnection_request WHERE consumer_id = :c",
    "meter WHERE consumer_id = :c",
    "service_connection WHERE consumer_id = :c",
    "complaint WHERE consumer_id = :c",
    "service_request WHERE consumer_id = :c",
    "consumer_query WHERE consumer_id = :c",
    "call WHERE consumer_id = :c",
    "document WHERE consumer_id = :c",
    "consumer_lock WHERE consumer_id = :c",
    "notification_outbox WHERE consumer_id = :c",
    "consumer WHERE id = :c",
)


def seed004_only(url: str) -> None:
    from cso_tui.demo import build

    build(url, consumers=0, seed=42, as_of=date(2025, 5, 20))
    engine = create_engine(db.normalise_url(url))
    try:
        with engine.begin() as conn:
            [cid] = conn.execute(
                text("SELECT id FROM consumer WHERE account_no = 'ACC-2024-001789'")
            ).one()
            for rows in _OWNED:
                conn.execute(text(f"DELETE FROM {rows}"), {"c": cid})
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def sample(
    backend_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    from conftest import DATABASE_OF, _database, open_backend

    directory = tmp_path_factory.mktemp("seed004")
    for url in _database(DATABASE_OF[backend_kind], request, directory, migrated=True):
        seed004_only(url)
        clock = FakeClock(SEED_NOW)
        backend = open_backend(backend_kind, url, clock)
        backend.clock = clock  # the tests' handle on it (the remote server shares it)
        try:
            yield backend, backend.login("recovery", "demo").token
        finally:
            backend.close()


def test_the_dashboard_shows_the_seeds_figures(sample: tuple[Any, str]) -> None:
    backend, token = sample
    k = backend.consumer_kpis(token)
    assert (k.total, k.active, k.inactive, k.temporarily_disconnected) == (7, 4, 1, 1)
    assert (k.percent(k.active), k.percent(k.inactive)) == (57, 14)
    assert k.percent(k.temporarily_disconnected) == 14
    assert k.total_balance == Decimal("2044.50")


def test_the_list_holds_the_seeds_sample_rows(sample: tuple[Any, str]) -> None:
    backend, token = sample
    page = backend.list_consumers(token, ConsumerQuery(sort=ConsumerSort.ACCOUNT_NO), None, 50)
    rows = {r.account_no: r for r in page.items}
    assert list(rows) == [f"WU-1000{n}" for n in range(1, 8)]
    david = rows["WU-10007"]
    assert (david.name, david.email, david.status) == (
        "David Miller",
        "david.miller@example.com",
        "disconnected",
    )
    assert (david.balance, david.payment_standing) == (Decimal("389.30"), "collection")
    assert (rows["WU-10002"].vip, rows["WU-10002"].balance) == (True, Decimal("0.00"))
    assert rows["WU-10001"].service_address == "123 Main St, Anytown"
    collection = backend.list_consumers(token, ConsumerQuery(standings=["collection"]))
    assert "WU-10007" in {r.account_no for r in collection.items}


def test_john_does_profile(sample: tuple[Any, str]) -> None:
    backend, token = sample
    p = backend.get_profile(token, "WU-10001")
    assert (p.name, p.status, p.vip) == ("John Doe", "active", False)
    assert p.balance == p.outstanding == Decimal("75.30")
    assert p.last_billed_on == date(2025, 4, 15)
    assert p.compliance == 92
    assert (p.health.score, p.health.band) == (85, "Good")
    assert p.account_age_months == 28  # from Jan 15, 2023
    assert (p.estimate_low, p.estimate_high) == (Decimal("110.00"), Decimal("130.00"))
    meter = p.connections[0].meters[0]
    assert (meter.meter_no, meter.device_no, meter.model) == ("M-5678", "D-9012", "Aquaflow X200")
    assert (meter.last_reading, meter.last_read_on) == (Decimal("12580"), date(2025, 4, 15))
    readings = backend.list_readings(token, "WU-10001")
    assert [int(r.value) for r in readings] == [12580, 11350, 10100, 9050, 7980, 6800]
    assert {r.status for r in readings} == {"verified"}
    payments = backend.list_payments(token, "WU-10001", limit=3)
    assert [(p_.payment_no, p_.amount, p_.method) for p_ in payments] == [
        ("PAY-10045", Decimal("120.45"), "Credit Card"),
        ("PAY-9923", Decimal("135.80"), "Bank Transfer"),
        ("PAY-9632", Decimal("105.25"), "Credit Card"),
    ]
    assert [o.so_no for o in backend.list_service_orders(token, "WU-10001")] == [
        "SO-4524",
        "SO-4523",
        "SO-4487",
    ]
    assert [r.request_no for r in backend.list_requests(token, "WU-10001")] == [
        "REQ-3245",
        "REQ-3112",
        "REQ-2987",
    ]
    assert [n.author_name for n in backend.list_notes(token, "WU-10001")] == [
        "Jane Smith",
        "Robert Johnson",
    ]
    # on May 20 the $75.30 bill due May 15 is late (the seed's list was written before)
    assert [a.text for a in p.alerts] == [
        "Payment overdue by 5 days",
        "Scheduled maintenance on May 24",
    ]


def test_john_does_alerts_a_week_earlier(sample: tuple[Any, str]) -> None:
    """Seed 004 s.5: "Payment due in 3 days, Scheduled maintenance on May 24" (May 12)."""
    backend, _ = sample
    clock = backend.clock
    clock.now = datetime(2025, 5, 12, 15, 0, tzinfo=UTC)
    try:
        token = backend.login("callcenter", "demo").token
        p = backend.get_profile(token, "WU-10001")
        assert [a.text for a in p.alerts] == [
            "Payment due in 3 days",
            "Scheduled maintenance on May 24",
        ]
    finally:
        clock.now = SEED_NOW
