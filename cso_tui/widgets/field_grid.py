"""Label / value pairs laid out in one column, or two side by side on a wide terminal."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

Value = Text | str

#: Widths from which the pairs go two to a row.
TWO_COLUMNS_FROM = 96


class FieldGrid(Widget):
    DEFAULT_CSS = """
    FieldGrid {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(
        self,
        fields: Sequence[tuple[str, Value]] = (),
        *,
        columns: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.fields = list(fields)
        self.columns = columns  # None: by width

    def show(self, fields: Sequence[tuple[str, Value]]) -> None:
        self.fields = list(fields)
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        """The pairs as plain text (tests and screen readers)."""
        return "\n".join(f"{label}: {Text(value).plain if isinstance(value, str) else value.plain}"
                         for label, value in self.fields)  # fmt: skip

    def render(self) -> RenderResult:
        width = self.size.width or 80
        per_row = self.columns or (2 if width >= TWO_COLUMNS_FROM else 1)
        label_width = max((len(label) for label, _ in self.fields), default=0)
        table = Table.grid(padding=(0, 1), expand=True)
        for index in range(per_row):
            table.add_column(no_wrap=True, width=label_width, style="dim")
            table.add_column(ratio=1, overflow="fold")
            if index < per_row - 1:
                table.add_column(width=1)  # gutter
        row: list[Value] = []
        for label, value in self.fields:
            row.extend([label, value if isinstance(value, Text) else Text(value)])
            if len(row) == per_row * 2:
                table.add_row(*_with_gutters(row, per_row))
                row = []
        if row:
            row.extend([""] * (per_row * 2 - len(row)))
            table.add_row(*_with_gutters(row, per_row))
        return table


def _with_gutters(row: list[Value], per_row: int) -> list[Value]:
    out: list[Value] = []
    for index in range(per_row):
        out.extend(row[index * 2 : index * 2 + 2])
        if index < per_row - 1:
            out.append("")
    return out
