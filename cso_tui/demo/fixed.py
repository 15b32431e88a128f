"""Rows that do not depend on the consumer count: settings, staff and the seeds' sample records.

The sample records are written exactly as the seed documents give them (004 s.8 and
003 s.8). Where a seed contradicts itself the choice is stated next to the value.
Seed times are office times (America/Chicago) and are stored as UTC.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from cso_tui.demo import vocab
from cso_tui.demo.writer import COLUMNS, Row, TimeText, seconds_of
from cso_tui.models.enums import Role
from cso_tui.services.passwords import hash_password
from cso_tui.services.rules.aging import days_past_due, standing_of, worse_standing
from cso_tui.services.rules.disconnection_defaults import (
    CHECKLIST,
    REASONS,
    SLA_TARGETS,
    TIME_SLOTS,
)
from cso_tui.services.rules.search_terms import email_key, phone_key

OFFICE_ZONE = ZoneInfo("America/Chicago")
DEMO_PASSWORD = "demo"

# (username, full name, role): the demo logins, in the order the login screen lists them.
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("admin", "James Wilson", Role.CSO_ADMIN),  # seed 004: "By: James Wilson"
    ("manager", "Lisa Wilson", Role.CSO_MANAGER),  # seed 003: creates service orders
    ("executive", "Sarah Johnson", Role.CUSTOMER_EXECUTIVE),  # seed 003: created DIS-2024-001234
    ("callcenter", "Jane Smith", Role.CALL_CENTER),  # seed 004: note author
    ("recovery", "Robert Johnson", Role.RECOVERY_EXECUTIVE),  # seed 004: note author
    ("billing", "Emily Davis", Role.BILLING_SPECIALIST),
    ("technician", "Mike Thompson", Role.FIELD_TECHNICIAN),  # seed 003: assigned the SO
    ("utilityadmin", "Daniel Brown", Role.UTILITY_ADMIN),
)

# Staff per role, demo login included, and how many of them are active (seed 001 s.3.1:
# 12/15 customer executives, 18/22 call-center representatives, 7/10 CSO admins).
STAFF_PLAN: dict[Role, tuple[int, int]] = {
    Role.CSO_ADMIN: (10, 7),
    Role.CSO_MANAGER: (2, 2),
    Role.CUSTOMER_EXECUTIVE: (15, 12),
    Role.CALL_CENTER: (22, 18),
    Role.RECOVERY_EXECUTIVE: (3, 3),
    Role.BILLING_SPECIALIST: (2, 2),
    Role.FIELD_TECHNICIAN: (6, 6),
    Role.UTILITY_ADMIN: (1, 1),
}

# ---------------------------------------------------------------- identifiers

# Synthetic identifiers continue after the seeds' sample numbers (PAY-10045, C-3245, ...).
FIRST_ACCOUNT = 10008  # WU-10001 .. WU-10007 are seed 004's consumers
FIRST_PAYMENT = 10046
FIRST_BILL = 100001  # regular bills BL-n (the sample records use BL-90001 upward)
FIRST_INVOICE = 400001  # final bills INV-n (seed 003's example is INV-414013)
FIRST_COMPLAINT = 3246
FIRST_REQUEST = 3246
FIRST_QUERY = 10001
FIRST_ORDER = 4525  # SO-4524 is John Doe's maintenance visit on May 24, 2025
FIRST_METER = 1000001  # M-1000001 / D-5000001 upward: seven digits up to ~3M meters
FIRST_DEVICE = 5000001

# ---------------------------------------------------------------- settings (seed 003 s.7)

REASON_ID = {r[0]: i for i, r in enumerate(REASONS, start=1)}


def office_seconds(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> int:
    """An office (America/Chicago) wall time as UTC seconds on the TimeText scale."""
    return seconds_of(datetime(y, m, d, hh, mm, tzinfo=OFFICE_ZONE))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    if n > 0:
        return day + timedelta(weeks=n - 1)
    # n < 0: the last such weekday of the month
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def holidays(as_of: date) -> list[tuple[date, str]]:
    """US federal office holidays within four months either side of ``as_of``."""
    found: list[tuple[date, str]] = []
    for y in (as_of.year - 1, as_of.year, as_of.year + 1):
        found += [
            (date(y, 1, 1), "New Year's Day"),
            (_nth_weekday(y, 1, 0, 3), "Martin Luther King Jr. Day"),
            (_nth_weekday(y, 2, 0, 3), "Presidents' Day"),
            (_nth_weekday(y, 5, 0, -1), "Memorial Day"),
            (date(y, 6, 19), "Juneteenth"),
            (date(y, 7, 4), "Independence Day"),
            (_nth_weekday(y, 9, 0, 1), "Labor Day"),
            (date(y, 11, 11), "Veterans Day"),
            (_nth_weekday(y, 11, 3, 4), "Thanksgiving Day"),
            (date(y, 12, 25), "Christmas Day"),
        ]
    window = timedelta(days=120)
    return sorted((d, n) for d, n in found if abs(d - as_of) <= window)


def settings_rows(tt: TimeText, as_of: date) -> dict[str, list[Row]]:
    return {
        "disconnection_reason": [
            (i, code, name, desc, prio, int(approval), applies, 1, i)
            for i, (code, name, desc, prio, approval, applies) in enumerate(REASONS, start=1)
        ],
        "time_slot": [(i, label, s, e, 1) for i, (label, s, e) in enumerate(TIME_SLOTS, start=1)],
        "sla_target": list(SLA_TARGETS),
        "checklist_item": [(i, i, text, 1) for i, text in enumerate(CHECKLIST, start=1)],
        "holiday": [(d.isoformat(), name) for d, name in holidays(as_of)],
    }


# ---------------------------------------------------------------- staff


@dataclass
class Staff:
    """Who is who: ids by role and the names the sample records refer to."""

    rows: list[Row] = field(default_factory=list)
    by_role: dict[Role, list[int]] = field(default_factory=dict)
    active_by_role: dict[Role, list[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    demo_ids: dict[str, int] = field(default_factory=dict)  # username -> id

    def id_of(self, username: str) -> int:
        return self.demo_ids[username]


def staff_rows(tt: TimeText, seed: int, as_of: date) -> Staff:
    """The 8 demo logins (password "demo", hashed once) and the other staff (no usable login).

    argon2 salts every hash, so ``password_hash`` is the one column that differs between
    two builds with the same seed.
    """
    rng = random.Random(f"cso-demo-staff-{seed}")
    demo_hash = hash_password(DEMO_PASSWORD)
    # A random password nobody knows: the other staff exist for dashboards, not for logins.
    locked_hash = hash_password(secrets.token_urlsafe(32))
    joined = min(office_seconds(2022, 1, 3, 9), (as_of.toordinal() - 730) * 86400 + 15 * 3600)
    staff = Staff()
    taken_names = {full for _, full, _ in DEMO_USERS}
    taken_users = {u for u, _, _ in DEMO_USERS}
    next_id = 1

    def add(username: str, full: str, role: Role, active: bool, pw: str) -> None:
        nonlocal next_id
        uid = next_id
        next_id += 1
        center = vocab.STAFF_CENTERS[uid % len(vocab.STAFF_CENTERS)]
        staff.rows.append(
            (
                uid, username, full, role.value, pw, f"{username}@utility.example", int(active),
                0, None, None, center, tt.ts(joined + uid * 3600), 1,
            )
        )  # fmt: skip
        staff.by_role.setdefault(role, []).append(uid)
        if active:
            staff.active_by_role.setdefault(role, []).append(uid)
        staff.names[uid] = full

    for username, full, role in DEMO_USERS:
        add(username, full, role, True, demo_hash)
        staff.demo_ids[username] = next_id - 1
    for role, (total, active) in STAFF_PLAN.items():
        extra = total - 1
        for k in range(extra):
            while True:
                first = vocab.FIRST_NAMES[int(rng.random() * len(vocab.FIRST_NAMES))]
                last = vocab.LAST_NAMES[int(rng.random() * len(vocab.LAST_NAMES))]
                full = f"{first} {last}"
                username = f"{first}.{last}".lower().replace("'", "")
                if full not in taken_names and username not in taken_users:
                    break
            taken_names.add(full)
            taken_users.add(username)
            # the last (total - active) of each role are inactive; the demo login stays active
            add(username, full, role, k < active - 1, locked_hash)
    return staff


# ---------------------------------------------------------------- sample records


@dataclass
class Samples:
    """The seed documents' records, plus the numbers synthetic data must continue after."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    last_ids: dict[str, int] = field(default_factory=dict)  # table -> highest id used
    disconnection_numbers: dict[int, int] = field(default_factory=dict)  # year -> last number

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)
        if isinstance(row[0], int):
            self.last_ids[table] = max(self.last_ids.get(table, 0), row[0])


def _cents(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _d(y: int, m: int, d: int) -> str:
    return date(y, m, d).isoformat()


def sample_rows(tt: TimeText, staff: Staff) -> Samples:
    """Seed 004 s.8 (WU-10001 .. WU-10007) and seed 003 s.8 (John Michael Smith)."""
    s = Samples()
    ts = tt.ts
    admin = staff.id_of("admin")
    executive = staff.id_of("executive")
    callcenter = staff.id_of("callcenter")
    recovery = staff.id_of("recovery")
    counters = {"bill": 90001, "reading": 1, "communication": 1}

    def consumer(
        cid: int, account: str, name: str, email: str, phone: str, service: str,
        billing: str, town: str, status: str, sub: str, vip: bool, standing: str,
        balance: str, registered: tuple[int, int, int], connected: tuple[int, int, int],
        last_billed: str, last_contact: int | None, plan: str, mode: str,
        category: str = "Residential",
    ) -> None:  # fmt: skip
        created = office_seconds(*registered, 10)
        s.add(
            "consumer",
            (
                cid, account, name, email, email_key(email), phone, phone_key(phone), None,
                status, category, sub, int(vip), service, billing, town, plan, "Monthly",
                mode, standing, _cents(balance), _d(*registered), _d(*connected), last_billed,
                tt.opt(last_contact), None, 0, 0, ts(created), ts(created), 1,
            ),
        )  # fmt: skip

    def connection_and_meter(
        cid: int, conn_id: int, utility: str, status: str, connected: tuple[int, int, int],
        plan: str, meter: tuple[str, str, str, str], assigned: tuple[int, int, int],
        reading_status: str, inventory: str = "installed",
    ) -> None:  # fmt: skip
        unit = "gallons" if utility == "water" else "kWh"
        s.add(
            "service_connection",
            (conn_id, cid, utility, status, _d(*connected), plan, "Monthly", unit,
             ts(office_seconds(*connected, 10))),
        )  # fmt: skip
        meter_no, device_no, mtype, model = meter
        s.add(
            "meter",
            (conn_id, meter_no, device_no, utility, mtype, model, inventory, conn_id, cid,
             _d(*assigned), _d(*connected), reading_status, 1),
        )  # fmt: skip

    def readings(
        meter_id: int, dated: list[tuple[str, int]], first_consumption: int | None
    ) -> None:
        previous: int | None = None
        for i, (day, value) in enumerate(dated):
            used = first_consumption if i == 0 else value - (previous or 0)
            s.add(
                "meter_reading",
                (counters["reading"], meter_id, day, value, used, "verified", "regular", None),
            )
            counters["reading"] += 1
            previous = value

    def bill(
        cid: int, conn_id: int | None, period: tuple[str, str], issued: str, due: str,
        usage: int | None, amount: str, paid: str,
    ) -> int:  # fmt: skip
        bid = counters["bill"] - 90000
        counters["bill"] += 1
        amt, pd = _cents(amount), _cents(paid)
        status = "paid" if pd == amt else ("partially_paid" if pd else "unpaid")
        s.add(
            "bill",
            (bid, f"BL-{bid + 90000}", cid, conn_id, "regular", period[0], period[1], issued,
             due, usage, amt, 0, 0, pd, status, None, None, 0,
             ts(seconds_of(datetime.fromisoformat(issued).replace(tzinfo=OFFICE_ZONE)) + 6 * 3600),
             1),
        )  # fmt: skip
        return bid

    def payment(
        pid: int, number: int, cid: int, bill_id: int, amount: str, at: int, method: str,
        on_time: bool, recorded_by: int | None = None,
    ) -> None:  # fmt: skip
        digital = method in vocab.DIGITAL_METHODS
        s.add(
            "payment",
            (pid, f"PAY-{number}", cid, bill_id, _cents(amount), ts(at), method,
             f"REF-{number}", "processed", int(digital), int(on_time), recorded_by),
        )  # fmt: skip

    def message(
        cid: int, channel: str, direction: str, subject: str, body: str, at: int,
        user: int | None, responded: bool = False, request_id: int | None = None,
    ) -> None:  # fmt: skip
        status = "received" if direction == "from_customer" else "sent"
        s.add("communication", (
            counters["communication"], cid, request_id, channel, direction, subject, body,
            ts(at), user, status, int(responded),
        ))  # fmt: skip
        counters["communication"] += 1

    # ---------------------------------------------------------- John Doe, WU-10001 (seed 004)
    # The consumer list says "Balance: $120.45" and the profile "Current Balance: $75.30",
    # "Last Payment: $120.45 (Apr 20, 2025)" while the Payment History table has PAY-10045 on
    # Apr 15, 2025: we follow the profile ($75.30) and the Payment History table (Apr 15).
    # Standing "current" as the list says: the seed's world is May 2025, before the $75.30
    # bill falls due (age_standings ages it for a demo dated after May 15, 2025).
    john_contact = office_seconds(2025, 5, 10, 10, 23)  # "Last Contact: 5/10/2025", 10:23 AM
    consumer(
        1, "WU-10001", "John Doe", "john.doe@example.com", "(555) 123-4567",
        "123 Main St, Anytown", "456 Finance Ave, Billtown", "Anytown", "active",
        "Single Family", False, "current", "75.30", (2023, 1, 15), (2023, 1, 15),
        _d(2025, 4, 15), john_contact, "Standard Residential", "Auto-pay (Credit Card)",
    )  # fmt: skip
    connection_and_meter(
        1, 1, "water", "active", (2023, 1, 15), "Standard Residential",
        ("M-5678", "D-9012", "Smart Water Meter", "Aquaflow X200"), (2023, 1, 10), "active",
    )  # fmt: skip
    # The six readings exactly as listed; the first has no earlier reading, so no consumption.
    john_readings = [
        (_d(2024, 11, 15), 6800), (_d(2024, 12, 15), 7980), (_d(2025, 1, 15), 9050),
        (_d(2025, 2, 15), 10100), (_d(2025, 3, 15), 11350), (_d(2025, 4, 15), 12580),
    ]  # fmt: skip
    readings(1, john_readings, None)
    # Bills: monthly on the 15th for the month before (Jan 15 .. Feb 14 is billed Feb 15), due
    # a month later, from his connection on Jan 15, 2023. The Payment History table's three
    # payments settle the bills of Jan, Feb and Mar 2025; the Apr 15, 2025 bill of $75.30 (due
    # May 15, "Next Payment Due") is the only open one: balance $75.30.
    # Payment compliance (seed 004: 92%): bills issued Feb 2023 .. Mar 2025 are 26 bills, each
    # settled by one payment: 26 payments, 2 of them late (the auto-pay card was declined in
    # Aug 2023 and Oct 2024 and he paid by bank transfer a few days after the due date), so
    # 24 / 26 = 92.3% -> 92%. Usage is the consumption of the month (the Dec 2024 bill's 1,180
    # gallons is 7,980 - 6,800 from the readings above); amounts are $32.50 (2024: $34.00) a
    # month plus 7.2 cents a gallon.
    # (issue year, month, gallons, amount, method, days after the due date it was paid)
    john_history = (
        (2023, 2, 980, "103.06", "Credit Card", 0),
        (2023, 3, 1010, "105.22", "Credit Card", 0),
        (2023, 4, 1060, "108.82", "Bank Transfer", 0),
        (2023, 5, 1140, "114.58", "Credit Card", 0),
        (2023, 6, 1290, "125.38", "Credit Card", 0),
        (2023, 7, 1380, "131.86", "Bank Transfer", 3),  # late: card declined
        (2023, 8, 1420, "134.74", "Credit Card", 0),
        (2023, 9, 1310, "126.82", "Credit Card", 0),
        (2023, 10, 1150, "115.30", "Credit Card", 0),
        (2023, 11, 1040, "107.38", "Credit Card", 0),
        (2023, 12, 990, "103.78", "Credit Card", 0),
        (2024, 1, 1000, "106.00", "Credit Card", 0),
        (2024, 2, 970, "103.84", "Credit Card", 0),
        (2024, 3, 1020, "107.44", "Bank Transfer", 0),
        (2024, 4, 1080, "111.76", "Credit Card", 0),
        (2024, 5, 1170, "118.24", "Credit Card", 0),
        (2024, 6, 1320, "129.04", "Credit Card", 0),
        (2024, 7, 1400, "134.80", "Credit Card", 0),
        (2024, 8, 1440, "137.68", "Credit Card", 0),
        (2024, 9, 1290, "126.88", "Bank Transfer", 4),  # late: card replaced
        (2024, 10, 1130, "115.36", "Credit Card", 0),
        (2024, 11, 1060, "110.32", "Credit Card", 0),
        (2024, 12, 1180, "118.96", "Credit Card", 0),
    )  # fmt: skip
    for k, (year, month, usage, amount, method, late) in enumerate(john_history):
        bill_day = date(year, month, 15)
        due_day = date(year + month // 12, month % 12 + 1, 15)
        from_day = date(year - (month == 1), (month - 2) % 12 + 1, 15)
        bid = bill(1, 1, (from_day.isoformat(), (bill_day - timedelta(days=1)).isoformat()),
                   bill_day.isoformat(), due_day.isoformat(), usage, amount, amount)  # fmt: skip
        paid_day = due_day + timedelta(days=late)
        # PAY-6100, PAY-6245, ... PAY-9290: below PAY-9632, clear of the other samples'
        at = office_seconds(paid_day.year, paid_day.month, paid_day.day, *((8, 5) if method ==
                            "Credit Card" else (11, 40)))  # fmt: skip
        payment(bid, 6100 + 145 * k, 1, bid, amount, at, method, late == 0)
    b1 = bill(1, 1, (_d(2024, 12, 15), _d(2025, 1, 14)), _d(2025, 1, 15), _d(2025, 2, 15),
              1070, "105.25", "105.25")  # fmt: skip
    b2 = bill(1, 1, (_d(2025, 1, 15), _d(2025, 2, 14)), _d(2025, 2, 15), _d(2025, 3, 15),
              1050, "135.80", "135.80")  # fmt: skip
    b3 = bill(1, 1, (_d(2025, 2, 15), _d(2025, 3, 14)), _d(2025, 3, 15), _d(2025, 4, 15),
              1250, "120.45", "120.45")  # fmt: skip
    bill(1, 1, (_d(2025, 3, 15), _d(2025, 4, 14)), _d(2025, 4, 15), _d(2025, 5, 15),
         1230, "75.30", "0.00")  # fmt: skip
    payment(b1, 9632, 1, b1, "105.25", office_seconds(2025, 2, 15, 8, 5), "Credit Card", True)
    payment(b2, 9923, 1, b2, "135.80", office_seconds(2025, 3, 15, 11, 40), "Bank Transfer",
            True)  # fmt: skip
    payment(b3, 10045, 1, b3, "120.45", office_seconds(2025, 4, 15, 8, 5), "Credit Card", True)

    # work items (seed 004 s.8 and its Service Management rules)
    c3245_at = office_seconds(2025, 3, 20, 10, 12)
    s.add("complaint", (
        1, "C-3245", 1, "Low Water Pressure", "Low pressure in the kitchen; possible leak.",
        "medium", 0, 1, "resolved", ts(c3245_at), executive, admin, ts(c3245_at + 3 * 3600),
        "Approved: leak check scheduled (SO-4487)", ts(office_seconds(2025, 3, 22, 15, 30)),
        9, 1,
    ))  # fmt: skip
    c2987_at = office_seconds(2025, 1, 20, 14, 2)
    s.add("complaint", (
        2, "C-2987", 1, "Billing Dispute", "Bill for December seemed higher than usual.",
        "low", 0, 0, "resolved", ts(c2987_at), callcenter, admin, ts(c2987_at + 20 * 3600),
        "Approved: reading re-checked", ts(office_seconds(2025, 1, 28, 11, 0)), 8, 1,
    ))  # fmt: skip
    for rid, number, rtype, desc, status, progress, created, sched, done in (
        (1, "REQ-3245", "Transfer", "Transfer of service to a new address.", "in_progress", 60,
         office_seconds(2025, 5, 12, 9, 45), None, None),
        (2, "REQ-3112", "Disconnection", "Disconnect the garden connection for the winter.",
         "scheduled", 40, office_seconds(2025, 4, 28, 13, 20), _d(2025, 5, 30), None),
        (3, "REQ-2987", "Reconnection", "Reconnect the garden connection.", "completed", 100,
         office_seconds(2025, 2, 3, 10, 5), _d(2025, 2, 5), office_seconds(2025, 2, 5, 15, 0)),
    ):  # fmt: skip
        s.add("service_request", (
            rid, number, 1, rtype, desc, "medium", status, progress, executive, 0, "none",
            ts(created), executive, admin, ts(created + 4 * 3600), "Approved", sched,
            tt.opt(done), 1,
        ))  # fmt: skip
    for oid, number, complaint_id, day, otype, desc in (
        (1, "SO-4523", None, (2025, 4, 15), "Meter Reading", "Regular monthly reading"),
        (2, "SO-4487", 1, (2025, 3, 22), "Maintenance", "Check for leak"),
    ):
        start = office_seconds(*day, 8, 0)
        s.add("service_order", (
            oid, number, 1, None, complaint_id, f"{otype} - John Doe", otype, desc, "completed",
            "medium", _d(*day), TIME_SLOTS[0][0], 60, None, ts(start), "Lisa Wilson",
            "Mike Thompson", ts(start), "Lisa Wilson", ts(start + 10 * 3600),
            ts(start + 3 * 3600), ts(start + 3 * 3600), None, 1,
        ))  # fmt: skip
    # "Scheduled maintenance on May 24" (seed 004's profile alert): booked on May 19, 2025.
    booked = office_seconds(2025, 5, 19, 11, 30)
    s.add("service_order", (
        4, "SO-4524", 1, None, None, "Maintenance - John Doe", "Maintenance",
        "Annual meter and valve maintenance", "scheduled", "medium", _d(2025, 5, 24),
        TIME_SLOTS[0][0], 60, None, ts(booked), "Lisa Wilson", "Mike Thompson", ts(booked),
        "Lisa Wilson", ts(office_seconds(2025, 5, 24, 12, 0)), None, None, None, 1,
    ))  # fmt: skip
    # Communication history: email / phone / SMS, to and from the customer (seed 004 rules).
    # Relationship health on May 20, 2025 (seed 004: 85/100), as services/rules/health.py
    # computes it from these records:
    #   payment compliance     24/26 on time = 92.31  x 0.40 = 36.92
    #   service quality        100 - 5 x 3 requests in the last year (REQ-3245, REQ-3112,
    #                          REQ-2987) + 10 x 8.5 (satisfaction 9 and 8) = 170 -> 100
    #                                                 x 0.25 = 25.00
    #   responsiveness         5 of 6 to_customer messages answered = 83.33 x 0.15 = 12.50
    #   account longevity      28 months / 60 = 46.67 x 0.10 =  4.67
    #   digital engagement     26/26 payments digital = 100 x 0.05 =  5.00
    #   complaint resolution   2/2 resolved = 100      x 0.05 =  5.00
    #   penalties              2 late payments x -2           = -4.00
    #                                                  total   = 85.09 -> 85
    # So the six to_customer messages below are all answered but the May 10, 2025 reminder.
    for channel, direction, subject, body, at, user, responded in (
        ("email", "to_customer", "Payment reminder",
         "Your bill of $75.30 is due on May 15, 2025.", john_contact, None, False),
        ("phone", "from_customer", "Leak check follow-up",
         "Customer confirmed there has been no leak since the March visit.",
         office_seconds(2025, 5, 8, 14, 15), callcenter, False),
        ("sms", "to_customer", "Payment received",
         "We received your payment of $120.45. Thank you.", office_seconds(2025, 4, 15, 9, 5),
         None, True),
        ("email", "to_customer", "Welcome to Anytown Water",
         "Your water service at 123 Main St is connected. Your account number is WU-10001.",
         office_seconds(2023, 1, 16, 9, 30), executive, True),
        ("email", "to_customer", "Paperless billing and auto-pay",
         "You are enrolled in e-bills and auto-pay by credit card from your February bill.",
         office_seconds(2023, 2, 16, 10, 5), None, True),
        ("sms", "to_customer", "Meter inspection appointment",
         "A technician will check your meter on Sep 14, 2023, 10 AM - 12 PM. Reply Y to "
         "confirm.", office_seconds(2023, 9, 11, 15, 20), None, True),
        ("email", "to_customer", "How are we doing?",
         "Please rate the service you received from Anytown Water this year.",
         office_seconds(2024, 6, 10, 11, 0), None, True),
    ):  # fmt: skip
        message(1, channel, direction, subject, body, at, user, responded)
    for nid, author, body, at in (
        (1, callcenter, "Customer asked about the next bill estimate; explained the $110-130 "
         "range based on recent usage.", office_seconds(2025, 5, 20, 11, 40)),
        (2, recovery, "Reviewed payment history: 92% payment compliance, auto-pay active. No "
         "collection action needed.", office_seconds(2025, 5, 18, 15, 5)),
    ):  # fmt: skip
        s.add("note", (nid, 1, None, author, staff.names[author], body, 1, ts(at)))
    for did, doc_type, status, day in (
        (1, "Service Agreement", "verified", (2023, 1, 15)),
        (2, "Billing Authorization", "published", (2023, 1, 15)),
        (3, "Water Quality Report", "processing", (2025, 5, 1)),
    ):
        slug = doc_type.lower().replace(" ", "-")
        s.add("document", (
            did, 1, doc_type, f"{doc_type} - John Doe", status, _d(*day), f"{slug}.pdf",
            "application/pdf", 184_320 + did * 1024, None, executive,
            ts(office_seconds(*day, 12)),
        ))  # fmt: skip

    # ---------------------------------------------------------- Jane Smith, WU-10002 (seed 004)
    jane_contact = office_seconds(2025, 5, 15, 16, 10)  # "Last Contact: 5/15/2025"
    consumer(
        2, "WU-10002", "Jane Smith", "jane.smith@example.com", "(555) 234-5678",
        "456 Oak Ave, Anytown", "456 Oak Ave, Anytown", "Anytown", "active", "Single Family",
        True, "current", "0.00", (2021, 6, 1), (2021, 6, 4), _d(2025, 5, 5), jane_contact,
        "Standard Residential", "Online Banking",
    )  # fmt: skip
    connection_and_meter(
        2, 2, "water", "active", (2021, 6, 4), "Standard Residential",
        ("M-4421", "D-8834", "Smart Water Meter", "Aquaflow X300"), (2021, 6, 1), "active",
    )  # fmt: skip
    readings(2, [(_d(2025, m, 5), 48210 + 1450 * (m - 1)) for m in range(1, 6)], 1380)
    for month, amount, usage in ((2, "88.10", 1450), (3, "91.75", 1450), (4, "86.40", 1450),
                                 (5, "93.05", 1450)):  # fmt: skip
        bid = bill(2, 2, (_d(2025, month - 1, 5), _d(2025, month, 4)), _d(2025, month, 5),
                   _d(2025, month, 26), usage, amount, amount)  # fmt: skip
        paid_at = jane_contact if month == 5 else office_seconds(2025, month, 20, 18, 30)
        pay_no = {2: 9640, 3: 9925, 4: 10030, 5: 10044}[month]  # below the synthetic PAY-10046
        payment(bid, pay_no, 2, bid, amount, paid_at, "Online Banking", True)
    message(2, "phone", "from_customer", "Payment confirmation",
            "Customer called to confirm the May payment went through.", jane_contact,
            callcenter, True)  # fmt: skip

    # ---------------------------------------------------------- David Miller, WU-10007 (seed 004)
    # "Status: Disconnected, Balance: $389.30, Payment: Collection": three unpaid bills, the
    # oldest due Nov 15, 2024, more than 90 days overdue by the seed's May 2025.
    david_contact = office_seconds(2025, 3, 1, 10, 30)  # "Last Contact: 3/1/2025"
    consumer(
        3, "WU-10007", "David Miller", "david.miller@example.com", "(555) 345-6789",
        "246 Elm St, Anytown", "246 Elm St, Anytown", "Anytown", "disconnected", "Apartment",
        False, "collection", "389.30", (2022, 3, 10), (2022, 3, 14), _d(2024, 12, 15),
        david_contact, "Standard Residential", "Cash",
    )  # fmt: skip
    connection_and_meter(
        3, 3, "water", "inactive", (2022, 3, 14), "Standard Residential",
        ("M-6643", "D-9977", "Mechanical Water Meter", "HydroMax M100"), (2022, 3, 10),
        "inactive",
    )  # fmt: skip
    david_values = [31040, 32530, 34060, 35480, 36950, 38420]
    readings(3, [(_d(2024, m, 15), v) for m, v in zip(range(7, 13), david_values, strict=True)],
             1460)  # fmt: skip
    # each bill's usage is the consumption of the reading taken on its issue date
    for month, usage, amount, paid in ((8, 1460, "121.70", "121.70"),
                                       (9, 1490, "126.35", "126.35"),
                                       (10, 1530, "124.90", "124.90"),
                                       (11, 1420, "128.40", "0.00"),
                                       (12, 1470, "131.25", "0.00")):  # fmt: skip
        issued = (2024, month - 1, 15)
        bid = bill(3, 3, (_d(2024, month - 2, 15), _d(2024, month - 1, 14)), _d(*issued),
                   _d(2024, month, 15), usage, amount, paid)  # fmt: skip
        if paid != "0.00":
            payment(bid, 8700 + month * 60, 3, bid, amount, office_seconds(2024, month, 14, 12),
                    "Cash", True, recorded_by=admin)  # fmt: skip
    bill(3, 3, (_d(2024, 11, 15), _d(2024, 12, 14)), _d(2024, 12, 15), _d(2025, 1, 15), 1470,
         "129.65", "0.00")  # fmt: skip
    message(3, "phone", "to_customer", "Collection call",
            "Called about the overdue balance of $389.30; customer will call back.",
            david_contact, recovery)  # fmt: skip

    # ---------------------------------------------------------- John Michael Smith (seed 003)
    # Outstanding $456.78 = Total due - Payments made; the most recent unpaid bill is due
    # Nov 30, 2024; the last payment is $150.00 on Oct 15, 2024 (Online Banking), applied to
    # the oldest open bill (Aug 2024), which leaves it partially paid and over 90 days overdue
    # on Dec 10, 2024: hence reason NP-001. Water and electricity share one monthly bill.
    consumer(
        4, "ACC-2024-001789", "John Michael Smith", "john.smith@email.com", "(555) 123-4567",
        "123 Oak Street, Springfield, IL 62701", "123 Oak Street, Springfield, IL 62701",
        "Springfield", "active", "Standard", False, "collection", "456.78", (2024, 1, 15),
        (2024, 1, 15), _d(2024, 11, 10), office_seconds(2024, 12, 10, 9, 31),
        "Standard Residential", "Online Banking",
    )  # fmt: skip
    connection_and_meter(
        4, 4, "water", "active", (2024, 1, 15), "Standard Residential",
        ("M-7801", "D-3301", "Smart Water Meter", "Aquaflow X200"), (2024, 1, 10), "active",
    )  # fmt: skip
    connection_and_meter(
        4, 5, "electricity", "active", (2024, 1, 15), "Standard Residential",
        ("M-7802", "D-3302", "Smart Electricity Meter", "VoltSense E400"), (2024, 1, 10),
        "active",
    )  # fmt: skip
    readings(4, [(_d(2024, m, 10), 21480 + 3100 * (m - 6)) for m in range(6, 12)], 3050)
    readings(5, [(_d(2024, m, 10), 5120 + 780 * (m - 6)) for m in range(6, 12)], 810)
    jms_bills = (
        ("98.45", "98.45"), ("91.20", "91.20"), ("104.75", "104.75"), ("132.60", "132.60"),
        ("171.35", "171.35"), ("228.90", "228.90"), ("262.34", "150.00"), ("108.79", "0.00"),
        ("121.16", "0.00"), ("114.49", "0.00"),
    )  # fmt: skip
    for k, (amount, paid) in enumerate(jms_bills):
        month = k + 2  # issued Feb 10 .. Nov 10, 2024; due on the month's last day
        last_day = (date(2024, month + 1, 1) - timedelta(days=1)).day if month < 12 else 31
        period_start = _d(2024, 1, 15) if k == 0 else _d(2024, month - 1, 10)  # registered
        bid = bill(4, None, (period_start, _d(2024, month, 9)), _d(2024, month, 10),
                   _d(2024, month, last_day), None, amount, paid)  # fmt: skip
        if paid == amount:
            payment(bid, 7400 + month * 97, 4, bid, amount, office_seconds(2024, month, 25, 19),
                    "Online Banking", True)  # fmt: skip
        elif paid != "0.00":
            payment(bid, 9021, 4, bid, paid, office_seconds(2024, 10, 15, 12, 30),
                    "Online Banking", False)  # fmt: skip
    s.add("security_deposit", (1, 4, 20000, 0, _d(2024, 1, 15), "held"))

    # Disconnection request DIS-2024-001234, as seed 003 s.8 writes it. Created Dec 10, 2024
    # 09:30 AM office time; acknowledged 1.5 h later (11:00 AM, when the service order was
    # made), so In Progress; response and resolution pending. The seed also says "Last
    # Updated On: December 10, 2024 09:30 AM" by Sarah Johnson: kept as written.
    created = office_seconds(2024, 12, 10, 9, 30)
    acked = created + 90 * 60
    s.add("disconnection_request", (
        1, "DIS-2024-001234", 4, "disconnection", REASON_ID["NP-001"], "NP-001",
        "Non-payment of bills", "Customer has outstanding balance exceeding 90 days", "high", 1,
        _d(2024, 12, 15), "10:00 AM - 12:00 PM",
        "Customer requested morning slot due to work schedule", 1, "in_progress", ts(created),
        executive, ts(created), executive, None, ts(acked), None, None, None, None, None, None,
        0, 1, None, 3, None, None, None, 1,
    ))  # fmt: skip
    s.disconnection_numbers[2024] = 1234
    # Service order SO-2024-005678, as written: names stored as given (created_by, assigned_to).
    so_at = office_seconds(2024, 12, 10, 11, 0)
    s.add("service_order", (
        3, "SO-2024-005678", 4, 1, None, "Residential Disconnection - John Smith",
        "Disconnection", "Disconnect water and electricity for non-payment (DIS-2024-001234)",
        "assigned", "high", _d(2024, 12, 15), "10:00 AM - 12:00 PM", 120,
        "Customer will be available between 10 AM - 12 PM. Bring standard disconnection tools.",
        ts(so_at), "Lisa Wilson", "Mike Thompson", ts(so_at), None,
        ts(office_seconds(2024, 12, 15, 12, 0)), ts(so_at), None, None, 1,
    ))  # fmt: skip
    # "Customer Notification: Yes": the notification e-mail, and an internal note.
    message(4, "email", "to_customer", "Disconnection request DIS-2024-001234",
            "We received a disconnection request for your account ACC-2024-001789, scheduled "
            "for December 15, 2024, 10:00 AM - 12:00 PM.", created + 60, executive,
            request_id=1)  # fmt: skip
    s.add("note", (
        3, 4, 1, executive, staff.names[executive],
        "Customer verified with photo ID; profile locked while the request was created.", 1,
        ts(created),
    ))  # fmt: skip

    # ---------------------------------------------------------- WU-10003 .. WU-10006 (seed 004)
    # The seed's dashboard counts 7 accounts: 4 active, 1 inactive, 1 temporarily disconnected
    # (and so 1 disconnected, David Miller), total balance $2044.50. Its list shows three of
    # them; these are the other four, their balances summing to 2044.50 - 75.30 - 0.00 -
    # 389.30 = 1579.90: 112.85 + 287.85 + 0.00 + 1179.20. Standings as of May 20, 2025.
    Paid = tuple[date, int] | None  # (paid on, PAY- number) or None: still open

    def monthly(
        cid: int, conn_id: int, bills: tuple[tuple[date, date, int, str, Paid], ...],
        method: str, at: tuple[int, int], recorded_by: int | None = None,
    ) -> None:  # fmt: skip
        """Bills (issued, due, gallons, amount, paid), each paid in full by one payment (on
        time when paid by the due date) or open; a bill covers the days since the last one."""
        start: date | None = None
        for issued, due, usage, amount, paid in bills:
            period_start = start or date(issued.year - (issued.month == 1),
                                         (issued.month - 2) % 12 + 1, issued.day)  # fmt: skip
            bid = bill(cid, conn_id, (period_start.isoformat(),
                                      (issued - timedelta(days=1)).isoformat()),
                       issued.isoformat(), due.isoformat(), usage, amount,
                       amount if paid else "0.00")  # fmt: skip
            start = issued
            if paid is not None:
                day, number = paid
                payment(bid, number, cid, bid, amount,
                        office_seconds(day.year, day.month, day.day, *at), method, day <= due,
                        recorded_by=recorded_by)  # fmt: skip

    # WU-10003 Grace Holloway: active, current, $112.85 (the May 5 bill, due May 26, 2025).
    grace_contact = office_seconds(2025, 4, 22, 10, 40)
    consumer(
        5, "WU-10003", "Grace Holloway", "grace.holloway@example.com", "(555) 456-7890",
        "789 Pine Rd, Anytown", "789 Pine Rd, Anytown", "Anytown", "active", "Single Family",
        False, "current", "112.85", (2019, 8, 12), (2019, 8, 14), _d(2025, 5, 5),
        grace_contact, "Standard Residential", "Auto-pay (Bank Transfer)",
    )  # fmt: skip
    connection_and_meter(
        5, 6, "water", "active", (2019, 8, 14), "Standard Residential",
        ("M-5112", "D-8120", "Smart Water Meter", "Aquaflow X300"), (2019, 8, 12), "active",
    )  # fmt: skip
    readings(6, [(_d(2025, 1, 5), 40210), (_d(2025, 2, 5), 41130), (_d(2025, 3, 5), 42000),
                 (_d(2025, 4, 5), 42910), (_d(2025, 5, 5), 44025)], 950)  # fmt: skip
    monthly(5, 6, (
        (date(2025, 2, 5), date(2025, 2, 26), 920, "98.74", (date(2025, 2, 26), 9660)),
        (date(2025, 3, 5), date(2025, 3, 26), 870, "95.14", (date(2025, 3, 26), 9941)),
        (date(2025, 4, 5), date(2025, 4, 26), 910, "98.02", (date(2025, 4, 26), 10040)),
        (date(2025, 5, 5), date(2025, 5, 26), 1115, "112.85", None),
    ), "Bank Transfer", (7, 30))  # fmt: skip
    message(5, "phone", "from_customer", "Sprinkler season",
            "Customer asked how the lawn sprinkler will affect the next bills; sent the "
            "water-saving tips leaflet.", grace_contact, callcenter, True)  # fmt: skip

    # WU-10004 Marcus Pruitt: active, past due, $287.85: the Mar 15 bill ($148.20, due Apr 15,
    # 2025: 35 days overdue on May 20) and the Apr 15 bill ($139.65, due May 15) are open.
    marcus_contact = office_seconds(2025, 5, 16, 11, 20)
    consumer(
        6, "WU-10004", "Marcus Pruitt", "marcus.pruitt@example.com", "(555) 567-8901",
        "1012 Maple Dr, Anytown", "1012 Maple Dr, Anytown", "Anytown", "active", "Townhouse",
        False, "past_due", "287.85", (2021, 10, 4), (2021, 10, 6), _d(2025, 4, 15),
        marcus_contact, "Standard Residential", "Credit Card",
    )  # fmt: skip
    connection_and_meter(
        6, 7, "water", "active", (2021, 10, 6), "Standard Residential",
        ("M-6230", "D-7345", "Mechanical Water Meter", "HydroMax M150"), (2021, 10, 4), "active",
    )  # fmt: skip
    readings(7, [(_d(2024, 12, 15), 18340), (_d(2025, 1, 15), 19410), (_d(2025, 2, 15), 20450),
                 (_d(2025, 3, 15), 21690), (_d(2025, 4, 15), 22837)], 1120)  # fmt: skip
    monthly(6, 7, (
        (date(2025, 1, 15), date(2025, 2, 15), 1070, "132.55", (date(2025, 2, 20), 9644)),
        (date(2025, 2, 15), date(2025, 3, 15), 1040, "129.78", (date(2025, 3, 14), 9918)),
        (date(2025, 3, 15), date(2025, 4, 15), 1240, "148.20", None),
        (date(2025, 4, 15), date(2025, 5, 15), 1147, "139.65", None),
    ), "Credit Card", (19, 10))  # fmt: skip
    message(6, "email", "to_customer", "Payment overdue",
            "Your bill of $148.20 was due on Apr 15, 2025. Please pay it to avoid late fees.",
            office_seconds(2025, 4, 22, 8, 0), None)  # fmt: skip
    message(6, "phone", "to_customer", "Past-due reminder",
            "Called about the overdue March bill ($148.20); customer promised to pay the full "
            "$287.85 by May 30, 2025.", marcus_contact, recovery, True)  # fmt: skip
    s.add("note", (4, 6, None, recovery, staff.names[recovery],
                   "Promise to pay $287.85 by May 30, 2025. Follow up if not received.", 1,
                   ts(marcus_contact + 300)))  # fmt: skip

    # WU-10005 Irene Kaminski: inactive (moved out Mar 31, 2025), final bill paid: $0.00.
    irene_contact = office_seconds(2025, 4, 2, 9, 15)
    consumer(
        7, "WU-10005", "Irene Kaminski", "irene.kaminski@example.com", "(555) 678-9012",
        "35 Willow Ct, Apt 4B, Anytown", "88 Lakeshore Dr, Lakeview", "Anytown", "inactive",
        "Apartment", False, "current", "0.00", (2020, 2, 18), (2020, 2, 20), _d(2025, 4, 2),
        irene_contact, "Residential Saver", "Online Banking",
    )  # fmt: skip
    connection_and_meter(
        7, 8, "water", "inactive", (2020, 2, 20), "Residential Saver",
        ("M-3390", "D-6612", "Smart Water Meter", "Aquaflow X200"), (2020, 2, 18), "inactive",
        inventory="uninstalled",
    )  # fmt: skip
    readings(8, [(_d(2025, 1, 5), 27450), (_d(2025, 2, 5), 28080), (_d(2025, 3, 5), 28690),
                 (_d(2025, 3, 31), 29190)], 640)  # fmt: skip
    monthly(7, 8, (
        (date(2025, 1, 5), date(2025, 1, 26), 640, "79.10", (date(2025, 1, 24), 9510)),
        (date(2025, 2, 5), date(2025, 2, 26), 630, "78.40", (date(2025, 2, 24), 9655)),
        (date(2025, 3, 5), date(2025, 3, 26), 610, "76.95", (date(2025, 3, 21), 9915)),
    ), "Online Banking", (19, 0))  # fmt: skip
    final = bill(7, 8, (_d(2025, 3, 5), _d(2025, 3, 31)), _d(2025, 4, 2), _d(2025, 4, 23), 500,
                 "68.10", "68.10")  # fmt: skip
    payment(final, 10020, 7, final, "68.10", office_seconds(2025, 4, 18, 19, 0),
            "Online Banking", True)  # fmt: skip
    s.add("security_deposit", (2, 7, 10000, 0, _d(2020, 2, 18), "refunded"))
    message(7, "phone", "from_customer", "Moving out",
            "Customer moves to Lakeview on Mar 31; asked to close the account and send the "
            "final bill to 88 Lakeshore Dr, Lakeview.", office_seconds(2025, 3, 24, 14, 5),
            callcenter, True)  # fmt: skip
    message(7, "email", "to_customer", "Final bill",
            "Your final bill of $68.10 is due on Apr 23, 2025. Your $100.00 deposit will be "
            "refunded.", irene_contact, None)  # fmt: skip

    # WU-10006 Delgado's Taqueria: temporarily disconnected for non-payment (NP-001) on Apr 14,
    # 2025, when its oldest open bill (due Jan 10, 2025) was 94 days overdue; five bills open,
    # $1179.20, in collection (130 days overdue on May 20, 2025).
    delgado_contact = office_seconds(2025, 4, 14, 9, 0)
    consumer(
        8, "WU-10006", "Delgado's Taqueria", "hector@delgados-taqueria.example.com",
        "(555) 789-0123", "510 Market St, Anytown", "510 Market St, Anytown", "Anytown",
        "temporarily_disconnected", "Restaurant", False, "collection", "1179.20", (2018, 5, 7),
        (2018, 5, 9), _d(2025, 4, 10), delgado_contact, "Commercial General", "Cheque",
        category="Commercial",
    )  # fmt: skip
    connection_and_meter(
        8, 9, "water", "inactive", (2018, 5, 9), "Commercial General",
        ("M-8854", "D-4478", "Smart Water Meter", "Aquaflow X300"), (2018, 5, 7), "inactive",
    )  # fmt: skip
    delgado_values = [152300, 155250, 158060, 160700, 163397, 166282, 169104, 171877, 174733]
    readings(9, [(date(2024 + (m > 12), (m - 1) % 12 + 1, 10).isoformat(), v)
                 for m, v in zip(range(8, 17), delgado_values, strict=True)], 3010)  # fmt: skip
    monthly(8, 9, (
        (date(2024, 9, 10), date(2024, 10, 10), 2950, "245.60", (date(2024, 10, 9), 9297)),
        (date(2024, 10, 10), date(2024, 11, 10), 2810, "236.08", (date(2024, 11, 8), 9355)),
        (date(2024, 11, 10), date(2024, 12, 10), 2640, "224.52", (date(2024, 12, 9), 9410)),
        (date(2024, 12, 10), date(2025, 1, 10), 2697, "228.40", None),
        (date(2025, 1, 10), date(2025, 2, 10), 2885, "241.15", None),
        (date(2025, 2, 10), date(2025, 3, 10), 2822, "236.90", None),
        (date(2025, 3, 10), date(2025, 4, 10), 2773, "233.55", None),
        (date(2025, 4, 10), date(2025, 5, 10), 2856, "239.20", None),
    ), "Cheque", (12, 0), recorded_by=admin)  # fmt: skip
    message(8, "letter", "to_customer", "Final notice",
            "Your balance of $940.00 ($706.45 of it overdue since Jan 10, 2025) must be paid "
            "by Apr 11, 2025, or the water service will be disconnected.",
            office_seconds(2025, 3, 31, 9, 0), None)  # fmt: skip
    message(8, "phone", "to_customer", "Service temporarily disconnected",
            "Water service disconnected for non-payment (NP-001). It is restored when the "
            "$1179.20 balance is paid (RC-001); owner asked about a payment plan.",
            delgado_contact, recovery, True)  # fmt: skip
    s.add("note", (5, 8, None, recovery, staff.names[recovery],
                   "Temporarily disconnected for non-payment; oldest open bill due Jan 10, "
                   "2025. Owner Hector Delgado asked for a payment plan; reconnect when "
                   "settled.", 1, ts(delgado_contact + 600)))  # fmt: skip
    return s


def age_standings(samples: Samples, as_of: date) -> None:
    """The samples' payment standings as of ``as_of``: the seed's, or worse once their unpaid
    bills have aged past it. The seeds' world is May 2025; a demo dated later would show
    John Doe "Current" beside "Payment overdue by 560 days" and in the collections list."""
    consumer, bill = COLUMNS["consumer"], COLUMNS["bill"]
    c_id, c_standing = consumer.index("id"), consumer.index("payment_standing")
    b_consumer, b_due, b_status = (bill.index(k) for k in ("consumer_id", "due_date", "status"))
    oldest: dict[int, date] = {}
    for row in samples.rows.get("bill", []):
        if row[b_status] in ("unpaid", "partially_paid"):
            due, cid = date.fromisoformat(row[b_due]), row[b_consumer]
            oldest[cid] = min(oldest.get(cid, due), due)
    rows = samples.rows.get("consumer", [])
    for i, row in enumerate(rows):
        aged = standing_of(days_past_due(oldest.get(row[c_id]), as_of))
        value = worse_standing(row[c_standing], aged)
        rows[i] = (*row[:c_standing], value, *row[c_standing + 1 :])


#: Bumped when the data a seed gives changes: a demo database built before is built again.
GENERATION = 2


def demo_marker(seed: int, consumers: int, as_of: date) -> str:
    return json.dumps(
        {
            "generation": GENERATION,
            "seed": seed,
            "consumers": consumers,
            "as_of": as_of.isoformat(),
            "users": [u for u, _, _ in DEMO_USERS],
        }
    )
