"""Pilot helpers: wait on conditions (never fixed sleeps), log in, search."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from cso_tui.app import CsoApp
from cso_tui.config import SessionSettings, Settings
from cso_tui.screens.login import LoginScreen
from cso_tui.screens.search import SearchScreen
from cso_tui.services.backend import Backend

TIMEOUT = 15.0
PAGE_SIZE = 20


def local_factory(
    url: str, session_settings: SessionSettings | None = None
) -> Callable[[], Backend]:
    def factory() -> Backend:
        from cso_tui.services.local import LocalBackend

        return LocalBackend(url, session_settings=session_settings, page_size=PAGE_SIZE)

    return factory


def make_app(
    url: str,
    factory: Callable[[], Backend] | None = None,
    **settings: Any,
) -> CsoApp:
    settings.setdefault("search_page_size", PAGE_SIZE)
    # "auto" follows the test console's colour system; snapshots need one fixed theme.
    settings.setdefault("display", {"theme": "textual-dark"})
    return CsoApp(Settings(database=url, **settings), factory or local_factory(url))


def keys(text: str) -> list[str]:
    """Key names that type ``text``."""
    return ["space" if ch == " " else ch for ch in text]


async def wait_until(
    pilot: Pilot[None], predicate: Callable[[], bool], what: str = "condition"
) -> None:
    """Let the app run (workers, timers, messages) until ``predicate`` holds.

    A condition, not a sleep: it returns as soon as the app gets there. (Waiting on
    ``workers.wait_for_complete()`` alone cannot see a debounce timer that has not fired.)
    """
    deadline = time.monotonic() + TIMEOUT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)


async def connected(pilot: Pilot[None]) -> LoginScreen:
    app = pilot.app
    assert isinstance(app, CsoApp)
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, LoginScreen) and app.screen.info is not None,
        "the backend to connect",
    )
    assert isinstance(app.screen, LoginScreen)
    return app.screen


async def login(
    pilot: Pilot[None], username: str = "admin", password: str = "demo"
) -> SearchScreen:
    app = pilot.app
    screen = await connected(pilot)
    screen.query_one("#username", Input).value = username
    screen.query_one("#password", Input).focus()
    await pilot.press(*keys(password), "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
    assert isinstance(app.screen, SearchScreen)
    await pilot.pause()
    return app.screen


async def search(pilot: Pilot[None], term: str) -> SearchScreen:
    """Type ``term`` into the search box and wait for its results."""
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    box = screen.query_one("#search", Input)
    box.focus()
    box.value = ""
    await pilot.press(*keys(term))
    await wait_until(
        pilot,
        lambda: screen.shown_term == term and not screen.searching,
        f"results for {term!r}",
    )
    return screen


def freeze_cursors(app: CsoApp) -> None:
    """Stop input cursors blinking so screenshots do not depend on timing."""
    for box in app.screen.query(Input):
        box.cursor_blink = False


async def wait_for_relogin(pilot: Pilot[None]) -> None:
    """Until the "Session expired" box is up and composed (pushed is not yet composed: a busy
    machine can run the test between the two)."""
    from cso_tui.screens.relogin import ReloginScreen

    app = pilot.app
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, ReloginScreen) and bool(app.screen.query("#relogin-reason")),
        "the re-login box",
    )
