"""The disconnection guard-rails beyond seed 003 (rules/guardrails.py) and a payment on the
ledger (rules/payments.py): examples first, then properties."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cso_tui.services.rules import guardrails, payments
from cso_tui.services.schemas import DisconnectionGuardrails

TODAY = date(2024, 12, 10)  # a Tuesday (seed 003's "Current Time")
CHRISTMAS = {date(2024, 12, 25): "Christmas Day"}
DEFAULTS = DisconnectionGuardrails()


def rails(**changes: object) -> DisconnectionGuardrails:
    return DisconnectionGuardrails.model_validate(changes)


# ---------------------------------------------------------------- scheduling


def test_the_defaults_keep_the_seeds_behaviour() -> None:
    for offset in range(0, 60):
        day = TODAY + timedelta(days=offset)
        assert guardrails.scheduling_refusal(DEFAULTS, day, TODAY, CHRISTMAS, day) is None
    assert guardrails.cancels_disconnections(DEFAULTS, Decimal("0.00"))
    assert not guardrails.cancels_disconnections(DEFAULTS, Decimal("0.01"))
    assert DEFAULTS.auto_reconnection
    assert guardrails.settings_problem(DEFAULTS) is None


def test_a_blocked_weekday_says_which_and_what_to_pick() -> None:
    weekend = rails(blocked_weekdays=[5, 6])
    saturday = date(2024, 12, 14)
    message = guardrails.scheduling_refusal(weekend, saturday, TODAY)
    assert message == (
        "No disconnections on Saturdays: pick another day (the first allowed day is "
        "December 16, 2024)."
    )
    assert guardrails.scheduling_refusal(weekend, date(2024, 12, 16), TODAY) is None


def test_holidays_block_only_when_set() -> None:
    day = date(2024, 12, 25)
    assert guardrails.scheduling_refusal(DEFAULTS, day, TODAY, CHRISTMAS) is None
    message = guardrails.scheduling_refusal(rails(block_on_holidays=True), day, TODAY, CHRISTMAS)
    assert message == (
        "December 25, 2024 is a holiday (Christmas Day): no disconnections on holidays, pick "
        "another day (the first allowed day is December 26, 2024)."
    )
    # the suggestion skips a blocked weekday after the holiday too
    both = rails(block_on_holidays=True, blocked_weekdays=[3])  # Thursday Dec 26
    assert "December 27, 2024" in (guardrails.scheduling_refusal(both, day, TODAY, CHRISTMAS) or "")


def test_minimum_notice() -> None:
    notice = rails(min_notice_days=3)
    assert guardrails.scheduling_refusal(notice, date(2024, 12, 12), TODAY) == (
        "Disconnections need 3 days' notice: pick December 13, 2024 or later."
    )
    assert guardrails.scheduling_refusal(notice, date(2024, 12, 13), TODAY) is None
    assert guardrails.scheduling_refusal(rails(min_notice_days=1), TODAY, TODAY) == (
        "Disconnections need 1 day's notice: pick December 11, 2024 or later."
    )


def test_the_notice_suggestion_skips_blocked_days() -> None:
    # 4 days from Tuesday is Saturday: with weekends blocked the first day is Monday
    both = rails(min_notice_days=4, blocked_weekdays=[5, 6])
    message = guardrails.scheduling_refusal(both, date(2024, 12, 11), TODAY)
    assert message == "Disconnections need 4 days' notice: pick December 16, 2024 or later."


def test_a_medical_certificate_on_file_blocks_any_date() -> None:
    medical = rails(block_with_medical_certificate=True)
    until = date(2025, 1, 31)
    expected = (
        "A medical certificate is on file until January 31, 2025: no disconnection while it "
        "is valid. Make the request once it expires (from February 1, 2025)."
    )
    assert guardrails.scheduling_refusal(medical, TODAY, TODAY, None, until) == expected
    # on file today: even a date after it expires is refused
    assert guardrails.scheduling_refusal(medical, date(2025, 3, 1), TODAY, None, until)
    # expired yesterday, or none: no refusal; off: no refusal
    yesterday = TODAY - timedelta(days=1)
    assert guardrails.scheduling_refusal(medical, TODAY, TODAY, None, yesterday) is None
    assert guardrails.scheduling_refusal(medical, TODAY, TODAY, None, None) is None
    assert guardrails.scheduling_refusal(DEFAULTS, TODAY, TODAY, None, until) is None


def test_every_day_blocked_is_said_plainly() -> None:
    never = rails(blocked_weekdays=list(range(7)))
    assert guardrails.first_allowed_day(never, TODAY) is None
    message = guardrails.scheduling_refusal(never, TODAY, TODAY)
    assert message == "The guard-rails block every day: ask an administrator to change them."
    # a reconnection still gets a date
    assert guardrails.reconnection_day(never, TODAY) == TODAY + timedelta(days=1)


def test_malformed_settings_are_named() -> None:
    assert "blocked_weekdays" in (guardrails.settings_problem(rails(blocked_weekdays=[7])) or "")
    assert "min_notice_days" in (guardrails.settings_problem(rails(min_notice_days=-1)) or "")
    with pytest.raises(ValueError):  # pydantic refuses it already: a stored one is caught
        rails(payment_cancel_threshold="NaN")
    nan = DisconnectionGuardrails.model_construct(payment_cancel_threshold=Decimal("NaN"))
    assert "payment_cancel_threshold" in (guardrails.settings_problem(nan) or "")


def test_reconnection_day_is_the_next_allowed_day() -> None:
    assert guardrails.reconnection_day(DEFAULTS, TODAY) == date(2024, 12, 11)
    friday = date(2024, 12, 13)
    assert guardrails.reconnection_day(rails(blocked_weekdays=[5, 6]), friday) == date(2024, 12, 16)
    eve = date(2024, 12, 24)
    assert guardrails.reconnection_day(DEFAULTS, eve, CHRISTMAS) == date(2024, 12, 25)
    assert guardrails.reconnection_day(rails(block_on_holidays=True), eve, CHRISTMAS) == date(
        2024, 12, 26
    )
    # notice and a certificate protect against a cut, not a reconnection
    assert guardrails.reconnection_day(rails(min_notice_days=10), TODAY) == date(2024, 12, 11)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
settings = st.builds(
    DisconnectionGuardrails,
    blocked_weekdays=st.lists(st.integers(0, 6), max_size=6, unique=True),
    block_on_holidays=st.booleans(),
    block_with_medical_certificate=st.booleans(),
    min_notice_days=st.integers(0, 30),
)
calendars = st.dictionaries(days, st.just("Holiday"), max_size=20)


@given(settings, days, st.integers(0, 90), calendars, st.none() | days)
def test_a_refusal_is_exactly_a_broken_rule(
    rules: DisconnectionGuardrails,
    today: date,
    ahead: int,
    holidays: dict[date, str],
    certificate: date | None,
) -> None:
    preferred = today + timedelta(days=ahead)
    refused = guardrails.scheduling_refusal(rules, preferred, today, holidays, certificate)
    broken = (
        (rules.block_with_medical_certificate and certificate is not None and certificate >= today)
        or ahead < rules.min_notice_days
        or guardrails.is_blocked(rules, preferred, holidays)
    )
    assert (refused is not None) == broken


@given(settings, days, calendars)
def test_the_suggested_day_is_allowed(
    rules: DisconnectionGuardrails, today: date, holidays: dict[date, str]
) -> None:
    earliest = guardrails.earliest_disconnection_day(rules, today, holidays)
    assert earliest is not None  # at most 6 weekdays blocked, holidays are sparse
    assert (earliest - today).days >= rules.min_notice_days
    assert guardrails.scheduling_refusal(rules, earliest, today, holidays) is None
    # and nothing earlier is
    for offset in range((earliest - today).days):
        day = today + timedelta(days=offset)
        assert guardrails.scheduling_refusal(rules, day, today, holidays) is not None
    again = guardrails.reconnection_day(rules, today, holidays)
    assert again > today and not guardrails.is_blocked(rules, again, holidays)


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("threshold", "outstanding", "cancels"),
    [
        (Decimal("0.00"), Decimal("0.00"), True),
        (Decimal("0.00"), Decimal("-5.00"), True),
        (Decimal("0.00"), Decimal("0.01"), False),
        (Decimal("50.00"), Decimal("50.00"), True),
        (Decimal("50.00"), Decimal("50.01"), False),
        (None, Decimal("-100.00"), False),
    ],
)
def test_the_cancel_threshold(
    threshold: Decimal | None, outstanding: Decimal, cancels: bool
) -> None:
    rules = rails(payment_cancel_threshold=threshold)
    assert guardrails.cancels_disconnections(rules, outstanding) is cancels


def test_who_gets_a_reconnection_raised() -> None:
    def raises(**kw: object) -> bool:
        args: dict[str, object] = {
            "settings": DEFAULTS,
            "outstanding": Decimal("0.00"),
            "consumer_status": "inactive",
            "last_completed_reason_code": "NP-001",
            "has_open_reconnection": False,
        }
        args.update(kw)
        return guardrails.raises_reconnection(**args)  # type: ignore[arg-type]

    assert raises()
    assert raises(consumer_status="disconnected", outstanding=Decimal("-3.00"))
    assert raises(last_completed_reason_code="np-002")
    assert not raises(outstanding=Decimal("0.01"))
    assert not raises(consumer_status="active")
    assert not raises(last_completed_reason_code="CR-001")  # moved out: not a cut for debt
    assert not raises(last_completed_reason_code=None)
    assert not raises(has_open_reconnection=True)
    assert not raises(settings=rails(auto_reconnection=False))


def test_a_payment_settles_the_oldest_bills_first_to_the_cent() -> None:
    bills = [("BL-1", Decimal("100.00"), Decimal("40.00")), ("BL-2", Decimal("80.25"), Decimal(0))]
    assert payments.allocate(Decimal("60.00"), bills) == [("BL-1", Decimal("60.00"))]
    assert payments.allocate(Decimal("100.10"), bills) == [
        ("BL-1", Decimal("60.00")),
        ("BL-2", Decimal("40.10")),
    ]
    # more than owed: the rest is credit, not forced onto a bill
    assert payments.allocate(Decimal("500.00"), bills) == [
        ("BL-1", Decimal("60.00")),
        ("BL-2", Decimal("80.25")),
    ]
    assert payments.allocate(Decimal("10.00"), []) == []
    assert payments.bill_status(Decimal("80.25"), Decimal("80.25")) == "paid"
    assert payments.bill_status(Decimal("80.25"), Decimal("0.01")) == "partially_paid"
    assert payments.bill_status(Decimal("80.25"), Decimal("0.00")) == "unpaid"


cents = st.integers(1, 1_000_000).map(lambda c: Decimal(c).scaleb(-2))


@given(cents, st.lists(st.tuples(cents, st.integers(0, 100)), max_size=8))
def test_allocation_never_loses_or_invents_a_cent(
    amount: Decimal, raw: list[tuple[Decimal, int]]
) -> None:
    bills = [
        (i, billed, (billed * pct / 100).quantize(Decimal("0.01")))
        for i, (billed, pct) in enumerate(raw)
    ]
    parts = payments.allocate(amount, bills)
    owed = sum((b - p for _, b, p in bills), Decimal(0))
    assert sum((p for _, p in parts), Decimal(0)) == min(amount, owed)
    assert all(part > 0 for _, part in parts)
    assert [k for k, _ in parts] == sorted(k for k, _ in parts)  # in the order given
    for key, part in parts:
        _, billed, paid = bills[key]
        assert paid + part <= billed
    # every bill before the last one reached is paid in full
    for key, part in parts[:-1]:
        _, billed, paid = bills[key]
        assert paid + part == billed


def test_a_payment_never_worsens_the_standing() -> None:
    old = TODAY - timedelta(days=100)
    recent = TODAY - timedelta(days=10)
    f = payments.standing_after_payment
    assert f("collection", None, Decimal("0.00"), TODAY) == "current"
    assert f("collection", recent, Decimal("20.00"), TODAY) == "past_due"
    assert f("collection", old, Decimal("20.00"), TODAY) == "collection"
    assert f("current", old, Decimal("20.00"), TODAY) == "current"  # aging is the job's
    # a balance owed with no bill on file: the standing stays as it is
    assert f("collection", None, Decimal("20.00"), TODAY) == "collection"
    assert payments.is_digital("Online Banking") and not payments.is_digital("Cash")
    assert set(payments.METHODS) == {
        "Credit Card",
        "Bank Transfer",
        "Online Banking",
        "Cash",
        "Cheque",
        "Auto-pay",
    }
