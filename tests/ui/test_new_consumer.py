"""The new consumer form (seed 004 "Add new consumer"): keys in, state out, on the demo data."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList, Select, Static

from cso_tui.app import CsoApp
from cso_tui.commands import NavigationProvider
from cso_tui.screens.consumer_list import ConsumerListScreen
from cso_tui.screens.help import HelpScreen
from cso_tui.screens.new_consumer import DuplicatesScreen, NewConsumerScreen
from cso_tui.screens.profile import ProfileScreen
from cso_tui.screens.search import SearchScreen
from cso_tui.services.errors import UnavailableError
from cso_tui.services.local import LocalBackend
from cso_tui.services.schemas import ConsumerCreate, ConsumerSummary
from cso_tui.widgets.kpi import KpiCard

from .helpers import PAGE_SIZE, keys, login, make_app, wait_for_relogin, wait_until
from .test_consumer_list import backend_for, open_list

JOHN_DOES_PHONE = "(555) 123-4567"


# ---------------------------------------------------------------- helpers


async def open_form(pilot: Pilot[None], user: str = "admin") -> NewConsumerScreen:
    """Log in, open the consumer list, press n; wait for the suggested account number."""
    app = pilot.app
    await login(pilot, user)
    await open_list(pilot)
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, NewConsumerScreen), "the form")
    form = app.screen
    assert isinstance(form, NewConsumerScreen)
    await wait_until(pilot, lambda: not form.preparing, "the account number")
    await pilot.pause()
    return form


def field(form: NewConsumerScreen, name: str) -> Input:
    return form.query_one(f"#nc-{name}", Input)


def error(form: NewConsumerScreen, name: str) -> str:
    label = form.query_one(f"#nc-{name}-error", Label)
    return str(label.content) if label.display else ""


def status(form: NewConsumerScreen) -> str:
    return str(form.query_one("#nc-status", Static).content)


async def type_basics(
    pilot: Pilot[None], name: str = "John Roe", address: str = "9 Elm St, Anytown"
) -> None:
    """From the name field: the name, then the service address (the territory follows it)."""
    await pilot.press(*keys(name), "tab", *keys(address))


async def go_to(pilot: Pilot[None], form: NewConsumerScreen, name: str) -> None:
    form.query_one(f"#nc-{name}").focus()
    await pilot.pause()


def total_card(screen: ConsumerListScreen) -> str:
    return screen.query_one("#kpi-total", KpiCard).value


def usage(url: str, event: str) -> list[dict[str, Any]]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute(
            "SELECT properties FROM usage_event WHERE event = ? ORDER BY id", (event,)
        ).fetchall()
    return [json.loads(p) if isinstance(p, str) else p for (p,) in rows]


def notices(app: CsoApp) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


class RecordingBackend:
    """A LocalBackend that remembers each create_consumer call (allow_duplicates, key); the
    first answer can be lost after the consumer was made (a timeout)."""

    def __init__(self, inner: LocalBackend, lose_first: bool = False) -> None:
        self.inner = inner
        self.lose_first = lose_first
        self.calls: list[tuple[bool, str]] = []

    def create_consumer(
        self, token: str, data: ConsumerCreate, allow_duplicates: bool, key: str
    ) -> ConsumerSummary:
        self.calls.append((allow_duplicates, key))
        made = self.inner.create_consumer(token, data, allow_duplicates, key)
        if self.lose_first and len(self.calls) == 1:
            raise UnavailableError("The server did not answer in time.")
        return made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def recording_app(url: str, lose_first: bool = False) -> tuple[CsoApp, list[RecordingBackend]]:
    made: list[RecordingBackend] = []

    def factory() -> Any:
        made.append(RecordingBackend(LocalBackend(url, page_size=PAGE_SIZE), lose_first))
        return made[0]

    return make_app(url, factory), made


# ---------------------------------------------------------------- opening


async def test_the_account_no_is_suggested(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        backend, token = backend_for(demo_url)
        suggested = backend.next_account_no(token)
        assert field(form, "account_no").value == suggested
        assert f"{suggested} is free" in status(form)
        assert app.focused is field(form, "name")  # the number is filled: start at the name
        assert form.query_one("#nc-category", Select).value == "Residential"
        assert field(form, "billing_cycle").value == "Monthly"
        assert field(form, "opening_balance").value == "0.00"
        assert "MM/DD/YYYY" in field(form, "connection_date").placeholder
        # a blank form closes at once; the help names the form
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert {row.description: row.keys for row in help_screen.local}["Save"] == "^s"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is form, "the form again")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConsumerListScreen), "closed")


async def test_n_is_listed_in_the_lists_help(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await open_list(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert {row.description: row.keys for row in help_screen.local}["New consumer"] == "n"


async def test_the_palette_command_opens_the_form_over_the_list(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        assert isinstance(app.screen, SearchScreen)
        commands = {n: cb for n, _help, cb in NavigationProvider(app.screen)._commands()}
        app.call_later(commands["New consumer"])  # as the palette runs it
        await wait_until(pilot, lambda: isinstance(app.screen, NewConsumerScreen), "the form")
        assert isinstance(app.screen_stack[-2], ConsumerListScreen)


async def test_the_palette_offers_it_only_when_logged_in(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        names = [n for n, _help, _cb in NavigationProvider(app.screen)._commands()]
        assert "New consumer" not in names


# ---------------------------------------------------------------- creating


async def test_a_new_consumer_is_created_and_its_profile_opens(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        screen = app.screen_stack[-2]
        assert isinstance(screen, ConsumerListScreen)
        before = int(total_card(screen).replace(",", ""))
        account_no = field(form, "account_no").value
        await type_basics(pilot)
        # the address ends with a territory: a blank territory takes it
        assert form.query_one("#nc-territory", Select).value == "Anytown"
        await go_to(pilot, form, "email")
        await pilot.press(*keys("john.roe@example.com"), "tab", *keys("555 010 2030"))
        await go_to(pilot, form, "vip")
        await pilot.press("space")
        await go_to(pilot, form, "connection_date")
        await pilot.press(*keys("11/02/2026"), "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileScreen), "the profile")
        profile = app.screen
        assert isinstance(profile, ProfileScreen)
        assert profile.account_no == account_no
        assert f"Consumer created: Created {account_no} John Roe" in notices(app)
        # the list under the profile counts the new consumer
        await wait_until(
            pilot,
            lambda: total_card(screen).replace(",", "") == str(before + 1),
            "the total card",
        )
        await app.workers.wait_for_complete()
        chart_title = profile.query_one("#usage-title", Label)
        await wait_until(
            pilot,
            lambda: "no service connection yet" in str(chart_title.content),
            "the overview to say there is no connection to chart",
        )
        backend, token = backend_for(demo_url)
        made = backend.get_consumer(token, account_no)
        assert (made.name, made.email, made.vip, made.status) == (
            "John Roe",
            "john.roe@example.com",
            True,
            "active",
        )
        assert str(made.connection_date) == "2026-11-02"
        # back from the profile: the rows were asked for again and count it too
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the list")
        await wait_until(
            pilot,
            lambda: screen.page is not None and screen.page.matches == before + 1,
            "the rows",
        )
    [event] = usage(demo_url, "Quick_Action_Usage")
    assert event["action_type"] == "create_consumer"
    assert event["consumer_id"] == account_no
    assert event["success"] is True
    assert isinstance(event["completion_time"], int | float)


async def test_a_missing_name_is_shown_under_the_name_field(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await pilot.press("tab", *keys("9 Elm St, Anytown"), "ctrl+s")
        await wait_until(pilot, lambda: bool(error(form, "name")), "the name's error")
        assert error(form, "name") == "✕ Name is required."
        assert app.focused is field(form, "name")
        assert "fix the field marked" in status(form)
        assert field(form, "service_address").value == "9 Elm St, Anytown"
        assert app.screen is form
        # typing the name clears its message; saving then works
        await pilot.press(*keys("Jo Roe"))
        await wait_until(pilot, lambda: not error(form, "name"), "the message to go")


async def test_a_bad_email_is_shown_under_email_and_the_rest_is_kept(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await type_basics(pilot)
        await go_to(pilot, form, "email")
        await pilot.press(*keys("john.roe@"), "tab", *keys("555 010 2030"), "ctrl+s")
        await wait_until(pilot, lambda: bool(error(form, "email")), "the email's error")
        assert error(form, "email") == "✕ Email must look like name@example.com."
        assert app.focused is field(form, "email")
        assert field(form, "name").value == "John Roe"
        assert field(form, "service_address").value == "9 Elm St, Anytown"
        assert field(form, "phone").value == "555 010 2030"
        assert not error(form, "name")
        backend, token = backend_for(demo_url)
        assert backend.search_consumers(token, "John Roe").items == []


async def test_a_date_not_in_the_offices_format_is_shown_under_it(demo_url: str) -> None:
    app = make_app(demo_url, display={"theme": "textual-dark", "date_format": "DD/MM/YYYY"})
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await type_basics(pilot)
        await go_to(pilot, form, "connection_date")
        await pilot.press(*keys("11/31/2026"), "ctrl+s")
        await wait_until(pilot, lambda: bool(error(form, "connection_date")), "the error")
        assert "Type the date as DD/MM/YYYY" in error(form, "connection_date")
        assert app.focused is field(form, "connection_date")
        assert app.screen is form


async def test_a_territory_that_does_not_match_the_address_is_refused(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await type_basics(pilot, address="9 Elm St, Anytown")
        form.query_one("#nc-territory", Select).value = "Springfield"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(error(form, "service_address")), "the error")
        assert "must be in Springfield" in error(form, "service_address")
        assert app.focused is field(form, "service_address")


# ---------------------------------------------------------------- duplicates


async def fill_a_duplicate(pilot: Pilot[None], form: NewConsumerScreen) -> DuplicatesScreen:
    await type_basics(pilot)
    await go_to(pilot, form, "phone")
    await pilot.press(*keys(JOHN_DOES_PHONE), "ctrl+s")
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, DuplicatesScreen), "the matches")
    panel = app.screen
    assert isinstance(panel, DuplicatesScreen)
    await pilot.pause()
    return panel


def listed(panel: DuplicatesScreen) -> list[str]:
    matches = panel.query_one("#dup-matches", OptionList)
    return [str(matches.get_option_at_index(i).prompt) for i in range(matches.option_count)]


async def test_a_matching_phone_shows_the_matches_first(demo_url: str) -> None:
    app, made = recording_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        account_no = field(form, "account_no").value
        panel = await fill_a_duplicate(pilot, form)
        [john] = [m for m in panel.matches if m["account_no"] == "WU-10001"]
        assert john["matched"] == "phone"
        assert any(
            "WU-10001" in text and "John Doe" in text and "123 Main St" in text and "phone" in text
            for text in listed(panel)
        )
        backend, token = backend_for(demo_url)
        assert backend.search_consumers(token, "John Roe").items == []  # nothing created yet
        # esc: back to the form, everything kept
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is form, "the form")
        assert field(form, "name").value == "John Roe"
        assert field(form, "phone").value == JOHN_DOES_PHONE
        assert "Nothing created" in status(form)
        # again, and this time create it anyway
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DuplicatesScreen), "the matches")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileScreen), "the profile")
        created = backend.get_consumer(token, account_no)
        assert (created.name, created.phone) == ("John Roe", JOHN_DOES_PHONE)
        calls = made[0].calls
        assert [allow for allow, _key in calls] == [False, False, True]
        # the same request kept its key; creating anyway is another request: another key
        assert calls[0][1] == calls[1][1] != calls[2][1]


async def test_c_also_creates_anyway(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        account_no = field(form, "account_no").value
        await fill_a_duplicate(pilot, form)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileScreen), "the profile")
        assert isinstance(app.screen, ProfileScreen) and app.screen.account_no == account_no


async def test_enter_on_a_match_opens_its_profile_instead(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_url)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_profile", opened.append)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        account_no = field(form, "account_no").value
        panel = await fill_a_duplicate(pilot, form)
        matches = panel.query_one("#dup-matches", OptionList)
        index = next(
            i
            for i in range(matches.option_count)
            if matches.get_option_at_index(i).id == "WU-10001"
        )
        matches.highlighted = index
        await pilot.press("enter")
        await wait_until(pilot, lambda: opened == ["WU-10001"], "the match's profile")
        await wait_until(pilot, lambda: isinstance(app.screen, ConsumerListScreen), "closed")
        await app.workers.wait_for_complete()
        backend, token = backend_for(demo_url)
        assert backend.search_consumers(token, "John Roe").items == []
    [event] = usage(demo_url, "Quick_Action_Usage")
    assert (event["consumer_id"], event["success"]) == (account_no, False)


# ---------------------------------------------------------------- failures


async def test_a_retried_save_creates_one_consumer(demo_url: str) -> None:
    app, made = recording_app(demo_url, lose_first=True)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        account_no = field(form, "account_no").value
        await type_basics(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "did not answer" in status(form), "the lost answer")
        assert "What you typed is kept" in status(form)
        assert app.screen is form
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileScreen), "the profile")
        calls = made[0].calls
        assert len(calls) == 2 and calls[0][1] == calls[1][1]
        backend, token = backend_for(demo_url)
        assert [h.account_no for h in backend.search_consumers(token, "John Roe").items] == [
            account_no
        ]


async def test_an_expired_session_keeps_the_form(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await type_basics(pilot)
        assert app.backend is not None and app.session is not None
        app.backend.logout(app.session.token)
        await pilot.press("ctrl+s")
        await wait_for_relogin(pilot)
        await pilot.press(*keys("demo"), "enter")
        await wait_until(pilot, lambda: app.screen is form, "the form again")
        await wait_until(pilot, lambda: "press ctrl+s to save" in status(form), "the hint")
        assert field(form, "name").value == "John Roe"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileScreen), "the profile")


@pytest.mark.parametrize("user", ["billing", "technician"])
async def test_a_role_that_may_not_create_is_told_so(demo_url: str, user: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, user)
        assert "may not create consumers" in status(form)
        assert field(form, "account_no").value == ""
        await type_basics(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: status(form).startswith("Not saved."), "the refusal")
        assert "may not create consumers" in status(form)
        assert app.screen is form
        assert field(form, "name").value == "John Roe"
