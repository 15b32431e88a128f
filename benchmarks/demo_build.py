"""How fast does the demo data set build? Rows/s per table and stage, total time, file size.

    .venv/bin/python benchmarks/demo_build.py --consumers 1000000
    .venv/bin/python benchmarks/demo_build.py --consumers 20000 \
        --database 'postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dbench,public'

Without --database the build goes to a temporary SQLite file, removed afterwards unless
--keep is given. The requirement: 1,000,000 consumers on SQLite in under 5 minutes on the
two-core machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from cso_tui.demo import build


def _url(database: str | None, directory: str) -> tuple[str, Path | None]:
    """The URL to build into, and the SQLite file behind it (None on PostgreSQL)."""
    if database is None:
        temporary = Path(directory) / "demo-bench.sqlite"
        return f"sqlite:///{temporary}", temporary
    if "://" not in database:
        return f"sqlite:///{database}", Path(database)
    if database.startswith("sqlite:///"):
        return database, Path(database.removeprefix("sqlite:///"))
    return database, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consumers", type=int, default=1_000_000)
    parser.add_argument("--database", help="SQLite file or database URL (default: a temp file)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="cso-demo-bench-") as tmp:
        url, path = _url(args.database, tmp)
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 1 or done == total:
                last[0] = now
                print(f"\r{stage:>14}: {done:>10,} / {total:,}", end="", file=sys.stderr)
                if done == total:
                    print(file=sys.stderr)

        cpu = time.process_time()
        report = build(url, consumers=args.consumers, seed=args.seed, as_of=args.as_of,
                       progress=progress)  # fmt: skip
        cpu = time.process_time() - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = resource.getrusage(resource.RUSAGE_SELF)

        print(f"\n{report.database}: {args.consumers:,} consumers, seed {args.seed}, "
              f"as of {report.as_of}")  # fmt: skip
        print(f"\n{'stage':<16}{'seconds':>10}")
        for stage, seconds in report.stage_seconds.items():
            print(f"{stage:<16}{seconds:>10.2f}")
        print(f"\n{'table':<24}{'rows':>12}{'insert s':>10}{'rows/s':>12}")
        for table, rows in sorted(report.counts.items(), key=lambda kv: -kv[1]):
            seconds = report.insert_seconds.get(table, 0.0)
            rate = f"{rows / seconds:>12,.0f}" if seconds > 0 else f"{'-':>12}"
            print(f"{table:<24}{rows:>12,}{seconds:>10.2f}{rate}")
        print(f"\n{'all rows':<24}{report.rows:>12,}")
        print(f"total {report.seconds:.1f} s wall ({report.rows / report.seconds:,.0f} rows/s); "
              f"CPU {cpu:.1f} s here + {children.ru_utime + children.ru_stime:.1f} s in the "
              "generator process")  # fmt: skip
        print(f"peak RSS {own.ru_maxrss / 1024:.0f} MB here, "
              f"{children.ru_maxrss / 1024:.0f} MB generator")  # fmt: skip
        if path is not None and path.exists():
            print(f"file {path}: {os.path.getsize(path) / 1e6:,.0f} MB")
        if args.keep and args.database is None and path is not None:
            kept = Path.cwd() / path.name
            path.replace(kept)
            print(f"kept as {kept}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
