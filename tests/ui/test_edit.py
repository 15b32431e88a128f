"""Editing a consumer: save, field errors, conflicts shown (no silent overwrite), an expired
session or a failed save never losing what was typed, typed-ahead keys."""

from __future__ import annotations

import uuid
from typing import Any

from textual.widgets import Input, Label, Static

from cso_tui.app import CsoApp
from cso_tui.screens.edit_consumer import EditConsumerScreen
from cso_tui.screens.search import SearchScreen
from cso_tui.services.local import LocalBackend
from cso_tui.services.schemas import ConsumerUpdate

from .helpers import keys, login, make_app, search, wait_for_relogin, wait_until
from .test_search import details_text, open_details, row_texts


async def open_editor(pilot: Any, user: str = "admin") -> tuple[SearchScreen, EditConsumerScreen]:
    await login(pilot, user)
    screen = await search(pilot, "M-5678")
    await open_details(pilot, screen)
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EditConsumerScreen), "the form")
    form = pilot.app.screen
    assert isinstance(form, EditConsumerScreen)
    await pilot.pause()
    return screen, form


def field(form: EditConsumerScreen, name: str) -> Input:
    return form.query_one(f"#edit-{name}", Input)


def status(form: EditConsumerScreen) -> str:
    return str(form.query_one("#edit-status", Static).content)


def conflict(form: EditConsumerScreen) -> str:
    return str(form.query_one("#edit-conflict", Static).content)


def someone_else_saves(url: str, changes: ConsumerUpdate) -> None:
    """Another terminal (the manager) saves WU-10001 meanwhile."""
    other = LocalBackend(url)
    try:
        token = other.login("manager", "demo").token
        version = other.get_consumer(token, "WU-10001").version
        other.update_consumer(token, "WU-10001", changes, version, str(uuid.uuid4()))
    finally:
        other.close()


def stored(app: CsoApp) -> Any:
    assert app.backend is not None and app.session is not None
    return app.backend.get_consumer(app.session.token, "WU-10001")


async def test_a_saved_change_shows_in_the_details_and_the_results(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, form = await open_editor(pilot)
        assert app.focused is field(form, "name")
        assert "Version 1." in status(form)
        await pilot.press("down", "ctrl+u", *keys("(555) 987-6543"), "ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        await wait_until(pilot, lambda: "(555) 987-6543" in details_text(screen.details), "phone")
        assert stored(app).phone == "(555) 987-6543"
        assert stored(app).version == 2
        assert screen.results.hits[0].phone == "(555) 987-6543"
        assert row_texts(screen.results)[0][0] == "WU-10001"


async def test_keys_typed_ahead_land_in_the_right_fields(demo_url: str) -> None:
    """One burst, as over a slow SSH link: down, clear, type, enter, type, save."""
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _ = await open_editor(pilot)
        await pilot.press(
            "down", "ctrl+u", *keys("555-222-3333"), "enter", "ctrl+u", *keys("jd@example.org"),
            "ctrl+s",
        )  # fmt: skip
        await wait_until(pilot, lambda: app.screen is screen, "the form to close")
        saved = stored(app)
        assert (saved.phone, saved.email, saved.name) == (
            "555-222-3333",
            "jd@example.org",
            "John Doe",
        )


async def test_a_bad_value_is_named_on_its_field_and_nothing_is_saved(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        _, form = await open_editor(pilot)
        await pilot.press("down", "down", "ctrl+u", *keys("not-an-email"), "up", "ctrl+u")
        await pilot.press(*keys("(555) 111-0000"), "ctrl+s")
        error = form.query_one("#edit-email-error", Label)
        await wait_until(pilot, lambda: bool(str(error.content)), "the field error")
        assert "email" in str(error.content).lower()
        assert error.display and error.has_class("-shown")
        assert app.focused is field(form, "email")
        assert "Fix the field marked above" in status(form)
        assert stored(app).version == 1  # not even the good phone was saved
        # what was typed is still there; fixing the field saves both
        assert field(form, "phone").value == "(555) 111-0000"
        await pilot.press("ctrl+u", *keys("jd@example.com"))
        assert not error.has_class("-shown")  # typing clears the message
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, EditConsumerScreen), "saved")
        assert (stored(app).phone, stored(app).email) == ("(555) 111-0000", "jd@example.com")


async def test_a_stale_save_shows_the_conflict_and_reapplies_on_reload(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, form = await open_editor(pilot)
        someone_else_saves(demo_url, ConsumerUpdate(phone="(555) 000-1111"))
        await pilot.press("down", "down", "ctrl+u", *keys("john@example.net"), "ctrl+s")
        await wait_until(pilot, lambda: form.has_class("-conflict"), "the conflict")
        text = conflict(form)
        assert "Someone else saved WU-10001 while you were editing" in text
        assert "version 1 → 2" in text
        assert "Phone: theirs (555) 000-1111 (you left it)" in text
        assert "Email: theirs john.doe@example.com · yours john@example.net" in text
        assert stored(app).email == "john.doe@example.com"  # no silent overwrite
        await pilot.press("ctrl+s")  # saving again before reloading is refused
        assert "press ctrl+r" in status(form)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not form.has_class("-conflict"), "the reload")
        assert field(form, "phone").value == "(555) 000-1111"  # theirs
        assert field(form, "email").value == "john@example.net"  # mine, re-applied
        assert "Reloaded version 2; your changes re-applied (Email)" in status(form)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the save")
        saved = stored(app)
        assert (saved.phone, saved.email, saved.version) == (
            "(555) 000-1111",
            "john@example.net",
            3,
        )


async def test_both_changing_one_field_is_flagged_and_mine_is_kept_for_review(
    demo_url: str,
) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        _, form = await open_editor(pilot)
        someone_else_saves(demo_url, ConsumerUpdate(name="John Q. Doe"))
        await pilot.press("ctrl+u", *keys("Johnny Doe"), "ctrl+s")
        await wait_until(pilot, lambda: form.has_class("-conflict"), "the conflict")
        assert "Name: theirs John Q. Doe · yours Johnny Doe ⚠ both changed" in conflict(form)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not form.has_class("-conflict"), "the reload")
        assert field(form, "name").value == "Johnny Doe"
        # changing their mind: escape asks first, then discards
        await pilot.press("escape")
        assert "press esc again to discard" in status(form)
        assert isinstance(app.screen, EditConsumerScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the form closed")
        assert stored(app).name == "John Q. Doe"


async def test_an_expired_session_on_save_keeps_the_form(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        _, form = await open_editor(pilot)
        assert app.backend is not None and app.session is not None
        app.backend.logout(app.session.token)
        await pilot.press("down", "ctrl+u", *keys("555 333 4444"), "ctrl+s")
        await wait_for_relogin(pilot)
        await pilot.press(*keys("demo"), "enter")
        await wait_until(pilot, lambda: app.screen is form, "the form again")
        assert field(form, "phone").value == "555 333 4444"
        assert "Logged in again. Your changes are kept" in status(form)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, EditConsumerScreen), "saved")
        assert stored(app).phone == "555 333 4444"


async def test_a_role_that_may_not_edit_is_told_so(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        _, form = await open_editor(pilot, "technician")
        await pilot.press("ctrl+u", *keys("Somebody Else"), "ctrl+s")
        await wait_until(pilot, lambda: "may not update consumer" in status(form), "refusal")
        assert "Your changes are kept" in status(form)
        assert field(form, "name").value == "Somebody Else"


async def test_help_on_the_form_names_it_and_lists_its_keys(demo_url: str) -> None:
    from cso_tui.screens.help import HelpScreen

    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        _, form = await open_editor(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.title_text == "Edit a consumer"
        local = {row.description: row.keys for row in help_screen.local}
        assert local["Save"] == "^s"
        assert local["Cancel"] == "esc"
        assert "Reload + re-apply" not in local  # only offered after a conflict
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is form, "back on the form")


async def test_a_burst_ending_in_save_keeps_the_field_message(demo_url: str) -> None:
    """Keys and ctrl+s in one burst (as over SSH): the typing's own change messages, which
    may arrive after the answer, must not wipe the message about the refused value."""
    from .test_inputs import burst

    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        _, form = await open_editor(pilot)
        await pilot.press("down", "down")
        burst(app, *"not an email", "ctrl+s")
        error = form.query_one("#edit-email-error", Label)
        await wait_until(pilot, lambda: "Fix the field" in status(form), "the refusal")
        for _ in range(5):
            await pilot.pause()
        assert field(form, "email").value == "not an email"
        assert error.has_class("-shown") and "email" in str(error.content).lower()
        await pilot.press("backspace")  # a real edit of the value does clear it
        assert not error.has_class("-shown")
