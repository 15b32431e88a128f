"""Column types that hold the project's rules on money, time and identifiers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    """Exact Decimal with two places. Floats are refused: they cannot hold cents exactly."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass Decimal, int or str")
    try:
        amount = Decimal(value)
        if not amount.is_finite():
            raise ValueError(f"not an amount: {value!r}")
        exact = amount.quantize(CENT, rounding=ROUND_HALF_EVEN)
    except InvalidOperation as exc:  # unparseable, or too large to hold cents
        raise ValueError(f"not an amount: {value!r}") from exc
    if amount != exact:
        raise ValueError(f"amount has more than two decimals: {value!r}")
    return exact


def to_cents(value: Decimal) -> int:
    return int(to_money(value) * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


class Money(TypeDecorator[Decimal]):
    """Decimal in Python, integer cents in the database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return to_cents(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_cents(int(value))


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python; naive UTC on SQLite, timestamptz on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime: times must be timezone-aware")
        utc: datetime = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None)
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=UTC)
        return stored.astimezone(UTC)


def IdentString(length: int = 40) -> Any:
    """Identifier text compared byte-wise (collation C on PostgreSQL): range scans use the index."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")
