"""Contract: holding a consumer's profile while a request is made for it (seed 003 AC002):
one holder at a time, others told who holds it, no changes by others meanwhile, the hold
lapses unless renewed, and taking and letting go are audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contract.support import STAFF, World
from cso_tui.services.errors import ConflictError, NotFoundError, PermissionDeniedError
from cso_tui.services.errors import ValidationError as FieldError
from cso_tui.services.schemas import ConsumerUpdate

PURPOSE = "disconnection request"


def test_one_holder_at_a_time_and_others_are_told_who(world: World) -> None:
    b = world.backend
    held = b.lock_consumer(world.token("call_center"), "wu-10001", PURPOSE)
    assert (held.account_no, held.holder_username) == ("WU-10001", "callcenter")
    assert held.holder == STAFF["call_center"][1]
    assert held.since == world.clock.now
    assert held.expires_at == world.clock.now + timedelta(minutes=15)
    with pytest.raises(ConflictError) as err:
        b.lock_consumer(world.token("recovery_executive"), "WU-10001", PURPOSE)
    assert err.value.message == (
        f"WU-10001 is held by {STAFF['call_center'][1]} (disconnection request) for up to "
        "15 more minutes: try again then, or ask them to finish."
    )
    # the profile says so to everyone
    alerts = b.get_profile(world.token("recovery_executive"), "WU-10001").alerts
    assert any(a.kind == "lock" and STAFF["call_center"][1] in a.text for a in alerts)


def test_others_cannot_change_the_held_profile_the_holder_can(world: World) -> None:
    b = world.backend
    b.lock_consumer(world.token("call_center"), "WU-10001", PURPOSE)
    current = b.get_consumer(world.token(), "WU-10001")
    with pytest.raises(ConflictError, match="is held by"):
        b.update_consumer(
            world.token("cso_admin"), "WU-10001", ConsumerUpdate(phone="(555) 987-6543"),
            current.version, "k-admin",
        )  # fmt: skip
    assert b.get_consumer(world.token(), "WU-10001").phone == current.phone  # nothing saved
    done = b.update_consumer(
        world.token("call_center"), "WU-10001", ConsumerUpdate(phone="(555) 987-6543"),
        current.version, "k-holder",
    )  # fmt: skip
    assert done.phone == "(555) 987-6543"


def test_the_hold_lapses_unless_renewed(world: World) -> None:
    b = world.backend
    first = b.lock_consumer(world.token("call_center"), "WU-10001", PURPOSE)
    world.clock.advance(minutes=10)
    again = b.lock_consumer(world.token("call_center"), "WU-10001", PURPOSE)  # renews
    assert again.since == first.since
    assert again.expires_at == world.clock.now + timedelta(minutes=15)
    world.clock.advance(minutes=14)
    with pytest.raises(ConflictError):
        b.lock_consumer(world.token("recovery_executive"), "WU-10001", PURPOSE)
    world.clock.advance(minutes=2)  # lapsed: someone else may take it
    taken = b.lock_consumer(world.token("recovery_executive"), "WU-10001", PURPOSE)
    assert taken.holder_username == "recovery" and taken.since == world.clock.now
    alerts = b.get_profile(world.token(), "WU-10001").alerts
    assert [a.text for a in alerts if a.kind == "lock"] == [
        f"Held by {STAFF['recovery_executive'][1]}"
    ]


def test_release_frees_it_and_both_ends_are_audited(world: World) -> None:
    b = world.backend
    b.lock_consumer(world.token("call_center"), "WU-10001", PURPOSE)
    b.release_consumer(world.token("recovery_executive"), "WU-10001")  # not theirs: nothing
    with pytest.raises(ConflictError):
        b.lock_consumer(world.token("recovery_executive"), "WU-10001", PURPOSE)
    b.release_consumer(world.token("call_center"), "WU-10001")
    b.release_consumer(world.token("call_center"), "WU-10001")  # again: nothing
    b.lock_consumer(world.token("recovery_executive"), "WU-10001", PURPOSE)
    actions = [(e.action, e.username) for e in world.db.audit(entity_id="WU-10001")]
    assert actions == [
        ("consumer_locked", "callcenter"),
        ("consumer_released", "callcenter"),
        ("consumer_locked", "recovery"),
    ]


def test_refusals(world: World) -> None:
    b = world.backend
    with pytest.raises(NotFoundError):
        b.lock_consumer(world.token(), "WU-99999", PURPOSE)
    with pytest.raises(FieldError) as err:
        b.lock_consumer(world.token(), "WU-10001", "  ")
    assert err.value.field == "purpose"
    with pytest.raises(PermissionDeniedError):
        b.lock_consumer(world.token("field_technician"), "WU-10001", PURPOSE)
