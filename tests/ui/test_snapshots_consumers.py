"""Snapshots of the consumer list and the collections view at 80x24 and 120x40 (a fixed demo
database and a fixed clock, so the figures and days past due do not move)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from cso_tui.screens.consumer_list import ConsumerListScreen, FiltersScreen, MessageScreen
from cso_tui.screens.new_consumer import DuplicatesScreen, NewConsumerScreen
from cso_tui.screens.recovery import CollectionActivityScreen, RecoveryScreen

from .helpers import freeze_cursors, keys, login, make_app, wait_until
from .test_consumer_list import fixed_factory, loaded

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

SnapCompare = Callable[..., bool]


async def list_open(pilot: Pilot[Any]) -> ConsumerListScreen:
    app = pilot.app
    await login(pilot)
    await pilot.press("ctrl+l")
    await wait_until(pilot, lambda: isinstance(app.screen, ConsumerListScreen), "the list")
    screen = app.screen
    assert isinstance(screen, ConsumerListScreen)
    await wait_until(pilot, lambda: loaded(screen) and screen.table.row_count > 0, "rows")
    return screen


@pytest.mark.parametrize("size", SIZES)
def test_consumer_list(snap_compare: SnapCompare, demo_url: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await list_open(pilot)
        await pilot.press("space", "space")  # two ticked, the cursor on the third
        await wait_until(pilot, lambda: len(screen.table.selected) == 2, "the ticks")
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_consumer_list_filtered_in_16_colours(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await list_open(pilot)
        await pilot.press("o", "o")  # balance, largest first
        await wait_until(pilot, lambda: loaded(screen), "the sorted rows")
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FiltersScreen), "filters")
        # untick nothing; tick Past due and Collection (tab past the five statuses)
        await pilot.press(*["tab"] * 6, "space", "tab", "space", "enter")
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the filters to apply")
        await wait_until(pilot, lambda: loaded(screen), "the filtered rows")
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url), display={"theme": "cso-ansi"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_filters_form(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await list_open(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FiltersScreen), "filters")
        form = pilot.app.screen
        await pilot.press("space")  # Active
        form.query_one("#filter-balance_min").focus()
        await pilot.press(*keys("12.345"), "enter")
        error = form.query_one("#filter-balance_min-error")
        await wait_until(pilot, lambda: error.has_class("-shown"), "the error")
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_message_form_error(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await list_open(pilot)
        await pilot.press("space", "space", "b", "m")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MessageScreen), "the form")
        form = pilot.app.screen
        await pilot.press("enter", *keys("Your bill is ready."), "ctrl+s")
        error = form.query_one("#form-subject-error")
        await wait_until(pilot, lambda: error.has_class("-shown"), "the error")
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_collections(snap_compare: SnapCompare, demo_url: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await login(pilot)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, RecoveryScreen), "collections")
        screen = app.screen
        assert isinstance(screen, RecoveryScreen)
        await wait_until(pilot, lambda: not screen.fetching and screen.table.row_count > 0, "rows")
        await wait_until(pilot, lambda: screen.cards_loaded, "the cards")
        freeze_cursors(app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def new_consumer_form(pilot: Pilot[Any]) -> NewConsumerScreen:
    await list_open(pilot)
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, NewConsumerScreen), "the form")
    form = pilot.app.screen
    assert isinstance(form, NewConsumerScreen)
    await wait_until(pilot, lambda: bool(form.suggested), "the account number")
    return form


def test_new_consumer_form(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        form = await new_consumer_form(pilot)
        await pilot.press(*keys("John Roe"), "tab", *keys("9 Elm St, Anytown"))
        form.query_one("#nc-email").focus()
        await pilot.press(*keys("john.roe@"), "ctrl+s")
        error = form.query_one("#nc-email-error")
        await wait_until(pilot, lambda: error.has_class("-shown"), "the error")
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_new_consumer_duplicates(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        form = await new_consumer_form(pilot)
        await pilot.press(*keys("John Roe"), "tab", *keys("9 Elm St, Anytown"))
        form.query_one("#nc-phone").focus()
        await pilot.press(*keys("(555) 123-4567"), "ctrl+s")
        await wait_until(
            pilot, lambda: isinstance(pilot.app.screen, DuplicatesScreen), "the matches"
        )
        await pilot.pause()
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_collection_activity_form(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await login(pilot)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, RecoveryScreen), "collections")
        screen = app.screen
        assert isinstance(screen, RecoveryScreen)
        await wait_until(pilot, lambda: not screen.fetching and screen.table.row_count > 0, "rows")
        await wait_until(pilot, lambda: screen.cards_loaded, "the cards")
        await pilot.press("n")
        await wait_until(
            pilot, lambda: isinstance(app.screen, CollectionActivityScreen), "the form"
        )
        # Call (already ticked), Promise to pay, a follow-up date (not saved: never "past")
        await pilot.press("tab", "enter", "tab", *keys("12/01/2026"), "tab")
        await pilot.press(*keys("Will pay the arrears on Friday."))
        freeze_cursors(app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
