#!/usr/bin/env python3
"""Project tasks with nothing but Python 3.11+: creates .venv on first use.

python3 dev.py demo [ARGS...]   start the app on a demo database (built on first use)
python3 dev.py test [ARGS...]   run the whole test suite (pytest ARGS)
python3 dev.py check            ruff format --check, ruff check, mypy, import hygiene
python3 dev.py bench [NAME]     run the benchmarks under benchmarks/
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".installed"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py runs under any python3)
        sys.exit("cso-tui needs Python 3.11 or newer")
    if not PY.exists():
        print("Creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != want:
        print("Installing cso-tui and its test tools into .venv ...", file=sys.stderr)
        pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
        STAMP.write_text(want)


def run(*args: str) -> int:
    return subprocess.call(list(args), cwd=ROOT)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    task, rest = argv[0], argv[1:]
    ensure_venv()
    if task == "demo":
        return run(str(BIN / "cso-tui"), "demo", *rest)
    if task == "test":
        env_args = rest or ["-n", "auto", "-q"]
        return run(str(PY), "-m", "pytest", *env_args)
    if task == "check":
        steps = [
            [
                str(PY),
                "-m",
                "ruff",
                "format",
                "--check",
                "cso_tui",
                "tests",
                "benchmarks",
                "dev.py",
            ],
            [str(PY), "-m", "ruff", "check", "cso_tui", "tests", "benchmarks", "dev.py"],
            [str(PY), "-m", "mypy", "cso_tui"],
            [str(PY), "-m", "pytest", "-q", "tests/test_import_hygiene.py"],
        ]
        for step in steps:
            if run(*step):
                return 1
        return 0
    if task == "bench":
        names = rest or sorted(p.stem for p in (ROOT / "benchmarks").glob("bench_*.py"))
        for name in names:
            if run(str(PY), str(ROOT / "benchmarks" / f"{name.removesuffix('.py')}.py")):
                return 1
        return 0
    print(f"unknown task {task!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
