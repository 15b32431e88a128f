"""Snapshots of the disconnection screens (seed 003) at 80x24, and the landing page at 120x40
(a fixed demo database and a fixed clock, so SLA clocks and figures do not move)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from cso_tui.screens.new_request import NewRequestScreen, ReceiptScreen, ReviewScreen
from cso_tui.screens.request_detail import CloseRequestScreen

from .helpers import freeze_cursors, keys, make_app, wait_until
from .test_disconnections import fill_form, fixed_factory, open_landing, open_request

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"),
                                  pytest.param((120, 40), id="120x40")])  # fmt: skip
def test_landing(snap_compare: SnapCompare, demo_url: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_landing(pilot)
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_landing_history_in_16_colours(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await open_landing(pilot)
        await pilot.press("2")
        await wait_until(pilot, lambda: not screen.fetching and screen.query_state.tab == "history")
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url), display={"theme": "cso-ansi"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_detail(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_request(pilot)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_settlement_in_16_colours(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_request(pilot)
        await pilot.press("2")
        await pilot.pause()

    app = make_app(demo_url, fixed_factory(demo_url), display={"theme": "cso-ansi"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_close_dialog(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_request(pilot)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CloseRequestScreen))
        box = pilot.app.screen
        await wait_until(pilot, lambda: pilot.app.focused is box.query_one("#close-reasons"))
        await pilot.pause()
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_new_request_form(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_landing(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, NewRequestScreen))
        await fill_form(pilot, "WU-10003")
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("stage", ["review", "receipt"])
def test_review_and_receipt(snap_compare: SnapCompare, demo_url: str, stage: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_landing(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, NewRequestScreen))
        await fill_form(pilot, "WU-10003")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        if stage == "receipt":
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReceiptScreen))
        await pilot.pause()

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_final_bill_draft(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        detail = await open_request(pilot)
        await pilot.press("3")
        pane = detail.query_one("#bill-scroll")
        await wait_until(pilot, lambda: bool(pane.query("#bill-water-meter")))
        await pilot.press("tab", *keys("M-7802"), "tab", *keys("9500"), "tab", "tab")
        await pilot.press(*keys("M-7801"), "tab", *keys("38000"), "ctrl+s")
        await wait_until(pilot, lambda: pane.view is not None and pane.view.bill is not None)
        pane.query_one("#bill-approve").focus()
        pane.scroll_end(animate=False)
        await pilot.pause()
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_disconnect_tab(snap_compare: SnapCompare, demo_url: str) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        detail = await open_request(pilot)
        await pilot.press("4")
        pane = detail.query_one("#disconnect-scroll")
        await wait_until(pilot, lambda: len(pane.query("TickBox")) == 6)
        await wait_until(pilot, lambda: bool(pane.query("#device-water")))
        await pilot.press("tab", "tab", *keys("D-3302"), "tab", *keys("D-3301"), "tab")
        await pilot.press(*keys("SO-2024-005678"), "tab", "space", "tab", "space", "tab")
        await wait_until(pilot, lambda: pane.order is not None)
        await pilot.pause()
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_service_orders_tab(snap_compare: SnapCompare, demo_url: str) -> None:
    from cso_tui.screens.request_comms import ServiceOrdersPane

    async def run_before(pilot: Pilot[Any]) -> None:
        detail = await open_request(pilot)
        await pilot.press("o")
        pane = detail.query_one(ServiceOrdersPane)
        await wait_until(pilot, lambda: bool(pane.templates) and bool(pane.orders))
        await wait_until(pilot, lambda: pilot.app.focused is pane.query_one("#so-template"))
        await pilot.pause()
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_communication_tab_in_16_colours(snap_compare: SnapCompare, demo_url: str) -> None:
    from cso_tui.screens.request_comms import CommunicationPane

    async def run_before(pilot: Pilot[Any]) -> None:
        detail = await open_request(pilot)
        await pilot.press("m")
        pane = detail.query_one(CommunicationPane)
        await pilot.press(*keys("Your visit"), "tab", *keys("We come on Saturday."), "ctrl+s")
        await wait_until(pilot, lambda: "We come on Saturday." in str(
            pane.query_one("#comm-list").render()))  # fmt: skip
        await pilot.pause()
        freeze_cursors(pilot.app)

    app = make_app(demo_url, fixed_factory(demo_url), display={"theme": "cso-ansi"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
