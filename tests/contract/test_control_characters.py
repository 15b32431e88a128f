"""Contract: a NUL character in any text is a validation error naming its field, on every
backend and database (PostgreSQL cannot store one; SQLite could, and must refuse alike)."""

from __future__ import annotations

import pytest

from contract.support import PASSWORD, World
from cso_tui.services.errors import ValidationError as FieldError
from cso_tui.services.schemas import ConsumerUpdate


def test_nul_characters_are_refused_naming_the_field(world: World) -> None:
    backend, token = world.backend, world.token()
    audit_before = len(world.db.audit())
    calls = {
        "username": lambda: backend.login("ad\x00min", PASSWORD),
        "client": lambda: backend.login("admin", PASSWORD, client="term\x00"),
        "account_no": lambda: backend.get_consumer(token, "WU-1\x000001"),
        "body": lambda: backend.add_note(token, "WU-10001", "hello\x00", "nul-1"),
        "idempotency_key": lambda: backend.add_note(token, "WU-10001", "hello", "k\x00"),
        "changes.name": lambda: backend.update_consumer(
            token, "WU-10001", ConsumerUpdate(name="John\x00"), 1, "nul-2"
        ),
        "properties.where": lambda: backend.record_usage(token, "Clicked", {"where": "a\x00"}),
    }
    for field, call in calls.items():
        with pytest.raises(FieldError) as exc:
            call()
        assert exc.value.field == field
        assert "NUL character" in exc.value.message
    assert len(world.db.audit()) == audit_before  # nothing half-done, not even a login try
    assert backend.get_consumer(token, "WU-10001").name == "John Doe"
    # the search box is forgiving instead: an odd term answers, it never fails
    assert backend.search_consumers(token, "Doe\x00").term == "Doe\x00"


def test_a_caller_without_a_session_or_the_right_hears_that_first(world: World) -> None:
    from cso_tui.services.errors import PermissionDeniedError, SessionExpiredError

    with pytest.raises(SessionExpiredError):
        world.backend.end_sessions("garbage-token", "ad\x00min", "nul-3")
    with pytest.raises(PermissionDeniedError):
        world.backend.end_sessions(world.token("call_center"), "ad\x00min", "nul-4")
