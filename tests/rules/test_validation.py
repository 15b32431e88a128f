"""Field validation: every failure names its field and says what to fix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cso_tui.services.errors import ValidationError
from cso_tui.services.rules import validation as v


def refused(call, *args) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        call(*args)
    return exc.value


@pytest.mark.parametrize("value", ["", "   ", None])
def test_required_text_names_the_field(value: str | None) -> None:
    err = refused(v.required_text, "service_address", value, "Service address", 10)
    assert err.field == "service_address"
    assert "Service address" in err.message
    assert err.to_dict() == {
        "code": "validation",
        "message": err.message,
        "field": "service_address",
    }


def test_required_text_trims_and_limits() -> None:
    assert v.required_text("name", "  Jane  ", "Name", 4) == "Jane"
    err = refused(v.required_text, "name", "Janet", "Name", 4)
    assert err.field == "name"
    assert "4" in err.message


def test_optional_text() -> None:
    assert v.optional_text("billing_address", "  ", "Billing address", 5) is None
    assert v.optional_text("billing_address", None, "Billing address", 5) is None
    assert v.optional_text("billing_address", " PO 1 ", "Billing address", 5) == "PO 1"
    assert refused(v.optional_text, "billing_address", "123456", "B", 5).field == "billing_address"


@pytest.mark.parametrize(
    "value", ["john.doe@example.com", "a@b.co", "first.last+tag@sub.example.org", " x@y.io "]
)
def test_good_emails(value: str) -> None:
    assert v.email("email", value) == value.strip()


@pytest.mark.parametrize(
    "value", ["john", "john@", "@example.com", "john@example", "jo hn@example.com", "a@b@c.com",
              "john@example.c"],
)  # fmt: skip
def test_bad_emails_name_the_field(value: str) -> None:
    err = refused(v.email, "email", value)
    assert err.field == "email"
    assert "@" in err.message


def test_an_empty_email_clears_it() -> None:
    assert v.email("email", "") is None
    assert v.email("email", None) is None


@pytest.mark.parametrize(
    "value", ["(555) 123-4567", "555-123-4567", "+1 555 123 4567", "5551234567", "123-4567",
              "+44 20 7946 0958"],
)  # fmt: skip
def test_good_phones(value: str) -> None:
    assert v.phone("phone", value) == value


@pytest.mark.parametrize("value", ["123456", "1" * 16, "call me", "555-CALL-NOW", "555/123/4567"])
def test_bad_phones_name_the_field(value: str) -> None:
    err = refused(v.phone, "alt_phone", value)
    assert err.field == "alt_phone"
    assert "Phone" in err.message


@pytest.mark.parametrize(("value", "expected"), [("Admin", "admin"), (" j.doe ", "j.doe"),
                                                 ("a1", "a1"), ("x_y-z.1", "x_y-z.1")])  # fmt: skip
def test_good_usernames(value: str, expected: str) -> None:
    assert v.username("username", value) == expected


@pytest.mark.parametrize("value", ["a", "", "has space", "-x", ".x", "x" * 65, "ünï"])
def test_bad_usernames(value: str) -> None:
    assert refused(v.username, "username", value).field == "username"


def test_passwords() -> None:
    assert v.new_password("password", "12345678") == "12345678"
    err = refused(v.new_password, "password", "1234567")
    assert err.field == "password"
    assert "8" in err.message


@given(st.text(max_size=300), st.sampled_from(["email", "phone", "username", "name"]))
def test_validators_either_accept_or_name_the_field(value: str, field: str) -> None:
    check = {
        "email": lambda: v.email(field, value),
        "phone": lambda: v.phone(field, value),
        "username": lambda: v.username(field, value),
        "name": lambda: v.required_text(field, value, "Name", 160),
    }[field]
    try:
        check()
    except ValidationError as err:
        assert err.field == field
        assert err.message
