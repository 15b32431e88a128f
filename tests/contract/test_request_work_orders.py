"""Contract: a request's Service orders and Communication tabs (seed 003) on every backend,
on the seed's sample: DIS-2024-001234 for John Michael Smith (ACC-2024-001789, residential,
water and electricity), who already has service order SO-2024-005678 (Assigned to Mike
Thompson)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from conftest import FakeClock

from contract.test_disconnection_execution import NO, TODAY, sql
from contract.test_seed003_sample import SEED_NOW
from cso_tui.services.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from cso_tui.services.schemas import NewRequestMessage, NewRequestServiceOrder


@pytest.fixture(scope="module")
def sample(
    backend_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str, str]]:
    """One sample for the module: each test makes its own orders and messages and looks
    only at those (by their numbers and texts)."""
    from conftest import DATABASE_OF, _database, open_backend

    from cso_tui.demo import build

    directory = tmp_path_factory.mktemp("work-orders")
    for url in _database(DATABASE_OF[backend_kind], request, directory, migrated=True):
        build(url, consumers=0, seed=42, as_of=TODAY)
        backend = open_backend(backend_kind, url, FakeClock(SEED_NOW))
        try:
            yield backend, backend.login("admin", "demo").token, url
        finally:
            backend.close()


def write(url: str, query: str, **params: Any) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(query), params)
    finally:
        engine.dispose()


def technicians(url: str) -> list[str]:
    return [r[0] for r in sql(
        url, "SELECT full_name FROM app_user WHERE role = 'field_technician' AND active"
    )]  # fmt: skip


def test_only_the_templates_that_fit_the_consumer_are_offered(
    sample: tuple[Any, str, str],
) -> None:
    backend, token, url = sample
    codes = [t.code for t in backend.service_order_templates(token, NO)]
    # residential, water and electricity, a disconnection request
    assert codes == ["DSC-RES", "FMR-001", "INS-WTR", "INS-ELE"]
    first = backend.service_order_templates(token, NO)[0]
    assert (first.name, first.order_type, first.estimated_minutes) == (
        "Residential Disconnection", "Disconnection", 120,
    )  # fmt: skip
    # a utility's own templates replace the defaults (setting service_order_templates)
    write(
        url,
        "INSERT INTO app_setting (key, value, updated_at, version) "
        "VALUES ('service_order_templates', :v, CURRENT_TIMESTAMP, 1)",
        v='[{"code": "CUT-1", "name": "Cut at the pole", "order_type": "Disconnection",'
        ' "categories": ["commercial"]}, {"code": "LOOK-1", "name": "Look around",'
        ' "order_type": "Inspection", "utilities": ["water"]}]',
    )
    try:
        assert [t.code for t in backend.service_order_templates(token, NO)] == ["LOOK-1"]
    finally:
        write(url, "DELETE FROM app_setting WHERE key = 'service_order_templates'")


def test_the_tab_lists_the_consumers_orders_with_the_seed_columns(
    sample: tuple[Any, str, str],
) -> None:
    backend, token, _ = sample
    orders = backend.request_service_orders(token, NO)
    seed = next(o for o in orders if o.so_no == "SO-2024-005678")
    assert seed.name == "Residential Disconnection - John Smith"
    assert seed.status == "assigned"
    assert seed.scheduled_date == date(2024, 12, 15)
    assert seed.created_by and "Lisa Wilson" in seed.created_by
    assert seed.assigned_to and "Mike Thompson" in seed.assigned_to
    assert seed.assigned_on is not None
    assert seed.remarks and seed.remarks.startswith("Customer will be available")
    assert seed.linked is True
    assert seed.report_ready is False


def test_an_order_from_a_template_is_linked_assigned_and_audited(
    sample: tuple[Any, str, str],
) -> None:
    backend, token, url = sample
    made = backend.create_request_service_order(
        token, NO,
        NewRequestServiceOrder(template_code="fmr-001", scheduled_date=date(2024, 12, 12),
                               remarks="Read both meters before noon"),
        "so-fmr-1",
    )  # fmt: skip
    assert made.so_no.startswith("SO-")
    assert made.name == "Final Meter Reading - John Michael Smith"
    assert (made.order_type, made.status, made.scheduled_date) == (
        "Meter Reading", "assigned", date(2024, 12, 12),
    )  # fmt: skip
    assert made.assigned_to in technicians(url)  # the one with the fewest open orders
    assert made.assigned_on is not None
    assert made.created_by == "James Wilson"  # the admin who made it
    assert made.linked and made.remarks == "Read both meters before noon"
    assert made.scheduled_slot == "10:00 AM - 12:00 PM"  # the request's slot
    # listed first, once; a retry with the same key makes nothing new
    again = backend.create_request_service_order(
        token, NO,
        NewRequestServiceOrder(template_code="fmr-001", scheduled_date=date(2024, 12, 12),
                               remarks="Read both meters before noon"),
        "so-fmr-1",
    )  # fmt: skip
    assert again.so_no == made.so_no
    listed = [o.so_no for o in backend.request_service_orders(token, NO)]
    assert listed.count(made.so_no) == 1 and listed[0] == made.so_no
    audit = sql(
        url,
        "SELECT entity_id, after FROM audit_event WHERE action = 'request_service_order_created'",
    )
    mine = [(e, a) for e, a in audit if made.so_no in str(a)]
    assert len(mine) == 1 and mine[0][0] == NO
    timeline = [e.what for e in backend.request_timeline(token, NO)]
    assert f"Service order {made.so_no} created" in timeline


def test_a_new_disconnection_order_can_be_executed_under(sample: tuple[Any, str, str]) -> None:
    backend, token, url = sample
    made = backend.create_request_service_order(
        token, NO,
        NewRequestServiceOrder(template_code="DSC-RES", scheduled_date=date(2024, 12, 13)),
        "so-dsc-1",
    )  # fmt: skip
    check = backend.check_service_order(token, NO, made.so_no)
    assert check.assigned_to == made.assigned_to
    assert check.approved_by == "James Wilson"  # no approval needed: approved by its maker
    assert made.assigned_to in technicians(url)


@pytest.mark.parametrize(
    ("order", "field", "message"),
    [
        (NewRequestServiceOrder(template_code="", scheduled_date=date(2024, 12, 12)),
         "template_code", "Pick a service order type"),
        (NewRequestServiceOrder(template_code="DSC-COM", scheduled_date=date(2024, 12, 12)),
         "template_code", "does not apply to this consumer"),
        (NewRequestServiceOrder(template_code="DSC-RES"), "scheduled_date", "required"),
        (NewRequestServiceOrder(template_code="DSC-RES", scheduled_date=date(2024, 12, 9)),
         "scheduled_date", "Cannot select past date"),
        (NewRequestServiceOrder(template_code="DSC-RES", scheduled_date=date(2024, 12, 12),
                                remarks="x" * 501), "remarks", "at most 500"),
        (NewRequestServiceOrder(template_code="DSC-RES", scheduled_date=date(2024, 12, 12),
                                remarks="bell\x07"), "remarks", "plain text"),
    ],
)  # fmt: skip
def test_a_bad_order_names_its_field_and_saves_nothing(
    sample: tuple[Any, str, str], order: NewRequestServiceOrder, field: str, message: str
) -> None:
    backend, token, url = sample
    before = sql(url, "SELECT count(*) FROM service_order")
    with pytest.raises(ValidationError) as caught:
        backend.create_request_service_order(token, NO, order, f"bad-{field}-{message}")
    assert caught.value.field == field
    assert message in caught.value.message
    assert sql(url, "SELECT count(*) FROM service_order") == before


def test_who_may_create_orders(sample: tuple[Any, str, str]) -> None:
    backend, _, _ = sample
    technician = backend.login("technician", "demo").token
    assert backend.request_service_orders(technician, NO)  # everyone reads
    with pytest.raises(PermissionDeniedError):
        backend.create_request_service_order(
            technician, NO,
            NewRequestServiceOrder(template_code="DSC-RES", scheduled_date=date(2024, 12, 12)),
            "so-by-technician",
        )  # fmt: skip


def test_the_report_is_there_once_the_order_is_completed(sample: tuple[Any, str, str]) -> None:
    backend, token, url = sample
    with pytest.raises(ConflictError) as caught:
        backend.service_order_report(token, "SO-2024-005678")
    assert "once it is completed" in caught.value.message
    with pytest.raises(NotFoundError):
        backend.service_order_report(token, "SO-0")
    done = backend.create_request_service_order(
        token, NO,
        NewRequestServiceOrder(template_code="INS-WTR", scheduled_date=date(2024, 12, 11),
                               remarks="Check the valve"),
        "so-ins-1",
    )  # fmt: skip
    write(
        url,
        "UPDATE service_order SET status = 'completed', completed_at = :at WHERE so_no = :so",
        at=SEED_NOW, so=done.so_no,
    )  # fmt: skip
    assert next(o for o in backend.request_service_orders(token, NO)
                if o.so_no == done.so_no).report_ready  # fmt: skip
    report = backend.service_order_report(token, done.so_no.lower())
    assert report.so_no == done.so_no
    assert f"Service order report {done.so_no}" in report.text
    assert "John Michael Smith (ACC-2024-001789)" in report.text
    assert "Request:         DIS-2024-001234" in report.text
    assert f"Assigned to:     {done.assigned_to} on December 10, 2024 02:45 PM" in report.text
    assert "Completed:       December 10, 2024 02:45 PM" in report.text
    assert "Remarks:         Check the valve" in report.text


def test_internal_notes_and_messages_share_the_communication_tab(
    sample: tuple[Any, str, str],
) -> None:
    backend, token, url = sample
    note = backend.add_request_communication(
        token, NO, NewRequestMessage(kind="internal", body="Called: customer at work till 6"),
        "note-1",
    )  # fmt: skip
    assert (note.kind, note.direction, note.status, note.linked) == (
        "internal", "internal", "noted", True,
    )  # fmt: skip
    mail = backend.add_request_communication(
        token, NO,
        NewRequestMessage(kind="consumer", subject="Your disconnection visit",
                          body="Our technician comes on December 15 between 10 and 12."),
        "mail-1",
    )  # fmt: skip
    assert (mail.kind, mail.direction, mail.status) == ("email", "to_customer", "queued")
    entries = backend.request_communications(token, NO)
    bodies = [e.body for e in entries]
    assert bodies.index(mail.body) < bodies.index(note.body)  # newest first
    assert all(e.at >= f.at for e, f in itertools.pairwise(entries))
    queued = sql(
        url,
        "SELECT recipient, subject, related FROM notification_outbox WHERE subject = :s",
        s="Your disconnection visit",
    )
    assert queued == [("john.smith@email.com", "Your disconnection visit", NO)]
    actions = [e.what for e in backend.request_timeline(token, NO)]
    assert "Internal note added" in actions
    assert "Message emailed to john.smith@email.com" in actions
    # retried with the same key: once
    backend.add_request_communication(
        token, NO, NewRequestMessage(kind="internal", body="Called: customer at work till 6"),
        "note-1",
    )  # fmt: skip
    assert [e.body for e in backend.request_communications(token, NO)].count(note.body) == 1


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        (NewRequestMessage(kind="fax", body="hello"), "kind", "internal note or a message"),
        (NewRequestMessage(kind="internal", body="   "), "body", "Note is required"),
        (NewRequestMessage(kind="consumer", body="hello"), "subject", "Subject is required"),
        (NewRequestMessage(kind="consumer", subject="Hi", body=""), "body",
         "Message is required"),
        (NewRequestMessage(kind="internal", body="y" * 2001), "body", "at most 2000"),
        (NewRequestMessage(kind="internal", body="esc\x1b[2J"), "body", "plain text"),
    ],
)  # fmt: skip
def test_a_bad_entry_names_its_field_and_saves_nothing(
    sample: tuple[Any, str, str], entry: NewRequestMessage, field: str, message: str
) -> None:
    backend, token, url = sample
    before = sql(url, "SELECT (SELECT count(*) FROM note) + (SELECT count(*) FROM communication)")
    with pytest.raises(ValidationError) as caught:
        backend.add_request_communication(token, NO, entry, f"bad-{field}-{message}")
    assert caught.value.field == field
    assert message in caught.value.message
    after = sql(url, "SELECT (SELECT count(*) FROM note) + (SELECT count(*) FROM communication)")
    assert after == before


def test_a_consumer_without_email_gets_a_clear_refusal(sample: tuple[Any, str, str]) -> None:
    backend, token, url = sample
    write(url, "UPDATE consumer SET email = NULL WHERE account_no = 'ACC-2024-001789'")
    try:
        with pytest.raises(ValidationError) as caught:
            backend.add_request_communication(
                token, NO, NewRequestMessage(kind="consumer", subject="Hi", body="Hello"),
                "no-mail",
            )  # fmt: skip
        assert caught.value.field == "kind"
        assert "no email address" in caught.value.message
    finally:
        write(
            url,
            "UPDATE consumer SET email = 'john.smith@email.com' "
            "WHERE account_no = 'ACC-2024-001789'",
        )
