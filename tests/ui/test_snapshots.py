"""Snapshots of the login and search screens at 80x24 and 120x40 (a fixed demo database)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from cso_tui.screens.search import SearchScreen

from .helpers import connected, freeze_cursors, login, make_app, search, wait_until

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
