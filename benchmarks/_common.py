"""Shared by the benchmarks: the big demo database and simple percentile maths."""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cso_tui.services.local import LocalBackend

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("CSO_TUI_BENCH_DIR", ROOT / "benchmarks" / "data"))
AS_OF = date(2026, 11, 1)


def big_database(consumers: int = 1_000_000, url: str | None = None) -> str:
    """URL of a demo database with ``consumers`` synthetic consumers, built once and reused."""
    if url:
        return url
    path = big_database_path(consumers)
    if not path.exists():
        from cso_tui.demo import build

        DATA.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".building")
        for suffix in ("", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        print(f"building {consumers:,} consumers into {path} ...", file=sys.stderr)
        started = time.perf_counter()
        build(f"sqlite:///{tmp}", consumers=consumers, seed=42, as_of=AS_OF)
        print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        tmp.rename(path)
    return f"sqlite:///{path}"


def big_database_path(consumers: int = 1_000_000) -> Path:
    """Where :func:`big_database` keeps the SQLite demo of ``consumers`` (it may not exist yet)."""
    return DATA / f"demo-{consumers}.sqlite"


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(samples_ms: list[float]) -> str:
    return (
        f"p50 {pct(samples_ms, 50):7.2f} ms  p95 {pct(samples_ms, 95):7.2f} ms  "
        f"max {max(samples_ms):7.2f} ms  mean {statistics.fmean(samples_ms):6.2f} ms  "
        f"n={len(samples_ms)}"
    )


#: The identifier kinds the search benchmarks time, in report order (see :func:`search_terms`).
SEARCH_KINDS: tuple[str, ...] = (
    "account (exact)",
    "account (prefix)",
    "meter no",
    "device no",
    "phone (full)",
    "phone (last 7)",
    "email (prefix)",
    "name (first + last prefix)",
    "name (surname)",
    "address (street word)",
    "fragment (3+ chars)",
)


def sample_consumers(backend: LocalBackend, n: int) -> list[Any]:
    """Up to ``n`` random consumers with a phone and an email, one row per consumer and meter:
    ``account_no, name, phone, email, service_address, meter_no, device_no``."""
    random_ids = (
        "SELECT abs(random()) % (SELECT max(id) FROM consumer) FROM consumer LIMIT :n"
        if backend.dialect == "sqlite"
        else "SELECT (random() * (SELECT max(id) FROM consumer))::int FROM generate_series(1, :n)"
    )
    sample = backend.execute_sql(
        "SELECT c.account_no, c.name, c.phone, c.email, c.service_address, m.meter_no, "
        "m.device_no FROM consumer c JOIN meter m ON m.consumer_id = c.id "
        f"WHERE c.id IN ({random_ids})",
        n=n * 3,
    )
    return [r for r in sample if r.phone and r.email][:n]


def search_terms(rows: Sequence[Any], kind: str, rng: random.Random) -> list[str]:
    """What staff would type to find each of ``rows`` by ``kind`` (one of
    :data:`SEARCH_KINDS`), in an order shuffled by ``rng``."""
    out = []
    for r in rows:
        first, _, last = r.name.partition(" ")
        pick = {
            "account (exact)": r.account_no,
            "account (prefix)": r.account_no[:-2],
            "meter no": r.meter_no,
            "device no": r.device_no,
            "phone (full)": r.phone,
            "phone (last 7)": "".join(ch for ch in r.phone if ch.isdigit())[-7:],
            "email (prefix)": r.email.split("@")[0] + "@" + r.email.split("@")[1][:3],
            "name (first + last prefix)": f"{first} {last[:3]}",
            "name (surname)": last,
            "address (street word)": r.service_address.split()[1],
            "fragment (3+ chars)": r.name.split()[-1][1:5].lower(),
        }[kind]
        out.append(pick)
    rng.shuffle(out)
    return out


#: (name, make the call, whether it counts against the target)
Operation = tuple[str, Callable[[], Callable[[], object]], bool]


def time_operations(
    operations: Sequence[Operation],
    runs: int,
    target_ms: float,
    width: int = 40,
    after: Callable[[], str] = lambda: "",
) -> float:
    """Time each operation ``runs`` times after 3 warm-up calls (p95 is about a running
    office, not a cold disk), print a line each (``after()`` appended, e.g. the load), and
    return the worst p95 of those that count."""
    worst = 0.0
    for name, make, targeted in operations:
        call = make()
        for _ in range(3):
            call()
        samples: list[float] = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        p95 = pct(samples, 95)
        mark = "" if not targeted else (" ok" if p95 <= target_ms else " OVER")
        print(f"{name:<{width}} {summary(samples)}{mark}  {after()}".rstrip())
        if targeted:
            worst = max(worst, p95)
    return worst
