"""Shared by the benchmarks: the big demo database and simple percentile maths."""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("CSO_TUI_BENCH_DIR", ROOT / "benchmarks" / "data"))
AS_OF = date(2026, 11, 1)


def big_database(consumers: int = 1_000_000, url: str | None = None) -> str:
    """URL of a demo database with ``consumers`` synthetic consumers, built once and reused."""
    if url:
        return url
    path = DATA / f"demo-{consumers}.sqlite"
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


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(samples_ms: list[float]) -> str:
    return (
        f"p50 {pct(samples_ms, 50):7.2f} ms  p95 {pct(samples_ms, 95):7.2f} ms  "
        f"max {max(samples_ms):7.2f} ms  mean {statistics.fmean(samples_ms):6.2f} ms  "
        f"n={len(samples_ms)}"
    )
