"""Status badges: a symbol and a label, coloured by tone. The text carries the meaning, so a
badge still reads right in 16 colours, in greyscale and under NO_COLOR."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.color import Color
from textual.widgets import Static

Tone = Literal["success", "warning", "error", "muted", "primary"]
TONES: tuple[Tone, ...] = ("success", "warning", "error", "muted", "primary")


@dataclass(frozen=True)
class Badge:
    symbol: str
    label: str  # full label (details panel)
    short: str  # fits a table column
    tone: Tone

    def text(self, *, short: bool = False) -> str:
        return f"{self.symbol} {self.short if short else self.label}"


CONSUMER_STATUS: dict[str, Badge] = {
    "active": Badge("●", "Active", "Active", "success"),
    "inactive": Badge("○", "Inactive", "Inactive", "muted"),
    "temporarily_disconnected": Badge("◐", "Temporarily Disconnected", "Temp. off", "warning"),
    "disconnected": Badge("✕", "Disconnected", "Disconnected", "error"),
    "pending": Badge("…", "Pending", "Pending", "primary"),
}

PAYMENT_STANDING: dict[str, Badge] = {
    "current": Badge("✓", "Current", "Current", "success"),
    "past_due": Badge("!", "Past Due", "Past due", "warning"),
    "collection": Badge("‼", "In Collection", "Collection", "error"),
}

#: A disconnection / reconnection request's lifecycle status (seed 003).
REQUEST_STATUS: dict[str, Badge] = {
    "pending": Badge("…", "Pending", "Pending", "primary"),
    "in_progress": Badge("▶", "In Progress", "In prog.", "warning"),
    "on_hold": Badge("‖", "On Hold", "On hold", "muted"),
    "completed": Badge("✓", "Completed", "Completed", "success"),
    "closed": Badge("■", "Closed", "Closed", "muted"),
}

#: A request's priority (from its reason): the bar grows with it.
PRIORITY: dict[str, Badge] = {
    "high": Badge("▲", "High", "High", "error"),
    "medium": Badge("■", "Medium", "Med", "warning"),
    "low": Badge("▽", "Low", "Low", "muted"),
}

#: The SLA clock's verdict.
SLA_STATUS: dict[str, Badge] = {
    "on_track": Badge("✓", "On Track", "On track", "success"),
    "breached": Badge("✕", "Breached", "Breached", "error"),
}

VIP_MARK = "★"
VIP_LABEL = f"{VIP_MARK} VIP"


def badge_for(value: str, table: Mapping[str, Badge]) -> Badge:
    """The badge for ``value``; an unknown value still shows its own words."""
    found = table.get(value)
    if found is not None:
        return found
    return Badge("•", value.replace("_", " ").title(), value.replace("_", " ").title(), "muted")


def tone_styles(app: App[object]) -> dict[Tone, Style]:
    """Rich styles for each tone from the app's current theme (ANSI names on ANSI themes)."""
    variables = app.get_css_variables()
    styles: dict[Tone, Style] = {"muted": Style(dim=True)}
    sources: tuple[tuple[Tone, str], ...] = (
        ("success", "text-success"),
        ("warning", "text-warning"),
        ("error", "text-error"),
        ("primary", "text-primary"),
    )
    for tone, var in sources:
        try:
            color = Color.parse(variables[var]).rich_color
        except Exception:  # an exotic theme value: the label alone still says it
            styles[tone] = Style(bold=True)
        else:
            styles[tone] = Style(color=color, bold=True)
    return styles


def badge_text(
    badge: Badge, styles: Mapping[Tone, Style] | None = None, *, short: bool = False
) -> Text:
    """A badge as a Rich renderable (for table cells and other renderables)."""
    style = styles.get(badge.tone) if styles else None
    return Text(
        badge.text(short=short), style=style or "", no_wrap=True, overflow="ellipsis", end=""
    )


class StatusBadge(Static):
    """A badge widget: ``● Active`` with a tone class (-success, -warning, -error, ...)."""

    DEFAULT_CSS = """
    StatusBadge {
        width: auto;
        height: 1;
        padding: 0 1;
        text-style: bold;
        &.-success { color: $text-success; background: $success 15%; }
        &.-warning { color: $text-warning; background: $warning 15%; }
        &.-error { color: $text-error; background: $error 15%; }
        &.-primary { color: $text-primary; background: $primary 15%; }
        &.-muted { color: $text-muted; background: $foreground 8%; }
        &:ansi {
            background: ansi_default;
            &.-success { color: ansi_green; }
            &.-warning { color: ansi_yellow; }
            &.-error { color: ansi_red; }
            &.-primary { color: ansi_blue; }
            &.-muted { color: ansi_default; text-style: none; }
        }
    }
    """

    def __init__(
        self, badge: Badge | None = None, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__("", id=id, classes=classes)
        self.badge = badge
        if badge is not None:
            self.show(badge)

    def show(self, badge: Badge) -> None:
        self.badge = badge
        for tone in TONES:
            self.set_class(tone == badge.tone, f"-{tone}")
        self.update(badge.text())
