"""Snapshots of the disconnection settings screen at 80x24 (the demo database, a fixed
clock): the reasons list, the reason form with a refusal on its field, and the calendar tab
with its holidays in 16 colours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Label

from .helpers import freeze_cursors, keys, make_app, wait_until
from .test_disconnection_settings import open_form, open_settings
from .test_disconnections import fixed_factory

SnapCompare = Callable[..., bool]


def test_reasons(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_settings(pilot)
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_reason_form_refused_on_its_field(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_settings(pilot)
        form = await open_form(pilot, "n")
        await pilot.press(*keys("NP1"), "tab", *keys("Meter bypass"), "ctrl+s")
        error = form.query_one("#form-code-error", Label)
        await wait_until(pilot, lambda: error.has_class("-shown"), "the code's error")
        await pilot.pause()
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_calendar_in_16_colours(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_settings(pilot)
        await pilot.press("5")
        await wait_until(pilot, lambda: pilot.app.focused is screen.query_one("#cal-open"))
        await pilot.pause()
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url), display={"theme": "cso-ansi"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
