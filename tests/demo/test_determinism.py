"""Same (seed, consumers, as_of) -> the same data set; another seed -> another one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cso_tui.demo import build
from demo.conftest import dump
from demo.support import AS_OF, SAMPLE_ACCOUNTS

# argon2 salts every hash: the one column allowed to differ between two builds
SALTED = {"app_user": {"password_hash"}}


def _build(path: Path, seed: int, consumers: int = 150) -> Path:
    build(f"sqlite:///{path}", consumers=consumers, seed=seed, as_of=AS_OF)
    return path


def test_same_seed_same_rows(tmp_path: Path) -> None:
    first = dump(_build(tmp_path / "a.sqlite", 7), SALTED)
    second = dump(_build(tmp_path / "b.sqlite", 7), SALTED)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], table
    assert len(first["consumer"]) == 150 + len(SAMPLE_ACCOUNTS)


def test_other_seed_other_rows(tmp_path: Path) -> None:
    first = dump(_build(tmp_path / "a.sqlite", 7), SALTED)
    other = dump(_build(tmp_path / "c.sqlite", 8), SALTED)
    n = len(SAMPLE_ACCOUNTS)
    assert first["consumer"][:n] == other["consumer"][:n]  # the seed documents' records
    assert first["consumer"][n:] != other["consumer"][n:]


def test_parallel_generation_gives_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large builds generate in a child process: the rows must not depend on that."""
    from cso_tui.demo import builder

    inline = dump(_build(tmp_path / "inline.sqlite", 3, 2500), SALTED)
    monkeypatch.setattr(builder, "PARALLEL_FROM", 1)
    piped = dump(_build(tmp_path / "piped.sqlite", 3, 2500), SALTED)
    for table in inline:
        assert inline[table] == piped[table], table
