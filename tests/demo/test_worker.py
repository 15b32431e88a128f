"""The generator child process: its frames, and failures reported rather than hidden."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from cso_tui.demo import builder, fixed, worker
from cso_tui.demo.synthetic import Counters, Job


def test_frames_round_trip_and_truncation_is_detected() -> None:
    out = io.BytesIO()
    worker.write_frame(out, worker.ROWS, 42, b"payload")
    worker.write_frame(out, worker.DONE, 43, b"")
    stream = io.BytesIO(out.getvalue())
    assert worker.read_frame(stream) == (worker.ROWS, 42, b"payload")
    assert worker.read_frame(stream) == (worker.DONE, 43, b"")
    assert worker.read_frame(stream) is None
    assert worker.read_frame(io.BytesIO(out.getvalue()[:20])) is None


class _NoWriter:
    dialect = "sqlite"
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}

    def insert(self, shape: str, rows: Any) -> None:
        raise AssertionError("nothing should be written")


def test_a_failing_generator_raises_with_its_reason() -> None:
    # no staff at all: the generator cannot pick anyone to create work items
    job = Job("sqlite", 1, date(2025, 6, 2), 10, 5, fixed.Staff(), Counters(*[1] * 17), {})
    with pytest.raises(RuntimeError, match="generator failed: KeyError"):
        builder._load_from_child(_NoWriter(), job, lambda *_: None)


def test_in_memory_sqlite_is_refused() -> None:
    from cso_tui.demo import build

    with pytest.raises(ValueError, match="needs a database file"):
        build("sqlite://", consumers=1)
