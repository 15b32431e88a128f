"""``build()``: create the schema, then load the demo data set in one transaction.

SQLite: one connection with load-time pragmas (no fsync, rollback journal, big cache, no
foreign-key checks: the generator assigns every id itself, so references hold by
construction and the tests check them), ``executemany`` per table and chunk. PostgreSQL:
``COPY`` per table and chunk. The search index is maintained once at the end instead of
row by row. Either the whole data set is there or none of it is.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import pickle
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from cso_tui.demo import fixed, worker
from cso_tui.demo.synthetic import Counters, Generation, Job
from cso_tui.demo.writer import (
    ID_TABLES,
    SHAPE_ORDER,
    PostgresWriter,
    Row,
    SqliteWriter,
    TimeText,
    Writer,
)
from cso_tui.migrations.ddl import consumer_totals, search_index
from cso_tui.services import db

Progress = Callable[[str, int, int], None]

CHUNK = 2000  # consumers per batch: big enough for fast executemany, small for memory
# From this many consumers on, a child process generates while this one writes (below it,
# starting the child costs more than it saves). Rows are the same either way.
PARALLEL_FROM = 20_000
# SQLite page cache during the load (KiB): holds the hot index pages of every table
LOAD_CACHE_KIB = 262_144


@dataclass
class BuildReport:
    """What ``build`` wrote: rows per table, and where the time went."""

    database: str  # the URL without its password
    dialect: str
    seed: int
    consumers: int
    as_of: date
    counts: dict[str, int]
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)
    insert_seconds: dict[str, float] = field(default_factory=dict)  # time inside the writer

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def build(
    url: str,
    *,
    consumers: int = 2000,
    seed: int = 42,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Load a deterministic demo data set into the database at ``url``.

    The same (seed, consumers, as_of) gives the same rows (password hashes aside: argon2
    salts them). Raises ValueError when the database already holds consumers or users.
    """
    if consumers < 0:
        raise ValueError("consumers must be zero or more")
    as_of = as_of or datetime.now(UTC).date()
    report_progress: Progress = progress or (lambda _stage, _done, _total: None)
    started = time.perf_counter()
    stages: dict[str, float] = {}

    def lap(stage: str, since: float) -> float:
        now = time.perf_counter()
        stages[stage] = stages.get(stage, 0.0) + now - since
        return now

    dialect = db.dialect_of(url)
    if dialect == "sqlite" and make_url(db.normalise_url(url)).database in (None, "", ":memory:"):
        raise ValueError("The demo data set needs a database file: sqlite:///path/to/demo.sqlite")
    t = time.perf_counter()
    db.upgrade(url)
    t = lap("schema", t)
    _refuse_if_not_empty(url)
    engine = _load_engine(url, dialect)
    try:
        with engine.begin() as conn:
            raw = conn.connection.dbapi_connection
            writer: Writer = SqliteWriter(raw) if dialect == "sqlite" else PostgresWriter(raw)
            for table in fixed.settings_rows(TimeText(dialect), as_of):
                # the demo's own settings (the seed's, with its ids) replace the defaults a
                # new database gets from migration 0006
                conn.exec_driver_sql(f"DELETE FROM {table}")
            with _search_index_suspended(conn), _totals_suspended(conn):
                with _indexes_suspended(conn):
                    t = lap("prepare", t)
                    counters, years = _load(writer, seed, consumers, as_of, report_progress, stages)
                    t = time.perf_counter()
                    _finish(writer, counters, years, seed, consumers, as_of)
                    report_progress("indexes", 0, 1)
                t = lap("indexes", t)
                report_progress("indexes", 1, 1)
                report_progress("search index", 0, 1)
            t = lap("search index", t)
            report_progress("search index", 1, 1)
            if dialect == "postgresql":
                _move_pg_sequences(conn)
        t = lap("commit", t)
        report_progress("analyze", 0, 1)
        _analyze(engine, dialect)
        lap("analyze", t)
        report_progress("analyze", 1, 1)
    finally:
        engine.dispose()
    return BuildReport(
        database=make_url(db.normalise_url(url)).render_as_string(hide_password=True),
        dialect=dialect,
        seed=seed,
        consumers=consumers,
        as_of=as_of,
        counts={k: v for k, v in writer.counts.items() if v},
        seconds=time.perf_counter() - started,
        stage_seconds=stages,
        insert_seconds={k: v for k, v in writer.seconds.items() if v},
    )


# ---------------------------------------------------------------- engine and checks


def _load_engine(url: str, dialect: str) -> Engine:
    url = db.normalise_url(url)
    if dialect != "sqlite":
        return create_engine(url, poolclass=NullPool)
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Our transaction, our pragmas: nobody else uses a demo database while it loads.
        dbapi_conn.isolation_level = None
        # A fresh file grows by appending pages, which the rollback journal does not copy;
        # WAL would write every page twice. Leaving WAL needs the file to ourselves: if
        # someone has it open, the load just stays in WAL. It goes back to WAL at the end.
        with contextlib.suppress(sqlite3.OperationalError):
            dbapi_conn.execute("PRAGMA journal_mode=DELETE")
        dbapi_conn.execute("PRAGMA synchronous=OFF")
        dbapi_conn.execute("PRAGMA foreign_keys=OFF")
        dbapi_conn.execute(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
        # index builds sort with a helper thread: by then the generator's core is free
        dbapi_conn.execute("PRAGMA threads=2")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _refuse_if_not_empty(url: str) -> None:
    """Checked before the load changes anything (even the journal mode)."""
    engine = create_engine(db.normalise_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            consumers = conn.exec_driver_sql("SELECT 1 FROM consumer LIMIT 1").first()
            users = conn.exec_driver_sql("SELECT 1 FROM app_user LIMIT 1").first()
    finally:
        engine.dispose()
    if consumers is not None:
        raise ValueError(
            "The database already holds consumers: the demo data set goes into an empty "
            "database. Choose a new file (or an empty PostgreSQL schema)."
        )
    if users is not None:
        raise ValueError(
            "The database already holds users: the demo data set brings its own staff and "
            "goes into an empty database. Choose a new file (or an empty PostgreSQL schema)."
        )


# Tables the load fills in bulk. On SQLite their secondary indexes are dropped for the load
# and recreated afterwards from their own DDL: a sorted build costs far less than upkeep
# row by row. Measured at 1M consumers: bills went in at 116k rows/s without indexes and
# 41k/s with just ix_bill_status_due kept, which then takes ~15 s to build afterwards.
BULK_TABLES = (
    "consumer", "service_connection", "meter", "meter_reading", "inventory_movement", "bill",
    "payment", "security_deposit", "complaint", "service_request", "consumer_query",
    "disconnection_request", "service_order", "communication", "note", "document", "call",
)  # fmt: skip


@contextmanager
def _indexes_suspended(conn: Connection) -> Iterator[None]:
    if conn.dialect.name != "sqlite":
        yield
        return
    marks = ", ".join("?" * len(BULK_TABLES))
    ddl = list(
        conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name",
            BULK_TABLES,
        )
    )
    for name, _ in ddl:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in ddl:
        conn.exec_driver_sql(sql)


@contextmanager
def _search_index_suspended(conn: Connection) -> Iterator[None]:
    """Search index off during the bulk load, rebuilt once at the end (same transaction)."""
    if conn.dialect.name == "sqlite":
        search_index.drop_sqlite_triggers(conn)
        yield
        search_index.rebuild(conn)
        search_index.create_sqlite_triggers(conn)
    else:
        search_index.drop_pg_indexes(conn)
        yield
        search_index.create_pg_indexes(conn)


@contextmanager
def _totals_suspended(conn: Connection) -> Iterator[None]:
    """Consumer totals triggers off during the bulk load (a row trigger per consumer, all on
    the same few rollup rows), counted once at the end (same transaction)."""
    consumer_totals.drop_triggers(conn)
    yield
    consumer_totals.rebuild(conn)
    consumer_totals.create_triggers(conn)


# ---------------------------------------------------------------- loading


def _load(
    writer: Writer,
    seed: int,
    consumers: int,
    as_of: date,
    progress: Progress,
    stages: dict[str, float],
) -> tuple[Counters, dict[int, int]]:
    """Settings, staff, samples, then the synthetic consumers chunk by chunk."""
    tt = TimeText(writer.dialect)
    t = time.perf_counter()
    progress("settings", 0, 1)
    for table, rows in fixed.settings_rows(tt, as_of).items():
        writer.insert(table, rows)
    progress("settings", 1, 1)
    progress("users", 0, 1)
    staff = fixed.staff_rows(tt, seed, as_of)
    writer.insert("app_user", staff.rows)
    progress("users", 1, 1)
    progress("samples", 0, 1)
    samples = fixed.sample_rows(tt, staff)
    fixed.age_standings(samples, as_of)
    _write(writer, samples.rows)
    progress("samples", 1, 1)
    now = time.perf_counter()
    stages["fixed rows"] = now - t
    t = now

    def after(table: str) -> int:
        return samples.last_ids.get(table, 0) + 1

    counters = Counters(
        consumer=after("consumer"),
        connection=after("service_connection"),
        meter=after("meter"),
        reading=after("meter_reading"),
        movement=after("inventory_movement"),
        bill=after("bill"),
        payment=after("payment"),
        deposit=after("security_deposit"),
        complaint=after("complaint"),
        request=after("service_request"),
        query=after("consumer_query"),
        disconnection=after("disconnection_request"),
        order=after("service_order"),
        communication=after("communication"),
        note=after("note"),
        document=after("document"),
        call=after("call"),
    )
    job = Job(
        writer.dialect, seed, as_of, consumers, CHUNK, staff, counters,
        samples.disconnection_numbers,
    )  # fmt: skip
    progress("consumers", 0, consumers)
    if consumers >= PARALLEL_FROM:
        result = _load_from_child(writer, job, progress)
    else:
        generation = Generation(job)
        for done, chunk in generation.chunks():
            _write(writer, chunk)
            progress("consumers", done, consumers)
        result = generation.counters, generation.disconnection_numbers
    stages["consumers"] = time.perf_counter() - t
    return result


def _load_from_child(
    writer: Writer, job: Job, progress: Progress
) -> tuple[Counters, dict[int, int]]:
    """Generate in a child process while this one writes: the two halves of the work take
    about the same time, and the machine has two cores."""
    root = str(Path(__file__).resolve().parents[2])  # so the child imports this cso_tui
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get(
        "PYTHONPATH")]))}  # fmt: skip
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "cso_tui.demo.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(pickle.dumps(job))
            child.stdin.close()
            while True:
                frame = worker.read_frame(child.stdout)
                if frame is None:
                    child.wait()
                    errors.seek(0)
                    detail = errors.read().decode(errors="replace").strip()
                    raise RuntimeError(
                        f"The demo data generator stopped (exit code {child.returncode})"
                        + (f": {detail}" if detail else ".")
                    )
                kind, done, payload = frame
                if kind == worker.ROWS:
                    _write(writer, marshal.loads(payload))
                    progress("consumers", done, job.consumers)
                elif kind == worker.DONE:
                    counters, numbers = pickle.loads(payload)
                    return Counters(**counters), numbers
                else:
                    raise RuntimeError(f"The demo data generator failed: {payload.decode()}")
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            child.stdout.close()


def _write(writer: Writer, rows: dict[str, list[Row]]) -> None:
    for shape in SHAPE_ORDER:
        batch = rows.get(shape)
        if batch:
            writer.insert(shape, batch)


def _finish(
    writer: Writer, c: Counters, years: dict[int, int], seed: int, consumers: int, as_of: date
) -> None:
    """Identifier sequences (value = last number issued), the demo marker and an audit line."""
    tt = TimeText(writer.dialect)
    sequences: list[Row] = [
        ("account:WU", c.account_no - 1),
        ("payment", c.payment_no - 1),
        ("bill", c.bill_no - 1),
        ("invoice", c.invoice_no - 1),
        ("complaint", c.complaint_no - 1),
        ("service_request", c.request_no - 1),
        ("query", c.query_no - 1),
        ("service_order", c.order_no - 1),
    ]
    sequences += [(f"disconnection:{year}", n) for year, n in sorted(years.items())]
    writer.insert("id_sequence", sequences)
    at = tt.ts(as_of.toordinal() * 86400)
    marker = fixed.demo_marker(seed, consumers, as_of)
    writer.insert("app_setting", [("demo", marker, at, 1)])
    detail = json.dumps({"seed": seed, "consumers": consumers, "as_of": as_of.isoformat()})
    writer.insert(
        "audit_event",
        [(1, at, None, "(demo)", "demo_loaded", "database", None, None, detail, None)],
    )


def _move_pg_sequences(conn: Connection) -> None:
    """Explicit ids do not advance PostgreSQL's serial sequences: move them past the data."""
    for table in ID_TABLES:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


def _analyze(engine: Engine, dialect: str) -> None:
    raw = engine.raw_connection()
    try:
        if dialect == "sqlite":
            dbapi = raw.driver_connection
            assert dbapi is not None
            # Sampled statistics: a full ANALYZE of a 1M-consumer file reads every index.
            dbapi.execute("PRAGMA analysis_limit=2000")
            dbapi.execute("ANALYZE")
            dbapi.execute("PRAGMA journal_mode=WAL")
        else:
            dbapi = raw.driver_connection
            assert dbapi is not None
            dbapi.autocommit = True
            # VACUUM sets the visibility map: the consumer list's filtered pages are then
            # index-only scans of its covering sort indexes (no table reads for rows it skips)
            dbapi.execute("VACUUM (ANALYZE) consumer")
            dbapi.execute("ANALYZE")
    finally:
        raw.close()
