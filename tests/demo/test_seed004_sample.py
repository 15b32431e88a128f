"""Seed 004's seven consumers and John Doe's history, in a build of the sample records only.

``build(url, consumers=0)`` writes the seeds' records and no synthetic consumer: seed 004's
WU-10001 .. WU-10007 and seed 003's John Michael Smith. Checked with plain SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from cso_tui.demo import build
from cso_tui.services.rules.aging import days_past_due, standing_of, worse_standing
from cso_tui.services.rules.health import HealthInputs, health_score, months_between
from demo.support import AS_OF

SEED_DAY = date(2025, 5, 20)  # the seed's "today" (notes of May 20, 2025)
WU = "c.account_no LIKE 'WU-%'"


@pytest.fixture(scope="module")
def samples_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('seed004') / 's.sqlite'}"
    report = build(url, consumers=0, seed=42, as_of=AS_OF)
    assert report.counts["consumer"] == 8  # seven WU- consumers and ACC-2024-001789
    return url


@pytest.fixture(scope="module")
def sql(samples_url: str) -> Iterator[Any]:
    engine = create_engine(samples_url, poolclass=NullPool)
    conn = engine.connect()

    def run(query: str, **params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.execute(text(query), params)]

    yield run
    conn.close()
    engine.dispose()


def test_only_the_sample_consumers(sql: Any) -> None:
    accounts = [a for (a,) in sql("SELECT account_no FROM consumer ORDER BY id")]
    assert accounts == [
        "WU-10001", "WU-10002", "WU-10007", "ACC-2024-001789", "WU-10003", "WU-10004",
        "WU-10005", "WU-10006",
    ]  # fmt: skip


def test_dashboard_counts_and_percentages(sql: Any) -> None:
    counts = dict(sql(f"SELECT c.status, count(*) FROM consumer c WHERE {WU} GROUP BY 1"))
    assert counts == {"active": 4, "inactive": 1, "temporarily_disconnected": 1, "disconnected": 1}
    total = sum(counts.values())
    assert total == 7
    pct = {k: round(100 * v / total) for k, v in counts.items()}
    assert (pct["active"], pct["inactive"], pct["temporarily_disconnected"]) == (57, 14, 14)
    assert sql(f"SELECT sum(c.balance) FROM consumer c WHERE {WU}") == [(204450,)]  # $2044.50


def test_the_seven_consumers(sql: Any) -> None:
    rows = sql(
        f"SELECT c.account_no, c.status, c.payment_standing, c.balance, c.vip, c.category "
        f"FROM consumer c WHERE {WU} ORDER BY 1"
    )
    assert rows == [
        # "Current" in the seed's May 2025; by the demo's June 2 their bills are overdue
        ("WU-10001", "active", "past_due", 7530, 0, "Residential"),
        ("WU-10002", "active", "current", 0, 1, "Residential"),
        ("WU-10003", "active", "past_due", 11285, 0, "Residential"),
        ("WU-10004", "active", "past_due", 28785, 0, "Residential"),
        ("WU-10005", "inactive", "current", 0, 0, "Residential"),
        ("WU-10006", "temporarily_disconnected", "collection", 117920, 0, "Commercial"),
        ("WU-10007", "disconnected", "collection", 38930, 0, "Residential"),
    ]
    contacts = sql(
        f"SELECT c.account_no, c.name, c.email, c.phone, c.service_address, "
        f"substr(c.last_contact_at, 1, 10) FROM consumer c WHERE {WU} ORDER BY 1"
    )
    assert len({r[1] for r in contacts}) == 7
    assert len({r[2] for r in contacts}) == 7
    assert len({r[3] for r in contacts}) == 7
    for account, _, email, phone, address, contact in contacts:
        assert "@" in email and phone.startswith("(555) "), account
        assert address.endswith("Anytown"), account
        assert "2025-03-01" <= contact <= "2025-05-20", account


def test_balance_is_the_sum_of_open_bill_amounts(sql: Any) -> None:
    rows = sql(
        "SELECT c.account_no, c.balance, coalesce(sum(b.amount - b.paid), 0) FROM consumer c "
        "LEFT JOIN bill b ON b.consumer_id = c.id GROUP BY c.id ORDER BY c.id"
    )
    assert len(rows) == 8
    for account, balance, owed in rows:
        assert balance == owed, account
    assert (
        sql(
            "SELECT b.bill_no FROM bill b LEFT JOIN payment p ON p.bill_id = b.id "
            "GROUP BY b.id HAVING b.paid != coalesce(sum(p.amount), 0)"
        )
        == []
    )


def test_standing_is_the_seeds_until_the_bills_age_past_it(sql: Any) -> None:
    rows = sql(
        f"SELECT c.account_no, c.payment_standing, min(b.due_date) FROM consumer c "
        f"LEFT JOIN bill b ON b.consumer_id = c.id AND b.paid < b.amount WHERE {WU} "
        f"GROUP BY c.id"
    )

    def rule(day: date, oldest: str | None) -> str:
        return standing_of(days_past_due(date.fromisoformat(oldest) if oldest else None, day))

    for account, standing, oldest in rows:
        # the seed lists John Doe as "Current": its alert "Payment due in 3 days" puts its day
        # before his May 15 due date; the others follow their oldest open bill on May 20
        seeds = "current" if account == "WU-10001" else rule(SEED_DAY, oldest)
        assert standing == worse_standing(seeds, rule(AS_OF, oldest)), account
        if account == "WU-10004":
            assert 31 <= (SEED_DAY - date.fromisoformat(oldest)).days <= 60


def test_meters_and_payment_numbers_are_unique(sql: Any) -> None:
    for column, table in (("meter_no", "meter"), ("device_no", "meter"),
                          ("payment_no", "payment"), ("bill_no", "bill")):  # fmt: skip
        assert sql(f"SELECT {column} FROM {table} GROUP BY 1 HAVING count(*) > 1") == []


def test_john_doe_payment_history(sql: Any) -> None:
    payments = sql(
        "SELECT p.payment_no, substr(p.paid_at, 1, 10), p.amount, p.method, p.on_time, "
        "p.digital FROM payment p JOIN consumer c ON c.id = p.consumer_id "
        "WHERE c.account_no = 'WU-10001' ORDER BY p.paid_at DESC"
    )
    assert len(payments) == 26
    assert sum(1 for p in payments if not p[4]) == 2
    assert all(p[5] for p in payments)
    assert [p[:4] for p in payments[:3]] == [
        ("PAY-10045", "2025-04-15", 12045, "Credit Card"),
        ("PAY-9923", "2025-03-15", 13580, "Bank Transfer"),
        ("PAY-9632", "2025-02-15", 10525, "Credit Card"),
    ]
    # older payments have lower numbers, all below PAY-9632
    numbers = [int(p[0].removeprefix("PAY-")) for p in payments]
    assert numbers[2:] == sorted(numbers[2:], reverse=True)
    assert round(100 * 24 / 26) == 92


def test_john_doe_bills(sql: Any) -> None:
    bills = sql(
        "SELECT b.issue_date, b.due_date, b.amount, b.paid FROM bill b "
        "JOIN consumer c ON c.id = b.consumer_id WHERE c.account_no = 'WU-10001' "
        "ORDER BY b.issue_date"
    )
    assert len(bills) == 27  # Feb 15, 2023 .. Apr 15, 2025
    months = [(int(i[:4]), int(i[5:7])) for i, *_ in bills]
    assert months[0] == (2023, 2) and months[-1] == (2025, 4)
    assert all(i.endswith("-15") and d.endswith("-15") for i, d, *_ in bills)
    assert len(set(months)) == 27
    assert [b for b in bills if b[3] < b[2]] == [("2025-04-15", "2025-05-15", 7530, 0)]
    assert all(9500 <= b[2] <= 14000 for b in bills[:-1])
    late = sql(
        "SELECT b.due_date, substr(p.paid_at, 1, 10) FROM payment p "
        "JOIN bill b ON b.id = p.bill_id WHERE p.consumer_id = 1 AND p.on_time = 0"
    )
    assert len(late) == 2 and all(paid > due for due, paid in late)
    on_time = sql(
        "SELECT count(*) FROM payment p JOIN bill b ON b.id = p.bill_id "
        "WHERE p.consumer_id = 1 AND p.on_time = 1 AND substr(p.paid_at, 1, 10) > b.due_date"
    )
    assert on_time == [(0,)]


def test_john_doe_communications(sql: Any) -> None:
    sent = sql(
        "SELECT subject, responded, at FROM communication "
        "WHERE consumer_id = 1 AND direction = 'to_customer' ORDER BY at"
    )
    assert len(sent) == 6
    assert sum(r for _, r, _ in sent) == 5
    # the May 10, 2025 payment reminder (10:23 AM in Chicago, 15:23 UTC) is the unanswered one
    assert [(s, at[:16]) for s, r, at in sent if not r] == [
        ("Payment reminder", "2025-05-10 15:23")
    ]
    phone = sql(
        "SELECT at FROM communication WHERE consumer_id = 1 AND direction = 'from_customer'"
    )
    assert [at[:16] for (at,) in phone] == ["2025-05-08 19:15"]  # 2:15 PM in Chicago


def test_john_doe_health_score_is_85(sql: Any) -> None:
    """The seed's formula on May 20, 2025, with the counts read from the database."""

    def one(query: str) -> int:
        return int(sql(query)[0][0] or 0)

    ratings = tuple(
        r for (r,) in sql("SELECT satisfaction FROM complaint WHERE consumer_id = 1") if r
    )
    inputs = HealthInputs(
        payments_total=one("SELECT count(*) FROM payment WHERE consumer_id = 1"),
        payments_on_time=one("SELECT sum(on_time) FROM payment WHERE consumer_id = 1"),
        service_requests_last_year=one(
            "SELECT count(*) FROM service_request WHERE consumer_id = 1 "
            "AND created_at >= '2024-05-20' AND created_at < '2025-05-21'"
        ),
        satisfaction_ratings=ratings,
        communications_sent=one(
            "SELECT count(*) FROM communication WHERE consumer_id = 1 AND direction = 'to_customer'"
        ),
        communications_responded=one(
            "SELECT count(*) FROM communication WHERE consumer_id = 1 "
            "AND direction = 'to_customer' AND responded = 1"
        ),
        account_age_months=months_between(
            date.fromisoformat(sql("SELECT connection_date FROM consumer WHERE id = 1")[0][0]),
            SEED_DAY,
        ),
        transactions_total=one("SELECT count(*) FROM payment WHERE consumer_id = 1"),
        transactions_digital=one("SELECT sum(digital) FROM payment WHERE consumer_id = 1"),
        complaints_total=one("SELECT count(*) FROM complaint WHERE consumer_id = 1"),
        complaints_resolved=one(
            "SELECT count(*) FROM complaint WHERE consumer_id = 1 AND status = 'resolved'"
        ),
        late_payments=one("SELECT count(*) FROM payment WHERE consumer_id = 1 AND on_time = 0"),
        disconnections=one("SELECT count(*) FROM disconnection_request WHERE consumer_id = 1"),
        fraud=bool(one("SELECT fraud_flag FROM consumer WHERE id = 1")),
    )
    assert (inputs.payments_total, inputs.payments_on_time) == (26, 24)
    assert (inputs.communications_sent, inputs.communications_responded) == (6, 5)
    assert inputs.service_requests_last_year == 3 and ratings == (9, 8)
    assert inputs.account_age_months == 28
    score = health_score(inputs)
    assert score.score == 85 and score.band == "Good"


def test_recovery_view_has_more_than_david(sql: Any) -> None:
    overdue = sql(
        f"SELECT c.account_no FROM consumer c WHERE {WU} "
        f"AND c.payment_standing IN ('past_due', 'collection') ORDER BY c.balance DESC"
    )
    # (John Doe and WU-10003 were current in the seed's May 2025: overdue by June 2)
    assert overdue == [("WU-10006",), ("WU-10007",), ("WU-10004",), ("WU-10003",), ("WU-10001",)]
