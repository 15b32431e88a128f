"""Login: first paint before the backend, demo users only on a demo database, field errors."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Input, Label, OptionList, Static

from cso_tui.config import SessionSettings
from cso_tui.screens.login import FIRST_USER_COMMAND, LoginScreen
from cso_tui.screens.search import SearchScreen
from cso_tui.services.errors import UnavailableError
from cso_tui.services.local import LocalBackend

from .helpers import connected, keys, local_factory, login, make_app, wait_until


def status_text(screen: LoginScreen) -> str:
    return str(screen.query_one("#login-status", Static).content)


def label_text(screen: LoginScreen, selector: str) -> str:
    return str(screen.query_one(selector, Label).content)


async def test_paints_before_the_backend_is_ready(demo_url: str) -> None:
    release = threading.Event()
    inner = local_factory(demo_url)

    def slow_factory() -> LocalBackend:
        release.wait(10)
        backend = inner()
        assert isinstance(backend, LocalBackend)
        return backend

    app = make_app(demo_url, slow_factory)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert "Connecting" in status_text(screen)
        assert app.backend is None
        # typing works while it connects
        await pilot.press(*keys("admin"))
        assert screen.query_one("#username", Input).value == "admin"
        release.set()
        await connected(pilot)
        assert app.backend is not None
        assert "Connected" in status_text(screen)


async def test_demo_users_listed_on_a_demo_database(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test() as pilot:
        screen = await connected(pilot)
        panel = screen.query_one("#demo-panel")
        assert panel.display
        options = screen.query_one("#demo-users", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(p.startswith("admin") and "CSO Admin" in p for p in prompts)
        assert "demo" in str(screen.query_one("#demo-hint", Static).content)
        # choosing a demo user fills the user name and moves to the password
        options.focus()
        options.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#username", Input).value == "admin"
        assert app.focused is screen.query_one("#password", Input)


async def test_no_demo_users_on_a_real_database(empty_url: str) -> None:
    backend = LocalBackend(empty_url)
    backend.create_first_user("root", "Root Admin", "utility_admin", "s3cret-pass")
    backend.close()
    app = make_app(empty_url)
    async with app.run_test() as pilot:
        screen = await connected(pilot)
        assert not screen.query_one("#demo-panel").display
        assert screen.query_one("#demo-users", OptionList).option_count == 0
        assert FIRST_USER_COMMAND not in status_text(screen)


async def test_empty_database_says_how_to_create_the_first_user(empty_url: str) -> None:
    app = make_app(empty_url)
    async with app.run_test() as pilot:
        screen = await connected(pilot)
        assert not screen.query_one("#demo-panel").display
        assert "cso-tui user add NAME --role utility_admin" in status_text(screen)


async def test_wrong_password_shows_on_the_password_field(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test() as pilot:
        screen = await connected(pilot)
        await pilot.press(*keys("admin"), "enter", *keys("wrong-one"), "enter")
        await wait_until(
            pilot, lambda: label_text(screen, "#password-error") != "", "the password error"
        )
        assert "Wrong user name or password" in label_text(screen, "#password-error")
        assert label_text(screen, "#username-error") == ""
        assert screen.query_one("#username", Input).value == "admin"  # kept
        assert screen.query_one("#password", Input).value == ""  # cleared for a new try
        assert app.focused is screen.query_one("#password", Input)
        assert isinstance(app.screen, LoginScreen)


async def test_locked_account_is_explained(demo_url: str) -> None:
    app = make_app(
        demo_url, local_factory(demo_url, SessionSettings(max_failed_logins=2, lockout_minutes=15))
    )
    async with app.run_test() as pilot:
        screen = await connected(pilot)
        await pilot.press(*keys("admin"), "enter")
        for _ in range(2):
            await pilot.press(*keys("wrong-one"), "enter")
            await wait_until(pilot, lambda: not screen.busy, "the login answer")
        assert "locked" in label_text(screen, "#password-error")


async def test_success_lands_on_search_and_records_the_landing(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test() as pilot:
        await login(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.session is not None and app.session.username == "admin"
        assert app.focused is app.screen.query_one("#search", Input)
        await app.workers.wait_for_complete()
        backend = app.backend
        assert isinstance(backend, LocalBackend)
        events = [
            row.event
            for row in backend.execute_sql(
                "SELECT event FROM usage_event WHERE event = 'Viewed_Landing_Page'"
            )
        ]
        assert events == ["Viewed_Landing_Page"]


async def test_landing_usage_event_is_written_off_the_ui_thread(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Usage tracking never holds up or breaks the login: it is written from a worker, and an
    unreachable backend there starts the probe (from the UI thread it crashed the app)."""
    on_ui_thread: list[bool] = []

    def unreachable(token: str, event: str, properties: dict[str, object]) -> None:
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        raise UnavailableError("The server does not answer.")

    app = make_app(demo_url)
    async with app.run_test() as pilot:
        await connected(pilot)
        monkeypatch.setattr(app.backend, "record_usage", unreachable)
        await login(pilot)
        await wait_until(pilot, lambda: app.offline, "the connection probe")
        assert isinstance(app.screen, SearchScreen)
    assert on_ui_thread == [False]


async def test_factory_failure_shows_the_error_and_retries(demo_url: str) -> None:
    attempts: list[int] = []
    inner = local_factory(demo_url)

    def flaky_factory() -> LocalBackend:
        attempts.append(1)
        if len(attempts) == 1:
            raise UnavailableError("Cannot open the database: disk I/O error")
        backend = inner()
        assert isinstance(backend, LocalBackend)
        return backend

    app = make_app(demo_url, flaky_factory)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await wait_until(pilot, lambda: screen.connect_error is not None, "the error")
        assert "disk I/O error" in status_text(screen)
        assert "ctrl+r" in status_text(screen)
        await pilot.press("ctrl+r")
        await connected(pilot)
        assert len(attempts) == 2
        assert "Connected" in status_text(screen)
