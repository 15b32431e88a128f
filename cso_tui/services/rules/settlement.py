"""Money of a disconnection: the financial settlement and the final bill (seed 003 s.7).

Settlement: Net Amount = Outstanding - Security Deposit Refund, where the refund is the
whole deposit when "Use in bill" is on (on by default when something is outstanding) and
$0.00 when off. A negative net is a refund due to the consumer, a positive one an amount
the consumer pays. Sample: $456.78 - $200.00 = $256.78, payable by the consumer.

Final bill: Final Amount Due = (Billed Amount + Outstanding Amount) - Security Deposit
Applied, the deposit applied capped at what the deposit ledger holds, and at the amount it
settles: a bill fully settled by the deposit shows $0.00 due, and what the deposit has left
is refunded to the consumer.

Every figure is Decimal cents; no figure is ever a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from cso_tui.services.errors import ValidationError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal, field: str) -> Decimal:
    """``value`` as money: finite, at most two decimal places, not negative."""
    if not value.is_finite():
        raise ValidationError(field, "Type an amount, e.g. 456.78.")
    if value != value.quantize(CENT):
        raise ValidationError(field, "Amounts have at most two decimal places.")
    if value < 0:
        raise ValidationError(field, "Amounts cannot be negative.")
    return value.quantize(CENT)


class Direction(StrEnum):
    PAYABLE = "payable"  # the consumer pays
    REFUND = "refund"  # the utility pays back
    SETTLED = "settled"

    @property
    def label(self) -> str:
        return {
            Direction.PAYABLE: "Amount payable by consumer",
            Direction.REFUND: "Refund due to consumer",
            Direction.SETTLED: "Settled",
        }[self]


def _direction(net: Decimal) -> Direction:
    if net > 0:
        return Direction.PAYABLE
    return Direction.REFUND if net < 0 else Direction.SETTLED


def use_deposit_by_default(outstanding: Decimal) -> bool:
    """The "Use in bill" toggle starts on when something is outstanding."""
    return outstanding > 0


@dataclass(frozen=True)
class Settlement:
    outstanding: Decimal
    deposit: Decimal
    use_deposit: bool
    deposit_refund: Decimal  # the deduction: the deposit when used, else 0
    net: Decimal  # outstanding - deposit_refund; negative: a refund due

    @property
    def direction(self) -> Direction:
        return _direction(self.net)

    @property
    def cleared(self) -> bool:
        """Nothing outstanding: the card says $0.00 "Cleared"."""
        return self.outstanding == 0


def settle(outstanding: Decimal, deposit: Decimal, use_deposit: bool) -> Settlement:
    outstanding = cents(outstanding, "outstanding")
    deposit = cents(deposit, "deposit")
    refund = deposit if use_deposit else ZERO
    return Settlement(outstanding, deposit, use_deposit, refund, outstanding - refund)


@dataclass(frozen=True)
class FinalBill:
    billed: Decimal
    outstanding: Decimal
    deposit: Decimal  # the original deposit still held
    use_deposit: bool
    deposit_applied: Decimal  # shown as a deduction; 0 when the deposit is retained
    final_due: Decimal  # never negative
    deposit_refund: Decimal  # what the deposit has left after the bill, paid back

    @property
    def direction(self) -> Direction:
        return _direction(self.final_due) if self.final_due else Direction.SETTLED


def final_bill(
    billed: Decimal, outstanding: Decimal, deposit: Decimal, use_deposit: bool
) -> FinalBill:
    billed = cents(billed, "billed")
    outstanding = cents(outstanding, "outstanding")
    deposit = cents(deposit, "deposit")
    total = billed + outstanding
    applied = min(deposit, total) if use_deposit else ZERO
    refund = deposit - applied if use_deposit else ZERO
    return FinalBill(billed, outstanding, deposit, use_deposit, applied, total - applied, refund)
