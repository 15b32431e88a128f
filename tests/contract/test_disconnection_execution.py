"""Contract: the Final bill and Disconnect tabs (seed 003) on every backend, on the seed's own
sample: John Michael Smith (ACC-2024-001789) with water meter M-7801 / D-3301 (last read
36,980 gal on Nov 10, 2024), electricity meter M-7802 / D-3302 (9,020 kWh), $456.78
outstanding, a $200.00 deposit, and service order SO-2024-005678 for DIS-2024-001234."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from conftest import FakeClock
from sqlalchemy import create_engine, text

from contract.test_seed003_sample import SEED_NOW
from cso_tui.services.errors import ConflictError, ValidationError
from cso_tui.services.schemas import ExecuteDisconnection, FinalReadingIn, NewRequestServiceOrder

NO = "DIS-2024-001234"
TODAY = date(2024, 12, 10)  # 02:45 PM in Chicago


@pytest.fixture
def sample(
    backend_kind: str, request: pytest.FixtureRequest, tmp_path: Any
) -> Iterator[tuple[Any, str, str]]:
    from conftest import DATABASE_OF, _database, open_backend

    from cso_tui.demo import build

    for url in _database(DATABASE_OF[backend_kind], request, tmp_path, migrated=True):
        build(url, consumers=0, seed=42, as_of=TODAY)
        backend = open_backend(backend_kind, url, FakeClock(SEED_NOW))
        try:
            yield backend, backend.login("billing", "demo").token, url
        finally:
            backend.close()


@pytest.fixture(scope="module")
def shared_sample(
    backend_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str, str]]:
    """The sample for tests that change nothing (checks, and refusals that save nothing)."""
    from conftest import DATABASE_OF, _database, open_backend

    from cso_tui.demo import build

    directory = tmp_path_factory.mktemp("execution")
    for url in _database(DATABASE_OF[backend_kind], request, directory, migrated=True):
        build(url, consumers=0, seed=42, as_of=TODAY)
        backend = open_backend(backend_kind, url, FakeClock(SEED_NOW))
        try:
            yield backend, backend.login("billing", "demo").token, url
        finally:
            backend.close()


def sql(url: str, query: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(query), params).all())
    finally:
        engine.dispose()


READINGS = [
    FinalReadingIn(meter_no="M-7801", reading=Decimal("38000"), reading_date=TODAY),
    FinalReadingIn(meter_no="m-7802", reading=Decimal("9500"), reading_date=TODAY),
]


def test_meters_are_checked_against_the_account(shared_sample: tuple[Any, str, str]) -> None:
    backend, token, _ = shared_sample
    water = backend.check_meter(token, NO, "m-7801")
    assert (water.device_no, water.utility, water.unit) == ("D-3301", "water", "gallons")
    assert (water.previous_reading, water.previous_date) == (Decimal("36980"), date(2024, 11, 10))
    assert backend.check_device(token, NO, "D-3302").meter_no == "M-7802"
    for call, field, number in (
        (backend.check_meter, "meter_no", "M-5678"),  # John Doe's meter
        (backend.check_device, "device_no", "D-0000"),
    ):
        with pytest.raises(ValidationError) as err:
            call(token, NO, number)
        assert (err.value.field, err.value.message) == (field, "Meter not linked to this account")
    view = backend.get_final_bill(token, NO)
    assert (view.utilities, view.bill) == (["electricity", "water"], None)


def test_a_final_bill_to_the_cent(sample: tuple[Any, str, str]) -> None:
    backend, token, _ = sample
    bill = backend.draft_final_bill(token, NO, READINGS, "d1")
    water, power = sorted(bill.lines, key=lambda line: line.meter.utility != "water")
    # water: 1,020 gal: $12.50 + $11.22 + 5% tax $1.19 = $24.91
    assert (water.usage, water.fixed, water.usage_charge, water.tax, water.total) == (
        Decimal("1020.00"), Decimal("12.50"), Decimal("11.22"), Decimal("1.19"),
        Decimal("24.91"),
    )  # fmt: skip
    # electricity: 480 kWh: $10.00 + $67.20 + $3.86 = $81.06
    assert power.total == Decimal("81.06")
    assert (bill.billed, bill.outstanding, bill.deposit_applied, bill.final_due) == (
        Decimal("105.97"), Decimal("456.78"), Decimal("200.00"), Decimal("362.75"),
    )  # fmt: skip
    assert bill.invoice_no == "INV-414001" and bill.status == "draft" and not bill.locked
    assert bill.period_label == "November 2024 \N{EN DASH} December 2024"
    assert (bill.period_start, bill.period_end) == (date(2024, 11, 10), TODAY)
    assert bill.created_by == "Emily Davis"
    assert backend.get_final_bill(token, NO).bill == bill


@pytest.mark.parametrize(
    ("readings", "field", "message"),
    [
        ([READINGS[0].model_copy(update={"reading": Decimal("36980")}), READINGS[1]],
         "readings.0.reading", "greater than the previous one (36980.00 on 2024-11-10)"),
        ([READINGS[0], READINGS[1].model_copy(update={"reading_date": date(2024, 12, 11)})],
         "readings.1.reading_date", "cannot be in the future"),
        ([READINGS[0].model_copy(update={"reading_date": None}), READINGS[1]],
         "readings.0.reading_date", "Enter the reading date."),
        ([READINGS[0]], "readings", "every meter: M-7802"),
        ([READINGS[0], READINGS[0]], "readings.1.meter_no", "already read above"),
        ([READINGS[0].model_copy(update={"meter_no": "M-5678"}), READINGS[1]],
         "readings.0.meter_no", "Meter not linked to this account"),
    ],
)  # fmt: skip
def test_bad_readings_name_their_field_and_save_nothing(
    shared_sample: tuple[Any, str, str], readings: list[FinalReadingIn], field: str, message: str
) -> None:
    backend, token, url = shared_sample
    with pytest.raises(ValidationError) as err:
        backend.draft_final_bill(token, NO, readings, "bad")
    assert err.value.field == field and message in err.value.message
    assert sql(url, "SELECT count(*) FROM bill WHERE kind = 'final'")[0][0] == 0


def test_regenerate_discard_approve_and_lock(sample: tuple[Any, str, str]) -> None:
    backend, token, url = sample
    first = backend.draft_final_bill(token, NO, READINGS, "d1")
    second = backend.draft_final_bill(token, NO, READINGS, "d2")  # discard and generate new
    assert (first.invoice_no, second.invoice_no) == ("INV-414001", "INV-414002")
    statuses = sql(url, "SELECT bill_no, status FROM bill WHERE kind = 'final' ORDER BY id")
    assert [tuple(r) for r in statuses] == [("INV-414001", "discarded"), ("INV-414002", "draft")]
    assert backend.discard_final_bill(token, NO, "x1").bill is None
    third = backend.draft_final_bill(token, NO, READINGS, "d3")
    approved = backend.approve_final_bill(token, NO, "a1")
    assert (approved.invoice_no, approved.status) == (third.invoice_no, "approved")
    assert approved.locked
    assert approved.approved_by == "Emily Davis"
    assert approved.notification == "Email queued to john.smith@email.com."
    # the ledger: the deposit settled the oldest dues; the balance is what is now owed
    balance = sql(url, "SELECT balance FROM consumer WHERE account_no = 'ACC-2024-001789'")
    assert Decimal(balance[0][0]) / (100 if isinstance(balance[0][0], int) else 1) == Decimal(
        "362.75"
    )
    deposit = sql(url, "SELECT applied, status FROM security_deposit WHERE consumer_id = 4")
    assert tuple(deposit[0])[1] == "applied"
    readings = sql(url, "SELECT value FROM meter_reading WHERE source = 'final'")
    assert len(readings) == 2
    with pytest.raises(ConflictError, match="approved and locked"):
        backend.draft_final_bill(token, NO, READINGS, "d4")
    with pytest.raises(ConflictError, match="approved and locked"):
        backend.approve_final_bill(token, NO, "a2")
    assert backend.approve_final_bill(token, NO, "a1") == approved  # a repeat


def test_a_draft_made_stale_by_the_deposit_toggle_is_not_approved(
    sample: tuple[Any, str, str],
) -> None:
    backend, token, _ = sample
    backend.draft_final_bill(token, NO, READINGS, "d1")
    backend.set_deposit_use(token, NO, False, "off")
    with pytest.raises(ConflictError, match="changed since this draft"):
        backend.approve_final_bill(token, NO, "a1")
    redrawn = backend.draft_final_bill(token, NO, READINGS, "d2")
    assert (redrawn.deposit_applied, redrawn.final_due) == (Decimal("0.00"), Decimal("562.75"))


def execution(**change: Any) -> ExecuteDisconnection:
    base = {"meter_action": "remove", "device_nos": ["D-3301", "d-3302"],
            "so_no": "so-2024-005678", "checklist": [1, 2, 3, 4, 5, 6]}  # fmt: skip
    return ExecuteDisconnection.model_validate(base | change)


def test_the_service_order_is_checked(shared_sample: tuple[Any, str, str]) -> None:
    backend, token, _ = shared_sample
    order = backend.check_service_order(token, NO, "SO-2024-005678")
    assert (order.assigned_to, order.completion_date) == ("Mike Thompson", date(2024, 12, 15))
    for so_no in ("SO-2024-000001", "", "SO-2024-005679"):
        with pytest.raises(ValidationError) as err:
            backend.check_service_order(token, NO, so_no)
        assert err.value.message == "Service order not found or not applicable"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"so_no": "SO-1"}, "so_no", "Service order not found or not applicable"),
        ({"device_nos": ["D-9012", "D-3302"]}, "device_nos.0", "Meter not linked to this account"),
        ({"device_nos": ["D-3301"]}, "device_nos", "electricity meter M-7802 is missing"),
        ({"checklist": [1, 2, 3, 4, 5]}, "checklist", "5/6 ticked, 6 needed"),
        ({"meter_action": "smash"}, "meter_action", "Unassign meter only or Remove"),
    ],
)
def test_execution_is_refused_until_valid(
    shared_sample: tuple[Any, str, str], change: dict[str, Any], field: str, message: str
) -> None:
    backend, _, url = shared_sample
    token = backend.login("executive", "demo").token
    with pytest.raises(ValidationError) as err:
        backend.execute_disconnection(token, NO, execution(**change), "x")
    assert err.value.field == field and message in err.value.message
    assert sql(url, "SELECT status FROM consumer WHERE id = 4")[0][0] == "active"


def test_execute_removes_the_meters_and_closes_the_account(sample: tuple[Any, str, str]) -> None:
    backend, _, url = sample
    token = backend.login("executive", "demo").token
    done = backend.execute_disconnection(token, NO, execution(), "x1")
    assert done.status == "completed"
    assert done.notification == "Email queued to john.smith@email.com."
    assert sql(url, "SELECT status FROM consumer WHERE id = 4")[0][0] == "inactive"
    meters = sql(url, "SELECT meter_no, consumer_id, inventory_status FROM meter "
                      "WHERE meter_no IN ('M-7801', 'M-7802') ORDER BY meter_no")  # fmt: skip
    assert [tuple(m) for m in meters] == [("M-7801", None, "uninstalled"),
                                          ("M-7802", None, "uninstalled")]  # fmt: skip
    moved = sql(url, "SELECT to_status, location, reference FROM inventory_movement "
                     "WHERE reference = 'SO-2024-005678'")  # fmt: skip
    assert [tuple(m) for m in moved] == [("uninstalled", "Warehouse", "SO-2024-005678")] * 2
    frozen = sql(url, "SELECT status, billing_frozen FROM service_connection WHERE consumer_id = 4")
    assert {(r[0], bool(r[1])) for r in frozen} == {("disconnected", True)}
    assert sql(url, "SELECT status FROM service_order WHERE so_no = 'SO-2024-005678'")[0][0] == (
        "completed"
    )
    audit = sql(url, "SELECT action FROM audit_event WHERE entity_id = :no ORDER BY id", no=NO)
    assert audit[-1][0] == "disconnection_executed"
    # done: a second execution is refused, a repeat of the same call answers the same
    assert backend.execute_disconnection(token, NO, execution(), "x1") == done
    with pytest.raises(ConflictError):
        backend.execute_disconnection(token, NO, execution(), "x2")


def test_unassign_leaves_the_meters_installed(sample: tuple[Any, str, str]) -> None:
    backend, _, url = sample
    token = backend.login("executive", "demo").token
    backend.execute_disconnection(token, NO, execution(meter_action="unassign"), "x1")
    meters = sql(url, "SELECT consumer_id, inventory_status FROM meter "
                      "WHERE meter_no IN ('M-7801', 'M-7802')")  # fmt: skip
    assert {tuple(m) for m in meters} == {(None, "installed")}
    assert sql(url, "SELECT count(*) FROM inventory_movement WHERE reference = "
                    "'SO-2024-005678'")[0][0] == 0  # fmt: skip


def test_the_timeline_tells_every_event_in_order(sample: tuple[Any, str, str]) -> None:
    backend, token, _ = sample
    executive = backend.login("executive", "demo").token
    backend.set_deposit_use(token, NO, False, "off")
    backend.set_deposit_use(token, NO, True, "on")
    backend.draft_final_bill(token, NO, READINGS, "d1")
    backend.approve_final_bill(token, NO, "a1")
    backend.execute_disconnection(executive, NO, execution(), "x1")
    events = backend.request_timeline(token, NO)
    assert [e.what for e in events] == [
        "Deposit kept out of the bill",
        "Deposit applied in the bill",
        "Final bill INV-414001 generated",
        "Final bill INV-414001 approved and sent",
        "Disconnection executed (remove)",
    ]
    assert events[2].who == "Emily Davis" and events[-1].who == "Sarah Johnson"
    assert events[-1].detail == "Email queued to john.smith@email.com."
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_closing_the_request_cancels_its_open_orders(
    sample: tuple[Any, str, str],
) -> None:
    backend, _, _ = sample
    token = backend.login("admin", "demo").token
    made = backend.create_request_service_order(
        token, NO,
        NewRequestServiceOrder(template_code="DSC-RES", scheduled_date=date(2024, 12, 12)),
        "so-to-cancel",
    )  # fmt: skip
    backend.change_disconnection_status(token, NO, "close", "close-it", "duplicate_request")
    statuses = {o.so_no: o.status for o in backend.request_service_orders(token, NO)}
    assert statuses[made.so_no] == "cancelled"
    assert statuses["SO-2024-005678"] == "cancelled"  # the seed's order, for this request
    timeline = [e.what for e in backend.request_timeline(token, NO)]
    assert f"Service order {made.so_no} cancelled" in timeline
    assert "Service order SO-2024-005678 cancelled" in timeline
    with pytest.raises(ValidationError) as caught:
        backend.check_service_order(token, NO, made.so_no)
    assert caught.value.message == "Service order not found or not applicable"
