"""Issue 4's walk in the real app, tmux at 80x24: search John Doe, open his profile, step
through every tab with the keyboard, add a note, and find it on top of the Notes tab."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tmux import Terminal, cso_tui_exe, isolated_env, needs_tmux

pytestmark = [needs_tmux, pytest.mark.e2e]

#: (key, text the tab shows once loaded)
TABS = (
    ("2", "Current balance"),
    ("3", "Aquaflow X200"),
    ("4", "SO-4523"),
    ("5", "C-3245"),
    ("6", "REQ-3245"),
    ("7", "Payment reminder"),
    ("8", "Service Agreement"),
    ("9", "2 notes · newest first"),
    ("0", "All activity"),
    ("1", "Relationship health"),
)


def test_search_john_doe_open_the_profile_read_every_tab_add_a_note(tmp_path: Path) -> None:
    term = Terminal(
        f"{cso_tui_exe()} demo --consumers 50 --seed 42 --as-of 2026-01-15",
        isolated_env(tmp_path),
    )
    try:
        term.wait_for("Demo users")
        term.type("callcenter")
        term.press("Enter")
        term.type("demo")
        term.press("Enter")
        term.wait_for("Consumer search")
        term.type("john doe")
        term.wait_for("1 match")  # (the empty box's help also says WU-10001)
        term.press("Down")
        term.press("p")
        header = term.wait_for("Relationship health")
        for expected in ("John Doe", "WU-10001", "Active", "$75.30", "Last billed Apr 15, 2025"):
            assert expected in header, header
        for key, expected in TABS:
            term.press(key)
            shown = term.wait_for(expected)
            assert all(len(line) <= 80 for line in shown.splitlines())
        # the tab's number and its key in one burst, as a fast typist over SSH sends them:
        # "n" comes before the focus has moved into the Notes tab, and still reaches it
        term.type("9n")
        term.wait_for("Add note · John Doe")  # the form (the footer also says "Add note")
        term.type("Caller confirmed the leak is fixed.")
        term.press("C-s")
        notes = term.wait_for("3 notes")  # saved, the form closed, the tab reloaded
        lines = notes.splitlines()
        top = next(i for i, line in enumerate(lines) if "▸" in line)
        assert "Jane Smith" in lines[top] and "leak is fixed" in lines[top + 1], notes
        term.press("Escape")
        term.wait_for("Consumer search")
        term.press("C-q")
    finally:
        term.close()
