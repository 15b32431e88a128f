"""A KPI card: a label, a figure and a sub-line ("57% of total").

Two shapes: a bordered card (label in the border, figure, sub-line) where there is room, and
a compact two-line one (label, then "figure · sub") for 80x24, where every line counts. The
card picks the longest label that fits its width, so "Temporarily Disconnected" becomes
"Temp. disconn." on a narrow terminal instead of being cut.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

LOADING = "…"


class KpiCard(Widget):
    """One figure of a dashboard row. ``labels``: the full label first, shorter ones after;
    ``short_sub``: in the compact shape show the sub-line's first word ("57%"), else none."""

    DEFAULT_CSS = """
    KpiCard {
        width: 1fr;
        height: 4;
        border: round $primary 60%;
        border-title-color: $text-muted;
        border-title-style: bold;
        padding: 0 1;
        &:ansi {
            border: round ansi_blue;
            border-title-color: ansi_default;
        }
        &.-compact {
            height: 2;
            border: none;
            padding: 0 1;
        }
    }
    """

    compact: reactive[bool] = reactive(False, toggle_class="-compact", layout=True)
    value: reactive[str] = reactive(LOADING)
    sub: reactive[str] = reactive("")

    def __init__(
        self,
        *labels: str,
        short_sub: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.labels = labels or ("",)
        # compact shape: "57% of total" reads "57%"; without short_sub the sub-line is left out
        self.short_sub = short_sub

    def show(self, value: str, sub: str = "") -> None:
        """Show a figure (already formatted) and its sub-line."""
        self.value = value
        self.sub = sub

    @property
    def label(self) -> str:
        """The longest label that fits the card's width."""
        width = self.content_region.width or self.size.width
        for label in self.labels:
            if len(label) <= width:
                return label
        return self.labels[-1]

    def on_resize(self) -> None:
        self._title()

    def watch_compact(self) -> None:
        self._title()

    def _title(self) -> None:
        self.border_title = None if self.compact else self.label

    def render(self) -> Text:
        if self.compact:
            sub = self.sub.split(" ", 1)[0] if self.short_sub else ""
            line = f"{self.value} · {sub}" if sub else self.value
            return Text.assemble(
                (self.label, "dim"),
                "\n",
                (line, "bold"),
                no_wrap=True,
                overflow="ellipsis",
                end="",
            )
        return Text.assemble(
            (self.value, "bold"),
            "\n",
            (self.sub, "dim"),
            no_wrap=True,
            overflow="ellipsis",
            end="",
        )
