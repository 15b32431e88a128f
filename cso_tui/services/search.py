"""Unified consumer search: detect the term's type, then use the index that fits it.

Identifiers (account, meter, device, email, phone suffix) are index range scans; names and
addresses go through word-prefix full-text search (FTS5 on SQLite, tsvector on PostgreSQL)
in tiers (exact name words, name prefixes, address), then substring trigram search when
words find nothing. Every tier pages by key (never OFFSET).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from cso_tui.models.types import from_cents
from cso_tui.services.rules.search_terms import (
    ACCOUNT_PREFIXES,
    Detected,
    prefix_upper_bound,
)
from cso_tui.services.schemas import ConsumerHit, SearchKind

HIT_COLUMNS = (
    "c.id, c.account_no, c.name, c.status, c.category, c.vip, c.phone, c.email, "
    "c.service_address, c.balance"
)


def _hit(row: Any, matched: str) -> ConsumerHit:
    return ConsumerHit(
        account_no=row.account_no,
        name=row.name,
        status=row.status,
        category=row.category,
        vip=bool(row.vip),
        phone=row.phone,
        email=row.email,
        service_address=row.service_address,
        balance=from_cents(row.balance),
        matched=matched,
    )


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
        return int(tier), key, int(last_id)


def _range_search(
    conn: Connection,
    column: str,
    prefix: str,
    matched: str,
    after: tuple[str, int] | None,
    limit: int,
    join: str = "",
) -> list[tuple[str, int, ConsumerHit]]:
    """Rows whose ``column`` starts with ``prefix``, ordered by (column, id)."""
    params: dict[str, Any] = {"lo": prefix, "hi": prefix_upper_bound(prefix), "lim": limit}
    seek = ""
    if after is not None:
        seek = f" AND ({column} > :k OR ({column} = :k AND c.id > :i))"
        params.update(k=after[0], i=after[1])
    sql = (
        f"SELECT {HIT_COLUMNS}, {column} AS sort_key FROM consumer c {join} "
        f"WHERE {column} >= :lo AND {column} < :hi{seek} ORDER BY {column}, c.id LIMIT :lim"
    )
    return [(r.sort_key, r.id, _hit(r, matched)) for r in conn.execute(text(sql), params)]


@dataclass(frozen=True)
class _Tier:
    """One ranked slice of a text search: rows from ``source`` matching ``where``, by ``key``."""

    matched: str
    where: str
    params: dict[str, Any]
    source: str = "consumer c"
    key: str = "c.id"


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
    not_a_name = (
        "NOT EXISTS (SELECT 1 FROM consumer_name_fts x "
        "WHERE consumer_name_fts MATCH :p AND x.rowid = f.rowid)"
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
    def q(parts: Sequence[str]) -> str:
        return " & ".join(parts)

    safe = [t.replace("'", "").replace("\\", "") for t in tokens]
    name_exact = q([f"'{t}':A" for t in safe])
    name_prefix = q([f"'{t}':*A" for t in safe])
    anywhere = q([f"'{t}':*" for t in safe])
    tsq = "to_tsquery('simple', :{})"
    return [
        _Tier("name", f"c.search_tsv @@ {tsq.format('a')}", {"a": name_exact}),
        _Tier(
            "name",
            f"c.search_tsv @@ {tsq.format('a')} AND NOT c.search_tsv @@ {tsq.format('b')}",
            {"a": name_prefix, "b": name_exact},
        ),
        _Tier(
            "address",
            f"c.search_tsv @@ {tsq.format('a')} AND NOT c.search_tsv @@ {tsq.format('b')}",
            {"a": anywhere, "b": name_prefix},
        ),
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
        "lower(c.name || ' ' || c.service_address) LIKE :l ESCAPE '\\'",
        {"l": like},
    )


def _tier_page(
    conn: Connection, tier: _Tier, after_id: int, limit: int
) -> list[tuple[str, int, ConsumerHit]]:
    sql = (
        f"SELECT {HIT_COLUMNS} FROM {tier.source} WHERE {tier.where} AND {tier.key} > :after "
        f"ORDER BY {tier.key} LIMIT :lim"
    )
    rows = conn.execute(text(sql), {**tier.params, "after": after_id, "lim": limit})
    return [("", r.id, _hit(r, tier.matched)) for r in rows]


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
    seen: set[str] = set()
    for index in range(start, len(plans)):
        plan = plans[index]
        if plan.fallback and index != start and (found or cursor):
            break
        after = (key, last_id) if index == start and cursor else None
        for sort_key, row_id, hit in plan.run(conn, after, limit + 1 - len(found)):
            if hit.account_no not in seen:
                seen.add(hit.account_no)
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


def _plans(dialect: str, d: Detected) -> list[Plan]:
    def rng(
        column: str, prefix: str, matched: str, join: str = ""
    ) -> Callable[[Connection, tuple[str, int] | None, int], list[Row]]:
        def run(conn: Connection, after: tuple[str, int] | None, lim: int) -> list[Row]:
            return _range_search(conn, column, prefix, matched, after, lim, join)

        return run

    def tiered(t: _Tier) -> Callable[[Connection, tuple[str, int] | None, int], list[Row]]:
        def run(conn: Connection, after: tuple[str, int] | None, lim: int) -> list[Row]:
            return _tier_page(conn, t, after[1] if after else 0, lim)

        return run

    meter_join = "JOIN meter m ON m.consumer_id = c.id"
    account = SearchKind.ACCOUNT
    if d.kind is SearchKind.ACCOUNT and d.digits:
        plans = [
            Plan(account, rng("c.account_no", p + d.digits, "account_no")) for p in ACCOUNT_PREFIXES
        ]
        plans.append(Plan(SearchKind.PHONE, rng("c.phone_key", d.digits[::-1], "phone")))
        return plans
    meter = Plan(SearchKind.METER, rng("m.meter_no", d.key, "meter_no", meter_join))
    device = Plan(SearchKind.DEVICE, rng("m.device_no", d.key, "device_no", meter_join))
    by_account = Plan(account, rng("c.account_no", d.key, "account_no"))
    if d.kind is SearchKind.ACCOUNT:
        return [by_account, meter, device]
    if d.kind is SearchKind.METER:
        return [meter, by_account]
    if d.kind is SearchKind.DEVICE:
        return [device, by_account]
    if d.kind is SearchKind.PHONE:
        return [Plan(SearchKind.PHONE, rng("c.phone_key", d.key, "phone"))]
    if d.kind is SearchKind.EMAIL:
        return [Plan(SearchKind.EMAIL, rng("c.email_key", d.key, "email"))]
    if d.kind is SearchKind.NAME:
        tiers = _sqlite_text_tiers(d.tokens) if dialect == "sqlite" else _pg_text_tiers(d.tokens)
        plans = [Plan(None, tiered(t)) for t in tiers]
        fragment = " ".join(d.tokens)
        if len(fragment) >= 3:
            plans.append(Plan(None, tiered(_fragment_tier(dialect, fragment)), fallback=True))
        return plans
    return []
