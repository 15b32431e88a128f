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

#: Who may change consumer records and open work for them (not billing or the field).
CONSUMER_EDITORS = frozenset(
    {
        Role.CSO_ADMIN,
        Role.CSO_MANAGER,
        Role.CUSTOMER_EXECUTIVE,
        Role.CALL_CENTER,
        Role.UTILITY_ADMIN,
    }
)
#: Who works the collections list (seed 004's recovery executive, and those above them).
COLLECTIONS = frozenset(
    {
        Role.RECOVERY_EXECUTIVE,
        Role.CSO_MANAGER,
        Role.CSO_ADMIN,
        Role.BILLING_SPECIALIST,
        Role.UTILITY_ADMIN,
    }
)

#: Who manages staff accounts and their sessions.
USER_ADMINS = frozenset({Role.CSO_ADMIN, Role.UTILITY_ADMIN})
#: Who records a payment received, settling bills (seed 000: the CSO admin's "bill payment
#: supervision ... mark as paid"; DESIGN, Roles: only admins mark bills paid).
PAYMENT_RECORDERS = frozenset({Role.CSO_ADMIN, Role.UTILITY_ADMIN})

#: Who changes the disconnection settings (reasons, time slots, SLA targets and calendar,
#: checklist, guard-rails): the CSO admin (seed 001's "Setup" tiles configure the office's
#: services), the utility administrator (seed 003: "configure system settings") and the CSO
#: manager (DESIGN, Roles: managers schedule resources; slots and SLA targets are that).
DISCONNECTION_SETTINGS_ADMINS = frozenset({Role.CSO_ADMIN, Role.UTILITY_ADMIN, Role.CSO_MANAGER})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "search_consumers": ALL_STAFF,
    "get_consumer": ALL_STAFF,
    "list_notes": ALL_STAFF,
    "add_note": ALL_STAFF,
    "record_usage": ALL_STAFF,
    "update_consumer": CONSUMER_EDITORS,
    # consumer management (seed 004): reading is everyone's; exporting personal data is not
    "consumer_kpis": ALL_STAFF,
    "list_consumers": ALL_STAFF,
    "get_profile": ALL_STAFF,
    "list_payments": ALL_STAFF,
    "list_bills": ALL_STAFF,
    "list_readings": ALL_STAFF,
    "consumption": ALL_STAFF,
    "list_service_orders": ALL_STAFF,
    "list_complaints": ALL_STAFF,
    "list_requests": ALL_STAFF,
    "list_communications": ALL_STAFF,
    "list_documents": ALL_STAFF,
    "activity": ALL_STAFF,
    "get_preference": ALL_STAFF,
    "catalog": ALL_STAFF,
    "set_preference": ALL_STAFF,
    "add_notes": ALL_STAFF,
    "export_consumers": COLLECTIONS | {Role.CSO_ADMIN, Role.CSO_MANAGER},
    "create_consumer": CONSUMER_EDITORS,
    "next_account_no": CONSUMER_EDITORS,
    "create_service_order": CONSUMER_EDITORS,
    "record_reading": CONSUMER_EDITORS | {Role.FIELD_TECHNICIAN, Role.BILLING_SPECIALIST},
    "create_request": CONSUMER_EDITORS,
    # seed 003: who makes disconnection / reconnection requests holds the profile meanwhile
    "disconnection_settings": ALL_STAFF,
    "get_disconnection_request": ALL_STAFF,
    "list_disconnection_requests": ALL_STAFF,
    "disconnection_kpis": ALL_STAFF,
    "deliver_notifications": ALL_STAFF,
    "get_final_bill": ALL_STAFF,
    "request_timeline": ALL_STAFF,
    "check_meter": ALL_STAFF,
    "check_device": ALL_STAFF,
    "check_service_order": ALL_STAFF,
    "draft_final_bill": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE, Role.BILLING_SPECIALIST},
    "discard_final_bill": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE, Role.BILLING_SPECIALIST},
    "approve_final_bill": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE, Role.BILLING_SPECIALIST},
    "execute_disconnection": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE, Role.FIELD_TECHNICIAN},
    "create_disconnection_request": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE},
    "change_disconnection_status": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE},
    "set_deposit_use": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE, Role.BILLING_SPECIALIST},
    "lock_consumer": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE},
    "release_consumer": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE},
    "request_service_orders": ALL_STAFF,
    "service_order_templates": ALL_STAFF,
    "service_order_report": ALL_STAFF,
    "create_request_service_order": CONSUMER_EDITORS | {Role.RECOVERY_EXECUTIVE},
    "request_communications": ALL_STAFF,
    "add_request_communication": CONSUMER_EDITORS
    | {Role.RECOVERY_EXECUTIVE, Role.BILLING_SPECIALIST},
    "register_complaint": DESK_STAFF,
    "send_message": DESK_STAFF,
    "attach_document": DESK_STAFF,
    "recovery_accounts": COLLECTIONS,
    "record_payment": PAYMENT_RECORDERS,
    "create_user": USER_ADMINS,
    "list_users": USER_ADMINS,
    "set_user_active": USER_ADMINS,
    "end_sessions": USER_ADMINS,
    # the disconnection settings screens: one right, checked by every call (the method
    # names too: a call refused before it runs names its method)
    "manage_disconnection_settings": DISCONNECTION_SETTINGS_ADMINS,
    "disconnection_admin_settings": DISCONNECTION_SETTINGS_ADMINS,
    "save_disconnection_reason": DISCONNECTION_SETTINGS_ADMINS,
    "remove_disconnection_reason": DISCONNECTION_SETTINGS_ADMINS,
    "save_time_slot": DISCONNECTION_SETTINGS_ADMINS,
    "remove_time_slot": DISCONNECTION_SETTINGS_ADMINS,
    "save_sla_target": DISCONNECTION_SETTINGS_ADMINS,
    "save_checklist": DISCONNECTION_SETTINGS_ADMINS,
    "save_sla_calendar": DISCONNECTION_SETTINGS_ADMINS,
    "add_holiday": DISCONNECTION_SETTINGS_ADMINS,
    "remove_holiday": DISCONNECTION_SETTINGS_ADMINS,
    "save_disconnection_guardrails": DISCONNECTION_SETTINGS_ADMINS,
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
