"""Small charts drawn with block characters: a meter bar, a sparkline and a column chart.

The length or height of the blocks carries the value, with the figures printed beside them,
so the charts read the same in 16 colours, in greyscale and under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

EIGHTHS = " ▏▎▍▌▋▊▉█"  # left-aligned partial blocks, 0/8 .. 8/8
LEVELS = "▁▂▃▄▅▆▇█"  # bottom-aligned, 1/8 .. 8/8
EMPTY = "░"


def _fraction(value: Decimal | float | int, total: Decimal | float | int) -> float:
    if not total:
        return 0.0
    return min(max(float(value) / float(total), 0.0), 1.0)


def meter(value: Decimal | float | int, total: Decimal | float | int, width: int) -> str:
    """``█████▌░░░░`` : ``value`` of ``total`` as a bar ``width`` cells long."""
    if width <= 0:
        return ""
    eighths = round(_fraction(value, total) * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (EIGHTHS[part] if part else "")
    return bar + EMPTY * (width - len(bar))


def sparkline(values: Sequence[Decimal | float | int]) -> str:
    """``▁▃▂▂▅█``: one cell per value, from the smallest (▁) to the largest (█)."""
    numbers = [float(v) for v in values]
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    if high <= low:
        return LEVELS[3] * len(numbers)
    return "".join(LEVELS[round((n - low) / (high - low) * 7)] for n in numbers)


@dataclass(frozen=True)
class Column:
    label: str  # under the bar: "Dec"
    value: Decimal  # the bar's height
    caption: str  # above the bar: "1,180"


def column_chart(columns: Sequence[Column], height: int, width: int) -> list[str]:
    """Lines of a column chart: captions, ``height`` rows of bars, labels.

    Each column is as wide as its longest text (at least 3) and the columns share ``width``.
    """
    if not columns:
        return []
    slot = max(3, max(max(len(c.label), len(c.caption)) for c in columns) + 1)
    slot = max(slot, min(width // len(columns), 12))
    bar_width = max(1, min(slot - 2, 5))
    top = max((float(c.value) for c in columns), default=0.0)
    lines = ["".join(c.caption.center(slot) for c in columns).rstrip()]
    levels = [
        round(float(c.value) / top * height * 8) if top > 0 else 0 for c in columns
    ]  # in eighths of a row
    for row in range(height, 0, -1):
        cells = []
        for level in levels:
            filled = level - (row - 1) * 8
            if filled >= 8:
                block = "█"
            elif filled > 0:
                block = LEVELS[filled - 1]
            elif row == 1:
                block = "▁" if level == 0 else " "  # a zero still shows on the baseline
            else:
                block = " "
            cells.append((block * bar_width).center(slot))
        lines.append("".join(cells).rstrip())
    lines.append("".join(c.label.center(slot) for c in columns).rstrip())
    return lines


class ColumnChart(Widget):
    """A column chart of a few values (months of consumption), fitted to its width."""

    DEFAULT_CSS = """
    ColumnChart {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, bars: int = 5, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.bars = bars
        self.columns: list[Column] = []

    def show(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return self.bars + 2 if self.columns else 1

    def render(self) -> RenderResult:
        if not self.columns:
            return Text("no readings in these months", style="dim")
        lines = column_chart(self.columns, self.bars, self.size.width or 60)
        text = Text()
        last = len(lines) - 1
        for index, line in enumerate(lines):
            style = "bold" if index in (0, last) else ""
            text.append(line, style=style)
            if index != last:
                text.append("\n")
        return text
