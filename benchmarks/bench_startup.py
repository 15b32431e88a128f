"""Cold start: from launching `cso-tui` to its login screen on the terminal (tmux, 80x24).

Measured from outside, as a person sees it: the time until the login screen's text shows
in the tmux pane. Target: <= 0.8 s.

    python benchmarks/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import summary

MARKER = "Password"


def once(exe: str, env_prefix: str) -> float:
    session = f"cso-bench-{os.getpid()}"
    started = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", f"{env_prefix} {exe}"],
        check=True,
    )
    try:
        while True:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if MARKER in screen:
                return time.perf_counter() - started
            if time.perf_counter() - started > 20:
                raise RuntimeError(f"no login screen after 20 s:\n{screen}")
            time.sleep(0.005)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    if not shutil.which("tmux"):
        print("tmux is needed", file=sys.stderr)
        return 1
    exe = str(Path(sys.executable).parent / "cso-tui")
    with tempfile.TemporaryDirectory() as tmp:
        prefix = f"env TERM=xterm-256color CSO_TUI_DATA_DIR={tmp} CSO_TUI_CONFIG_DIR={tmp} "
        once(exe, prefix)  # warm the OS file cache: "cold" means a new process, not a cold disk
        samples = [once(exe, prefix) * 1000 for _ in range(args.runs)]
    print(f"start-up to login screen: {summary(samples)} (target p50 <= 800 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
