"""Relationship health score (seed 004 s.7, "Relationship Health Score Formula").

score = 0.40 x payment compliance + 0.25 x service quality + 0.15 x communication
responsiveness + 0.10 x account longevity + 0.05 x digital engagement + 0.05 x complaint
resolution, minus penalties (late payment -2 each, unresolved complaint -5 each, service
disconnection -10 each, fraudulent activity -25), kept within 0..100 and shown as a whole
number with its band (90+ Excellent, 80-89 Good, 70-79 Average, 60-69 Poor, < 60 At Risk).

Choices where the seed is silent (stated in the README too):
- a factor with nothing to measure (no payments, no complaints, ...) counts in full (100):
  a new account is not punished for having no history, and the part says "no data";
- each factor is kept within 0..100 before weighting: the seed's service quality formula,
  100 - 5 x requests a year + 10 x satisfaction, passes 100 for any satisfied customer;
- a half point rounds up (84.5 -> 85).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class HealthInputs:
    """Counts the score is made of, gathered by the service layer for one consumer."""

    payments_total: int = 0
    payments_on_time: int = 0
    service_requests_last_year: int = 0
    satisfaction_ratings: tuple[int, ...] = ()  # 0..10 each
    communications_sent: int = 0  # to the customer
    communications_responded: int = 0
    account_age_months: int = 0
    transactions_total: int = 0
    transactions_digital: int = 0
    complaints_total: int = 0
    complaints_resolved: int = 0
    late_payments: int = 0
    disconnections: int = 0
    fraud: bool = False


@dataclass(frozen=True)
class Factor:
    name: str
    weight: Decimal
    value: Decimal  # 0..100, as weighted
    raw: Decimal | None  # before capping to 0..100 (None: nothing to measure)
    detail: str  # how it was reached, e.g. "24 of 26 payments on time"

    @property
    def points(self) -> Decimal:
        return self.weight * self.value


@dataclass(frozen=True)
class Penalty:
    name: str
    count: int
    each: int

    @property
    def points(self) -> int:
        return self.count * self.each


@dataclass(frozen=True)
class HealthScore:
    score: int
    band: str
    factors: tuple[Factor, ...]
    penalties: tuple[Penalty, ...]
    exact: Decimal  # the sum before rounding and capping


BANDS: tuple[tuple[int, str], ...] = (
    (90, "Excellent"),
    (80, "Good"),
    (70, "Average"),
    (60, "Poor"),
    (0, "At Risk"),
)


def band_of(score: int) -> str:
    for floor, name in BANDS:
        if score >= floor:
            return name
    return BANDS[-1][1]


def _ratio(part: int, whole: int) -> Decimal | None:
    return None if whole <= 0 else HUNDRED * Decimal(min(part, whole)) / Decimal(whole)


def _factor(name: str, weight: str, raw: Decimal | None, detail: str) -> Factor:
    value = HUNDRED if raw is None else min(HUNDRED, max(Decimal(0), raw))
    return Factor(name, Decimal(weight), value, raw, detail if raw is not None else "no data")


def whole(value: Decimal) -> int:
    """A percentage or score as shown: to the whole number, half up."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def health_score(h: HealthInputs) -> HealthScore:
    ratings = h.satisfaction_ratings
    satisfaction = Decimal(sum(ratings)) / len(ratings) if ratings else Decimal(0)
    quality_raw = HUNDRED - 5 * h.service_requests_last_year + 10 * satisfaction
    rated = f", satisfaction {satisfaction:.1f}/10" if ratings else ", no ratings"
    factors = (
        _factor(
            "Payment compliance",
            "0.40",
            _ratio(h.payments_on_time, h.payments_total),
            f"{h.payments_on_time} of {h.payments_total} payments on time",
        ),
        _factor(
            "Service quality",
            "0.25",
            quality_raw,
            f"{h.service_requests_last_year} requests in the last year{rated}",
        ),
        _factor(
            "Communication responsiveness",
            "0.15",
            _ratio(h.communications_responded, h.communications_sent),
            f"{h.communications_responded} of {h.communications_sent} messages answered",
        ),
        _factor(
            "Account longevity",
            "0.10",
            HUNDRED * min(Decimal(max(h.account_age_months, 0)) / 60, Decimal(1)),
            f"{h.account_age_months} months (full at 60)",
        ),
        _factor(
            "Digital engagement",
            "0.05",
            _ratio(h.transactions_digital, h.transactions_total),
            f"{h.transactions_digital} of {h.transactions_total} payments digital",
        ),
        _factor(
            "Complaint resolution",
            "0.05",
            _ratio(h.complaints_resolved, h.complaints_total),
            f"{h.complaints_resolved} of {h.complaints_total} complaints resolved",
        ),
    )
    unresolved = max(h.complaints_total - h.complaints_resolved, 0)
    penalties = (
        Penalty("Late payments", max(h.late_payments, 0), 2),
        Penalty("Unresolved complaints", unresolved, 5),
        Penalty("Service disconnections", max(h.disconnections, 0), 10),
        Penalty("Fraudulent activity", int(h.fraud), 25),
    )
    exact = sum((f.points for f in factors), Decimal(0)) - sum(p.points for p in penalties)
    score = min(100, max(0, whole(exact)))
    return HealthScore(score, band_of(score), factors, penalties, exact)


def payment_compliance(on_time: int, total: int) -> int | None:
    """On-time payments as a whole percentage (seed 004: 92%); None with no payments yet."""
    ratio = _ratio(on_time, total)
    return None if ratio is None else whole(ratio)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (Jan 15, 2023 -> May 20, 2025: 28); 0 if before."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)
