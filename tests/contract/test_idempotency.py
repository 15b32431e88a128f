"""Contract: every mutating call happens once per idempotency key."""

from __future__ import annotations

import pytest

from contract.support import World
from cso_tui.services.errors import ConflictError
from cso_tui.services.errors import ValidationError as FieldError
from cso_tui.services.schemas import ConsumerUpdate


def test_update_retried_with_the_same_key_acts_once(world: World) -> None:
    token = world.token("customer_executive")
    changes = ConsumerUpdate(phone="555-765-0000")
    first = world.backend.update_consumer(token, "WU-10001", changes, 1, "retry-1")
    world.clock.advance(seconds=30)
    second = world.backend.update_consumer(token, "WU-10001", changes, 1, "retry-1")
    assert second == first
    assert first.version == 2
    assert world.db.consumer("WU-10001").version == 2
    assert len(world.db.audit("consumer_updated")) == 1


def test_the_same_key_with_another_body_is_a_conflict(world: World) -> None:
    token = world.token("customer_executive")
    world.backend.update_consumer(token, "WU-10001", ConsumerUpdate(vip=True), 1, "key-x")
    for changes, version, account in (
        (ConsumerUpdate(vip=False), 1, "WU-10001"),  # other change
        (ConsumerUpdate(vip=True), 2, "WU-10001"),  # other version
        (ConsumerUpdate(vip=True), 1, "WU-10002"),  # other consumer
    ):
        with pytest.raises(ConflictError):
            world.backend.update_consumer(token, account, changes, version, "key-x")
    assert world.db.consumer("WU-10001").vip is True
    assert world.db.consumer("WU-10001").version == 2
    assert world.db.consumer("WU-10002").version == 1
    assert len(world.db.audit("consumer_updated")) == 1


def test_a_key_belongs_to_the_user_who_used_it(world: World) -> None:
    changes = ConsumerUpdate(vip=True)
    world.backend.update_consumer(world.token("cso_admin"), "WU-10001", changes, 1, "shared-key")
    with pytest.raises(ConflictError):
        world.backend.update_consumer(
            world.token("cso_manager"), "WU-10001", changes, 1, "shared-key"
        )
    assert len(world.db.audit("consumer_updated")) == 1


def test_the_same_key_on_another_operation_is_a_conflict(world: World) -> None:
    token = world.token()
    world.backend.add_note(token, "WU-10001", "Called about the bill.", "op-key")
    with pytest.raises(ConflictError):
        world.backend.update_consumer(token, "WU-10001", ConsumerUpdate(vip=True), 1, "op-key")
    assert world.db.consumer("WU-10001").version == 1


def test_a_retried_note_is_written_once(world: World) -> None:
    token = world.token("call_center")
    first = world.backend.add_note(token, "WU-10001", "Customer will pay Friday.", "note-1")
    world.clock.advance(minutes=1)
    second = world.backend.add_note(token, "WU-10001", "Customer will pay Friday.", "note-1")
    assert second == first
    assert len(world.db.notes("WU-10001")) == 1
    assert len(world.db.audit("note_added")) == 1
    assert [n.id for n in world.backend.list_notes(token, "WU-10001")] == [first.id]


def test_a_note_key_reused_for_another_text_is_a_conflict(world: World) -> None:
    token = world.token("call_center")
    world.backend.add_note(token, "WU-10001", "First text.", "note-2")
    with pytest.raises(ConflictError):
        world.backend.add_note(token, "WU-10001", "Second text.", "note-2")
    assert [n.body for n in world.db.notes("WU-10001")] == ["First text."]


def test_a_retried_user_creation_creates_one_user(world: World) -> None:
    token = world.token("cso_admin")
    args = ("nina", "Nina New", "call_center", "long-enough-1")
    first = world.backend.create_user(token, *args, idempotency_key="user-1")
    second = world.backend.create_user(token, *args, idempotency_key="user-1")
    assert second == first
    assert len(world.db.audit("user_created")) == 1
    with pytest.raises(ConflictError):
        world.backend.create_user(
            token, "nina", "Nina New", "call_center", "another-pass-2", idempotency_key="user-1"
        )


@pytest.mark.parametrize("key", ["", "k" * 81])
def test_a_missing_or_oversized_key_is_refused(world: World, key: str) -> None:
    with pytest.raises(FieldError) as exc:
        world.backend.update_consumer(world.token(), "WU-10001", ConsumerUpdate(vip=True), 1, key)
    assert exc.value.field == "idempotency_key"
    with pytest.raises(FieldError):
        world.backend.add_note(world.token(), "WU-10001", "text", key)
    assert world.db.consumer("WU-10001").version == 1
    assert world.db.notes("WU-10001") == []


def test_a_failed_call_does_not_use_up_its_key(world: World) -> None:
    token = world.token()
    with pytest.raises(ConflictError):  # stale version
        world.backend.update_consumer(token, "WU-10001", ConsumerUpdate(vip=True), 5, "again")
    done = world.backend.update_consumer(token, "WU-10001", ConsumerUpdate(vip=True), 1, "again")
    assert done.version == 2
