"""Consumer management (seed 004) through the service layer at scale: KPI cards, list pages
with each filter and sort, the next page, the list's search box, the 360 profile and the
recovery list.

Prints p50/p95 per operation over a demo database with 1M consumers (SQLite, built on the
first run into benchmarks/data/; or ``--database URL``, e.g. PostgreSQL). Target (issue 4):
p95 <= 100 ms for each list page, filter and the KPI figures.

    python benchmarks/bench_consumers.py [--consumers N] [--database URL] [--runs R]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import big_database, sample_consumers, time_operations

TARGET_MS = 100.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--consumers", type=int, default=1_000_000)
    ap.add_argument("--database", default=None, help="use this URL instead of building one")
    ap.add_argument("--runs", type=int, default=60, help="timed calls per operation")
    args = ap.parse_args()

    url = big_database(args.consumers, args.database)
    from cso_tui.services.local import LocalBackend
    from cso_tui.services.schemas import ConsumerQuery, ConsumerSort

    backend = LocalBackend(url, create_if_empty=False)
    token = backend.login("admin", "demo").token
    rng = random.Random(11)
    rows = sample_consumers(backend, max(args.runs, 20))
    surnames = [r.name.split()[-1] for r in rows if " " in r.name]
    accounts = [r.account_no for r in rows]
    q = ConsumerQuery

    def page(query: ConsumerQuery) -> Callable[[], Any]:
        return lambda: backend.list_consumers(token, query, None, 50)

    def second_page(query: ConsumerQuery) -> Callable[[], Any]:
        first = backend.list_consumers(token, query, None, 50)
        return lambda: backend.list_consumers(token, query, first.next_cursor, 50)

    by_balance = q(sort=ConsumerSort.BALANCE, descending=True)
    operations: list[tuple[str, Callable[[], Callable[[], Any]], bool]] = [
        ("KPI cards", lambda: lambda: backend.consumer_kpis(token), True),
        ("list: first page, by name", lambda: page(q()), True),
        ("list: next page, by name", lambda: second_page(q()), True),
        ("list: by balance, largest first", lambda: page(by_balance), True),
        ("list: next page, by balance", lambda: second_page(by_balance), True),
        ("list: by account no", lambda: page(q(sort=ConsumerSort.ACCOUNT_NO)), True),
        ("filter: status inactive", lambda: page(q(statuses=["inactive"])), True),
        ("filter: status active", lambda: page(q(statuses=["active"])), True),
        (
            "filter: collection, by balance",
            lambda: page(q(standings=["collection"], sort=ConsumerSort.BALANCE, descending=True)),
            True,
        ),
        ("filter: VIP", lambda: page(q(vip=True)), True),
        ("filter: category Commercial", lambda: page(q(categories=["Commercial"])), True),
        (
            "filter: balance 100-200",
            lambda: page(q(balance_min=Decimal(100), balance_max=Decimal(200))),
            True,
        ),
        (
            "filter: past due + VIP + balance>=50",
            lambda: page(q(standings=["past_due"], vip=True, balance_min=Decimal(50))),
            True,
        ),
        (
            "filter: temp. disconnected, Industrial",
            lambda: page(q(statuses=["temporarily_disconnected"], categories=["Industrial"])),
            True,
        ),
        ("search box: a surname", lambda: lambda: page(q(text=rng.choice(surnames)))(), True),
        (
            "search box: surname, by balance",
            lambda: lambda: page(q(text=rng.choice(surnames), sort=ConsumerSort.BALANCE))(),
            True,
        ),
        ("search box: account no", lambda: lambda: page(q(text=rng.choice(accounts)))(), True),
        (
            "profile (360, one call)",
            lambda: lambda: backend.get_profile(token, rng.choice(accounts)),
            False,
        ),
        (
            "activity timeline",
            lambda: lambda: backend.activity(token, rng.choice(accounts)),
            False,
        ),
        ("recovery list page", lambda: lambda: backend.recovery_accounts(token), False),
    ]
    print(f"database: {url}")
    worst = time_operations(operations, args.runs, TARGET_MS, 40)
    print(f"worst p95 of the list, filters and KPIs: {worst:.1f} ms (target <= {TARGET_MS:g} ms)")
    backend.close()
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
