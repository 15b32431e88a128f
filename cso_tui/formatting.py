"""Formatting shared by the screens and the CLI: money as Decimal (never float); dates and times
in the office zone. No textual here: the command-line twins print the same figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings, Settings


CENT = Decimal("0.01")


def _display(settings: Settings | DisplaySettings) -> DisplaySettings:
    # duck-typed: importing the settings classes here would put pydantic before first paint
    return cast("DisplaySettings", getattr(settings, "display", settings))


def format_money(amount: Decimal, symbol: str = "$") -> str:
    """``$1,234.50``, ``-$75.30``; a word symbol gets a space (``SAT 1,234.50``)."""
    if not isinstance(amount, Decimal):
        # floats cannot hold cents exactly; ints are accepted as whole units
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
        amount = Decimal(amount)
    value = amount.quantize(CENT, rounding=ROUND_HALF_EVEN)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"
    gap = " " if symbol and symbol[-1].isalpha() else ""
    return f"{sign}{symbol}{gap}{digits}"


def format_date(value: date, settings: Settings | DisplaySettings) -> str:
    """A date in the office's format (MM/DD/YYYY, DD/MM/YYYY or YYYY-MM-DD)."""
    return value.strftime(_display(settings).strftime_date)


def format_datetime(value: datetime, settings: Settings | DisplaySettings) -> str:
    """An aware time shown in the office's zone: ``01/15/2026 09:30``."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: times must be timezone-aware")
    display = _display(settings)
    local = value.astimezone(ZoneInfo(display.timezone))
    return f"{local.strftime(display.strftime_date)} {local:%H:%M}"


def status_label(status: str) -> str:
    """ "temporarily_disconnected" -> "Temporarily Disconnected"."""
    return status.replace("_", " ").title()
