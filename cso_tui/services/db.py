"""Engines and schema: SQLite (WAL, busy timeout, BEGIN IMMEDIATE for writes) or PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# The newest migration; a test checks it against Alembic's head. Kept as a constant so that
# opening a database checks its schema without importing Alembic (~0.1 s).
SCHEMA_REVISION = "0008"
#: PostgreSQL connections kept open per process (and the server's threads per worker).
POOL_SIZE = 8


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` and ``postgres://`` URLs; use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def dialect_of(url: str) -> str:
    return make_url(normalise_url(url)).get_backend_name()


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE is ours to send.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


@dataclass
class Engines:
    """``read`` for queries; ``write`` for changes (on SQLite it begins IMMEDIATE)."""

    url: str
    dialect: str
    read: Engine
    write: Engine

    def dispose(self) -> None:
        self.read.dispose()
        if self.write is not self.read:
            self.write.dispose()


def make_engines(url: str) -> Engines:
    url = normalise_url(url)
    dialect = dialect_of(url)
    if dialect == "sqlite":
        return Engines(url, dialect, _sqlite_engine(url, False), _sqlite_engine(url, True))
    # prepare_threshold=None: a generic prepared plan made rare search terms 1000x slower.
    # The pool holds as many connections as a process runs calls at once (the server caps
    # its threads at POOL_SIZE): overflow connections are closed on return, and opening one
    # costs PostgreSQL a process and ~4 ms, for every request under load.
    engine = create_engine(
        url,
        connect_args={"prepare_threshold": None},
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_SIZE,
    )
    return Engines(url, dialect, engine, engine)


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database to ``revision`` (creates it when empty). Rows are kept."""
    from alembic import command

    engines = make_engines(url)
    try:
        with engines.write.connect() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()
    finally:
        engines.dispose()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def stored_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database (None: no Alembic table)."""
    from sqlalchemy import text

    if "alembic_version" not in table_names(engine):
        return None
    with engine.connect() as conn:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def table_names(engine: Engine) -> list[str]:
    return list(inspect(engine).get_table_names())


def has_tables(engine: Engine) -> bool:
    return bool(table_names(engine))


def downgrade_to_empty(url: str) -> None:
    """Drop every table the migrations made (used to rebuild a demo database)."""
    from alembic import command

    engines = make_engines(url)
    try:
        with engines.write.connect() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
            conn.commit()
    finally:
        engines.dispose()
