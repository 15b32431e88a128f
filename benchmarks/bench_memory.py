"""Memory of the running TUI on the big database: resident set size after logging in,
searching and opening a consumer, read from /proc as the app runs in tmux (80x24).
Target: <= 150 MB.

    python benchmarks/bench_memory.py [--consumers N] [--database URL]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import big_database


def rss_kb(pid: int) -> int:
    """Resident set of ``pid`` and its descendants, in kB."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except (FileNotFoundError, StopIteration, ProcessLookupError):
            continue
    return total


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def wait_for(session: str, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in tmux("capture-pane", "-p", "-t", session):
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{text!r} never showed:\n{tmux('capture-pane', '-p', '-t', session)}"
            )
        time.sleep(0.05)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--consumers", type=int, default=1_000_000)
    ap.add_argument("--database", default=None)
    args = ap.parse_args()
    if not shutil.which("tmux"):
        print("tmux is needed", file=sys.stderr)
        return 1
    url = big_database(args.consumers, args.database)
    exe = str(Path(sys.executable).parent / "cso-tui")
    session = "cso-bench-memory"
    with tempfile.TemporaryDirectory() as tmp:
        tmux("kill-session", "-t", session)
        tmux(
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "80",
            "-y",
            "24",
            f"env TERM=xterm-256color CSO_TUI_CONFIG_DIR={tmp} {exe} --database {url}",
        )
        try:
            pid = int(tmux("display", "-p", "-t", session, "#{pane_pid}").strip())
            wait_for(session, "Demo users")
            at_login = rss_kb(pid)
            tmux("send-keys", "-t", session, "-l", "admin")
            tmux("send-keys", "-t", session, "Enter")
            tmux("send-keys", "-t", session, "-l", "demo")
            tmux("send-keys", "-t", session, "Enter")
            wait_for(session, "Consumer search")
            for term, detected in (("smith", "Name / address"), ("M-5678", "Meter no")):
                tmux("send-keys", "-t", session, "C-u")
                tmux("send-keys", "-t", session, "-l", term)
                wait_for(session, detected)
            wait_for(session, "John Doe")
            tmux("send-keys", "-t", session, "Down")
            tmux("send-keys", "-t", session, "Enter")
            wait_for(session, "Consumer WU-10001")
            after = rss_kb(pid)
        finally:
            tmux("kill-session", "-t", session)
    print(f"database: {url}")
    print(
        f"TUI resident memory: at login {at_login / 1024:.0f} MB, after search and details "
        f"{after / 1024:.0f} MB (target <= 150 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
