"""Disconnection requests (seed 003) through the service layer at scale: the landing page's
KPI cards, the Current and History tabs (first and next page), each filter alone and
combined, the search box (request id prefix, surname, account no) and a request's detail.

Prints p50/p95 per operation over a demo database with 1M consumers (SQLite, built on the
first run into benchmarks/data/; or ``--database URL``, e.g. PostgreSQL, a demo built with
``--seed 42 --as-of 2026-11-01`` like the SQLite one), with the load average beside each line
(the machine is shared). Inputs are random but seeded: the same database gives the same
calls. Target: p95 <= 100 ms for each list page, filter, search and the KPI cards.

    python benchmarks/bench_disconnections.py [--consumers N] [--database URL] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import AS_OF, big_database, time_operations

TARGET_MS = 100.0
OPEN = ("pending", "in_progress", "on_hold")
FINAL = ("completed", "closed")


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def sample_requests(backend: Any, n: int, rng: random.Random) -> list[Any]:
    """Up to ``n`` requests picked by ``rng`` among all ids: request_no, status, account_no,
    consumer name (the same database and seed give the same sample)."""
    top = backend.execute_sql("SELECT max(id) AS n FROM disconnection_request")[0].n or 0
    ids = rng.sample(range(1, top + 1), min(top, n * 2))
    found = backend.execute_sql(
        "SELECT d.id, d.request_no, d.status, c.account_no, c.name "
        "FROM disconnection_request d JOIN consumer c ON c.id = d.consumer_id "
        f"WHERE d.id IN ({', '.join(str(i) for i in ids)}) ORDER BY d.id"
    )
    rng.shuffle(found)
    return found[:n]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--consumers", type=int, default=1_000_000)
    ap.add_argument("--database", default=None, help="use this URL instead of building one")
    ap.add_argument("--runs", type=int, default=60, help="timed calls per operation")
    args = ap.parse_args()

    url = big_database(args.consumers, args.database)
    from cso_tui.services.local import LocalBackend
    from cso_tui.services.schemas import DisconnectionQuery, RequestTab

    backend = LocalBackend(url, create_if_empty=False)
    token = backend.login("admin", "demo").token
    rng = random.Random(3)
    counts = backend.execute_sql(
        "SELECT request_type, status, count(*) AS n FROM disconnection_request "
        "GROUP BY request_type, status ORDER BY request_type, status"
    )
    total = sum(r.n for r in counts)
    current = sum(r.n for r in counts if r.status in OPEN)
    print(f"database: {url}")
    print(f"requests: {total:,} (Current tab {current:,}, History tab {total - current:,})")
    print("  " + ", ".join(f"{r.request_type} {r.status} {r.n:,}" for r in counts))
    if total < 1000:
        print("too few disconnection requests for a meaningful benchmark", file=sys.stderr)
    rows = sample_requests(backend, max(args.runs, 20), rng)
    surnames = [r.name.split()[-1] for r in rows if " " in r.name]
    accounts = [r.account_no for r in rows]
    first_day = AS_OF - timedelta(days=365)  # the demo's requests lie in the year before AS_OF
    last_month = AS_OF - timedelta(days=1)
    # the demo's synthetic requests: "DIS-2026-000123"; a staff member types all but the end
    prefixes = [(r.request_no[:-2], r.status) for r in rows]

    def tab_of(status: str) -> RequestTab:
        return RequestTab.CURRENT if status in OPEN else RequestTab.HISTORY

    def any_tab() -> RequestTab:
        return rng.choice((RequestTab.CURRENT, RequestTab.HISTORY))

    def days(shortest: int, longest: int) -> tuple[date, date]:
        start = first_day + timedelta(days=rng.randrange(365 - shortest))
        return start, min(start + timedelta(days=rng.randint(shortest, longest)), AS_OF)

    def page(make_query: Callable[[], DisconnectionQuery]) -> Callable[[], Any]:
        return lambda: backend.list_disconnection_requests(token, make_query(), None, 50)

    def second_page(query: DisconnectionQuery) -> Callable[[], Any]:
        first = backend.list_disconnection_requests(token, query, None, 50)
        return lambda: backend.list_disconnection_requests(token, query, first.next_cursor, 50)

    def status_filter() -> DisconnectionQuery:
        status = rng.choice(OPEN + FINAL)
        return DisconnectionQuery(tab=tab_of(status), statuses=[status])

    def date_filter() -> DisconnectionQuery:
        start, end = days(7, 31)
        return DisconnectionQuery(tab=any_tab(), created_from=start, created_to=end)

    def combined() -> DisconnectionQuery:
        start, end = days(30, 90)
        tab = any_tab()
        return DisconnectionQuery(
            tab=tab,
            statuses=[rng.choice(OPEN if tab is RequestTab.CURRENT else FINAL)],
            request_types=[rng.choice(("disconnection", "reconnection"))],
            priorities=[rng.choice(("high", "medium", "low"))],
            created_from=start,
            created_to=end,
        )

    def by_request_no() -> DisconnectionQuery:
        prefix, status = rng.choice(prefixes)
        return DisconnectionQuery(tab=tab_of(status), text=prefix)

    q = DisconnectionQuery
    cur, hist = q(tab=RequestTab.CURRENT), q(tab=RequestTab.HISTORY)
    operations: list[tuple[str, Callable[[], Callable[[], Any]], bool]] = [
        # the month before AS_OF: its six-month trend lies wholly within the demo's year
        ("KPI cards", lambda: lambda: backend.disconnection_kpis(token, last_month), True),
        ("Current tab: first page", lambda: page(lambda: cur), True),
        ("Current tab: next page", lambda: second_page(cur), True),
        ("History tab: first page", lambda: page(lambda: hist), True),
        ("History tab: next page", lambda: second_page(hist), True),
        ("filter: status (its tab)", lambda: page(status_filter), True),
        (
            "filter: type (either tab)",
            lambda: page(
                lambda: q(
                    tab=any_tab(), request_types=[rng.choice(("disconnection", "reconnection"))]
                )
            ),
            True,
        ),
        (
            "filter: priority (either tab)",
            lambda: page(
                lambda: q(tab=any_tab(), priorities=[rng.choice(("high", "medium", "low"))])
            ),
            True,
        ),
        ("filter: date range 7-31 days", lambda: page(date_filter), True),
        ("filter: status+type+priority+dates", lambda: page(combined), True),
        ("search box: request id prefix", lambda: page(by_request_no), True),
        (
            "search box: a surname (either tab)",
            lambda: page(lambda: q(tab=any_tab(), text=rng.choice(surnames))),
            True,
        ),
        (
            "search box: account no (either tab)",
            lambda: page(lambda: q(tab=any_tab(), text=rng.choice(accounts))),
            True,
        ),
        (
            "request detail (get_disconnection_request)",
            lambda: lambda: backend.get_disconnection_request(token, rng.choice(rows).request_no),
            False,
        ),
    ]
    print(f"start: {load()}")
    worst = time_operations(operations, args.runs, TARGET_MS, 44, load)
    print(
        f"worst p95 of the pages, filters, searches and KPIs: {worst:.1f} ms "
        f"(target <= {TARGET_MS:g} ms)  {load()}"
    )
    backend.close()
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
