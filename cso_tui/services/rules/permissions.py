"""Who may do what. The service layer checks every call here, once."""

from __future__ import annotations

from cso_tui.models.enums import Role

ALL_STAFF = frozenset(Role)
DESK_STAFF = frozenset(
    {
        Role.CSO_ADMIN,
        Role.CSO_MANAGER,
        Role.CUSTOMER_EXECUTIVE,
        Role.CALL_CENTER,
        Role.RECOVERY_EXECUTIVE,
        Role.BILLING_SPECIALIST,
        Role.UTILITY_ADMIN,
    }
)

#: Who manages staff accounts and their sessions.
USER_ADMINS = frozenset({Role.CSO_ADMIN, Role.UTILITY_ADMIN})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "search_consumers": ALL_STAFF,
    "get_consumer": ALL_STAFF,
    "list_notes": ALL_STAFF,
    "add_note": ALL_STAFF,
    "record_usage": ALL_STAFF,
    "update_consumer": frozenset(
        {
            Role.CSO_ADMIN,
            Role.CSO_MANAGER,
            Role.CUSTOMER_EXECUTIVE,
            Role.CALL_CENTER,
            Role.UTILITY_ADMIN,
        }
    ),
    "create_user": USER_ADMINS,
    "list_users": USER_ADMINS,
    "set_user_active": USER_ADMINS,
    "end_sessions": USER_ADMINS,
}


def allowed(role: str, action: str) -> bool:
    """True when ``role`` may perform ``action``; unknown actions are refused."""
    roles = PERMISSIONS.get(action)
    if roles is None:
        return False
    try:
        return Role(role) in roles
    except ValueError:
        return False
