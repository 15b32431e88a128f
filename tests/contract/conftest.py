"""Contract fixtures: a world of staff (one per role) and sample consumers on every backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from contract.support import SAMPLES, Db, World, seed_staff


@pytest.fixture
def empty_world(make_backend: Any, backend_url: str, clock: Any) -> Iterator[World]:
    """A migrated database with no users and no consumers."""
    backend = make_backend(clock=clock)
    db = Db(backend_url, clock)
    yield World(backend, db, clock)
    db.close()


@pytest.fixture
def world(empty_world: World) -> World:
    """Staff for every role and the sample consumers."""
    seed_staff(empty_world.db)
    empty_world.db.add(*SAMPLES)
    return empty_world


@pytest.fixture(scope="module")
def readonly_world(
    make_module_backend: Any, module_backend_url: str, clock_type: Any
) -> Iterator[World]:
    """``world`` shared by a module's tests: for tests that change nothing others could see.

    (Searching writes usage events and logging in writes sessions; nothing else may change.)
    """
    clock = clock_type()
    backend = make_module_backend(clock=clock)
    db = Db(module_backend_url, clock)
    seed_staff(db)
    db.add(*SAMPLES)
    yield World(backend, db, clock)
    db.close()
