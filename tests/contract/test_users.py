"""Contract: creating staff users."""

from __future__ import annotations

import pytest

from contract.support import ROLES, World
from cso_tui.services.errors import AuthenticationError, PermissionDeniedError
from cso_tui.services.errors import ValidationError as FieldError

USER_ADMINS = {"cso_admin", "utility_admin"}


def test_an_admin_creates_a_user_who_can_log_in(world: World) -> None:
    user = world.backend.create_user(
        world.token("cso_admin"), " Nina.K ", " Nina Kowalski ", "billing_specialist",
        "long-enough-1", "new-user",
    )  # fmt: skip
    assert (user.username, user.full_name, user.role, user.active) == (
        "nina.k",
        "Nina Kowalski",
        "billing_specialist",
        True,
    )
    session = world.backend.login("nina.k", "long-enough-1")
    assert (session.user_id, session.role) == (user.id, "billing_specialist")
    rows = world.db.audit("user_created", entity_id=str(user.id))
    assert len(rows) == 1
    assert rows[0].after == {
        "username": "nina.k",
        "full_name": "Nina Kowalski",
        "role": "billing_specialist",
    }
    assert rows[0].user_id == world.db.user("admin").id
    assert "long-enough-1" not in str(rows[0].after)


@pytest.mark.parametrize(
    ("username", "full_name", "role", "password", "field"),
    [
        ("a", "Short Name", "call_center", "long-enough-1", "username"),
        ("has space", "Name", "call_center", "long-enough-1", "username"),
        ("-dash", "Name", "call_center", "long-enough-1", "username"),
        ("x" * 65, "Name", "call_center", "long-enough-1", "username"),
        ("ok.user", "", "call_center", "long-enough-1", "full_name"),
        ("ok.user", "   ", "call_center", "long-enough-1", "full_name"),
        ("ok.user", "Name", "wizard", "long-enough-1", "role"),
        ("ok.user", "Name", "", "long-enough-1", "role"),
        ("ok.user", "Name", "call_center", "short", "password"),
        ("admin", "Another Admin", "cso_admin", "long-enough-1", "username"),
        ("ADMIN", "Another Admin", "cso_admin", "long-enough-1", "username"),
    ],
)
def test_create_user_validation(
    readonly_world: World, username: str, full_name: str, role: str, password: str, field: str
) -> None:
    before = len(readonly_world.db.audit("user_created"))
    with pytest.raises(FieldError) as exc:
        readonly_world.backend.create_user(
            readonly_world.token("utility_admin"), username, full_name, role, password, "bad-user"
        )
    assert exc.value.field == field
    assert len(readonly_world.db.audit("user_created")) == before


def test_a_duplicate_user_name_names_the_taken_name(world: World) -> None:
    with pytest.raises(FieldError) as exc:
        world.backend.create_user(
            world.token(), "Manager", "Second Manager", "cso_manager", "long-enough-1", "dup"
        )
    assert exc.value.field == "username"
    assert "manager" in exc.value.message
    with pytest.raises(AuthenticationError):
        world.backend.login("manager", "long-enough-1")


def test_only_admins_create_users(world: World) -> None:
    for role in ROLES:
        username = f"new.{role}"
        args = (username, "New Person", "call_center", "long-enough-1", f"u-{role}")
        if role in USER_ADMINS:
            assert world.backend.create_user(world.token(role), *args).username == username
            assert world.backend.login(username, "long-enough-1").role == "call_center"
            continue
        with pytest.raises(PermissionDeniedError):
            world.backend.create_user(world.token(role), *args)
        with pytest.raises(AuthenticationError):
            world.backend.login(username, "long-enough-1")
