"""Reads behind consumer management (seed 004): the list, the profile and its tabs.

Plain functions over a SQLAlchemy Connection (Core, not ORM: a profile is ~15 small
queries, and the ORM's per-object cost would dominate them). LocalBackend authorises the
caller and calls these; rules (health score, aging) come from :mod:`cso_tui.services.rules`.
"""

from __future__ import annotations

import base64
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from cso_tui.models.enums import ConsumerStatus, PaymentStanding, SearchKind
from cso_tui.models.types import from_cents, to_money
from cso_tui.services.errors import NotFoundError, ValidationError
from cso_tui.services.rules import aging
from cso_tui.services.rules.health import (
    HealthInputs,
    health_score,
    months_between,
    payment_compliance,
    whole,
)
from cso_tui.services.rules.search_terms import ACCOUNT_PREFIXES, Detected, detect
from cso_tui.services.schemas import (
    ActivityOut,
    ActivityPage,
    Alert,
    BillOut,
    CommunicationOut,
    ComplaintOut,
    ConnectionOut,
    ConsumerKpis,
    ConsumerListPage,
    ConsumerProfile,
    ConsumerQuery,
    ConsumerRow,
    ConsumerSort,
    ConsumptionOut,
    DocumentOut,
    HealthFactorOut,
    HealthOut,
    HealthPenaltyOut,
    LastPayment,
    MeterOut,
    NextDue,
    PaymentOut,
    ReadingOut,
    RecoveryPage,
    RecoveryRow,
    RequestOut,
    ServiceOrderOut,
    TabCounts,
    UsagePoint,
)
from cso_tui.services.search import _in_range, _pg_word

#: Matches counted exactly up to this many; beyond, the list says "10,000+".
COUNT_CAP = 10_000
UNPAID = ("unpaid", "partially_paid")
RESOLVED_COMPLAINT = ("resolved",)
#: Days ahead a payment due date raises the "Payment due in N days" alert.
DUE_SOON_DAYS = 7

ROW_COLUMNS = (
    "c.account_no, c.name, c.email, c.phone, c.service_address, c.status, c.category, "
    "c.sub_category, c.vip, c.balance, c.payment_standing, c.last_contact_at"
)
_SQLITE_INDEX = {
    ConsumerSort.NAME: "ix_consumer_name_id",
    ConsumerSort.ACCOUNT_NO: "ix_consumer_account_filters",
    ConsumerSort.BALANCE: "ix_consumer_balance_id",
}
_SORT_COLUMN = {
    ConsumerSort.NAME: "c.name",
    ConsumerSort.ACCOUNT_NO: "c.account_no",
    ConsumerSort.BALANCE: "c.balance",
}


def _rows(conn: Connection, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    return list(conn.execute(text(sql), params or {}).all())


def _money(cents: Any) -> Decimal:
    return from_cents(int(cents or 0))


def _utc(value: Any) -> datetime | None:
    """A stored time as aware UTC (SQLite hands back naive UTC text or datetimes)."""
    if value is None:
        return None
    stamp: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value  # type: ignore[no-any-return]


# ---------------------------------------------------------------- KPIs


def kpis(conn: Connection) -> ConsumerKpis:
    counts: dict[str, int] = {}
    balance = 0
    for status, consumers, cents in _rows(
        conn,
        "SELECT status, sum(consumers), sum(balance) FROM consumer_totals GROUP BY status",
    ):
        counts[status] = int(consumers)
        balance += int(cents)
    return ConsumerKpis(
        total=sum(counts.values()),
        active=counts.get(ConsumerStatus.ACTIVE, 0),
        inactive=counts.get(ConsumerStatus.INACTIVE, 0),
        temporarily_disconnected=counts.get(ConsumerStatus.TEMPORARILY_DISCONNECTED, 0),
        disconnected=counts.get(ConsumerStatus.DISCONNECTED, 0),
        pending=counts.get(ConsumerStatus.PENDING, 0),
        total_balance=from_cents(balance),
    )


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class ListCursor:
    key: Any
    last_id: int

    def encode(self) -> str:
        key = str(self.key) if isinstance(self.key, Decimal) else self.key
        raw = json.dumps([key, self.last_id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def decode(cursor: str) -> ListCursor:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            key, last_id = json.loads(raw)
            if not isinstance(last_id, int) or not isinstance(key, (str, int)):
                raise ValueError(cursor)
        except (ValueError, TypeError) as exc:
            raise ValidationError(
                "cursor", "That page marker is not valid: reload the list."
            ) from exc
        return ListCursor(key, last_id)


def _validated(query: ConsumerQuery) -> ConsumerQuery:
    statuses = set(ConsumerStatus)
    for status in query.statuses:
        if status not in statuses:
            known = ", ".join(s.value for s in ConsumerStatus)
            raise ValidationError("statuses", f"Unknown status {status!r}: use one of {known}.")
    standings = set(PaymentStanding)
    for standing in query.standings:
        if standing not in standings:
            known = ", ".join(s.value for s in PaymentStanding)
            raise ValidationError(
                "standings", f"Unknown payment status {standing!r}: use one of {known}."
            )
    for name in ("balance_min", "balance_max"):
        value = getattr(query, name)
        if value is not None:
            try:
                to_money(value)
            except ValueError as exc:
                raise ValidationError(
                    name, "Enter the amount with at most two decimals, e.g. 120.50."
                ) from exc
    if (
        query.balance_min is not None
        and query.balance_max is not None
        and query.balance_min > query.balance_max
    ):
        raise ValidationError(
            "balance_max", "The upper balance bound is below the lower one: swap them."
        )
    if len(query.text) > 200:
        raise ValidationError("text", "Search for at most 200 characters.")
    return query


def _text_condition(dialect: str, d: Detected) -> tuple[str, dict[str, Any]]:
    """The list's search box as a WHERE condition (the quick search's detection and index
    ranges: a number is an account's digits under a known prefix or a phone's last digits)."""
    if d.kind is SearchKind.ACCOUNT and d.digits:
        parts: list[str] = []
        params: dict[str, Any] = {}
        for n, prefix in enumerate(ACCOUNT_PREFIXES):
            cond, p = _in_range("c.account_no", prefix + d.digits, f"a{n}")
            parts.append(f"({cond})")
            params.update(p)
        cond, p = _in_range("c.phone_key", d.digits[::-1], "p")
        parts.append(f"({cond})")
        return f"({' OR '.join(parts)})", {**params, **p}
    if d.kind is SearchKind.ACCOUNT:
        return _in_range("c.account_no", d.key, "a")
    if d.kind in (SearchKind.METER, SearchKind.DEVICE):
        column = "meter_no" if d.kind is SearchKind.METER else "device_no"
        cond, p = _in_range(f"m.{column}", d.key, "m")
        return f"c.id IN (SELECT m.consumer_id FROM meter m WHERE {cond})", p
    if d.kind is SearchKind.PHONE:
        return _in_range("c.phone_key", d.key, "p")
    if d.kind is SearchKind.EMAIL:
        return _in_range("c.email_key", d.key, "e")
    if dialect == "sqlite":
        words = " AND ".join('"' + t.replace('"', '""') + '"*' for t in d.tokens)
        return "c.id IN (SELECT rowid FROM consumer_fts WHERE consumer_fts MATCH :q)", {"q": words}
    words = " & ".join(f"'{w}':*" for w in (_pg_word(t) for t in d.tokens) if w)
    return "c.search_tsv @@ to_tsquery('simple', :q)", {"q": words or "''"}


def _filters(dialect: str, query: ConsumerQuery) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}

    def any_of(column: str, values: Sequence[str], name: str) -> None:
        if values:
            names = [f"{name}{i}" for i in range(len(values))]
            where.append(f"{column} IN ({', '.join(':' + n for n in names)})")
            params.update(dict(zip(names, values, strict=True)))

    any_of("c.status", sorted(set(query.statuses)), "st")
    any_of("c.category", sorted(set(query.categories)), "ca")
    any_of("c.payment_standing", sorted(set(query.standings)), "ps")
    if query.vip is not None:
        where.append("c.vip = :vip")
        params["vip"] = query.vip
    if query.balance_min is not None:
        where.append("c.balance >= :bmin")
        params["bmin"] = int(to_money(query.balance_min) * 100)
    if query.balance_max is not None:
        where.append("c.balance <= :bmax")
        params["bmax"] = int(to_money(query.balance_max) * 100)
    detected = detect(query.text)
    if detected.kind is not SearchKind.EMPTY:
        cond, p = _text_condition(dialect, detected)
        where.append(cond)
        params.update(p)
    return where, params


def _row(r: Any) -> ConsumerRow:
    return ConsumerRow(
        account_no=r.account_no,
        name=r.name,
        email=r.email,
        phone=r.phone,
        service_address=r.service_address,
        status=r.status,
        category=r.category,
        sub_category=r.sub_category,
        vip=bool(r.vip),
        balance=_money(r.balance),
        payment_standing=r.payment_standing,
        last_contact_at=_utc(r.last_contact_at),
    )


def list_consumers(
    conn: Connection, dialect: str, query: ConsumerQuery, cursor: str | None, limit: int
) -> ConsumerListPage:
    query = _validated(query)
    where, params = _filters(dialect, query)
    column = _SORT_COLUMN[query.sort]
    few = _few_text_matches(conn, dialect, query)
    if few:
        # Walking the sort index and checking the words on each row fetches ~limit/density
        # rows at random (13,700 for a surname: 65 ms); fetching the few matches and sorting
        # them is cheaper (17 ms). An expression the index cannot order by makes it so.
        column = f"({column} + 0)" if query.sort is ConsumerSort.BALANCE else f"({column} || '')"
    desc = query.descending
    page_where = list(where)
    if cursor:
        after = ListCursor.decode(cursor)
        key = after.key
        if query.sort is ConsumerSort.BALANCE:
            key = int(to_money(str(key)) * 100)
        op = "<" if desc else ">"
        page_where.append(f"({column} {op} :ck OR ({column} = :ck AND c.id {op} :cid))")
        params.update(ck=key, cid=after.last_id)
    order = "DESC" if desc else "ASC"
    source = "consumer c"
    if (
        dialect == "sqlite"
        and not few
        and detect(query.text).kind
        in (
            SearchKind.EMPTY,
            SearchKind.NAME,
        )
    ):
        # SQLite's planner would take a status index and sort 840,000 actives by name (2 s),
        # or fetch and sort every match of a common word: the sort index carries every filter
        # column, so walking it reads only the rows it shows
        source += f" INDEXED BY {_SQLITE_INDEX[query.sort]}"
    # few matches are all read anyway: count them in the same pass (a table read each)
    counted_here = few and cursor is None
    total = ", count(*) OVER () AS total" if counted_here else ""
    where_sql = f"WHERE {' AND '.join(page_where)} " if page_where else ""
    ordered = f"ORDER BY {column} {order}, c.id {order}"
    if dialect == "postgresql" and not few and detect(query.text).kind is SearchKind.NAME:
        # a common word: find the page's ids in the name order alone (it carries the words,
        # SearchIndexV4: an index-only walk), then read just those rows
        sql = (
            f"SELECT c.id, {ROW_COLUMNS} FROM consumer c WHERE c.id IN "
            f"(SELECT c.id FROM consumer c {where_sql}{ordered} LIMIT :lim) {ordered}"
        )
    else:
        sql = f"SELECT c.id, {ROW_COLUMNS}{total} FROM {source} {where_sql}{ordered} LIMIT :lim"
    rows = _rows(conn, sql, {**params, "lim": limit + 1})
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        key = {
            ConsumerSort.NAME: last.name,
            ConsumerSort.ACCOUNT_NO: last.account_no,
            ConsumerSort.BALANCE: _money(last.balance),
        }[query.sort]
        next_cursor = ListCursor(key, int(last.id)).encode()
    if counted_here:
        matches: int | None = int(rows[0].total) if rows else 0
    else:
        matches = _count(conn, dialect, query, where, params)
    return ConsumerListPage(
        items=[_row(r) for r in rows],
        next_cursor=next_cursor,
        matches=len(rows) if matches is None else matches,
        count_cap=COUNT_CAP,
        counted=matches is not None,
    )


#: A search term matching at most this many consumers is fetched whole and sorted; above
#: it the sort index is walked, checking the term on each row. Walking costs limit / density
#: rows (SQLite ~0.3 µs each: the term is a set lookup on the index entry; PostgreSQL ~5 µs:
#: a table read each), fetching ~4 µs a match: the two cross near these counts at 1M.
FEW_TEXT_MATCHES = {"sqlite": 2_000, "postgresql": 8_000}


def _few_text_matches(conn: Connection, dialect: str, query: ConsumerQuery) -> bool:
    detected = detect(query.text)
    if detected.kind is not SearchKind.NAME:
        return False  # identifiers are index ranges of a handful of rows either way
    cond, params = _text_condition(dialect, detected)
    if dialect == "postgresql":
        # the planner's estimate for one tsvector condition is close (statistics per word)
        plan = _rows(conn, f"EXPLAIN (FORMAT JSON) SELECT 1 FROM consumer c WHERE {cond}", params)
        found = plan[0][0]
        found = json.loads(found) if isinstance(found, str) else found
        return float(found[0]["Plan"]["Plan Rows"]) <= FEW_TEXT_MATCHES[dialect]
    few = FEW_TEXT_MATCHES[dialect]
    sql = (
        "SELECT count(*) FROM (SELECT rowid FROM consumer_fts WHERE consumer_fts MATCH :q "
        f"LIMIT {few + 1})"
    )
    return int(_rows(conn, sql, params)[0][0]) <= few


def _count(
    conn: Connection,
    dialect: str,
    query: ConsumerQuery,
    where: list[str],
    params: dict[str, Any],
) -> int | None:
    """Matches of the query: exact from the rollup when only status, category, payment
    standing and VIP filter (no scan at all); else counted up to COUNT_CAP + 1 within a
    time budget (None beyond it)."""
    if not query.text.strip() and query.balance_min is None and query.balance_max is None:
        rollup: list[str] = []
        values: dict[str, Any] = {}
        for column, chosen in (
            ("status", query.statuses),
            ("category", query.categories),
            ("payment_standing", query.standings),
        ):
            if chosen:
                names = [f"{column}{i}" for i in range(len(set(chosen)))]
                rollup.append(f"{column} IN ({', '.join(':' + n for n in names)})")
                values.update(zip(names, sorted(set(chosen)), strict=True))
        if query.vip is not None:
            rollup.append("vip = :vip")
            values["vip"] = query.vip
        sql = "SELECT coalesce(sum(consumers), 0) FROM consumer_totals"
        return int(_rows(conn, sql + (f" WHERE {' AND '.join(rollup)}" if rollup else ""),
                         values)[0][0])  # fmt: skip
    params = {k: v for k, v in params.items() if k not in ("ck", "cid")}
    if dialect == "sqlite" and len(where) == 1 and "q" in params:
        # the term alone: count the full-text index's rows, no table reads
        sql = (
            "SELECT count(*) FROM (SELECT rowid FROM consumer_fts WHERE consumer_fts MATCH :q "
            f"LIMIT {COUNT_CAP + 1})"
        )
        return _bounded_count(conn, sql, {"q": params["q"]})
    source = "consumer c"
    if dialect == "sqlite" and (query.balance_min is not None or query.balance_max is not None):
        source += f" INDEXED BY {_SQLITE_INDEX[ConsumerSort.BALANCE]}"  # index-only range
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {' AND '.join(where)} "
        f"LIMIT {COUNT_CAP + 1}) t"
    )
    return _bounded_count(conn, sql, params)


#: Milliseconds a list page may spend counting its matches before it says "50+" instead.
COUNT_BUDGET_MS = 40


def _bounded_count(conn: Connection, sql: str, params: dict[str, Any]) -> int | None:
    """``sql``'s count, or None when it would take over COUNT_BUDGET_MS (nothing is changed)."""
    if conn.dialect.name == "postgresql":
        try:
            with conn.begin_nested():
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {COUNT_BUDGET_MS}")
                counted = int(_rows(conn, sql, params)[0][0])
                conn.exec_driver_sql("SET LOCAL statement_timeout TO DEFAULT")
                return counted
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == "57014":  # query_canceled
                return None
            raise
    raw = conn.connection.dbapi_connection
    assert raw is not None
    deadline = time.perf_counter() + COUNT_BUDGET_MS / 1000
    raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
    try:
        return int(_rows(conn, sql, params)[0][0])
    except OperationalError as exc:
        if "interrupted" in str(exc.orig):
            return None
        raise
    finally:
        raw.set_progress_handler(None, 0)


EXPORT_COLUMNS = (
    "account_no",
    "name",
    "status",
    "category",
    "sub_category",
    "vip",
    "email",
    "phone",
    "service_address",
    "billing_address",
    "balance",
    "payment_standing",
    "last_contact_at",
)


def export_rows(conn: Connection, account_nos: Sequence[str]) -> list[dict[str, Any]]:
    wanted = [a.strip().upper() for a in account_nos]
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        names = [f"a{i}" for i in range(len(chunk))]
        sql = (
            f"SELECT {', '.join('c.' + c for c in EXPORT_COLUMNS)} FROM consumer c "
            f"WHERE c.account_no IN ({', '.join(':' + n for n in names)})"
        )
        for r in _rows(conn, sql, dict(zip(names, chunk, strict=True))):
            row = dict(r._mapping)
            row["balance"] = _money(row["balance"])
            row["vip"] = bool(row["vip"])
            row["last_contact_at"] = _utc(row["last_contact_at"])
            found[row["account_no"]] = row
    for account in wanted:
        if account not in found:
            raise NotFoundError(f"No consumer with account number {account}.")
    return [found[a] for a in wanted]


# ---------------------------------------------------------------- health inputs (batched)


def health_inputs(
    conn: Connection, consumers: Sequence[tuple[int, date | None, bool]], today: date
) -> dict[int, HealthInputs]:
    """Per consumer id (id, connection date, fraud flag): what the health score needs, in
    five grouped queries whatever the number of consumers (the recovery page has 50)."""
    if not consumers:
        return {}
    ids = [c[0] for c in consumers]
    names = [f"i{k}" for k in range(len(ids))]
    in_ids = f"({', '.join(':' + n for n in names)})"
    p: dict[str, Any] = dict(zip(names, ids, strict=True))
    pay = {
        r[0]: r
        for r in _rows(
            conn,
            "SELECT consumer_id, count(*), sum(CASE WHEN on_time THEN 1 ELSE 0 END), "
            "sum(CASE WHEN digital THEN 1 ELSE 0 END) FROM payment "
            f"WHERE consumer_id IN {in_ids} GROUP BY consumer_id",
            p,
        )
    }
    year_ago = datetime.combine(today - timedelta(days=365), datetime.min.time(), UTC)
    requests = dict(
        _rows(
            conn,
            "SELECT consumer_id, count(*) FROM service_request "
            f"WHERE consumer_id IN {in_ids} AND created_at >= :since GROUP BY consumer_id",
            {**p, "since": year_ago if conn.dialect.name != "sqlite" else _sqlite_ts(year_ago)},
        )
    )
    complaints: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for cid, status, satisfaction in _rows(
        conn,
        f"SELECT consumer_id, status, satisfaction FROM complaint WHERE consumer_id IN {in_ids}",
        p,
    ):
        complaints[cid].append((status, satisfaction))
    comms = {
        r[0]: r
        for r in _rows(
            conn,
            "SELECT consumer_id, count(*), sum(CASE WHEN responded THEN 1 ELSE 0 END) "
            f"FROM communication WHERE consumer_id IN {in_ids} AND direction = 'to_customer' "
            "GROUP BY consumer_id",
            p,
        )
    }
    cuts = dict(
        _rows(
            conn,
            "SELECT consumer_id, count(*) FROM disconnection_request "
            f"WHERE consumer_id IN {in_ids} AND request_type = 'disconnection' "
            "AND executed_at IS NOT NULL GROUP BY consumer_id",
            p,
        )
    )
    out: dict[int, HealthInputs] = {}
    for cid, connected, fraud in consumers:
        payments = pay.get(cid)
        total, on_time, digital = (
            (int(payments[1]), int(payments[2] or 0), int(payments[3] or 0))
            if payments
            else (0, 0, 0)
        )
        mine = complaints.get(cid, [])
        comm = comms.get(cid)
        out[cid] = HealthInputs(
            payments_total=total,
            payments_on_time=on_time,
            service_requests_last_year=int(requests.get(cid, 0)),
            satisfaction_ratings=tuple(int(s) for _, s in mine if s is not None),
            communications_sent=int(comm[1]) if comm else 0,
            communications_responded=int(comm[2] or 0) if comm else 0,
            account_age_months=months_between(connected, today) if connected else 0,
            transactions_total=total,
            transactions_digital=digital,
            complaints_total=len(mine),
            complaints_resolved=sum(1 for s, _ in mine if s in RESOLVED_COMPLAINT),
            late_payments=total - on_time,
            disconnections=int(cuts.get(cid, 0)),
            fraud=bool(fraud),
        )
    return out


def _sqlite_ts(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def health_out(inputs: HealthInputs) -> HealthOut:
    h = health_score(inputs)
    return HealthOut(
        score=h.score,
        band=h.band,
        exact=h.exact.quantize(Decimal("0.01")),
        factors=[
            HealthFactorOut(
                name=f.name,
                weight=f.weight,
                value=f.value.quantize(Decimal("0.01")),
                raw=None if f.raw is None else f.raw.quantize(Decimal("0.01")),
                detail=f.detail,
                points=f.points.quantize(Decimal("0.01")),
            )
            for f in h.factors
        ],
        penalties=[
            HealthPenaltyOut(name=p.name, count=p.count, each=p.each, points=p.points)
            for p in h.penalties
        ],
    )


# ---------------------------------------------------------------- the profile


def consumer_row(conn: Connection, account_no: str) -> Any:
    rows = _rows(
        conn, "SELECT * FROM consumer WHERE account_no = :a", {"a": account_no.strip().upper()}
    )
    if not rows:
        raise NotFoundError(f"No consumer with account number {account_no.strip()}.")
    return rows[0]


def _oldest_unpaid_due(conn: Connection, ids: Sequence[int]) -> dict[int, date]:
    if not ids:
        return {}
    names = [f"i{k}" for k in range(len(ids))]
    rows = _rows(
        conn,
        "SELECT consumer_id, min(due_date) FROM bill WHERE consumer_id IN "
        f"({', '.join(':' + n for n in names)}) AND status IN ('unpaid', 'partially_paid') "
        "GROUP BY consumer_id",
        dict(zip(names, ids, strict=True)),
    )
    return {cid: _day(due) for cid, due in rows if due is not None}  # type: ignore[misc]


def _month(day: date, back: int = 0) -> date:
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def _estimate(amounts: Sequence[Decimal]) -> tuple[Decimal | None, Decimal | None]:
    """Next bill estimate from recent bills: their mean to the nearest $10, give or take the
    larger of $10 and 8% (the seed's $120.50 mean -> $110-130)."""
    if not amounts:
        return None, None
    mean = sum(amounts, Decimal(0)) / len(amounts)
    centre = (mean / 10).quantize(Decimal(1)) * 10
    spread = max(Decimal(10), ((mean * Decimal("0.08")) / 10).quantize(Decimal(1)) * 10)
    low = max(Decimal(0), centre - spread)
    return low.quantize(Decimal("0.01")), (centre + spread).quantize(Decimal("0.01"))


def profile(
    conn: Connection, account_no: str, now: datetime, lock_holder: str | None
) -> ConsumerProfile:
    c = consumer_row(conn, account_no)
    cid = int(c.id)
    today = now.date()
    connected = _day(c.connection_date)
    inputs = health_inputs(conn, [(cid, connected, bool(c.fraud_flag))], today)[cid]
    unpaid = _rows(
        conn,
        "SELECT bill_no, due_date, amount, paid FROM bill WHERE consumer_id = :c "
        "AND status IN ('unpaid', 'partially_paid') ORDER BY due_date, id",
        {"c": cid},
    )
    outstanding = sum((_money(r.amount) - _money(r.paid) for r in unpaid), Decimal("0.00"))
    oldest_due = _day(unpaid[0].due_date) if unpaid else None
    upcoming = [r for r in unpaid if _day(r.due_date) >= today]  # type: ignore[operator]
    due_row = upcoming[0] if upcoming else (unpaid[0] if unpaid else None)
    next_due = None
    if due_row is not None:
        due_on = _day(due_row.due_date)
        assert due_on is not None
        next_due = NextDue(
            bill_no=due_row.bill_no,
            due_date=due_on,
            amount=_money(due_row.amount) - _money(due_row.paid),
            days=(due_on - today).days,
        )
    last = _rows(
        conn,
        "SELECT payment_no, amount, paid_at, method FROM payment WHERE consumer_id = :c "
        "ORDER BY paid_at DESC, id DESC LIMIT 1",
        {"c": cid},
    )
    last_payment = None
    if last:
        paid_at = _utc(last[0].paid_at)
        assert paid_at is not None
        last_payment = LastPayment(
            payment_no=last[0].payment_no,
            amount=_money(last[0].amount),
            paid_at=paid_at,
            method=last[0].method,
        )
    recent = _rows(
        conn,
        "SELECT amount FROM bill WHERE consumer_id = :c AND kind = 'regular' AND status = 'paid' "
        "ORDER BY issue_date DESC, id DESC LIMIT 6",
        {"c": cid},
    )
    low, high = _estimate([_money(r.amount) for r in recent[:3]])
    connections = _connections(conn, cid)
    unit = connections[0].unit if connections else "units"
    average, variance = _usage_figures(conn, cid, connections[0].utility if connections else None)
    days = aging.days_past_due(oldest_due, today)
    alerts = _alerts(conn, cid, next_due, today, lock_holder)
    return ConsumerProfile(
        account_no=c.account_no,
        name=c.name,
        vip=bool(c.vip),
        status=c.status,
        category=c.category,
        sub_category=c.sub_category,
        email=c.email,
        phone=c.phone,
        alt_phone=c.alt_phone,
        service_address=c.service_address,
        billing_address=c.billing_address,
        territory=c.territory,
        plan=c.plan,
        billing_cycle=c.billing_cycle,
        payment_mode=c.payment_mode,
        payment_standing=c.payment_standing,
        connection_date=connected,
        registration_date=_day(c.registration_date),
        last_billed_on=_day(c.last_billed_on),
        last_contact_at=_utc(c.last_contact_at),
        version=int(c.version),
        balance=_money(c.balance),
        outstanding=outstanding,
        last_payment=last_payment,
        next_due=next_due,
        compliance=payment_compliance(inputs.payments_on_time, inputs.payments_total),
        account_age_months=inputs.account_age_months,
        health=health_out(inputs),
        days_past_due=days,
        risk=aging.risk_of(days).value,
        estimate_low=low,
        estimate_high=high,
        average_monthly_usage=average,
        usage_unit=unit,
        usage_variance=variance,
        alerts=alerts,
        connections=connections,
        counts=_counts(conn, cid),
        lock_holder=lock_holder,
    )


def _connections(conn: Connection, cid: int) -> list[ConnectionOut]:
    connections = _rows(
        conn,
        "SELECT id, utility, status, rate_plan, billing_cycle, unit, connection_date "
        "FROM service_connection WHERE consumer_id = :c ORDER BY utility, id",
        {"c": cid},
    )
    meters = _rows(
        conn,
        "SELECT m.id, m.meter_no, m.device_no, m.meter_type, m.model, m.assignment_date, "
        "m.installation_date, m.reading_status, m.connection_id, "
        "(SELECT r.value FROM meter_reading r WHERE r.meter_id = m.id "
        " ORDER BY r.reading_date DESC, r.id DESC LIMIT 1) AS last_value, "
        "(SELECT max(r.reading_date) FROM meter_reading r WHERE r.meter_id = m.id) AS last_on "
        "FROM meter m WHERE m.consumer_id = :c ORDER BY m.id",
        {"c": cid},
    )
    by_connection: dict[int | None, list[MeterOut]] = defaultdict(list)
    for m in meters:
        by_connection[m.connection_id].append(
            MeterOut(
                meter_no=m.meter_no,
                device_no=m.device_no,
                meter_type=m.meter_type,
                model=m.model,
                assigned_on=_day(m.assignment_date),
                installed_on=_day(m.installation_date),
                reading_status=m.reading_status,
                last_reading=None if m.last_value is None else Decimal(str(m.last_value)),
                last_read_on=_day(m.last_on),
            )
        )
    return [
        ConnectionOut(
            utility=k.utility,
            status=k.status,
            rate_plan=k.rate_plan,
            billing_cycle=k.billing_cycle,
            unit=k.unit,
            connected_on=_day(k.connection_date),
            meters=by_connection.get(k.id, []),
        )
        for k in connections
    ]


def _usage_figures(
    conn: Connection, cid: int, utility: str | None
) -> tuple[Decimal | None, int | None]:
    """Average monthly consumption over the last 12 months of readings, and the last three
    months against the same three a year before (whole percent)."""
    if utility is None:
        return None, None
    # billed usage reaches back further than the readings kept on the meter tab; a bill
    # shared by two utilities carries no usage, and then the readings count
    monthly = _billed_usage(conn, cid) or _monthly_usage(conn, cid, utility)
    if not monthly:
        return None, None
    latest = max(monthly)
    last_year = [monthly.get(_month(latest, k), Decimal(0)) for k in range(12)]
    counted = [v for k, v in enumerate(last_year) if _month(latest, k) in monthly]
    average = (sum(counted, Decimal(0)) / len(counted)).quantize(Decimal(1)) if counted else None
    now3 = [_month(latest, k) for k in range(3)]
    then3 = [_month(latest, k + 12) for k in range(3)]
    variance = None
    if all(m in monthly for m in then3):
        before = sum((monthly[m] for m in then3), Decimal(0))
        after = sum((monthly.get(m, Decimal(0)) for m in now3), Decimal(0))
        if before:
            variance = whole((after - before) * 100 / before)
    return average, variance


def _billed_usage(conn: Connection, cid: int) -> dict[date, Decimal]:
    """Usage per month of issue, from the consumer's regular bills that carry it."""
    monthly: dict[date, Decimal] = defaultdict(Decimal)
    for day, usage in _rows(
        conn,
        "SELECT issue_date, usage FROM bill WHERE consumer_id = :c AND kind = 'regular' "
        "AND usage IS NOT NULL",
        {"c": cid},
    ):
        d = _day(day)
        assert d is not None
        monthly[_month(d)] += Decimal(str(usage))
    return dict(monthly)


def _monthly_usage(conn: Connection, cid: int, utility: str) -> dict[date, Decimal]:
    rows = _rows(
        conn,
        "SELECT r.reading_date, r.consumption FROM meter_reading r "
        "JOIN meter m ON m.id = r.meter_id "
        "JOIN service_connection k ON k.id = m.connection_id "
        "WHERE k.consumer_id = :c AND k.utility = :u AND r.consumption IS NOT NULL",
        {"c": cid, "u": utility},
    )
    monthly: dict[date, Decimal] = defaultdict(Decimal)
    for day, consumption in rows:
        d = _day(day)
        assert d is not None
        monthly[_month(d)] += Decimal(str(consumption))
    return dict(monthly)


def consumption(
    conn: Connection, account_no: str, utility: str | None, months: int
) -> ConsumptionOut:
    c = consumer_row(conn, account_no)
    connections = _connections(conn, int(c.id))
    utilities = list(dict.fromkeys(k.utility for k in connections))
    if utility is not None and utility not in utilities:
        have = ", ".join(utilities) or "no service connection"
        raise ValidationError("utility", f"This consumer has no {utility} service (has: {have}).")
    chosen = utility or (utilities[0] if utilities else None)
    if chosen is None:
        return ConsumptionOut(utility="", unit="", points=[], utilities=[])
    unit = next(k.unit for k in connections if k.utility == chosen)
    monthly = _monthly_usage(conn, int(c.id), chosen)
    months = min(max(months, 1), 36)
    if not monthly:
        return ConsumptionOut(utility=chosen, unit=unit, points=[], utilities=utilities)
    latest = max(monthly)
    points = [
        UsagePoint(month=_month(latest, k), usage=monthly.get(_month(latest, k), Decimal(0)))
        for k in reversed(range(months))
    ]
    return ConsumptionOut(utility=chosen, unit=unit, points=points, utilities=utilities)


def _alerts(
    conn: Connection, cid: int, next_due: NextDue | None, today: date, lock_holder: str | None
) -> list[Alert]:
    alerts: list[Alert] = []
    if next_due is not None:
        if next_due.days < 0:
            alerts.append(
                Alert(
                    kind="payment_overdue",
                    text=f"Payment overdue by {_days(-next_due.days)}",
                    severity="critical",
                )
            )
        elif next_due.days <= DUE_SOON_DAYS:
            when = (
                "today"
                if next_due.days == 0
                else (f"in {next_due.days} day{'s' if next_due.days != 1 else ''}")
            )
            alerts.append(Alert(kind="payment_due", text=f"Payment due {when}", severity="warning"))
    for (day,) in _rows(
        conn,
        "SELECT scheduled_date FROM service_order WHERE consumer_id = :c "
        "AND order_type = 'Maintenance' AND status NOT IN ('completed', 'verified', 'closed', "
        "'cancelled') AND scheduled_date >= :t ORDER BY scheduled_date LIMIT 1",
        {"c": cid, "t": today},
    ):
        d = _day(day)
        assert d is not None
        alerts.append(
            Alert(
                kind="maintenance",
                text=f"Scheduled maintenance on {d.strftime('%b')} {d.day}",
                severity="info",
            )
        )
    if lock_holder:
        alerts.append(Alert(kind="lock", text=f"Held by {lock_holder}", severity="warning"))
    return alerts


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _counts(conn: Connection, cid: int) -> TabCounts:
    tables = {
        "payments": "payment",
        "bills": "bill",
        "service_orders": "service_order",
        "complaints": "complaint",
        "requests": "service_request",
        "communications": "communication",
        "documents": "document",
        "notes": "note",
    }
    parts = ", ".join(
        f"(SELECT count(*) FROM {table} WHERE consumer_id = :c) AS {name}"
        for name, table in tables.items()
    )
    readings = (
        "(SELECT count(*) FROM meter_reading r JOIN meter m ON m.id = r.meter_id "
        "WHERE m.consumer_id = :c) AS readings"
    )
    row = _rows(conn, f"SELECT {parts}, {readings}", {"c": cid})[0]
    return TabCounts(**{k: int(v) for k, v in row._mapping.items()})


# ---------------------------------------------------------------- tab lists


def _cid(conn: Connection, account_no: str) -> int:
    rows = _rows(
        conn, "SELECT id FROM consumer WHERE account_no = :a", {"a": account_no.strip().upper()}
    )
    if not rows:
        raise NotFoundError(f"No consumer with account number {account_no.strip()}.")
    return int(rows[0][0])


def _limit(limit: int) -> int:
    return min(max(limit, 1), 500)


def payments(conn: Connection, account_no: str, limit: int) -> list[PaymentOut]:
    rows = _rows(
        conn,
        "SELECT p.payment_no, p.paid_at, p.amount, p.method, p.status, p.on_time, b.bill_no "
        "FROM payment p LEFT JOIN bill b ON b.id = p.bill_id WHERE p.consumer_id = :c "
        "ORDER BY p.paid_at DESC, p.id DESC LIMIT :n",
        {"c": _cid(conn, account_no), "n": _limit(limit)},
    )
    return [
        PaymentOut(
            payment_no=r.payment_no,
            paid_at=_utc(r.paid_at),
            amount=_money(r.amount),
            method=r.method,
            status=r.status,
            on_time=bool(r.on_time),
            bill_no=r.bill_no,
        )
        for r in rows
    ]


def bills(conn: Connection, account_no: str, limit: int) -> list[BillOut]:
    rows = _rows(
        conn,
        "SELECT bill_no, kind, period_start, period_end, issue_date, due_date, usage, amount, "
        "paid, status FROM bill WHERE consumer_id = :c ORDER BY issue_date DESC, id DESC "
        "LIMIT :n",
        {"c": _cid(conn, account_no), "n": _limit(limit)},
    )
    return [
        BillOut(
            bill_no=r.bill_no,
            kind=r.kind,
            period_start=_day(r.period_start),
            period_end=_day(r.period_end),
            issue_date=_day(r.issue_date),
            due_date=_day(r.due_date),
            usage=None if r.usage is None else Decimal(str(r.usage)),
            amount=_money(r.amount),
            paid=_money(r.paid),
            status=r.status,
        )
        for r in rows
    ]


def readings(
    conn: Connection, account_no: str, meter_no: str | None, limit: int
) -> list[ReadingOut]:
    cid = _cid(conn, account_no)
    params: dict[str, Any] = {"c": cid, "n": _limit(limit)}
    only = ""
    if meter_no:
        only = " AND m.meter_no = :m"
        params["m"] = meter_no.strip().upper()
        if not _rows(
            conn, "SELECT 1 FROM meter m WHERE m.consumer_id = :c AND m.meter_no = :m", params
        ):
            raise NotFoundError(f"Meter {meter_no.strip()} is not on account {account_no}.")
    rows = _rows(
        conn,
        "SELECT m.meter_no, r.reading_date, r.value, r.consumption, r.status, "
        "coalesce(k.unit, 'units') AS unit FROM meter_reading r JOIN meter m ON m.id = r.meter_id "
        "LEFT JOIN service_connection k ON k.id = m.connection_id "
        f"WHERE m.consumer_id = :c{only} ORDER BY r.reading_date DESC, r.id DESC LIMIT :n",
        params,
    )
    return [
        ReadingOut(
            meter_no=r.meter_no,
            read_on=_day(r.reading_date),
            value=Decimal(str(r.value)),
            consumption=None if r.consumption is None else Decimal(str(r.consumption)),
            status=r.status,
            unit=r.unit,
        )
        for r in rows
    ]


def service_orders(conn: Connection, account_no: str, limit: int) -> list[ServiceOrderOut]:
    rows = _rows(
        conn,
        "SELECT so_no, order_type, description, status, priority, created_at, scheduled_date, "
        "assigned_to, completed_at FROM service_order WHERE consumer_id = :c "
        "ORDER BY created_at DESC, id DESC LIMIT :n",
        {"c": _cid(conn, account_no), "n": _limit(limit)},
    )
    return [service_order_out(r) for r in rows]


def service_order_out(r: Any) -> ServiceOrderOut:
    return ServiceOrderOut(
        so_no=r.so_no,
        order_type=r.order_type,
        description=r.description,
        status=r.status,
        priority=r.priority,
        created_at=_utc(r.created_at),
        scheduled_date=_day(r.scheduled_date),
        assigned_to=r.assigned_to,
        completed_at=_utc(r.completed_at),
    )


def complaints(conn: Connection, account_no: str, limit: int) -> list[ComplaintOut]:
    rows = _rows(
        conn,
        "SELECT complaint_no, category, description, priority, status, created_at, resolved_at "
        "FROM complaint WHERE consumer_id = :c ORDER BY created_at DESC, id DESC LIMIT :n",
        {"c": _cid(conn, account_no), "n": _limit(limit)},
    )
    return [complaint_out(r) for r in rows]


def complaint_out(r: Any) -> ComplaintOut:
    return ComplaintOut(
        complaint_no=r.complaint_no,
        category=r.category,
        description=r.description,
        priority=r.priority,
        status=r.status,
        created_at=_utc(r.created_at),
        resolved_at=_utc(r.resolved_at),
    )


def requests(conn: Connection, account_no: str, limit: int) -> list[RequestOut]:
    rows = _rows(
        conn,
        "SELECT request_no, request_type, description, status, progress, created_at, "
        "scheduled_for, completed_at FROM service_request WHERE consumer_id = :c "
        "ORDER BY created_at DESC, id DESC LIMIT :n",
        {"c": _cid(conn, account_no), "n": _limit(limit)},
    )
    return [request_out(r) for r in rows]


def request_out(r: Any) -> RequestOut:
    return RequestOut(
        request_no=r.request_no,
        request_type=r.request_type,
        description=r.description,
        status=r.status,
        progress=int(r.progress),
        created_at=_utc(r.created_at),
        scheduled_for=_day(r.scheduled_for),
        completed_at=_utc(r.completed_at),
    )


def communications(
    conn: Connection, account_no: str, channel: str | None, limit: int
) -> list[CommunicationOut]:
    params: dict[str, Any] = {"c": _cid(conn, account_no), "n": _limit(limit)}
    only = ""
    if channel:
        only = " AND k.channel = :ch"
        params["ch"] = channel
    rows = _rows(
        conn,
        "SELECT k.id, k.channel, k.direction, k.subject, k.body, k.at, u.full_name, k.status, "
        "k.responded FROM communication k LEFT JOIN app_user u ON u.id = k.user_id "
        f"WHERE k.consumer_id = :c{only} ORDER BY k.at DESC, k.id DESC LIMIT :n",
        params,
    )
    return [
        CommunicationOut(
            id=int(r.id),
            channel=r.channel,
            direction=r.direction,
            subject=r.subject,
            body=r.body,
            at=_utc(r.at),
            by=r.full_name,
            status=r.status,
            responded=bool(r.responded),
        )
        for r in rows
    ]


def documents(conn: Connection, account_no: str, limit: int) -> list[DocumentOut]:
    rows = _rows(
        conn,
        "SELECT id, doc_type, title, status, doc_date, filename, size_bytes FROM document "
        "WHERE consumer_id = :c ORDER BY doc_date DESC, id DESC LIMIT :n",
        {"c": _cid(conn, account_no), "n": _limit(limit)},
    )
    return [document_out(r) for r in rows]


def document_out(r: Any) -> DocumentOut:
    return DocumentOut(
        id=int(r.id),
        doc_type=r.doc_type,
        title=r.title,
        status=r.status,
        doc_date=_day(r.doc_date),
        filename=r.filename,
        size_bytes=r.size_bytes,
    )


# ---------------------------------------------------------------- activity timeline

ACTIVITY_CATEGORIES = ("payments", "billing", "service", "communication", "account")
#: Events read per source: a consumer's whole history is a few hundred rows.
ACTIVITY_PER_SOURCE = 1000
_FIELD_LABELS = {
    "phone": "Phone number",
    "email": "Email",
    "name": "Name",
    "service_address": "Service address",
    "billing_address": "Billing address",
    "category": "Category",
    "sub_category": "Sub category",
    "vip": "VIP",
}


def _events(conn: Connection, cid: int, account_no: str) -> Iterable[tuple[ActivityOut, str]]:
    n = ACTIVITY_PER_SOURCE
    for r in _rows(
        conn,
        "SELECT p.id, p.payment_no, p.paid_at, p.amount, p.method, u.full_name FROM payment p "
        "LEFT JOIN app_user u ON u.id = p.recorded_by WHERE p.consumer_id = :c "
        "ORDER BY p.paid_at DESC LIMIT :n",
        {"c": cid, "n": n},
    ):
        yield (
            ActivityOut(
                at=_utc(r.paid_at),
                category="payments",
                title=f"Payment {r.payment_no} received",
                description=f"Payment of {{amount}} processed via {r.method}",
                by=r.full_name or "System",
                amount=_money(r.amount),
            ),
            f"p{r.id}",
        )
    for r in _rows(
        conn,
        "SELECT id, bill_no, kind, issue_date, amount, created_at FROM bill WHERE consumer_id = :c "
        "ORDER BY issue_date DESC LIMIT :n",
        {"c": cid, "n": n},
    ):
        issued = _day(r.issue_date)
        assert issued is not None
        kind = "Final" if r.kind == "final" else "Monthly"
        yield (
            ActivityOut(
                at=datetime.combine(issued, datetime.min.time(), UTC) + timedelta(hours=12),
                category="billing",
                title=f"Bill {r.bill_no} generated",
                description=f"{kind} bill of {{amount}} for {issued.strftime('%B %Y')}",
                by="System",
                amount=_money(r.amount),
            ),
            f"b{r.id}",
        )
    for r in _rows(
        conn,
        "SELECT id, so_no, order_type, description, status, created_at, created_by "
        "FROM service_order WHERE consumer_id = :c ORDER BY created_at DESC LIMIT :n",
        {"c": cid, "n": n},
    ):
        yield (
            ActivityOut(
                at=_utc(r.created_at),
                category="service",
                title=f"Service order {r.so_no} created",
                description=f"{r.order_type}: {r.description} ({_label(r.status)})",
                by=r.created_by or "System",
            ),
            f"s{r.id}",
        )
    for r in _rows(
        conn,
        "SELECT k.id, k.complaint_no, k.category, k.description, k.status, k.created_at, "
        "u.full_name FROM complaint k LEFT JOIN app_user u ON u.id = k.created_by "
        "WHERE k.consumer_id = :c ORDER BY k.created_at DESC LIMIT :n",
        {"c": cid, "n": n},
    ):
        yield (
            ActivityOut(
                at=_utc(r.created_at),
                category="service",
                title=f"Complaint {r.complaint_no} registered",
                description=f"{r.category}: {r.description} ({_label(r.status)})",
                by=r.full_name or "System",
            ),
            f"c{r.id}",
        )
    for r in _rows(
        conn,
        "SELECT q.id, q.request_no, q.request_type, q.description, q.status, q.created_at, "
        "u.full_name FROM service_request q LEFT JOIN app_user u ON u.id = q.created_by "
        "WHERE q.consumer_id = :c ORDER BY q.created_at DESC LIMIT :n",
        {"c": cid, "n": n},
    ):
        yield (
            ActivityOut(
                at=_utc(r.created_at),
                category="service",
                title=f"Request {r.request_no} created",
                description=f"{r.request_type}: {r.description} ({_label(r.status)})",
                by=r.full_name or "System",
            ),
            f"q{r.id}",
        )
    channel_names = {"email": "Email", "phone": "Phone call", "sms": "SMS", "letter": "Letter"}
    for r in _rows(
        conn,
        "SELECT k.id, k.channel, k.direction, k.subject, k.at, u.full_name FROM communication k "
        "LEFT JOIN app_user u ON u.id = k.user_id WHERE k.consumer_id = :c "
        "ORDER BY k.at DESC LIMIT :n",
        {"c": cid, "n": n},
    ):
        way = "from customer" if r.direction == "from_customer" else "to customer"
        yield (
            ActivityOut(
                at=_utc(r.at),
                category="communication",
                title=f"{channel_names.get(r.channel, r.channel.title())} {way}",
                description=r.subject or "",
                by=r.full_name or "System",
            ),
            f"k{r.id}",
        )
    for r in _rows(
        conn,
        "SELECT id, author_name, body, created_at FROM note WHERE consumer_id = :c "
        "ORDER BY created_at DESC LIMIT :n",
        {"c": cid, "n": n},
    ):
        yield (
            ActivityOut(
                at=_utc(r.created_at),
                category="account",
                title="Note added",
                description=r.body,
                by=r.author_name,
            ),
            f"n{r.id}",
        )
    for r in _rows(
        conn,
        "SELECT id, at, action, before, after, username FROM audit_event "
        "WHERE entity = 'consumer' AND entity_id = :a AND action IN "
        "('consumer_updated', 'consumer_created') ORDER BY at DESC LIMIT :n",
        {"a": account_no, "n": n},
    ):
        before = _json(r.before) or {}
        after = _json(r.after) or {}
        if r.action == "consumer_created":
            title, text_ = "Account created", f"Account {account_no} opened"
        else:
            title = "Contact updated"
            text_ = "; ".join(
                f"{_FIELD_LABELS.get(k, k)} updated from {before.get(k) or '(none)'} to "
                f"{after.get(k) or '(none)'}"
                for k in after
            )
        yield ActivityOut(
            at=_utc(r.at), category="account", title=title, description=text_,
            by=_staff_name(conn, r.username),
        ), f"a{r.id}"  # fmt: skip


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


_NAMES: dict[str, str] = {}


def _staff_name(conn: Connection, username: str | None) -> str:
    if not username:
        return "System"
    if username not in _NAMES:
        rows = _rows(conn, "SELECT full_name FROM app_user WHERE username = :u", {"u": username})
        _NAMES[username] = rows[0][0] if rows else username
    return _NAMES[username]


def _label(value: str) -> str:
    return value.replace("_", " ").title()


def activity(
    conn: Connection,
    account_no: str,
    category: str | None,
    text_: str,
    cursor: str | None,
    limit: int,
) -> ActivityPage:
    if category is not None and category not in ACTIVITY_CATEGORIES:
        known = ", ".join(ACTIVITY_CATEGORIES)
        raise ValidationError("category", f"Unknown category {category!r}: use one of {known}.")
    c = consumer_row(conn, account_no)
    needle = text_.strip().casefold()
    events = [
        (event, key)
        for event, key in _events(conn, int(c.id), c.account_no)
        if (category is None or event.category == category)
        and (
            not needle
            or needle in f"{event.title} {event.description} {event.by}".casefold()
            or (event.amount is not None and needle in str(event.amount))
        )
    ]
    events.sort(key=lambda e: (e[0].at, e[1]), reverse=True)
    if cursor:
        try:
            at_text, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            mark = (datetime.fromisoformat(at_text), key)
        except (ValueError, TypeError) as exc:
            raise ValidationError("cursor", "That page marker is not valid: reload.") from exc
        events = [e for e in events if (e[0].at, e[1]) < mark]
    size = _limit(limit)
    page = events[:size]
    next_cursor = None
    if len(events) > size:
        last_event, last_key = page[-1]
        raw = json.dumps([last_event.at.isoformat(), last_key]).encode()
        next_cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return ActivityPage(items=[e for e, _ in page], next_cursor=next_cursor)


# ---------------------------------------------------------------- recovery


def recovery(conn: Connection, cursor: str | None, limit: int, today: date) -> RecoveryPage:
    params: dict[str, Any] = {"n": _limit(limit) + 1}
    after = ""
    if cursor:
        mark = ListCursor.decode(cursor)
        after = " AND (c.balance < :ck OR (c.balance = :ck AND c.id < :cid))"
        params.update(ck=int(to_money(str(mark.key)) * 100), cid=mark.last_id)
    rows = _rows(
        conn,
        "SELECT c.id, c.account_no, c.name, c.status, c.payment_standing, c.balance, "
        "c.last_contact_at, c.connection_date, c.fraud_flag FROM consumer c "
        f"WHERE c.payment_standing IN ('past_due', 'collection'){after} "
        "ORDER BY c.balance DESC, c.id DESC LIMIT :n",
        params,
    )
    next_cursor = None
    if len(rows) > _limit(limit):
        rows = rows[: _limit(limit)]
        next_cursor = ListCursor(_money(rows[-1].balance), int(rows[-1].id)).encode()
    ids = [int(r.id) for r in rows]
    inputs = health_inputs(
        conn, [(int(r.id), _day(r.connection_date), bool(r.fraud_flag)) for r in rows], today
    )
    oldest = _oldest_unpaid_due(conn, ids)
    items = []
    for r in rows:
        h = inputs[int(r.id)]
        score = health_score(h)
        days = aging.days_past_due(oldest.get(int(r.id)), today)
        items.append(
            RecoveryRow(
                account_no=r.account_no,
                name=r.name,
                status=r.status,
                payment_standing=r.payment_standing,
                balance=_money(r.balance),
                days_past_due=days,
                risk=aging.risk_of(days).value,
                compliance=payment_compliance(h.payments_on_time, h.payments_total),
                health=score.score,
                health_band=score.band,
                last_contact_at=_utc(r.last_contact_at),
            )
        )
    totals = {
        standing: (int(n), int(cents))
        for standing, n, cents in _rows(
            conn,
            "SELECT payment_standing, sum(consumers), sum(balance) FROM consumer_totals "
            "WHERE payment_standing IN ('past_due', 'collection') GROUP BY payment_standing",
        )
    }
    return RecoveryPage(
        items=items,
        next_cursor=next_cursor,
        past_due=totals.get("past_due", (0, 0))[0],
        collection=totals.get("collection", (0, 0))[0],
        balance=from_cents(sum(cents for _, cents in totals.values())),
    )
