"""A payment on the ledger, to the cent (pure: no I/O).

A payment settles the consumer's open bills oldest first (due date, then bill); what is left
over stays as credit on the balance. A bill is paid when its payments reach its amount,
partially paid while something but not all is paid. A payment never worsens the consumer's
payment standing: it becomes the standing the oldest bill still open gives, if milder.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from cso_tui.models.enums import PaymentMethod
from cso_tui.services.rules.aging import STANDINGS, days_past_due, standing_of

K = TypeVar("K")  # what the caller knows a bill by

#: The methods a payment is recorded with (the ``catalog`` setting may narrow the list).
METHODS: tuple[str, ...] = tuple(m.value for m in PaymentMethod)
#: Paid on paper; every other method is digital (the health score's digital engagement).
PAPER_METHODS = frozenset({PaymentMethod.CASH.value, PaymentMethod.CHEQUE.value})
CENT = Decimal("0.01")


def allocate(
    amount: Decimal, bills: Sequence[tuple[K, Decimal, Decimal]]
) -> list[tuple[K, Decimal]]:
    """How ``amount`` settles ``bills`` ((key, amount, paid), oldest first): (key, part) for
    each bill it reaches, in order. The sum of the parts is at most ``amount``."""
    left = amount
    parts: list[tuple[K, Decimal]] = []
    for key, billed, paid in bills:
        if left <= 0:
            break
        part = min(left, billed - paid)
        if part > 0:
            parts.append((key, part))
            left -= part
    return parts


def bill_status(amount: Decimal, paid: Decimal) -> str:
    if paid >= amount:
        return "paid"
    return "partially_paid" if paid > 0 else "unpaid"


def is_digital(method: str) -> bool:
    return method not in PAPER_METHODS


def standing_after_payment(
    current: str, oldest_open_due: date | None, balance: Decimal, today: date
) -> str:
    """The payment standing once paid: the milder of ``current`` and what the oldest bill
    still open gives. A balance still owed with no open bill on file (a ledger not kept in
    bills) keeps the standing as it is."""
    if oldest_open_due is None and balance > 0:
        return current
    aged = standing_of(days_past_due(oldest_open_due, today))
    if current not in STANDINGS:
        return aged
    return aged if STANDINGS.index(aged) < STANDINGS.index(current) else current
