"""The relationship health score (seed 004 s.7): the seed's example, bounds, bands, penalties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cso_tui.services.rules.aging import Risk, days_past_due, risk_of
from cso_tui.services.rules.health import (
    HealthInputs,
    band_of,
    health_score,
    months_between,
    payment_compliance,
)

#: John Doe on May 20, 2025 (the demo's history of him): the seed's 85/100, Good.
JOHN = HealthInputs(
    payments_total=26,
    payments_on_time=24,
    service_requests_last_year=3,
    satisfaction_ratings=(9, 8),
    communications_sent=6,
    communications_responded=5,
    account_age_months=28,
    transactions_total=26,
    transactions_digital=26,
    complaints_total=2,
    complaints_resolved=2,
    late_payments=2,
)


def test_the_seeds_example_scores_85_good() -> None:
    h = health_score(JOHN)
    assert (h.score, h.band) == (85, "Good")
    # 36.92 + 25 + 12.50 + 4.67 + 5 + 5 - 4
    assert h.exact.quantize(Decimal("0.01")) == Decimal("85.09")
    assert [f.name for f in h.factors] == [
        "Payment compliance",
        "Service quality",
        "Communication responsiveness",
        "Account longevity",
        "Digital engagement",
        "Complaint resolution",
    ]
    assert sum(f.weight for f in h.factors) == 1
    assert h.factors[0].detail == "24 of 26 payments on time"


def test_each_penalty_costs_what_the_seed_says() -> None:
    base = health_score(replace(JOHN, late_payments=0)).exact
    assert base - health_score(replace(JOHN, late_payments=3)).exact == 6
    assert base - health_score(replace(JOHN, late_payments=0, disconnections=1)).exact == 10
    assert base - health_score(replace(JOHN, late_payments=0, fraud=True)).exact == 25
    unresolved = replace(JOHN, late_payments=0, complaints_resolved=1)
    # one complaint unresolved: -5, and the resolution rate falls to 50% (-2.5)
    assert base - health_score(unresolved).exact == Decimal("7.5")


@pytest.mark.parametrize(
    ("score", "band"),
    [(100, "Excellent"), (90, "Excellent"), (89, "Good"), (80, "Good"), (79, "Average"),
     (70, "Average"), (69, "Poor"), (60, "Poor"), (59, "At Risk"), (0, "At Risk")],
)  # fmt: skip
def test_bands_follow_the_seeds_ranges(score: int, band: str) -> None:
    assert band_of(score) == band


def test_no_history_counts_in_full_and_says_so() -> None:
    h = health_score(HealthInputs(account_age_months=60))
    assert h.score == 100
    assert h.factors[0].detail == "no data" and h.factors[0].raw is None


def test_service_quality_is_capped_at_both_ends() -> None:
    busy = health_score(HealthInputs(service_requests_last_year=40))
    assert busy.factors[1].raw == -100 and busy.factors[1].value == 0


inputs = st.builds(
    lambda total, on_time, req, ratings, sent, answered, age, digital, compl, resolved, cuts, fraud: (  # noqa: E501
        HealthInputs(
            payments_total=total,
            payments_on_time=min(on_time, total),
            service_requests_last_year=req,
            satisfaction_ratings=tuple(ratings),
            communications_sent=sent,
            communications_responded=min(answered, sent),
            account_age_months=age,
            transactions_total=total,
            transactions_digital=min(digital, total),
            complaints_total=compl,
            complaints_resolved=min(resolved, compl),
            late_payments=total - min(on_time, total),
            disconnections=cuts,
            fraud=fraud,
        )
    ),
    st.integers(0, 300), st.integers(0, 300), st.integers(0, 50),
    st.lists(st.integers(0, 10), max_size=8), st.integers(0, 100), st.integers(0, 100),
    st.integers(0, 600), st.integers(0, 300), st.integers(0, 30), st.integers(0, 30),
    st.integers(0, 5), st.booleans(),
)  # fmt: skip


@given(inputs)
def test_the_score_stays_within_0_and_100_and_matches_its_band(h: HealthInputs) -> None:
    score = health_score(h)
    assert 0 <= score.score <= 100
    assert score.band == band_of(score.score)
    for factor in score.factors:
        assert 0 <= factor.value <= 100


@given(inputs, st.integers(1, 20))
def test_more_late_payments_never_raise_the_score(h: HealthInputs, extra: int) -> None:
    worse = replace(h, late_payments=h.late_payments + extra)
    assert health_score(worse).exact < health_score(h).exact


@given(inputs)
def test_fraud_and_disconnections_never_raise_the_score(h: HealthInputs) -> None:
    assert health_score(replace(h, fraud=True)).score <= health_score(replace(h, fraud=False)).score
    more = replace(h, disconnections=h.disconnections + 1)
    assert health_score(more).exact == health_score(h).exact - 10


def test_compliance_and_account_age() -> None:
    assert payment_compliance(24, 26) == 92
    assert payment_compliance(0, 0) is None
    assert months_between(date(2023, 1, 15), date(2025, 5, 20)) == 28
    assert months_between(date(2023, 1, 15), date(2025, 5, 14)) == 27
    assert months_between(date(2025, 1, 15), date(2024, 5, 14)) == 0


@pytest.mark.parametrize(
    ("days", "risk"),
    [(0, Risk.NONE), (1, Risk.LOW), (30, Risk.LOW), (31, Risk.MEDIUM), (60, Risk.MEDIUM),
     (61, Risk.HIGH), (90, Risk.HIGH), (91, Risk.CRITICAL), (400, Risk.CRITICAL)],
)  # fmt: skip
def test_days_past_due_buckets(days: int, risk: Risk) -> None:
    assert risk_of(days) is risk


def test_days_past_due_counts_from_the_oldest_unpaid_due_date() -> None:
    assert days_past_due(date(2025, 4, 1), date(2025, 5, 12)) == 41
    assert days_past_due(date(2025, 5, 15), date(2025, 5, 12)) == 0
    assert days_past_due(None, date(2025, 5, 12)) == 0
