"""Formatting helpers and badges: Decimal money, office dates and times, words with symbols."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cso_tui.config import DisplaySettings, Settings
from cso_tui.formatting import format_date, format_datetime, format_money
from cso_tui.services.schemas import SearchKind
from cso_tui.widgets.badges import CONSUMER_STATUS, PAYMENT_STANDING, badge_for, badge_text
from cso_tui.widgets.results import ALL_COLUMNS, plan_columns


@pytest.mark.parametrize(
    ("amount", "symbol", "expected"),
    [
        (Decimal("75.30"), "$", "$75.30"),
        (Decimal("1234567.5"), "$", "$1,234,567.50"),
        (Decimal("-75.3"), "$", "-$75.30"),
        (Decimal("0"), "$", "$0.00"),
        (Decimal("1234.005"), "$", "$1,234.00"),  # half-even, like the service layer
        (Decimal("2500"), "SAT", "SAT 2,500.00"),
        (12, "$", "$12.00"),
    ],
)
def test_format_money(amount: Decimal, symbol: str, expected: str) -> None:
    assert format_money(amount, symbol) == expected


def test_format_money_refuses_float() -> None:
    with pytest.raises(TypeError):
        format_money(75.3, "$")  # type: ignore[arg-type]


def test_format_date_follows_the_setting() -> None:
    day = date(2026, 1, 15)
    assert format_date(day, Settings()) == "01/15/2026"
    assert format_date(day, DisplaySettings(date_format="DD/MM/YYYY")) == "15/01/2026"


def test_format_datetime_in_the_office_zone() -> None:
    moment = datetime(2026, 1, 15, 15, 30, tzinfo=UTC)
    assert format_datetime(moment, Settings()) == "01/15/2026 09:30"  # Chicago, UTC-6
    with pytest.raises(ValueError):
        format_datetime(datetime(2026, 1, 15, 15, 30), Settings())


def test_badges_always_carry_words() -> None:
    for table in (CONSUMER_STATUS, PAYMENT_STANDING):
        for value, badge in table.items():
            text = badge_text(badge).plain
            assert badge.symbol in text
            assert any(ch.isalpha() for ch in text), value
    assert badge_for("on_hold", CONSUMER_STATUS).text() == "• On Hold"


@pytest.mark.parametrize("width", [78, 98, 118, 200])
def test_columns_fit_the_width(width: int) -> None:
    plan = plan_columns(width, SearchKind.NAME)
    used = sum(w + 2 for _, w in plan)
    assert used <= width
    keys = [c.key for c, _ in plan]
    assert {"account", "name", "status", "balance"} <= set(keys)
    if width >= sum(c.width + 2 for c in ALL_COLUMNS):
        assert len(plan) == len(ALL_COLUMNS)


def test_narrow_phone_search_keeps_the_phone() -> None:
    keys = [c.key for c, _ in plan_columns(78, SearchKind.PHONE)]
    assert "phone" in keys and "address" not in keys
    keys = [c.key for c, _ in plan_columns(78, SearchKind.NAME)]
    assert "address" in keys and "phone" not in keys
