"""Synthetic consumers, generated in chunks from one ``random.Random`` stream.

Everything a consumer owns (connections, meters, readings, bills, payments, deposit, work
items) is generated together, so the ledger holds by construction: the consumer's
``balance`` is the sum of ``amount - paid`` over its unpaid and partially paid bills, and
``payment_standing`` follows the age of the oldest of those bills (see :func:`standing`).

Volumes, chosen so that 1M consumers build in under five minutes on two cores (measured:
~25 rows per consumer, 24.9M rows, 226 s, 4.3 GB): 1.6 connections and meters, 6 monthly
readings per meter, 6 monthly bills per consumer (water and electricity on one bill, due
21 days after issue) and a payment for each bill paid; 6 months is the least that still
gives bills over 90 days overdue (collection) and a 6-month consumption chart. Rarer, over
the 12 months before ``as_of``: ~0.6 calls, 0.4 communications, 0.3 documents,
0.27 work orders, 0.16 queries, 0.14 disconnection requests, 0.1 service requests,
0.09 complaints, 0.09 notes per consumer.

Row content depends only on (seed, consumers, as_of): no clock is read. Times are office
hours in America/Chicago stored as UTC, and all lie before ``as_of`` 00:00 UTC; dates that
are naturally ahead (due dates, schedules) may follow it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cso_tui.demo import fixed, vocab
from cso_tui.demo.writer import Row, TimeText
from cso_tui.models.enums import Role
from cso_tui.services.rules.aging import standing_of
from cso_tui.services.rules.disconnection_defaults import REASONS, TIME_SLOTS
from cso_tui.services.rules.search_terms import email_key, phone_key

BILL_MONTHS = 6
WINDOW_DAYS = 365
DUE_DAYS = 21

HOUR = 3600
DAY = 86400


def standing(oldest_unpaid_due: int | None, as_of: int) -> str:
    """Payment standing from the due date (ordinal) of the oldest unpaid bill."""
    if oldest_unpaid_due is None or oldest_unpaid_due >= as_of:
        return "current"
    return standing_of(as_of - oldest_unpaid_due)


@dataclass
class Counters:
    """Next id and next identifier number per kind; synthetic numbers follow the samples'."""

    consumer: int
    connection: int
    meter: int
    reading: int
    movement: int
    bill: int
    payment: int
    deposit: int
    complaint: int
    request: int
    query: int
    disconnection: int
    order: int
    communication: int
    note: int
    document: int
    call: int
    account_no: int = fixed.FIRST_ACCOUNT
    meter_no: int = fixed.FIRST_METER
    device_no: int = fixed.FIRST_DEVICE
    bill_no: int = fixed.FIRST_BILL
    invoice_no: int = fixed.FIRST_INVOICE
    payment_no: int = fixed.FIRST_PAYMENT
    complaint_no: int = fixed.FIRST_COMPLAINT
    request_no: int = fixed.FIRST_REQUEST
    query_no: int = fixed.FIRST_QUERY
    order_no: int = fixed.FIRST_ORDER


def _weighted(pairs: tuple[tuple[int, str], ...]) -> tuple[str, ...]:
    """A 100-slot table for weighted picks with a single ``random()`` call."""
    table: list[str] = []
    for weight, value in pairs:
        table += [value] * weight
    assert len(table) == 100
    return tuple(table)


STATUS_TABLE = _weighted(
    (
        (84, "active"),
        (6, "inactive"),
        (4, "temporarily_disconnected"),
        (3, "disconnected"),
        (3, "pending"),
    )
)

# base monthly use per category: (water gallons, electricity kWh, electricity share in %)
USE = {
    "Residential": (4500, 800, 58),
    "Commercial": (26000, 6500, 75),
    "Industrial": (180000, 48000, 100),
    "Government": (40000, 9000, 90),
}

WATER_FIXED, WATER_MILLICENTS = 1250, 1100  # $12.50 + 1.1 cents per gallon
POWER_FIXED, POWER_MILLICENTS = 1000, 14000  # $10.00 + 14 cents per kWh


def _season(month: int) -> tuple[int, int]:
    """Percent of base use in ``month``: water peaks in summer, electricity summer and winter."""
    water = (90, 88, 92, 96, 105, 120, 130, 128, 112, 100, 92, 90)[month - 1]
    power = (118, 112, 98, 88, 92, 112, 130, 128, 104, 90, 98, 115)[month - 1]
    return water, power


class Synthesizer:
    def __init__(
        self,
        tt: TimeText,
        seed: int,
        as_of: date,
        staff: fixed.Staff,
        counters: Counters,
        disconnection_numbers: dict[int, int],
    ) -> None:
        self.tt = tt
        self.rng = random.Random(seed)
        self.as_of = as_of.toordinal()
        self.now = self.as_of * DAY  # every synthetic time lies before as_of 00:00 UTC
        self.c = counters
        self.dis_numbers = dict(disconnection_numbers)
        self.staff = staff
        role = staff.active_by_role
        self.desk = tuple(role[Role.CUSTOMER_EXECUTIVE] + role[Role.CALL_CENTER])
        self.admins = tuple(role[Role.CSO_ADMIN])
        self.recovery = tuple(role[Role.RECOVERY_EXECUTIVE])
        self.reps = tuple(staff.by_role[Role.CALL_CENTER])  # past calls: inactive reps too
        self.authors = tuple(self.desk + self.recovery + self.admins)
        self.technicians = tuple(staff.names[i] for i in staff.by_role[Role.FIELD_TECHNICIAN])
        self.dispatchers = tuple(
            staff.names[i] for i in (*staff.by_role[Role.CSO_MANAGER], *self.admins[:2])
        )
        self._offsets: dict[int, int] = {}
        # issue dates of the last BILL_MONTHS bills for each billing day, plus the one before
        self.bill_days: list[tuple[int, ...]] = [()]
        self.seasons: list[tuple[tuple[int, int], ...]] = [()]
        for bd in range(1, 29):
            issues: list[int] = []
            y, m = as_of.year, as_of.month
            while len(issues) < BILL_MONTHS + 1:
                d = date(y, m, bd)
                if d < as_of:
                    issues.append(d.toordinal())
                y, m = (y, m - 1) if m > 1 else (y - 1, 12)
            issues.reverse()
            self.bill_days.append(tuple(issues))
            self.seasons.append(tuple(_season(date.fromordinal(d).month) for d in issues))
        self.reason_rows = {r[0]: (fixed.REASON_ID[r[0]], *r) for r in REASONS}
        self.stock_done = False
        # Day texts and office UTC offsets as lists indexed by ordinal - base: formatting is
        # most of the generator's time otherwise.
        base = self.base = self.as_of - 9000
        days = [date.fromordinal(o).isoformat() for o in range(base, self.as_of + 400)]
        offs = [self.utc_offset(o) for o in range(base, self.as_of + 400)]
        tod = tt.time_of_day

        def day(ordinal: int) -> str:
            return days[ordinal - base]

        def ts(seconds: int) -> str:
            return days[seconds // DAY - base] + tod[seconds % DAY]

        def office(ordinal: int, r: Callable[[], float]) -> int:
            """A moment in office hours (08:00-18:00) on ``day``, as UTC seconds."""
            return ordinal * DAY + 8 * HOUR + int(r() * 10 * HOUR) + offs[ordinal - base]

        self.day, self.ts, self.office = day, ts, office
        self.days, self.offs, self.tod = days, offs, tod
        # per billing day and month: issue, period end, due and created-at texts
        self.bill_texts: list[tuple[tuple[str, str, str, str], ...]] = [()]
        for bd in range(1, 29):
            self.bill_texts.append(
                tuple(
                    (day(i), day(i - 1), day(i + DUE_DAYS), ts(i * DAY + 11 * HOUR))
                    for i in self.bill_days[bd]
                )
            )

    # ------------------------------------------------------------ time helpers

    def utc_offset(self, day: int) -> int:
        """Seconds to add to office wall time on ``day`` to get UTC (6 h in winter, 5 in summer)."""
        off = self._offsets.get(day)
        if off is None:
            local = datetime.combine(date.fromordinal(day), datetime.min.time()).replace(
                hour=12, tzinfo=fixed.OFFICE_ZONE
            )
            delta = local.utcoffset() or timedelta(0)
            off = self._offsets[day] = -int(delta.total_seconds())
        return off

    def _dis_no(self, at: int) -> str:
        year = date.fromordinal(at // DAY).year
        n = self.dis_numbers.get(year, 0) + 1
        self.dis_numbers[year] = n
        return f"DIS-{year}-{n:06d}"

    # ------------------------------------------------------------ the chunk

    def chunk(self, start: int, stop: int, total: int) -> dict[str, list[Row]]:
        """Rows for synthetic consumers ``start`` .. ``stop - 1`` (0-based) of ``total``."""
        out: dict[str, list[Row]] = {}
        consumers: list[Row] = []
        connections: list[Row] = []
        meters: list[Row] = []
        readings: list[Row] = []
        estimated: list[Row] = []
        movements: list[Row] = []
        bills: list[Row] = []
        regular_bills: list[Row] = []
        payments: list[Row] = []
        deposits: list[Row] = []
        complaints: list[Row] = []
        requests: list[Row] = []
        queries: list[Row] = []
        disconnections: list[Row] = []
        orders: list[Row] = []
        comms: list[Row] = []
        notes: list[Row] = []
        documents: list[Row] = []
        calls: list[Row] = []
        for _ in range(start, stop):
            self._consumer(
                consumers, connections, meters, readings, estimated, movements, bills,
                regular_bills, payments, deposits, complaints, requests, queries, disconnections,
                orders, comms, notes, documents, calls,
            )  # fmt: skip
        if stop >= total and not self.stock_done:
            self._stock(meters, max(5, total // 100))
            self.stock_done = True
        out["consumer:synthetic"] = consumers
        out["service_connection"] = connections
        out["meter"] = meters
        out["meter_reading:verified"] = readings
        out["meter_reading:estimated"] = estimated
        out["inventory_movement"] = movements
        out["bill"] = bills
        out["bill:regular"] = regular_bills
        out["payment:processed"] = payments
        out["security_deposit"] = deposits
        out["complaint"] = complaints
        out["service_request"] = requests
        out["consumer_query"] = queries
        out["disconnection_request"] = disconnections
        out["service_order"] = orders
        out["communication"] = comms
        out["note"] = notes
        out["document"] = documents
        out["call"] = calls
        return out

    def _stock(self, meters: list[Row], n: int) -> None:
        """Meters in the store (unassigned), for the meter-assignment flows."""
        c = self.c
        r = self.rng.random
        for k in range(n):
            water = k % 3 != 2
            mtype, models = (vocab.WATER_METERS if water else vocab.ELECTRICITY_METERS)[k % 2]
            status = "decommissioned" if k % 10 == 9 else "in_stock"
            meters.append(
                (
                    c.meter, f"M-{c.meter_no}", f"D-{c.device_no}",
                    "water" if water else "electricity", mtype,
                    models[int(r() * len(models))], status, None, None, None, None, "inactive",
                    1,
                )
            )  # fmt: skip
            c.meter += 1
            c.meter_no += 1
            c.device_no += 1

    def _consumer(
        self,
        consumers: list[Row],
        connections: list[Row],
        meters: list[Row],
        readings: list[Row],
        estimated: list[Row],
        movements: list[Row],
        bills: list[Row],
        regular_bills: list[Row],
        payments: list[Row],
        deposits: list[Row],
        complaints: list[Row],
        requests: list[Row],
        queries: list[Row],
        disconnections: list[Row],
        orders: list[Row],
        comms: list[Row],
        notes: list[Row],
        documents: list[Row],
        calls: list[Row],
    ) -> None:
        r = self.rng.random
        c = self.c
        ts = self.ts
        day_s = self.day
        A = self.as_of
        NOW = self.now
        office = self.office
        desk = self.desk
        n_desk = len(desk)

        cid = c.consumer
        c.consumer += 1
        account = f"WU-{c.account_no}"
        c.account_no += 1

        # ---- who and where
        x = int(r() * 100)
        cat = vocab.CATEGORIES[0 if x < 85 else 1 if x < 95 else 2 if x < 98 else 3]
        category, _, subs, business, plan = cat
        sub = subs[int(r() * len(subs))]
        town, state, zip3, area = vocab.TOWNS[int(r() * len(vocab.TOWNS))]
        first = vocab.FIRST_NAMES[int(r() * len(vocab.FIRST_NAMES))]
        last = vocab.LAST_NAMES[int(r() * len(vocab.LAST_NAMES))]
        if business:
            word = vocab.BUSINESS_WORDS[int(r() * len(vocab.BUSINESS_WORDS))] if r() < 0.6 else last
            name = f"{word} {business[int(r() * len(business))]}"
            local = name.lower().replace(" ", "").replace(".", "").replace("'", "")[:20]
            email: str | None = f"accounts@{local}.example.com" if r() < 0.85 else None
        else:
            name = f"{first} {chr(65 + int(r() * 26))}. {last}" if r() < 0.08 else f"{first} {last}"
            plan = vocab.RESIDENTIAL_PLANS[int(r() * len(vocab.RESIDENTIAL_PLANS))]
            f, l_ = first.lower(), last.lower().replace("'", "")
            y = int(r() * 10)
            if y >= 9:
                email = None
            else:
                nn = int(r() * 100)
                local = (
                    f"{f}.{l_}" if y < 4 else f"{f[0]}{l_}{nn}" if y < 6 else f"{f}{l_}{nn}"
                    if y < 8 else f"{l_}.{f}"
                )  # fmt: skip
                dom = vocab.EMAIL_DOMAINS[int(r() * len(vocab.EMAIL_DOMAINS))]
                email = f"{local}@{dom}"
                if r() < 0.05:  # some staff typed it capitalised: email_key folds it
                    email = f"{first}.{last}@{dom}".replace("'", "")
        ex, line = 200 + int(r() * 800), int(r() * 10000)
        y = int(r() * 6)
        phone = (
            f"({area}) {ex}-{line:04d}" if y < 2 else f"{area}-{ex}-{line:04d}" if y == 2
            else f"{area}.{ex}.{line:04d}" if y == 3 else f"+1 {area} {ex} {line:04d}" if y == 4
            else f"{area}{ex}{line:04d}"
        )  # fmt: skip
        alt_phone = f"({area}) {200 + int(r() * 800)}-{int(r() * 10000):04d}" if r() < 0.1 else None
        zipcode = f"{zip3}{int(r() * 100):02d}"
        street = (
            f"{1 + int(r() * 9899)} {vocab.STREETS[int(r() * len(vocab.STREETS))]} "
            f"{vocab.STREET_SUFFIXES[int(r() * len(vocab.STREET_SUFFIXES))]}"
        )
        # seed 004's form ("246 Elm St, Anytown"); the billing address carries the ZIP code
        service_address = f"{street}, {town}"
        billing_address = f"{service_address}, {state} {zipcode}"
        if r() < 0.1:
            billing_address = (
                f"PO Box {100 + int(r() * 9000)}, {town}, {state} {zipcode}"
                if business or r() < 0.3
                else f"{1 + int(r() * 9899)} {vocab.STREETS[int(r() * len(vocab.STREETS))]} "
                f"Ave, Billtown, IL 626{int(r() * 100):02d}"
            )

        # ---- status and history
        status = STATUS_TABLE[int(r() * 100)]
        vip = status != "pending" and r() < 0.02
        if status == "pending":
            registered = A - 1 - int(r() * 30)
            connected: int | None = None
        else:
            registered = A - 730 - int(r() * 5500) if r() < 0.7 else A - 45 - int(r() * 685)
            connected = registered + int(r() * 10)
        ended: int | None = None  # last day of service, for the ones no longer served
        if connected is not None and status != "active":
            if status == "inactive" and r() < 0.5:
                ended = A - 400 - int(r() * 1500)
            elif status == "inactive":
                ended = A - 5 - int(r() * 355)
            else:
                ended = A - 10 - int(r() * 170)
            ended = min(max(ended, connected + 45), A - 2)
        mode, method = vocab.PAYMENT_MODES[int(r() * len(vocab.PAYMENT_MODES))]
        autopay = mode.startswith("Auto-pay")
        digital = int(method in vocab.DIGITAL_METHODS)
        created = office(registered, r)
        updated = created
        last_contact = 0

        # ---- connections and meters
        water_base, power_base, power_share = USE[category]
        utilities = ["water"]
        if int(r() * 100) < power_share:
            utilities.append("electricity")
        conn_status = (
            "pending" if status == "pending" else "active" if status == "active" else "inactive"
        )
        day_connected = day_s(connected) if connected is not None else None
        removed = status in ("inactive", "disconnected")
        meter_ids: list[tuple[int, int, int, bool]] = []  # (meter id, base use, value, smart)
        first_conn = c.connection
        for utility in utilities:
            conn_id = c.connection
            c.connection += 1
            water = utility == "water"
            connections.append(
                (
                    conn_id, cid, utility, conn_status, day_connected, plan, "Monthly",
                    "gallons" if water else "kWh", ts(created),
                )
            )  # fmt: skip
            if water:
                mtype, models = vocab.WATER_METERS[int(r() * len(vocab.WATER_METERS))]
            elif category == "Industrial":
                mtype, models = vocab.THREE_PHASE_METER
            else:
                mtype, models = vocab.ELECTRICITY_METERS[int(r() * len(vocab.ELECTRICITY_METERS))]
            mid = c.meter
            c.meter += 1
            base = water_base if water else power_base
            base = base * (60 + int(r() * 80)) // 100
            meters.append(
                (
                    mid, f"M-{c.meter_no}", f"D-{c.device_no}", utility, mtype,
                    models[int(r() * len(models))],
                    "uninstalled" if removed else "in_stock" if connected is None else "installed",
                    conn_id, cid, day_s(registered),
                    day_connected, "active" if status == "active" else "inactive"
                    if status != "pending" else "pending", 1,
                )
            )  # fmt: skip
            c.meter_no += 1
            c.device_no += 1
            meter_ids.append((mid, base, int(r() * 40 * base), mtype.startswith("Smart")))

        # ---- readings and bills (monthly on the billing day, due 21 days later)
        bd = 1 + int(r() * 28)
        issue_days = self.bill_days[bd]
        seasons = self.seasons[bd]
        texts = self.bill_texts[bd]
        profile = r()
        if status in ("temporarily_disconnected", "disconnected"):
            kind = "delinquent"
        elif status == "inactive":
            kind = "good" if profile < 0.85 else "late"
        else:
            kind = (
                "good" if profile < 0.78 else "late" if profile < 0.90
                else "partial" if profile < 0.94 else "delinquent"
            )  # fmt: skip
        billed: list[tuple[int, int, int]] = []  # (bill id, due day, open cents)
        last_billed: int | None = None
        n_meters = len(meter_ids)
        single_conn = first_conn if n_meters == 1 else None
        if connected is not None:
            valid = [
                j
                for j in range(1, BILL_MONTHS + 1)
                if issue_days[j] >= connected + 20 and (ended is None or issue_days[j] <= ended)
            ]
            stop_at = BILL_MONTHS + 1
            if kind == "delinquent":
                # unpaid from some bill on: three or more open bills means collection
                unpaid_n = 3 + int(r() * 3) if status != "active" else 1 + int(r() * 5)
                stop_at = valid[-unpaid_n] if len(valid) >= unpaid_n else (valid[0] if valid else 0)
            # hot loop: counters, lookups and meter state in locals, written back after it
            days, offs, tod, base = self.days, self.offs, self.tod, self.base
            modes, digital_methods = vocab.PAYMENT_MODES, vocab.DIGITAL_METHODS
            reading_id, bill_id, bill_no = c.reading, c.bill, c.bill_no
            pay_id, pay_no = c.payment, c.payment_no
            m_ids = [m[0] for m in meter_ids]
            m_base = [m[1] for m in meter_ids]
            m_value = [m[2] for m in meter_ids]
            m_reader = [
                None if m[3] else self.technicians[m[0] % len(self.technicians)] for m in meter_ids
            ]
            last_valid = valid[-1] if valid else 0
            for j in valid:
                issued = issue_days[j]
                issued_s, end_s, due_s, created_s = texts[j]
                season_w, season_p = seasons[j]
                # the latest reading is sometimes estimated (meter not reachable)
                out_readings = estimated if j == BILL_MONTHS and r() < 0.02 else readings
                use = m_base[0] * season_w * (85 + int(r() * 31)) // 10000
                usage_w = use
                m_value[0] += use
                out_readings.append((reading_id, m_ids[0], issued_s, m_value[0], use, m_reader[0]))
                reading_id += 1
                cents = WATER_FIXED + use * WATER_MILLICENTS // 1000
                if n_meters == 2:
                    use = m_base[1] * season_p * (85 + int(r() * 31)) // 10000
                    m_value[1] += use
                    out_readings.append(
                        (reading_id, m_ids[1], issued_s, m_value[1], use, m_reader[1])
                    )
                    reading_id += 1
                    cents += POWER_FIXED + use * POWER_MILLICENTS // 1000
                cents += cents * 5 // 100  # taxes
                due = issued + DUE_DAYS
                # when (if at all) this bill gets paid
                paid = 0
                pay_day = 0
                if kind == "good" or (kind == "partial" and (due >= A or j != last_valid)):
                    pay_day = due if autopay else due - int(r() * 15)
                    paid = cents
                elif kind == "late" or (kind == "delinquent" and j < stop_at):
                    pay_day = due + 1 + int(r() * 35) if r() < 0.5 else due - int(r() * 10)
                    paid = cents
                elif kind == "partial":
                    pay_day = due - int(r() * 5)
                    paid = cents * (50 + int(r() * 40)) // 100
                if pay_day >= A:
                    paid = pay_day = 0
                regular_bills.append(
                    (
                        bill_id, f"BL-{bill_no}", cid, single_conn,
                        texts[j - 1][0] if issue_days[j - 1] > connected else day_connected,
                        end_s, issued_s, due_s, usage_w if single_conn else None, cents, paid,
                        "paid" if paid == cents else "partially_paid" if paid else "unpaid",
                        created_s,
                    )
                )  # fmt: skip
                bill_no += 1
                if paid:
                    pm, online = method, digital
                    if r() >= 0.9:  # now and then another way to pay
                        pm = modes[int(r() * 8)][1]
                        online = int(pm in digital_methods)
                    k = pay_day - base  # office hours never cross midnight UTC
                    payments.append(
                        (
                            pay_id, f"PAY-{pay_no}", cid, bill_id, paid,
                            days[k] + tod[28800 + int(r() * 36000) + offs[k]], pm,
                            f"REF-{pay_no}", online, int(pay_day <= due),
                            None if online else desk[int(r() * n_desk)],
                        )
                    )  # fmt: skip
                    pay_id += 1
                    pay_no += 1
                if paid < cents:
                    billed.append((bill_id, due, cents - paid))
                bill_id += 1
            if valid:
                last_billed = issue_days[last_valid]
            c.reading, c.bill, c.bill_no = reading_id, bill_id, bill_no
            c.payment, c.payment_no = pay_id, pay_no
            if status == "inactive" and ended is not None and valid:
                # the final bill for the last part-month, settled (85%) or still open
                cents = 1500 + int(r() * 6000)
                due = ended + DUE_DAYS
                bill_id = c.bill
                c.bill += 1
                pay_day = ended + int(r() * 20) if r() < 0.85 else 0
                paid = cents if 0 < pay_day < A else 0
                bills.append(
                    (
                        bill_id, f"INV-{c.invoice_no}", cid, single_conn, "final",
                        day_s(last_billed or connected), day_s(ended), day_s(ended), day_s(due),
                        None, cents, 0, 0, paid, "paid" if paid else "unpaid",
                        self.staff.id_of("billing"), ts(office(ended, r)), 1,
                        ts(ended * DAY + 11 * HOUR), 1,
                    )
                )  # fmt: skip
                c.invoice_no += 1
                last_billed = ended
                if paid:
                    payments.append(
                        (
                            c.payment, f"PAY-{c.payment_no}", cid, bill_id, paid,
                            ts(office(pay_day, r)), method, f"REF-{c.payment_no}", digital,
                            int(pay_day <= due), None,
                        )
                    )  # fmt: skip
                    c.payment += 1
                    c.payment_no += 1
                else:
                    billed.append((bill_id, due, cents))
        balance = 0
        oldest_due: int | None = None
        for _, due, open_cents in billed:
            balance += open_cents
            if oldest_due is None or due < oldest_due:
                oldest_due = due
        pay_standing = standing(oldest_due, A)

        # ---- security deposit
        if connected is not None and category != "Government":
            chance = 0.55 if category == "Residential" else 0.9
            if r() < chance:
                amount = (
                    10000 + 2500 * int(r() * 5) if category == "Residential"
                    else 50000 + 25000 * int(r() * 5) if category == "Commercial" else 250000
                )  # fmt: skip
                deposits.append(
                    (
                        c.deposit, cid, amount, 0, day_s(connected),
                        "refunded" if status == "inactive" else "held",
                    )
                )  # fmt: skip
                c.deposit += 1

        # ---- work items over the last 12 months
        first_day = max(registered, A - WINDOW_DAYS)
        span = A - first_day  # >= 1: every consumer registered before as_of
        while r() < 0.08:  # complaints: created -> approved/rejected -> in progress -> resolved
            ctpl = vocab.COMPLAINTS[int(r() * len(vocab.COMPLAINTS))]
            at = office(first_day + int(r() * span), r)
            validated = at + 2 * HOUR + int(r() * 42 * HOUR)
            started = validated + 6 * HOUR + int(r() * 24 * HOUR)
            resolved = started + DAY + int(r() * 8 * DAY)
            u = r()  # how far this one goes if time allows
            if u < 0.03 or validated >= NOW:
                cs = "created"  # some wait too long for validation (the admin's queue)
            elif u < 0.15:
                cs = "rejected"
            elif started >= NOW:
                cs = "approved"
            elif u < 0.2 or resolved >= NOW:
                cs = "in_progress"
            else:
                cs = "resolved"
            comp_id = c.complaint
            c.complaint += 1
            complaints.append(
                (
                    comp_id, f"C-{c.complaint_no}", cid, ctpl[0], ctpl[1],
                    "high" if vip else ctpl[2], int(ctpl[3]), int(ctpl[4]), cs, ts(at),
                    desk[int(r() * n_desk)],
                    None if cs == "created" else self.admins[int(r() * len(self.admins))],
                    None if cs == "created" else ts(validated),
                    None if cs == "created" else "Rejected: duplicate of an earlier complaint"
                    if cs == "rejected" else "Approved: within service scope",
                    ts(resolved) if cs == "resolved" else None,
                    4 + int(r() * 7) if cs == "resolved" and r() < 0.7 else None, 1,
                )
            )  # fmt: skip
            c.complaint_no += 1
            last_contact = max(last_contact, at)
            if ctpl[4] and cs in ("approved", "in_progress", "resolved"):
                # an approved complaint with service impact raises its work order (seed 000)
                self._order(
                    orders,
                    cid,
                    name,
                    validated,
                    "Maintenance",
                    ctpl[1][:120],
                    "high" if ctpl[3] else "medium",
                    comp_id,
                    None,
                    resolved if cs == "resolved" else 0,
                )

        n_requests = 1 if status == "pending" else 0
        while r() < 0.07:
            n_requests += 1
        for k in range(n_requests):
            if status == "pending" and k == 0:
                rtpl = vocab.SERVICE_REQUESTS[0]  # the new connection it is waiting for
                day = registered
            else:
                rtpl = vocab.SERVICE_REQUESTS[int(r() * len(vocab.SERVICE_REQUESTS))]
                day = first_day + int(r() * span)
            at = office(day, r)
            validated = at + HOUR + int(r() * 40 * HOUR)
            planned = validated + 2 * HOUR + int(r() * 18 * HOUR)
            scheduled = max(day + 2 + int(r() * 8), planned // DAY + 1)
            started = office(scheduled, r)
            done = started + 2 * HOUR + int(r() * 6 * HOUR)
            u = r()
            if u < 0.02 or validated >= NOW:
                rs = "created"
            elif u < 0.1:
                rs = "rejected"
            elif planned >= NOW:
                rs = "approved"
            elif started >= NOW:
                rs = "scheduled"
            elif u < 0.14 or done >= NOW:
                rs = "in_progress"
            else:
                rs = "completed"
            amount_due = rtpl[2]
            requests.append(
                (
                    c.request, f"REQ-{c.request_no}", cid, rtpl[0], rtpl[1],
                    "high" if vip else "medium" if r() < 0.7 else "low", rs,
                    {"created": 0, "approved": 20, "rejected": 0, "scheduled": 40,
                     "in_progress": 60 + 10 * int(r() * 3), "completed": 100}[rs],
                    None if rs == "created" else desk[int(r() * n_desk)], amount_due,
                    "none" if not amount_due else "paid" if rs == "completed" or r() < 0.6
                    else "outstanding", ts(at), desk[int(r() * n_desk)],
                    None if rs == "created" else self.admins[int(r() * len(self.admins))],
                    None if rs == "created" else ts(validated),
                    None if rs == "created" else "Rejected: incomplete documents"
                    if rs == "rejected" else "Approved",
                    day_s(scheduled) if rs in ("scheduled", "in_progress", "completed") else None,
                    ts(done) if rs == "completed" else None, 1,
                )
            )  # fmt: skip
            c.request += 1
            c.request_no += 1
            if status == "pending" and k == 0 and rs not in ("created", "rejected"):
                self._order(
                    orders,
                    cid,
                    name,
                    validated,
                    "New Connection",
                    "Install service line and meter",
                    "medium",
                    None,
                    None,
                    done if rs == "completed" else 0,
                )

        while r() < 0.14:  # consumer queries: open -> acknowledged -> responded -> resolved
            qtpl = vocab.QUERIES[int(r() * len(vocab.QUERIES))]
            at = office(first_day + int(r() * span), r)
            ack = at + 1800 + int(r() * 20 * HOUR)
            resp = ack + 2 * HOUR + int(r() * 28 * HOUR)
            res = resp + HOUR + int(r() * 70 * HOUR)
            u = r()  # a few stall: they are what the 72 h escalation rule is for
            if u < 0.03 or ack >= NOW:
                qs = "open"
            elif u < 0.06 or resp >= NOW:
                qs = "acknowledged"
            elif u < 0.12 or res >= NOW:
                qs = "responded"
            else:
                qs = "resolved"
            immediate = qtpl[2] or qtpl[3] or vip
            y = int(r() * 10)
            queries.append(
                (
                    c.query, f"QRY-{c.query_no}", cid,
                    "phone" if y < 5 else "email" if y < 8 else "sms" if y < 9 else "letter",
                    qtpl[0], qtpl[1], int(qtpl[2]), int(qtpl[3]),
                    "high" if immediate else "medium" if r() < 0.6 else "low", int(immediate),
                    qs, None if qs == "open" else desk[int(r() * n_desk)], ts(at),
                    None if qs == "open" else ts(ack),
                    ts(resp) if qs in ("responded", "resolved") else None,
                    ts(res) if qs == "resolved" else None,
                    ts(at + 72 * HOUR)
                    if qs in ("open", "acknowledged") and at + 72 * HOUR < NOW else None, 1,
                )
            )  # fmt: skip
            c.query += 1
            c.query_no += 1
            last_contact = max(last_contact, at)

        while r() < 0.07:  # work orders raised on their own (readings, inspections...)
            otpl = vocab.SERVICE_ORDERS[int(r() * len(vocab.SERVICE_ORDERS))]
            at = office(first_day + int(r() * span), r)
            self._order(orders, cid, name, at, otpl[0], otpl[1], "medium", None, None, 0)

        while r() < 0.37:  # phone calls: pickup time, abandonment, escalation (seed 002)
            day = first_day + int(r() * span)
            # 08:00-16:00 office time, so that even the longest call ends before as_of
            at = day * DAY + 8 * HOUR + int(r() * 8 * HOUR) + self.offs[day - self.base]
            wait = 20 + min(int(-math.log(1.0 - r()) * 118), 1800)  # mean about 2 min 18 s
            topic = vocab.CALL_TOPICS[int(r() * len(vocab.CALL_TOPICS))]
            if r() < 0.098:
                calls.append((c.call, cid, None, ts(at), None, ts(at + wait), 1, 0, topic))
            else:
                calls.append(
                    (
                        c.call, cid, self.reps[int(r() * len(self.reps))], ts(at),
                        ts(at + wait), ts(at + wait + 60 + int(r() * 840)), 0,
                        int(r() < 0.123), topic,
                    )
                )  # fmt: skip
            c.call += 1
            last_contact = max(last_contact, at)

        while r() < 0.3:  # communications
            channel, direction, subject, body = vocab.COMMUNICATIONS[
                int(r() * len(vocab.COMMUNICATIONS))
            ]
            at = office(first_day + int(r() * span), r)
            manual = channel == "phone" or direction == "from_customer"
            comms.append(
                (
                    c.communication, cid, None, channel, direction, subject, body, ts(at),
                    desk[int(r() * n_desk)] if manual else None,
                    "received" if direction == "from_customer" else "sent",
                    int(r() < (0.85 if direction == "from_customer" else 0.4)),
                )
            )  # fmt: skip
            c.communication += 1
            if manual:
                last_contact = max(last_contact, at)

        while r() < 0.08:  # notes
            author = self.authors[int(r() * len(self.authors))]
            notes.append(
                (
                    c.note, cid, None, author, self.staff.names[author],
                    vocab.NOTE_TEXTS[int(r() * len(vocab.NOTE_TEXTS))], 1,
                    ts(office(first_day + int(r() * span), r)),
                )
            )  # fmt: skip
            c.note += 1

        if r() < 0.25:  # documents: the agreement signed on joining, sometimes another
            kinds = [vocab.DOCUMENTS[0]]
            if r() < 0.2:
                kinds.append(vocab.DOCUMENTS[1 + int(r() * (len(vocab.DOCUMENTS) - 1))])
            for doc_type, doc_status in kinds:
                day = registered if doc_type == "Service Agreement" else first_day + int(r() * span)
                documents.append(
                    (
                        c.document, cid, doc_type, f"{doc_type} - {name}",
                        doc_status if r() < 0.9 else "processing", day_s(day),
                        f"{doc_type.lower().replace(' ', '-')}-{cid}.pdf", "application/pdf",
                        40_000 + int(r() * 400_000), None, desk[int(r() * n_desk)],
                        ts(office(day, r)),
                    )
                )  # fmt: skip
                c.document += 1

        # ---- disconnection and reconnection requests
        if ended is not None:
            code = (
                ("NP-001" if r() < 0.8 else "MT-001" if r() < 0.5 else "SH-001")
                if status == "disconnected" else ("CR-002" if r() < 0.5 else "NP-001")
                if status == "temporarily_disconnected" else "CR-001"
            )  # fmt: skip
            self._disconnection(
                disconnections, orders, movements, meter_ids, cid, name, code, ended,
                "remove" if removed else "unassign",
            )  # fmt: skip
            updated = max(updated, ended * DAY + 20 * HOUR)
        if status == "active" and pay_standing == "collection" and r() < 0.3:
            self._open_request(disconnections, cid, "NP-001", comms)
        elif status == "temporarily_disconnected" and r() < 0.2:
            self._open_request(disconnections, cid, "RC-002" if r() < 0.6 else "RC-001", comms)

        consumers.append(
            (
                cid, account, name, email, email_key(email), phone, phone_key(phone), alt_phone,
                status, category, sub, int(vip), service_address, billing_address, town, plan,
                mode, pay_standing, balance, day_s(registered), day_connected,
                day_s(last_billed) if last_billed else None,
                ts(last_contact) if last_contact else None, ts(created), ts(updated),
            )
        )  # fmt: skip

    # ------------------------------------------------------------ helpers for work items

    def _order(
        self,
        orders: list[Row],
        cid: int,
        name: str,
        at: int,
        order_type: str,
        description: str,
        priority: str,
        complaint_id: int | None,
        disconnection_id: int | None,
        done: int,
    ) -> int:
        """A work order created at ``at``, taken as far as time allows; ``done`` forces completion.

        created -> assigned / scheduled -> in progress -> completed -> verified / closed; a few
        stall in progress past their due date (the overdue work orders of seed 000).
        """
        r = self.rng.random
        c = self.c
        ts = self.ts
        NOW = self.now
        assigned_on = at + 600 + int(r() * 20 * HOUR)
        started = assigned_on + int(r() * 2 * DAY)
        finished = done or started + HOUR + int(r() * 7 * HOUR)
        verified = finished + 2 * HOUR + int(r() * 2 * DAY)
        due = at + DAY + int(r() * 4 * DAY)
        u = r()
        if done:
            status = "verified" if u < 0.5 and verified < NOW else "completed"
        elif u < 0.02:
            status = "cancelled"
        elif assigned_on >= NOW:
            status = "created"
        elif started >= NOW:
            status = "assigned" if u < 0.5 else "scheduled"
        elif u < 0.07 or finished >= NOW:
            status = "in_progress"
        elif verified >= NOW or u < 0.25:
            status = "completed"
        else:
            status = "verified" if u < 0.75 else "closed"
        is_assigned = status not in ("created", "cancelled")
        is_done = status in ("completed", "verified", "closed")
        oid = c.order
        c.order += 1
        orders.append(
            (
                oid, f"SO-{c.order_no}", cid, disconnection_id, complaint_id,
                f"{order_type} - {name}"[:160], order_type, description, status, priority,
                self.day(due // DAY), TIME_SLOTS[int(r() * len(TIME_SLOTS))][0],
                30 * (1 + int(r() * 8)), None, ts(at),
                self.dispatchers[int(r() * len(self.dispatchers))],
                self.technicians[int(r() * len(self.technicians))] if is_assigned else None,
                ts(assigned_on) if is_assigned else None,
                self.dispatchers[0] if is_done else None, ts(due),
                ts(min(started, finished)) if status == "in_progress" or is_done
                else ts(assigned_on) if is_assigned else None,
                ts(finished) if is_done else None,
                ts(verified) if status in ("verified", "closed") else None, 1,
            )
        )  # fmt: skip
        c.order_no += 1
        return oid

    def _disconnection(
        self,
        disconnections: list[Row],
        orders: list[Row],
        movements: list[Row],
        meter_ids: list[tuple[int, int, int, bool]],
        cid: int,
        name: str,
        code: str,
        ended: int,
        meter_action: str,
    ) -> None:
        """The completed request (and its work order) that ended this consumer's service."""
        r = self.rng.random
        c = self.c
        ts = self.ts
        rid, _, rname, desc, priority, approval, applies = self.reason_rows[code]
        created = self.office(ended - 2 - int(r() * 4), r)
        ack = created + 1800 + int(r() * 3 * HOUR)
        response = ack + HOUR + int(r() * 3 * HOUR)
        resolved = ended * DAY + 20 * HOUR
        by = self.desk[int(r() * len(self.desk))]
        dis_id = c.disconnection
        c.disconnection += 1
        so_id = self._order(
            orders,
            cid,
            name,
            ack,
            "Disconnection",
            f"{rname} ({code})",
            priority,
            None,
            dis_id,
            resolved - 2 * HOUR,
        )
        closed = r() < 0.3
        disconnections.append(
            (
                dis_id, self._dis_no(created), cid, applies, rid, code, rname, desc, priority,
                int(approval), self.day(ended), TIME_SLOTS[int(r() * 5)][0], None,
                1, "closed" if closed else "completed", ts(created), by, ts(resolved), by,
                self.recovery[int(r() * len(self.recovery))], ts(ack), ts(response),
                ts(resolved), ts(resolved + HOUR) if closed else None,
                "issue_resolved" if closed else None, None, None, 0, 0, meter_action, so_id,
                "[1, 2, 3, 4, 5, 6]", ts(resolved - HOUR), None, 1,
            )
        )  # fmt: skip
        if meter_action == "remove":
            for mid, _, _, _ in meter_ids:
                movements.append(
                    (c.movement, mid, ts(resolved - HOUR), "installed", "uninstalled",
                     "Central Store", f"SO-{c.order_no - 1}", None)
                )  # fmt: skip
                c.movement += 1

    def _open_request(
        self, disconnections: list[Row], cid: int, code: str, comms: list[Row]
    ) -> None:
        """A request still being worked: pending, in progress or on hold, some past their SLA."""
        r = self.rng.random
        c = self.c
        ts = self.ts
        NOW = self.now
        rid, _, rname, desc, priority, approval, applies = self.reason_rows[code]
        day = self.as_of - 1 - int(r() * 6)
        created = self.office(day, r)
        ack = created + 1800 + int(r() * 4 * HOUR)  # beyond 2 h: acknowledgement SLA missed
        hold = ack + HOUR + int(r() * 10 * HOUR)
        u = r()
        if u < 0.3 or ack >= NOW:
            state = "pending"
        elif u < 0.85 or hold >= NOW:
            state = "in_progress"
        else:
            state = "on_hold"
        by = self.desk[int(r() * len(self.desk))]
        dis_id = c.disconnection
        c.disconnection += 1
        disconnections.append(
            (
                dis_id, self._dis_no(created), cid, applies, rid, code, rname, desc, priority,
                int(approval), self.day(day + 3 + int(r() * 5)),
                TIME_SLOTS[int(r() * 5)][0], None, 1, state, ts(created), by,
                ts(hold if state == "on_hold" else ack if state != "pending" else created), by,
                self.recovery[int(r() * len(self.recovery))] if state != "pending" else None,
                None if state == "pending" else ts(ack), None, None, None, None, None,
                ts(hold) if state == "on_hold" else None, 0,
                1 if code == "NP-001" else None, None, None, None, None,
                ts(created + 24 * HOUR) if NOW - created > 24 * HOUR else None, 1,
            )
        )  # fmt: skip
        comms.append(
            (
                c.communication, cid, dis_id, "email", "to_customer", f"{rname}: request received",
                "We received your request and will confirm the visit time.", ts(created + 60),
                by, "sent", 0,
            )
        )  # fmt: skip
        c.communication += 1


# ---------------------------------------------------------------- running it


@dataclass(frozen=True)
class Job:
    """Everything the generator needs; picklable, so it can run in a child process."""

    dialect: str
    seed: int
    as_of: date
    consumers: int
    chunk: int
    staff: fixed.Staff
    counters: Counters
    disconnection_numbers: dict[int, int]


class Generation:
    """Runs a :class:`Job` chunk by chunk; ``counters``/``disconnection_numbers`` at the end."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.synth = Synthesizer(
            TimeText(job.dialect), job.seed, job.as_of, job.staff, job.counters,
            job.disconnection_numbers,
        )  # fmt: skip

    def chunks(self) -> Iterator[tuple[int, dict[str, list[Row]]]]:
        """(consumers done so far, rows of the chunk); one chunk even for zero consumers."""
        n, size = self.job.consumers, self.job.chunk
        for start in range(0, max(n, 1), size):
            stop = min(start + size, n)
            yield stop, self.synth.chunk(start, stop, n)

    @property
    def counters(self) -> Counters:
        return self.synth.c

    @property
    def disconnection_numbers(self) -> dict[int, int]:
        return self.synth.dis_numbers
