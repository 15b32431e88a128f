"""Drive the real app in tmux as a person would: keys in, screen text out."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    def __init__(self, command: str, env: dict[str, str], width: int = 80, height: int = 24):
        self.name = f"cso-e2e-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # tmux ignores -e TERM=...: set the environment inside the command itself.
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
                f"env TERM=xterm-256color {exports} {command}",
            ],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
            check=False,
        ).stdout

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        """Poll the pane until ``text`` shows (no fixed sleeps)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")
            time.sleep(0.05)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)

    def press(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def cso_tui_exe() -> str:
    import sys

    exe = Path(sys.executable).parent / "cso-tui"
    return str(exe) if exe.exists() else "cso-tui"


def isolated_env(tmp: Path) -> dict[str, str]:
    env = {"CSO_TUI_DATA_DIR": str(tmp / "data"), "CSO_TUI_CONFIG_DIR": str(tmp / "config")}
    if "NO_COLOR" in os.environ:
        env["NO_COLOR"] = ""
    return env
