"""Pilot tests of a request's Service orders (6) and Communication (7) tabs and the quick
actions that lead there (seed 003), at 80x24, keyboard only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, RadioSet

from cso_tui.screens.request_comms import CommunicationPane, ServiceOrderScreen, ServiceOrdersPane

from .helpers import keys, make_app, wait_until
from .test_disconnections import NOW, backend_for, fixed_factory, open_request, text_of

TOMORROW = "01/16/2026"  # the demo's today is 01/15/2026


async def test_a_service_order_from_a_template_lands_in_the_list(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        await pilot.press("o")  # quick action: create service order
        pane = detail.query_one(ServiceOrdersPane)
        await wait_until(pilot, lambda: len(pane.templates) == 4, "the fitting templates")
        await wait_until(pilot, lambda: app.focused is pane.query_one("#so-template"))
        assert [t.code for t in pane.templates] == ["DSC-RES", "FMR-001", "INS-WTR", "INS-ELE"]
        # a past date is refused on its field, and what was typed stays
        await pilot.press("down", "enter", "tab", *keys("01/14/2026"), "tab")
        await pilot.press(*keys("Read both meters"), "ctrl+s")
        await wait_until(pilot, lambda: "-shown" in pane.query_one("#so-date-error").classes)
        assert text_of(pane, "#so-date-error") == "Cannot select past date"
        assert app.focused is pane.query_one("#so-date", Input)
        assert pane.query_one("#so-remarks", Input).value == "Read both meters"
        await pilot.press(*["backspace"] * 10, *keys(TOMORROW), "ctrl+s")
        await wait_until(pilot, lambda: "created" in text_of(pane, ".pane-status"), "saved")
        status = text_of(pane, ".pane-status")
        assert "Final Meter Reading - John Michael Smith, assigned to" in status
        await wait_until(pilot, lambda: len(pane.orders) == 2, "the list")
        made = pane.orders[0]
        assert (made.name, made.remarks, made.linked) == (
            "Final Meter Reading - John Michael Smith", "Read both meters", True,
        )  # fmt: skip
        assert pane.query_one("#so-remarks", Input).value == ""  # ready for the next one
        table = pane.query_one("#so-table", DataTable)
        assert table.row_count == 2
        # enter on a row opens its details
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ServiceOrderScreen), "details")
        shown = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        assert f"SO ID               {made.so_no}" in shown
        assert "Remarks             Read both meters" in shown
        assert "once the order is completed" in shown
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is detail)


async def test_a_completed_orders_report_downloads_as_pdf_and_text(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CSO_TUI_EXPORT_DIR", str(tmp_path / "out"))
    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as conn:
        conn.execute(
            "UPDATE service_order SET status = 'completed', completed_at = ? "
            "WHERE so_no = 'SO-2024-005678'",
            (NOW.isoformat(),),
        )
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        await pilot.press("6")
        pane = detail.query_one(ServiceOrdersPane)
        await wait_until(pilot, lambda: bool(pane.orders), "the list")
        assert "Completed ⤓" in str(pane.query_one("#so-table", DataTable).get_row_at(0))
        pane.query_one("#so-table", DataTable).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ServiceOrderScreen), "details")
        await pilot.press("d")
        await wait_until(
            pilot, lambda: "Saved" in text_of(app.screen, "#so-report-status"), "the report"
        )
    pdf = tmp_path / "out" / "service-order-SO-2024-005678.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = (tmp_path / "out" / "service-order-SO-2024-005678.txt").read_text()
    assert "Service order report SO-2024-005678" in text
    assert "John Michael Smith (ACC-2024-001789)" in text


async def test_notes_and_replies_from_the_quick_actions(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        pane = detail.query_one(CommunicationPane)
        await pilot.press("i")  # quick action: add internal note
        assert app.focused is pane.query_one("#comm-body", Input)
        assert not pane.query_one("#comm-subject", Input).parent.parent.display  # no subject
        await pilot.press(*keys("Called: at work until 6"), "ctrl+s")
        await wait_until(pilot, lambda: "Internal note added." in text_of(pane, ".pane-status"))
        await wait_until(pilot, lambda: "Called: at work until 6" in text_of(pane, "#comm-list"))
        await pilot.press("escape")  # leaves the box: letters are commands again
        assert not isinstance(app.focused, Input)
        assert app.screen is detail
        await pilot.press("m")  # quick action: send response
        assert app.focused is pane.query_one("#comm-subject", Input)
        assert pane.query_one("#comm-kind", RadioSet).pressed_index == 1
        # no text: refused on its field, the subject kept
        await pilot.press(*keys("Your visit"), "ctrl+s")
        await wait_until(pilot, lambda: "-shown" in pane.query_one("#comm-body-error").classes)
        assert text_of(pane, "#comm-body-error") == "Message is required."
        assert pane.query_one("#comm-subject", Input).value == "Your visit"
        await pilot.press(*keys("We come on Saturday."), "ctrl+s")
        await wait_until(pilot, lambda: "Email queued" in text_of(pane, ".pane-status"))
        await wait_until(pilot, lambda: "We come on Saturday." in text_of(pane, "#comm-list"))
        listed = text_of(pane, "#comm-list")
        assert listed.index("We come on Saturday.") < listed.index("Called: at work until 6")
        assert "✉ Email to the consumer · Sarah Johnson · queued · this request" in listed
        # both are on the Timeline
        await pilot.press("escape", "5")
        events = "#timeline-events"
        await wait_until(pilot, lambda: "Internal note added" in text_of(detail, events))
        assert "Message emailed to john.smith@email.com" in text_of(detail, events)
    backend, token = backend_for(demo_url)
    kinds = [e.kind for e in backend.request_communications(token, "DIS-2024-001234")[:2]]
    assert kinds == ["email", "internal"]


async def test_generate_bill_opens_the_final_bill_tab(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        await pilot.press("g")
        assert detail.query_one("#request-tabs").active == "bill"  # type: ignore[attr-defined]


async def test_ctrl_s_waits_for_every_box_to_handle_its_keys(demo_url: str) -> None:
    """Each box handles its keys in its own queue, in no set order: "subject, tab, text,
    ctrl+s" in one burst must send the subject even when the subject's box runs last."""
    import asyncio

    from .test_inputs import burst

    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        pane = detail.query_one(CommunicationPane)
        await pilot.press("m")
        subject = pane.query_one("#comm-subject", Input)
        assert app.focused is subject
        release = asyncio.Event()
        subject.call_later(release.wait)  # its queue waits...
        burst(app, *"Visit", "tab", *"Saturday", "ctrl+s")
        # ...until the text's box has handled the burst (ctrl+s's read included)
        app.call_later(pane.query_one("#comm-body").call_later, release.set)
        await wait_until(pilot, lambda: "Email queued" in text_of(pane, ".pane-status"))
    backend, token = backend_for(demo_url)
    sent = backend.request_communications(token, "DIS-2024-001234")[0]
    assert (sent.subject, sent.body) == ("Visit", "Saturday")
