"""Contract: the notification outbox delivered by SMTP to a real local server (aiosmtpd), each
send in the audit log (seed 003 AC019/AC020), retries and final failure; SLA breaches
escalated to supervisors once (seed 003 "SLA breach -> Automatic escalation notification to
supervisors")."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from sqlmodel import select

from contract.support import World
from cso_tui.models import AppSetting, NotificationOutbox, User
from cso_tui.services.schemas import NewDisconnectionRequest

aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def use_smtp(world: World, port: int) -> None:
    with world.db.write() as s:
        s.add(
            AppSetting(
                key="smtp",
                value={"host": "127.0.0.1", "port": port, "sender": "cso@utility.example"},
                updated_at=world.clock(),
            )
        )


def make(world: World, account_no: str = "WU-10001", notify: bool = True) -> str:
    request = NewDisconnectionRequest(
        account_no=account_no,
        reason_code="NP-001",
        preferred_date=world.clock().date() + timedelta(days=5),
        time_slot="10:00 AM - 12:00 PM",
        notify_customer=notify,
    )
    out = world.backend.create_disconnection_request(world.token(), request, f"make-{account_no}")
    return out.request_no


def outbox(world: World) -> list[NotificationOutbox]:
    with world.db.read() as s:
        return list(s.exec(select(NotificationOutbox).order_by(NotificationOutbox.id)).all())


def test_a_ticked_notify_box_emails_the_customer_and_audits_it(
    world: World, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    use_smtp(world, port)
    number = make(world)
    report = world.backend.deliver_notifications(world.token("call_center"))
    assert (report.configured, report.sent, report.waiting, report.failed) == (True, 1, 0, 0)
    (mail,) = inbox.messages
    assert mail["To"] == "john.doe@example.com"
    assert mail["From"] == "cso@utility.example"
    assert mail["Subject"] == f"Your disconnection request {number}"
    assert number in mail.get_payload()
    (row,) = outbox(world)
    assert (row.status, row.attempts, row.related) == ("sent", 1, number)
    (event,) = world.db.audit("notification_sent")
    assert event.after is not None and event.after["recipient"] == "john.doe@example.com"
    assert event.after["related"] == number and event.username == "system"
    # sent once: a second run has nothing to do
    again = world.backend.deliver_notifications(world.token())
    assert (again.sent, again.waiting) == (0, 0) and len(inbox.messages) == 1


def test_an_unticked_box_sends_nothing(world: World, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    use_smtp(world, port)
    make(world, notify=False)
    assert world.backend.deliver_notifications(world.token()).sent == 0
    assert inbox.messages == [] and outbox(world) == []


def test_without_an_smtp_server_mail_waits(world: World) -> None:
    make(world)
    report = world.backend.deliver_notifications(world.token())
    assert (report.configured, report.sent, report.waiting) == (False, 0, 1)
    assert outbox(world)[0].status == "pending"


def test_a_failing_server_is_retried_later_then_given_up(world: World) -> None:
    use_smtp(world, free_port())  # nothing listens there
    make(world)
    b = world.backend
    first = b.deliver_notifications(world.token())
    assert (first.sent, first.retrying, first.waiting) == (0, 1, 1)
    (row,) = outbox(world)
    assert row.attempts == 1 and row.last_error and "Connection" in row.last_error
    # not tried again before its pause is over
    assert b.deliver_notifications(world.token()).retrying == 0
    for pause in (1, 5, 15, 20, 20, 20):  # (sessions lapse after 30 idle minutes)
        world.clock.advance(minutes=pause)
        b.deliver_notifications(world.token())
    (row,) = outbox(world)
    assert (row.status, row.attempts) == ("failed", 5)
    (event,) = world.db.audit("notification_failed")
    assert event.after is not None and event.after["attempts"] == 5


def test_an_sla_breach_is_escalated_to_supervisors_once(
    world: World, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    use_smtp(world, port)
    with world.db.write() as s:
        for user in s.exec(select(User)).all():
            user.email = f"{user.username}@utility.example"
            s.add(user)
    number = make(world, notify=False)
    b = world.backend
    world.clock.advance(minutes=25)
    assert b.deliver_notifications(world.token()).escalated == 0  # within the 2 h target
    for _ in range(4):
        world.clock.advance(minutes=25)  # sessions lapse after 30 idle minutes
        b.deliver_notifications(world.token())
    # 2 h 05 after creation, not acknowledged: the acknowledgement target is missed
    assert sorted(m["To"] for m in inbox.messages) == [
        "admin@utility.example",
        "manager@utility.example",
    ]
    assert inbox.messages[0]["Subject"] == f"SLA breached: {number} (Acknowledgement)"
    (event,) = world.db.audit("sla_breach_escalated")
    assert event.entity_id == number
    assert event.after is not None and sorted(event.after["supervisors"]) == ["admin", "manager"]
    world.clock.advance(minutes=25)
    assert b.deliver_notifications(world.token()).escalated == 0
    assert len(inbox.messages) == 2
