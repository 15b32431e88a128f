"""The consumer profile (seed 004) on the demo database at the seed's "now" (May 12, 2025):
John Doe's header, tabs and figures, keyboard navigation, quick actions (errors under the
field, text kept, one idempotency key per form), activity filter, attachments, tracking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual import events
from textual.widgets import Input, Label, Select, Static, TabbedContent, TabPane

from cso_tui.screens.edit_consumer import EditConsumerScreen
from cso_tui.screens.help import HelpScreen
from cso_tui.screens.profile import TAB_IDS, ProfileScreen
from cso_tui.screens.profile_actions import ActionForm, QuickActionsMenu
from cso_tui.screens.profile_activity import ActivityPane
from cso_tui.screens.profile_lists import DocumentsPane, NotesPane, ServicePane
from cso_tui.screens.profile_summary import OverviewPane
from cso_tui.screens.search import SearchScreen
from cso_tui.services.backend import Backend
from cso_tui.services.errors import UnavailableError
from cso_tui.services.local import LocalBackend
from cso_tui.widgets.charts import ColumnChart
from cso_tui.widgets.field_grid import FieldGrid
from cso_tui.widgets.fit_table import FitTable

from .helpers import PAGE_SIZE, keys, login, make_app, search, wait_for_relogin, wait_until
from .profile_helpers import (
    SEED_NOW,
    Recorder,
    header_text,
    new_number,
    open_profile,
    profile_app,
    show_tab,
    text_of,
    wait_for_pane,
)

Clock = Callable[[], datetime]
LATER = datetime(2025, 5, 21, 14, 30, tzinfo=SEED_NOW.tzinfo)


@pytest.fixture
def seed_clock(clock_type: Any) -> Any:
    return clock_type(SEED_NOW)


@pytest.fixture
def later_clock(clock_type: Any) -> Any:
    """After the demo's last records of John (May 20, 2025): what is made now comes first."""
    return clock_type(LATER)


def grid_text(screen: ProfileScreen, selector: str) -> str:
    return "\n".join(w.text for w in screen.query(selector).results(FieldGrid))


def table_keys(screen: ProfileScreen, selector: str) -> list[str]:
    return [key for key, _cells in screen.query_one(selector, FitTable).rows_data]


def column(screen: ProfileScreen, selector: str, key: str) -> list[str]:
    """One column's cells as plain text, top row first."""
    out: list[str] = []
    for _key, cells in screen.query_one(selector, FitTable).rows_data:
        cell = cells[key]
        out.append(cell if isinstance(cell, str) else cell.plain)
    return out


def form_error(form: ActionForm, name: str) -> str:
    label = form.query_one(f"#qa-{name}-error", Label)
    return text_of(label) if label.display else ""


def form_status(form: ActionForm) -> str:
    return text_of(form.query_one("#action-status", Static))


async def open_form(pilot: Any, screen: ProfileScreen, *menu_keys: str) -> ActionForm:
    app = pilot.app
    await pilot.press(*menu_keys)
    await wait_until(pilot, lambda: isinstance(app.screen, ActionForm), "the action form")
    form = app.screen
    assert isinstance(form, ActionForm)
    await pilot.pause()
    return form


# ---------------------------------------------------------------- header and summary tabs


async def test_header_shows_john_does_figures(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        text = header_text(screen)
        for expected in (
            "John Doe",
            "WU-10001",
            "● Active",
            "$75.30",
            "Last billed Apr 15, 2025",
            "◷ Payment due in 3 days",
            "⚒ Scheduled maintenance on May 24",
        ):
            assert expected in text, expected
        assert not screen.query_one("#ph-vip").display  # John is not a VIP
        assert screen.sub_title == "Consumer profile · John Doe (WU-10001)"


async def test_overview_shows_health_and_six_months(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        score = text_of(screen.query_one("#health-score"))
        assert "85/100" in score and "Good" in score
        parts = text_of(screen.query_one("#health-parts"))
        for factor in ("Payment compliance", "Service quality", "Account longevity"):
            assert factor in parts
        assert "-4 pts" in parts  # two late payments
        assert "27 months" in text_of(screen.query_one("#account-age"))
        chart = screen.query_one("#usage-chart", ColumnChart)
        assert [c.label for c in chart.columns] == ["Nov", "Dec", "Jan 25", "Feb", "Mar", "Apr"]
        assert [c.caption for c in chart.columns] == [
            "0", "1,180", "1,070", "1,050", "1,250", "1,230"
        ]  # fmt: skip
        assert "Water" in text_of(screen.query_one("#usage-title"))
        contact = grid_text(screen, "#contact-grid")
        assert "john.doe@example.com" in contact and "456 Finance Ave, Billtown" in contact
        account = grid_text(screen, "#account-grid")
        for expected in ("WU-10001", "Residential", "Single Family", "Jan 15, 2023"):
            assert expected in account
        assert "Standard Residential" in account


async def test_t_switches_the_service_type(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot, "WU-10008")
        pane = screen.pane("overview")
        assert isinstance(pane, OverviewPane) and pane.consumption is not None
        utilities = pane.consumption.utilities
        assert len(utilities) == 2
        first = pane.consumption.utility
        assert "t to switch" in text_of(pane.query_one("#usage-note"))
        await pilot.press("t")
        await wait_until(
            pilot,
            lambda: pane.consumption is not None and pane.consumption.utility != first,
            "the other service",
        )
        other = pane.consumption.utility
        assert other in utilities
        assert other.title() in text_of(pane.query_one("#usage-title"))
        assert len(pane.query_one("#usage-chart", ColumnChart).columns) == 6


async def test_financial_tab(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        assert screen.pane("financial").state == "idle"  # loaded when first shown
        await show_tab(pilot, screen, "2", "financial")
        balance = grid_text(screen, "#balance-grid")
        assert "92%" in balance
        assert "$110.00 to $130.00" in balance
        assert "$120.45 on Apr 15, 2025 (PAY-10045, Credit Card)" in balance
        assert "May 15, 2025 · in 3 days" in balance
        assert "Auto-pay (Credit Card)" in balance
        assert "+15% vs last year" in balance  # billed usage: Feb-Apr 2025 vs 2024
        billing = grid_text(screen, "#billing-grid")
        assert "Standard Residential" in billing and "Monthly" in billing
        assert table_keys(screen, "#payments-table")[:3] == ["PAY-10045", "PAY-9923", "PAY-9632"]
        assert column(screen, "#payments-table", "amount")[:3] == [
            "$120.45", "$135.80", "$105.25"
        ]  # fmt: skip
        assert column(screen, "#payments-table", "method")[:2] == ["Credit Card", "Bank Transfer"]
        assert column(screen, "#payments-table", "status")[0] == "✓ Processed"
        assert table_keys(screen, "#bills-table")[0] == "BL-90027"


async def test_connections_tab(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, "3", "connections")
        meter = grid_text(screen, ".meter-grid")
        for expected in (
            "M-5678",
            "D-9012",
            "Smart Water Meter",
            "Aquaflow X200",
            "Jan 10, 2023",
            "Jan 15, 2023",
            "12,580 gallons (Apr 15, 2025)",
        ):
            assert expected in meter, expected
        assert column(screen, "#readings-table", "value") == [
            "12,580", "11,350", "10,100", "9,050", "7,980", "6,800"
        ]  # fmt: skip
        assert set(column(screen, "#readings-table", "status")) == {"✓ Verified"}
        assert "Consumption" in text_of(screen.query_one("#readings-trend"))


async def test_every_tab_is_reachable_with_the_keyboard(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        # nothing but the Overview loads until its tab is shown
        assert [p.state for p in screen.panes][1:] == ["idle"] * 9
        for key, tab in zip("1234567890", TAB_IDS, strict=True):
            pane = await show_tab(pilot, screen, key, tab)
            assert screen.tabs.active == f"tab-{tab}"
            assert pane.state == "loaded"
            target = pane.focus_target()
            await wait_until(pilot, lambda: app.focused is target, f"focus in {tab}")  # noqa: B023
        # right wraps round to the first tab, left and [ ] step
        await pilot.press("right")
        assert screen.current_tab == "overview"
        await pilot.press("left", "left")
        assert screen.current_tab == "notes"
        await pilot.press("right_square_bracket")
        assert screen.current_tab == "activity"
        await pilot.press("left_square_bracket")
        assert screen.current_tab == "notes"
        # digits typed into a search box stay there
        await show_tab(pilot, screen, "0", "activity")
        await pilot.press("s", *keys("PAY-1"))
        box = screen.query_one("#activity-search", Input)
        assert box.value == "PAY-1"
        assert screen.current_tab == "activity"
        await pilot.press("escape")  # leaves the box first
        assert app.focused is screen.pane("activity").focus_target()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "back to search")


async def test_keys_typed_ahead_land_on_the_tab_they_reach(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        # a burst (a fast typist over SSH): every key queued before any is handled, so no
        # tab's late message may pull the screen back to a tab the keys have left
        for key in ("3", *["right"] * 6, "left", "right"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_until(pilot, lambda: screen.current_tab == "notes", "the notes tab")
        await wait_for_pane(pilot, screen, "notes")
        await pilot.pause()
        assert screen.current_tab == "notes" and screen.tabs.active == "tab-notes"
        assert app.focused is screen.pane("notes").focus_target()
        # the message of a tab the keys already left arrives late: it changes nothing
        tabs = screen.tabs
        late = TabbedContent.TabActivated(tabs, tabs.get_tab("tab-service"))  # type: ignore[arg-type]
        tabs.post_message(late)
        await pilot.pause()
        assert screen.current_tab == "notes"
        # nor does a focus given to a tab's content after the keys left it (its data came late)
        left = screen.query_one("#tab-documents", TabPane)
        left.post_message(TabPane.Focused(left))
        await pilot.pause()
        assert screen.current_tab == "notes" and screen.tabs.active == "tab-notes"
        form = await open_form(pilot, screen, "n")
        assert form.spec.key == "add_note"


async def test_a_tabs_key_typed_with_its_number_reaches_that_tab(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        # on the Overview, "n" belongs to no tab: nothing opens, and the footer does not offer it
        assert "n" not in screen.active_bindings
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        # "9n" in one burst: "n" is read before the Notes tab has its data or the focus
        for key in ("9", "n"):
            app.post_message(events.Key(key, key))
        await wait_until(pilot, lambda: isinstance(app.screen, ActionForm), "the note form")
        form = app.screen
        assert isinstance(form, ActionForm) and form.spec.key == "add_note"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back to the profile")
        # each tab offers its own key, under its own name
        await wait_for_pane(pilot, screen, "notes")
        assert screen.active_bindings["n"].binding.description == "Add note"
        await show_tab(pilot, screen, "4", "service")
        assert screen.active_bindings["n"].binding.description == "New order"


async def test_activity_search_key_and_its_text_in_one_burst(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        for key in ("0", "s", "P", "A", "Y"):
            app.post_message(events.Key(key, key))
        box = screen.query_one("#activity-search", Input)
        await wait_until(pilot, lambda: box.value == "PAY", "the text in the search box")
        assert app.focused is box and screen.current_tab == "activity"


async def test_help_lists_the_shown_tabs_own_keys(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, "0", "activity")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        local = {row.description: row.keys for row in help_screen.local}
        assert local["Category"] == "c" and local["Search"] == "s"
        assert local["Update profile"] == "u" and local["Notes tab"] == "9"
        assert "Add note" not in local and "New order" not in local  # other tabs' keys


async def test_tab_titles_show_counts_when_wide(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await open_profile(pilot)
        labels = [screen.tabs.get_tab(f"tab-{t}").label.plain for t in TAB_IDS]
        counts = screen.profile.counts if screen.profile else None
        assert counts is not None and counts.complaints == 2 and counts.notes == 2
        assert labels == [
            "Overview", "Financial", "Connections", f"Service {counts.service_orders}",
            "Complaints 2", f"Requests {counts.requests}",
            f"Communication {counts.communications}", f"Documents {counts.documents}",
            "Notes 2", "Activity",
        ]  # fmt: skip
        narrow = [screen.tabs.get_tab(f"tab-{t}").label.plain for t in TAB_IDS]
        assert len(narrow) == 10


# ---------------------------------------------------------------- opening it


async def test_p_opens_the_profile_but_is_typed_in_the_search_box(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        search_screen = await login(pilot)
        await search(pilot, "john doe")
        await pilot.press("p")
        assert search_screen.query_one("#search", Input).value == "john doep"
        assert app.screen is search_screen
        await search(pilot, "M-5678")
        await pilot.press("down", "enter")  # the details panel, focused at 80x24
        await wait_until(pilot, lambda: search_screen.details.summary is not None, "details")
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileScreen), "the profile")
        assert isinstance(app.screen, ProfileScreen)
        assert app.screen.account_no == "WU-10001"


async def test_an_unknown_account_says_so(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        app.open_profile("WU-99999")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileScreen), "the profile")
        screen = app.screen
        assert isinstance(screen, ProfileScreen)
        await wait_until(pilot, lambda: screen.missing, "not found")
        assert "Press esc to go back" in header_text(screen)
        assert not screen.tabs.display
        await pilot.press("a", "u", "3")  # nothing to act on
        assert app.screen is screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "back to search")


# ---------------------------------------------------------------- notes and quick actions


async def test_a_note_added_from_the_notes_tab_comes_first(
    demo_url: str, later_clock: Clock
) -> None:
    app = profile_app(demo_url, later_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        recorder = Recorder(app)
        screen = await open_profile(pilot)
        pane = await show_tab(pilot, screen, "9", "notes")
        assert isinstance(pane, NotesPane)
        assert [n.author_name for n in pane.notes] == ["Jane Smith", "Robert Johnson"]
        form = await open_form(pilot, screen, "n")
        await pilot.press(*keys("Called about the leak; all fine"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        await wait_until(pilot, lambda: len(pane.notes) == 3 and pane.state == "loaded", "note")
        assert pane.notes[0].body == "Called about the leak; all fine"
        assert pane.notes[0].author_name != "Jane Smith"
        listing = text_of(pane.query_one("#notes-list"))
        assert listing.index("Called about the leak") < listing.index("next bill estimate")
        assert "May 21, 2025 at 9:30 AM" in listing  # office time (Chicago)
        assert any("Note added to WU-10001" in n for n in recorder.notices)
        usage = recorder.named("Quick_Action_Usage")
        assert usage[-1]["action_type"] == "add_note" and usage[-1]["success"] is True
        assert form.spec.key == "add_note"


async def test_an_empty_description_is_refused_under_its_field(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickActionsMenu), "the menu")
        form = await open_form(pilot, screen, "1")  # Create service order
        assert form.spec.key == "create_service_order"
        order_type = form.query_one("#qa-order_type", Select)
        assert form.focused is order_type
        await pilot.press("enter", "down", "down", "enter")  # the second type in its list
        await wait_until(pilot, lambda: order_type.value == "Maintenance", "the order type")
        await pilot.press("tab", "tab", "tab")  # past the description and priority
        assert form.focused is form.query_one("#qa-scheduled_date")
        await pilot.press(*keys("05/24/2025"), "ctrl+s")
        await wait_until(pilot, lambda: form_error(form, "description") != "", "the error")
        assert "Description" in form_error(form, "description")
        assert form_error(form, "order_type") == ""
        assert form.focused is form.query_one("#qa-description")
        assert "Fix the field marked above" in form_status(form)
        # what was typed is kept
        assert order_type.value == "Maintenance"
        assert form.query_one("#qa-scheduled_date", Input).value == "05/24/2025"
        assert app.screen is form
        # a bad date is refused under its own field, the rest kept
        await pilot.press(*keys("Check the valve"))
        date_box = form.query_one("#qa-scheduled_date", Input)
        date_box.value = "24/05/2025"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form_error(form, "scheduled_date") != "", "date error")
        assert "MM/DD/YYYY" in form_error(form, "scheduled_date")
        assert form_error(form, "description") == ""
        # esc asks before throwing the typing away
        await pilot.press("escape")
        assert app.screen is form
        assert "press esc again" in form_status(form)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the form closed")


async def test_create_service_order_shows_its_new_number(demo_url: str, later_clock: Clock) -> None:
    app = profile_app(demo_url, later_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        recorder = Recorder(app)
        screen = await open_profile(pilot)
        pane = await show_tab(pilot, screen, "4", "service")
        assert isinstance(pane, ServicePane)
        before = table_keys(screen, "#pane-service .record-table")
        assert {"SO-4523", "SO-4487"} <= set(before)
        count = screen.profile.counts.service_orders if screen.profile else 0
        form = await open_form(pilot, screen, "n")
        form.query_one("#qa-order_type", Select).value = "Maintenance"
        form.query_one("#qa-description", Input).focus()
        await pilot.press(*keys("Check for leak again"), "tab", "tab")
        await pilot.press(*keys("05/26/2025"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "saved")
        number = new_number(recorder.notices, "SO")
        assert number not in before
        assert any(n.startswith(f"{number} created") for n in recorder.notices)
        await wait_until(
            pilot, lambda: table_keys(screen, "#pane-service .record-table")[:1] == [number],
            "the new order listed first",
        )  # fmt: skip
        assert column(screen, "#pane-service .record-table", "status")[0] == "◷ Scheduled"
        await wait_until(
            pilot,
            lambda: (
                screen.profile is not None and screen.profile.counts.service_orders == count + 1
            ),
            "the counts reloaded",
        )
        assert screen.actions_taken == 1
        assert pane.state == "loaded"


async def test_the_forms_offer_the_offices_own_lists(demo_url: str, later_clock: Clock) -> None:
    """A utility's ``catalog`` setting replaces a pick list: the form offers that list, and
    what it offers the service takes."""
    import json
    import sqlite3

    lists = {"service_order_types": ["Meter Reading", "Valve Exercise"]}
    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as conn:
        conn.execute(
            "INSERT INTO app_setting (key, value, updated_at, version) "
            "VALUES ('catalog', ?, CURRENT_TIMESTAMP, 1)",
            (json.dumps(lists),),
        )
    app = profile_app(demo_url, later_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        recorder = Recorder(app)
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, "4", "service")
        form = await open_form(pilot, screen, "n")
        offered = next(f.choices for f in form.spec.fields if f.name == "order_type")
        assert [value for _label, value in offered] == ["Meter Reading", "Valve Exercise"]
        form.query_one("#qa-order_type", Select).value = "Valve Exercise"  # (refuses others)
        form.query_one("#qa-description", Input).focus()
        await pilot.press(*keys("Exercise the curb valve"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "saved")
        assert any("(Valve Exercise)" in notice for notice in recorder.notices)


class FlakyBackend:
    """A LocalBackend whose first service order times out after it was made (as a lost
    answer does); records the idempotency keys it was sent."""

    def __init__(self, inner: LocalBackend) -> None:
        self.inner = inner
        self.keys: list[str] = []

    def create_service_order(self, token: str, account_no: str, order: Any, key: str) -> Any:
        self.keys.append(key)
        made = self.inner.create_service_order(token, account_no, order, key)
        if len(self.keys) == 1:
            raise UnavailableError("The server did not answer in time.")
        return made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_save_that_times_out_keeps_the_text_and_the_key(
    demo_url: str, seed_clock: Clock
) -> None:
    flaky: list[FlakyBackend] = []

    def factory() -> Backend:
        backend = FlakyBackend(LocalBackend(demo_url, clock=seed_clock, page_size=PAGE_SIZE))
        flaky.append(backend)
        return backend

    app = make_app(demo_url, factory)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, "4", "service")
        form = await open_form(pilot, screen, "n")
        form.query_one("#qa-order_type", Select).value = "Inspection"
        form.query_one("#qa-description", Input).focus()
        await pilot.press(*keys("Annual inspection"), "ctrl+s")
        await wait_until(pilot, lambda: "did not answer" in form_status(form), "the failure")
        assert "What you typed is kept" in form_status(form)
        assert form.query_one("#qa-description", Input).value == "Annual inspection"
        app.offline = False  # the probe would find it back; retry now
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "saved")
        backend = flaky[0]
        assert len(backend.keys) == 2 and backend.keys[0] == backend.keys[1]
        orders = backend.list_service_orders(app.session.token, "WU-10001")  # type: ignore[union-attr]
        assert [o.description for o in orders].count("Annual inspection") == 1


async def test_request_and_complaint_from_the_menu(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        recorder = Recorder(app)
        screen = await open_profile(pilot)
        form = await open_form(pilot, screen, "a", "4")  # Disconnection request
        assert form.query_one("#qa-request_type", Select).value == "Disconnection"
        assert app.focused is form.query_one("#qa-description", Input)
        await pilot.press(*keys("Owner moving out"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "saved")
        request_no = new_number(recorder.notices, "REQ")
        assert any(f"Disconnection request {request_no} created" in n for n in recorder.notices)
        pane = await show_tab(pilot, screen, "6", "requests")
        assert table_keys(screen, "#pane-requests .record-table")[0] == request_no
        assert pane.state == "loaded"
        form = await open_form(pilot, screen, "a", "2")  # Register complaint
        form.query_one("#qa-category", Select).value = "Water Quality"
        form.query_one("#qa-description", Input).focus()
        await pilot.press(*keys("Brown water this morning"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "saved")
        complaint_no = new_number(recorder.notices, "C")
        assert complaint_no not in ("C-3245", "C-2987")
        kinds = [e["action_type"] for e in recorder.named("Quick_Action_Usage")]
        assert kinds == ["disconnection_request", "register_complaint"]


async def test_send_message_from_the_communication_tab(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, "7", "communication")
        assert column(screen, "#pane-communication .record-table", "time")[0] == (
            "May 10, 2025 10:23 AM"
        )
        assert column(screen, "#pane-communication .record-table", "channel")[:3] == [
            "✉ Email", "☎ Phone", "✆ SMS"
        ]  # fmt: skip
        assert column(screen, "#pane-communication .record-table", "direction")[:2] == [
            "→ To Customer", "← From Customer"
        ]  # fmt: skip
        await pilot.press("f", "f")  # Email, then Phone
        pane = screen.pane("communication")
        await wait_until(pilot, lambda: pane.state == "loaded", "filtered")
        await wait_until(
            pilot,
            lambda: (
                set(column(screen, "#pane-communication .record-table", "channel")) == {"☎ Phone"}
            ),
            "only phone calls",
        )
        form = await open_form(pilot, screen, "m")
        assert form.query_one("#qa-channel", Select).value == "email"
        form.query_one("#qa-subject", Input).focus()
        await pilot.press(*keys("Leak check"), "enter", *keys("All clear, thank you"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "sent")


# ---------------------------------------------------------------- activity and documents


async def test_activity_payments_filter_shows_only_payments(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        pane = await show_tab(pilot, screen, "0", "activity")
        assert isinstance(pane, ActivityPane)
        assert {i.category for i in pane.items} > {"payments", "service"}
        seq = pane.seq
        await pilot.press("c")  # All -> Payments
        await wait_until(pilot, lambda: pane.seq > seq and pane.state == "loaded", "filtered")
        assert pane.query_now.category == "payments"
        assert pane.items and {i.category for i in pane.items} == {"payments"}
        first = pane.items[0]
        assert first.title == "Payment PAY-10045 received"
        assert pane.description(first) == "Payment of $120.45 processed via Credit Card"
        listing = text_of(pane.query_one("#activity-list"))
        assert "Apr 15, 2025 at 8:05 AM · By: System" in listing
        assert "{amount}" not in listing
        assert "Payments" in text_of(pane.query_one("#activity-caption"))
        # the search box narrows it further
        await pilot.press("s", *keys("9923"), "enter")
        await wait_until(pilot, lambda: pane.query_now.text == "9923", "the search")
        await wait_until(pilot, lambda: pane.state == "loaded", "searched")
        assert [i.title for i in pane.items] == ["Payment PAY-9923 received"]


async def test_activity_pages_with_the_cursor(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        pane = await show_tab(pilot, screen, "0", "activity")
        assert isinstance(pane, ActivityPane)
        first = len(pane.items)
        assert pane.next_cursor is not None
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: len(pane.items) > first, "older activity")
        times = [i.at for i in pane.items]
        assert times == sorted(times, reverse=True)


async def test_attaching_a_missing_file_says_so(
    demo_url: str, seed_clock: Clock, tmp_path: Path
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        pane = await show_tab(pilot, screen, "8", "documents")
        form = await open_form(pilot, screen, "n")
        missing = tmp_path / "no-such-scan.pdf"
        await pilot.press(*keys(str(missing)))
        form.query_one("#qa-doc_type", Select).value = "ID Proof"
        form.query_one("#qa-title", Input).value = "Driving licence"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form_error(form, "path") != "", "the error")
        assert f"No file at {missing}" in form_error(form, "path")
        assert form.query_one("#qa-title", Input).value == "Driving licence"
        # a folder, then a real file
        form.query_one("#qa-path", Input).value = str(tmp_path)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "is a folder" in form_error(form, "path"), "folder")
        scan = tmp_path / "licence.pdf"
        scan.write_bytes(b"%PDF-1.4 licence")
        form.query_one("#qa-path", Input).value = str(scan)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "attached")
        assert isinstance(pane, DocumentsPane)
        await wait_until(pilot, lambda: pane.state == "loaded" and len(pane.items) == 4, "listed")
        assert column(screen, "#pane-documents .record-table", "title")[0] == "Driving licence"
        assert column(screen, "#pane-documents .record-table", "status")[0] == "… Processing"


# ---------------------------------------------------------------- recording a meter reading

SEED_DAY = "05/12/2025"  # the seed's today in the office format (MM/DD/YYYY)


async def open_reading_form(pilot: Any, screen: ProfileScreen) -> ActionForm:
    """The Connections tab's ``n``, dated the seed's today (the form starts at the real one)."""
    await show_tab(pilot, screen, "3", "connections")
    form = await open_form(pilot, screen, "n")
    assert form.query_one("#qa-meter_no", Select).value == "M-5678"
    display = pilot.app.settings.display
    today = datetime.now(ZoneInfo(display.timezone)).date()
    assert form.query_one("#qa-read_on", Input).value == today.strftime("%m/%d/%Y")
    assert pilot.app.focused is form.query_one("#qa-value", Input)
    form.query_one("#qa-read_on", Input).value = SEED_DAY
    return form


async def test_a_reading_recorded_on_the_connections_tab_comes_first(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        recorder = Recorder(app)
        screen = await open_profile(pilot)
        form = await open_reading_form(pilot, screen)
        assert "n records a reading" in text_of(screen.query_one("#readings-title"))
        await pilot.press(*keys("12600"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        assert not form.is_attached
        pane = screen.pane("connections")
        await wait_until(
            pilot,
            lambda: (
                pane.state == "loaded" and column(screen, "#readings-table", "value")[0] == "12,600"
            ),
            "the new reading",
        )
        assert column(screen, "#readings-table", "date")[0] == "May 12, 2025"
        assert column(screen, "#readings-table", "consumption")[0] == "20"
        assert column(screen, "#readings-table", "meter")[0] == "M-5678"
        assert any("Reading 12,600 gallons recorded for M-5678" in n for n in recorder.notices), (
            recorder.notices
        )
        await wait_until(
            pilot,
            lambda: "12,600 gallons (May 12, 2025)" in grid_text(screen, ".meter-grid"),
            "the meter's last reading",
        )
        usage = recorder.named("Quick_Action_Usage")
        assert usage[-1]["action_type"] == "record_reading"
        assert usage[-1]["success"] is True and usage[-1]["consumer_id"] == "WU-10001"


async def test_a_reading_below_the_last_is_refused_under_its_field(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        form = await open_reading_form(pilot, screen)
        await pilot.press(*keys("12000"), "ctrl+s")
        await wait_until(pilot, lambda: bool(form_error(form, "value")), "the refusal")
        assert app.screen is form
        assert "readings only go up" in form_error(form, "value")
        assert "12,580" in form_error(form, "value")
        assert form_error(form, "read_on") == ""
        assert form.query_one("#qa-value", Input).value == "12000"
        assert form.query_one("#qa-read_on", Input).value == SEED_DAY
        assert form.query_one("#qa-meter_no", Select).value == "M-5678"
        assert app.focused is form.query_one("#qa-value", Input)
        readings = column(screen, "#readings-table", "value")
        assert readings[0] == "12,580"


async def test_a_reading_that_is_not_a_number_is_refused_under_its_field(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        form = await open_reading_form(pilot, screen)
        await pilot.press(*keys("12,6OO"), "ctrl+s")
        await wait_until(pilot, lambda: bool(form_error(form, "value")), "the refusal")
        assert "is not a number" in form_error(form, "value")
        assert form.query_one("#qa-value", Input).value == "12,6OO"
        assert app.screen is form
        await pilot.press("escape")  # typed text: asks first
        assert app.screen is form
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "discarded")
        assert column(screen, "#readings-table", "value")[0] == "12,580"


# ---------------------------------------------------------------- update profile, tracking


async def test_update_profile_opens_the_edit_form(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        recorder = Recorder(app)
        screen = await open_profile(pilot)
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, EditConsumerScreen), "the form")
        form = app.screen
        assert isinstance(form, EditConsumerScreen)
        assert form.query_one("#edit-name", Input).value == "John Doe"
        await pilot.press("ctrl+u", *keys("John Q. Doe"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "saved")
        await wait_until(pilot, lambda: "John Q. Doe" in header_text(screen), "reloaded")
        usage = recorder.named("Quick_Action_Usage")
        assert usage[-1]["action_type"] == "update_profile" and usage[-1]["success"] is True


async def test_leaving_records_what_was_viewed(demo_url: str, seed_clock: Clock) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        recorder = Recorder(app)
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, "2", "financial")
        await show_tab(pilot, screen, "5", "complaints")
        analysis = recorder.named("Payment_History_Analysis")
        assert analysis and analysis[0]["consumer_id"] == "WU-10001"
        assert analysis[0]["analysis_duration"] >= 0
        review = recorder.named("Compliance_Metric_Review")
        assert review == [
            {"consumer_id": "WU-10001", "compliance_percentage": 92, "trend_analysis": 15}
        ]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "back")
        await wait_until(pilot, lambda: bool(recorder.named("Consumer_Profile_View")), "event")
        view = recorder.named("Consumer_Profile_View")[0]
        assert view["consumer_id"] == "WU-10001"
        assert view["tabs_accessed"] == ["overview", "financial", "complaints"]
        assert view["actions_taken"] == 0
        assert view["view_duration"] >= 0


async def test_a_pane_that_fails_loads_again_after_the_relogin(
    demo_url: str, seed_clock: Clock
) -> None:

    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        assert app.backend is not None and app.session is not None
        app.backend.logout(app.session.token)
        await pilot.press("4")
        await wait_for_relogin(pilot)
        assert screen.pane("service").state == "failed"
        await pilot.press(*keys("demo"), "enter")
        await wait_until(pilot, lambda: app.screen is screen, "back on the profile")
        await wait_for_pane(pilot, screen, "service")
        assert {"SO-4523", "SO-4487"} <= set(table_keys(screen, "#pane-service .record-table"))


# ---------------------------------------------------------------- remote backend


async def test_profile_over_the_remote_backend(demo_url: str, seed_clock: Clock) -> None:
    from loopback import ServedRemoteBackend

    def factory() -> Backend:
        return ServedRemoteBackend(demo_url, clock=seed_clock, page_size=PAGE_SIZE)  # type: ignore[return-value]

    app = make_app(demo_url, factory)
    async with app.run_test(size=(80, 24)) as pilot:
        recorder = Recorder(app)
        screen = await open_profile(pilot)
        assert "Payment due in 3 days" in header_text(screen)
        await show_tab(pilot, screen, "2", "financial")
        assert table_keys(screen, "#payments-table")[:3] == ["PAY-10045", "PAY-9923", "PAY-9632"]
        await show_tab(pilot, screen, "5", "complaints")
        form = await open_form(pilot, screen, "n")
        form.query_one("#qa-category", Select).value = "Meter Fault"
        form.query_one("#qa-description", Input).focus()
        await pilot.press(*keys("Display blank"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "saved")
        number = new_number(recorder.notices, "C")
        await wait_until(
            pilot,
            lambda: table_keys(screen, "#pane-complaints .record-table")[:1] == [number],
            "listed",
        )


# ---------------------------------------------------------------- recording a payment


async def test_a_payment_recorded_from_the_actions_menu_clears_the_balance(
    demo_url: str, seed_clock: Clock
) -> None:
    app = profile_app(demo_url, seed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        recorder = Recorder(app)
        screen = await open_profile(pilot)
        assert "$75.30" in header_text(screen)
        form = await open_form(pilot, screen, "a", "8")
        assert form.spec.key == "record_payment"
        # not a number: refused under its field, what was typed kept
        await pilot.press(*keys("75.3O"), "ctrl+s")
        await wait_until(pilot, lambda: bool(form_error(form, "amount")), "the refusal")
        assert "is not an amount" in form_error(form, "amount")
        assert form.query_one("#qa-amount", Input).value == "75.3O"
        # no method: the service names the field
        form.query_one("#qa-amount", Input).value = "$75.30"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(form_error(form, "method")), "the method refusal")
        form.query_one("#qa-method", Select).value = "Cash"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        assert any("balance now $0.00" in n for n in recorder.notices), recorder.notices
        await wait_until(pilot, lambda: "Balance $0.00" in header_text(screen), "the new balance")
