"""Invariants over the whole generated data set: ledger, standing, keys, times, sequences."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from cso_tui.demo import fixed
from cso_tui.demo.synthetic import standing
from cso_tui.demo.writer import COLUMNS, TimeText
from cso_tui.services.rules.aging import worse_standing
from cso_tui.services.rules.search_terms import email_key, phone_key
from demo.support import AS_OF, CONSUMERS, SAMPLE_ACCOUNTS


def test_counts(demo_db: Any) -> None:
    _, report = demo_db
    assert report.counts["consumer"] == CONSUMERS + len(SAMPLE_ACCOUNTS)
    for table in ("meter_reading", "bill", "payment", "complaint", "service_request",
                  "consumer_query", "service_order", "call", "communication",
                  "disconnection_request", "note", "document", "security_deposit"):  # fmt: skip
        assert report.counts[table] > 0, table
    assert report.seconds > 0


def test_ledger_balance_is_open_bills(sql: Any) -> None:
    """consumer.balance == sum(amount - paid) over unpaid and partially paid bills."""
    wrong = sql(
        "SELECT c.account_no, c.balance, coalesce(sum(b.amount - b.paid), 0) FROM consumer c "
        "LEFT JOIN bill b ON b.consumer_id = c.id AND b.status IN ('unpaid', 'partially_paid') "
        "GROUP BY c.id HAVING c.balance != coalesce(sum(b.amount - b.paid), 0)"
    )
    assert wrong == []


def test_bill_status_matches_paid_and_payments(sql: Any) -> None:
    assert (
        sql(
            "SELECT bill_no FROM bill WHERE NOT ("
            "(status = 'paid' AND paid = amount) OR (status = 'unpaid' AND paid = 0) OR "
            "(status = 'partially_paid' AND paid > 0 AND paid < amount))"
        )
        == []
    )
    assert (
        sql(
            "SELECT b.bill_no FROM bill b LEFT JOIN payment p ON p.bill_id = b.id "
            "GROUP BY b.id HAVING b.paid != coalesce(sum(p.amount), 0)"
        )
        == []
    )
    assert sql("SELECT count(*) FROM bill WHERE amount <= 0") == [(0,)]


def seed_standings(as_of: date | None = None) -> dict[str, str]:
    """The samples' standings: as the seeds give them, or (``as_of``) as the demo ages them."""
    tt = TimeText("sqlite")
    samples = fixed.sample_rows(tt, fixed.staff_rows(tt, 42, AS_OF))
    if as_of is not None:
        fixed.age_standings(samples, as_of)
    column = COLUMNS["consumer"].index("payment_standing")
    return {row[1]: row[column] for row in samples.rows["consumer"]}


def test_standing_follows_oldest_unpaid_bill(sql: Any) -> None:
    as_of = AS_OF.toordinal()
    seed = seed_standings()
    rows = sql(
        "SELECT c.account_no, c.payment_standing, min(b.due_date) FROM consumer c "
        "LEFT JOIN bill b ON b.consumer_id = c.id AND b.status IN ('unpaid', 'partially_paid') "
        "GROUP BY c.id"
    )
    standings = set()
    for account, value, oldest in rows:
        due = date.fromisoformat(oldest).toordinal() if oldest else None
        if account in SAMPLE_ACCOUNTS:
            # the seed's standing, or worse once its unpaid bills have aged past it
            assert value in (seed[account], standing(due, as_of)), account
            assert worse_standing(value, standing(due, as_of)) == value, account
            continue
        assert value == standing(due, as_of), account
        standings.add(value)
    assert standings == {"current", "past_due", "collection"}


def test_samples_age_with_the_demos_date() -> None:
    """Dated after the seeds' May 2025, John Doe's $75.30 (due May 15, 2025) is overdue: the
    list does not call him "Current" beside the profile's "Payment overdue by ..." alert."""

    def john(as_of: date) -> str:
        return seed_standings(as_of)["WU-10001"]

    assert john(date(2025, 5, 15)) == "current"  # due that day: not late yet
    assert john(date(2025, 5, 16)) == "past_due"
    assert john(date(2025, 8, 13)) == "past_due"  # 90 days
    assert john(date(2025, 8, 14)) == "collection"


def test_search_keys_filled_with_the_service_layer_functions(sql: Any) -> None:
    for email, e_key, phone, p_key in sql(
        "SELECT email, email_key, phone, phone_key FROM consumer"
    ):
        assert e_key == email_key(email)
        assert p_key == phone_key(phone)
        assert phone is not None


def test_foreign_keys_hold(sql: Any) -> None:
    assert sql("PRAGMA foreign_key_check") == []


def test_search_index_rebuilt_and_triggers_back(sql: Any, demo_url: str) -> None:
    import sqlite3

    conn = sqlite3.connect(demo_url.removeprefix("sqlite:///"))
    try:
        conn.execute("INSERT INTO consumer_fts(consumer_fts) VALUES ('integrity-check')")
        conn.execute("INSERT INTO consumer_trgm(consumer_trgm) VALUES ('integrity-check')")
    finally:
        conn.close()
    triggers = {n for (n,) in sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"consumer_search_ai", "consumer_search_ad", "consumer_search_au"} <= triggers
    assert sql("PRAGMA journal_mode") == [("wal",)]


def test_indexes_are_all_back(sql: Any) -> None:
    from sqlalchemy import create_engine, inspect

    from cso_tui.models import metadata

    names = {n for (n,) in sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    expected = set()
    inspector = inspect(engine)
    for table in inspector.get_table_names():
        expected |= {ix["name"] for ix in inspector.get_indexes(table) if ix["name"]}
    assert expected <= names


def test_name_search_finds_synthetic_consumers(backend: Any, sql: Any) -> None:
    token = backend.login("executive", "demo").token
    ((name, account),) = sql("SELECT name, account_no FROM consumer WHERE id = 10")
    hits = backend.search_consumers(token, name, limit=200).items
    assert account in [h.account_no for h in hits]


def test_times_before_as_of(sql: Any) -> None:
    """Synthetic events all happened before as_of (the samples keep their seed dates)."""
    limit = AS_OF.isoformat()
    checks = {
        "complaint": ("created_at", "validated_at", "resolved_at"),
        "service_request": ("created_at", "validated_at", "completed_at"),
        "consumer_query": ("created_at", "acknowledged_at", "responded_at", "resolved_at",
                           "escalated_at"),
        "service_order": ("created_at", "assigned_on", "last_progress_at", "completed_at",
                          "verified_at"),
        "disconnection_request": ("created_at", "acknowledged_at", "resolved_at", "closed_at"),
        "payment": ("paid_at",),
        "call": ("started_at", "answered_at", "ended_at"),
        "communication": ("at",),
        "note": ("created_at",),
        "consumer": ("created_at", "last_contact_at"),
    }  # fmt: skip
    for table, columns in checks.items():
        for column in columns:
            assert sql(f"SELECT count(*) FROM {table} WHERE {column} >= ? AND id > 4", limit) == [
                (0,)
            ], (table, column)


def test_lifecycle_timestamps_in_order(sql: Any) -> None:
    assert (
        sql(
            "SELECT query_no FROM consumer_query WHERE acknowledged_at < created_at "
            "OR responded_at < acknowledged_at OR resolved_at < responded_at"
        )
        == []
    )
    assert (
        sql(
            "SELECT complaint_no FROM complaint WHERE validated_at < created_at "
            "OR resolved_at < validated_at"
        )
        == []
    )
    assert sql("SELECT id FROM call WHERE answered_at < started_at OR ended_at < started_at") == []
    assert (
        sql("SELECT request_no FROM disconnection_request WHERE acknowledged_at < created_at") == []
    )


def test_dashboards_have_recent_open_work(sql: Any) -> None:
    recent = (date.fromordinal(AS_OF.toordinal() - 30)).isoformat()
    for table, open_states in (
        ("complaint", "('created', 'approved', 'in_progress')"),
        ("service_request", "('created', 'approved', 'scheduled', 'in_progress')"),
        ("consumer_query", "('open', 'acknowledged', 'responded')"),
        ("service_order", "('created', 'assigned', 'scheduled', 'in_progress')"),
    ):
        assert sql(f"SELECT count(*) FROM {table} WHERE created_at >= ?", recent)[0][0] > 0
        assert sql(f"SELECT count(*) FROM {table} WHERE status IN {open_states}")[0][0] > 0
    assert sql("SELECT count(*) FROM call WHERE abandoned")[0][0] > 0
    assert sql("SELECT count(*) FROM call WHERE escalated")[0][0] > 0
    assert sql("SELECT count(*) FROM consumer WHERE vip")[0][0] > 0
    statuses = {s for (s,) in sql("SELECT DISTINCT status FROM consumer")}
    assert statuses == {"active", "inactive", "temporarily_disconnected", "disconnected",
                        "pending"}  # fmt: skip


def test_identifiers_continue_after_the_data(sql: Any) -> None:
    seq = dict(sql("SELECT name, value FROM id_sequence"))

    def top(column: str, table: str, prefix: str) -> int:
        rows = sql(f"SELECT {column} FROM {table} WHERE {column} LIKE ?", prefix + "%")
        numbers = [int(v[len(prefix) :]) for (v,) in rows if v[len(prefix) :].isdigit()]
        return max(numbers, default=0)

    assert seq["account:WU"] == top("account_no", "consumer", "WU-") == 10007 + CONSUMERS
    assert seq["payment"] == top("payment_no", "payment", "PAY-")
    assert seq["bill"] == top("bill_no", "bill", "BL-")
    assert seq["invoice"] >= top("bill_no", "bill", "INV-")
    assert seq["complaint"] == top("complaint_no", "complaint", "C-")
    assert seq["service_request"] == top("request_no", "service_request", "REQ-")
    assert seq["query"] == top("query_no", "consumer_query", "QRY-")
    assert seq["service_order"] == top("so_no", "service_order", "SO-")
    years = {int(v[4:8]) for (v,) in sql("SELECT request_no FROM disconnection_request")}
    for year in years:
        assert seq[f"disconnection:{year}"] == top(
            "request_no", "disconnection_request", f"DIS-{year}-"
        )
    assert seq["disconnection:2024"] >= 1234


def test_refuses_a_database_with_consumers(demo_url: str, sql: Any) -> None:
    from cso_tui.demo import build

    before = sql("SELECT count(*) FROM consumer")
    with pytest.raises(ValueError, match="already holds consumers"):
        build(demo_url, consumers=5, seed=1, as_of=AS_OF)
    assert sql("SELECT count(*) FROM consumer") == before


def test_refuses_a_database_with_users(tmp_path: Any) -> None:
    from cso_tui.demo import build
    from cso_tui.services.local import LocalBackend

    url = f"sqlite:///{tmp_path / 'users.sqlite'}"
    backend = LocalBackend(url)
    backend.create_first_user("boss", "The Boss", "cso_admin", "a-long-password-1")
    backend.close()
    with pytest.raises(ValueError, match="already holds users"):
        build(url, consumers=5, seed=1, as_of=AS_OF)


def test_progress_is_reported(tmp_path: Any) -> None:
    from cso_tui.demo import build

    calls: list[tuple[str, int, int]] = []
    build(f"sqlite:///{tmp_path / 'p.sqlite'}", consumers=30, as_of=AS_OF,
          progress=lambda s, d, t: calls.append((s, d, t)))  # fmt: skip
    stages = [s for s, _, _ in calls]
    for stage in ("users", "samples", "consumers", "indexes", "search index", "analyze"):
        assert stage in stages
    assert ("consumers", 30, 30) in calls
    assert all(0 <= d <= t for _, d, t in calls)


def test_zero_consumers_is_just_the_samples(tmp_path: Any) -> None:
    from cso_tui.demo import build

    report = build(f"sqlite:///{tmp_path / 'z.sqlite'}", consumers=0, as_of=AS_OF)
    assert report.counts["consumer"] == len(SAMPLE_ACCOUNTS)
    assert json.loads(json.dumps(report.counts))  # plain data, printable by the CLI
