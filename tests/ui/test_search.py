"""The unified search home: results, details, stale answers, paging, help, keymap, palette."""

from __future__ import annotations

import threading
from typing import Any

from textual import events
from textual.command import CommandPalette
from textual.widgets import Input, Label, Static

from cso_tui.screens.help import HelpScreen
from cso_tui.screens.relogin import ReloginScreen
from cso_tui.screens.search import SearchScreen
from cso_tui.services.local import LocalBackend
from cso_tui.services.schemas import SearchPage
from cso_tui.widgets.details import ConsumerDetails
from cso_tui.widgets.results import ResultsTable

from .helpers import (
    PAGE_SIZE,
    connected,
    keys,
    local_factory,
    login,
    make_app,
    search,
    wait_for_relogin,
    wait_until,
)


def row_texts(table: ResultsTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def details_text(details: ConsumerDetails) -> str:
    parts = [str(w.content) for w in details.query(Static)]
    return "\n".join(parts)


def status_of(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-status", Label).content)


async def open_details(pilot: Any, screen: SearchScreen) -> ConsumerDetails:
    await pilot.press("down")  # from the box: to the results
    await wait_until(pilot, lambda: screen.focused is screen.results, "focus on the results")
    await pilot.press("enter")  # on the row: the details
    details = screen.details
    await wait_until(pilot, lambda: details.summary is not None, "the details")
    return details


async def test_meter_search_finds_john_doe(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot)
        screen = await search(pilot, "M-5678")
        rows = row_texts(screen.results)
        assert len(rows) == 1
        assert rows[0][0] == "WU-10001"
        assert "John Doe" in rows[0][1]
        assert "$75.30" in rows[0]
        assert status_of(screen).startswith("Meter no · 1 match")


async def test_enter_opens_the_details_panel(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await search(pilot, "M-5678")
        details = await open_details(pilot, screen)
        text = details_text(details)
        assert "WU-10001" in text
        assert "(555) 123-4567" in text
        assert "$75.30" in text
        assert "M-5678" in text
        # at 80x24 the panel replaces the results; escape goes back to them
        assert not screen.results.display or screen.results.region.height == 0
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.details_open
        assert app.focused is screen.results


class GatedBackend:
    """A LocalBackend whose searches for some terms wait until the test releases them."""

    def __init__(self, inner: LocalBackend) -> None:
        self.inner = inner
        self.gates: dict[str, threading.Event] = {}
        self.started: list[str] = []
        self.finished: list[str] = []

    def search_consumers(
        self, token: str, term: str, cursor: str | None = None, limit: int | None = None
    ) -> SearchPage:
        self.started.append(term)
        gate = self.gates.get(term)
        if gate is not None:
            gate.wait(10)
        try:
            return self.inner.search_consumers(token, term, cursor, limit)
        finally:
            self.finished.append(term)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_stale_answers_are_dropped(demo_url: str) -> None:
    inner = local_factory(demo_url)
    gated: list[GatedBackend] = []

    def factory() -> Any:
        backend = inner()
        assert isinstance(backend, LocalBackend)
        gated.append(GatedBackend(backend))
        return gated[0]

    app = make_app(demo_url, factory)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await login(pilot)
        backend = gated[0]
        slow = threading.Event()
        backend.gates["Doe"] = slow
        await pilot.press(*keys("Doe"))
        await wait_until(pilot, lambda: "Doe" in backend.started, "the slow search to start")
        # the caller corrects the term while the slow answer is still out
        screen.query_one("#search", Input).value = ""
        await pilot.press(*keys("M-5678"))
        await wait_until(pilot, lambda: screen.shown_term == "M-5678", "the new answer")
        slow.set()
        await wait_until(pilot, lambda: "Doe" in backend.finished, "the slow answer")
        await pilot.pause()
        await pilot.pause()
        assert screen.shown_term == "M-5678"
        assert [r[0] for r in row_texts(screen.results)] == ["WU-10001"]
        assert status_of(screen).startswith("Meter no")


async def test_next_page_is_appended(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot)
        screen = await search(pilot, "WU-")
        table = screen.results
        assert table.row_count == PAGE_SIZE
        assert screen.next_cursor is not None
        assert "more below" in status_of(screen)
        first_page = [r[0] for r in row_texts(table)]
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: table.row_count == 2 * PAGE_SIZE, "the second page")
        rows = [r[0] for r in row_texts(table)]
        assert rows[:PAGE_SIZE] == first_page  # appended, not replaced
        assert len(set(rows)) == len(rows)
        # reaching the last row fetches the next page too
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.focused is table, "focus on the results")
        await pilot.press("pagedown", "pagedown", "pagedown")
        await wait_until(pilot, lambda: table.row_count > 2 * PAGE_SIZE, "the third page")


async def test_no_match_says_what_to_type(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await search(pilot, "Qx")
        hint = str(screen.query_one("#search-hint", Static).content)
        assert "No consumer matches “Qx”" in hint
        assert "WU-10001" in hint and "M-5678" in hint
        assert screen.results.row_count == 0


async def test_help_lists_the_keys(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await login(pilot)
        await search(pilot, "WU-")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help modal")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        local = {row.description: row.keys for row in help_screen.local}
        everywhere = {row.description: row.keys for row in help_screen.everywhere}
        assert everywhere["Quit"] == "^q"
        assert everywhere["Commands"] == "^p"
        assert everywhere["Help"] == "?, f1"
        assert everywhere["Search"] == "/, ^f"
        assert local["More"] == "^n"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the help to close")


async def test_keymap_overrides_keys(demo_url: str) -> None:
    app = make_app(demo_url, keymap={"app.help": "f2", "search.more": "ctrl+j"})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await login(pilot)
        await search(pilot, "WU-")
        await pilot.press("ctrl+n")  # no longer bound
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: screen.results.row_count == 2 * PAGE_SIZE, "page two")
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help modal")


async def test_palette_finds_a_consumer(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await login(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: CommandPalette.is_open(app), "the palette")
        await pilot.press(*keys("M-5678"))
        palette = app.screen
        assert isinstance(palette, CommandPalette)

        def offers_john_doe() -> bool:
            options = palette.query_one("CommandList")
            return (
                "WU-10001" in str(options.get_option_at_index(0).prompt)
                if getattr(options, "option_count", 0)
                else False
            )

        await wait_until(pilot, offers_john_doe, "the palette to offer WU-10001")
        await pilot.press("down", "enter")
        await wait_until(
            pilot,
            lambda: (
                screen.details.summary is not None
                and screen.details.summary.account_no == "WU-10001"
            ),
            "the details of WU-10001",
        )
        assert app.screen is screen


async def test_an_ended_session_logs_in_again_over_the_screen_keeping_the_term(
    demo_url: str,
) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await login(pilot)
        backend, session = app.backend, app.session
        assert backend is not None and session is not None
        backend.logout(session.token)  # as if an administrator ended it
        home.query_one("#search", Input).value = "M-5678"
        await wait_for_relogin(pilot)
        relogin = app.screen
        assert isinstance(relogin, ReloginScreen)
        assert "Your session has ended: log in again" in str(
            relogin.query_one("#relogin-reason", Static).content
        )
        assert "admin" in str(relogin.query_one("#relogin-user", Label).content)
        await pilot.press(*keys("nope"), "enter")
        await wait_until(
            pilot,
            lambda: (
                "Wrong user name or password"
                in str(relogin.query_one("#relogin-error", Label).content)
            ),
            "the wrong password message",
        )
        await pilot.press(*keys("demo"), "enter")
        # the same screen, its term kept, and the search that failed runs again
        await wait_until(pilot, lambda: app.screen is home, "the search screen again")
        await wait_until(pilot, lambda: home.shown_term == "M-5678", "the search to rerun")
        assert [r[0] for r in row_texts(home.results)] == ["WU-10001"]
        assert app.session is not None and app.session.token != session.token


async def test_someone_else_logging_in_drops_the_unsaved_input(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await login(pilot)
        assert app.backend is not None and app.session is not None
        app.backend.logout(app.session.token)
        home.query_one("#search", Input).value = "Doe"
        await wait_for_relogin(pilot)
        await pilot.press("ctrl+o")
        login_screen = await connected(pilot)
        assert login_screen.query_one("#username", Input).value == ""
        screen = await login(pilot, "callcenter")
        assert screen is not home
        assert screen.query_one("#search", Input).value == ""


async def test_slash_and_a_name_in_one_burst_search_again(demo_url: str) -> None:
    """From the results, "/" then a name sent together: the name replaces the box's text
    (none of its letters reach the results, where they are keys); a "/" in the box is text."""
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await search(pilot, "doe")
        await pilot.press("down")
        await wait_until(pilot, lambda: screen.focused is screen.results, "focus on the results")
        for key in ("slash", "s", "m", "i", "t", "h"):
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        box = screen.query_one("#search", Input)
        await wait_until(pilot, lambda: box.value == "smith", "the new name in the box")
        await pilot.press("slash")
        assert box.value == "smith/"
