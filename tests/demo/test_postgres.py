"""The demo data set on PostgreSQL: COPY load, search index, sequences moved past the data."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from cso_tui.demo import build
from demo.support import AS_OF, SAMPLE_ACCOUNTS

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_demo(pg_server: Any) -> Iterator[tuple[str, str, Any]]:
    schema = pg_server.new_schema()
    url = pg_server.schema_url(schema)
    try:
        report = build(url, consumers=400, seed=42, as_of=AS_OF)
        yield url, schema, report
    finally:
        pg_server.drop_schema(schema)


def _rows(pg_server: Any, schema: str, query: str) -> list[tuple[Any, ...]]:
    with pg_server.connect(options=f"-csearch_path={schema},public") as conn:
        return list(conn.execute(query).fetchall())


def test_samples_through_the_backend(pg_demo: tuple[str, str, Any]) -> None:
    from cso_tui.services.local import LocalBackend

    url, _, report = pg_demo
    assert report.dialect == "postgresql"
    assert report.counts["consumer"] == 400 + len(SAMPLE_ACCOUNTS)
    backend = LocalBackend(url)
    try:
        assert backend.info().is_demo
        token = backend.login("admin", "demo").token
        assert backend.search_consumers(token, "M-5678").items[0].account_no == "WU-10001"
        assert backend.get_consumer(token, "WU-10001").balance == Decimal("75.30")
        assert backend.get_consumer(token, "ACC-2024-001789").balance == Decimal("456.78")
        hits = backend.search_consumers(token, "Jane Smith").items
        assert "WU-10002" in [h.account_no for h in hits]
        assert "WU-10001" in [
            h.account_no for h in backend.search_consumers(token, "Main St").items
        ]
    finally:
        backend.close()


def test_ledger_and_times(pg_server: Any, pg_demo: tuple[str, str, Any]) -> None:
    _, schema, _ = pg_demo
    assert _rows(pg_server, schema,
        "SELECT c.account_no FROM consumer c LEFT JOIN bill b ON b.consumer_id = c.id "
        "AND b.status IN ('unpaid', 'partially_paid') GROUP BY c.id "
        "HAVING c.balance != coalesce(sum(b.amount - b.paid), 0)"
    ) == []  # fmt: skip
    ((created,),) = _rows(
        pg_server, schema,
        "SELECT created_at AT TIME ZONE 'America/Chicago' FROM disconnection_request "
        "WHERE request_no = 'DIS-2024-001234'",
    )  # fmt: skip
    assert (created.hour, created.minute) == (9, 30)


def test_sequences_continue_after_explicit_ids(
    pg_server: Any, pg_demo: tuple[str, str, Any]
) -> None:
    _, schema, _ = pg_demo
    for table in ("consumer", "bill", "payment", "app_user", "service_order"):
        ((next_id, top),) = _rows(
            pg_server, schema,
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')), max(id) FROM {table}",
        )  # fmt: skip
        assert next_id > top, table


def test_search_indexes_recreated(pg_server: Any, pg_demo: tuple[str, str, Any]) -> None:
    _, schema, _ = pg_demo
    names = {
        n
        for (n,) in _rows(
            pg_server, schema, f"SELECT indexname FROM pg_indexes WHERE schemaname = '{schema}'"
        )
    }
    from cso_tui.migrations.ddl import search_index

    assert set(search_index.PG_INDEXES) <= names
    assert "ix_consumer_search_trgm" not in names  # replaced by the stored column's index


def test_refuses_a_loaded_schema(pg_demo: tuple[str, str, Any]) -> None:
    url, _, _ = pg_demo
    with pytest.raises(ValueError, match="already holds consumers"):
        build(url, consumers=5, as_of=AS_OF)
