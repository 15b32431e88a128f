"""A DataTable whose columns fit its width: flexible columns share the spare cells and
optional ones drop out on a narrow terminal (80 columns), so no row needs sideways scrolling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.widgets import DataTable

CELL_PADDING = 1
SCROLLBAR = 2

Cell = Text | str


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    width: int  # minimum width
    flex: int = 0  # share of the spare width
    right: bool = False
    drop: int = 0  # optional columns drop out first-highest when too narrow; 0 never


def plan(columns: Sequence[Col], width: int) -> list[tuple[Col, int]]:
    """The columns that fit ``width`` cells, and their widths."""
    chosen = list(columns)

    def need(cols: Sequence[Col]) -> int:
        return sum(c.width + 2 * CELL_PADDING for c in cols)

    for col in sorted((c for c in columns if c.drop), key=lambda c: -c.drop):
        if need(chosen) <= width:
            break
        chosen.remove(col)
    spare = max(width - need(chosen), 0)
    weights = sum(c.flex for c in chosen)
    if not weights:
        return [(c, c.width) for c in chosen]
    widths = {c.key: c.width + spare * c.flex // weights for c in chosen}
    return [(c, widths[c.key]) for c in chosen]


def cell_text(value: Cell, right: bool = False) -> Text:
    text = Text(value) if isinstance(value, str) else value.copy()
    text.no_wrap = True
    text.overflow = "ellipsis"
    text.end = ""
    if right:
        text.justify = "right"
    return text


class FitTable(DataTable[Text]):
    """Rows are mappings of column key to cell; columns dropped at this width are skipped."""

    def __init__(
        self,
        columns: Sequence[Col],
        *,
        cursor: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            id=id,
            classes=classes,
            cursor_type="row" if cursor else "none",
            show_cursor=cursor,
            zebra_stripes=True,
            cell_padding=CELL_PADDING,
        )
        self.can_focus = cursor
        self.spec = tuple(columns)
        self.rows_data: list[tuple[str, Mapping[str, Cell]]] = []
        self._plan: list[tuple[Col, int]] = []

    def on_mount(self) -> None:
        self._relayout(force=True)

    def on_resize(self, _event: events.Resize) -> None:
        self._relayout()

    def set_rows(self, rows: Sequence[tuple[str, Mapping[str, Cell]]]) -> None:
        """Replace the rows: (row key, {column key: cell})."""
        self.rows_data = list(rows)
        self._rebuild()

    @property
    def shown_keys(self) -> list[str]:
        return [c.key for c, _ in self._plan]

    @property
    def highlighted_key(self) -> str | None:
        if not self.rows_data or not 0 <= self.cursor_row < len(self.rows_data):
            return None
        return self.rows_data[self.cursor_row][0]

    def _relayout(self, force: bool = False) -> None:
        width = self.size.width - SCROLLBAR
        if width <= 0:
            width = 76
        new = plan(self.spec, width)
        if force or [(c.key, w) for c, w in new] != [(c.key, w) for c, w in self._plan]:
            self._plan = new
            self._rebuild()

    def _rebuild(self) -> None:
        row = self.cursor_row
        self.clear(columns=True)
        for col, width in self._plan:
            label = Text(col.label, justify="right" if col.right else "left")
            self.add_column(label, width=width, key=col.key)
        for key, cells in self.rows_data:
            self.add_row(
                *(cell_text(cells.get(col.key, "—"), col.right) for col, _ in self._plan),
                key=key,
            )
        if self.rows_data and self.show_cursor:
            self.move_cursor(row=min(max(row, 0), len(self.rows_data) - 1), animate=False)
