"""Charges for metered usage (seed 003 final bill: "service usage, fixed charges, and taxes").

Per utility a fixed charge per bill and a price per unit (gallons of water, kWh of
electricity), then a tax on the whole; each line rounds half up to the cent. The defaults are
the demo's own rates (the seeds give none); the database setting ``tariff`` replaces them:
``{"water": {"fixed": "12.50", "per_unit": "0.011"}, "electricity": {"fixed": "10.00",
"per_unit": "0.14"}, "tax_percent": "5"}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rate:
    fixed: Decimal  # per bill
    per_unit: Decimal


@dataclass(frozen=True)
class Tariff:
    rates: dict[str, Rate] = field(
        default_factory=lambda: {
            "water": Rate(Decimal("12.50"), Decimal("0.011")),
            "electricity": Rate(Decimal("10.00"), Decimal("0.14")),
        }
    )
    tax_percent: Decimal = Decimal("5")


@dataclass(frozen=True)
class Charge:
    utility: str
    usage: Decimal
    fixed: Decimal
    usage_charge: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.fixed + self.usage_charge + self.tax


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def charge(tariff: Tariff, utility: str, usage: Decimal) -> Charge:
    """The charges for ``usage`` units of ``utility`` (an unknown utility: no charge)."""
    rate = tariff.rates.get(utility, Rate(Decimal(0), Decimal(0)))
    fixed = _money(rate.fixed)
    usage_charge = _money(usage * rate.per_unit)
    tax = _money((fixed + usage_charge) * tariff.tax_percent / 100)
    return Charge(utility, usage, fixed, usage_charge, tax)


def tariff_of(value: Any) -> Tariff:
    """The ``tariff`` setting as a Tariff; anything missing or unreadable keeps the default."""
    default = Tariff()
    if not isinstance(value, dict):
        return default
    rates = dict(default.rates)
    try:
        for utility, rate in value.items():
            if isinstance(rate, dict):
                rates[utility] = Rate(Decimal(str(rate["fixed"])), Decimal(str(rate["per_unit"])))
        tax = Decimal(str(value.get("tax_percent", default.tax_percent)))
    except (KeyError, InvalidOperation, TypeError):
        return default
    return Tariff(rates, tax)
