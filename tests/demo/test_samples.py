"""The seed documents' sample records, as written (seed 004 s.8, seed 003 s.8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from cso_tui.demo.fixed import DEMO_USERS, GENERATION


def login(backend: Any) -> str:
    return str(backend.login("admin", "demo").token)


def test_demo_marker_lists_the_eight_logins_in_order(backend: Any) -> None:
    info = backend.info()
    assert info.is_demo and info.demo_password == "demo"
    assert [u.username for u in info.demo_users] == [
        "admin", "manager", "executive", "callcenter", "recovery", "billing", "technician",
        "utilityadmin",
    ]  # fmt: skip
    assert [u.role for u in info.demo_users] == [
        "cso_admin", "cso_manager", "customer_executive", "call_center", "recovery_executive",
        "billing_specialist", "field_technician", "utility_admin",
    ]  # fmt: skip
    for username, _, _ in DEMO_USERS:
        assert backend.login(username, "demo").username == username


def test_marker_value(sql: Any) -> None:
    import json

    (value,) = sql("SELECT value FROM app_setting WHERE key = 'demo'")[0]
    assert json.loads(value) == {
        "generation": GENERATION,
        "seed": 42,
        "consumers": 300,
        "as_of": "2025-06-02",
        "users": [u for u, _, _ in DEMO_USERS],
    }


def test_john_doe_profile(backend: Any) -> None:
    token = login(backend)
    page = backend.search_consumers(token, "M-5678")
    assert page.items[0].account_no == "WU-10001"
    assert page.items[0].name == "John Doe"
    c = backend.get_consumer(token, "WU-10001")
    assert c.name == "John Doe"
    assert c.email == "john.doe@example.com"
    assert c.phone == "(555) 123-4567"
    assert c.service_address == "123 Main St, Anytown"
    assert c.billing_address == "456 Finance Ave, Billtown"
    assert (c.category, c.sub_category) == ("Residential", "Single Family")
    assert c.status == "active" and not c.vip
    assert c.balance == Decimal("75.30")
    assert c.payment_standing == "past_due"  # "Current" in May; his May 15 bill is open on June 2
    assert c.connection_date == date(2023, 1, 15)
    assert [(m.meter_no, m.device_no, m.utility, m.meter_type) for m in c.meters] == [
        ("M-5678", "D-9012", "water", "Smart Water Meter")
    ]
    assert c.active_complaints == 0  # C-3245 and C-2987 are resolved
    assert c.active_requests == 2  # REQ-3245 in progress, REQ-3112 scheduled


def test_john_doe_by_phone_email_and_name(backend: Any) -> None:
    token = login(backend)
    for term in ("(555) 123-4567", "john.doe@example.com", "John Doe", "WU-10001"):
        accounts = [h.account_no for h in backend.search_consumers(token, term).items]
        assert "WU-10001" in accounts, term


def test_john_doe_account_details(sql: Any) -> None:
    (row,) = sql(
        "SELECT plan, payment_mode, last_billed_on, registration_date, territory "
        "FROM consumer WHERE account_no = 'WU-10001'"
    )
    assert row == ("Standard Residential", "Auto-pay (Credit Card)", "2025-04-15", "2023-01-15",
                   "Anytown")  # fmt: skip
    (meter,) = sql(
        "SELECT model, assignment_date, installation_date, reading_status, inventory_status "
        "FROM meter WHERE meter_no = 'M-5678'"
    )
    assert meter == ("Aquaflow X200", "2023-01-10", "2023-01-15", "active", "installed")


def test_john_doe_readings(sql: Any) -> None:
    rows = sql(
        "SELECT r.reading_date, r.value, r.status FROM meter_reading r "
        "JOIN meter m ON m.id = r.meter_id WHERE m.meter_no = 'M-5678' "
        "ORDER BY r.reading_date DESC"
    )
    assert rows == [
        ("2025-04-15", 12580, "verified"),
        ("2025-03-15", 11350, "verified"),
        ("2025-02-15", 10100, "verified"),
        ("2025-01-15", 9050, "verified"),
        ("2024-12-15", 7980, "verified"),
        ("2024-11-15", 6800, "verified"),
    ]


def test_john_doe_payments_and_bills(sql: Any) -> None:
    payments = sql(
        "SELECT p.payment_no, substr(p.paid_at, 1, 10), p.amount, p.method, p.status "
        "FROM payment p JOIN consumer c ON c.id = p.consumer_id "
        "WHERE c.account_no = 'WU-10001' ORDER BY p.paid_at DESC"
    )
    assert len(payments) == 26  # every bill since Feb 2023 (compliance 24/26 = 92%)
    assert payments[:3] == [
        ("PAY-10045", "2025-04-15", 12045, "Credit Card", "processed"),
        ("PAY-9923", "2025-03-15", 13580, "Bank Transfer", "processed"),
        ("PAY-9632", "2025-02-15", 10525, "Credit Card", "processed"),
    ]
    unpaid = sql(
        "SELECT b.amount, b.paid, b.due_date, b.issue_date FROM bill b "
        "JOIN consumer c ON c.id = b.consumer_id "
        "WHERE c.account_no = 'WU-10001' AND b.status IN ('unpaid', 'partially_paid')"
    )
    assert unpaid == [(7530, 0, "2025-05-15", "2025-04-15")]


def test_john_doe_work_items(sql: Any) -> None:
    orders = sql(
        "SELECT so_no, scheduled_date, order_type, description, status FROM service_order "
        "WHERE consumer_id = 1 ORDER BY so_no DESC"
    )
    assert orders == [
        ("SO-4524", "2025-05-24", "Maintenance", "Annual meter and valve maintenance", "scheduled"),
        ("SO-4523", "2025-04-15", "Meter Reading", "Regular monthly reading", "completed"),
        ("SO-4487", "2025-03-22", "Maintenance", "Check for leak", "completed"),
    ]
    requests = sql(
        "SELECT request_no, request_type, status FROM service_request WHERE consumer_id = 1 "
        "ORDER BY request_no DESC"
    )
    assert requests == [
        ("REQ-3245", "Transfer", "in_progress"),
        ("REQ-3112", "Disconnection", "scheduled"),
        ("REQ-2987", "Reconnection", "completed"),
    ]
    complaints = sql("SELECT complaint_no, status FROM complaint WHERE consumer_id = 1 ORDER BY 1")
    assert complaints == [("C-2987", "resolved"), ("C-3245", "resolved")]
    docs = sql("SELECT doc_type, status FROM document WHERE consumer_id = 1 ORDER BY id")
    assert docs == [
        ("Service Agreement", "verified"),
        ("Billing Authorization", "published"),
        ("Water Quality Report", "processing"),
    ]
    channels = sql("SELECT DISTINCT channel FROM communication WHERE consumer_id = 1 ORDER BY 1")
    assert channels == [("email",), ("phone",), ("sms",)]
    directions = sql("SELECT DISTINCT direction FROM communication WHERE consumer_id = 1")
    assert {d for (d,) in directions} == {"to_customer", "from_customer"}


def test_john_doe_notes(backend: Any) -> None:
    token = login(backend)
    notes = backend.list_notes(token, "WU-10001")
    assert [(n.author_name, n.created_at.date()) for n in notes] == [
        ("Jane Smith", date(2025, 5, 20)),
        ("Robert Johnson", date(2025, 5, 18)),
    ]


def test_jane_smith_and_david_miller(backend: Any) -> None:
    token = login(backend)
    jane = backend.get_consumer(token, "WU-10002")
    assert (jane.name, jane.email, jane.service_address) == (
        "Jane Smith", "jane.smith@example.com", "456 Oak Ave, Anytown"
    )  # fmt: skip
    assert jane.vip and jane.status == "active"
    assert jane.balance == Decimal("0.00") and jane.payment_standing == "current"
    david = backend.get_consumer(token, "WU-10007")
    assert (david.name, david.email, david.service_address) == (
        "David Miller", "david.miller@example.com", "246 Elm St, Anytown"
    )  # fmt: skip
    assert david.status == "disconnected"
    assert david.balance == Decimal("389.30") and david.payment_standing == "collection"


def test_david_miller_oldest_unpaid_bill_over_90_days(sql: Any) -> None:
    ((oldest,),) = sql(
        "SELECT min(due_date) FROM bill WHERE consumer_id = 3 "
        "AND status IN ('unpaid', 'partially_paid')"
    )
    assert (date(2025, 5, 15) - date.fromisoformat(oldest)).days > 90


def test_john_michael_smith(backend: Any, sql: Any) -> None:
    token = login(backend)
    c = backend.get_consumer(token, "ACC-2024-001789")
    assert c.name == "John Michael Smith"
    assert c.service_address == "123 Oak Street, Springfield, IL 62701"
    assert c.billing_address == "123 Oak Street, Springfield, IL 62701"
    assert (c.phone, c.email) == ("(555) 123-4567", "john.smith@email.com")
    assert (c.category, c.sub_category, c.vip, c.status) == (
        "Residential", "Standard", False, "active"
    )  # fmt: skip
    assert c.balance == Decimal("456.78")
    assert sorted(m.utility for m in c.meters) == ["electricity", "water"]
    assert sql("SELECT registration_date FROM consumer WHERE id = 4") == [("2024-01-15",)]
    assert sql(
        "SELECT amount, deposit_date, status FROM security_deposit WHERE consumer_id = 4"
    ) == [(20000, "2024-01-15", "held")]
    ((due,),) = sql(
        "SELECT max(due_date) FROM bill WHERE consumer_id = 4 "
        "AND status IN ('unpaid', 'partially_paid')"
    )
    assert due == "2024-11-30"
    last = sql(
        "SELECT amount, substr(paid_at, 1, 10), method FROM payment WHERE consumer_id = 4 "
        "ORDER BY paid_at DESC LIMIT 1"
    )
    assert last == [(15000, "2024-10-15", "Online Banking")]


def test_disconnection_request_as_written(sql: Any) -> None:
    (row,) = sql(
        "SELECT d.request_type, d.reason, d.reason_code, d.reason_description, d.priority, "
        "d.preferred_date, d.time_slot, d.notes, d.required_approval, d.notify_customer, "
        "d.status, d.created_at, d.acknowledged_at, d.updated_at, u.full_name, v.full_name, "
        "c.account_no, r.code "
        "FROM disconnection_request d JOIN app_user u ON u.id = d.created_by "
        "JOIN app_user v ON v.id = d.updated_by JOIN consumer c ON c.id = d.consumer_id "
        "JOIN disconnection_reason r ON r.id = d.reason_id "
        "WHERE d.request_no = 'DIS-2024-001234'"
    )
    assert row == (
        "disconnection", "Non-payment of bills", "NP-001",
        "Customer has outstanding balance exceeding 90 days", "high", "2024-12-15",
        "10:00 AM - 12:00 PM", "Customer requested morning slot due to work schedule", 1, 1,
        "in_progress",
        "2024-12-10 15:30:00.000000",  # 09:30 AM in Chicago (CST, UTC-6)
        "2024-12-10 17:00:00.000000",  # acknowledged 1.5 h later
        "2024-12-10 15:30:00.000000", "Sarah Johnson", "Sarah Johnson", "ACC-2024-001789",
        "NP-001",
    )  # fmt: skip


def test_service_order_as_written(sql: Any) -> None:
    (row,) = sql(
        "SELECT s.name, s.order_type, s.status, s.priority, s.scheduled_date, "
        "s.scheduled_slot, s.created_at, s.created_by, s.assigned_to, s.assigned_on, "
        "s.estimated_minutes, s.remarks, d.request_no FROM service_order s "
        "JOIN disconnection_request d ON d.id = s.disconnection_request_id "
        "WHERE s.so_no = 'SO-2024-005678'"
    )
    assert row == (
        "Residential Disconnection - John Smith", "Disconnection", "assigned", "high",
        "2024-12-15", "10:00 AM - 12:00 PM", "2024-12-10 17:00:00.000000", "Lisa Wilson",
        "Mike Thompson", "2024-12-10 17:00:00.000000", 120,
        "Customer will be available between 10 AM - 12 PM. Bring standard disconnection "
        "tools.", "DIS-2024-001234",
    )  # fmt: skip
    assert sql(
        "SELECT service_order_id FROM disconnection_request WHERE request_no = 'DIS-2024-001234'"
    ) == sql("SELECT id FROM service_order WHERE so_no = 'SO-2024-005678'")


def test_settings(sql: Any) -> None:
    assert sql(
        "SELECT name, description, priority, requires_approval, applies_to "
        "FROM disconnection_reason WHERE code = 'NP-001'"
    ) == [("Non-payment of bills", "Customer has outstanding balance exceeding 90 days", "high",
           1, "disconnection")]  # fmt: skip
    assert (
        sql("SELECT count(*) FROM disconnection_reason WHERE applies_to = 'reconnection'")[0][0]
        >= 2
    )
    slots = sql("SELECT label, start_minute, end_minute FROM time_slot ORDER BY start_minute")
    assert slots == [
        ("8:00 AM - 10:00 AM", 480, 600),
        ("10:00 AM - 12:00 PM", 600, 720),
        ("12:00 PM - 2:00 PM", 720, 840),
        ("2:00 PM - 4:00 PM", 840, 960),
        ("4:00 PM - 6:00 PM", 960, 1080),
    ]
    sla = sql(
        "SELECT request_type, acknowledgement_hours, response_hours, resolution_hours "
        "FROM sla_target WHERE request_type IN ('disconnection', 'reconnection') ORDER BY 1"
    )
    assert sla == [("disconnection", 2, 4, 24), ("reconnection", 2, 4, 24)]
    assert sql("SELECT count(*) FROM checklist_item WHERE active") == [(6,)]
    holidays = sql("SELECT day FROM holiday ORDER BY day")
    assert holidays and all(abs((date.fromisoformat(d) - date(2025, 6, 2)).days) <= 120
                            for (d,) in holidays)  # fmt: skip


def test_staff_counts(sql: Any) -> None:
    counts = dict(
        ((role, active), n)
        for role, active, n in sql("SELECT role, active, count(*) FROM app_user GROUP BY 1, 2")
    )
    assert (counts[("customer_executive", 1)], counts[("customer_executive", 0)]) == (12, 3)
    assert (counts[("call_center", 1)], counts[("call_center", 0)]) == (18, 4)
    assert (counts[("cso_admin", 1)], counts[("cso_admin", 0)]) == (7, 3)
    assert counts[("field_technician", 1)] >= 3
    names = {n for (n,) in sql("SELECT full_name FROM app_user")}
    assert {"Sarah Johnson", "Mike Thompson", "Lisa Wilson", "Jane Smith",
            "Robert Johnson", "James Wilson"} <= names  # fmt: skip
    # one hash for all demo logins, another (unusable) for everyone else
    assert sql("SELECT count(DISTINCT password_hash) FROM app_user") == [(2,)]
