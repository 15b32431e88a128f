"""The status lifecycle of a disconnection or reconnection request (seed 003 s.7).

Pending when created; In Progress when acknowledged; On Hold when put on hold and In
Progress again when resumed (one button: Acknowledge, then Put on Hold, then Resume, AC010,
AC011); Completed when resolved (the disconnection executed); Closed when closed with a
reason. Completed and Closed are final: they make the request history.

The service layer asks :func:`next_status` for every change, so an illegal one is refused
the same way on every backend, whatever screen or script asked.
"""

from __future__ import annotations

from enum import StrEnum

from cso_tui.services.errors import ConflictError


class Status(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def final(self) -> bool:
        return self in (Status.COMPLETED, Status.CLOSED)


STATUS_LABELS = {
    Status.PENDING: "Pending",
    Status.IN_PROGRESS: "In Progress",
    Status.ON_HOLD: "On Hold",
    Status.COMPLETED: "Completed",
    Status.CLOSED: "Closed",
}


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    HOLD = "hold"
    RESUME = "resume"
    RESOLVE = "resolve"
    CLOSE = "close"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.ACKNOWLEDGE: "Acknowledge",
    Action.HOLD: "Put on Hold",
    Action.RESUME: "Resume",
    Action.RESOLVE: "Mark as resolved",
    Action.CLOSE: "Close request",
}

#: (from, action) -> to. Anything else is refused.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.PENDING, Action.ACKNOWLEDGE): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.HOLD): Status.ON_HOLD,
    (Status.ON_HOLD, Action.RESUME): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.RESOLVE): Status.COMPLETED,
    (Status.PENDING, Action.CLOSE): Status.CLOSED,
    (Status.IN_PROGRESS, Action.CLOSE): Status.CLOSED,
    (Status.ON_HOLD, Action.CLOSE): Status.CLOSED,
}

#: The detail view's one status button (AC011): what it does in each status.
BUTTON: dict[Status, Action] = {
    Status.PENDING: Action.ACKNOWLEDGE,
    Status.IN_PROGRESS: Action.HOLD,
    Status.ON_HOLD: Action.RESUME,
}

#: Why a request is closed (seed 003, "Close request" dialog): (value, label).
CLOSE_REASONS: tuple[tuple[str, str], ...] = (
    ("issue_resolved", "Issue resolved"),
    ("duplicate_request", "Duplicate request"),
    ("cancelled_by_consumer", "Cancelled by consumer"),
    ("no_consumer_response", "No consumer response"),
    ("other", "Other"),
)

#: Why the service layer itself closes a request (not offered in the dialog, refused there):
#: a payment left the balance at the guard-rails' threshold (rules/guardrails.py).
AUTOMATIC_CLOSE_REASONS: tuple[tuple[str, str], ...] = (("payment_received", "Payment received"),)

_HOW = {
    Action.ACKNOWLEDGE: "acknowledged",
    Action.HOLD: "put on hold",
    Action.RESUME: "resumed",
    Action.RESOLVE: "resolved",
    Action.CLOSE: "closed",
}

_FIRST = {
    Status.PENDING: "acknowledge it first",
    Status.IN_PROGRESS: "it is already in progress",
    Status.ON_HOLD: "resume it first",
    Status.COMPLETED: "it is completed",
    Status.CLOSED: "it is closed",
}


def next_status(status: Status | str, action: Action | str) -> Status:
    """The status ``action`` leads to from ``status``; a ConflictError says why not."""
    now, act = Status(status), Action(action)
    after = TRANSITIONS.get((now, act))
    if after is None:
        raise ConflictError(f"A request that is {now.label} cannot be {_HOW[act]}: {_FIRST[now]}.")
    return after


def allowed(status: Status | str) -> list[Action]:
    """The actions a request in ``status`` takes, in the order the screen offers them."""
    now = Status(status)
    return [a for a in Action if (now, a) in TRANSITIONS]
