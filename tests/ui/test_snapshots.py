"""Snapshots of the login and search screens at 80x24 and 120x40 (a fixed demo database)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from cso_tui.app import CsoApp
from cso_tui.screens.search import SearchScreen
from cso_tui.services.schemas import ConsumerUpdate

from .helpers import (
    connected,
    freeze_cursors,
    keys,
    login,
    make_app,
    search,
    wait_for_relogin,
    wait_until,
)
from .test_edit import open_editor, someone_else_saves

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", SIZES)
def test_login_screen(snap_compare: SnapCompare, demo_url: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await connected(pilot)
        freeze_cursors(pilot.app)

    assert snap_compare(make_app(demo_url), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_search_results(snap_compare: SnapCompare, demo_url: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await login(pilot)
        await search(pilot, "springfield")
        freeze_cursors(pilot.app)

    assert snap_compare(make_app(demo_url), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_search_details(snap_compare: SnapCompare, demo_url: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await login(pilot)
        screen = await search(pilot, "M-5678")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: screen.details.summary is not None, "the details")
        assert isinstance(pilot.app.screen, SearchScreen)
        freeze_cursors(pilot.app)

    assert snap_compare(make_app(demo_url), terminal_size=size, run_before=run_before)


def test_edit_form(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        _, form = await open_editor(pilot)
        await pilot.press("down", "down", "ctrl+u", *keys("not-an-email"), "ctrl+s")
        await wait_until(pilot, lambda: form.query_one("#edit-email-error").display, "error")
        freeze_cursors(pilot.app)

    assert snap_compare(make_app(demo_url), terminal_size=(80, 24), run_before=run_before)


def test_edit_conflict(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        _, form = await open_editor(pilot)
        someone_else_saves(demo_url, ConsumerUpdate(phone="(555) 000-1111", name="John Q. Doe"))
        await pilot.press("ctrl+u", *keys("Johnny Doe"), "ctrl+s")
        await wait_until(pilot, lambda: form.has_class("-conflict"), "the conflict")
        freeze_cursors(pilot.app)

    assert snap_compare(make_app(demo_url), terminal_size=(80, 24), run_before=run_before)


def test_relogin_over_the_search(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, CsoApp)
        await login(pilot)
        await search(pilot, "M-5678")
        assert app.backend is not None and app.session is not None
        app.backend.logout(app.session.token)
        await pilot.press(*keys("Doe"))
        await wait_for_relogin(pilot)
        await pilot.press(*keys("demo"))
        await pilot.pause()
        app.clear_notifications()
        freeze_cursors(app)

    assert snap_compare(make_app(demo_url), terminal_size=(80, 24), run_before=run_before)
