"""Disconnection guard-rails beyond seed 003 (the ``disconnection_guardrails`` setting, shaped
as :class:`~cso_tui.services.schemas.DisconnectionGuardrails`): pure decisions, no I/O.

Scheduling (disconnection requests only; a reconnection is never held back):

- no disconnection on a blocked weekday (``blocked_weekdays``, 0 = Monday .. 6 = Sunday);
- none on a day of the holiday calendar when ``block_on_holidays``;
- none while a medical certificate is on file (``medical_certificate_until`` on or after
  the office's today, so also on the preferred date) when ``block_with_medical_certificate``;
- the preferred date at least ``min_notice_days`` after the office's today.

Money:

- a payment that brings the outstanding to ``payment_cancel_threshold`` or below (None:
  off) cancels the consumer's open non-payment disconnection requests (reason code NP-...);
- with ``auto_reconnection``, clearing the debt (outstanding <= 0) of a consumer cut for
  non-payment raises a reconnection request for the next allowed day.

The defaults block nothing: a new database schedules as the seed does (only "not in the
past", checked by the service before these).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cso_tui.services.schemas import DisconnectionGuardrails

#: The field a scheduling refusal names (the create form's date picker).
FIELD = "preferred_date"
#: How far ahead a free day is looked for (a setting that blocks every weekday finds none).
SEARCH_DAYS = 366
#: Consumer statuses meaning the service is cut (execute_disconnection sets "inactive").
CUT_STATUSES = frozenset({"inactive", "disconnected", "temporarily_disconnected"})
#: Reason codes of non-payment disconnections start so (seed 003: NP-001).
NON_PAYMENT_PREFIX = "NP-"
#: The reconnection reason a cleared debt raises, and its close reason for a cancelled cut.
RECONNECTION_REASON = "RC-001"
PAYMENT_RECEIVED = "payment_received"

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def settings_problem(settings: DisconnectionGuardrails) -> str | None:
    """Why a stored setting cannot be used as it is (the service then keeps the defaults)."""
    bad_days = [d for d in settings.blocked_weekdays if not 0 <= d <= 6]
    if bad_days:
        return f"blocked_weekdays {bad_days} are not 0 (Monday) to 6 (Sunday)"
    if not 0 <= settings.min_notice_days <= SEARCH_DAYS:
        return f"min_notice_days {settings.min_notice_days} is not 0 to {SEARCH_DAYS}"
    threshold = settings.payment_cancel_threshold
    if threshold is not None and not threshold.is_finite():
        return f"payment_cancel_threshold {threshold} is not an amount"
    return None


def long_date(day: date) -> str:
    """December 16, 2024 (the service's messages write dates so, as the seed does)."""
    return f"{day:%B} {day.day}, {day.year}"


def is_blocked(
    settings: DisconnectionGuardrails, day: date, holidays: Collection[date] = ()
) -> bool:
    """No disconnection on ``day``: a blocked weekday, or a holiday when holidays block."""
    return day.weekday() in settings.blocked_weekdays or (
        settings.block_on_holidays and day in holidays
    )


def first_allowed_day(
    settings: DisconnectionGuardrails, start: date, holidays: Collection[date] = ()
) -> date | None:
    """The first day from ``start`` on that is not blocked (None: none within a year)."""
    for offset in range(SEARCH_DAYS + 1):
        day = start + timedelta(days=offset)
        if not is_blocked(settings, day, holidays):
            return day
    return None


def earliest_disconnection_day(
    settings: DisconnectionGuardrails, today: date, holidays: Collection[date] = ()
) -> date | None:
    """The first day a disconnection may be scheduled for (medical certificates aside)."""
    return first_allowed_day(
        settings, today + timedelta(days=max(settings.min_notice_days, 0)), holidays
    )


def scheduling_refusal(
    settings: DisconnectionGuardrails,
    preferred: date,
    today: date,
    holidays: Mapping[date, str] | None = None,
    medical_certificate_until: date | None = None,
) -> str | None:
    """Why a disconnection may not be scheduled for ``preferred`` (office dates), saying what
    to pick instead; None when it may. ``holidays``: the calendar's days and their names."""
    calendar: Mapping[date, str] = holidays or {}
    if (
        settings.block_with_medical_certificate
        and medical_certificate_until is not None
        and (medical_certificate_until >= preferred or medical_certificate_until >= today)
    ):
        after = medical_certificate_until + timedelta(days=1)
        return (
            f"A medical certificate is on file until {long_date(medical_certificate_until)}: "
            f"no disconnection while it is valid. Make the request once it expires "
            f"(from {long_date(after)})."
        )
    earliest = earliest_disconnection_day(settings, today, calendar)
    if earliest is None:
        return "The guard-rails block every day: ask an administrator to change them."
    instead = first_allowed_day(settings, max(preferred, earliest), calendar)
    suggestion = f" (the first allowed day is {long_date(instead)})" if instead else ""
    notice = settings.min_notice_days
    if (preferred - today).days < notice:
        days = "1 day's" if notice == 1 else f"{notice} days'"
        return f"Disconnections need {days} notice: pick {long_date(earliest)} or later."
    if settings.block_on_holidays and preferred in calendar:
        return (
            f"{long_date(preferred)} is a holiday ({calendar[preferred]}): no disconnections "
            f"on holidays, pick another day{suggestion}."
        )
    if preferred.weekday() in settings.blocked_weekdays:
        return (
            f"No disconnections on {WEEKDAYS[preferred.weekday()]}s: pick another day{suggestion}."
        )
    return None


def reconnection_day(
    settings: DisconnectionGuardrails, today: date, holidays: Collection[date] = ()
) -> date:
    """The preferred date of a reconnection raised by a cleared debt: the first day after
    ``today`` the field calendar allows (not a blocked weekday, not a holiday when holidays
    block). Notice and medical certificates protect against a cut, not a reconnection."""
    start = today + timedelta(days=1)
    return first_allowed_day(settings, start, holidays) or start


def is_non_payment(reason_code: str | None) -> bool:
    return (reason_code or "").strip().upper().startswith(NON_PAYMENT_PREFIX)


def cancels_disconnections(settings: DisconnectionGuardrails, outstanding: Decimal) -> bool:
    """A payment leaving ``outstanding`` cancels open non-payment disconnection requests."""
    threshold = settings.payment_cancel_threshold
    return threshold is not None and outstanding <= threshold


def raises_reconnection(
    settings: DisconnectionGuardrails,
    outstanding: Decimal,
    consumer_status: str,
    last_completed_reason_code: str | None,
    has_open_reconnection: bool,
) -> bool:
    """Clearing the debt of a consumer cut for non-payment raises a reconnection request:
    on, nothing owed, the service cut, the latest completed disconnection a non-payment one,
    and no reconnection request open yet."""
    return (
        settings.auto_reconnection
        and outstanding <= 0
        and consumer_status in CUT_STATUSES
        and is_non_payment(last_completed_reason_code)
        and not has_open_reconnection
    )
