"""Unified search through the service layer (LocalBackend.search_consumers) at scale.

Prints p50/p95 per identifier type over a demo database with 1M consumers (built on the
first run into benchmarks/data/, ~minutes). Target: p95 <= 10 ms for every type.

    python benchmarks/bench_search.py [--consumers N] [--database URL] [--queries Q]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SEARCH_KINDS, big_database, pct, sample_consumers, search_terms, summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--consumers", type=int, default=1_000_000)
    ap.add_argument("--database", default=None, help="use this URL instead of building one")
    ap.add_argument("--queries", type=int, default=300, help="queries per identifier type")
    args = ap.parse_args()

    url = big_database(args.consumers, args.database)
    from cso_tui.services.local import LocalBackend

    backend = LocalBackend(url, create_if_empty=False)
    token = backend.login("admin", "demo").token
    rng = random.Random(7)
    rows = sample_consumers(backend, args.queries)
    if len(rows) < 10:
        print("not enough sample rows", file=sys.stderr)
        return 1

    for r in rows[:20]:  # warm the page cache: "p95" is about a running office, not a cold disk
        backend.search_consumers(token, r.account_no)
        backend.search_consumers(token, r.name)
    print(f"database: {url}")
    print(f"{'identifier':<28} {'detected':<9} {'hits':>5}  latency")
    worst = 0.0
    for kind in SEARCH_KINDS:
        samples: list[float] = []
        detected: dict[str, int] = {}
        hits = 0
        for term in search_terms(rows, kind, rng):
            started = time.perf_counter()
            page = backend.search_consumers(token, term)
            samples.append((time.perf_counter() - started) * 1000)
            detected[page.kind.value] = detected.get(page.kind.value, 0) + 1
            hits += len(page.items)
        main_kind = max(detected, key=lambda k: detected[k])
        print(f"{kind:<28} {main_kind:<9} {hits / len(samples):5.1f}  {summary(samples)}")
        worst = max(worst, pct(samples, 95))
    print(f"worst p95: {worst:.2f} ms (target <= 10 ms)")
    backend.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
