"""Unified consumer search: detect the term's type, then use the index that fits it.

Identifiers (account, meter, device, email, phone suffix) are index range scans; names and
addresses go through word-prefix full-text search (FTS5 on SQLite, tsvector on PostgreSQL)
in tiers (exact name words, name prefixes, address), then substring trigram search when
words find nothing. Every tier pages by key (never OFFSET).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from cso_tui.models.types import from_cents
from cso_tui.services.rules.search_terms import (
    ACCOUNT_PREFIXES,
    Detected,
    prefix_upper_bound,
    unaccent,
)
from cso_tui.services.schemas import ConsumerHit, SearchKind

HIT_COLUMNS = (
    "c.id, c.account_no, c.name, c.status, c.category, c.vip, c.phone, c.email, "
    "c.service_address, c.balance"
)


def _hit(row: Sequence[Any], matched: str) -> ConsumerHit:
    """A hit from a row of HIT_COLUMNS (by position). model_construct: the row comes from our
    own typed columns, and validating 50 of them per keystroke is time the caller waits."""
    _, account_no, name, status, category, vip, phone, email, address, balance = row[:10]
    return ConsumerHit.model_construct(
        account_no=account_no,
        name=name,
        status=status,
        category=category,
        vip=bool(vip),
        phone=phone,
        email=email,
        service_address=address,
        balance=from_cents(balance),
        matched=matched,
    )


_NAMED = re.compile(r"(?<!:):(\w+)")


def _rows(conn: Connection, sql: str, params: dict[str, Any]) -> Any:
    """Plain DBAPI rows: search SQL is ours and fixed, so SQLAlchemy's statement compiling
    and Row objects are overhead here (~0.5 ms a page). sqlite3 takes :name as it is."""
    if conn.dialect.name != "sqlite":
        sql = _NAMED.sub(r"%(\1)s", sql)
    return conn.exec_driver_sql(sql, params).fetchall()


class Cursor:
    """``tier:last_key:last_id``; keys never contain the separator after the first two."""

    @staticmethod
    def encode(tier: int, key: str, last_id: int) -> str:
        return f"{tier}|{last_id}|{key}"

    @staticmethod
    def decode(cursor: str | None) -> tuple[int, str, int]:
        if not cursor:
            return 0, "", 0
        tier, last_id, key = cursor.split("|", 2)
        if int(tier) < 0:
            raise ValueError("negative tier")
        return int(tier), key, int(last_id)


def _in_range(column: str, prefix: str, name: str) -> tuple[str, dict[str, Any]]:
    """SQL for "``column`` starts with ``prefix``" as an index range (LIKE would not use it)."""
    hi = prefix_upper_bound(prefix)
    if hi is None:
        return f"{column} >= :{name}_lo", {f"{name}_lo": prefix}
    return (
        f"{column} >= :{name}_lo AND {column} < :{name}_hi",
        {f"{name}_lo": prefix, f"{name}_hi": hi},
    )


@dataclass(frozen=True)
class _Range:
    """Consumers found by a key range, ordered by (key, consumer id); ``where`` keeps every
    consumer to one row and out of the plans before this one, so pages never repeat."""

    column: str
    where: str
    params: dict[str, Any]
    matched: str
    join: str = ""

    def page(self, conn: Connection, after: tuple[str, int] | None, limit: int) -> list[Row]:
        params = {**self.params, "lim": limit}
        seek = ""
        if after is not None:
            col = self.column
            seek = f" AND ({col} > :k OR ({col} = :k AND c.id > :i))"
            params.update(k=after[0], i=after[1])
        sql = (
            f"SELECT {HIT_COLUMNS}, {self.column} AS sort_key FROM consumer c {self.join} "
            f"WHERE {self.where}{seek} ORDER BY {self.column}, c.id LIMIT :lim"
        )
        return [(r[10], r[0], _hit(r, self.matched)) for r in _rows(conn, sql, params)]


def _identifier_ranges(kind: SearchKind, key: str) -> list[tuple[SearchKind, _Range]]:
    """Account, meter and device ranges for an identifier; each consumer appears once."""
    acct, acct_p = _in_range("c.account_no", key, "a")
    params = {**acct_p}

    def gear(column: str, name: str) -> tuple[str, str]:
        """(first matching row of this consumer, "the consumer has a matching one")."""
        cond, p = _in_range(f"m.{column}", key, name)
        params.update(p)
        inner, _ = _in_range(f"m2.{column}", key, name)
        any_, _ = _in_range(f"m3.{column}", key, name)
        first = (
            f"{cond} AND NOT EXISTS (SELECT 1 FROM meter m2 WHERE m2.consumer_id = c.id "
            f"AND {inner} AND m2.{column} < m.{column})"
        )
        return first, f"EXISTS (SELECT 1 FROM meter m3 WHERE m3.consumer_id = c.id AND {any_})"

    meter_first, has_meter = gear("meter_no", "m")
    device_first, has_device = gear("device_no", "d")
    join = "JOIN meter m ON m.consumer_id = c.id"

    def rng(column: str, where: str, matched: str, j: str = "") -> _Range:
        return _Range(column, where, params, matched, j)

    if kind is SearchKind.METER:
        return [
            (SearchKind.METER, rng("m.meter_no", meter_first, "meter_no", join)),
            (SearchKind.ACCOUNT, rng("c.account_no", f"{acct} AND NOT {has_meter}", "account_no")),
        ]
    if kind is SearchKind.DEVICE:
        return [
            (SearchKind.DEVICE, rng("m.device_no", device_first, "device_no", join)),
            (
                SearchKind.ACCOUNT,
                rng("c.account_no", f"{acct} AND NOT {has_device}", "account_no"),
            ),
        ]
    return [
        (SearchKind.ACCOUNT, rng("c.account_no", acct, "account_no")),
        (
            SearchKind.METER,
            rng("m.meter_no", f"{meter_first} AND NOT ({acct})", "meter_no", join),
        ),
        (
            SearchKind.DEVICE,
            rng(
                "m.device_no",
                f"{device_first} AND NOT ({acct}) AND NOT {has_meter}",
                "device_no",
                join,
            ),
        ),
    ]


def _digit_ranges(digits: str) -> list[tuple[SearchKind, _Range]]:
    """A short number: an account number's digits under each prefix, else a phone's end."""
    out: list[tuple[SearchKind, _Range]] = []
    accounts: list[str] = []
    params: dict[str, Any] = {}
    for n, prefix in enumerate(ACCOUNT_PREFIXES):
        cond, p = _in_range("c.account_no", prefix + digits, f"a{n}")
        params.update(p)
        accounts.append(f"({cond})")
        out.append((SearchKind.ACCOUNT, _Range("c.account_no", cond, p, "account_no")))
    phone, p = _in_range("c.phone_key", digits[::-1], "p")
    where = f"{phone} AND NOT ({' OR '.join(accounts)})"
    out.append((SearchKind.PHONE, _Range("c.phone_key", where, {**params, **p}, "phone")))
    return out


@dataclass(frozen=True)
class _Tier:
    """One ranked slice of a text search: rows from ``source`` matching ``where``, by ``key``."""

    matched: str
    where: str
    params: dict[str, Any]
    source: str = "consumer c"
    key: str = "c.id"
    #: PostgreSQL: ask the index, never walk the key for all rows (see _windowed) ...
    indexed: bool = False
    #: ... after first looking through this many consumers in key order (0: not at all) ...
    window: int = 0
    #: ... unless the planner expects few rows for this condition (the tier's own, before
    #: its exclusions): those the index fetches and sorts at once.
    probe: str = ""


#: Consumers the PostgreSQL substring tier checks in key order before asking the index
#: (~1 µs each); 16 of these bound any walk.
WORD_WINDOW = 4_000
#: Rows the planner may expect for a probe and the tier still go straight to the index.
FEW_ROWS = 3_000
#: Matches in a first window of WORD_WINDOW that make a wider window worth it (see _windowed).
DENSE_ENOUGH = 24
#: The same for the substring tier (a LIKE on the stored search_text).
FRAGMENT_WINDOW = 4_000


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _sqlite_text_tiers(tokens: Sequence[str]) -> list[_Tier]:
    exact = " AND ".join(_fts_quote(t) for t in tokens)
    prefix = " AND ".join(_fts_quote(t) + "*" for t in tokens)
    # Driving from an FTS table lets FTS5 walk rowids in order and stop at LIMIT. A later
    # tier runs only when the earlier ones left the page short, so the rows it must skip
    # (already shown by an earlier tier) are few.
    names = "consumer_name_fts n JOIN consumer c ON c.id = n.rowid"
    anywhere = "consumer_fts f JOIN consumer c ON c.id = f.rowid"
    # One uncorrelated subquery (materialised once), not a MATCH per candidate row: the
    # correlated form re-opened the prefix query for every row (~0.3 ms each).
    not_a_name = (
        "f.rowid NOT IN (SELECT rowid FROM consumer_name_fts WHERE consumer_name_fts MATCH :p)"
    )
    return [
        _Tier("name", "consumer_name_fts MATCH :q", {"q": exact}, names, "n.rowid"),
        _Tier(
            "name",
            "consumer_name_fts MATCH :q",
            {"q": f"({prefix}) NOT ({exact})"},
            names,
            "n.rowid",
        ),
        _Tier(
            "address",
            f"consumer_fts MATCH :q AND {not_a_name}",
            {"q": prefix, "p": prefix},
            anywhere,
            "f.rowid",
        ),
    ]


def _pg_text_tiers(tokens: Sequence[str]) -> list[_Tier]:
    # Name tiers query name_tsv (the name alone): its statistics let the planner tell a rare
    # name word (index scan) from a common one (walk the primary key in order); the combined
    # search_tsv only serves the address tier, where a word may be anywhere.
    safe = [_pg_word(t) for t in tokens]
    exact = " & ".join(f"'{t}'" for t in safe)
    prefix = " & ".join(f"'{t}':*" for t in safe)
    tsq = "to_tsquery('simple', :{})"

    def tier(matched: str, probe: str, where: str, params: dict[str, Any]) -> _Tier:
        return _Tier(matched, where, params, indexed=True, probe=probe)

    name_exact = f"c.name_tsv @@ {tsq.format('a')}"
    name_prefix = f"c.name_tsv @@ {tsq.format('a')}"
    anywhere = f"c.search_tsv @@ {tsq.format('a')}"
    return [
        tier("name", name_exact, name_exact, {"a": exact}),
        tier(
            "name",
            name_prefix,
            f"{name_prefix} AND NOT c.name_tsv @@ {tsq.format('b')}",
            {"a": prefix, "b": exact},
        ),
        tier("address", anywhere, f"{anywhere} AND NOT {name_prefix}", {"a": prefix}),
    ]


def _like_escape(fragment: str) -> str:
    return fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _trigrams(fragment: str) -> str:
    """The fragment's trigrams AND-ed: the detail=none trigram index cannot run phrase queries,
    so it narrows the rows and the LIKE beside it checks the exact substring."""
    text_ = fragment.lower()
    grams = dict.fromkeys(text_[i : i + 3] for i in range(len(text_) - 2))
    return " AND ".join(_fts_quote(g) for g in grams)


def _fragment_tier(dialect: str, fragment: str) -> _Tier:
    like = "%" + _like_escape(fragment.lower()) + "%"
    if dialect == "sqlite":
        return _Tier(
            "fragment",
            "consumer_trgm MATCH :t AND (lower(c.name) LIKE :l ESCAPE '\\' "
            "OR lower(c.service_address) LIKE :l ESCAPE '\\')",
            {"t": _trigrams(fragment), "l": like},
            "consumer_trgm t JOIN consumer c ON c.id = t.rowid",
            "t.rowid",
        )
    return _Tier(
        "fragment",
        "c.search_text LIKE :l ESCAPE '\\'",
        {"l": "%" + _like_escape(unaccent(fragment.lower())) + "%"},
        indexed=True,
        window=FRAGMENT_WINDOW,
    )


def _tier_page(
    conn: Connection, tier: _Tier, after_id: int, limit: int
) -> list[tuple[str, int, ConsumerHit]]:
    params = {**tier.params, "after": after_id, "lim": limit}
    if tier.indexed:
        rows = _windowed(conn, tier, params)
    else:
        sql = (
            f"SELECT {HIT_COLUMNS} FROM {tier.source} WHERE {tier.where} "
            f"AND {tier.key} > :after ORDER BY {tier.key} LIMIT :lim"
        )
        rows = _rows(conn, sql, params)
    return [("", r[0], _hit(r, tier.matched)) for r in rows]


def _expected_rows(conn: Connection, tier: _Tier) -> float:
    """The planner's estimate of consumers matching ``tier.probe`` (one planning round trip,
    no execution): accurate for a word on one tsvector column, which has statistics."""
    sql = f"EXPLAIN (FORMAT JSON) SELECT 1 FROM consumer c WHERE {tier.probe}"
    plan = _rows(conn, sql, tier.params)[0][0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


_ROW_COUNTS: dict[str, tuple[float, float]] = {}  # database -> (when read, consumers)
#: Seconds a planner count of consumers is reused (it moves slowly: ANALYZE, VACUUM).
ROW_COUNT_TTL = 60.0


def _consumer_rows(conn: Connection) -> float:
    """The planner's count of consumers (pg_class.reltuples), read at most once a minute."""
    key = str(conn.engine.url)
    now = time.monotonic()
    cached = _ROW_COUNTS.get(key)
    if cached is not None and now - cached[0] < ROW_COUNT_TTL:
        return cached[1]
    sql = "SELECT reltuples FROM pg_class WHERE oid = 'consumer'::regclass"
    rows = float(_rows(conn, sql, {})[0][0])
    _ROW_COUNTS[key] = (now, rows)
    return rows


def _windowed(conn: Connection, tier: _Tier, params: dict[str, Any]) -> Any:
    """A PostgreSQL tier page that is never a walk of the whole table.

    The planner picks between walking the primary key with the tier's condition as a filter
    (quick when matches are dense) and the GIN index plus a sort (quick when they are few)
    from its row estimate, and that estimate is blind to the tiers' exclusions ("prefix but
    not exact" looks as common as the prefix alone). Wrongly walking the key for matches that
    never come read all 1M rows (1.2 s). So the walk is always bounded: word tiers ask the
    planner how many rows their own condition matches (``probe``, accurate on one column)
    and walk a window sized for the page only when matches are dense; the substring tier,
    whose estimate is a guess, walks a fixed window first. Whatever the window left, the
    index finds (``ORDER BY c.id + 0`` keeps the planner off the key walk).
    """
    lim = params["lim"]

    def dense(window: int) -> Any:
        sql = (
            f"SELECT {HIT_COLUMNS} FROM (SELECT * FROM consumer WHERE id > :after ORDER BY id "
            f"LIMIT {window}) c WHERE {tier.where} ORDER BY c.id LIMIT :lim"
        )
        return _rows(conn, sql, params)

    if tier.probe:
        # Walking in key order pays ~1 µs for each row looked at (lim / density rows), the
        # index ~1.3 µs for each match (density x rows): walk only where matches are dense.
        expected = _expected_rows(conn, tier)
        if expected > FEW_ROWS:
            total = max(_consumer_rows(conn), expected)
            density = expected / total
            if density * density * total >= lim:
                rows = dense(min(int(lim / density * 1.25) + 1, 16 * WORD_WINDOW))
                if len(rows) >= lim:
                    return rows
    elif tier.window:
        rows = dense(tier.window)
        if len(rows) >= lim:
            return rows
        # Matches about as dense as a common surname (~1 in 100): a wider window costs less
        # than the index, which must fetch and sort every match (~1.5 µs each, 1 µs a row
        # looked at: the two cross near 1 in 170 at 1M consumers, ~24 in the first window).
        if len(rows) * WORD_WINDOW >= DENSE_ENOUGH * tier.window:
            # wide enough for the page at the density seen, plus a quarter
            rows = dense(min(tier.window * lim * 5 // (len(rows) * 4), 4 * tier.window))
            if len(rows) >= lim:
                return rows
    sparse = (
        f"SELECT {HIT_COLUMNS} FROM consumer c WHERE {tier.where} AND c.id > :after "
        "ORDER BY c.id + 0 LIMIT :lim"
    )
    return _rows(conn, sparse, params)


@dataclass(frozen=True)
class Plan:
    kind: SearchKind | None  # what a hit from this plan says the term was
    run: Callable[[Connection, tuple[str, int] | None, int], list[Row]]
    fallback: bool = False  # only when the plans before it found nothing at all


Row = tuple[str, int, ConsumerHit]


def search(
    conn: Connection, dialect: str, detected: Detected, cursor: str | None, limit: int
) -> tuple[SearchKind, list[ConsumerHit], str | None]:
    """One page of hits for ``detected``; returns (kind, hits, next cursor)."""
    start, key, last_id = Cursor.decode(cursor)
    plans = _plans(dialect, detected)
    found: list[tuple[int, str, int, ConsumerHit]] = []
    for index in range(start, len(plans)):
        plan = plans[index]
        if plan.fallback and index != start and (found or cursor):
            break
        after = (key, last_id) if index == start and cursor else None
        # plans are disjoint (each excludes what earlier ones match), so no row repeats
        for sort_key, row_id, hit in plan.run(conn, after, limit + 1 - len(found)):
            found.append((index, sort_key, row_id, hit))
        if len(found) > limit:
            break
    next_cursor = None
    if len(found) > limit:
        found = found[:limit]
        index, sort_key, row_id, _ = found[-1]
        next_cursor = Cursor.encode(index, sort_key, row_id)
    kind = detected.kind
    if found and plans[found[0][0]].kind is not None:
        kind = plans[found[0][0]].kind or kind
    return kind, [f[3] for f in found], next_cursor


def _pg_word(token: str) -> str:
    # the index holds unaccented words (cso_unaccent), as SQLite's remove_diacritics does
    return unaccent(token).replace("'", "").replace("\\", "")


def _plans(dialect: str, d: Detected) -> list[Plan]:
    def tiered(t: _Tier) -> Callable[[Connection, tuple[str, int] | None, int], list[Row]]:
        def run(conn: Connection, after: tuple[str, int] | None, lim: int) -> list[Row]:
            return _tier_page(conn, t, after[1] if after else 0, lim)

        return run

    if d.kind is SearchKind.ACCOUNT and d.digits:
        return [Plan(kind, r.page) for kind, r in _digit_ranges(d.digits)]
    if d.kind in (SearchKind.ACCOUNT, SearchKind.METER, SearchKind.DEVICE):
        return [Plan(kind, r.page) for kind, r in _identifier_ranges(d.kind, d.key)]
    if d.kind in (SearchKind.PHONE, SearchKind.EMAIL):
        column = "c.phone_key" if d.kind is SearchKind.PHONE else "c.email_key"
        cond, params = _in_range(column, d.key, "k")
        matched = "phone" if d.kind is SearchKind.PHONE else "email"
        return [Plan(d.kind, _Range(column, cond, params, matched).page)]
    if d.kind is SearchKind.NAME:
        tiers = _sqlite_text_tiers(d.tokens) if dialect == "sqlite" else _pg_text_tiers(d.tokens)
        plans = [Plan(None, tiered(t)) for t in tiers]
        fragment = " ".join(d.tokens)
        if len(fragment) >= 3:
            plans.append(Plan(None, tiered(_fragment_tier(dialect, fragment)), fallback=True))
        return plans
    return []
