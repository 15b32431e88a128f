"""Seed 001 7.1.1: the consumer's basic details, shown on selecting a search result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Label, Static

from cso_tui.formatting import format_date, format_money
from cso_tui.widgets.badges import (
    CONSUMER_STATUS,
    PAYMENT_STANDING,
    VIP_LABEL,
    StatusBadge,
    badge_for,
)

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings
    from cso_tui.services.schemas import ConsumerSummary

# (id, label) in reading order; the grid lays them out in one or two label/value columns
FIELDS: tuple[tuple[str, str], ...] = (
    ("category", "Category"),
    ("standing", "Standing"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("service-address", "Service addr"),
    ("billing-address", "Billing addr"),
    ("balance", "Balance"),
    ("open-items", "Open items"),
    ("connected", "Connected"),
    ("meters", "Meters"),
)


def _plain(value: str | None) -> Text:
    return Text(value) if value else Text("—", style="dim")


def meters_text(summary: ConsumerSummary) -> Text:
    if not summary.meters:
        return Text("no meter installed", style="dim")
    lines = [
        f"{m.meter_no} · device {m.device_no} · {m.utility.title()}"
        + (f" ({m.meter_type})" if m.meter_type else "")
        for m in summary.meters
    ]
    return Text("\n".join(lines))


class ConsumerDetails(VerticalScroll):
    """The details panel; focusable so it can scroll on a short terminal."""

    def __init__(self, display: DisplaySettings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display_settings = display
        self.summary: ConsumerSummary | None = None
        self.border_title = "Consumer"

    def compose(self) -> ComposeResult:
        with Horizontal(id="details-head"):
            yield Label("", id="details-name")
            yield Label(VIP_LABEL, id="details-vip")
            yield StatusBadge(id="details-status")
            yield Label("", id="details-account")
        with Grid(id="details-grid"):
            for field_id, label in FIELDS:
                yield Label(label, classes="field-label", id=f"label-{field_id}")
                yield Static("", classes="field-value", id=f"value-{field_id}")
        yield Label("", id="details-message")

    def show_message(self, text: str, *, error: bool = False) -> None:
        """A message instead of details (loading, not found, cannot reach the database...)."""
        self.summary = None
        self.set_class(True, "-message")
        self.set_class(error, "-error")
        self.query_one("#details-message", Label).update(text)

    def show_summary(self, summary: ConsumerSummary) -> None:
        self.summary = summary
        self.set_class(False, "-message")
        self.border_title = f"Consumer {summary.account_no}"
        self.border_subtitle = "esc: back to results"
        self.query_one("#details-name", Label).update(Text(summary.name, style="bold"))
        self.query_one("#details-vip", Label).display = summary.vip
        self.query_one("#details-status", StatusBadge).show(
            badge_for(summary.status, CONSUMER_STATUS)
        )
        self.query_one("#details-account", Label).update(summary.account_no)
        category = summary.category
        if summary.sub_category:
            category = f"{category} / {summary.sub_category}"
        standing = badge_for(summary.payment_standing, PAYMENT_STANDING)
        complaints = summary.active_complaints
        requests = summary.active_requests
        values: dict[str, Text] = {
            "category": _plain(category),
            "standing": Text(standing.text()),
            "phone": _plain(summary.phone),
            "email": _plain(summary.email),
            "service-address": _plain(summary.service_address),
            "billing-address": _plain(summary.billing_address or "same as service address"),
            "balance": Text(format_money(summary.balance, self.display_settings.currency_symbol)),
            "open-items": Text(
                f"{complaints} complaint{'s' if complaints != 1 else ''}, "
                f"{requests} request{'s' if requests != 1 else ''}"
            ),
            "connected": _plain(
                format_date(summary.connection_date, self.display_settings)
                if summary.connection_date
                else None
            ),
            "meters": meters_text(summary),
        }
        for field_id, text in values.items():
            self.query_one(f"#value-{field_id}", Static).update(text)
        value = self.query_one("#value-standing", Static)
        for tone in ("success", "warning", "error", "muted", "primary"):
            value.set_class(standing.tone == tone, f"-{tone}")
        self.scroll_home(animate=False)
