"""Contract on the demo data set: demo logins, and the seeds' sample records found by search."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from cso_tui.models import User
from cso_tui.services.errors import AuthenticationError
from cso_tui.services.schemas import SearchKind

DEMO_LOGINS = {
    "admin": "cso_admin",
    "manager": "cso_manager",
    "executive": "customer_executive",
    "callcenter": "call_center",
    "recovery": "recovery_executive",
    "billing": "billing_specialist",
    "technician": "field_technician",
    "utilityadmin": "utility_admin",
}


def _token(backend: Any, username: str = "admin") -> str:
    return str(backend.login(username, "demo").token)


def test_info_lists_the_demo_logins(readonly_demo_backend: Any) -> None:
    info = readonly_demo_backend.info()
    assert info.is_demo is True
    assert info.has_users is True
    assert info.demo_password == "demo"
    assert [(u.username, u.role) for u in info.demo_users] == list(DEMO_LOGINS.items())
    assert all(u.role_label for u in info.demo_users)


def test_every_demo_login_works_with_the_demo_password(readonly_demo_backend: Any) -> None:
    for username, role in DEMO_LOGINS.items():
        session = readonly_demo_backend.login(username, "demo")
        assert session.role == role, username
    with pytest.raises(AuthenticationError):
        readonly_demo_backend.login("admin", "not-demo")


def test_a_disabled_demo_login_is_not_advertised(demo_backend: Any, demo_url: str) -> None:
    from cso_tui.services.local import LocalBackend

    local = LocalBackend(demo_url)
    try:
        with local._write() as s:
            s.execute(update(User).where(User.username == "technician").values(active=False))
    finally:
        local.close()
    names = [u.username for u in demo_backend.info().demo_users]
    assert "technician" not in names
    assert len(names) == len(DEMO_LOGINS) - 1


SEED_TERMS = [
    ("WU-10001", "WU-10001", SearchKind.ACCOUNT),
    ("10001", "WU-10001", SearchKind.ACCOUNT),
    ("M-5678", "WU-10001", SearchKind.METER),
    ("D-9012", "WU-10001", SearchKind.DEVICE),
    ("john.doe@example.com", "WU-10001", SearchKind.EMAIL),
    ("WU-10002", "WU-10002", SearchKind.ACCOUNT),
    ("WU-10007", "WU-10007", SearchKind.ACCOUNT),
    ("ACC-2024-001789", "ACC-2024-001789", SearchKind.ACCOUNT),
]


@pytest.mark.parametrize(("term", "account", "kind"), SEED_TERMS)
def test_the_seed_records_are_found(
    readonly_demo_backend: Any, term: str, account: str, kind: SearchKind
) -> None:
    page = readonly_demo_backend.search_consumers(_token(readonly_demo_backend), term)
    assert page.kind == kind
    assert page.items[0].account_no == account


def test_the_seed_phone_number_finds_both_consumers_who_share_it(
    readonly_demo_backend: Any,
) -> None:
    token = _token(readonly_demo_backend, "callcenter")
    for term in ("(555) 123-4567", "555-123-4567", "5551234567", "+1 555 123 4567"):
        page = readonly_demo_backend.search_consumers(token, term)
        got = {hit.account_no for hit in page.items}
        assert {"WU-10001", "ACC-2024-001789"} <= got, term
        assert page.kind == SearchKind.PHONE


def test_the_seed_records_details(readonly_demo_backend: Any) -> None:
    token = _token(readonly_demo_backend, "executive")
    john = readonly_demo_backend.get_consumer(token, "WU-10001")
    assert john.name == "John Doe"
    assert john.balance == Decimal("75.30")
    assert ("M-5678", "D-9012") in [(m.meter_no, m.device_no) for m in john.meters]
    assert readonly_demo_backend.get_consumer(token, "WU-10002").vip is True
    assert readonly_demo_backend.get_consumer(token, "WU-10007").status == "disconnected"
    assert readonly_demo_backend.get_consumer(token, "ACC-2024-001789").name == "John Michael Smith"


def test_name_search_on_the_demo_data(readonly_demo_backend: Any) -> None:
    token = _token(readonly_demo_backend)
    for term in ("john doe", "doe john", "joh do"):
        assert readonly_demo_backend.search_consumers(token, term).items[0].account_no == "WU-10001"
    smiths = {h.account_no for h in readonly_demo_backend.search_consumers(token, "smith").items}
    assert {"WU-10002", "ACC-2024-001789"} <= smiths


def test_paging_through_every_demo_account(
    readonly_demo_backend: Any, readonly_demo_url: str
) -> None:
    from cso_tui.services.local import LocalBackend

    local = LocalBackend(readonly_demo_url)
    try:
        expected = sorted(
            r[0] for r in local.execute_sql("SELECT account_no FROM consumer")
            if r[0].startswith("WU-")
        )  # fmt: skip
    finally:
        local.close()
    assert len(expected) >= 40
    token = _token(readonly_demo_backend)
    page = readonly_demo_backend.search_consumers(token, "WU-", limit=7)
    seen = [h.account_no for h in page.items]
    while page.next_cursor:
        assert len(seen) <= len(expected)
        page = readonly_demo_backend.search_consumers(
            token, "WU-", cursor=page.next_cursor, limit=7
        )
        seen += [h.account_no for h in page.items]
    assert seen == expected
