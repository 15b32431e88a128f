"""Pilot tests of the disconnection settings screen: opened from the palette and from the
landing page, each tab's list or form, keys in and the service's state out, a refusal
landing on its field with what was typed kept, and a role without the right told so."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static, TabbedContent

from cso_tui.screens.consumer_list import TickBox
from cso_tui.screens.disconnection_settings import DisconnectionSettingsScreen, SettingsForm
from cso_tui.screens.request_work import ConfirmScreen

from .helpers import keys, login, make_app, wait_until
from .test_disconnections import backend_for, fixed_factory, open_landing


def admin_view(url: str, user: str = "admin") -> Any:
    backend, token = backend_for(url, user)
    return backend.disconnection_admin_settings(token)


async def open_settings(pilot: Pilot[Any], user: str = "admin") -> DisconnectionSettingsScreen:
    """Log in and open the screen from the command palette, as a person would."""
    app = pilot.app
    await login(pilot, user)
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: CommandPalette.is_open(app), "the palette")
    await pilot.press(*keys("Disconnection settings"))
    palette = app.screen

    def offered() -> bool:
        options = palette.query_one("CommandList")
        count = getattr(options, "option_count", 0)
        return bool(count) and "Disconnection settings" in str(
            options.get_option_at_index(0).prompt
        )

    await wait_until(pilot, offered, "the palette to offer the settings")
    await pilot.press("enter")
    await wait_until(
        pilot, lambda: isinstance(app.screen, DisconnectionSettingsScreen), "the settings screen"
    )
    screen = app.screen
    assert isinstance(screen, DisconnectionSettingsScreen)
    await wait_until(
        pilot, lambda: screen.settings is not None or screen.refused is not None, "the settings"
    )
    await pilot.pause()
    return screen


async def open_form(pilot: Pilot[Any], *press: str) -> SettingsForm:
    await pilot.press(*press)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SettingsForm), "the form")
    form = pilot.app.screen
    assert isinstance(form, SettingsForm)
    await pilot.pause()
    return form


async def saved(pilot: Pilot[Any], screen: DisconnectionSettingsScreen) -> None:
    await wait_until(pilot, lambda: pilot.app.screen is screen, "the form to close")
    await wait_until(pilot, lambda: not screen.busy, "the save")
    await pilot.pause()


def status_of(screen: Any, selector: str) -> str:
    widget = screen.query_one(selector)
    assert isinstance(widget, Label | Static)
    return str(widget.render())


def shown(widget: Label) -> bool:
    return widget.has_class("-shown")


# ---------------------------------------------------------------- opening


async def test_the_palette_opens_every_tab_with_the_services_rows(demo_url: str) -> None:
    expected = admin_view(demo_url)
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        reasons = screen._table("reasons-table")
        assert [key for key, _ in reasons.rows_data] == [r.code for r in expected.reasons]
        assert app.focused is reasons
        for key, tab, table in (
            ("2", "slots", "slots-table"),
            ("3", "sla", "sla-table"),
            ("4", "checklist", "checklist-table"),
        ):
            await pilot.press(key)
            assert screen.query_one(TabbedContent).active == tab
            assert app.focused is screen._table(table)
        assert len(screen._table("slots-table").rows_data) == len(expected.time_slots)
        assert len(screen._table("checklist-table").rows_data) == len(expected.checklist)
        assert "all 6" in status_of(screen, "#checklist-required")
        await pilot.press("5")
        assert app.focused is screen.query_one("#cal-open")
        await pilot.press("escape")  # out of the box: the tab keys work again
        await pilot.press("6")
        assert screen.query_one(TabbedContent).active == "guardrails"
        assert screen.query_one("#gr-notice", Input).value == "0"


async def test_the_landing_page_opens_the_settings_with_c(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        landing = await open_landing(pilot, "manager")
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, DisconnectionSettingsScreen))
        screen = app.screen
        assert isinstance(screen, DisconnectionSettingsScreen)
        await wait_until(pilot, lambda: screen.settings is not None, "the settings")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is landing, "back on the landing page")


async def test_a_role_without_the_right_is_told_so(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot, "executive")
        assert screen.settings is None
        message = status_of(screen, "#settings-status")
        assert "Customer Executive may not manage disconnection settings" in message
        assert "CSO admins, utility administrators and CSO managers" in message
        assert not screen.query_one("#settings-tabs").display
        await pilot.press("n", "2")  # nothing to add or switch to
        assert app.screen is screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not screen, "back")


# ---------------------------------------------------------------- reasons


async def test_a_new_reason_typed_in_the_form_is_offered_at_once(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        form = await open_form(pilot, "n")
        assert app.focused is form.query_one("#form-code")
        await pilot.press(*keys("np-002"), "tab", *keys("Non-payment after final notice"))
        await pilot.press("tab", *keys("Final notice expired"), "ctrl+s")
        await saved(pilot, screen)
        assert "NP-002" in [key for key, _ in screen._table("reasons-table").rows_data]
        assert status_of(screen, "#settings-status") == "Reason NP-002 added."
        backend, token = backend_for(demo_url, "callcenter")
        offered = {r.code: r for r in backend.disconnection_settings(token).reasons}
        assert offered["NP-002"].description == "Final notice expired"
        assert offered["NP-002"].priority == "medium"


async def test_a_refusal_lands_on_its_field_and_keeps_what_was_typed(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        form = await open_form(pilot, "n")
        await pilot.press(*keys("NP1"), "tab", *keys("Meter bypass"), "ctrl+s")
        error = form.query_one("#form-code-error", Label)
        await wait_until(pilot, lambda: shown(error), "the code's error")
        assert "like NP-001" in str(error.render())
        assert app.screen is form and app.focused is form.query_one("#form-code")
        assert form.query_one("#form-name", Input).value == "Meter bypass"
        assert "Fix the field marked above" in status_of(form, "#form-status")
        # a code already taken: the service's words, on the same field
        code = form.query_one("#form-code", Input)
        code.value = "NP-001"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "already the code" in str(error.render()), "the clash")
        code.value = "MB-001"
        await pilot.press("ctrl+s")
        await saved(pilot, screen)
        assert not shown(error)
        assert "MB-001" in [r.code for r in admin_view(demo_url).reasons]


async def test_editing_a_reason_and_removing_one_in_use(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        first = admin_view(demo_url).reasons[0]
        form = await open_form(pilot, "enter")
        assert form.query_one("#form-code", Input).value == first.code
        description = form.query_one("#form-description", Input)
        description.value = "Balance unpaid for more than 90 days"
        await pilot.press("ctrl+s")
        await saved(pilot, screen)
        assert admin_view(demo_url).reasons[0].description == "Balance unpaid for more than 90 days"
        assert first.used  # the demo's requests use it: removing only deactivates it
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: not screen.busy and app.screen is screen)
        await wait_until(pilot, lambda: "deactivated" in status_of(screen, "#settings-status"))
        after = admin_view(demo_url).reasons[0]
        assert (after.code, after.active) == (first.code, False)
        row = dict(screen._table("reasons-table").rows_data)[first.code]
        assert str(row["active"]).endswith("Off")


# ---------------------------------------------------------------- slots and SLA


async def test_a_new_time_slot_and_an_overlap_refused(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        await pilot.press("2")
        form = await open_form(pilot, "n")
        await pilot.press(*keys("11:00"), "tab", *keys("13:00"), "ctrl+s")
        error = form.query_one("#form-start-error", Label)
        await wait_until(pilot, lambda: shown(error), "the overlap")
        assert "overlaps the slot 10:00 AM - 12:00 PM" in str(error.render())
        form.query_one("#form-start", Input).value = "18:00"
        form.query_one("#form-end", Input).value = "20:00"
        await pilot.press("ctrl+s")
        await saved(pilot, screen)
        labels = [s.label for s in admin_view(demo_url).time_slots]
        assert "6:00 PM - 8:00 PM" in labels


async def test_sla_targets_edited_and_shown(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        await pilot.press("3")
        table = screen._table("sla-table")
        index = [key for key, _ in table.rows_data].index("disconnection")
        table.move_cursor(row=index)
        form = await open_form(pilot, "enter")
        resolution = form.query_one("#form-resolution_hours", Input)
        resolution.value = "3"  # less than the response target
        await pilot.press("ctrl+s")
        error = form.query_one("#form-resolution_hours-error", Label)
        await wait_until(pilot, lambda: shown(error), "the order refused")
        assert "at least the response target" in str(error.render())
        resolution.value = "48"
        await pilot.press("ctrl+s")
        await saved(pilot, screen)
        targets = {t.request_type: t for t in admin_view(demo_url).sla_targets}
        assert targets["disconnection"].resolution_hours == Decimal(48)
        assert dict(table.rows_data)["disconnection"]["resolution"] == "48.00 h"


# ---------------------------------------------------------------- checklist


async def test_checklist_items_move_and_the_ticks_required_change(demo_url: str) -> None:
    before = admin_view(demo_url).checklist
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        await pilot.press("4", "right_square_bracket")
        await wait_until(pilot, lambda: not screen.busy, "the move")
        await wait_until(pilot, lambda: "Checklist saved" in status_of(screen, "#settings-status"))
        after = admin_view(demo_url).checklist
        assert [i.text for i in after][:2] == [before[1].text, before[0].text]
        assert screen._table("checklist-table").cursor_row == 1
        form = await open_form(pilot, "t")
        await pilot.press(*keys("9"), "ctrl+s")
        error = form.query_one("#form-required-error", Label)
        await wait_until(pilot, lambda: shown(error), "too many ticks")
        assert "from 0 to 6" in str(error.render())
        form.query_one("#form-required", Input).value = "4"
        await pilot.press("ctrl+s")
        await saved(pilot, screen)
        backend, token = backend_for(demo_url, "technician")
        assert backend.disconnection_settings(token).checklist_required == 4
        assert "4 of 6" in status_of(screen, "#checklist-required")


# ---------------------------------------------------------------- calendar and guard-rails


async def test_the_calendar_form_marks_its_fields_and_saves(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        await pilot.press("5", *keys("08:00"), "ctrl+s")
        error = screen.query_one("#cal-close-error", Label)
        await wait_until(pilot, lambda: shown(error), "the closing time asked for")
        assert "closing time too" in str(error.render())
        assert app.focused is screen.query_one("#cal-close")
        assert screen.query_one("#cal-open", Input).value == "08:00"
        await pilot.press(*keys("17:00"))
        assert not shown(error)  # typed: the error no longer applies
        for day in (5, 6):
            screen.query_one(f"#cal-day-{day}", TickBox).value = False
        screen.query_one("#cal-pause", TickBox).value = True
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: "SLA calendar saved" in status_of(screen, "#settings-status")
        )
        calendar = admin_view(demo_url).calendar
        assert (calendar.open, calendar.close, calendar.workdays) == (
            "08:00",
            "17:00",
            [0, 1, 2, 3, 4],
        )
        assert calendar.pause_on_hold


async def test_holidays_are_added_and_removed_on_the_calendar_tab(demo_url: str) -> None:
    count = len(admin_view(demo_url).holidays)
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        await pilot.press("5", "escape")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SettingsForm), "the form")
        await pilot.pause()
        await pilot.press(*keys("12/31/2026"), "tab", *keys("New Year's Eve"), "ctrl+s")
        await saved(pilot, screen)
        holidays = admin_view(demo_url).holidays
        assert len(holidays) == count + 1
        assert "New Year's Eve" in [h.name for h in holidays]


async def test_guardrails_refused_on_their_field_then_saved(demo_url: str) -> None:
    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot, "utilityadmin")
        await pilot.press("6")
        notice = screen.query_one("#gr-notice", Input)
        notice.value = "61"
        screen.query_one("#gr-threshold", Input).value = "25.50"
        await pilot.press("ctrl+s")
        error = screen.query_one("#gr-notice-error", Label)
        await wait_until(pilot, lambda: shown(error), "the notice refused")
        assert "0 to 60 days" in str(error.render())
        assert screen.query_one("#gr-threshold", Input).value == "25.50"
        notice.value = "3"
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: "Guard-rails saved" in status_of(screen, "#settings-status")
        )
        rails = admin_view(demo_url).guardrails
        assert (rails.min_notice_days, rails.payment_cancel_threshold) == (3, Decimal("25.50"))


async def test_no_color_keeps_every_state_in_words(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_url, fixed_factory(demo_url), display={"theme": "auto"})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        row = dict(screen._table("reasons-table").rows_data)["NP-001"]
        assert (str(row["priority"]), str(row["active"]), row["approval"]) == (
            "▲ High",
            "● Active",
            "Yes",
        )
        await pilot.press("5")
        monday = screen.query_one("#cal-day-0", TickBox)
        assert monday.value and monday.BUTTON_INNER == "X"  # a tick is a character


async def test_a_reason_changed_at_another_desk_meanwhile_is_not_overwritten_unasked(
    demo_url: str,
) -> None:
    from cso_tui.services.schemas import ReasonIn

    app = make_app(demo_url, fixed_factory(demo_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        first = admin_view(demo_url).reasons[0]
        form = await open_form(pilot, "enter")
        # another desk saves the same reason while this form is open
        other, token = backend_for(demo_url, "manager")
        other.save_disconnection_reason(
            token,
            ReasonIn(**first.model_dump(exclude={"used"}), original_code=first.code).model_copy(
                update={"name": "Changed at the other desk"}
            ),
            "other-desk",
        )
        form.query_one("#form-description", Input).value = "Mine"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "another desk" in status_of(form, "#form-status"))
        assert app.screen is form  # what was typed stays
        assert "ctrl+s saves yours over theirs" in status_of(form, "#form-status")
        assert admin_view(demo_url).reasons[0].name == "Changed at the other desk"
        await pilot.press("ctrl+s")  # knowingly
        await saved(pilot, screen)
        assert admin_view(demo_url).reasons[0].description == "Mine"
