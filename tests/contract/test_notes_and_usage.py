"""Contract: notes on a consumer's account, behaviour-tracking events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from contract.support import ROLES, STAFF, World
from cso_tui.services.errors import NotFoundError
from cso_tui.services.errors import ValidationError as FieldError


def test_notes_are_listed_newest_first(world: World) -> None:
    token = world.token("recovery_executive")
    written = []
    for i in range(4):
        written.append(world.backend.add_note(token, "WU-10001", f"Note {i}", f"n-{i}"))
        world.clock.advance(minutes=5)
    notes = world.backend.list_notes(token, "WU-10001")
    assert [n.body for n in notes] == ["Note 3", "Note 2", "Note 1", "Note 0"]
    assert [n.id for n in notes] == [w.id for w in reversed(written)]
    assert world.backend.list_notes(token, "WU-10002") == []


def test_notes_written_in_the_same_instant_keep_their_order(world: World) -> None:
    token = world.token()
    for i in range(3):
        world.backend.add_note(token, "WU-10001", f"Same time {i}", f"same-{i}")
    bodies = [n.body for n in world.backend.list_notes(token, "WU-10001")]
    assert bodies == ["Same time 2", "Same time 1", "Same time 0"]


def test_a_note_records_author_time_and_account(world: World) -> None:
    note = world.backend.add_note(
        world.token("call_center"), "wu-10001", "  Promised to pay on Friday.  ", "n-1"
    )
    assert note.account_no == "WU-10001"
    assert note.author_name == STAFF["call_center"][1]
    assert note.body == "Promised to pay on Friday."
    assert note.created_at == world.clock.now
    assert note.created_at.utcoffset() is not None
    rows = world.db.audit("note_added")
    assert [(r.entity_id, r.username, r.after["body"]) for r in rows] == [
        ("WU-10001", "callcenter", "Promised to pay on Friday.")
    ]
    listed = world.backend.list_notes(world.token("field_technician"), "WU-10001")
    assert listed == [note]


def test_list_notes_honours_the_limit(world: World) -> None:
    token = world.token()
    for i in range(5):
        world.backend.add_note(token, "WU-10001", f"Note {i}", f"lim-{i}")
        world.clock.advance(seconds=1)
    assert [n.body for n in world.backend.list_notes(token, "WU-10001", limit=2)] == [
        "Note 4",
        "Note 3",
    ]


@pytest.mark.parametrize(("body", "field"), [("", "body"), ("   ", "body"), ("x" * 2001, "body")])
def test_an_invalid_note_is_refused(readonly_world: World, body: str, field: str) -> None:
    with pytest.raises(FieldError) as exc:
        readonly_world.backend.add_note(readonly_world.token(), "WU-10001", body, "bad-note")
    assert exc.value.field == field
    assert readonly_world.db.notes("WU-10001") == []
    assert readonly_world.db.audit("note_added") == []


def test_notes_on_an_unknown_account(world: World) -> None:
    with pytest.raises(NotFoundError):
        world.backend.add_note(world.token(), "WU-99999", "Hello", "ghost-note")
    with pytest.raises(NotFoundError):
        world.backend.list_notes(world.token(), "WU-99999")
    assert world.db.audit("note_added") == []


def test_every_role_may_add_and_read_notes(world: World) -> None:
    written = []
    for role in ROLES:
        written.append(
            world.backend.add_note(world.token(role), "WU-10002", f"By {role}", f"role-{role}")
        )
        world.clock.advance(seconds=1)
        assert world.backend.list_notes(world.token(role), "WU-10002") == written[::-1], role
    assert [n.author_name for n in written] == [STAFF[role][1] for role in ROLES]


def test_record_usage_stores_the_event(world: World) -> None:
    world.backend.record_usage(
        world.token("cso_manager"), "Viewed_Landing_Page", {"screen": "home", "ms": 120}
    )
    events = world.db.usage("Viewed_Landing_Page")
    assert [(e.role, e.properties) for e in events] == [
        ("cso_manager", {"screen": "home", "ms": 120})
    ]
    assert events[0].user_id == world.db.user("manager").id
    assert events[0].at == world.clock.now


@pytest.mark.parametrize(
    ("event", "properties", "field"),
    [
        ("", {}, "event"),
        ("ab", {}, "event"),
        ("Bad-Name", {}, "event"),
        ("1st_event", {}, "event"),
        ("x" * 65, {}, "event"),
        ("Big_Event", {"blob": "x" * 5000}, "properties"),
    ],
)
def test_record_usage_refuses_bad_events(
    readonly_world: World, event: str, properties: dict[str, str], field: str
) -> None:
    with pytest.raises(FieldError) as exc:
        readonly_world.backend.record_usage(readonly_world.token(), event, properties)
    assert exc.value.field == field
    assert readonly_world.db.usage(event) == []


@pytest.mark.parametrize(
    "properties",
    [
        {"balance": Decimal("75.30")},
        {"at": datetime(2024, 11, 20, 9, 0, tzinfo=UTC)},
        {"on": date(2024, 11, 20)},
    ],
    ids=["decimal", "datetime", "date"],
)
def test_record_usage_with_values_that_are_not_plain_json(
    readonly_world: World, properties: dict[str, object]
) -> None:
    """Money is Decimal and times are datetimes everywhere: a UI may well pass them along.

    They are stored (as text), or refused with a ValidationError naming ``properties``;
    never a raw database error.
    """
    world = readonly_world  # an event of its own name changes nothing others look at
    ((key, value),) = properties.items()
    event_name = f"Viewed_{key.title()}"
    try:
        world.backend.record_usage(world.token(), event_name, properties)
    except FieldError as exc:
        assert exc.field == "properties"
        assert world.db.usage(event_name) == []
        return
    (event,) = world.db.usage(event_name)
    as_text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    assert str(event.properties[key]) in (str(value), as_text)
