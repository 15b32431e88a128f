"""Contract: info, login, lockout, logout, session timeouts, disabled users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from contract.support import PASSWORD, STAFF, World
from cso_tui.config import SessionSettings
from cso_tui.models import User
from cso_tui.services.errors import (
    AccountLockedError,
    AuthenticationError,
    PermissionDeniedError,
    SessionExpiredError,
)

WRONG = "Wrong user name or password."


def test_info_on_an_empty_database(empty_world: World) -> None:
    info = empty_world.backend.info()
    assert info.is_demo is False
    assert info.demo_users == []
    assert info.demo_password is None
    assert info.has_users is False
    assert info.database in ("sqlite", "postgresql")
    assert info.version


def test_info_lists_no_demo_users_on_a_real_database(world: World) -> None:
    """Users named like the demo ones ("admin") are not advertised outside a demo database."""
    info = world.backend.info()
    assert info.has_users is True
    assert info.is_demo is False
    assert info.demo_users == []
    assert info.demo_password is None


def test_first_user_bootstraps_an_empty_database(empty_world: World) -> None:
    backend, db = empty_world.backend, empty_world.db
    user = db.local.create_first_user("Root", "Root Admin", "cso_admin", "s3cret-pass")
    assert (user.username, user.role, user.active) == ("root", "cso_admin", True)
    assert backend.info().has_users is True
    session = backend.login("root", "s3cret-pass")
    assert session.role == "cso_admin"
    assert [e.after["username"] for e in db.audit("user_created")] == ["root"]
    with pytest.raises(PermissionDeniedError):
        db.local.create_first_user("second", "Second Admin", "cso_admin", "s3cret-pass")


def test_login_success_returns_a_session_and_is_audited(world: World) -> None:
    session = world.backend.login("  Admin ", PASSWORD, client="pytest")
    assert session.username == "admin"
    assert session.full_name == "Alice Admin"
    assert session.role == "cso_admin"
    assert session.role_label == "CSO Admin"
    assert session.created_at == world.clock.now
    assert len(session.token) >= 32
    rows = world.db.audit("login")
    assert [(r.user_id, r.username, r.detail) for r in rows] == [
        (session.user_id, "admin", "pytest")
    ]
    # the token works
    world.backend.search_consumers(session.token, "john")
    # and only its hash is stored
    stored = world.db.local.execute_sql("SELECT token_hash FROM user_session")
    assert len(stored) == 1
    assert session.token not in str(stored)


def test_wrong_password_and_unknown_user_get_the_same_answer(world: World) -> None:
    with pytest.raises(AuthenticationError) as wrong:
        world.backend.login("admin", "not-the-password")
    with pytest.raises(AuthenticationError) as unknown:
        world.backend.login("nobody", PASSWORD)
    assert type(wrong.value) is AuthenticationError
    assert type(unknown.value) is AuthenticationError
    assert wrong.value.message == unknown.value.message == WRONG
    failed = world.db.audit("login_failed")
    assert [(r.username, r.user_id) for r in failed] == [("admin", None), ("nobody", None)]
    assert failed[0].entity_id == str(world.db.user("admin").id)
    assert world.db.audit("login") == []


def test_five_failures_lock_the_account_until_the_lockout_ends(world: World) -> None:
    backend, clock = world.backend, world.clock
    for _ in range(4):
        with pytest.raises(AuthenticationError) as exc:
            backend.login("manager", "bad-password")
        assert type(exc.value) is AuthenticationError
    with pytest.raises(AccountLockedError) as locked:
        backend.login("manager", "bad-password")
    assert locked.value.until == clock.now + timedelta(minutes=15)
    # locked: even the right password is refused
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLockedError):
        backend.login("manager", PASSWORD)
    # the lock ends on its own
    clock.advance(seconds=2)
    assert backend.login("manager", PASSWORD).username == "manager"
    # and the failure count started again from zero
    with pytest.raises(AuthenticationError) as again:
        backend.login("manager", "bad-password")
    assert type(again.value) is AuthenticationError

    db = world.db
    assert [r.detail for r in db.audit("login_failed")] == ["wrong password"] * 4 + [
        "locked",
        "wrong password",
    ]
    assert len(db.audit("login_refused_locked")) == 1
    assert len(db.audit("login")) == 1


def test_a_success_resets_the_failure_count(world: World) -> None:
    backend = world.backend
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            backend.login("billing", "bad-password")
    backend.login("billing", PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationError) as exc:
            backend.login("billing", "bad-password")
        assert type(exc.value) is AuthenticationError
    assert backend.login("billing", PASSWORD).role == "billing_specialist"


def test_unknown_users_never_lock_and_never_reveal_themselves(world: World) -> None:
    for _ in range(7):
        with pytest.raises(AuthenticationError) as exc:
            world.backend.login("ghost", "whatever-1")
        assert type(exc.value) is AuthenticationError
        assert exc.value.message == WRONG
    assert len(world.db.audit("login_failed")) == 7


def test_logout_ends_the_token_at_once(world: World) -> None:
    backend = world.backend
    session = backend.login("executive", PASSWORD)
    other = backend.login("executive", PASSWORD)
    backend.logout(session.token)
    with pytest.raises(SessionExpiredError):
        backend.search_consumers(session.token, "john")
    backend.logout(session.token)  # ending an ended session is not an error
    backend.logout("no-such-token")
    # another session of the same user is untouched
    assert backend.search_consumers(other.token, "john").items
    assert [r.user_id for r in world.db.audit("logout")] == [session.user_id]


def test_an_unknown_token_is_refused(readonly_world: World) -> None:
    with pytest.raises(SessionExpiredError):
        readonly_world.backend.get_consumer("forged-token", "WU-10001")


def test_idle_timeout(make_backend, world: World) -> None:
    clock = world.clock
    backend = make_backend(clock=clock, session_settings=SessionSettings(idle_timeout_minutes=10))
    token = backend.login("callcenter", PASSWORD).token
    # activity keeps the session alive well past one idle period
    for _ in range(5):
        clock.advance(minutes=9, seconds=59)
        backend.get_consumer(token, "WU-10001")
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(SessionExpiredError, match="inactivity"):
        backend.get_consumer(token, "WU-10001")
    # once expired it stays expired, even "back in time" activity cannot revive it
    with pytest.raises(SessionExpiredError):
        backend.search_consumers(token, "john")


def test_absolute_timeout_ends_even_a_busy_session(make_backend, world: World) -> None:
    clock = world.clock
    backend = make_backend(
        clock=clock,
        session_settings=SessionSettings(idle_timeout_minutes=30, absolute_timeout_hours=2),
    )
    token = backend.login("recovery", PASSWORD).token
    for _ in range(6):  # 6 x 20 min = exactly 2 h: still inside
        clock.advance(minutes=20)
        backend.search_consumers(token, "smith")
    clock.advance(seconds=1)
    with pytest.raises(SessionExpiredError, match="maximum length"):
        backend.search_consumers(token, "smith")


def test_default_session_limits(world: World) -> None:
    """Defaults: 30 minutes idle."""
    clock, backend = world.clock, world.backend
    token = world.token("cso_manager")
    clock.advance(minutes=30)
    backend.list_notes(token, "WU-10001")
    clock.advance(minutes=30, seconds=1)
    with pytest.raises(SessionExpiredError):
        backend.list_notes(token, "WU-10001")


def test_a_disabled_users_token_stops_working(world: World) -> None:
    token = world.token("customer_executive")
    world.backend.get_consumer(token, "WU-10001")
    with world.db.write() as s:
        s.execute(update(User).where(User.username == "executive").values(active=False))
    with pytest.raises(SessionExpiredError, match="disabled"):
        world.backend.get_consumer(token, "WU-10001")
    with pytest.raises(AuthenticationError) as exc:
        world.backend.login("executive", PASSWORD)
    assert exc.value.message == WRONG


@pytest.mark.parametrize("role", list(STAFF))
def test_every_role_can_log_in(readonly_world: World, role: str) -> None:
    session = readonly_world.backend.login(STAFF[role][0], PASSWORD)
    assert session.role == role
    assert session.role_label
