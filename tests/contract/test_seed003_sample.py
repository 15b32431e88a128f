"""Seed 003's sample (s.8) through the service layer on every backend: DIS-2024-001234 for
John Michael Smith read at Dec 10, 2024 02:45 PM office time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from conftest import FakeClock

#: "Current Time: December 10, 2024 02:45 PM" (Chicago, UTC-6 in December)
SEED_NOW = datetime(2024, 12, 10, 20, 45, tzinfo=UTC)


@pytest.fixture(scope="module")
def sample(
    backend_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    from conftest import DATABASE_OF, _database, open_backend

    from cso_tui.demo import build

    directory = tmp_path_factory.mktemp("seed003")
    for url in _database(DATABASE_OF[backend_kind], request, directory, migrated=True):
        build(url, consumers=0, seed=42, as_of=date(2024, 12, 10))
        clock = FakeClock(SEED_NOW)
        backend = open_backend(backend_kind, url, clock)
        try:
            yield backend, backend.login("recovery", "demo").token
        finally:
            backend.close()


def test_dis_2024_001234_as_the_seed_shows_it(sample: tuple[Any, str]) -> None:
    backend, token = sample
    got = backend.get_disconnection_request(token, "dis-2024-001234")
    r = got.request
    assert (r.request_no, r.request_type, r.status) == (
        "DIS-2024-001234",
        "disconnection",
        "in_progress",
    )
    assert (r.consumer_name, r.account_no, r.vip) == (
        "John Michael Smith",
        "ACC-2024-001789",
        False,
    )
    assert (r.reason, r.reason_code, r.priority, r.required_approval) == (
        "Non-payment of bills",
        "NP-001",
        "high",
        True,
    )
    assert (r.preferred_date, r.time_slot) == (date(2024, 12, 15), "10:00 AM - 12:00 PM")
    assert r.created_by == "Sarah Johnson"
    # SLA: due Dec 11, 2024 09:30 AM; 18 hours 45 minutes left; On Track; ack 1.50 h
    assert got.sla.due == datetime(2024, 12, 11, 15, 30, tzinfo=UTC)
    assert got.sla.remaining == "18 hours 45 minutes"
    assert got.sla.label == "On Track"
    ack, response, resolution = got.sla.metrics
    assert (ack.achieved_hours, ack.target_hours) == (Decimal("1.50"), Decimal("2.00"))
    assert response.achieved_hours is None and resolution.achieved_hours is None
    # settlement: $456.78 - $200.00 = $256.78, payable by the consumer
    s = got.settlement
    assert (s.outstanding, s.due_date) == (Decimal("456.78"), date(2024, 11, 30))
    assert (s.last_payment_amount, s.last_payment_date) == (Decimal("150.00"), date(2024, 10, 15))
    assert s.last_payment_method == "Online Banking"
    assert (s.deposit, s.deposit_date, s.use_deposit) == (
        Decimal("200.00"),
        date(2024, 1, 15),
        True,
    )
    assert (s.deposit_refund, s.net) == (Decimal("200.00"), Decimal("256.78"))
    assert s.direction_label == "Amount payable by consumer"


def test_the_clock_at_another_time(sample: tuple[Any, str]) -> None:
    backend, token = sample
    later = backend.get_disconnection_request(
        token, "DIS-2024-001234", datetime(2024, 12, 11, 16, 0, tzinfo=UTC)
    )
    # 10:00 AM on Dec 11: past the due date, and the 4 h response long overdue
    assert later.sla.label == "Breached" and later.sla.remaining == "overdue by 30 minutes"
    assert later.sla.metrics[1].breached


@pytest.fixture
def own_sample(
    backend_kind: str, request: pytest.FixtureRequest, tmp_path: Any
) -> Iterator[tuple[Any, str]]:
    """The sample for one test that changes it."""
    from conftest import DATABASE_OF, _database, open_backend

    from cso_tui.demo import build

    for url in _database(DATABASE_OF[backend_kind], request, tmp_path, migrated=True):
        build(url, consumers=0, seed=42, as_of=date(2024, 12, 10))
        backend = open_backend(backend_kind, url, FakeClock(SEED_NOW))
        try:
            yield backend, backend.login("billing", "demo").token
        finally:
            backend.close()


def test_the_use_in_bill_toggle_recalculates_and_is_kept(own_sample: tuple[Any, str]) -> None:
    backend, token = own_sample
    off = backend.set_deposit_use(token, "DIS-2024-001234", False, "off")
    assert (off.use_deposit, off.deposit_refund, off.net) == (
        False,
        Decimal("0.00"),
        Decimal("456.78"),
    )
    assert backend.get_disconnection_request(token, "DIS-2024-001234").settlement == off
    assert backend.set_deposit_use(token, "DIS-2024-001234", False, "off") == off  # a repeat
    on = backend.set_deposit_use(token, "DIS-2024-001234", True, "on")
    assert (on.use_deposit, on.net) == (True, Decimal("256.78"))
    recovery = backend.login("recovery", "demo").token
    backend.change_disconnection_status(recovery, "DIS-2024-001234", "resolve", "done")
    from cso_tui.services.errors import ConflictError

    with pytest.raises(ConflictError, match="can no longer change"):
        backend.set_deposit_use(token, "DIS-2024-001234", False, "late")
