"""Collections aging (issue 4, recovery view): how far past due an account's oldest unpaid
bill is, as a risk bucket. 30 days or fewer: low; 31-60: medium; 61-90: high; over 90:
critical (the seed's "<30 / 31-60 / 61-90 / 90+" leaves day 30 and day 90 open: 30 is low,
90 is high)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Risk(StrEnum):
    NONE = "none"  # nothing past due
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def label(self) -> str:
        return "—" if self is Risk.NONE else self.value.title()


def days_past_due(oldest_unpaid_due: date | None, today: date) -> int:
    """Days since the oldest unpaid bill fell due (0 when none is past due)."""
    if oldest_unpaid_due is None or oldest_unpaid_due >= today:
        return 0
    return (today - oldest_unpaid_due).days


def risk_of(days: int) -> Risk:
    if days <= 0:
        return Risk.NONE
    if days <= 30:
        return Risk.LOW
    if days <= 60:
        return Risk.MEDIUM
    if days <= 90:
        return Risk.HIGH
    return Risk.CRITICAL


#: Overdue beyond this many days: "collection" (seed 003's NP-001: "exceeding 90 days").
COLLECTION_AFTER_DAYS = 90

#: Payment standings, mildest first.
STANDINGS = ("current", "past_due", "collection")


def standing_of(days: int) -> str:
    """An account's payment standing from :func:`days_past_due` of its oldest unpaid bill."""
    if days <= 0:
        return "current"
    return "past_due" if days <= COLLECTION_AFTER_DAYS else "collection"


def worse_standing(a: str, b: str) -> str:
    return a if STANDINGS.index(a) >= STANDINGS.index(b) else b
