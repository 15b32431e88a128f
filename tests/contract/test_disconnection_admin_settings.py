"""Contract: the disconnection settings as an administrator edits them, on every backend:
reasons, time slots, SLA targets, the closure checklist, the SLA calendar and its holidays,
the guard-rails. Who may, what each refusal says and on which field, the audit, once per
key, rows in use deactivated instead of deleted, and every change seen at once by
``disconnection_settings`` and by new requests' SLA clocks."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from contract.support import ROLES, World
from cso_tui.models import DisconnectionRequest
from cso_tui.services.errors import ConflictError, NotFoundError, PermissionDeniedError
from cso_tui.services.errors import ValidationError as FieldError
from cso_tui.services.schemas import (
    ChecklistIn,
    ChecklistItemIn,
    DisconnectionAdminSettings,
    DisconnectionGuardrails,
    DisconnectionRequestOut,
    HolidayIn,
    NewDisconnectionRequest,
    ReasonIn,
    SlaCalendarSettings,
    SlaTargetIn,
    TimeSlotIn,
)

OFFICE = ZoneInfo("America/Chicago")
MANAGERS = ("cso_admin", "utility_admin", "cso_manager")
SLOT = "10:00 AM - 12:00 PM"


def office_day(world: World, days: int = 0) -> date:
    return world.clock().astimezone(OFFICE).date() + timedelta(days=days)


def make_request(
    world: World, account_no: str = "WU-10001", key: str = "req-1", **changes: Any
) -> DisconnectionRequestOut:
    fields: dict[str, Any] = {
        "account_no": account_no,
        "reason_code": "NP-001",
        "preferred_date": office_day(world, 5),
        "time_slot": SLOT,
    }
    fields.update(changes)
    return world.backend.create_disconnection_request(
        world.token("customer_executive"), NewDisconnectionRequest.model_validate(fields), key
    )


def refused(call: Any) -> FieldError:
    with pytest.raises(FieldError) as exc:
        call()
    return exc.value


def reason(code: str = "NP-002", **changes: Any) -> ReasonIn:
    fields: dict[str, Any] = {
        "code": code,
        "name": "Non-payment after final notice",
        "description": "Final notice expired without payment",
        "priority": "high",
        "requires_approval": True,
        "applies_to": "disconnection",
    }
    fields.update(changes)
    return ReasonIn.model_validate(fields)


# ---------------------------------------------------------------- reading and rights


def test_the_admin_view_holds_everything_with_inactive_rows(world: World) -> None:
    got = world.backend.disconnection_admin_settings(world.token())
    assert [r.code for r in got.reasons][:2] == ["NP-001", "CR-001"]
    assert all(r.active and not r.used for r in got.reasons)
    assert next((s.start, s.end) for s in got.time_slots) == ("08:00", "10:00")
    assert SLOT in [s.label for s in got.time_slots]
    assert {t.request_type for t in got.sla_targets} >= {"disconnection", "reconnection"}
    assert len(got.checklist) == 6 and got.checklist_required is None
    assert got.holidays == []
    assert got.calendar == SlaCalendarSettings()  # around the clock, every day, no pause
    assert got.guardrails == DisconnectionGuardrails()


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_and_managers_manage_the_settings(world: World, role: str) -> None:
    token = world.token(role)
    audit = len(world.db.audit())
    if role in MANAGERS:
        assert world.backend.disconnection_admin_settings(token).reasons
        return
    with pytest.raises(PermissionDeniedError) as exc:
        world.backend.disconnection_admin_settings(token)
    assert "may not manage disconnection settings" in exc.value.message
    b = world.backend
    writes = {
        "save_disconnection_reason": lambda k: b.save_disconnection_reason(token, reason(), k),
        "remove_disconnection_reason": lambda k: b.remove_disconnection_reason(token, "CR-002", k),
        "save_time_slot": lambda k: b.save_time_slot(
            token, TimeSlotIn(start="18:00", end="20:00"), k
        ),
        "remove_time_slot": lambda k: b.remove_time_slot(token, 1, k),
        "save_sla_target": lambda k: b.save_sla_target(token, target(), k),
        "save_checklist": lambda k: b.save_checklist(token, ChecklistIn(items=[]), k),
        "save_sla_calendar": lambda k: b.save_sla_calendar(token, SlaCalendarSettings(), k),
        "add_holiday": lambda k: b.add_holiday(
            token, HolidayIn(day=date(2024, 12, 25), name="X"), k
        ),
        "remove_holiday": lambda k: b.remove_holiday(token, date(2024, 12, 25), k),
        "save_disconnection_guardrails": lambda k: b.save_disconnection_guardrails(
            token, DisconnectionGuardrails(), k
        ),
    }
    for name, call in writes.items():
        with pytest.raises(PermissionDeniedError) as exc:
            call(f"deny-{name}")
        assert "may not manage disconnection settings" in exc.value.message, name
    assert len(world.db.audit()) == audit  # nothing saved, nothing audited
    assert len(world.backend.disconnection_admin_settings(world.token()).checklist) == 6
    # everyone still reads the active settings the request forms use
    assert world.backend.disconnection_settings(token).reasons[0].code == "NP-001"


# ---------------------------------------------------------------- reasons


def test_a_new_reason_is_offered_at_once_and_audited(world: World) -> None:
    token = world.token("utility_admin")
    got = world.backend.save_disconnection_reason(token, reason("np-002", position=1), "r1")
    assert isinstance(got, DisconnectionAdminSettings)
    assert got.message == "Reason NP-002 added."
    offered = world.backend.disconnection_settings(world.token("call_center")).reasons
    assert [r.code for r in offered][:2] == ["NP-001", "NP-002"]
    np002 = offered[1]
    assert (np002.name, np002.priority, np002.requires_approval) == (
        "Non-payment after final notice",
        "high",
        True,
    )
    [event] = world.db.audit("disconnection_reason_created")
    assert (event.entity_id, event.username, event.before) == ("NP-002", "utilityadmin", None)
    assert event.after is not None and event.after["name"] == "Non-payment after final notice"
    # once per key: the same call again answers the same, and adds nothing
    again = world.backend.save_disconnection_reason(token, reason("np-002", position=1), "r1")
    assert again == got and len(world.db.audit("disconnection_reason_created")) == 1
    with pytest.raises(ConflictError):
        world.backend.save_disconnection_reason(token, reason("NP-003"), "r1")
    # and a request made with it copies it
    made = make_request(world, reason_code="NP-002")
    assert (made.reason_code, made.priority, made.required_approval) == ("NP-002", "high", True)


def test_editing_a_reason_by_its_code(world: World) -> None:
    token = world.token()
    got = world.backend.save_disconnection_reason(
        token,
        reason("VP-001", name="Vacant premises", description="Nobody lives there",
               priority="low", requires_approval=False, original_code="VP-001"),
        "e1",
    )  # fmt: skip
    vp = next(r for r in got.reasons if r.code == "VP-001")
    assert (vp.priority, vp.description, vp.requires_approval) == (
        "low",
        "Nobody lives there",
        False,
    )
    [event] = world.db.audit("disconnection_reason_updated")
    assert event.before is not None and event.after is not None
    assert (event.before["priority"], event.after["priority"]) == ("medium", "low")
    # an unused reason may take another code; the old one is gone
    got = world.backend.save_disconnection_reason(
        token, reason("VP-009", name="Vacant premises", original_code="VP-001"), "e2"
    )
    codes = [r.code for r in got.reasons]
    assert "VP-009" in codes and "VP-001" not in codes
    # saving it as it is changes nothing and writes nothing
    before = len(world.db.audit())
    same = got.reasons[codes.index("VP-009")]
    unchanged = world.backend.save_disconnection_reason(
        token, ReasonIn(**same.model_dump(exclude={"used"}), original_code="VP-009"), "e3"
    )
    assert unchanged.message == "VP-009 is unchanged." and len(world.db.audit()) == before
    with pytest.raises(NotFoundError):
        world.backend.save_disconnection_reason(token, reason(original_code="XX-404"), "e4")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"code": "NP1"}, "code", "like NP-001"),
        ({"code": ""}, "code", "Code is required"),
        ({"code": "NP-001"}, "code", "already the code of 'Non-payment of bills'"),
        ({"name": "  "}, "name", "Name is required"),
        ({"name": "x" * 121}, "name", "at most 120"),
        ({"description": "d" * 501}, "description", "at most 500"),
        ({"priority": "urgent"}, "priority", "high, medium or low"),
        ({"applies_to": "transfer"}, "applies_to", "disconnection or reconnection"),
        ({"position": -1}, "position", "0 to 9999"),
    ],
)
def test_a_bad_reason_is_refused_on_its_field(
    world: World, changes: dict[str, Any], field: str, words: str
) -> None:
    token = world.token()
    audit = len(world.db.audit())
    error = refused(lambda: world.backend.save_disconnection_reason(token, reason(**changes), "b"))
    assert error.field == field and words in error.message
    assert len(world.db.audit()) == audit


def test_a_reason_in_use_is_deactivated_never_deleted(world: World) -> None:
    token = world.token("cso_manager")
    made = make_request(world, reason_code="SH-001")
    got = world.backend.disconnection_admin_settings(token)
    assert next(r for r in got.reasons if r.code == "SH-001").used
    # its code stays
    error = refused(
        lambda: world.backend.save_disconnection_reason(
            token, reason("SH-002", name="Safety hazard", original_code="SH-001"), "u1"
        )
    )
    assert error.field == "code" and "SH-001 is on requests already" in error.message
    got = world.backend.remove_disconnection_reason(token, "SH-001", "u2")
    assert "deactivated, not deleted" in got.message
    sh = next(r for r in got.reasons if r.code == "SH-001")
    assert not sh.active and sh.used
    assert "SH-001" not in [r.code for r in world.backend.disconnection_settings(token).reasons]
    [event] = world.db.audit("disconnection_reason_deactivated")
    assert event.before is not None and event.after is not None
    assert (event.before["active"], event.after["active"]) == (True, False)
    # the request keeps its reason
    detail = world.backend.get_disconnection_request(token, made.request_no)
    assert detail.request.reason_code == "SH-001"
    # an unused one goes
    got = world.backend.remove_disconnection_reason(token, "CR-002", "u3")
    assert got.message == "Reason CR-002 deleted."
    assert "CR-002" not in [r.code for r in got.reasons]
    assert world.db.audit("disconnection_reason_deleted")[0].after is None
    with pytest.raises(NotFoundError):
        world.backend.remove_disconnection_reason(token, "CR-002", "u4")


def test_the_last_active_reason_of_a_type_stays(world: World) -> None:
    token = world.token()
    world.backend.remove_disconnection_reason(token, "RC-002", "l1")
    world.backend.remove_disconnection_reason(token, "RC-003", "l2")
    error = refused(lambda: world.backend.remove_disconnection_reason(token, "RC-001", "l3"))
    assert error.field == "active" and "last active reconnection reason" in error.message
    error = refused(
        lambda: world.backend.save_disconnection_reason(
            token,
            reason("RC-001", name="Dues cleared", applies_to="reconnection", active=False,
                   original_code="RC-001"),
            "l4",
        )
    )  # fmt: skip
    assert error.field == "active"
    error = refused(
        lambda: world.backend.save_disconnection_reason(
            token, reason("RC-001", name="Dues cleared", original_code="RC-001"), "l5"
        )
    )
    assert error.field == "applies_to"


# ---------------------------------------------------------------- time slots


def test_a_new_time_slot_is_offered_and_requests_may_use_it(world: World) -> None:
    token = world.token()
    got = world.backend.save_time_slot(token, TimeSlotIn(start="18:00", end="20:00"), "s1")
    assert got.message == "Time slot 6:00 PM - 8:00 PM added."
    slots = world.backend.disconnection_settings(world.token("call_center")).time_slots
    assert ("6:00 PM - 8:00 PM", 18 * 60, 20 * 60) in [
        (s.label, s.start_minute, s.end_minute) for s in slots
    ]
    made = make_request(world, time_slot="6:00 PM - 8:00 PM")
    assert made.time_slot == "6:00 PM - 8:00 PM"
    [event] = world.db.audit("time_slot_created")
    assert event.after == {"label": "6:00 PM - 8:00 PM", "start": "18:00", "end": "20:00",
                           "active": True}  # fmt: skip
    # edited: another label and time
    slot = next(s for s in got.time_slots if s.start == "18:00")
    got = world.backend.save_time_slot(
        token, TimeSlotIn(id=slot.id, start="18:30", end="20:00", label="Evening"), "s2"
    )
    assert ("Evening", "18:30", "20:00") in [(s.label, s.start, s.end) for s in got.time_slots]


@pytest.mark.parametrize(
    ("slot", "field", "words"),
    [
        ({"start": "11:00", "end": "13:00"}, "start", "overlaps the slot 10:00 AM - 12:00 PM"),
        ({"start": "19:00", "end": "18:00"}, "end", "must end after it starts (19:00)"),
        ({"start": "18:00", "end": "18:00"}, "end", "must end after it starts"),
        ({"start": "6pm", "end": "20:00"}, "start", "HH:MM"),
        ({"start": "18:00", "end": "24:30"}, "end", "00:00 to 24:00"),
        ({"start": "24:00", "end": "24:00"}, "start", "00:00 to 23:59"),
        ({"start": "18:00", "end": "20:00", "label": "8:00 AM - 10:00 AM"}, "label", "labelled"),
        ({"start": "18:00", "end": "20:00", "label": "L" * 41}, "label", "at most 40"),
    ],
)
def test_a_bad_time_slot_is_refused_on_its_field(
    world: World, slot: dict[str, str], field: str, words: str
) -> None:
    error = refused(
        lambda: world.backend.save_time_slot(world.token(), TimeSlotIn(**slot), "bad-slot")
    )
    assert error.field == field and words in error.message


def test_an_inactive_slot_may_overlap_and_a_used_one_is_deactivated(world: World) -> None:
    token = world.token()
    got = world.backend.save_time_slot(
        token, TimeSlotIn(start="11:00", end="13:00", active=False), "o1"
    )
    spare = next(s for s in got.time_slots if s.start == "11:00")
    assert not spare.active and "inactive" in got.message
    assert "11:00 AM - 1:00 PM" not in [
        s.label for s in world.backend.disconnection_settings(token).time_slots
    ]
    got = world.backend.remove_time_slot(token, spare.id, "o2")
    assert got.message == "Time slot 11:00 AM - 1:00 PM deleted."
    make_request(world)  # 10:00 AM - 12:00 PM is on a request now
    ten = next(s for s in got.time_slots if s.label == SLOT)
    got = world.backend.remove_time_slot(token, ten.id, "o3")
    assert "deactivated, not deleted" in got.message
    assert next(s for s in got.time_slots if s.id == ten.id).active is False
    with pytest.raises(NotFoundError):
        world.backend.remove_time_slot(token, 99_999, "o4")
    with pytest.raises(NotFoundError):  # no row id can be this: not found, not a crash
        world.backend.remove_time_slot(token, 7892187215347431627554816, "o5")


def test_the_last_active_time_slot_stays(world: World) -> None:
    token = world.token()
    slots = world.backend.disconnection_admin_settings(token).time_slots
    for n, slot in enumerate(slots[:-1]):
        world.backend.remove_time_slot(token, slot.id, f"last-{n}")
    error = refused(lambda: world.backend.remove_time_slot(token, slots[-1].id, "last-x"))
    assert error.field == "active" and "last active time slot" in error.message


# ---------------------------------------------------------------- SLA targets


def target(**changes: Any) -> SlaTargetIn:
    fields: dict[str, Any] = {
        "request_type": "disconnection",
        "acknowledgement_hours": Decimal("1.5"),
        "response_hours": Decimal(4),
        "resolution_hours": Decimal(48),
    }
    fields.update(changes)
    return SlaTargetIn.model_validate(fields)


def test_new_sla_targets_drive_new_requests_clocks(world: World) -> None:
    token = world.token("cso_manager")
    got = world.backend.save_sla_target(token, target(), "t1")
    assert "saved" in got.message
    shown = {t.request_type: t for t in world.backend.disconnection_settings(token).sla_targets}
    dis = shown["disconnection"]
    assert (dis.acknowledgement_hours, dis.response_hours, dis.resolution_hours) == (
        Decimal("1.5"),
        Decimal(4),
        Decimal(48),
    )
    made = make_request(world)
    detail = world.backend.get_disconnection_request(token, made.request_no)
    assert detail.sla.due == made.created_at + timedelta(hours=48)
    assert [m.target_hours for m in detail.sla.metrics] == [Decimal("1.5"), Decimal(4), 48]
    [event] = world.db.audit("sla_target_updated")
    assert event.before == {"acknowledgement_hours": "2.00", "response_hours": "4.00",
                            "resolution_hours": "24.00"}  # fmt: skip
    assert event.after is not None and event.after["resolution_hours"] == "48.00"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"acknowledgement_hours": Decimal(0)}, "acknowledgement_hours", "more than 0"),
        ({"response_hours": Decimal(-4)}, "response_hours", "more than 0"),
        ({"resolution_hours": Decimal("24.125")}, "resolution_hours", "two decimals"),
        ({"resolution_hours": Decimal(100_000)}, "resolution_hours", "at most 9,999"),
        ({"acknowledgement_hours": Decimal(5)}, "response_hours", "at least the acknowledgement"),
        ({"resolution_hours": Decimal(3)}, "resolution_hours", "at least the response target"),
        ({"request_type": "teleport"}, "request_type", "Pick a request type"),
    ],
)
def test_bad_sla_targets_are_refused_on_their_field(
    world: World, changes: dict[str, Any], field: str, words: str
) -> None:
    error = refused(lambda: world.backend.save_sla_target(world.token(), target(**changes), "b"))
    assert error.field == field and words in error.message


# ---------------------------------------------------------------- checklist


def test_the_checklist_saved_whole_in_its_new_order(world: World) -> None:
    token = world.token()
    items = world.backend.disconnection_admin_settings(token).checklist
    new_items = [
        ChecklistItemIn(id=items[1].id, text=items[1].text),
        ChecklistItemIn(id=items[0].id, text="Final meter reading recorded, verified and signed"),
        ChecklistItemIn(text="Keys to the meter box returned"),
        *[ChecklistItemIn(id=i.id, text=i.text) for i in items[2:5]],
    ]  # the sixth left out
    got = world.backend.save_checklist(token, ChecklistIn(items=new_items, required=3), "c1")
    assert got.message.startswith("Checklist saved: 6 active items, 3 to tick")
    assert "1 item deleted" in got.message
    shown = world.backend.disconnection_settings(world.token("field_technician"))
    assert shown.checklist[:3] == [
        items[1].text,
        "Final meter reading recorded, verified and signed",
        "Keys to the meter box returned",
    ]
    assert items[5].text not in shown.checklist
    assert shown.checklist_required == 3
    [event] = world.db.audit("checklist_updated")
    assert event.before is not None and event.after is not None
    assert (event.before["required"], event.after["required"]) == (None, 3)
    # none required is the admin's choice too; blank means all again
    world.backend.save_checklist(token, ChecklistIn(items=new_items, required=0), "c2")
    assert world.backend.disconnection_settings(token).checklist_required == 0
    got = world.backend.save_checklist(token, ChecklistIn(items=new_items), "c3")
    assert got.checklist_required is None
    assert world.backend.disconnection_settings(token).checklist_required == 6


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ("required-too-many", "required", "from 0 to 6"),
        ("required-negative", "required", "from 0 to 6"),
        ("blank-text", "items.1.text", "Item 2 is required"),
        ("repeat", "items.2.text", "Item 3 repeats item 1"),
        ("unknown-id", "items.0.id", "not on the checklist any more"),
        ("too-many", "items", "20 items at most"),
    ],
)
def test_a_bad_checklist_is_refused_on_its_field(
    world: World, change: str, field: str, words: str
) -> None:
    token = world.token()
    items = [
        ChecklistItemIn(id=i.id, text=i.text)
        for i in world.backend.disconnection_admin_settings(token).checklist
    ]
    required: int | None = None
    if change == "required-too-many":
        required = 7
    elif change == "required-negative":
        required = -1
    elif change == "blank-text":
        items[1] = ChecklistItemIn(id=items[1].id, text="   ")
    elif change == "repeat":
        items[2] = ChecklistItemIn(id=items[2].id, text=items[0].text.upper())
    elif change == "unknown-id":
        items[0] = ChecklistItemIn(id=99_999, text="x")
    else:
        items += [ChecklistItemIn(text=f"Extra {n}") for n in range(15)]
    error = refused(
        lambda: world.backend.save_checklist(
            token, ChecklistIn(items=items, required=required), "b"
        )
    )
    assert error.field == field and words in error.message


def test_checklist_items_stay_on_record_once_a_disconnection_was_executed(world: World) -> None:
    token = world.token()
    made = make_request(world)
    with world.db.write() as s:  # as execute_disconnection leaves it
        row = s.exec(
            select(DisconnectionRequest).where(DisconnectionRequest.request_no == made.request_no)
        ).one()
        row.executed_at, row.checklist_done = world.clock(), [1, 2, 3, 4, 5, 6]
        s.add(row)
    items = world.backend.disconnection_admin_settings(token).checklist
    assert all(i.used for i in items)
    kept = [ChecklistItemIn(id=i.id, text=i.text) for i in items[:5]]
    got = world.backend.save_checklist(token, ChecklistIn(items=kept), "x1")
    assert "1 item left out deactivated, not deleted" in got.message
    assert [(i.text, i.active) for i in got.checklist][-1] == (items[5].text, False)
    assert len(world.backend.disconnection_settings(token).checklist) == 5


# ---------------------------------------------------------------- calendar and holidays


def test_office_hours_and_holidays_move_new_requests_due_dates(world: World) -> None:
    token = world.token()
    # the clock starts Wednesday Nov 20, 2024 08:30 AM in the office; 24 office hours of 9 a day
    calendar = SlaCalendarSettings(
        open="08:00", close="17:00", workdays=[0, 1, 2, 3, 4], holidays=True, pause_on_hold=True
    )
    got = world.backend.save_sla_calendar(token, calendar, "cal-1")
    assert got.calendar == calendar
    assert got.message.startswith("SLA calendar saved (08:00-17:00, 5 working days")
    [event] = world.db.audit("sla_calendar_updated")
    assert event.before is not None and event.after is not None
    assert (event.before["open"], event.after["open"]) == (None, "08:00")
    made = make_request(world)
    due = world.backend.get_disconnection_request(token, made.request_no).sla.due
    # Wed 8.5 h + Thu 9 h + Fri 6.5 h: Friday 2:30 PM
    assert due.astimezone(OFFICE) == datetime(2024, 11, 22, 14, 30, 15, 123456, tzinfo=OFFICE)
    # a holiday on Thursday: Wed 8.5 + Fri 9 + Mon 6.5, Monday 2:30 PM
    got = world.backend.add_holiday(
        token, HolidayIn(day=date(2024, 11, 21), name="Office closed"), "hol-1"
    )
    assert [(h.day, h.name) for h in got.holidays] == [(date(2024, 11, 21), "Office closed")]
    again = make_request(world, "ACC-2024-001789", key="req-2")
    due = world.backend.get_disconnection_request(token, again.request_no).sla.due
    assert due.astimezone(OFFICE) == datetime(2024, 11, 25, 14, 30, 15, 123456, tzinfo=OFFICE)
    assert world.db.audit("holiday_added")[0].entity_id == "2024-11-21"
    # pause on hold is stored where the SLA clock reads it
    assert world.db.scalar("SELECT count(*) FROM app_setting WHERE key = 'sla_pause_on_hold'") == 1
    # around the clock again
    got = world.backend.save_sla_calendar(token, SlaCalendarSettings(), "cal-2")
    assert got.calendar == SlaCalendarSettings()
    third = make_request(world, "WU-10002", key="req-3")
    due = world.backend.get_disconnection_request(token, third.request_no).sla.due
    assert due == world.clock() + timedelta(hours=24)
    assert due.tzinfo is not None and due.utcoffset() == UTC.utcoffset(None)


@pytest.mark.parametrize(
    ("calendar", "field", "words"),
    [
        ({"open": "08:00"}, "close", "closing time too"),
        ({"close": "17:00"}, "open", "opening time too"),
        ({"open": "17:00", "close": "08:00"}, "close", "close after it opens (17:00)"),
        ({"open": "8am", "close": "17:00"}, "open", "HH:MM"),
        ({"open": "08:00", "close": "25:00"}, "close", "00:00 to 24:00"),
        ({"workdays": []}, "workdays", "at least one working day"),
        ({"workdays": [0, 7]}, "workdays", "7 is not one"),
    ],
)
def test_a_bad_calendar_is_refused_on_its_field(
    world: World, calendar: dict[str, Any], field: str, words: str
) -> None:
    error = refused(
        lambda: world.backend.save_sla_calendar(
            world.token(), SlaCalendarSettings(**calendar), "bad-cal"
        )
    )
    assert error.field == field and words in error.message


def test_holidays_are_added_once_and_removed(world: World) -> None:
    token = world.token("cso_manager")
    christmas = date(2024, 12, 25)
    world.backend.add_holiday(token, HolidayIn(day=christmas, name="Christmas Day"), "h1")
    error = refused(
        lambda: world.backend.add_holiday(token, HolidayIn(day=christmas, name="Xmas"), "h2")
    )
    assert error.field == "day" and "already a holiday (Christmas Day)" in error.message
    error = refused(
        lambda: world.backend.add_holiday(token, HolidayIn(day=date(2025, 1, 1), name=" "), "h3")
    )
    assert error.field == "name"
    got = world.backend.remove_holiday(token, christmas, "h4")
    assert got.holidays == [] and got.message == "Holiday 2024-12-25 (Christmas Day) removed."
    [event] = world.db.audit("holiday_removed")
    assert event.before == {"day": "2024-12-25", "name": "Christmas Day"} and event.after is None
    with pytest.raises(NotFoundError):
        world.backend.remove_holiday(token, christmas, "h5")


# ---------------------------------------------------------------- guard-rails


def test_guardrails_are_saved_where_the_rules_read_them(world: World) -> None:
    token = world.token("utility_admin")
    rails = DisconnectionGuardrails(
        blocked_weekdays=[6, 5, 5],
        block_on_holidays=True,
        block_with_medical_certificate=True,
        min_notice_days=3,
        payment_cancel_threshold=Decimal("10.5"),
        auto_reconnection=False,
    )
    got = world.backend.save_disconnection_guardrails(token, rails, "g1")
    assert got.guardrails == rails.model_copy(
        update={"blocked_weekdays": [5, 6], "payment_cancel_threshold": Decimal("10.50")}
    )
    stored = world.db.scalar("SELECT value FROM app_setting WHERE key = 'disconnection_guardrails'")
    stored = stored if isinstance(stored, dict) else json.loads(stored)
    assert DisconnectionGuardrails.model_validate(stored) == got.guardrails
    [event] = world.db.audit("disconnection_guardrails_updated")
    assert event.before is not None and event.after is not None
    assert (event.before["min_notice_days"], event.after["min_notice_days"]) == (0, 3)
    # None: payments cancel nothing
    got = world.backend.save_disconnection_guardrails(
        token, DisconnectionGuardrails(payment_cancel_threshold=None), "g2"
    )
    assert got.guardrails.payment_cancel_threshold is None


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"blocked_weekdays": [7]}, "blocked_weekdays", "7 is not one"),
        ({"blocked_weekdays": [-1]}, "blocked_weekdays", "-1 is not one"),
        ({"blocked_weekdays": list(range(7))}, "blocked_weekdays", "at least one weekday"),
        ({"min_notice_days": 61}, "min_notice_days", "0 to 60 days"),
        ({"min_notice_days": -1}, "min_notice_days", "0 to 60 days"),
        ({"payment_cancel_threshold": Decimal("-0.01")}, "payment_cancel_threshold", "negative"),
        (
            {"payment_cancel_threshold": Decimal("1.005")},
            "payment_cancel_threshold",
            "two decimals",
        ),
    ],
)
def test_bad_guardrails_are_refused_on_their_field(
    world: World, changes: dict[str, Any], field: str, words: str
) -> None:
    error = refused(
        lambda: world.backend.save_disconnection_guardrails(
            world.token(), DisconnectionGuardrails(**changes), "bad-g"
        )
    )
    assert error.field == field and words in error.message
    assert world.db.audit("disconnection_guardrails_updated") == []


def test_a_save_on_a_stale_read_is_refused_not_overwriting(world: World) -> None:
    """Two desks open the reasons; the first saves; the second, on what it read before, is
    refused (ConflictError) instead of silently undoing the first's change. Another
    section's write is not held up, and a save without ``based_on`` (the second desk's
    deliberate choice once told) goes through."""
    backend, token = world.backend, world.token()
    read = backend.disconnection_admin_settings(token)
    reason = next(r for r in read.reasons if r.code == "CR-002")
    mine = ReasonIn(**reason.model_dump(exclude={"used"}), original_code="CR-002")
    first = backend.save_disconnection_reason(
        token, mine.model_copy(update={"name": "Temporary (first desk)"}), "stale-1",
        read.etags["reasons"],
    )  # fmt: skip
    assert first.etags["reasons"] != read.etags["reasons"]
    assert first.etags["guardrails"] == read.etags["guardrails"]
    with pytest.raises(ConflictError) as caught:
        backend.save_disconnection_reason(
            token, mine.model_copy(update={"description": "second desk"}), "stale-2",
            read.etags["reasons"],
        )  # fmt: skip
    assert "reasons were changed at another desk" in caught.value.message
    now = backend.disconnection_admin_settings(token)
    kept = next(r for r in now.reasons if r.code == "CR-002")
    assert (kept.name, kept.description) == ("Temporary (first desk)", reason.description)
    with pytest.raises(ConflictError):
        backend.remove_disconnection_reason(token, "CR-002", "stale-3", read.etags["reasons"])
    backend.save_disconnection_guardrails(  # another section: its own fingerprint holds
        token, read.guardrails.model_copy(update={"min_notice_days": 2}), "stale-4",
        read.etags["guardrails"],
    )  # fmt: skip
    backend.save_disconnection_reason(
        token, mine.model_copy(update={"description": "second desk"}), "stale-5"
    )  # without based_on: saved over, knowingly
    last = backend.disconnection_admin_settings(token)
    assert next(r for r in last.reasons if r.code == "CR-002").description == "second desk"
