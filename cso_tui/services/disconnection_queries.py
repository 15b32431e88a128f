"""Reads behind the disconnection landing page (seed 003): the request list and the monthly
KPI cards. Plain functions over a SQLAlchemy Connection, as in :mod:`consumer_queries`;
LocalBackend authorises the caller and calls these."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from cso_tui.models.enums import SearchKind
from cso_tui.services.consumer_queries import ListCursor, _money, _rows, _text_condition, _utc
from cso_tui.services.errors import ValidationError
from cso_tui.services.rules.lifecycle import Status
from cso_tui.services.rules.search_terms import detect
from cso_tui.services.schemas import (
    DisconnectionKpis,
    DisconnectionListPage,
    DisconnectionMonth,
    DisconnectionQuery,
    DisconnectionRow,
    RequestTab,
)
from cso_tui.services.search import _in_range

REQUEST_TYPES = ("disconnection", "reconnection")
PRIORITIES = ("high", "medium", "low")
OPEN = tuple(s.value for s in Status if not s.final)
FINAL = tuple(s.value for s in Status if s.final)
#: Months the KPI cards' trend covers, the current one included.
TREND_MONTHS = 6
#: The list's order carrying every filter column (migration 0008): a filtered page reads
#: the table only for the rows it shows, and a count reads the index alone.
LIST_INDEX = "ix_disconnection_list"

#: "DIS-2024-001234", "dis-2024", "DIS-", "2024-0012": a request number or its start
_REQUEST_NO = re.compile(r"^(?:DIS-?)?(\d{4})(?:-(\d{0,6}))?$|^DIS-?$", re.IGNORECASE)

_COLUMNS = (
    "d.id, d.request_no, d.request_type, d.created_at, d.status, d.priority, "
    "c.account_no, c.name, c.vip, c.service_address, c.balance"
)


def _validated(query: DisconnectionQuery) -> DisconnectionQuery:
    checks = (
        ("statuses", query.statuses, tuple(s.value for s in Status), "status"),
        ("request_types", query.request_types, REQUEST_TYPES, "request type"),
        ("priorities", query.priorities, PRIORITIES, "priority"),
    )
    for field, values, known, noun in checks:
        for value in values:
            if value not in known:
                raise ValidationError(
                    field, f"Unknown {noun} {value!r}: use one of {', '.join(known)}."
                )
    if query.created_from and query.created_to and query.created_from > query.created_to:
        raise ValidationError("created_to", "The end date is before the start date: swap them.")
    if len(query.text) > 200:
        raise ValidationError("text", "Search for at most 200 characters.")
    return query


def _request_no_prefix(term: str) -> str | None:
    """The request number a search term starts, upper-cased with its dashes (None: not one)."""
    match = _REQUEST_NO.match(term.strip())
    if match is None:
        return None
    year, serial = match.group(1), match.group(2)
    if year is None:
        return "DIS-"
    return f"DIS-{year}-{serial}" if serial is not None else f"DIS-{year}"


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _where(
    dialect: str, query: DisconnectionQuery, zone: ZoneInfo
) -> tuple[list[str], dict[str, Any], str]:
    """The conditions (all on the request: consumers found become their ids), their
    parameters, and the index a page walks on SQLite: the search's (request numbers, the
    consumers found) or else the list's order, which carries every filter column. Left to
    itself, SQLite's planner takes a status for a rare value (its sampled statistics) and
    reads the table for each of a tab's ~130,000 requests at 1M consumers to check a type,
    a priority or a request number (0.2-0.6 s)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    index = LIST_INDEX

    def any_of(column: str, values: list[str] | tuple[str, ...], name: str) -> None:
        if values:
            names = [f"{name}{i}" for i in range(len(values))]
            where.append(f"{column} IN ({', '.join(':' + n for n in names)})")
            params.update(dict(zip(names, values, strict=True)))

    if query.tab is RequestTab.CURRENT:
        any_of("d.status", OPEN, "tab")
    elif query.tab is RequestTab.HISTORY:
        any_of("d.status", FINAL, "tab")
    any_of("d.status", sorted(set(query.statuses)), "st")
    any_of("d.request_type", sorted(set(query.request_types)), "ty")
    any_of("d.priority", sorted(set(query.priorities)), "pr")
    if query.created_from:
        where.append("d.created_at >= :cfrom")
        params["cfrom"] = _day_start(query.created_from, zone)
    if query.created_to:
        where.append("d.created_at < :cto")
        params["cto"] = _day_start(query.created_to + timedelta(days=1), zone)
    term = query.text.strip()
    prefix = _request_no_prefix(term) if term else None
    if prefix is not None:
        cond, p = _in_range("d.request_no", prefix, "rn")
        where.append(cond)
        params.update(p)
        index = "ix_disconnection_request_request_no"
    elif term:
        detected = detect(term)
        if detected.kind is not SearchKind.EMPTY:
            cond, p = _text_condition(dialect, detected)
            # the matching consumers as a set of ids: every condition is then on the request,
            # so the planner starts from the few consumers found, not from the tab's requests
            if cond.startswith("c.id IN ("):  # already one (names on SQLite, meters)
                where.append("d.consumer_id" + cond.removeprefix("c.id"))
            elif dialect == "postgresql":
                # an array, found first: as a semi-join PostgreSQL walked the tab's requests
                # newest first checking each one's consumer (a surname: 0.3 s, 26,000 rows)
                where.append(
                    f"d.consumer_id = ANY(ARRAY(SELECT c.id FROM consumer c WHERE {cond}))"
                )
            else:
                where.append(f"d.consumer_id IN (SELECT c.id FROM consumer c WHERE {cond})")
            params.update(p)
            index = "ix_disconnection_request_consumer_id"
    if dialect == "sqlite":
        # SQLite hands back and compares stored times as naive UTC text
        for key in ("cfrom", "cto"):
            if key in params:
                params[key] = params[key].replace(tzinfo=None)
    return where, params, index


def _row(r: Any) -> DisconnectionRow:
    created = _utc(r.created_at)
    assert created is not None
    return DisconnectionRow(
        request_no=r.request_no,
        account_no=r.account_no,
        consumer_name=r.name,
        vip=bool(r.vip),
        service_address=r.service_address,
        request_type=r.request_type,
        created_at=created,
        status=r.status,
        outstanding=_money(r.balance),
        priority=r.priority,
    )


def list_requests(
    conn: Connection,
    dialect: str,
    query: DisconnectionQuery,
    zone: ZoneInfo,
    cursor: str | None,
    limit: int,
) -> DisconnectionListPage:
    """One page of requests, newest first (keyset paging on created_at, id).

    The page's ids and the count read the requests alone (every condition is on them, see
    :func:`_where`); consumers are joined only for the rows shown. Joined before the sort,
    a page of the History tab at 1M consumers looked up ~130,000 consumers (2.5 s).
    """
    query = _validated(query)
    where, params, index = _where(dialect, query, zone)
    by_consumer = index == "ix_disconnection_request_consumer_id"
    page_where = list(where)
    if cursor:
        after = ListCursor.decode(cursor)
        try:
            key: Any = datetime.fromisoformat(str(after.key))
        except ValueError as exc:
            raise ValidationError(
                "cursor", "That page marker is not valid: reload the list."
            ) from exc
        if dialect == "sqlite":
            key = key.astimezone(UTC).replace(tzinfo=None)
        page_where.append("(d.created_at < :ck OR (d.created_at = :ck AND d.id < :cid))")
        params.update(ck=key, cid=after.last_id)
    where_sql = f"WHERE {' AND '.join(page_where)} " if page_where else ""
    order = "ORDER BY d.created_at DESC, d.id DESC"
    # the requests of the consumers found are all read anyway: count them in the same pass
    # (finding the consumers again for a count doubled a common surname's time)
    counted_here = by_consumer and cursor is None
    total = ", shown.total" if counted_here else ""
    window = ", count(*) OVER () AS total" if counted_here else ""
    source = "disconnection_request d"
    if dialect == "sqlite":
        source += f" INDEXED BY {index}"
    sql = (
        f"SELECT {_COLUMNS}{total} FROM (SELECT d.id{window} "
        f"FROM {source} {where_sql}{order} LIMIT :lim) shown "
        "JOIN disconnection_request d ON d.id = shown.id "
        f"JOIN consumer c ON c.id = d.consumer_id {order}"
    )
    rows = _rows(conn, sql, {**params, "lim": limit + 1})
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        stamp = _utc(last.created_at)
        assert stamp is not None
        next_cursor = ListCursor(stamp.isoformat(), int(last.id)).encode()
    count_where = f"WHERE {' AND '.join(where)}" if where else ""
    if counted_here:
        matches = rows[0].total if rows else 0
    else:
        if index == LIST_INDEX and not (query.request_types or query.priorities):
            source = "disconnection_request d"  # the tab, a status, dates: the status index
        sql = f"SELECT count(*) AS n FROM {source} {count_where}"
        matches = _rows(conn, sql, params)[0].n
    return DisconnectionListPage(
        items=[_row(r) for r in rows], next_cursor=next_cursor, matches=int(matches)
    )


def month_start(day: date, back: int = 0) -> date:
    """The first day of ``day``'s month, ``back`` months earlier."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def kpis(conn: Connection, dialect: str, zone: ZoneInfo, today: date) -> DisconnectionKpis:
    """The landing page's cards for ``today``'s month, and the months before for the trend.

    Pending: requests made in the month that are still open. Completed: requests resolved in
    the month (executed), whatever their status since. One pass over each index range.
    """
    months = [month_start(today, back) for back in range(TREND_MONTHS - 1, -1, -1)]
    bounds = [_day_start(m, zone) for m in months] + [_day_start(month_start(today, -1), zone)]
    if dialect == "sqlite":
        bounds = [b.replace(tzinfo=None) for b in bounds]
    params: dict[str, Any] = {f"b{i}": b for i, b in enumerate(bounds)}
    params.update({f"o{i}": s for i, s in enumerate(OPEN)})

    def buckets(column: str) -> str:
        return ", ".join(
            f"SUM(CASE WHEN {column} >= :b{i} AND {column} < :b{i + 1} THEN 1 ELSE 0 END) AS m{i}"
            for i in range(len(months))
        )

    last = len(months)
    open_list = ", ".join(f":o{i}" for i in range(len(OPEN)))
    source = "disconnection_request"
    if dialect == "sqlite":
        source += f" INDEXED BY {LIST_INDEX}"  # the months' requests from the index alone
    pending = _rows(
        conn,
        f"SELECT request_type, {buckets('created_at')} FROM {source} "
        f"WHERE status IN ({open_list}) AND created_at >= :b0 AND created_at < :b{last} "
        "GROUP BY request_type",
        params,
    )
    # a count per month and type, each a range of (resolved_at, request_type): summing
    # CASE expressions over the ~76,000 completions of six months at 1M consumers cost ~50 ms
    params.update({f"t{k}": kind for k, kind in enumerate(REQUEST_TYPES)})
    done = _rows(
        conn,
        "SELECT "
        + ", ".join(
            f"(SELECT count(*) FROM disconnection_request WHERE resolved_at >= :b{i} "
            f"AND resolved_at < :b{i + 1} AND request_type = :t{k}) AS m{i}_{k}"
            for i in range(len(months))
            for k in range(len(REQUEST_TYPES))
        ),
        params,
    )[0]

    def counts(rows: list[Any], kind: str, i: int) -> int:
        return sum(int(getattr(r, f"m{i}") or 0) for r in rows if r.request_type == kind)

    def completed(kind: str, i: int) -> int:
        return int(getattr(done, f"m{i}_{REQUEST_TYPES.index(kind)}"))

    trend = [
        DisconnectionMonth(
            month=m,
            pending_disconnections=counts(pending, "disconnection", i),
            completed_disconnections=completed("disconnection", i),
            pending_reconnections=counts(pending, "reconnection", i),
            completed_reconnections=completed("reconnection", i),
        )
        for i, m in enumerate(months)
    ]
    return DisconnectionKpis(current=trend[-1], trend=trend)
