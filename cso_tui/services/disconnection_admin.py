"""The disconnection settings as an administrator edits them (seed 003: "admin-defined"
reasons, "admin-configurable" time slots, SLA targets "set in system settings", the closure
checklist and how many of its items must be ticked), the SLA calendar and the guard-rails.

LocalBackend calls these inside its write transaction and writes the audit event each
:class:`Change` describes; every rule and every message lives here, once. A row that
requests already point at is deactivated, never deleted: the requests keep their record.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import Connection, text
from sqlmodel import Session, col, select

from cso_tui.models import (
    AppSetting,
    ChecklistItem,
    DisconnectionReason,
    Holiday,
    SlaTarget,
    TimeSlot,
)
from cso_tui.services.errors import ConflictError, NotFoundError, ValidationError
from cso_tui.services.rules import guardrails as guardrail_rules
from cso_tui.services.rules.disconnection_defaults import SLA_TARGETS
from cso_tui.services.schemas import (
    ChecklistIn,
    ChecklistItemOut,
    DisconnectionAdminSettings,
    DisconnectionGuardrails,
    HolidayIn,
    HolidayOut,
    ReasonAdminOut,
    ReasonIn,
    SlaCalendarSettings,
    SlaTargetIn,
    SlaTargetOut,
    TimeSlotAdminOut,
    TimeSlotIn,
)

_LOG = logging.getLogger(__name__)

PRIORITIES = ("high", "medium", "low")
APPLIES_TO = ("disconnection", "reconnection")
CODE = re.compile(r"^[A-Z]{2,4}-\d{3}$")
HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
DAY_MINUTES = 24 * 60
MAX_POSITION = 9999
MAX_HOURS = Decimal(9999)
MAX_CHECKLIST = 20
MAX_NOTICE_DAYS = 60
MAX_THRESHOLD = Decimal("999999999.99")
#: Serialises the settings' writers on PostgreSQL (SQLite's BEGIN IMMEDIATE already does):
#: two admins adding overlapping slots at once must not both pass the overlap check.
ADVISORY_LOCK = 30_030_001


@dataclass
class Change:
    """What a save did: the audit event to write and the words for the screen."""

    message: str
    action: str = ""  # "" when nothing changed (no audit event)
    entity: str = ""
    entity_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def lock(s: Session) -> None:
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})


# ---------------------------------------------------------------- reading


def setting(conn: Connection, key: str) -> Any:
    """The database setting ``key`` (app_setting, JSON), or None."""
    row = conn.execute(text("SELECT value FROM app_setting WHERE key = :k"), {"k": key}).first()
    value = row[0] if row else None
    return json.loads(value) if isinstance(value, str) else value


def minutes_text(minutes: int) -> str:
    """480 -> "08:00"; 1440 -> "24:00"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slot_label(start: int, end: int) -> str:
    """(600, 720) -> "10:00 AM - 12:00 PM", as the seed writes its slots."""

    def clock(minutes: int) -> str:
        hour, minute = divmod(minutes % DAY_MINUTES, 60)
        return f"{hour % 12 or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"

    return f"{clock(start)} - {clock(end)}"


def calendar_of(conn: Connection) -> SlaCalendarSettings:
    """The stored calendar as the screen shows it (a malformed one: around the clock, as
    the SLA clock then runs)."""
    value = setting(conn, "sla_calendar")
    pause = setting(conn, "sla_pause_on_hold") is True
    if not isinstance(value, dict):
        return SlaCalendarSettings(pause_on_hold=pause)
    try:
        return SlaCalendarSettings(
            open=value.get("open") or None,
            close=value.get("close") or None,
            workdays=sorted({int(d) for d in value.get("workdays", range(7))}),
            holidays=bool(value.get("holidays")),
            pause_on_hold=pause,
        )
    except (TypeError, ValueError, PydanticError):
        return SlaCalendarSettings(pause_on_hold=pause)


def guardrails_of(conn: Connection) -> DisconnectionGuardrails:
    """The ``disconnection_guardrails`` setting; the defaults (the seed's behaviour) when it
    is absent, and, with a warning in the log, when it is malformed."""
    value = setting(conn, "disconnection_guardrails")
    if value is None:
        return DisconnectionGuardrails()
    try:
        rails = DisconnectionGuardrails.model_validate(value)
    except ValueError as exc:  # pydantic's ValidationError is one
        _LOG.warning("disconnection_guardrails setting ignored (%s): the defaults apply", exc)
        return DisconnectionGuardrails()
    problem = guardrail_rules.settings_problem(rails)
    if problem is not None:
        _LOG.warning("disconnection_guardrails setting ignored (%s): the defaults apply", problem)
        return DisconnectionGuardrails()
    return rails


def required_of(conn: Connection) -> int | None:
    value = setting(conn, "checklist_required")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _executed(conn: Connection) -> bool:
    """A disconnection was executed with the checklist (its ticks are kept by position)."""
    row = conn.execute(
        text("SELECT 1 FROM disconnection_request WHERE executed_at IS NOT NULL LIMIT 1")
    ).first()
    return row is not None


def reason_used(conn: Connection, reason_id: int) -> bool:
    row = conn.execute(
        text("SELECT 1 FROM disconnection_request WHERE reason_id = :r LIMIT 1"), {"r": reason_id}
    ).first()
    return row is not None


def slot_used(conn: Connection, label: str) -> bool:
    row = conn.execute(
        text("SELECT 1 FROM disconnection_request WHERE time_slot = :l LIMIT 1"), {"l": label}
    ).first()
    return row is not None


def sla_targets(conn: Connection) -> list[SlaTargetOut]:
    """The SLA targets per request type, in hours (the create form's and the settings')."""
    return [
        SlaTargetOut(
            request_type=r.request_type,
            acknowledgement_hours=Decimal(str(r.acknowledgement_hours)),
            response_hours=Decimal(str(r.response_hours)),
            resolution_hours=Decimal(str(r.resolution_hours)),
        )
        for r in conn.execute(
            text(
                "SELECT request_type, acknowledgement_hours, response_hours, resolution_hours "
                "FROM sla_target ORDER BY request_type"
            )
        )
    ]


def admin_settings(conn: Connection, message: str = "") -> DisconnectionAdminSettings:
    # one pass each over the requests (not one per row): which reasons and slots they name
    reasons_used = {
        r for (r,) in conn.execute(text("SELECT DISTINCT reason_id FROM disconnection_request"))
    }
    slots_used = {
        s for (s,) in conn.execute(text("SELECT DISTINCT time_slot FROM disconnection_request"))
    }
    reasons = [
        ReasonAdminOut(
            code=r.code,
            name=r.name,
            description=r.description or "",
            priority=r.priority,
            requires_approval=bool(r.requires_approval),
            applies_to=r.applies_to,
            active=bool(r.active),
            position=int(r.position),
            used=r.id in reasons_used,
        )
        for r in conn.execute(
            text(
                "SELECT id, code, name, description, priority, requires_approval, applies_to, "
                "active, position FROM disconnection_reason ORDER BY position, id"
            )
        )
    ]
    slots = [
        TimeSlotAdminOut(
            id=r.id,
            label=r.label,
            start=minutes_text(r.start_minute),
            end=minutes_text(r.end_minute),
            active=bool(r.active),
            used=r.label in slots_used,
        )
        for r in conn.execute(
            text(
                "SELECT id, label, start_minute, end_minute, active FROM time_slot "
                "ORDER BY start_minute, id"
            )
        )
    ]
    targets = sla_targets(conn)
    executed = _executed(conn)
    checklist = [
        ChecklistItemOut(id=r.id, text=r.text, active=bool(r.active), used=executed)
        for r in conn.execute(
            text("SELECT id, text, active FROM checklist_item ORDER BY position, id")
        )
    ]
    holidays = [
        HolidayOut(day=d if isinstance(d, date) else date.fromisoformat(str(d)), name=n)
        for d, n in conn.execute(text("SELECT day, name FROM holiday ORDER BY day"))
    ]
    settings = DisconnectionAdminSettings(
        reasons=reasons,
        time_slots=slots,
        sla_targets=targets,
        checklist=checklist,
        checklist_required=required_of(conn),
        holidays=holidays,
        calendar=calendar_of(conn),
        guardrails=guardrails_of(conn),
        message=message,
    )
    return settings.model_copy(update={"etags": etags_of(settings)})


def etags_of(settings: DisconnectionAdminSettings) -> dict[str, str]:
    """A fingerprint per section of what a person edits there (not whether requests use a
    row: that moves as requests are made, and no edit is stale for it)."""

    def mark(value: Any) -> str:
        text_ = json.dumps(value, sort_keys=True, default=str)
        return hashlib.sha256(text_.encode()).hexdigest()[:16]

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        return [item.model_dump(mode="json", exclude={"used"}) for item in items]

    return {
        "reasons": mark(rows(settings.reasons)),
        "slots": mark(rows(settings.time_slots)),
        "sla": mark(rows(settings.sla_targets)),
        "checklist": mark([rows(settings.checklist), settings.checklist_required]),
        "calendar": mark(settings.calendar.model_dump(mode="json")),
        "holidays": mark(rows(settings.holidays)),
        "guardrails": mark(settings.guardrails.model_dump(mode="json")),
    }


SECTION_NAMES = {
    "reasons": "reasons", "slots": "time slots", "sla": "SLA targets",
    "checklist": "checklist", "calendar": "SLA calendar", "holidays": "holidays",
    "guardrails": "guard-rails",
}  # fmt: skip


def check_based_on(conn: Connection, section: str, based_on: str | None) -> None:
    """Refuse a write made on a stale read of its section (another desk saved since): a
    silent overwrite would lose that desk's change."""
    if based_on is None:
        return
    if admin_settings(conn).etags.get(section) != based_on:
        raise ConflictError(
            f"The {SECTION_NAMES.get(section, section)} were changed at another desk since "
            "you opened them: look at them as they are now, then make your change again."
        )


def put_setting(s: Session, key: str, value: Any, now: Any) -> None:
    """Write app_setting ``key`` (a new version of it); None removes it (the default)."""
    row = s.get(AppSetting, key)
    if value is None:
        if row is not None:
            s.delete(row)
        return
    if row is None:
        s.add(AppSetting(key=key, value=value, updated_at=now))
        return
    row.value = value
    row.updated_at = now
    row.version = (row.version or 0) + 1
    s.add(row)


# ---------------------------------------------------------------- checks


def _text(name: str, value: str | None, label: str, max_length: int, required: bool) -> str:
    cleaned = " ".join((value or "").split())
    if required and not cleaned:
        raise ValidationError(name, f"{label} is required.")
    if len(cleaned) > max_length:
        raise ValidationError(
            name, f"{label} is too long: at most {max_length} characters ({len(cleaned)} now)."
        )
    return cleaned


def minutes_of(name: str, value: str | None, label: str, *, end: bool = False) -> int:
    """ "08:30" -> 510; "24:00" only for an end. ValidationError on ``name`` otherwise."""
    match = HHMM.match((value or "").strip())
    if not match:
        raise ValidationError(name, f"Type the {label} as HH:MM on a 24-hour clock, e.g. 08:00.")
    hours, minutes = int(match.group(1)), int(match.group(2))
    total = hours * 60 + minutes
    if minutes > 59 or total > DAY_MINUTES or (total == DAY_MINUTES and not end):
        upper = "24:00" if end else "23:59"
        raise ValidationError(name, f"The {label} must be a time from 00:00 to {upper}.")
    return total


def hours_of(name: str, value: Decimal, label: str) -> Decimal:
    if not value.is_finite() or value <= 0:
        raise ValidationError(name, f"The {label} target must be more than 0 hours.")
    if value > MAX_HOURS:
        raise ValidationError(name, f"The {label} target is at most {MAX_HOURS:,} hours.")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(
            name, f"The {label} target takes at most two decimals, e.g. 1.5 or 0.25."
        )
    return value.quantize(Decimal("0.01"))


def _reason_dict(r: DisconnectionReason) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "description": r.description,
        "priority": r.priority,
        "requires_approval": bool(r.requires_approval),
        "applies_to": r.applies_to,
        "active": bool(r.active),
        "position": r.position,
    }


def _refuse_emptying(s: Session, row: DisconnectionReason, was: dict[str, Any]) -> None:
    """Each request type keeps an active reason: the create form needs one to offer."""
    kind = str(was["applies_to"])
    if not was["active"] or (row.active and row.applies_to == kind):
        return
    others = s.exec(
        select(DisconnectionReason.id).where(
            DisconnectionReason.applies_to == kind,
            DisconnectionReason.active == True,  # noqa: E712
            DisconnectionReason.id != row.id,
        )
    ).first()
    if others is None:
        raise ValidationError(
            "active" if not row.active or row.applies_to == kind else "applies_to",
            f"{was['code']} is the last active {kind} reason: add or activate another {kind} "
            "reason first, or requests of that type cannot be made.",
        )


# ---------------------------------------------------------------- reasons


def save_reason(s: Session, reason: ReasonIn) -> Change:
    conn = s.connection()
    code = (reason.code or "").strip().upper()
    if not code:
        raise ValidationError("code", "Code is required: e.g. NP-001.")
    if not CODE.match(code):
        raise ValidationError(
            "code", "Type a code like NP-001: two to four letters, a dash and three digits."
        )
    name = _text("name", reason.name, "Name", 120, True)
    description = _text("description", reason.description, "Description", 500, False)
    priority = (reason.priority or "").strip().lower()
    if priority not in PRIORITIES:
        raise ValidationError("priority", "Pick the priority: high, medium or low.")
    applies_to = (reason.applies_to or "").strip().lower()
    if applies_to not in APPLIES_TO:
        raise ValidationError(
            "applies_to", "Pick what it applies to: disconnection or reconnection."
        )
    if reason.position is not None and not 0 <= reason.position <= MAX_POSITION:
        raise ValidationError("position", f"The order is a number from 0 to {MAX_POSITION}.")
    original = (reason.original_code or "").strip().upper() or None
    row: DisconnectionReason | None = None
    if original is not None:
        row = s.exec(
            select(DisconnectionReason).where(DisconnectionReason.code == original)
        ).first()
        if row is None:
            raise NotFoundError(f"No reason has the code {original}: it may have been removed.")
    if row is None or code != row.code:
        taken = s.exec(select(DisconnectionReason).where(DisconnectionReason.code == code)).first()
        if taken is not None:
            raise ValidationError(
                "code",
                f"{code} is already the code of '{taken.name}': pick another code"
                + (", or edit that reason." if row is None else "."),
            )
    if row is not None and code != row.code and reason_used(conn, row.id or 0):
        raise ValidationError(
            "code",
            f"{row.code} is on requests already, so its code stays: keep {row.code}, or "
            "deactivate this reason and add a new one with the new code.",
        )
    before = _reason_dict(row) if row is not None else None
    if row is None:
        last = conn.execute(text("SELECT max(position) FROM disconnection_reason")).scalar()
        position = reason.position if reason.position is not None else int(last or 0) + 1
        row = DisconnectionReason(code=code, name=name, priority=priority, position=position)
    elif reason.position is not None:
        row.position = reason.position
    row.code, row.name, row.description = code, name, description
    row.priority, row.requires_approval = priority, bool(reason.requires_approval)
    row.applies_to, row.active = applies_to, bool(reason.active)
    s.add(row)
    if before is not None:
        _refuse_emptying(s, row, before)
    s.flush()
    after = _reason_dict(row)
    if before == after:
        return Change(f"{code} is unchanged.")
    verb = "added" if before is None else "saved"
    return Change(
        f"Reason {code} {verb}." + ("" if row.active else " It is inactive: not offered."),
        "disconnection_reason_" + ("created" if before is None else "updated"),
        "disconnection_reason",
        code,
        before,
        after,
    )


def remove_reason(s: Session, code: str) -> Change:
    code = (code or "").strip().upper()
    row = s.exec(select(DisconnectionReason).where(DisconnectionReason.code == code)).first()
    if row is None:
        raise NotFoundError(f"No reason has the code {code}: it may have been removed already.")
    before = _reason_dict(row)
    row.active = False
    _refuse_emptying(s, row, before)
    if reason_used(s.connection(), row.id or 0):
        s.add(row)
        if not before["active"]:
            return Change(f"{code} is on requests, so it stays (inactive).")
        return Change(
            f"{code} is on requests, so it was deactivated, not deleted: it is no longer "
            "offered, and its requests keep it.",
            "disconnection_reason_deactivated",
            "disconnection_reason",
            code,
            before,
            _reason_dict(row),
        )
    s.delete(row)
    return Change(
        f"Reason {code} deleted.", "disconnection_reason_deleted", "disconnection_reason", code,
        before, None,
    )  # fmt: skip


# ---------------------------------------------------------------- time slots


def _slot_dict(slot: TimeSlot) -> dict[str, Any]:
    return {
        "label": slot.label,
        "start": minutes_text(slot.start_minute),
        "end": minutes_text(slot.end_minute),
        "active": bool(slot.active),
    }


def _refuse_last_slot(s: Session, slot: TimeSlot) -> None:
    others = s.exec(
        select(TimeSlot.id).where(TimeSlot.active == True, TimeSlot.id != slot.id)  # noqa: E712
    ).first()
    if others is None:
        raise ValidationError(
            "active",
            f"{slot.label} is the last active time slot: add or activate another first, or "
            "no request can be scheduled.",
        )


def save_slot(s: Session, slot: TimeSlotIn) -> Change:
    start = minutes_of("start", slot.start, "start")
    end = minutes_of("end", slot.end, "end", end=True)
    if end <= start:
        raise ValidationError(
            "end", f"The slot must end after it starts ({minutes_text(start)}): pick a later end."
        )
    label = _text("label", slot.label, "Label", 40, False) or slot_label(start, end)
    row: TimeSlot | None = None
    if slot.id is not None:
        row = _time_slot(s, slot.id)
        if row is None:
            raise NotFoundError(f"Time slot {slot.id} is not there: it may have been removed.")
    others = [
        o for o in s.exec(select(TimeSlot).where(TimeSlot.active == True))  # noqa: E712
        if row is None or o.id != row.id
    ]  # fmt: skip
    if slot.active:
        for other in others:
            if start < other.end_minute and other.start_minute < end:
                raise ValidationError(
                    "start",
                    f"{minutes_text(start)}-{minutes_text(end)} overlaps the slot {other.label} "
                    f"({minutes_text(other.start_minute)}-{minutes_text(other.end_minute)}): "
                    "pick times outside it, or change that slot first.",
                )
            if other.label.casefold() == label.casefold():
                raise ValidationError(
                    "label", f"Another active slot is labelled {other.label}: pick another label."
                )
    before = _slot_dict(row) if row is not None else None
    if row is None:
        row = TimeSlot(label=label, start_minute=start, end_minute=end, active=slot.active)
    else:
        if row.active and not slot.active:
            _refuse_last_slot(s, row)
        row.label, row.start_minute, row.end_minute = label, start, end
        row.active = bool(slot.active)
    s.add(row)
    s.flush()
    after = _slot_dict(row)
    if before == after:
        return Change(f"{label} is unchanged.")
    return Change(
        f"Time slot {label} " + ("added." if before is None else "saved.")
        + ("" if row.active else " It is inactive: not offered."),
        "time_slot_" + ("created" if before is None else "updated"),
        "time_slot",
        str(row.id),
        before,
        after,
    )  # fmt: skip


def _time_slot(s: Session, slot_id: int) -> TimeSlot | None:
    """Slot ``slot_id``, or None (also for a number no row id can be: the database would
    refuse to compare it)."""
    return s.get(TimeSlot, slot_id) if 0 < slot_id < 2**63 else None


def remove_slot(s: Session, slot_id: int) -> Change:
    row = _time_slot(s, slot_id)
    if row is None:
        raise NotFoundError(f"Time slot {slot_id} is not there: it may have been removed already.")
    before = _slot_dict(row)
    if row.active:
        _refuse_last_slot(s, row)
    if slot_used(s.connection(), row.label):
        if not row.active:
            return Change(f"{row.label} is on requests, so it stays (inactive).")
        row.active = False
        s.add(row)
        return Change(
            f"{row.label} is on requests, so it was deactivated, not deleted: it is no longer "
            "offered.",
            "time_slot_deactivated", "time_slot", str(row.id), before, _slot_dict(row),
        )  # fmt: skip
    s.delete(row)
    return Change(
        f"Time slot {row.label} deleted.", "time_slot_deleted", "time_slot", str(slot_id),
        before, None,
    )  # fmt: skip


# ---------------------------------------------------------------- SLA targets


def _target_dict(t: SlaTarget) -> dict[str, str]:
    return {
        "acknowledgement_hours": str(
            Decimal(str(t.acknowledgement_hours)).quantize(Decimal("0.01"))
        ),
        "response_hours": str(Decimal(str(t.response_hours)).quantize(Decimal("0.01"))),
        "resolution_hours": str(Decimal(str(t.resolution_hours)).quantize(Decimal("0.01"))),
    }


def save_target(s: Session, target: SlaTargetIn) -> Change:
    kind = (target.request_type or "").strip().lower()
    row = s.get(SlaTarget, kind) if kind else None
    if row is None:
        known = sorted(
            {t for (t,) in s.connection().execute(text("SELECT request_type FROM sla_target"))}
            | {t for t, *_ in SLA_TARGETS}
        )
        if kind not in known:
            raise ValidationError("request_type", f"Pick a request type: {', '.join(known)}.")
    ack = hours_of("acknowledgement_hours", target.acknowledgement_hours, "acknowledgement")
    response = hours_of("response_hours", target.response_hours, "response")
    resolution = hours_of("resolution_hours", target.resolution_hours, "resolution")
    if response < ack:
        raise ValidationError(
            "response_hours",
            f"The response target must be at least the acknowledgement target ({ack} h): "
            "raise it, or lower the acknowledgement.",
        )
    if resolution < response:
        raise ValidationError(
            "resolution_hours",
            f"The resolution target must be at least the response target ({response} h): "
            "raise it, or lower the response.",
        )
    before = _target_dict(row) if row is not None else None
    if row is None:
        row = SlaTarget(request_type=kind)
    row.acknowledgement_hours, row.response_hours = ack, response
    row.resolution_hours = resolution
    s.add(row)
    s.flush()
    after = _target_dict(row)
    label = kind.replace("_", " ")
    if before == after:
        return Change(f"The {label} targets are unchanged.")
    return Change(
        f"SLA targets for {label} saved: new requests' clocks use them.",
        "sla_target_updated", "sla_target", kind, before, after,
    )  # fmt: skip


# ---------------------------------------------------------------- checklist


def _items(s: Session) -> list[dict[str, Any]]:
    rows = s.exec(
        select(ChecklistItem).order_by(col(ChecklistItem.position), col(ChecklistItem.id))
    )
    return [{"text": r.text, "active": bool(r.active)} for r in rows]


def save_checklist(s: Session, checklist: ChecklistIn, now: Any) -> Change:
    conn = s.connection()
    rows = {r.id: r for r in s.exec(select(ChecklistItem))}
    if len(checklist.items) > MAX_CHECKLIST:
        raise ValidationError("items", f"Keep the checklist to {MAX_CHECKLIST} items at most.")
    seen_ids: set[int] = set()
    seen_texts: dict[str, int] = {}
    cleaned: list[tuple[ChecklistItem | None, str, bool]] = []
    for index, item in enumerate(checklist.items):
        body = _text(f"items.{index}.text", item.text, f"Item {index + 1}", 200, True)
        row = None
        if item.id is not None:
            row = rows.get(item.id)
            if row is None or item.id in seen_ids:
                raise ValidationError(
                    f"items.{index}.id",
                    f"Item {index + 1} is not on the checklist any more: reload the settings.",
                )
            seen_ids.add(item.id)
        if item.active:
            folded = body.casefold()
            if folded in seen_texts:
                raise ValidationError(
                    f"items.{index}.text",
                    f"Item {index + 1} repeats item {seen_texts[folded] + 1}: change or remove it.",
                )
            seen_texts[folded] = index
        cleaned.append((row, body, bool(item.active)))
    active = sum(1 for _, _, on in cleaned if on)
    required = checklist.required
    if required is not None and not 0 <= required <= active:
        raise ValidationError(
            "required",
            f"Ticks required must be from 0 to {active} (the active items), or blank for all.",
        )
    before = {"items": _items(s), "required": required_of(conn)}
    executed = _executed(conn)
    kept = {row.id for row, _, _ in cleaned if row is not None}
    deactivated = deleted = 0
    for row_id, row in rows.items():
        if row_id in kept:
            continue
        if executed:  # ticks are kept by position: the old list stays on record
            deactivated += 1 if row.active else 0
            row.active = False
            row.position = MAX_POSITION
            s.add(row)
        else:
            deleted += 1
            s.delete(row)
    s.flush()
    for position, (row, body, on) in enumerate(cleaned, start=1):
        if row is None:
            row = ChecklistItem(position=position, text=body, active=on)
        row.position, row.text, row.active = position, body, on
        s.add(row)
    put_setting(s, "checklist_required", required, now)
    s.flush()
    after = {"items": _items(s), "required": required}
    if before == after:
        return Change("The checklist is unchanged.")
    need = "all" if required is None else str(required)
    note = ""
    if deactivated:
        note = (
            f" {deactivated} item{'s' if deactivated != 1 else ''} left out "
            "deactivated, not deleted (disconnections were executed with them)."
        )
    elif deleted:
        note = f" {deleted} item{'s' if deleted != 1 else ''} deleted."
    return Change(
        f"Checklist saved: {active} active item{'s' if active != 1 else ''}, {need} to tick "
        f"before Execute Disconnection.{note}",
        "checklist_updated", "setting", "checklist", before, after,
    )  # fmt: skip


# ---------------------------------------------------------------- calendar and holidays


def save_calendar(s: Session, calendar: SlaCalendarSettings, now: Any) -> Change:
    conn = s.connection()
    opens = (calendar.open or "").strip()
    closes = (calendar.close or "").strip()
    if bool(opens) != bool(closes):
        missing = "close" if opens else "open"
        raise ValidationError(
            missing,
            f"Give the {'closing' if opens else 'opening'} time too, or leave both blank for "
            "around the clock.",
        )
    open_at = close_at = None
    if opens:
        open_at = minutes_of("open", opens, "opening time")
        close_at = minutes_of("close", closes, "closing time", end=True)
        if close_at <= open_at:
            raise ValidationError(
                "close", f"The office must close after it opens ({minutes_text(open_at)})."
            )
    days = set(calendar.workdays)
    bad = sorted(d for d in days if not 0 <= d <= 6)
    if bad:
        raise ValidationError(
            "workdays", f"Working days are 0 (Monday) to 6 (Sunday): {bad[0]} is not one."
        )
    if not days:
        raise ValidationError("workdays", "Pick at least one working day: the clock must run.")
    before = calendar_of(conn)
    value = {
        "open": None if open_at is None else minutes_text(open_at),
        "close": None if close_at is None else minutes_text(close_at),
        "workdays": sorted(days),
        "holidays": bool(calendar.holidays),
    }
    put_setting(s, "sla_calendar", value, now)
    put_setting(s, "sla_pause_on_hold", bool(calendar.pause_on_hold), now)
    after = SlaCalendarSettings(**value, pause_on_hold=bool(calendar.pause_on_hold))
    if before == after:
        return Change("The SLA calendar is unchanged.")
    hours = "around the clock" if open_at is None else f"{value['open']}-{value['close']}"
    return Change(
        f"SLA calendar saved ({hours}, {len(days)} working day{'s' if len(days) != 1 else ''}"
        f"{', holidays off' if calendar.holidays else ''}"
        f"{', paused on hold' if calendar.pause_on_hold else ''}): new clocks follow it.",
        "sla_calendar_updated", "setting", "sla_calendar",
        before.model_dump(mode="json"), after.model_dump(mode="json"),
    )  # fmt: skip


def add_holiday(s: Session, holiday: HolidayIn) -> Change:
    name = _text("name", holiday.name, "Name", 120, True)
    existing = s.get(Holiday, holiday.day)
    if existing is not None:
        raise ValidationError(
            "day",
            f"{holiday.day.isoformat()} is already a holiday ({existing.name}): pick another "
            "day, or remove that one first.",
        )
    s.add(Holiday(day=holiday.day, name=name))
    return Change(
        f"Holiday {holiday.day.isoformat()} ({name}) added.",
        "holiday_added", "holiday", holiday.day.isoformat(), None,
        {"day": holiday.day.isoformat(), "name": name},
    )  # fmt: skip


def remove_holiday(s: Session, day: date) -> Change:
    existing = s.get(Holiday, day)
    if existing is None:
        raise NotFoundError(f"{day.isoformat()} is not in the holiday calendar.")
    before = {"day": day.isoformat(), "name": existing.name}
    s.delete(existing)
    return Change(
        f"Holiday {day.isoformat()} ({existing.name}) removed.",
        "holiday_removed", "holiday", day.isoformat(), before, None,
    )  # fmt: skip


# ---------------------------------------------------------------- guard-rails


def save_guardrails(s: Session, guardrails: DisconnectionGuardrails, now: Any) -> Change:
    days = set(guardrails.blocked_weekdays)
    bad = sorted(d for d in days if not 0 <= d <= 6)
    if bad:
        raise ValidationError(
            "blocked_weekdays", f"Weekdays are 0 (Monday) to 6 (Sunday): {bad[0]} is not one."
        )
    if len(days) == 7:
        raise ValidationError(
            "blocked_weekdays",
            "Leave at least one weekday open, or no disconnection can be scheduled.",
        )
    if not 0 <= guardrails.min_notice_days <= MAX_NOTICE_DAYS:
        raise ValidationError("min_notice_days", f"Minimum notice is 0 to {MAX_NOTICE_DAYS} days.")
    threshold = guardrails.payment_cancel_threshold
    if threshold is not None:
        if not threshold.is_finite() or threshold < 0:
            raise ValidationError(
                "payment_cancel_threshold",
                "The threshold cannot be negative: 0.00 or more, or blank for none.",
            )
        if threshold != threshold.quantize(Decimal("0.01")):
            raise ValidationError(
                "payment_cancel_threshold", "The threshold takes at most two decimals (cents)."
            )
        if threshold > MAX_THRESHOLD:
            raise ValidationError(
                "payment_cancel_threshold", f"The threshold is at most {MAX_THRESHOLD:,}."
            )
        threshold = threshold.quantize(Decimal("0.01"))
    before = guardrails_of(s.connection())
    after = guardrails.model_copy(
        update={"blocked_weekdays": sorted(days), "payment_cancel_threshold": threshold}
    )
    put_setting(s, "disconnection_guardrails", after.model_dump(mode="json"), now)
    if before == after:
        return Change("The guard-rails are unchanged.")
    return Change(
        "Guard-rails saved: they apply to requests made and payments taken from now on.",
        "disconnection_guardrails_updated", "setting", "disconnection_guardrails",
        before.model_dump(mode="json"), after.model_dump(mode="json"),
    )  # fmt: skip
