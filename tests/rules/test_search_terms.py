"""Search term detection and normalisation (pure functions)."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from cso_tui.services.rules.search_terms import (
    Detected,
    detect,
    email_key,
    name_tokens,
    phone_key,
    prefix_upper_bound,
)
from cso_tui.services.schemas import SearchKind

JOHN_KEY = "7654321555"  # (555) 123-4567, national digits reversed


@pytest.mark.parametrize(
    "term",
    [
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "555 123 4567",
        "+1 555 123 4567",
        "+1 (555) 123-4567",
        "1-555-123-4567",
        "+15551234567",
        "5551234567",
        "15551234567",
        "  (555)123-4567  ",
    ],
)
def test_every_phone_format_gives_the_same_key(term: str) -> None:
    assert detect(term) == Detected(SearchKind.PHONE, JOHN_KEY)


@pytest.mark.parametrize(("term", "key"), [("123-4567", "7654321"), ("1234567", "7654321")])
def test_the_last_seven_digits_are_a_phone(term: str, key: str) -> None:
    assert detect(term) == Detected(SearchKind.PHONE, key)


@pytest.mark.parametrize("term", ["4567", "10001", "0", "123456"])
def test_a_short_number_is_an_account_number_or_a_phones_last_digits(term: str) -> None:
    d = detect(term)
    assert d.kind is SearchKind.ACCOUNT
    assert d.digits == term


@pytest.mark.parametrize(
    ("term", "kind", "key"),
    [
        ("WU-10001", SearchKind.ACCOUNT, "WU-10001"),
        ("wu-10001", SearchKind.ACCOUNT, "WU-10001"),
        ("WU-1000", SearchKind.ACCOUNT, "WU-1000"),
        ("WU-", SearchKind.ACCOUNT, "WU-"),
        ("WU10001", SearchKind.ACCOUNT, "WU10001"),
        ("ACC-2024-001789", SearchKind.ACCOUNT, "ACC-2024-001789"),
        ("acc-2024", SearchKind.ACCOUNT, "ACC-2024"),
        ("M-5678", SearchKind.METER, "M-5678"),
        ("m-56", SearchKind.METER, "M-56"),
        ("D-9012", SearchKind.DEVICE, "D-9012"),
        ("d-9", SearchKind.DEVICE, "D-9"),
        (" M-5678 ", SearchKind.METER, "M-5678"),
    ],
)
def test_identifiers(term: str, kind: SearchKind, key: str) -> None:
    d = detect(term)
    assert (d.kind, d.key) == (kind, key)


@pytest.mark.parametrize(
    ("term", "key"),
    [
        ("john.doe@example.com", "john.doe@example.com"),
        ("John.Doe@Example.COM", "john.doe@example.com"),
        ("john.doe@", "john.doe@"),
        ("@example.com", "@example.com"),
        ("  jane@x ", "jane@x"),
    ],
)
def test_emails(term: str, key: str) -> None:
    assert detect(term) == Detected(SearchKind.EMAIL, key)


@pytest.mark.parametrize(
    ("term", "tokens"),
    [
        ("joh", ("joh",)),
        ("John Doe", ("john", "doe")),
        ("doe, john", ("doe", "john")),
        ("O'Brien", ("o", "brien")),
        ("Mary-Jane", ("mary", "jane")),
        ("José Álvarez", ("josé", "álvarez")),
        ("123 Main St.", ("123", "main", "st")),
        ("john_doe", ("john", "doe")),
    ],
)
def test_names_and_addresses(term: str, tokens: tuple[str, ...]) -> None:
    d = detect(term)
    assert d.kind is SearchKind.NAME
    assert d.tokens == tokens
    assert d.key == " ".join(tokens)


@pytest.mark.parametrize("term", ["", " ", "\t\n", "!!!", "--", "()", "+", "...", "_"])
def test_nothing_to_search_for(term: str) -> None:
    assert detect(term).kind is SearchKind.EMPTY


@given(st.text())
@example("\U0010ffff")
@example("x@\U0010ffff")
@example("\x00")
def test_detect_never_fails_and_keeps_its_promises(text: str) -> None:
    d = detect(text)
    assert isinstance(d.kind, SearchKind)
    if d.kind is SearchKind.EMPTY:
        assert not name_tokens(text)
        assert "@" not in text
    elif d.kind is SearchKind.NAME:
        assert d.tokens
        assert all(t == t.lower() and t for t in d.tokens)
    elif d.kind is SearchKind.PHONE:
        assert d.key.isdigit()
        assert d.key
    elif d.kind is SearchKind.EMAIL:
        assert "@" in d.key
        assert d.key == d.key.lower()
    elif d.kind is SearchKind.ACCOUNT and not d.key:
        assert d.digits.isdigit()
    else:
        assert d.key == d.key.upper()
        assert d.key


@given(st.text(alphabet="0123456789", min_size=7, max_size=15))
def test_digit_strings_of_phone_length_are_phones(digits: str) -> None:
    d = detect(digits)
    assert d.kind is SearchKind.PHONE
    assert d.key == phone_key(digits)


@given(st.from_regex(r"\A[2-9][0-9]{2}[2-9][0-9]{6}\Z"))
def test_phone_key_ignores_punctuation_and_country_code(national: str) -> None:
    a, b, c = national[:3], national[3:6], national[6:]
    formats = [national, f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}",
               f"1{national}", f"+1-{a}-{b}-{c}"]  # fmt: skip
    assert {phone_key(f) for f in formats} == {national[::-1]}


@given(st.text(alphabet="0123456789", min_size=1, max_size=15))
def test_phone_key_is_the_reversed_digits(digits: str) -> None:
    assume(not (len(digits) == 11 and digits.startswith("1")))
    assert phone_key(digits) == digits[::-1]


def test_phone_key_of_nothing() -> None:
    assert phone_key(None) is None
    assert phone_key("") is None
    assert phone_key("no digits") is None


def test_phone_key_suffix_is_a_prefix_of_the_key() -> None:
    """'Ends with 4567' becomes 'key starts with 7654': the index range the search uses."""
    assert phone_key("(555) 123-4567").startswith(phone_key("4567"))


def test_email_key() -> None:
    assert email_key("  John.Doe@Example.COM ") == "john.doe@example.com"
    assert email_key(None) is None
    assert email_key("") is None


@given(st.text(min_size=1), st.text())
@example("WU-1000", "1")
@example("a", "\U0010ffff")
@example("\U0010fffe", "")
@example("\U0010ffff", "")
def test_prefix_upper_bound_is_above_everything_with_the_prefix(prefix: str, rest: str) -> None:
    bound = prefix_upper_bound(prefix)
    assert prefix <= prefix + rest
    # None means "no upper end": only a prefix made of U+10FFFF has none
    assert (bound is None) == (prefix.rstrip(chr(0x10FFFF)) == "")
    if bound is not None:
        assert prefix + rest < bound


@given(st.text(min_size=1), st.text(min_size=1))
def test_prefix_upper_bound_excludes_what_does_not_start_with_the_prefix(
    prefix: str, other: str
) -> None:
    assume(not other.startswith(prefix))
    bound = prefix_upper_bound(prefix)
    assert not (prefix <= other and (bound is None or other < bound))
