"""Money helpers: Decimal with two places, integer cents in the database, never float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cso_tui.models.types import from_cents, to_cents, to_money

CENTS = st.integers(min_value=-(10**15), max_value=10**15)


@pytest.mark.parametrize("value", [0.1, 1.0, 0.0, float("nan"), float("inf")])
def test_floats_are_refused(value: float) -> None:
    with pytest.raises(TypeError, match="float"):
        to_money(value)
    with pytest.raises(TypeError):
        to_cents(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["0.001", "1.005", Decimal("12.345"), "-0.009"])
def test_fractions_of_a_cent_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="decimals"):
        to_money(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["abc", "", "1,50", "$5", "NaN", "Infinity", "-inf", "1e400"])
def test_text_that_is_not_an_amount_is_a_value_error(value: str) -> None:
    with pytest.raises(ValueError):
        to_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.10") + Decimal("0.20"), "0.30"),
        ("75.3", "75.30"),
        ("75.30", "75.30"),
        (5, "5.00"),
        (-12, "-12.00"),
        ("1.500", "1.50"),
        ("1e2", "100.00"),
        (Decimal("-0.00"), "0.00"),
    ],
)
def test_amounts_get_exactly_two_places(value: object, expected: str) -> None:
    money = to_money(value)  # type: ignore[arg-type]
    assert money == Decimal(expected)
    assert money.as_tuple().exponent == -2


@given(CENTS)
def test_cents_round_trip(cents: int) -> None:
    amount = from_cents(cents)
    assert amount.as_tuple().exponent == -2
    assert to_cents(amount) == cents
    assert to_money(amount) == amount


@given(CENTS, CENTS)
def test_sums_are_exact(a: int, b: int) -> None:
    assert to_cents(from_cents(a) + from_cents(b)) == a + b


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12
    )
)
def test_any_two_place_decimal_is_money(value: Decimal) -> None:
    assert to_money(value) == value
    assert from_cents(to_cents(value)) == value
