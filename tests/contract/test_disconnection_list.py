"""Contract: the disconnection landing page (seed 003) on every backend: the list's tabs,
search, filters, columns and paging; the monthly KPI cards and their trend."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from contract.support import World
from cso_tui.services.errors import ValidationError
from cso_tui.services.schemas import DisconnectionQuery, NewDisconnectionRequest, RequestTab

# T0 is Nov 20, 2024 14:30 UTC: 08:30 AM in Chicago, the office's default zone


def make(world: World, account_no: str, reason: str = "NP-001") -> str:
    request = NewDisconnectionRequest(
        account_no=account_no,
        reason_code=reason,
        preferred_date=world.clock().date() + timedelta(days=5),
        time_slot="10:00 AM - 12:00 PM",
        notify_customer=False,
    )
    out = world.backend.create_disconnection_request(world.token(), request, f"make-{account_no}")
    return out.request_no


@pytest.fixture
def made(world: World) -> list[str]:
    """Four requests a few minutes apart: three disconnections and a reconnection for an
    inactive consumer; the first one acknowledged and resolved."""
    with world.db.write() as s:
        consumer = world.db.consumer("WU-10003")
        consumer.status = "inactive"
        s.add(consumer)
    numbers = []
    for account, reason in (
        ("WU-10001", "NP-001"),
        ("WU-10002", "CR-001"),
        ("WU-10003", "RC-001"),
        ("ACC-2024-001789", "VP-001"),
    ):
        numbers.append(make(world, account, reason))
        world.clock.advance(minutes=5)
    b, t = world.backend, world.token()
    b.change_disconnection_status(t, numbers[0], "acknowledge", "ack")
    b.change_disconnection_status(t, numbers[0], "resolve", "done")
    return numbers


def listed(world: World, **query: object) -> list[str]:
    page = world.backend.list_disconnection_requests(
        world.token("call_center"), DisconnectionQuery.model_validate(query)
    )
    return [r.request_no for r in page.items]


def test_current_and_history_tabs_newest_first(world: World, made: list[str]) -> None:
    first, second, third, fourth = made
    assert listed(world) == [fourth, third, second]
    assert listed(world, tab="history") == [first]
    assert listed(world, tab="all") == [fourth, third, second, first]


def test_the_rows_carry_the_seed_columns(world: World, made: list[str]) -> None:
    page = world.backend.list_disconnection_requests(world.token(), DisconnectionQuery())
    row = next(r for r in page.items if r.account_no == "WU-10002")
    assert row.request_no == made[1] and row.request_no.startswith("DIS-2024-")
    assert (row.consumer_name, row.vip) == ("Jane Smith", True)
    assert row.service_address == "456 Oak Avenue, Springfield, IL"
    assert (row.request_type, row.status, row.priority) == ("disconnection", "pending", "low")
    assert row.outstanding == Decimal("1250.00")
    assert row.created_at == world.clock() - timedelta(minutes=15)
    reconnection = next(r for r in page.items if r.account_no == "WU-10003")
    assert reconnection.request_type == "reconnection"
    assert page.matches == 3 and page.next_cursor is None


def test_search_by_request_id_name_or_account(world: World, made: list[str]) -> None:
    everything = {"tab": "all"}
    assert listed(world, text=made[2], **everything) == [made[2]]
    assert listed(world, text=made[2].lower(), **everything) == [made[2]]
    assert listed(world, text="DIS-2024", **everything) == list(reversed(made))
    assert listed(world, text="dis-", **everything) == list(reversed(made))
    assert listed(world, text="DIS-2023", **everything) == []
    assert listed(world, text="WU-10002", **everything) == [made[1]]
    assert listed(world, text="smith", **everything) == [made[3], made[1]]
    assert listed(world, text="john doe", **everything) == [made[0]]
    assert listed(world, text="nobody here", **everything) == []


def test_filters_status_type_priority_and_date(world: World, made: list[str]) -> None:
    everything = {"tab": "all"}
    assert listed(world, statuses=["completed"], **everything) == [made[0]]
    assert listed(world, request_types=["reconnection"], **everything) == [made[2]]
    assert listed(world, priorities=["high"], **everything) == [made[0]]
    assert listed(world, priorities=["medium", "low"]) == [made[3], made[2], made[1]]
    # made on Nov 20 in Chicago (08:30 AM): the office's day, not UTC's
    assert listed(world, created_from="2024-11-20", created_to="2024-11-20") == [
        made[3],
        made[2],
        made[1],
    ]
    assert listed(world, created_from="2024-11-21") == []
    assert listed(world, created_to="2024-11-19") == []
    # a filter and the tab both hold: a completed request is not current
    assert listed(world, statuses=["completed"]) == []


def test_pages_follow_on_without_repeats(world: World, made: list[str]) -> None:
    b, t = world.backend, world.token()
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = b.list_disconnection_requests(
            t, DisconnectionQuery(tab=RequestTab.ALL), cursor=cursor, limit=1
        )
        assert page.matches == 4
        seen += [r.request_no for r in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == list(reversed(made))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"statuses": ["done"]}, "statuses"),
        ({"request_types": ["transfer"]}, "request_types"),
        ({"priorities": ["urgent"]}, "priorities"),
        ({"created_from": "2024-11-21", "created_to": "2024-11-20"}, "created_to"),
    ],
)
def test_a_bad_filter_names_its_field(world: World, query: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        world.backend.list_disconnection_requests(
            world.token(), DisconnectionQuery.model_validate(query)
        )
    assert err.value.field == field


def test_a_bad_cursor_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as err:
        world.backend.list_disconnection_requests(world.token(), DisconnectionQuery(), "zzz")
    assert err.value.field == "cursor"


def test_monthly_kpi_cards(world: World, made: list[str]) -> None:
    kpis = world.backend.disconnection_kpis(world.token("call_center"))
    now = kpis.current
    assert now.month == date(2024, 11, 1)
    assert (now.pending_disconnections, now.completed_disconnections) == (2, 1)
    assert (now.pending_reconnections, now.completed_reconnections) == (1, 0)
    assert [m.month for m in kpis.trend] == [
        date(2024, 6, 1),
        date(2024, 7, 1),
        date(2024, 8, 1),
        date(2024, 9, 1),
        date(2024, 10, 1),
        date(2024, 11, 1),
    ]
    assert kpis.trend[-1] == now
    assert all(m.pending_disconnections == 0 for m in kpis.trend[:-1])
    # another month, asked by any of its days: nothing then
    october = world.backend.disconnection_kpis(world.token(), date(2024, 10, 17)).current
    assert october.month == date(2024, 10, 1) and october.pending_disconnections == 0
    december = world.backend.disconnection_kpis(world.token(), date(2024, 12, 3))
    assert december.trend[-2].completed_disconnections == 1


def test_a_request_closed_leaves_the_pending_count(world: World, made: list[str]) -> None:
    b, t = world.backend, world.token()
    b.change_disconnection_status(t, made[1], "close", "c", close_reason="duplicate_request")
    now = b.disconnection_kpis(t).current
    assert (now.pending_disconnections, now.completed_disconnections) == (1, 1)
    assert made[1] in listed(world, tab="history")
