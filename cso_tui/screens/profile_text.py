"""Words, symbols and formats of the consumer profile (seed 004): long dates ("Apr 15, 2025"),
times with AM/PM in the office zone, quantities, and the badges of work items, channels and
alerts. Every badge is a symbol and a word, so it reads the same without colour."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cso_tui.widgets.badges import Badge, Tone, badge_for

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings


def long_date(value: date | None, display: DisplaySettings) -> str:
    """``Apr 15, 2025`` (month first offices), ``15 Apr 2025`` (day first), or ISO."""
    if value is None:
        return "—"
    if display.date_format == "DD/MM/YYYY":
        return f"{value.day} {value:%b %Y}"
    if display.date_format == "YYYY-MM-DD":
        return value.isoformat()
    return f"{value:%b} {value.day}, {value.year}"


def local(value: datetime, display: DisplaySettings) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: times must be timezone-aware")
    return value.astimezone(ZoneInfo(display.timezone))


def clock_time(value: datetime, display: DisplaySettings) -> str:
    """``2:45 PM`` in the office zone."""
    moment = local(value, display)
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def long_datetime(value: datetime | None, display: DisplaySettings, joiner: str = " at ") -> str:
    """``Apr 20, 2025 at 2:45 PM`` in the office zone."""
    if value is None:
        return "—"
    return f"{long_date(local(value, display).date(), display)}{joiner}{clock_time(value, display)}"


def quantity(value: Decimal | int | None, unit: str = "") -> str:
    """``12,580 gallons``; ``—`` when unknown."""
    if value is None:
        return "—"
    number = Decimal(value)
    text = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"
    return f"{text} {unit}".strip()


def file_size(size: int | None) -> str:
    if size is None:
        return "—"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def words(value: str) -> str:
    """``in_progress`` -> ``In Progress``."""
    return value.replace("_", " ").title()


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


#: Statuses of orders, complaints, requests, payments, bills, readings, documents, messages.
WORK_STATUS: dict[str, Badge] = {
    "created": Badge("○", "Created", "Created", "primary"),
    "open": Badge("○", "Open", "Open", "primary"),
    "pending": Badge("…", "Pending", "Pending", "primary"),
    "scheduled": Badge("◷", "Scheduled", "Scheduled", "primary"),
    "assigned": Badge("◷", "Assigned", "Assigned", "primary"),
    "in_progress": Badge("◐", "In Progress", "In progress", "warning"),
    "processing": Badge("…", "Processing", "Processing", "warning"),
    "escalated": Badge("▲", "Escalated", "Escalated", "error"),
    "completed": Badge("✓", "Completed", "Completed", "success"),
    "resolved": Badge("✓", "Resolved", "Resolved", "success"),
    "closed": Badge("✓", "Closed", "Closed", "muted"),
    "processed": Badge("✓", "Processed", "Processed", "success"),
    "verified": Badge("✓", "Verified", "Verified", "success"),
    "published": Badge("●", "Published", "Published", "primary"),
    "sent": Badge("✓", "Sent", "Sent", "success"),
    "delivered": Badge("✓", "Delivered", "Delivered", "success"),
    "received": Badge("✓", "Received", "Received", "success"),
    "queued": Badge("…", "Queued", "Queued", "primary"),
    "paid": Badge("✓", "Paid", "Paid", "success"),
    "unpaid": Badge("!", "Unpaid", "Unpaid", "warning"),
    "partially_paid": Badge("◐", "Partly Paid", "Part paid", "warning"),
    "overdue": Badge("‼", "Overdue", "Overdue", "error"),
    "estimated": Badge("~", "Estimated", "Estimated", "warning"),
    "rejected": Badge("✕", "Rejected", "Rejected", "error"),
    "failed": Badge("✕", "Failed", "Failed", "error"),
    "cancelled": Badge("✕", "Cancelled", "Cancelled", "muted"),
    "active": Badge("●", "Active", "Active", "success"),
    "inactive": Badge("○", "Inactive", "Inactive", "muted"),
}

CHANNELS: dict[str, Badge] = {
    "email": Badge("✉", "Email", "Email", "primary"),
    "phone": Badge("☎", "Phone", "Phone", "primary"),
    "sms": Badge("✆", "SMS", "SMS", "primary"),
    "letter": Badge("✎", "Letter", "Letter", "primary"),
}

DIRECTIONS: dict[str, str] = {
    "to_customer": "→ To Customer",
    "from_customer": "← From Customer",
}

#: Alert kinds (from the service) to a badge; the text is the service's own words.
ALERTS: dict[str, Badge] = {
    "payment_due": Badge("◷", "Payment due", "Due", "warning"),
    "payment_overdue": Badge("‼", "Payment overdue", "Overdue", "error"),
    "maintenance": Badge("⚒", "Maintenance", "Maintenance", "primary"),
    "lock": Badge("⊘", "Held", "Held", "warning"),
    "medical": Badge("✚", "Medical", "Medical", "error"),
}

#: Relationship health bands (services/rules/health.py) and their marks.
HEALTH_BANDS: dict[str, Badge] = {
    "Excellent": Badge("▲", "Excellent", "Excellent", "success"),
    "Good": Badge("▲", "Good", "Good", "success"),
    "Average": Badge("■", "Average", "Average", "warning"),
    "Poor": Badge("▼", "Poor", "Poor", "error"),
    "At Risk": Badge("‼", "At Risk", "At risk", "error"),
}

ACTIVITY_CATEGORIES: dict[str, Badge] = {
    "payments": Badge("$", "Payments", "Payment", "success"),
    "billing": Badge("≡", "Billing", "Billing", "primary"),
    "service": Badge("⚒", "Service", "Service", "warning"),
    "communication": Badge("✉", "Communication", "Message", "primary"),
    "account": Badge("●", "Account", "Account", "muted"),
}


def status_badge(status: str) -> Badge:
    return badge_for(status, WORK_STATUS)


def alert_badge(kind: str, severity: str) -> Badge:
    found = ALERTS.get(kind)
    if found is not None:
        return found
    tone: Tone = "error" if severity == "critical" else "warning"
    if severity not in ("critical", "warning"):
        return Badge("●", words(kind), words(kind), "primary")
    return Badge("!", words(kind), words(kind), tone)
