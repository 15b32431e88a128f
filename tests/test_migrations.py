"""Migrations: from empty to head, idempotent, faithful to the models, reversible."""

from __future__ import annotations

import pathlib
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, MetaData, String, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

import cso_tui.models  # noqa: F401  (registers every table on SQLModel.metadata)
from cso_tui.migrations.ddl import search_index
from cso_tui.models import Consumer
from cso_tui.services import db
from cso_tui.services.errors import UnavailableError
from cso_tui.services.local import LocalBackend

MODEL_TABLES = set(SQLModel.metadata.tables)


def _engine(url: str) -> Any:
    return db.make_engines(url).write


def _tables(url: str) -> set[str]:
    engine = _engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _schema_snapshot(url: str) -> dict[str, Any]:
    """Tables with their columns and indexes, as the database describes them."""
    engine = _engine(url)
    try:
        insp = inspect(engine)
        return {
            t: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)],
                sorted(i["name"] or "" for i in insp.get_indexes(t)),
            )
            for t in sorted(insp.get_table_names())
        }
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = _engine(url)
    try:
        return db.stored_revision(engine)
    finally:
        engine.dispose()


def _alembic(url: str, action: str, revision: str) -> None:
    engines = db.make_engines(url)
    try:
        with engines.write.connect() as conn:
            cfg = db.alembic_config(url)
            cfg.attributes["connection"] = conn
            getattr(command, action)(cfg, revision)
            conn.commit()
    finally:
        engines.dispose()


def test_upgrade_from_empty(database_url: str) -> None:
    assert _tables(database_url) == set()
    assert _revision(database_url) is None
    db.upgrade(database_url)
    assert _revision(database_url) == db.head_revision()
    assert _tables(database_url) >= MODEL_TABLES


def test_a_backend_on_an_empty_database_migrates_it(database_url: str) -> None:
    backend = LocalBackend(database_url)
    try:
        assert backend.info().has_users is False
    finally:
        backend.close()
    assert _revision(database_url) == db.head_revision()


def test_a_backend_told_not_to_create_leaves_an_empty_database_alone(database_url: str) -> None:
    from cso_tui.services.errors import UnavailableError

    with pytest.raises(UnavailableError, match="not a cso-tui database"):
        LocalBackend(database_url, create_if_empty=False)
    assert _tables(database_url) == set()


def test_upgrading_again_changes_nothing_and_keeps_rows(database_url: str) -> None:
    db.upgrade(database_url)
    backend = LocalBackend(database_url)
    try:
        backend.create_first_user("admin", "Alice Admin", "cso_admin", "long-enough-1")
        token = backend.login("admin", "long-enough-1").token
        backend.record_usage(token, "Viewed_Landing_Page", {"n": 1})
    finally:
        backend.close()
    before = _schema_snapshot(database_url)

    db.upgrade(database_url)
    db.upgrade(database_url)

    assert _revision(database_url) == db.head_revision()
    assert _schema_snapshot(database_url) == before
    backend = LocalBackend(database_url)
    try:
        assert backend.login("admin", "long-enough-1").username == "admin"
        counts = {
            table: backend.execute_sql(f"SELECT count(*) FROM {table}")[0][0]
            for table in ("app_user", "audit_event", "usage_event")
        }
    finally:
        backend.close()
    assert counts == {"app_user": 1, "audit_event": 3, "usage_event": 1}


def _ignored(conn: Connection) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    """What the migrations add on purpose beyond the models: (tables, indexes, columns)."""
    if conn.dialect.name == "sqlite":
        virtual = {
            name
            for (name,) in conn.execute(
                text("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
            )
        }
        assert virtual, "no FTS5 tables: the search index was not created"
        tables = set(inspect(conn).get_table_names())
        shadow = {t for t in tables for v in virtual if t.startswith(v + "_")}
        return virtual | shadow, set(), set()
    return (
        set(),
        set(search_index.PG_INDEXES),
        {("consumer", "search_tsv"), ("consumer", "name_tsv"), ("consumer", "search_text")},
    )


def _differences(diffs: list[Any], ignored: tuple[set[str], set[str], set[tuple[str, str]]]):
    tables, indexes, columns = ignored
    left = []
    for diff in diffs:
        if isinstance(diff, list):  # column modifications come grouped
            left.extend(_differences(diff, ignored))
            continue
        kind, *args = diff
        if kind == "remove_table" and args[0].name in tables:
            continue
        if kind == "remove_index" and args[0].name in indexes:
            continue
        if kind == "remove_column" and (args[1], args[2].name) in columns:
            continue
        left.append(diff)
    return left


def test_the_migrations_match_the_models(database_url: str) -> None:
    db.upgrade(database_url)
    engine = _engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, SQLModel.metadata)
            ignored = _ignored(conn)
    finally:
        engine.dispose()
    assert _differences(diffs, ignored) == []


def test_the_comparison_sees_a_model_change(database_url: str) -> None:
    """Guard for the test above: a column the migrations lack is reported, not ignored."""
    db.upgrade(database_url)
    changed = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["consumer"].append_column(Column("nickname", String(40)))
    engine = _engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            left = _differences(compare_metadata(context, changed), _ignored(conn))
    finally:
        engine.dispose()
    assert [(d[0], d[2], d[3].name) for d in left] == [("add_column", "consumer", "nickname")]


def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    db.upgrade(database_url)
    _alembic(database_url, "downgrade", "base")
    assert _revision(database_url) is None
    assert _tables(database_url) <= {"alembic_version"}
    db.upgrade(database_url)
    assert _revision(database_url) == db.head_revision()
    assert _tables(database_url) >= MODEL_TABLES
    backend = LocalBackend(database_url)
    try:
        backend.create_first_user("admin", "Alice Admin", "cso_admin", "long-enough-1")
        token = backend.login("admin", "long-enough-1").token
        now = datetime.now(UTC)
        with backend._write() as s:
            s.add(
                Consumer(account_no="WU-10001", name="Zed Quist", status="active",
                         category="residential", service_address="1 Elm Row",
                         created_at=now, updated_at=now)
            )  # fmt: skip
        # the search index (FTS5 / tsvector) is back and fed by its triggers
        assert [h.account_no for h in backend.search_consumers(token, "quist").items] == [
            "WU-10001"
        ]
        # the append-only audit trigger is back
        with pytest.raises(DBAPIError, match="append-only"), backend.engines.write.begin() as c:
            c.execute(text("DELETE FROM audit_event"))
    finally:
        backend.close()


def test_downgrade_to_empty_helper(database_url: str) -> None:
    db.upgrade(database_url)
    db.downgrade_to_empty(database_url)
    assert _tables(database_url) <= {"alembic_version"}
    db.upgrade(database_url)
    assert _tables(database_url) >= MODEL_TABLES


def test_the_migration_installs_the_append_only_audit_log(database_url: str) -> None:
    db.upgrade(database_url)
    engine = _engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_event (at, action, entity) "
                    "VALUES ('2024-01-01 00:00:00+00:00', 'probe', 'test')"
                )
            )
        for sql in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(sql))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT action FROM audit_event")).all() == [("probe",)]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_unreachable_server_is_unavailable() -> None:
    with pytest.raises(UnavailableError):
        LocalBackend("postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2")


def test_schema_revision_constant_is_alembics_head() -> None:
    from cso_tui.services import db

    assert db.head_revision() == db.SCHEMA_REVISION


def test_opening_an_older_database_says_to_upgrade(tmp_path: pathlib.Path) -> None:
    from cso_tui.services import db
    from cso_tui.services.errors import UnavailableError
    from cso_tui.services.local import LocalBackend

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    db.upgrade(url)
    engines = db.make_engines(url)
    with engines.write.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    engines.dispose()
    with pytest.raises(UnavailableError, match="cso-tui db upgrade"):
        LocalBackend(url)
