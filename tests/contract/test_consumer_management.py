"""Contract: consumer management (seed 004) — list, KPIs, export, create, profile, tabs,
quick actions, activity, recovery and preferences, on every backend."""

from __future__ import annotations

import base64
import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from contract.support import PASSWORD, World
from cso_tui.models import (
    Bill,
    Communication,
    Complaint,
    Consumer,
    Meter,
    MeterReading,
    NotificationOutbox,
    Payment,
    ServiceConnection,
    ServiceOrder,
    ServiceRequest,
)
from cso_tui.services.errors import (
    DuplicateConsumerError,
    NotFoundError,
    PermissionDeniedError,
)
from cso_tui.services.errors import ValidationError as FieldError
from cso_tui.services.schemas import (
    ConsumerCreate,
    ConsumerQuery,
    ConsumerSort,
    DocumentUpload,
    NewMessage,
    NewServiceOrder,
)

# ---------------------------------------------------------------- KPIs and the list


def test_kpis_count_statuses_and_sum_balances(readonly_world: World) -> None:
    k = readonly_world.backend.consumer_kpis(readonly_world.token("call_center"))
    assert (k.total, k.active, k.disconnected, k.inactive) == (8, 7, 1, 0)
    assert k.total_balance == Decimal("1313.25")  # 75.30 + 1250.00 - 12.05
    assert isinstance(k.total_balance, Decimal)
    assert (k.percent(k.active), k.percent(k.disconnected)) == (88, 13)


def test_kpis_follow_a_status_change_in_the_same_transaction(world: World) -> None:
    with world.db.write() as s:
        david = s.exec(select(Consumer).where(Consumer.account_no == "WU-10007")).one()
        david.status = "temporarily_disconnected"
        david.balance = Decimal("100.00")
    k = world.backend.consumer_kpis(world.token())
    assert (k.disconnected, k.temporarily_disconnected) == (0, 1)
    assert k.total_balance == Decimal("1425.30")


def _all_pages(world: World, query: ConsumerQuery, size: int = 3) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = world.backend.list_consumers(world.token(), query, cursor, size)
        seen += [r.account_no for r in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen


def test_list_pages_through_every_consumer_in_name_order(readonly_world: World) -> None:
    names = _all_pages(readonly_world, ConsumerQuery())
    assert len(names) == len(set(names)) == 8
    page = readonly_world.backend.list_consumers(readonly_world.token(), ConsumerQuery(), None, 50)
    assert [r.name for r in page.items] == sorted(r.name for r in page.items)
    assert page.matches == 8


def test_list_sorts_by_balance_descending_across_pages(readonly_world: World) -> None:
    query = ConsumerQuery(sort=ConsumerSort.BALANCE, descending=True)
    accounts = _all_pages(readonly_world, query, size=2)
    assert accounts[:2] == ["WU-10002", "WU-10001"]
    assert accounts[-1] == "WU-10007"  # -12.05, a credit
    assert len(accounts) == 8


def test_list_filters_combine(readonly_world: World) -> None:
    b, t = readonly_world.backend, readonly_world.token()
    page = b.list_consumers(t, ConsumerQuery(statuses=["disconnected"]))
    assert [r.account_no for r in page.items] == ["WU-10007"]
    assert page.matches == 1
    page = b.list_consumers(t, ConsumerQuery(vip=True))
    assert [r.account_no for r in page.items] == ["WU-10002"]
    page = b.list_consumers(t, ConsumerQuery(balance_min=Decimal("50"), balance_max=Decimal("100")))
    assert [r.account_no for r in page.items] == ["WU-10001"]
    page = b.list_consumers(t, ConsumerQuery(categories=["commercial"], statuses=["active"]))
    assert [r.account_no for r in page.items] == ["WU-10002"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("doe", {"WU-10001"}),
        ("john", {"WU-10001", "WU-10003", "WU-10004", "ACC-2024-001789", "WU-10007"}),
        ("WU-10002", {"WU-10002"}),
        ("10002", {"WU-10002"}),
        ("john.doe@", {"WU-10001"}),
        ("M-5678", {"WU-10001"}),
        ("555 123 4567", {"WU-10001"}),
        ("oak", {"WU-10002"}),
    ],
)
def test_list_search_reads_names_accounts_contacts_and_addresses(
    readonly_world: World, text: str, expected: set[str]
) -> None:
    page = readonly_world.backend.list_consumers(readonly_world.token(), ConsumerQuery(text=text))
    assert {r.account_no for r in page.items} == expected
    assert page.matches == len(expected)


@pytest.mark.parametrize("sort", list(ConsumerSort))
@pytest.mark.parametrize("descending", [False, True])
def test_a_common_word_pages_as_a_rare_one(
    readonly_world: World, monkeypatch: pytest.MonkeyPatch, sort: ConsumerSort, descending: bool
) -> None:
    """A word with many matches walks the sort order (on PostgreSQL: the page's ids from the
    name order's words, then their rows); a rare one fetches its matches and sorts them. Both
    give the same pages."""
    from cso_tui.services import consumer_queries

    b, t = readonly_world.backend, readonly_world.token()

    def pages() -> list[list[str]]:
        out: list[list[str]] = []
        cursor = None
        query = ConsumerQuery(text="john", sort=sort, descending=descending)
        while True:
            page = b.list_consumers(t, query, cursor, 2)
            out.append([r.account_no for r in page.items])
            cursor = page.next_cursor
            if cursor is None:
                return out

    rare = pages()
    monkeypatch.setattr(consumer_queries, "FEW_TEXT_MATCHES", {"sqlite": 0, "postgresql": 0})
    common = pages()
    assert common == rare
    assert sorted(a for page in rare for a in page) == sorted(
        ["WU-10001", "WU-10003", "WU-10004", "ACC-2024-001789", "WU-10007"]
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (ConsumerQuery(statuses=["asleep"]), "statuses"),
        (ConsumerQuery(standings=["late"]), "standings"),
        (ConsumerQuery(balance_min=Decimal("10"), balance_max=Decimal("5")), "balance_max"),
        (ConsumerQuery(balance_min=Decimal("1.005")), "balance_min"),
    ],
)
def test_a_bad_filter_names_its_field(
    readonly_world: World, query: ConsumerQuery, field: str
) -> None:
    with pytest.raises(FieldError) as err:
        readonly_world.backend.list_consumers(readonly_world.token(), query)
    assert err.value.field == field


def test_a_forged_cursor_is_a_validation_error(readonly_world: World) -> None:
    with pytest.raises(FieldError) as err:
        readonly_world.backend.list_consumers(readonly_world.token(), ConsumerQuery(), "zz!", 5)
    assert err.value.field == "cursor"


def test_list_search_records_a_consumer_search_event(world: World) -> None:
    world.backend.list_consumers(world.token("call_center"), ConsumerQuery(text="doe"))
    [event] = world.db.usage("Consumer_Search")
    assert event.properties["search_type"] == "name"
    assert event.properties["results_count"] == 1
    assert "doe" not in str(event.properties)  # the term itself is not kept


# ---------------------------------------------------------------- export


def test_export_writes_csv_in_the_order_given_and_is_audited(world: World) -> None:
    text = world.backend.export_consumers(world.token("cso_manager"), ["WU-10002", "wu-10001"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["account_no"] for r in rows] == ["WU-10002", "WU-10001"]
    assert rows[1]["balance"] == "75.30"
    assert rows[0]["vip"] == "True"
    [event] = world.db.audit("consumers_exported")
    assert event.after == {"account_nos": ["WU-10002", "WU-10001"]}
    assert event.username == "manager"


def test_export_refuses_unknown_accounts_and_unentitled_roles(readonly_world: World) -> None:
    b = readonly_world.backend
    with pytest.raises(NotFoundError):
        b.export_consumers(readonly_world.token(), ["WU-10001", "WU-99999"])
    with pytest.raises(PermissionDeniedError):
        b.export_consumers(readonly_world.token("call_center"), ["WU-10001"])
    with pytest.raises(FieldError):
        b.export_consumers(readonly_world.token(), [])


# ---------------------------------------------------------------- create


def new(**overrides: object) -> ConsumerCreate:
    data: dict[str, object] = {
        "account_no": "WU-20001",
        "name": "Priya Raman",
        "service_address": "14 Birch Lane, Springfield",
        "territory": "Springfield",
        "email": "priya@example.com",
        "phone": "(555) 700-1234",
        "opening_balance": Decimal("0.00"),
    }
    data.update(overrides)
    return ConsumerCreate(**data)  # type: ignore[arg-type]


def test_create_consumer_is_searchable_counted_and_audited(world: World) -> None:
    b, t = world.backend, world.token("customer_executive")
    before = b.consumer_kpis(t)
    made = b.create_consumer(t, new(connection_date=date(2024, 11, 1)), False, "c1")
    assert (made.account_no, made.name, made.status) == ("WU-20001", "Priya Raman", "active")
    assert b.consumer_kpis(t).total == before.total + 1
    assert [h.account_no for h in b.search_consumers(t, "priya").items] == ["WU-20001"]
    [event] = world.db.audit("consumer_created", "WU-20001")
    assert event.after["name"] == "Priya Raman"
    again = b.create_consumer(t, new(connection_date=date(2024, 11, 1)), False, "c1")
    assert again == made  # the same key: one consumer


def test_create_with_an_opening_balance_bills_it(world: World) -> None:
    b, t = world.backend, world.token()
    made = b.create_consumer(t, new(opening_balance=Decimal("45.10")), False, "c2")
    assert made.balance == Decimal("45.10")
    assert made.status == "pending"  # no connection date yet
    [bill] = b.list_bills(t, "WU-20001")
    assert (bill.amount, bill.status) == (Decimal("45.10"), "unpaid")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"account_no": ""}, "account_no"),
        ({"account_no": "20001"}, "account_no"),
        ({"account_no": "WU-10001"}, "account_no"),  # taken
        ({"service_address": ""}, "service_address"),
        ({"territory": "Atlantis"}, "territory"),
        ({"service_address": "14 Birch Lane, Billtown"}, "service_address"),  # not Springfield
        ({"email": "priya@"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"opening_balance": Decimal("10.005")}, "opening_balance"),
        ({"opening_balance": Decimal("-1.00")}, "opening_balance"),
        ({"category": "Spaceport"}, "category"),
    ],
)
def test_create_names_the_field_to_fix_and_saves_nothing(
    world: World, overrides: dict[str, object], field: str
) -> None:
    b, t = world.backend, world.token()
    with pytest.raises(FieldError) as err:
        b.create_consumer(t, new(**overrides), False, f"bad-{field}")
    assert err.value.field == field
    assert b.consumer_kpis(t).total == 8
    assert world.db.audit("consumer_created") == []


@pytest.mark.parametrize(
    ("overrides", "matched"),
    [
        ({"phone": "555.123.4567"}, "phone"),
        ({"email": "JOHN.DOE@example.com"}, "email"),
        ({"name": "John Doe", "service_address": "123  main street, Springfield, IL"},
         "name and address"),
    ],
)  # fmt: skip
def test_create_warns_about_a_matching_consumer_first(
    world: World, overrides: dict[str, object], matched: str
) -> None:
    b, t = world.backend, world.token()
    with pytest.raises(DuplicateConsumerError) as err:
        b.create_consumer(t, new(**overrides), False, "d1")
    assert [(m["account_no"], m["matched"]) for m in err.value.matches] == [("WU-10001", matched)]
    assert err.value.matches[0]["name"] == "John Doe"
    assert b.consumer_kpis(t).total == 8
    made = b.create_consumer(t, new(**overrides), True, "d2")  # confirmed
    assert made.account_no == "WU-20001"


def test_next_account_no_is_free_and_in_format(world: World) -> None:
    b, t = world.backend, world.token()
    suggested = b.next_account_no(t)
    assert suggested.startswith("WU-")
    b.create_consumer(t, new(account_no=suggested), False, "n1")
    assert b.next_account_no(t) != suggested


def test_only_editors_create_consumers(readonly_world: World) -> None:
    for role in ("billing_specialist", "field_technician", "recovery_executive"):
        with pytest.raises(PermissionDeniedError):
            readonly_world.backend.create_consumer(readonly_world.token(role), new(), False, "p")


# ---------------------------------------------------------------- the profile

NOW = datetime(2025, 5, 12, 15, 0, tzinfo=UTC)


def _seed_history(world: World) -> None:
    """John Doe, WU-10001, as seed 004 tells him: 13 payments (1 late), bills, readings,
    complaints, requests, communications (5 of 6 answered), a maintenance visit."""
    world.clock.now = NOW
    with world.db.write() as s:
        john = s.exec(select(Consumer).where(Consumer.account_no == "WU-10001")).one()
        john.connection_date = date(2023, 1, 15)
        conn = ServiceConnection(
            consumer_id=john.id, utility="water", connection_date=date(2023, 1, 15),
            rate_plan="Standard Residential", billing_cycle="Monthly", unit="gallons",
            created_at=NOW,
        )  # fmt: skip
        s.add(conn)
        s.flush()
        meter = s.exec(select(Meter).where(Meter.meter_no == "M-5678")).one()
        meter.connection_id = conn.id
        meter.model = "Aquaflow X200"
        values = [6800, 7980, 9050, 10100, 11350, 12580]
        for k, value in enumerate(values):
            month = date(2024, 11 + k, 15) if k < 2 else date(2025, k - 1, 15)
            s.add(MeterReading(
                meter_id=meter.id, reading_date=month, value=Decimal(value),
                consumption=Decimal(value - values[k - 1]) if k else None,
            ))  # fmt: skip
        amounts = ["105.00"] * 10 + ["105.25", "135.80", "120.45"]
        for k, amount in enumerate(amounts):
            issued = date(2024, 3, 15) + timedelta(days=30 * k)
            bill = Bill(
                bill_no=f"BL-9{k:04d}", consumer_id=john.id, period_start=issued,
                period_end=issued, issue_date=issued, due_date=issued + timedelta(days=30),
                amount=Decimal(amount), paid=Decimal(amount), status="paid", created_at=NOW,
            )  # fmt: skip
            s.add(bill)
            s.flush()
            s.add(Payment(
                payment_no=f"PAY-{9000 + k}", consumer_id=john.id, bill_id=bill.id,
                amount=Decimal(amount), method="Credit Card", digital=True, on_time=k != 3,
                paid_at=datetime.combine(issued, datetime.min.time(), UTC) + timedelta(days=29),
            ))  # fmt: skip
        s.add(Bill(
            bill_no="BL-99999", consumer_id=john.id, period_start=date(2025, 3, 15),
            period_end=date(2025, 4, 14), issue_date=date(2025, 4, 15),
            due_date=date(2025, 5, 15), amount=Decimal("75.30"), status="unpaid", created_at=NOW,
        ))  # fmt: skip
        for k, (status, rating) in enumerate((("resolved", 9), ("resolved", 8))):
            s.add(Complaint(
                complaint_no=f"C-{3000 + k}", consumer_id=john.id, category="Leakage",
                status=status, satisfaction=rating, created_at=NOW - timedelta(days=90 + k),
            ))  # fmt: skip
        for k in range(3):
            s.add(ServiceRequest(
                request_no=f"REQ-{3100 + k}", consumer_id=john.id, request_type="Transfer",
                created_at=NOW - timedelta(days=30 * (k + 1)),
            ))  # fmt: skip
        for k in range(6):
            s.add(Communication(
                consumer_id=john.id, channel="email", direction="to_customer",
                subject=f"Letter {k}", at=NOW - timedelta(days=k + 1), responded=k != 0,
            ))  # fmt: skip
        s.add(ServiceOrder(
            so_no="SO-4600", consumer_id=john.id, name="Maintenance - John Doe",
            order_type="Maintenance", description="Check for leak", status="scheduled",
            scheduled_date=date(2025, 5, 24), created_at=NOW - timedelta(days=2),
            created_by="Lisa Wilson",
        ))  # fmt: skip


def test_profile_has_the_seeds_figures(world: World) -> None:
    _seed_history(world)
    p = world.backend.get_profile(world.token("call_center"), "wu-10001")
    assert (p.account_no, p.name, p.status, p.vip) == ("WU-10001", "John Doe", "active", False)
    assert p.balance == Decimal("75.30")
    assert p.outstanding == Decimal("75.30")
    assert p.compliance == 92  # 12 of 13 on time
    assert p.last_payment is not None and p.last_payment.payment_no == "PAY-9012"
    assert p.next_due is not None
    assert (p.next_due.due_date, p.next_due.days, p.next_due.amount) == (
        date(2025, 5, 15),
        3,
        Decimal("75.30"),
    )
    assert [a.text for a in p.alerts] == [
        "Payment due in 3 days",
        "Scheduled maintenance on May 24",
    ]
    assert p.account_age_months == 27
    # the three last paid bills 105.25, 135.80, 120.45: mean 120.50 -> $110-130 (seed 004)
    assert (p.estimate_low, p.estimate_high) == (Decimal("110.00"), Decimal("130.00"))
    [water] = p.connections
    assert water.meters[0].meter_no == "M-5678"
    assert water.meters[0].last_reading == Decimal("12580")
    assert p.counts.payments == 13 and p.counts.readings == 6 and p.counts.requests == 3
    assert p.days_past_due == 0 and p.risk == "none"


def test_profile_health_score_shows_its_parts(world: World) -> None:
    _seed_history(world)
    h = world.backend.get_profile(world.token(), "WU-10001").health
    parts = {f.name: f for f in h.factors}
    assert parts["Payment compliance"].value == Decimal("92.31")
    assert parts["Service quality"].raw == Decimal("170.00")  # 100 - 3x5 + 8.5x10, capped
    assert parts["Service quality"].value == Decimal("100.00")
    assert parts["Communication responsiveness"].value == Decimal("83.33")
    assert parts["Account longevity"].value == Decimal("45.00")  # 27 / 60 months
    penalties = {p.name: p.points for p in h.penalties}
    assert penalties["Late payments"] == 2
    # 36.92 + 25 + 12.50 + 4.50 + 5 + 5 - 2 = 86.92
    assert (h.score, h.band, h.exact) == (87, "Good", Decimal("86.92"))


def test_profile_of_an_unknown_account_is_not_found(readonly_world: World) -> None:
    with pytest.raises(NotFoundError):
        readonly_world.backend.get_profile(readonly_world.token(), "WU-99999")


def test_tab_lists_are_newest_first(world: World) -> None:
    _seed_history(world)
    b, t = world.backend, world.token()
    payments = b.list_payments(t, "WU-10001")
    assert [p.payment_no for p in payments[:3]] == ["PAY-9012", "PAY-9011", "PAY-9010"]
    assert payments[0].amount == Decimal("120.45")
    assert [r.value for r in b.list_readings(t, "WU-10001")] == [
        Decimal(v) for v in (12580, 11350, 10100, 9050, 7980, 6800)
    ]
    with pytest.raises(NotFoundError):
        b.list_readings(t, "WU-10001", meter_no="M-6001")  # Jane's meter
    assert b.list_bills(t, "WU-10001")[0].bill_no == "BL-99999"
    use = b.consumption(t, "WU-10001", months=6)
    assert use.utilities == ["water"] and use.unit == "gallons"
    assert [(pt.month, pt.usage) for pt in use.points][-2:] == [
        (date(2025, 3, 1), Decimal(1250)),
        (date(2025, 4, 1), Decimal(1230)),
    ]
    with pytest.raises(FieldError) as err:
        b.consumption(t, "WU-10001", utility="electricity")
    assert err.value.field == "utility"
    assert [c.subject for c in b.list_communications(t, "WU-10001")][:2] == ["Letter 0", "Letter 1"]
    assert b.list_communications(t, "WU-10001", channel="sms") == []


# ---------------------------------------------------------------- quick actions


def test_create_service_order_numbers_it_and_audits(world: World) -> None:
    world.clock.now = NOW
    b, t = world.backend, world.token("call_center")
    order = NewServiceOrder(
        order_type="maintenance", description="Check for leak", scheduled_date=date(2025, 5, 20)
    )
    made = b.create_service_order(t, "WU-10001", order, "so1")
    again = b.create_service_order(t, "WU-10001", order, "so1")
    assert made == again
    assert (made.order_type, made.status) == ("Maintenance", "scheduled")
    assert made.so_no.startswith("SO-")
    second = b.create_service_order(t, "WU-10001", order, "so2")
    assert int(second.so_no[3:]) == int(made.so_no[3:]) + 1
    assert [o.so_no for o in b.list_service_orders(t, "WU-10001")] == [second.so_no, made.so_no]
    assert world.db.audit("service_order_created", made.so_no)
    assert world.db.usage("Service_Order_Creation")[0].properties["order_type"] == "Maintenance"


@pytest.mark.parametrize(
    ("order", "field"),
    [
        (NewServiceOrder(order_type="Teleport", description="x"), "order_type"),
        (NewServiceOrder(order_type="Maintenance", description=" "), "description"),
        (
            NewServiceOrder(
                order_type="Maintenance", description="x", scheduled_date=date(2025, 5, 1)
            ),
            "scheduled_date",
        ),
        (NewServiceOrder(order_type="Maintenance", description="x", priority="urgent"), "priority"),
    ],
)
def test_service_order_validation(world: World, order: NewServiceOrder, field: str) -> None:
    world.clock.now = NOW
    with pytest.raises(FieldError) as err:
        world.backend.create_service_order(world.token(), "WU-10001", order, "bad")
    assert err.value.field == field


def test_register_complaint_and_create_request(world: World) -> None:
    b, t = world.backend, world.token("call_center")
    c = b.register_complaint(t, "WU-10001", "leakage", "Pipe leaking at the gate.", "high", "c1")
    assert (c.category, c.status, c.priority) == ("Leakage", "created", "high")
    assert c.complaint_no.startswith("C-")
    assert b.list_complaints(t, "WU-10001")[0] == c
    r = b.create_request(t, "WU-10001", "transfer", "Move to 9 Pine St.", "r1")
    assert (r.request_type, r.status) == ("Transfer", "created")
    assert r.request_no.startswith("REQ-")
    assert b.list_requests(t, "WU-10001")[0] == r
    with pytest.raises(FieldError) as err:
        b.create_request(t, "WU-10001", "Teleport", "x", "r2")
    assert err.value.field == "request_type"


def test_send_message_is_all_or_nothing(world: World) -> None:
    b, t = world.backend, world.token("customer_executive")
    email = NewMessage(channel="email", subject="Planned works", body="Water off on Friday.")
    with pytest.raises(FieldError) as err:  # WU-10003 has no email address
        b.send_message(t, ["WU-10001", "WU-10003"], email, "m1")
    assert err.value.field == "account_nos" and "WU-10003" in err.value.message
    with world.db.read() as s:
        assert s.exec(select(NotificationOutbox)).all() == []
    done = b.send_message(t, ["WU-10001", "WU-10002"], email, "m2")
    assert (done.done, done.account_nos) == (2, ["WU-10001", "WU-10002"])
    with world.db.read() as s:
        outbox = s.exec(select(NotificationOutbox).order_by(NotificationOutbox.id)).all()  # type: ignore[arg-type]
    assert [o.recipient for o in outbox] == ["john.doe@example.com", "jane.smith@example.com"]
    assert b.list_communications(t, "WU-10002")[0].subject == "Planned works"
    assert world.db.audit("message_sent")[0].after["channel"] == "email"


def test_bulk_notes_land_on_each_consumer(world: World) -> None:
    b, t = world.backend, world.token("recovery_executive")
    done = b.add_notes(t, ["WU-10001", "wu-10002", "WU-10001"], "Called about arrears.", "n1")
    assert done.account_nos == ["WU-10001", "WU-10002"]
    assert [n.body for n in b.list_notes(t, "WU-10002")] == ["Called about arrears."]
    with pytest.raises(NotFoundError):
        b.add_notes(t, ["WU-10001", "WU-99999"], "x y", "n2")
    assert len(b.list_notes(t, "WU-10001")) == 1  # nothing half-saved


def test_attach_document_stores_the_file(world: World) -> None:
    b, t = world.backend, world.token()
    content = base64.b64encode(b"%PDF-1.4 agreement").decode()
    upload = DocumentUpload(
        doc_type="service agreement", title="Signed agreement", filename="a.pdf",
        content_base64=content,
    )  # fmt: skip
    doc = b.attach_document(t, "WU-10001", upload, "doc1")
    assert (doc.doc_type, doc.status, doc.size_bytes) == ("Service Agreement", "processing", 18)
    assert b.list_documents(t, "WU-10001") == [doc]
    bad = upload.model_copy(update={"content_base64": "not base64!"})
    with pytest.raises(FieldError) as err:
        b.attach_document(t, "WU-10001", bad, "doc2")
    assert err.value.field == "content_base64"


# ---------------------------------------------------------------- activity


def test_activity_merges_sources_newest_first_with_filters(world: World) -> None:
    _seed_history(world)
    b, t = world.backend, world.token()
    b.add_note(t, "WU-10001", "Promised to pay on Friday.", "note1")
    page = b.activity(t, "WU-10001", limit=500)
    times = [a.at for a in page.items]
    assert times == sorted(times, reverse=True)
    assert page.items[0].title == "Note added" and page.items[0].by == "Alice Admin"
    payments = b.activity(t, "WU-10001", category="payments").items
    assert payments and {a.category for a in payments} == {"payments"}
    assert payments[0].description == "Payment of {amount} processed via Credit Card"
    assert payments[0].amount == Decimal("120.45")
    found = b.activity(t, "WU-10001", text="PAY-9005").items
    assert [a.title for a in found] == ["Payment PAY-9005 received"]
    with pytest.raises(FieldError):
        b.activity(t, "WU-10001", category="gossip")


def test_activity_pages_without_repeats(world: World) -> None:
    _seed_history(world)
    b, t = world.backend, world.token()
    everything = b.activity(t, "WU-10001", limit=500).items
    seen = []
    cursor = None
    while True:
        page = b.activity(t, "WU-10001", cursor=cursor, limit=7)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == everything


def test_activity_tells_what_a_contact_update_changed(world: World) -> None:
    b, t = world.backend, world.token()
    from cso_tui.services.schemas import ConsumerUpdate

    current = b.get_consumer(t, "WU-10001")
    b.update_consumer(t, "WU-10001", ConsumerUpdate(phone="(555) 987-6543"), current.version, "u")
    [event] = b.activity(t, "WU-10001", category="account").items
    assert event.description == "Phone number updated from (555) 123-4567 to (555) 987-6543"
    assert event.by == "Alice Admin"


# ---------------------------------------------------------------- recovery


def test_recovery_lists_past_due_accounts_by_balance(world: World) -> None:
    world.clock.now = NOW
    with world.db.write() as s:
        for account, standing, balance, due in (
            ("WU-10004", "past_due", "80.00", date(2025, 4, 1)),  # 41 days: medium
            ("WU-10005", "collection", "400.00", date(2025, 1, 2)),  # 130 days: critical
            ("WU-10006", "past_due", "20.00", date(2025, 5, 1)),  # 11 days: low
        ):
            c = s.exec(select(Consumer).where(Consumer.account_no == account)).one()
            c.payment_standing = standing
            c.balance = Decimal(balance)
            s.add(Bill(
                bill_no=f"BL-{account}", consumer_id=c.id, period_start=due, period_end=due,
                issue_date=due - timedelta(days=30), due_date=due, amount=Decimal(balance),
                status="unpaid", created_at=NOW,
            ))  # fmt: skip
    b, t = world.backend, world.token("recovery_executive")
    first = b.recovery_accounts(t, limit=2)
    rest = b.recovery_accounts(t, cursor=first.next_cursor, limit=2)
    rows = first.items + rest.items
    assert [(r.account_no, r.days_past_due, r.risk) for r in rows] == [
        ("WU-10005", 130, "critical"),
        ("WU-10004", 41, "medium"),
        ("WU-10006", 11, "low"),
    ]
    assert rest.next_cursor is None
    assert (first.past_due, first.collection, first.balance) == (2, 1, Decimal("500.00"))
    assert all(0 <= r.health <= 100 and r.health_band for r in rows)
    with pytest.raises(PermissionDeniedError):
        b.recovery_accounts(world.token("call_center"))


# ---------------------------------------------------------------- preferences


def test_preferences_are_per_user(world: World) -> None:
    b = world.backend
    admin, caller = world.token(), world.token("call_center")
    assert b.get_preference(admin, "consumer_list.columns") is None
    b.set_preference(admin, "consumer_list.columns", ["phone", "balance"])
    b.set_preference(admin, "consumer_list.columns", ["email"])
    assert b.get_preference(admin, "consumer_list.columns") == ["email"]
    assert b.get_preference(caller, "consumer_list.columns") is None
    with pytest.raises(FieldError):
        b.set_preference(admin, "Bad Key!", 1)


def test_filter_counts_follow_changes(world: World) -> None:
    b, t = world.backend, world.token()
    vip = ConsumerQuery(vip=True)
    assert b.list_consumers(t, vip).matches == 1
    current = b.get_consumer(t, "WU-10003")
    from cso_tui.services.schemas import ConsumerUpdate

    b.update_consumer(t, "WU-10003", ConsumerUpdate(vip=True, category="commercial"),
                      current.version, "v1")  # fmt: skip
    assert b.list_consumers(t, vip).matches == 2
    both = ConsumerQuery(vip=True, categories=["commercial"], statuses=["active"])
    page = b.list_consumers(t, both)
    assert page.matches == 2
    assert {r.account_no for r in page.items} == {"WU-10002", "WU-10003"}
    ranged = ConsumerQuery(vip=True, balance_min=Decimal("1000"))
    assert b.list_consumers(t, ranged).matches == 1


def test_catalog_lists_what_staff_pick_from(readonly_world: World) -> None:
    lists = readonly_world.backend.catalog(readonly_world.token("field_technician"))
    assert lists["request_types"] == ["Transfer", "Disconnection", "Reconnection"]
    assert "Maintenance" in lists["service_order_types"]
    assert "Springfield" in lists["territories"]
    assert {"Residential", "Commercial", "Industrial", "Government"} <= set(lists["categories"])


# ---------------------------------------------------------------- meter readings


def test_readings_only_go_up(world: World) -> None:
    _seed_history(world)  # the last reading of M-5678: 12580 on Apr 15, 2025
    b, t = world.backend, world.token("field_technician")
    made = b.record_reading(t, "WU-10001", "m-5678", date(2025, 5, 12), Decimal("12600"), "r1")
    assert (made.meter_no, made.value, made.consumption) == ("M-5678", Decimal(12600), 20)
    assert made.unit == "gallons"
    assert (
        b.record_reading(t, "WU-10001", "M-5678", date(2025, 5, 12), Decimal("12600"), "r1") == made
    )
    assert b.list_readings(t, "WU-10001")[0] == made
    assert world.db.audit("reading_recorded", "M-5678")
    for value, day, field in (
        (Decimal("12500"), date(2025, 5, 12), "read_on"),  # not after the last one
        (Decimal("12599"), date(2025, 5, 12), "read_on"),
        (Decimal("12700"), date(2025, 5, 13), "read_on"),  # tomorrow (the clock: May 12)
        (Decimal("12600.005"), date(2025, 5, 12), "value"),
    ):
        with pytest.raises(FieldError) as err:
            b.record_reading(t, "WU-10001", "M-5678", day, value, f"bad-{value}-{day}")
        assert err.value.field == field
    world.clock.advance(days=2)
    t = b.login("technician", PASSWORD).token  # (two days idle ended the session)
    with pytest.raises(FieldError) as err:
        b.record_reading(t, "WU-10001", "M-5678", date(2025, 5, 14), Decimal("12600"), "r2")
    assert err.value.field == "value" and "only go up" in err.value.message
    with pytest.raises(NotFoundError):
        b.record_reading(t, "WU-10001", "M-6001", date(2025, 5, 14), Decimal("1"), "r3")
    with pytest.raises(PermissionDeniedError):
        b.record_reading(world.token("recovery_executive"), "WU-10001", "M-5678",
                         date(2025, 5, 14), Decimal("12700"), "r4")  # fmt: skip
