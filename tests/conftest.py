"""Shared fixtures: isolated config, a fresh database per test on every backend, a test clock.

Backends: ``backend_kind`` is parametrized over :data:`BACKENDS`; ``backend_url`` is the
database behind it and ``make_backend`` opens the backend under test. To add RemoteBackend,
append ``"remote"`` to :data:`BACKENDS`, map it to its database in :data:`DATABASE_OF` and
add its branch to :func:`open_backend` (the server runs a LocalBackend on the same database
URL); nothing else changes.

Every fixture is safe under ``pytest -n auto``: files live in ``tmp_path`` and every
PostgreSQL database is its own schema.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import settings

# No per-example deadline: the suite shares 2 cores with PostgreSQL and xdist workers.
settings.register_profile("cso", deadline=None)
settings.load_profile("cso")

PG_URL = os.environ.get("CSO_TUI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")

#: Databases the local backend runs on (migration and concurrency tests use these).
DATABASES = ("sqlite", pytest.param("postgres", marks=pytest.mark.postgres))
#: Backends the contract runs on ("remote": RemoteBackend over real HTTP to a served
#: LocalBackend; see tests/loopback.py).
BACKENDS = (*DATABASES, "remote")
#: The database each backend kind keeps its data in.
DATABASE_OF = {"sqlite": "sqlite", "postgres": "postgres", "remote": "sqlite"}

#: The demo data set the demo fixtures build: fixed date, small N.
DEMO_AS_OF = date(2024, 11, 20)
DEMO_CONSUMERS = 40
#: Where the test clock starts (microseconds on purpose: they must survive a round trip).
T0 = datetime(2024, 11, 20, 14, 30, 15, 123456, tzinfo=UTC)

#: Recorded DB-API calls: (statement, parameters, executemany).
Script = list[tuple[str, Any, bool]]


# ---------------------------------------------------------------- isolation


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real config or data dirs, or sees the caller's database."""
    monkeypatch.setenv("CSO_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CSO_TUI_DATA_DIR", str(tmp_path / "data"))
    for name in ("CSO_TUI_DATABASE", "CSO_TUI_SERVER", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


@lru_cache(maxsize=1)
def _cheap_hasher() -> Any:
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Argon2 at production cost takes ~0.17 s a hash and the suite hashes hundreds of times.

    Still argon2, only cheaper; verification reads the cost from the stored hash.
    """
    from cso_tui.services import passwords

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passwords, "_hasher", _cheap_hasher)
        passwords.dummy_hash.cache_clear()
        yield
    passwords.dummy_hash.cache_clear()


# ---------------------------------------------------------------- clock


@dataclass
class FakeClock:
    """An injectable clock: returns ``now`` until told to ``advance``."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def clock_type() -> type[FakeClock]:
    """The FakeClock class, for fixtures of wider scope (conftest is not importable by name)."""
    return FakeClock


# ---------------------------------------------------------------- PostgreSQL


@dataclass
class PgServer:
    url: str

    def connect(self, **kw: Any) -> Any:
        import psycopg

        return psycopg.connect(self.url, autocommit=True, connect_timeout=5, **kw)

    def schema_url(self, schema: str) -> str:
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}options={quote(f'-csearch_path={schema},public')}"

    def new_schema(self) -> str:
        schema = f"cso_test_{uuid.uuid4().hex[:16]}"
        with self.connect() as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return schema

    def replay(self, schema: str, script: Script) -> None:
        with (
            self.connect(options=f"-csearch_path={schema},public") as conn,
            conn.transaction(),
            conn.cursor() as cur,
        ):
            for statement, params, many in script:
                if many:
                    cur.executemany(statement, params)
                else:
                    cur.execute(statement, params)

    def drop_schema(self, schema: str) -> None:
        with self.connect() as conn:
            conn.execute("SET lock_timeout = '20s'")
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """The PostgreSQL server of CSO_TUI_TEST_PG; its tests are skipped only if unreachable."""
    import psycopg

    server = PgServer(PG_URL)
    try:
        conn = server.connect()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL} (set CSO_TUI_TEST_PG): {exc}")
    with conn:
        # xdist workers race on CREATE EXTENSION; serialise it (and the clean-up below).
        conn.execute("SELECT pg_advisory_lock(746123)")
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
            conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
            _vacuum_catalogs_if_bloated(conn)
        finally:
            conn.execute("SELECT pg_advisory_unlock(746123)")
    return server


#: Dead catalog rows (a run of this suite leaves ~150k in pg_attribute) before a clean-up.
CATALOG_DEAD_ROWS_LIMIT = 100_000  # at 900k a run took 16 min instead of 3


def _vacuum_catalogs_if_bloated(conn: Any) -> None:
    """Every test makes and drops a schema. Where autovacuum is off the catalogs' dead rows
    pile up run after run and DDL slows down: clean up once in a while (it takes ~10 s)."""
    (dead,) = conn.execute(
        "SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_sys_tables WHERE relname = 'pg_attribute'"
    ).fetchone()
    if dead > CATALOG_DEAD_ROWS_LIMIT:
        conn.execute(
            "VACUUM pg_catalog.pg_attribute, pg_catalog.pg_class, pg_catalog.pg_depend, "
            "pg_catalog.pg_type, pg_catalog.pg_index, pg_catalog.pg_constraint, "
            "pg_catalog.pg_attrdef, pg_catalog.pg_trigger"
        )


# ---------------------------------------------------------------- databases


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file at the head revision, made once per session and copied per test."""
    from cso_tui.services import db

    path = tmp_path_factory.mktemp("template") / "migrated.sqlite"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_migration_script(pg_server: PgServer) -> Script:
    """The statements a real ``alembic upgrade head`` sends, recorded once per session.

    Replaying them gives each test a schema identical to a migrated one in half the time
    (tests/test_migrations.py runs Alembic itself every time).
    """
    from sqlalchemy import Engine, event

    from cso_tui.services import db

    script: Script = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        script.append((statement, params, many))

    schema = pg_server.new_schema()
    event.listen(Engine, "before_cursor_execute", record)
    try:
        db.upgrade(pg_server.schema_url(schema))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
        pg_server.drop_schema(schema)
    return script


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database (the backup API includes WAL content)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _database(
    kind: str, request: pytest.FixtureRequest, directory: Path, *, migrated: bool
) -> Iterator[str]:
    if kind == "sqlite":
        path = directory / "cso.sqlite"
        if migrated:
            copy_sqlite(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    if kind == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        schema = server.new_schema()
        try:
            if migrated:
                server.replay(schema, request.getfixturevalue("pg_migration_script"))
            yield server.schema_url(schema)
        finally:
            server.drop_schema(schema)
        return
    raise ValueError(f"unknown database kind {kind!r}")


@pytest.fixture(params=DATABASES)
def database_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(
    database_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """An empty database (no tables at all) of each kind the local backend runs on."""
    yield from _database(database_kind, request, tmp_path, migrated=False)


@pytest.fixture(scope="session", params=BACKENDS)
def backend_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def backend_url(backend_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database behind the backend under test: migrated, no rows. Seed and inspect it."""
    yield from _database(DATABASE_OF[backend_kind], request, tmp_path, migrated=True)


@pytest.fixture(scope="module")
def module_backend_url(
    backend_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Like ``backend_url``, shared by a module's read-only tests."""
    directory = tmp_path_factory.mktemp("module-db")
    yield from _database(DATABASE_OF[backend_kind], request, directory, migrated=True)


# ---------------------------------------------------------------- backends


def open_backend(kind: str, url: str, clock: Callable[[], datetime] | None, **kw: Any) -> Any:
    """The backend under test of ``kind`` on the database ``url``."""
    from cso_tui.services.local import LocalBackend

    if clock is not None:
        kw["clock"] = clock
    if kind in ("sqlite", "postgres"):
        return LocalBackend(url, **kw)
    if kind == "remote":
        from loopback import ServedRemoteBackend

        return ServedRemoteBackend(url, **kw)
    raise ValueError(f"unknown backend kind {kind!r}")


MakeBackend = Callable[..., Any]


def _factory(kind: str, url: str) -> tuple[MakeBackend, Callable[[], None]]:
    opened: list[Any] = []

    def make(clock: Callable[[], datetime] | None = None, **kw: Any) -> Any:
        backend = open_backend(kind, url, clock, **kw)
        opened.append(backend)
        return backend

    def close_all() -> None:
        for backend in reversed(opened):
            backend.close()

    return make, close_all


@pytest.fixture
def make_backend(backend_kind: str, backend_url: str) -> Iterator[MakeBackend]:
    """``make_backend(clock=None, **kw)``: the backend under test on ``backend_url``."""
    make, close_all = _factory(backend_kind, backend_url)
    yield make
    close_all()


@pytest.fixture(scope="module")
def make_module_backend(backend_kind: str, module_backend_url: str) -> Iterator[MakeBackend]:
    make, close_all = _factory(backend_kind, module_backend_url)
    yield make
    close_all()


# ---------------------------------------------------------------- demo data


def build_demo(url: str) -> Any:
    from cso_tui.demo import build

    return build(url, consumers=DEMO_CONSUMERS, seed=42, as_of=DEMO_AS_OF)


@pytest.fixture(scope="session")
def demo_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once per session (per xdist worker) and copied per test."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo(f"sqlite:///{path}")
    return path


def _load_demo(kind: str, url: str, request: pytest.FixtureRequest) -> str:
    if DATABASE_OF[kind] == "sqlite":
        copy_sqlite(request.getfixturevalue("demo_sqlite_template"), Path(url[len("sqlite:///") :]))
    else:
        build_demo(url)
    return url


DEMO_NOW = datetime(DEMO_AS_OF.year, DEMO_AS_OF.month, DEMO_AS_OF.day, 15, tzinfo=UTC)


@pytest.fixture
def demo_url(backend_kind: str, backend_url: str, request: pytest.FixtureRequest) -> str:
    """``backend_url`` holding the demo data set (fixed as_of, small N)."""
    return _load_demo(backend_kind, backend_url, request)


@pytest.fixture
def demo_clock() -> FakeClock:
    """A clock on the demo's as_of date, office hours."""
    return FakeClock(DEMO_NOW)


@pytest.fixture
def demo_backend(demo_url: str, make_backend: MakeBackend, demo_clock: FakeClock) -> Any:
    """The backend under test on a demo database, its clock on the demo's as_of date."""
    return make_backend(clock=demo_clock)


@pytest.fixture(scope="module")
def readonly_demo_url(
    backend_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A demo database shared by a module (a PostgreSQL one costs a build: ~1-2 s)."""
    directory = tmp_path_factory.mktemp("module-demo")
    for url in _database(DATABASE_OF[backend_kind], request, directory, migrated=True):
        yield _load_demo(backend_kind, url, request)


@pytest.fixture(scope="module")
def readonly_demo_backend(backend_kind: str, readonly_demo_url: str) -> Iterator[Any]:
    """``demo_backend`` shared by a module's tests that change nothing others could see."""
    backend = open_backend(backend_kind, readonly_demo_url, FakeClock(DEMO_NOW))
    yield backend
    backend.close()
