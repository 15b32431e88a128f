"""Issue 5's walk in the real app, tmux at 80x24, keyboard only: close the seed's sample
request as a duplicate, make a new disconnection request for John Michael Smith, acknowledge,
hold and resume it, switch the deposit off and on, generate and approve the final bill,
execute the disconnection, and read the final states off the screen."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .tmux import Terminal, cso_tui_exe, isolated_env, needs_tmux

pytestmark = [needs_tmux, pytest.mark.e2e]


def look() -> None:
    """A person's glance at a list that just opened, before picking from it (Textual's
    pick lists take the focus a moment after they show)."""
    time.sleep(0.5)


def test_create_acknowledge_hold_resume_settle_bill_and_execute(tmp_path: Path) -> None:
    env = isolated_env(tmp_path) | {"CSO_TUI_EXPORT_DIR": str(tmp_path / "out")}
    term = Terminal(f"{cso_tui_exe()} demo --consumers 50 --seed 42 --as-of 2026-01-15", env)
    office_today = datetime.now(ZoneInfo("America/Chicago")).date()
    try:
        term.wait_for("Demo users")
        term.type("executive")
        term.press("Enter")
        term.type("demo")
        term.press("Enter")
        term.wait_for("Consumer search")
        term.press("C-o")
        term.wait_for("Pending discon")
        # the sample request is open for this consumer: close it as a duplicate first
        term.type("sDIS-2024-001234")
        term.wait_for("1 request")
        term.press("Enter")
        term.press("Enter")
        term.wait_for("Request ID      DIS-2024-001234")
        term.press("x")
        term.wait_for("Close DIS-2024-001234")
        term.press("Down")
        term.press("Enter")  # Duplicate request
        term.press("C-s")
        term.wait_for("Status ■ Closed")
        term.press("Escape")
        term.wait_for("Pending discon")

        # a new request, keyboard only
        term.press("n")
        term.wait_for("Customer: search and verify")
        term.type("ACC-2024-001789")
        term.wait_for("John Michael Smith  ● Active")
        term.press("Down")
        term.press("Enter")
        term.wait_for("profile is held for you")
        term.press("Enter")  # the reason list
        term.wait_for("CR-001")  # (only in the open list)
        look()
        term.press("Down")
        term.press("Enter")
        term.wait_for("needs approval")
        look()
        term.press("Tab")
        term.type((office_today + timedelta(days=5)).strftime("%m/%d/%Y"))
        term.press("Tab")
        term.press("Enter")  # the time slots
        term.wait_for("10:00 AM - 12:00 PM")
        look()
        term.press("Down")
        term.press("Enter")
        term.wait_for("Time slot  8:00 AM - 10:00 AM")
        term.press("Tab")
        term.type("Walk test: morning please")
        term.press("C-s")
        term.wait_for("Review and submit")
        term.press("C-s")
        receipt = term.wait_for("Submitted: DIS-")
        number = re.search(r"Submitted: (DIS-\d{4}-\d{6})", receipt)
        assert number is not None, receipt
        request_no = number.group(1)
        term.press("d")
        term.wait_for("Saved ")
        assert (tmp_path / "out" / f"receipt-{request_no}.pdf").read_bytes()[:5] == b"%PDF-"
        term.press("Enter")
        term.wait_for(f"Request ID      {request_no}")
        term.wait_for("Status … Pending")

        # the one status button
        term.press("a")
        term.wait_for("Status ▶ In Progress")
        term.press("a")
        term.wait_for("Status ‖ On Hold")
        term.press("a")
        term.wait_for("Status ▶ In Progress")

        # settle: the deposit off, then on again
        term.press("2")
        term.wait_for("Net amount        $256.78")
        term.press("u")
        term.wait_for("Net amount        $456.78")
        term.press("u")
        term.wait_for("Net amount        $256.78")

        # the final bill: electricity, then water
        term.press("3")
        term.wait_for("Electricity meter")
        term.press("Tab")
        term.type("M-7802")
        term.press("Tab")
        term.type("9500")
        term.press("Tab")
        term.press("Tab")
        term.type("M-7801")
        term.press("Tab")
        term.wait_for("Device D-3301")
        term.type("38000")
        term.press("C-s")
        term.wait_for("generated: check it")
        for _ in range(5):  # date, Generate, Discard, Print, Approve
            term.press("Tab")
        term.press("Enter")
        term.wait_for("The bill is locked once approved.")
        term.press("y")
        term.wait_for("Approved and locked")

        # a disconnection order from the Service orders tab (quick action o), then a note (i)
        term.press("o")
        term.wait_for("Residential Disconnection (Disconnection")
        look()
        term.press("Tab")
        term.type((office_today + timedelta(days=1)).strftime("%m/%d/%Y"))
        term.press("Tab")
        term.type("Walk test: bring the seal kit")
        term.press("C-s")
        made = term.wait_for("created: Residential Disconnection")
        order = re.search(r"(SO-\d+) created", made)
        assert order is not None, made
        so_no = order.group(1)
        term.press("Escape")  # out of the box: letters are commands again
        term.wait_for("v Resolve")
        term.press("i")
        term.wait_for("what you want to say")
        term.type("Walk test: customer agreed to the visit")
        term.press("C-s")
        term.wait_for("Internal note added.")
        term.wait_for("✎ Internal note · Sarah Johnson · this request")
        term.press("Escape")
        term.wait_for("v Resolve")

        # execute under that order
        term.press("4")
        term.wait_for("Meter action required")
        look()
        term.press("Tab")
        look()
        term.press("Down")
        look()
        term.press("Enter")  # Remove meter completely
        term.wait_for("▐●▌ Remove meter completely")
        term.press("Tab")
        term.type("D-3302")
        term.press("Tab")
        term.type("D-3301")
        term.press("Tab")
        term.type(so_no)
        term.press("Enter")  # checks it
        term.wait_for("Residential Disconnection - John Michael Smith ·")
        term.press("Tab")
        for n in range(1, 7):  # each item ticked, the counter read
            term.type(" ")
            term.wait_for(f"Completion: {n}/6 items")
            term.press("Tab")
        term.press("Enter")
        term.wait_for("Execute the disconnection")
        term.press("y")
        done = term.wait_for("Status ✓ Completed")
        assert "clock stopped" in done
        term.press("5")
        timeline = term.wait_for("Disconnection executed (remove)")
        assert "Final bill INV-" in timeline and "Acknowledged: In Progress" in timeline
        assert f"Service order {so_no} created" in timeline and "Internal note added" in timeline
        term.press("Escape")
        term.wait_for("Pending discon")
        term.press("2")
        term.wait_for("2 ▸ Request history")
        term.type("s")
        term.press("C-u")
        term.type(request_no)
        history = term.wait_for(f"{request_no}  John M")
        line = next(li for li in history.splitlines() if "John M" in li)
        assert "Completed" in line, history
        term.press("C-q")
    finally:
        term.close()
