"""Who may do what (the table the service layer checks on every call)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cso_tui.models.enums import Role
from cso_tui.services.backend import Backend
from cso_tui.services.rules.permissions import PERMISSIONS, allowed

#: Backend calls that need no permission: no session yet, or ending one's own.
UNCHECKED = {"info", "login", "logout", "close"}


@pytest.mark.parametrize("action", sorted(PERMISSIONS))
def test_every_action_has_at_least_one_role(action: str) -> None:
    roles = PERMISSIONS[action]
    assert roles
    assert all(isinstance(r, Role) for r in roles)
    assert any(allowed(r.value, action) for r in Role)


def test_every_backend_call_that_needs_a_session_is_in_the_table() -> None:
    calls = {
        name
        for name in vars(Backend)
        if not name.startswith("_") and callable(getattr(Backend, name))
    }
    assert calls - UNCHECKED <= set(PERMISSIONS), sorted(calls - UNCHECKED - set(PERMISSIONS))


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_find_and_read_consumers(role: Role) -> None:
    for action in ("search_consumers", "get_consumer", "list_notes", "record_usage"):
        assert allowed(role.value, action), (role, action)


def test_field_technicians_only_read() -> None:
    assert not allowed("field_technician", "update_consumer")
    assert not allowed("field_technician", "create_user")


def test_only_admins_create_users() -> None:
    assert {r for r in Role if allowed(r.value, "create_user")} == {
        Role.CSO_ADMIN,
        Role.UTILITY_ADMIN,
    }


def test_who_may_edit_a_consumer() -> None:
    assert {r for r in Role if allowed(r.value, "update_consumer")} == {
        Role.CSO_ADMIN,
        Role.CSO_MANAGER,
        Role.CUSTOMER_EXECUTIVE,
        Role.CALL_CENTER,
        Role.UTILITY_ADMIN,
    }


@given(st.text())
def test_unknown_actions_are_refused_for_everyone(action: str) -> None:
    if action in PERMISSIONS:
        return
    assert not any(allowed(r.value, action) for r in Role)


@given(st.text())
def test_unknown_roles_may_do_nothing(role: str) -> None:
    if role in {r.value for r in Role}:
        return
    assert not any(allowed(role, action) for action in PERMISSIONS)


def test_role_names_are_exact() -> None:
    assert not allowed("CSO_ADMIN", "create_user")
    assert not allowed(" cso_admin", "create_user")
    assert not allowed("", "search_consumers")
