"""Pilot tests of the disconnection screens (seed 003): the landing page (cards, tabs, search,
filters), a request's detail view (the status button, settlement toggle, close dialog) and
the keyboard-only create form with its review and receipt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Label, OptionList, Static

from cso_tui.screens.disconnections import DisconnectionsScreen, RequestFiltersScreen
from cso_tui.screens.new_request import NewRequestScreen, ReceiptScreen, ReviewScreen
from cso_tui.screens.request_detail import CloseRequestScreen, RequestScreen
from cso_tui.services.backend import Backend
from cso_tui.services.local import LocalBackend
from cso_tui.services.schemas import DisconnectionQuery, RequestTab
from cso_tui.widgets.field_grid import FieldGrid
from cso_tui.widgets.kpi import KpiCard

from .conftest import AS_OF
from .helpers import PAGE_SIZE, keys, login, make_app, wait_until

#: The demo's day, 09:00 AM in the office (Chicago).
NOW = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 15, tzinfo=UTC)
SAMPLE = "DIS-2024-001234"


def fixed_factory(url: str) -> Callable[[], Backend]:
    def factory() -> Backend:
        return LocalBackend(url, page_size=PAGE_SIZE, clock=lambda: NOW)

    return factory


def backend_for(url: str, user: str = "admin") -> tuple[LocalBackend, str]:
    backend = LocalBackend(url, clock=lambda: NOW)
    return backend, backend.login(user, "demo").token


def loaded(screen: DisconnectionsScreen) -> bool:
    return not screen.fetching and screen.kpis is not None and screen.matches is not None


async def open_landing(pilot: Pilot[Any], user: str = "executive") -> DisconnectionsScreen:
    app = pilot.app
    await login(pilot, user)
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(app.screen, DisconnectionsScreen), "the page")
    screen = app.screen
    assert isinstance(screen, DisconnectionsScreen)
    await wait_until(pilot, lambda: loaded(screen), "the first page and the cards")
    return screen


async def open_request(pilot: Pilot[Any], request_no: str = SAMPLE) -> RequestScreen:
    """Log in and open ``request_no`` (as the landing list's enter does: the list itself
    is tested above, and skipping it saves seconds a test)."""
    app = pilot.app
    await login(pilot, "executive")
    app.open_request(request_no)  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, RequestScreen), "the request")
    detail = app.screen
    assert isinstance(detail, RequestScreen)
    await wait_until(pilot, lambda: detail.detail is not None, "the request's data")
    await pilot.pause()
    return detail


async def open_request_from_the_list(pilot: Pilot[Any], request_no: str = SAMPLE) -> RequestScreen:
    screen = await open_landing(pilot)
    await pilot.press("s", *keys(request_no), "enter")
    await wait_until(
        pilot,
        lambda: (
            [r.request_no for r in screen.table.rows_shown] == [request_no] and not screen.fetching
        ),
        "the search",
    )
    await pilot.press("enter")
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, RequestScreen), "the request")
    detail = app.screen
    assert isinstance(detail, RequestScreen)
    await wait_until(pilot, lambda: detail.detail is not None, "the request's data")
    await pilot.pause()
    return detail


def text_of(screen: Any, selector: str) -> str:
    widget = screen.query_one(selector)
    if isinstance(widget, FieldGrid):
        return widget.text
    if isinstance(widget, Label | Static):
        return str(widget.render())
    raise TypeError(widget)


# ---------------------------------------------------------------- landing


async def test_landing_shows_cards_current_requests_and_history(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    backend, token = backend_for(demo_url)
    current = backend.list_disconnection_requests(token, DisconnectionQuery(), None, 200)
    history = backend.list_disconnection_requests(
        token, DisconnectionQuery(tab=RequestTab.HISTORY), None, 200
    )
    kpis = backend.disconnection_kpis(token)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landing(pilot)
        shown = [r.request_no for r in screen.table.rows_shown]
        assert shown == [r.request_no for r in current.items][:PAGE_SIZE]
        card = screen.query_one("#kpi-pd", KpiCard)
        assert card.value == f"{kpis.current.pending_disconnections:,}"
        assert "over 6 months" in card.sub and len(card.sub.split()[0]) == 6  # the sparkline
        assert "1 ▸ Current requests" in text_of(screen, "#request-tabs")
        await pilot.press("2")
        await wait_until(pilot, lambda: loaded(screen) and screen.query_state.tab == "history")
        assert [r.request_no for r in screen.table.rows_shown] == [
            r.request_no for r in history.items
        ][:PAGE_SIZE]
        assert {r.status for r in screen.table.rows_shown} <= {"completed", "closed"}
        assert "2 ▸ Request history" in text_of(screen, "#request-tabs")


async def test_search_by_request_id_name_or_account(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landing(pilot)
        await pilot.press("s", *keys("dis-2024-0012"))
        await wait_until(
            pilot,
            lambda: loaded(screen) and screen.query_state.text == "dis-2024-0012",
            "the search",
        )
        assert [r.request_no for r in screen.table.rows_shown] == [SAMPLE]
        await pilot.press(*["backspace"] * 13, *keys("john michael"))
        await wait_until(
            pilot, lambda: loaded(screen) and screen.query_state.text == "john michael"
        )
        assert [r.account_no for r in screen.table.rows_shown] == ["ACC-2024-001789"]
        await pilot.press(*["backspace"] * 12, *keys("zzzz"))
        await wait_until(pilot, lambda: loaded(screen) and screen.query_state.text == "zzzz")
        assert "No open request for this search" in text_of(screen, "#request-status")


async def test_filters_apply_and_clear(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landing(pilot)
        everything = len(screen.table.rows_shown)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, RequestFiltersScreen))
        # statuses (5), types (2), then the first priority: High
        await pilot.press(*["tab"] * 7, "space", "enter")
        await wait_until(pilot, lambda: app.screen is screen and loaded(screen), "applied")
        assert screen.query_state.priorities == ["high"]
        assert {r.priority for r in screen.table.rows_shown} == {"high"}
        assert "priority High" in text_of(screen, "#request-filters")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: loaded(screen) and not screen.query_state.priorities)
        assert len(screen.table.rows_shown) == everything


async def test_a_bad_filter_date_is_marked_on_its_field(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landing(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, RequestFiltersScreen))
        filters = app.screen
        filters.query_one("#filter-created_from", Input).value = "13/45/2025"
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "-shown" in filters.query_one("#filter-created_from-error").classes
        )
        assert "MM/DD/YYYY" in text_of(filters, "#filter-created_from-error")
        filters.query_one("#filter-created_from", Input).value = "01/10/2026"
        filters.query_one("#filter-created_to", Input).value = "01/01/2026"
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "-shown" in filters.query_one("#filter-created_to-error").classes
        )
        assert "before the start date" in text_of(filters, "#filter-created_to-error")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert screen.query_state.created_from is None


# ---------------------------------------------------------------- detail


async def test_detail_shows_the_seed_fields(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request_from_the_list(pilot)
        assert "John Michael Smith" in text_of(detail, "#request-title")
        badges = text_of(detail, "#request-badges")
        assert "ACC-2024-001789" in badges and "▲ High" in badges and "In Progress" in badges
        assert "Breached" in text_of(detail, "#request-sla")  # a year after its due date
        card = text_of(detail, "#request-card")
        assert "Request ID: DIS-2024-001234" in card and "Created by: Sarah Johnson" in card
        info = text_of(detail, "#request-info")
        assert "Reason code: NP-001" in info and "Required approval: Yes" in info
        assert "Preferred date / time: 12/15/2024 10:00 AM - 12:00 PM" in info
        assert "Acknowledgement" in text_of(detail, "#sla-metrics")
        assert "1.50 h of" in text_of(detail, "#sla-metrics")
        assert detail.query_one("#status-button", Button).label.plain == "a Put on Hold"


async def test_the_status_button_holds_and_resumes(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)

        def status() -> str:
            assert detail.detail is not None
            return detail.detail.request.status

        await pilot.press("a")
        await wait_until(pilot, lambda: status() == "on_hold", "on hold")
        assert detail.query_one("#status-button", Button).label.plain == "a Resume"
        assert not detail.query_one("#resolve-button", Button).display
        assert "Put on hold." in text_of(detail, "#request-message")
        await pilot.press("a")
        await wait_until(pilot, lambda: status() == "in_progress", "resumed")
        await pilot.press("v")
        await wait_until(pilot, lambda: status() == "completed", "resolved")
        assert not detail.query_one("#status-button", Button).display
        assert "clock stopped" in text_of(detail, "#request-sla")
        await pilot.press("a")  # nothing left to press: nothing happens
        await pilot.pause()
        assert status() == "completed"


async def test_use_in_bill_toggle_recalculates_the_net(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        await pilot.press("2")
        card = text_of(detail, "#settlement-card")
        assert "Total outstanding: $456.78" in card
        assert "Net amount: $256.78  Amount payable by consumer" in card
        await pilot.press("u")
        await wait_until(
            pilot,
            lambda: detail.detail is not None and not detail.detail.settlement.use_deposit,
            "the toggle",
        )
        card = text_of(detail, "#settlement-card")
        assert "Use in bill (u): [ ] OFF: kept" in card
        assert "Net amount: $456.78" in card


async def test_close_asks_a_reason_and_notes_for_other(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, CloseRequestScreen), "the box")
        box = app.screen
        await pilot.press("down", "down", "down", "down", "enter", "ctrl+s")  # Other, no notes
        await wait_until(pilot, lambda: "-shown" in box.query_one("#close-notes-error").classes)
        assert "Say why it is closed" in text_of(box, "#close-notes-error")
        assert app.focused is box.query_one("#close-notes")
        await pilot.press(*keys("Customer paid at the counter"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is detail, "closed")
        await wait_until(
            pilot,
            lambda: detail.detail is not None and detail.detail.request.status == "closed",
        )
        assert not detail.query_one("#close-button", Button).display
    backend, token = backend_for(demo_url)
    got = backend.get_disconnection_request(token, SAMPLE)
    assert got.request.status == "closed"


# ---------------------------------------------------------------- create


async def fill_form(pilot: Pilot[Any], term: str) -> NewRequestScreen:
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, NewRequestScreen)
    await pilot.press(*keys(term))
    await wait_until(pilot, lambda: screen.hits != [], "matches")
    await pilot.press("down", "enter")
    await wait_until(pilot, lambda: screen.customer is not None, "the customer held")
    await wait_until(pilot, lambda: screen.settings is not None, "the settings")
    await pilot.press("enter", "down", "enter")  # the first reason
    await pilot.press("tab", *keys("01/20/2026"), "tab", "enter", "down", "enter")
    await pilot.press("tab", *keys("Morning please"))
    return screen


async def test_create_review_submit_and_receipt(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CSO_TUI_EXPORT_DIR", str(tmp_path / "out"))
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        landing = await open_landing(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewRequestScreen), "the form")
        form = await fill_form(pilot, "WU-10003")
        assert "Request type: " not in text_of(form, "#request-type")
        assert "Disconnection Request" in text_of(form, "#request-type")
        assert text_of(form, "#notes-count") == "14/250"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        review = app.screen
        assert "Scheduled date: 01/20/2026" in review.query(FieldGrid).last().text
        assert "Notify customer: [X] Yes, by email" in review.query(FieldGrid).last().text
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen), "the receipt")
        receipt = app.screen
        assert isinstance(receipt, ReceiptScreen)
        number = receipt.out.request_no
        assert number.startswith("DIS-2026-")
        assert f"Request ID        {number}" in text_of(receipt, "#receipt-text")
        await pilot.press("d")
        await wait_until(pilot, lambda: "Saved" in text_of(receipt, "#receipt-status"))
        pdf = tmp_path / "out" / f"receipt-{number}.pdf"
        txt = tmp_path / "out" / f"receipt-{number}.txt"
        assert pdf.read_bytes().startswith(b"%PDF-1.4") and number in txt.read_text()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RequestScreen), "the request")
        assert app.screen.request_no == number
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is landing and loaded(landing))
        assert landing.table.rows_shown[0].request_no == number
    backend, token = backend_for(demo_url)
    made = backend.get_disconnection_request(token, number).request
    assert (made.account_no, made.notes, made.created_by) == (
        "WU-10003",
        "Morning please",
        "Sarah Johnson",
    )


async def test_add_another_opens_a_fresh_form(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_landing(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewRequestScreen), "the form")
        first = await fill_form(pilot, "WU-10003")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen), "the receipt")
        await pilot.press("n")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, NewRequestScreen) and app.screen is not first,
            "a new form",
        )
        fresh = app.screen
        assert fresh.query_one("#customer-search", Input).value == ""
        assert fresh.customer is None


async def test_errors_land_on_their_fields_and_keep_what_was_typed(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_landing(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewRequestScreen), "the form")
        form = app.screen
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "-shown" in form.query_one("#customer-error").classes)
        assert "Find and pick the customer first." in text_of(form, "#customer-error")
        await fill_form(pilot, "WU-10003")
        date_box = form.query_one("#preferred_date", Input)
        date_box.value = "01/14/2026"  # yesterday in the office
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is form, "back on the form")
        await wait_until(pilot, lambda: "-shown" in form.query_one("#preferred_date-error").classes)
        assert text_of(form, "#preferred_date-error") == "Cannot select past date"
        assert app.focused is date_box
        assert form.query_one("#notes", Input).value == "Morning please"


async def test_a_profile_held_by_someone_else_is_refused(demo_url: str) -> None:
    other, token = backend_for(demo_url, "callcenter")
    holder = other.lock_consumer(token, "WU-10003", "disconnection request").holder
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_landing(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewRequestScreen), "the form")
        form = app.screen
        await pilot.press(*keys("WU-10003"))
        await wait_until(pilot, lambda: form.hits != [], "matches")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: "-shown" in form.query_one("#customer-error").classes)
        assert f"held by {holder}" in text_of(form, "#customer-error")
        assert form.customer is None
        assert form.query_one("#customer-results", OptionList).display


async def test_cancel_lets_the_profile_go(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        landing = await open_landing(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewRequestScreen), "the form")
        await fill_form(pilot, "WU-10003")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is landing, "back")
        await app.workers.wait_for_complete()
    other, token = backend_for(demo_url, "callcenter")
    caller = other.lock_consumer(token, "WU-10003", "check")
    assert caller.holder_username == "callcenter"  # the form's hold was let go


# ---------------------------------------------------------------- final bill and disconnect


async def test_final_bill_generate_then_approve(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CSO_TUI_EXPORT_DIR", str(tmp_path / "out"))
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        await pilot.press("3")
        pane = detail.query_one("#bill-scroll")
        await wait_until(pilot, lambda: bool(pane.query("#bill-water-meter")), "the meter boxes")
        # electricity first, then water; the date defaults to the office's today
        assert pane.query_one("#bill-water-date", Input).value == "01/15/2026"
        await pilot.press("tab", *keys("M-7802"), "tab", *keys("9500"), "tab", "tab")
        await pilot.press(*keys("M-9999"), "tab")
        await wait_until(
            pilot, lambda: "-shown" in pane.query_one("#bill-water-meter-error").classes
        )
        assert text_of(pane, "#bill-water-meter-error") == "Meter not linked to this account"
        await pilot.press("shift+tab", *["backspace"] * 6, *keys("M-7801"), "tab", *keys("38000"))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: pane.view is not None and pane.view.bill is not None)
        summary = text_of(pane, "#bill-summary")
        assert "FINAL BILL INV-414001" in summary and "DRAFT" in summary
        assert "Final amount due" in summary and "$362.75" in summary
        assert "Device D-3301" in text_of(pane, "#bill-water-meter-info")
        pane.query_one("#bill-print", Button).press()
        await wait_until(pilot, lambda: "Saved" in text_of(pane, ".pane-status"), "the PDF")
        assert (tmp_path / "out" / "bill-INV-414001.pdf").read_bytes().startswith(b"%PDF")
        pane.query_one("#bill-approve", Button).press()
        await wait_until(pilot, lambda: app.screen is not detail, "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: pane.view.bill is not None and pane.view.bill.locked)
        assert "APPROVED" in text_of(pane, "#bill-summary")
        assert "Email queued to john.smith@email.com." in text_of(pane, ".pane-status")
        assert not pane.query_one("#bill-approve", Button).display


async def test_disconnect_tab_executes_once_valid(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        await pilot.press("4")
        pane = detail.query_one("#disconnect-scroll")
        await wait_until(pilot, lambda: len(pane.query("TickBox")) == 6, "the checklist")
        await wait_until(pilot, lambda: bool(pane.query("#device-water")), "the device boxes")
        await pilot.press("tab", "down", "enter")  # Remove meter completely
        await pilot.press("tab", *keys("D-3302"), "tab", *keys("D-3301"), "tab")
        await pilot.press(*keys("SO-2024-999999"), "tab")
        await wait_until(pilot, lambda: "-shown" in pane.query_one("#so-no-error").classes)
        assert text_of(pane, "#so-no-error") == "Service order not found or not applicable"
        await pilot.press("shift+tab", *["backspace"] * 14, *keys("SO-2024-005678"), "tab")
        await wait_until(pilot, lambda: pane.order is not None, "the order")
        assert "assigned to Mike Thompson" in text_of(pane, "#so-no-info")
        assert "Meter M-7801" in text_of(pane, "#device-water-info")
        await pilot.press("space", "tab", "space", "tab")
        assert text_of(pane, "#checklist-count") == "Completion: 2/6 items (6 needed)"
        pane.query_one("#execute", Button).press()
        await pilot.pause()
        assert "2/6 ticked, 6 needed" in text_of(pane, ".pane-status")
        for _ in range(4):
            await pilot.press("space", "tab")
        await pilot.pause()
        assert text_of(pane, "#checklist-count") == "Completion: 6/6 items (6 needed)"
        assert app.focused is pane.query_one("#execute", Button)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is not detail, "the question")
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: detail.detail is not None and detail.detail.request.status == "completed",
            "executed",
        )
        assert "Executed: the account is Inactive" in text_of(pane, ".pane-status")
    backend, token = backend_for(demo_url)
    assert backend.get_consumer(token, "ACC-2024-001789").status == "inactive"


async def test_the_timeline_tab_lists_the_request_events_newest_first(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot)
        await pilot.press("u")
        await wait_until(
            pilot,
            lambda: detail.detail is not None and not detail.detail.settlement.use_deposit,
        )
        await pilot.press("a")
        await wait_until(pilot, lambda: detail.detail.request.status == "on_hold", "on hold")
        await pilot.press("5")
        await wait_until(pilot, lambda: "Put on hold" in text_of(detail, "#timeline-events"))
        lines = text_of(detail, "#timeline-events").splitlines()
        assert "Put on hold" in lines[0] and "Sarah Johnson" in lines[0]
        assert "Deposit kept out of the bill" in lines[1]


async def test_a_reconnection_request_says_the_work_tabs_do_not_apply(demo_url: str) -> None:
    import sqlite3
    from datetime import timedelta

    from cso_tui.services.schemas import NewDisconnectionRequest

    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE consumer SET status = 'inactive' WHERE account_no = 'WU-10003'")
    backend, token = backend_for(demo_url)
    made = backend.create_disconnection_request(
        token,
        NewDisconnectionRequest(
            account_no="WU-10003", reason_code="RC-001", time_slot="10:00 AM - 12:00 PM",
            preferred_date=NOW.date() + timedelta(days=5), notify_customer=False,
        ),
        "reconnect",
    )  # fmt: skip
    assert made.request_type == "reconnection"
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        detail = await open_request(pilot, made.request_no)
        await pilot.press("3")
        pane = detail.query_one("#bill-scroll")
        await wait_until(pilot, lambda: "no final bill" in text_of(pane, ".pane-status"))
        assert not pane.query_one(".work-buttons").display  # nothing to press
        await pilot.press("4")
        pane = detail.query_one("#disconnect-scroll")
        await wait_until(pilot, lambda: "no disconnection" in text_of(pane, ".pane-status"))
