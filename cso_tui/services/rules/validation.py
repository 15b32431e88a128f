"""Field validation shared by every write: each failure names the field and says what to fix."""

from __future__ import annotations

import re

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
