"""The real app in tmux at 80x24: start the demo, log in with the keyboard, find John Doe."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tmux import Terminal, cso_tui_exe, isolated_env, needs_tmux

pytestmark = [needs_tmux, pytest.mark.e2e]


def test_demo_login_search_meter_shows_john_doe(tmp_path: Path) -> None:
    term = Terminal(
        f"{cso_tui_exe()} demo --consumers 50 --seed 42 --as-of 2026-01-15",
        isolated_env(tmp_path),
    )
    try:
        term.wait_for("Log in")
        term.wait_for("Demo users")  # the backend is connected and this is a demo database
        term.type("admin")
        term.press("Enter")
        term.type("demo")
        term.press("Enter")
        term.wait_for("Consumer search")
        term.type("M-5678")
        results = term.wait_for("John Doe")
        assert "Meter no" in results
        assert "WU-10001" in results
        term.press("Down")
        term.press("Enter")
        details = term.wait_for("Consumer WU-10001")
        for expected in ("(555) 123-4567", "john.doe@example.com", "$75.30", "D-9012"):
            assert expected in details, details
        assert len(details.splitlines()[0]) <= 80
        term.press("C-q")
    finally:
        term.close()
