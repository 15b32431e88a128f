"""Demo data sets built once per module: small N, fixed dates, SQLite files in tmp dirs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cso_tui.demo import BuildReport, build
from demo.support import AS_OF, CONSUMERS


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, BuildReport]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    url = f"sqlite:///{path}"
    return url, build(url, consumers=CONSUMERS, seed=42, as_of=AS_OF)


@pytest.fixture(scope="module")
def demo_url(demo_db: tuple[str, BuildReport]) -> str:
    return demo_db[0]


@pytest.fixture
def sql(demo_url: str) -> Iterator[Any]:
    """Read-only SQL on the demo file: ``sql(query, *params)`` returns all rows."""
    conn = sqlite3.connect(f"file:{demo_url.removeprefix('sqlite:///')}?mode=ro", uri=True)

    def run(query: str, *params: Any) -> list[tuple[Any, ...]]:
        return conn.execute(query, params).fetchall()

    yield run
    conn.close()


@pytest.fixture
def backend(demo_url: str) -> Iterator[Any]:
    from cso_tui.services.local import LocalBackend

    b = LocalBackend(demo_url)
    yield b
    b.close()


def dump(path: Path, skip: dict[str, set[str]] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order (columns in ``skip`` left out)."""
    skip = skip or {}
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            columns = [
                r[1]
                for r in conn.execute(f'PRAGMA table_info("{table}")')
                if r[1] not in skip.get(table, set())
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            out[table] = conn.execute(f'SELECT {select} FROM "{table}" ORDER BY 1').fetchall()
        return out
    finally:
        conn.close()
