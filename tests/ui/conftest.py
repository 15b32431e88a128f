"""UI test fixtures: isolated config, colours on, one demo database built per session."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

AS_OF = date(2026, 1, 15)
DEMO_CONSUMERS = 60
DEMO_SEED = 42


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No NO_COLOR (snapshots go grey under it), no user config, no user data dir."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name in list(os.environ):
        if name.startswith("CSO_TUI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CSO_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CSO_TUI_DATA_DIR", str(tmp_path / "data"))
    yield


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once (the generator is deterministic for a seed and date)."""
    from cso_tui.demo import build

    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite"
    build(f"sqlite:///{path}", consumers=DEMO_CONSUMERS, seed=DEMO_SEED, as_of=AS_OF)
    # fold the WAL into the main file so that one copied file is the whole database
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the demo database for one test."""
    target = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'empty.sqlite'}"
