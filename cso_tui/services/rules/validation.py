"""Field validation shared by every write: each failure names the field and says what to fix."""

from __future__ import annotations

import re
from decimal import Decimal

from cso_tui.services.errors import ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE_CHARS = re.compile(r"^[+()0-9 .\-]+$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")


def required_text(field: str, value: str | None, label: str, max_len: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(field, f"{label} is required.")
    if len(text) > max_len:
        raise ValidationError(field, f"{label} is too long: at most {max_len} characters.")
    return text


def optional_text(field: str, value: str | None, label: str, max_len: int) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > max_len:
        raise ValidationError(field, f"{label} is too long: at most {max_len} characters.")
    return text


def email(field: str, value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not _EMAIL.match(text):
        raise ValidationError(field, "Email must look like name@example.com.")
    return text


def phone(field: str, value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    digits = re.sub(r"\D", "", text)
    if not _PHONE_CHARS.match(text) or not 7 <= len(digits) <= 15:
        raise ValidationError(
            field, "Phone must be 7 to 15 digits, e.g. (555) 123-4567 or +1 555 123 4567."
        )
    return text


def username(field: str, value: str) -> str:
    text = value.strip().lower()
    if not _USERNAME.match(text):
        raise ValidationError(
            field, "User name: 2-64 characters, lower-case letters, digits, '.', '_' or '-'."
        )
    return text


def new_password(field: str, value: str) -> str:
    if len(value) < 8:
        raise ValidationError(field, "Password must be at least 8 characters.")
    return value


#: Account numbers: a utility prefix and digits, as the seeds write them (WU-10001,
#: ACC-2024-001789). The database setting ``consumer_rules.account_pattern`` may narrow it.
ACCOUNT_PATTERN = r"^[A-Z]{2,5}-[0-9]{3,10}(-[0-9]{3,10})?$"


def account_no(field: str, value: str | None, pattern: str = ACCOUNT_PATTERN) -> str:
    text = required_text(field, value, "Account number", 32).upper()
    if not re.fullmatch(pattern, text):
        raise ValidationError(
            field,
            f"Account number {text!r} is not in the utility's format: a prefix, a dash and "
            "digits, e.g. WU-10001.",
        )
    return text


def money_two_places(field: str, value: object, label: str) -> Decimal:
    """An amount with at most two decimals (seed 004: balances numeric, two places)."""
    from decimal import InvalidOperation

    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(field, f"{label} must be a number, e.g. 120.50.") from exc
    if not amount.is_finite():
        raise ValidationError(field, f"{label} must be a number, e.g. 120.50.")
    if abs(amount) >= Decimal("10000000"):  # first: quantizing 1E+999999 would raise
        raise ValidationError(field, f"{label} is too large: at most 9,999,999.99.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(field, f"{label} has more than two decimals: round it to cents.")
    return amount.quantize(Decimal("0.01"))


def choice(field: str, value: str | None, allowed: list[str] | tuple[str, ...], label: str) -> str:
    text = (value or "").strip()
    for option in allowed:
        if option.casefold() == text.casefold():
            return option
    raise ValidationError(field, f"{label} must be one of: {', '.join(allowed)}.")
