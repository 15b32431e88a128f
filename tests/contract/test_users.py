"""Contract: creating staff users."""

from __future__ import annotations

import pytest

from contract.support import PASSWORD, ROLES, STAFF, World
from cso_tui.services.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    SessionExpiredError,
)
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


# ---------------------------------------------------------------- sessions and disabling


def test_an_admin_ends_a_users_sessions_at_once(world: World) -> None:
    backend, admin = world.backend, world.token("cso_admin")
    first = backend.login("callcenter", PASSWORD)
    second = backend.login("callcenter", PASSWORD)
    bystander = world.token("cso_manager")
    ended = backend.end_sessions(admin, " CallCenter ", "end-1")
    assert (ended.username, ended.ended) == ("callcenter", 2)
    for session in (first, second):
        with pytest.raises(SessionExpiredError, match="ended"):
            backend.search_consumers(session.token, "john")
    assert backend.search_consumers(bystander, "john").items  # others untouched
    # they may log in again, and repeating the call (a retry) does not end the new session
    again = backend.login("callcenter", PASSWORD)
    assert backend.end_sessions(admin, " CallCenter ", "end-1") == ended
    assert backend.get_consumer(again.token, "WU-10001").account_no == "WU-10001"
    rows = world.db.audit("sessions_ended")
    assert [(r.entity_id, r.detail) for r in rows] == [(str(first.user_id), "2 session(s)")]
    assert rows[0].user_id == world.db.user("admin").id
    # a new key ends the new session too
    assert backend.end_sessions(admin, "callcenter", "end-2").ended == 1
    with pytest.raises(SessionExpiredError):
        backend.get_consumer(again.token, "WU-10001")


def test_ending_ones_own_sessions_logs_oneself_out(world: World) -> None:
    token = world.token("utility_admin")
    assert world.backend.end_sessions(token, "utilityadmin", "self").ended == 1
    with pytest.raises(SessionExpiredError):
        world.backend.list_users(token)


def test_disabling_a_user_ends_their_sessions_and_refuses_logins(world: World) -> None:
    backend, admin = world.backend, world.token("cso_admin")
    token = world.token("billing_specialist")
    user = backend.set_user_active(admin, "billing", False, "off-1")
    assert (user.username, user.active, user.open_sessions) == ("billing", False, 0)
    with pytest.raises(SessionExpiredError, match="Your account has been disabled"):
        backend.get_consumer(token, "WU-10001")
    with pytest.raises(AuthenticationError) as exc:
        backend.login("billing", PASSWORD)
    assert exc.value.message == "Wrong user name or password."
    assert backend.set_user_active(admin, "billing", False, "off-1") == user  # a retry
    assert backend.set_user_active(admin, "billing", False, "off-2").active is False  # no-op
    assert [(r.before, r.after, r.detail) for r in world.db.audit("user_disabled")] == [
        ({"active": True}, {"active": False}, "1 session(s) ended")
    ]
    back = backend.set_user_active(admin, "billing", True, "on-1")
    assert back.active is True
    assert backend.login("billing", PASSWORD).username == "billing"
    assert len(world.db.audit("user_enabled")) == 1


def test_an_admin_cannot_disable_themselves(world: World) -> None:
    with pytest.raises(FieldError, match="your own account") as exc:
        world.backend.set_user_active(world.token("cso_admin"), "admin", False, "self-off")
    assert exc.value.field == "username"
    assert world.db.audit("user_disabled") == []


def test_user_admin_calls_name_an_unknown_user(world: World) -> None:
    admin = world.token("cso_admin")
    with pytest.raises(NotFoundError, match="nobody"):
        world.backend.end_sessions(admin, "nobody", "x1")
    with pytest.raises(NotFoundError, match="nobody"):
        world.backend.set_user_active(admin, "nobody", False, "x2")


def test_list_users_counts_open_sessions(world: World) -> None:
    backend = world.backend
    backend.login("recovery", PASSWORD)
    backend.login("recovery", PASSWORD)
    ended = backend.login("recovery", PASSWORD)
    backend.logout(ended.token)
    users = {u.username: u for u in backend.list_users(world.token("utility_admin"))}
    assert sorted(users) == sorted(name for name, _ in STAFF.values())
    assert users["recovery"].open_sessions == 2
    assert users["recovery"].last_login_at == world.clock.now
    assert users["utilityadmin"].open_sessions == 1  # the caller
    assert users["manager"].open_sessions == 0
    world.clock.advance(minutes=31)  # idle sessions no longer count
    users = {
        u.username: u for u in backend.list_users(world.backend.login("admin", PASSWORD).token)
    }
    assert users["recovery"].open_sessions == 0


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_manage_users_and_sessions(world: World, role: str) -> None:
    token = world.token(role)
    calls = [
        lambda: world.backend.list_users(token),
        lambda: world.backend.end_sessions(token, "technician", f"e-{role}"),
        lambda: world.backend.set_user_active(token, "technician", True, f"a-{role}"),
    ]
    for call in calls:
        if role in USER_ADMINS:
            call()
        else:
            with pytest.raises(PermissionDeniedError):
                call()
