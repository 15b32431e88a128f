"""The consumer list (seed 004 dashboard) and the collections view: keys in, state out."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static
from textual.widgets.data_table import ColumnKey

from cso_tui.app import CsoApp
from cso_tui.commands import NavigationProvider
from cso_tui.screens.consumer_list import (
    COLUMNS_PREFERENCE,
    ColumnsScreen,
    ConsumerListScreen,
    FiltersScreen,
    MessageScreen,
    NoteScreen,
)
from cso_tui.screens.help import HelpScreen
from cso_tui.screens.login import LoginScreen
from cso_tui.screens.recovery import CollectionActivityScreen, RecoveryScreen
from cso_tui.screens.search import SearchScreen
from cso_tui.services.backend import Backend
from cso_tui.services.errors import UnavailableError
from cso_tui.services.local import LocalBackend
from cso_tui.services.schemas import BulkResult, ConsumerListPage, ConsumerQuery, ConsumerSort
from cso_tui.widgets.kpi import KpiCard

from .conftest import AS_OF
from .helpers import PAGE_SIZE, connected, keys, login, make_app, wait_until

#: A clock on the demo's as-of date, so days past due do not move with the calendar.
DEMO_NOW = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 15, tzinfo=UTC)


def fixed_factory(url: str) -> Callable[[], Backend]:
    def factory() -> Backend:
        return LocalBackend(url, page_size=PAGE_SIZE, clock=lambda: DEMO_NOW)

    return factory


def backend_for(url: str) -> tuple[LocalBackend, str]:
    """A second backend on the same database, to check what the app did."""
    backend = LocalBackend(url, clock=lambda: DEMO_NOW)
    return backend, backend.login("admin", "demo").token


# ---------------------------------------------------------------- helpers


def loaded(screen: ConsumerListScreen) -> bool:
    return (
        screen.shown_seq == screen.seq
        and not screen.fetching
        and screen.columns_loaded
        and screen.kpis is not None
    )


async def open_list(pilot: Pilot[None]) -> ConsumerListScreen:
    app = pilot.app
    await pilot.press("ctrl+l")
    await wait_until(pilot, lambda: isinstance(app.screen, ConsumerListScreen), "the list")
    screen = app.screen
    assert isinstance(screen, ConsumerListScreen)
    await wait_until(pilot, lambda: loaded(screen), "the first page")
    await wait_until(pilot, lambda: screen.table.row_count > 0, "rows")
    await pilot.pause()
    return screen


async def reloaded(pilot: Pilot[None], screen: ConsumerListScreen) -> None:
    await wait_until(pilot, lambda: loaded(screen), "the list to reload")
    await pilot.pause()


def accounts(screen: ConsumerListScreen) -> list[str]:
    return [row.account_no for row in screen.table.rows_shown]


def cell_texts(screen: ConsumerListScreen, column: str) -> list[str]:
    table = screen.table
    return [
        str(table.get_cell_at(Coordinate(i, table.get_column_index(column))))
        for i in range(table.row_count)
    ]


def status_of(screen: ConsumerListScreen) -> str:
    return str(screen.query_one("#consumer-status", Label).content)


def all_pages(backend: LocalBackend, token: str, query: ConsumerQuery) -> list[str]:
    out: list[str] = []
    cursor = None
    while True:
        page = backend.list_consumers(token, query, cursor, 200)
        out += [r.account_no for r in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return out


async def search_list(pilot: Pilot[None], screen: ConsumerListScreen, term: str) -> None:
    await pilot.press("s", *keys(term))
    await wait_until(
        pilot,
        lambda: screen.query_state.text == term and loaded(screen),
        f"rows for {term!r}",
    )
    await pilot.pause()


# ---------------------------------------------------------------- the list


async def test_kpi_cards_match_the_backend(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        backend, token = backend_for(demo_url)
        kpis = backend.consumer_kpis(token)

        def card(name: str) -> KpiCard:
            return screen.query_one(f"#kpi-{name}", KpiCard)

        assert card("total").value == f"{kpis.total:,}"
        assert card("active").value == f"{kpis.active:,}"
        assert card("active").sub == f"{kpis.percent(kpis.active)}% of total"
        assert card("inactive").value == f"{kpis.inactive:,}"
        assert card("inactive").sub == f"{kpis.percent(kpis.inactive)}% of total"
        assert card("temp").value == f"{kpis.temporarily_disconnected:,}"
        assert card("temp").sub == f"{kpis.percent(kpis.temporarily_disconnected)}% of total"
        assert card("balance").value == f"${kpis.total_balance:,.2f}"
        # whole percentages, as the seed's 4 of 7 -> 57%
        assert "." not in card("active").sub
        assert f"{kpis.total:,} consumers" in status_of(screen)
        # at 80x24 the cards take two lines, each label still readable
        assert all(c.compact and c.region.height == 2 for c in screen.query(KpiCard))
        assert card("temp").label == "Temp. disconn."


async def test_kpi_cards_are_boxed_on_a_tall_terminal(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        cards = list(screen.query(KpiCard))
        assert not any(c.compact for c in cards)
        assert screen.query_one("#kpi-temp", KpiCard).label == "Temp. Disconnected"


async def test_typing_a_search_narrows_the_rows(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        await search_list(pilot, screen, "Smith")
        backend, token = backend_for(demo_url)
        expected = all_pages(backend, token, ConsumerQuery(text="Smith"))
        assert 0 < len(expected) < PAGE_SIZE
        assert accounts(screen) == expected
        assert "WU-10002" in expected  # Jane Smith
        assert status_of(screen).startswith(f"{len(expected)} consumer")
        # enter in the box moves to the rows
        await pilot.press("enter")
        assert app.focused is screen.table


async def test_status_filter(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, FiltersScreen), "the filters")
        # the first box (Active) has the focus: space ticks it, tab to Inactive, tick it too
        await pilot.press("space", "tab", "space", "enter")
        await wait_until(pilot, lambda: app.screen is screen, "the filters to apply")
        await reloaded(pilot, screen)
        assert screen.query_state.statuses == ["active", "inactive"]
        assert {r.status for r in screen.table.rows_shown} <= {"active", "inactive"}
        filters = str(screen.query_one("#consumer-filters", Label).content)
        assert filters == "Filters: Active, Inactive"
        backend, token = backend_for(demo_url)
        kpis = backend.consumer_kpis(token)
        assert f"{kpis.active + kpis.inactive:,} consumers" in status_of(screen)


async def test_a_bad_balance_shows_the_backends_message_under_it(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        before = accounts(screen)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, FiltersScreen), "the filters")
        form = app.screen
        form.query_one("#filter-balance_min", Input).focus()
        await pilot.press(*keys("12.345"), "enter")
        error = form.query_one("#filter-balance_min-error", Label)
        await wait_until(pilot, lambda: bool(str(error.content)), "the error")
        assert str(error.content) == "Enter the amount with at most two decimals, e.g. 120.50."
        assert app.screen is form  # nothing applied, what was typed is kept
        assert form.query_one("#filter-balance_min", Input).value == "12.345"
        # the upper bound below the lower one: the backend names balance_max
        await pilot.press("ctrl+u", *keys("500"))
        form.query_one("#filter-balance_max", Input).focus()
        await pilot.press(*keys("100"), "enter")
        upper = form.query_one("#filter-balance_max-error", Label)
        await wait_until(pilot, lambda: bool(str(upper.content)), "the upper bound's error")
        assert "below the lower one" in str(upper.content)
        await pilot.press("ctrl+u", *keys("1,000"), "enter")
        await wait_until(pilot, lambda: app.screen is screen, "the filters to apply")
        await reloaded(pilot, screen)
        assert screen.query_state.balance_min == Decimal("500")
        assert screen.query_state.balance_max == Decimal("1000")
        assert all(Decimal(500) <= r.balance <= 1000 for r in screen.table.rows_shown)
        assert accounts(screen) != before
        filters = str(screen.query_one("#consumer-filters", Label).content)
        assert filters == "Filters: balance ≥ $500.00, balance ≤ $1,000.00"


async def test_sort_by_balance_descending(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        await pilot.press("o")  # account no
        await reloaded(pilot, screen)
        assert screen.query_state.sort.value == "account_no"
        await pilot.press("o")  # balance, largest first
        await reloaded(pilot, screen)
        assert screen.query_state.sort is ConsumerSort.BALANCE
        assert screen.query_state.descending
        balances = [r.balance for r in screen.table.rows_shown]
        assert balances == sorted(balances, reverse=True)
        assert "sort: Balance ↓" in status_of(screen)
        header = screen.table.columns[ColumnKey("balance")]
        assert str(header.label) == "Balance ↓"
        backend, token = backend_for(demo_url)
        page = backend.list_consumers(
            token, ConsumerQuery(sort=ConsumerSort.BALANCE, descending=True), None, PAGE_SIZE
        )
        assert accounts(screen) == [r.account_no for r in page.items]
        await pilot.press("O")  # flip: smallest first
        await reloaded(pilot, screen)
        balances = [r.balance for r in screen.table.rows_shown]
        assert balances == sorted(balances)
        assert "sort: Balance ↑" in status_of(screen)


async def test_paging_loads_more_rows(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        table = screen.table
        assert table.row_count == PAGE_SIZE
        assert "more below" in status_of(screen)
        first = accounts(screen)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: table.row_count == 2 * PAGE_SIZE, "page two")
        assert accounts(screen)[:PAGE_SIZE] == first
        # the cursor reaching the last row asks for the next page too
        table.move_cursor(row=table.row_count - 1)
        await wait_until(pilot, lambda: table.row_count > 2 * PAGE_SIZE, "page three")
        await wait_until(pilot, lambda: not screen.paging, "the page")
        backend, token = backend_for(demo_url)
        everyone = all_pages(backend, token, ConsumerQuery())
        assert accounts(screen) == everyone[: table.row_count]
        assert len(set(accounts(screen))) == table.row_count


async def test_column_choice_is_remembered(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        assert "status" in [str(k.value) for k in screen.table.columns]
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ColumnsScreen), "the chooser")
        # Status has the focus: untick it; tab to Email and tick it
        await pilot.press("space", "tab", "space", "enter")
        await wait_until(pilot, lambda: app.screen is screen, "the chooser to close")
        columns = [str(k.value) for k in screen.table.columns]
        assert "status" not in columns
        assert "email" in columns
        assert columns[:3] == ["select", "account", "name"]
        backend, token = backend_for(demo_url)
        await wait_until(
            pilot,
            lambda: backend.get_preference(token, COLUMNS_PREFERENCE) is not None,
            "the choice to be saved",
        )
        assert backend.get_preference(token, COLUMNS_PREFERENCE) == ["email", "balance", "payment"]

    again = make_app(demo_url)
    async with again.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        assert [str(k.value) for k in screen.table.columns] == [
            "select",
            "account",
            "name",
            "email",
            "balance",
            "payment",
        ]


async def select_two(pilot: Pilot[None], screen: ConsumerListScreen) -> list[str]:
    await pilot.press("space", "space")  # space ticks and moves down
    chosen = list(screen.table.selected)
    assert chosen == accounts(screen)[:2]
    assert "2 selected" in status_of(screen)
    assert [str(c) for c in cell_texts(screen, "select")[:3]] == ["☑", "☑", "☐"]
    return chosen


async def test_export_two_selected_consumers(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exports"
    monkeypatch.setenv("CSO_TUI_EXPORT_DIR", str(out))
    app = make_app(demo_url)
    notices: list[str] = []
    notify = app.notify

    def remember(message: str, **kw: Any) -> None:
        notices.append(message)
        notify(message, **kw)

    monkeypatch.setattr(app, "notify", remember)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        chosen = await select_two(pilot, screen)
        await pilot.press("b", "e")
        await wait_until(pilot, lambda: out.exists() and any(out.glob("*.csv")), "the file")
        (path,) = out.glob("*.csv")
        assert path.name.startswith("consumers-") and len(path.stem) == len(
            "consumers-20260115-150000"
        )
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert rows[0][:2] == ["account_no", "name"]
        assert [r[0] for r in rows[1:]] == chosen
        assert path.stat().st_mode & 0o077 == 0  # personal data: the owner's only
        await wait_until(pilot, lambda: any(str(path) in n for n in notices), "the notice")


async def test_bulk_note_on_two_consumers(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        chosen = await select_two(pilot, screen)
        await pilot.press("b", "n")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteScreen), "the note form")
        await pilot.press(*keys("Called about the arrears"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        backend, token = backend_for(demo_url)
        for account_no in chosen:
            notes = backend.list_notes(token, account_no)
            assert notes[0].body == "Called about the arrears"
            assert notes[0].author_name == "James Wilson"


async def test_bulk_message_without_subject_sends_nothing(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        chosen = await select_two(pilot, screen)
        backend, token = backend_for(demo_url)
        before = {a: len(backend.list_communications(token, a)) for a in chosen}
        await pilot.press("b", "m")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageScreen), "the message form")
        form = app.screen
        assert app.focused is form.query_one("#form-subject")
        await pilot.press("enter", *keys("Please call us"), "ctrl+s")
        error = form.query_one("#form-subject-error", Label)
        await wait_until(pilot, lambda: bool(str(error.content)), "the subject's error")
        assert str(error.content) == "Subject is required."
        assert error.display
        assert app.screen is form
        assert app.focused is form.query_one("#form-subject")
        assert {a: len(backend.list_communications(token, a)) for a in chosen} == before
        # fixed, it goes
        await pilot.press(*keys("Your account"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        for account_no in chosen:
            latest = backend.list_communications(token, account_no)[0]
            assert (latest.subject, latest.body) == ("Your account", "Please call us")


class LostAnswerBackend:
    """A LocalBackend whose first add_notes lands but whose answer is lost (a timeout)."""

    def __init__(self, inner: LocalBackend) -> None:
        self.inner = inner
        self.keys: list[str] = []

    def add_notes(self, token: str, account_nos: list[str], body: str, key: str) -> BulkResult:
        self.keys.append(key)
        result = self.inner.add_notes(token, account_nos, body, key)
        if len(self.keys) == 1:
            raise UnavailableError("The server did not answer in time.")
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_retried_note_is_added_once(demo_url: str) -> None:
    made: list[LostAnswerBackend] = []

    def factory() -> Any:
        made.append(LostAnswerBackend(LocalBackend(demo_url, page_size=PAGE_SIZE)))
        return made[0]

    app = make_app(demo_url, factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        first = accounts(screen)[0]
        await pilot.press("b", "n")  # nothing ticked: the highlighted consumer
        await wait_until(pilot, lambda: isinstance(app.screen, NoteScreen), "the note form")
        form = app.screen
        await pilot.press(*keys("Promised to pay Friday"), "ctrl+s")
        status = form.query_one("#form-status", Static)
        await wait_until(pilot, lambda: "Not saved" in str(status.content), "the lost answer")
        assert app.screen is form
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        backend = made[0]
        assert len(backend.keys) == 2 and backend.keys[0] == backend.keys[1]
        assert app.session is not None
        bodies = [n.body for n in backend.inner.list_notes(app.session.token, first)]
        assert bodies.count("Promised to pay Friday") == 1


async def test_enter_opens_the_profile(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(demo_url)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_profile", opened.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: bool(opened), "the profile")
        assert opened == [accounts(screen)[1]]


class FailingListBackend:
    """A LocalBackend whose list searches for one term fail as if the server were down."""

    def __init__(self, inner: LocalBackend, term: str) -> None:
        self.inner = inner
        self.term = term

    def list_consumers(
        self, token: str, query: ConsumerQuery, cursor: str | None = None, limit: int | None = None
    ) -> ConsumerListPage:
        if query.text == self.term:
            raise UnavailableError("The server is unreachable.")
        return self.inner.list_consumers(token, query, cursor, limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_failed_search_keeps_what_was_typed(demo_url: str) -> None:
    def factory() -> Any:
        return FailingListBackend(LocalBackend(demo_url, page_size=PAGE_SIZE), "Doe")

    app = make_app(demo_url, factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        await pilot.press("s", *keys("Doe"))
        await wait_until(pilot, lambda: "Cannot load" in status_of(screen), "the failure")
        assert screen.search_box.value == "Doe"
        assert "kept" in status_of(screen)
        assert screen.failed is not None
        assert app.offline  # the app probes and says when the server is back


async def test_ctrl_l_does_not_stack_a_second_list(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        await pilot.press("ctrl+g")  # collections, over the list
        await wait_until(pilot, lambda: isinstance(app.screen, RecoveryScreen), "collections")
        await pilot.press("ctrl+l")  # the list again: the same one, brought forward
        await wait_until(pilot, lambda: app.screen is screen, "the list")
        assert not any(isinstance(s, RecoveryScreen) for s in app.screen_stack)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.screen is screen
        assert sum(isinstance(s, ConsumerListScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")  # back to the search home
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")


async def test_help_lists_the_list_keys(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await open_list(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        local = {row.description: row.keys for row in help_screen.local}
        assert local["Filters"] == "f"
        assert local["Sort"] == "o"
        assert local["Reverse sort"] == "O"
        assert local["Columns"] == "c"
        assert local["Select"] == "space"
        assert local["Select all / none"] == "^a"
        assert local["Bulk"] == "b"
        assert "Open the profile" in local
        everywhere = {row.description: row.keys for row in help_screen.everywhere}
        assert everywhere["Consumer list"] == "^l"
        assert everywhere["Collections"] == "^g"


async def test_palette_offers_the_new_screens(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        provider = NavigationProvider(app.screen)
        names = [name for name, _help, _callback in provider._commands()]
        assert "Consumer list" in names
        assert "Collections (recovery)" in names


async def test_usage_event_for_the_list(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await open_list(pilot)
        await app.workers.wait_for_complete()
    assert "Viewed_Consumer_List" in usage_events(demo_url)


def usage_events(url: str) -> list[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return [row[0] for row in conn.execute("SELECT event FROM usage_event ORDER BY id")]


# ---------------------------------------------------------------- collections


async def open_collections(pilot: Pilot[None]) -> RecoveryScreen:
    app = pilot.app
    await pilot.press("ctrl+g")
    await wait_until(pilot, lambda: isinstance(app.screen, RecoveryScreen), "collections")
    screen = app.screen
    assert isinstance(screen, RecoveryScreen)
    await wait_until(pilot, lambda: not screen.fetching, "the accounts")
    await pilot.pause()
    return screen


async def test_collections_are_largest_balance_first_with_risk_labels(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot)
        screen = await open_collections(pilot)
        table = screen.table
        rows = table.rows_shown
        assert rows
        balances = [r.balance for r in rows]
        assert balances == sorted(balances, reverse=True)
        risk = [
            str(table.get_cell_at(Coordinate(i, table.get_column_index("risk"))))
            for i in range(len(rows))
        ]
        labels = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
        for row, text in zip(rows, risk, strict=True):
            assert labels[row.risk] in text  # words, not colour alone
        health = table.get_column_index("health")
        assert (
            str(table.get_cell_at(Coordinate(0, health)))
            == f"{rows[0].health} {rows[0].health_band}"
        )
        backend, token = backend_for(demo_url)
        page = backend.recovery_accounts(token, None, PAGE_SIZE)
        assert [r.account_no for r in rows[:PAGE_SIZE]] == [r.account_no for r in page.items]
        assert {r.payment_standing for r in rows} <= {"past_due", "collection"}


async def test_opening_a_collection_account_is_tracked(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    opened: list[str] = []
    monkeypatch.setattr(app, "open_profile", opened.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_collections(pilot)
        first = screen.table.rows_shown[0]
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(opened), "the profile")
        assert opened == [first.account_no]
        await app.workers.wait_for_complete()
    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as conn:
        (properties,) = conn.execute(
            "SELECT properties FROM usage_event WHERE event = 'Collection_Account_Review'"
        ).fetchone()
    data = json.loads(properties) if isinstance(properties, str) else properties
    assert data["consumer_id"] == first.account_no
    assert Decimal(data["balance_amount"]) == first.balance
    assert data["compliance_score"] == first.compliance


async def test_a_recovery_executive_lands_on_collections(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        login_screen = await connected(pilot)
        login_screen.query_one("#username", Input).value = "recovery"
        login_screen.query_one("#password", Input).focus()
        await pilot.press(*keys("demo"), "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RecoveryScreen), "collections")
        assert isinstance(app, CsoApp)
        assert isinstance(app.screen_stack[-2], SearchScreen)  # the home stays underneath
        screen = app.screen
        assert isinstance(screen, RecoveryScreen)
        await wait_until(pilot, lambda: screen.table.row_count > 0, "the accounts")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, RecoveryScreen), "back again")


async def test_a_collection_activity_is_logged_as_a_note(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    follow_up = date.today() + timedelta(days=30)  # the form refuses a past date
    shown = follow_up.strftime("%m/%d/%Y")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_collections(pilot)
        first = screen.table.rows_shown[0]
        await pilot.press("n")
        await wait_until(
            pilot, lambda: isinstance(app.screen, CollectionActivityScreen), "the activity form"
        )
        form = app.screen
        assert app.focused is form.query_one("#form-activity_type")  # Call is ticked already
        # no outcome yet: said under it, nothing saved
        await pilot.press("tab", "tab", "tab", *keys("Will pay Friday"), "ctrl+s")
        error = form.query_one("#form-outcome-error", Label)
        await wait_until(pilot, lambda: bool(str(error.content)), "the outcome's error")
        assert "Pick the outcome" in str(error.content)
        assert app.focused is form.query_one("#form-outcome")
        await pilot.press("enter")  # the first outcome: Promise to pay
        form.query_one("#form-follow_up", Input).focus()
        await pilot.press(*keys(shown), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        await app.workers.wait_for_complete()
        backend, token = backend_for(demo_url)
        body = backend.list_notes(token, first.account_no)[0].body
        assert body == f"[Call · Promise to pay · follow up {shown}] Will pay Friday"
    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute(
            "SELECT properties FROM usage_event WHERE event = 'Collection_Activity_Log'"
        ).fetchall()
    [data] = [json.loads(p) if isinstance(p, str) else p for (p,) in rows]
    assert data == {
        "consumer_id": first.account_no,
        "activity_type": "call",
        "outcome": "promise_to_pay",
        "follow_up_scheduled": True,
        "follow_up_date": follow_up.isoformat(),
    }


async def test_a_past_follow_up_date_is_refused(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_collections(pilot)
        first = screen.table.rows_shown[0]
        await pilot.press("n")
        await wait_until(
            pilot, lambda: isinstance(app.screen, CollectionActivityScreen), "the activity form"
        )
        form = app.screen
        await pilot.press("tab", "right", "enter", "tab", *keys("01/02/2020"), "ctrl+s")
        error = form.query_one("#form-follow_up-error", Label)
        await wait_until(pilot, lambda: bool(str(error.content)), "the date's error")
        assert "in the past" in str(error.content)
        # without a follow-up it saves: "[Call · Paid]" and nothing else
        await pilot.press(*["backspace"] * 10, "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        backend, token = backend_for(demo_url)
        assert backend.list_notes(token, first.account_no)[0].body == "[Call · Paid]"


async def test_a_field_technician_is_told_collections_are_not_theirs(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "technician")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, RecoveryScreen), "collections")
        screen = app.screen
        assert isinstance(screen, RecoveryScreen)
        status = screen.query_one("#recovery-status", Label)
        await wait_until(pilot, lambda: "recovery executives" in str(status.content), "refusal")
        assert not isinstance(app.screen, LoginScreen)


async def test_the_search_key_and_a_name_typed_in_one_burst(demo_url: str) -> None:
    """ "s" then "Doe" sent together (a fast typist over SSH): the name lands in the box the
    key focused, none of its letters on the table; "s" typed in the box is text."""
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await open_list(pilot)
        assert screen.focused is not screen.search_box
        for key in ("s", "D", "o", "e", "s"):
            app.post_message(events.Key(key, key))
        await wait_until(pilot, lambda: screen.search_box.value == "Does", "the name in the box")
        assert screen.focused is screen.search_box
