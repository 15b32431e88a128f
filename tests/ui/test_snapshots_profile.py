"""Snapshots of the consumer profile: the header with each of the ten tabs at 80x24, the
Overview at 120x40 and in 16 colours, a quick action form refusing a field and a meter
reading refused (readings only go up); on the seed's clock (May 12, 2025) so John Doe's
figures are the seed's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from cso_tui.app import CsoApp
from cso_tui.screens.profile import TAB_IDS
from cso_tui.screens.profile_actions import ActionForm

from .helpers import freeze_cursors, wait_until
from .profile_helpers import SEED_NOW, open_profile, profile_app, show_tab

SnapCompare = Callable[..., bool]

TABS = [pytest.param(key, tab, id=f"{n}-{tab}") for n, (key, tab) in
        enumerate(zip("1234567890", TAB_IDS, strict=True), start=1)]  # fmt: skip


async def _settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, CsoApp)
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.clear_notifications()
    freeze_cursors(app)
    await pilot.pause()


@pytest.mark.parametrize(("key", "tab"), TABS)
def test_profile_tab(
    snap_compare: SnapCompare, demo_url: str, clock_type: Any, key: str, tab: str
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, key, tab)
        await _settle(pilot)

    app = profile_app(demo_url, clock_type(SEED_NOW))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_profile_overview_wide(snap_compare: SnapCompare, demo_url: str, clock_type: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_profile(pilot)
        await _settle(pilot)

    app = profile_app(demo_url, clock_type(SEED_NOW))
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_profile_in_16_colours(snap_compare: SnapCompare, demo_url: str, clock_type: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, "2", "financial")
        await _settle(pilot)

    app = profile_app(demo_url, clock_type(SEED_NOW), display={"theme": "cso-ansi"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_quick_action_form_error(snap_compare: SnapCompare, demo_url: str, clock_type: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, "5", "complaints")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionForm), "the form")
        form = app.screen
        assert isinstance(form, ActionForm)
        await pilot.press("enter", "down", "down", "enter")  # Low Water Pressure
        await pilot.press("ctrl+s")  # with no description
        await wait_until(
            pilot, lambda: form.query_one("#qa-description-error").display, "the error"
        )
        await _settle(pilot)

    app = profile_app(demo_url, clock_type(SEED_NOW))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_record_reading_refused(snap_compare: SnapCompare, demo_url: str, clock_type: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        screen = await open_profile(pilot)
        await show_tab(pilot, screen, "3", "connections")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionForm), "the form")
        form = app.screen
        assert isinstance(form, ActionForm)
        form.query_one("#qa-read_on", Input).value = "05/12/2025"  # the seed's today
        await pilot.press(*"12000", "ctrl+s")  # below the last reading, 12,580
        await wait_until(pilot, lambda: form.query_one("#qa-value-error").display, "the error")
        await _settle(pilot)

    app = profile_app(demo_url, clock_type(SEED_NOW))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
