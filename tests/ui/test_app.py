"""App-wide behaviour: themes from settings, logging out, the 16-colour theme."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from cso_tui.app import ANSI_THEME, DEFAULT_THEME
from cso_tui.screens.login import LoginScreen

from .helpers import connected, freeze_cursors, login, make_app, search, wait_until


async def test_theme_comes_from_settings(demo_url: str) -> None:
    app = make_app(demo_url, display={"theme": "cso-ansi"})
    async with app.run_test():
        assert app.theme == ANSI_THEME
        assert app.current_theme.ansi


async def test_unknown_theme_falls_back(demo_url: str) -> None:
    app = make_app(demo_url, display={"theme": "no-such-theme"})
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME


async def test_log_out_returns_to_login(demo_url: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        app.action_logout()
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        screen = await connected(pilot)
        assert app.session is None
        assert "logged out" in str(screen.query_one("#login-status", Static).content)


def test_search_in_16_colours(snap_compare: Callable[..., bool], demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await login(pilot)
        await search(pilot, "Smith")
        freeze_cursors(pilot.app)

    app = make_app(demo_url, display={"theme": "cso-ansi"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("term", ["", "   "])
async def test_blank_term_shows_the_hint(demo_url: str, term: str) -> None:
    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await login(pilot)
        screen.query_one("#search").value = term  # type: ignore[attr-defined]
        await pilot.pause()
        assert "Type any of" in str(screen.query_one("#search-hint", Static).content)
        assert not screen.results.display or screen.results.row_count == 0


@pytest.mark.parametrize("theme", ["auto", "cso-ansi"])
async def test_no_color_never_picks_the_ansi_theme(
    demo_url: str, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the terminal's ANSI colours under NO_COLOR become black on black
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_url, display={"theme": theme})
    async with app.run_test(size=(80, 24)):
        assert app.theme == DEFAULT_THEME
