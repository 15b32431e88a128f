"""The consumer results table: columns fit the width (optional ones drop out at 80 columns)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import DataTable

from cso_tui.formatting import format_money
from cso_tui.models.enums import SearchKind
from cso_tui.widgets.badges import (
    CONSUMER_STATUS,
    VIP_MARK,
    Tone,
    badge_for,
    badge_text,
    tone_styles,
)

if TYPE_CHECKING:
    from cso_tui.services.schemas import ConsumerHit, ConsumerSummary

CELL_PADDING = 1
SCROLLBAR = 2


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # minimum width
    flex: int = 0  # share of the spare width
    right: bool = False


ACCOUNT = Column("account", "Account", 8)
NAME = Column("name", "Name", 14, flex=1)
STATUS = Column("status", "Status", 14)
CATEGORY = Column("category", "Category", 11)
PHONE = Column("phone", "Phone", 14)
ADDRESS = Column("address", "Address", 12, flex=2)
BALANCE = Column("balance", "Balance", 11, right=True)
ALL_COLUMNS = (ACCOUNT, NAME, STATUS, CATEGORY, PHONE, ADDRESS, BALANCE)


def plan_columns(
    width: int, kind: SearchKind, account_width: int = ACCOUNT.width
) -> list[tuple[Column, int]]:
    """Columns and their widths for ``width`` cells; optional ones drop out as it narrows.

    Category goes first; then phone or address, keeping the one the search was about.
    Account numbers are never cut: the column takes the longest one on the page.
    """
    drop_order = (
        [CATEGORY, ADDRESS, PHONE] if kind is SearchKind.PHONE else [CATEGORY, PHONE, ADDRESS]
    )
    account = Column(ACCOUNT.key, ACCOUNT.label, max(ACCOUNT.width, account_width))
    chosen = [account if c is ACCOUNT else c for c in ALL_COLUMNS]

    def need(cols: Sequence[Column]) -> int:
        return sum(c.width + 2 * CELL_PADDING for c in cols)

    while need(chosen) > width and drop_order:
        chosen.remove(drop_order.pop(0))
    spare = max(width - need(chosen), 0)
    weights = sum(c.flex for c in chosen) or 1
    widths = {c.key: c.width + spare * c.flex // weights for c in chosen}
    return [(c, widths[c.key]) for c in chosen]


class ResultsTable(DataTable[Text]):
    """Consumer hits, one row per account (row key = account no)."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="results.open"),
    ]

    def __init__(
        self, *, currency_symbol: str = "$", id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(
            id=id,
            classes=classes,
            cursor_type="row",
            zebra_stripes=True,
            cell_padding=CELL_PADDING,
        )
        self.currency_symbol = currency_symbol
        self.hits: list[ConsumerHit] = []
        self.kind = SearchKind.EMPTY
        self._plan: list[tuple[Column, int]] = []
        self._styles: dict[Tone, Style] = {}

    def on_mount(self) -> None:
        self._styles = tone_styles(self.app)
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)
        self._relayout(force=True)

    def _on_theme_changed(self, _theme: object) -> None:
        self._styles = tone_styles(self.app)
        self._rebuild()

    def on_resize(self, _event: events.Resize) -> None:
        self._relayout()

    def show_hits(self, hits: Sequence[ConsumerHit], kind: SearchKind) -> None:
        """Replace the rows."""
        self.hits = list(hits)
        changed = kind is not self.kind
        self.kind = kind
        if changed or self._account_width() != self._planned_account_width():
            self._relayout(force=True)
        else:
            self._rebuild()

    def append_hits(self, hits: Iterable[ConsumerHit]) -> int:
        """Add a page; returns how many rows were new."""
        seen = {h.account_no for h in self.hits}
        new = [h for h in hits if h.account_no not in seen]
        self.hits.extend(new)
        if self._account_width() != self._planned_account_width():
            self._relayout(force=True)  # a longer account number arrived: widen, never cut
            return len(new)
        for hit in new:
            self.add_row(*self._cells(hit), key=hit.account_no)
        return len(new)

    def update_hit(self, summary: ConsumerSummary) -> None:
        """Show a consumer's saved details in its row (if it is listed), keeping the cursor."""
        for index, hit in enumerate(self.hits):
            if hit.account_no == summary.account_no:
                self.hits[index] = hit.model_copy(
                    update={
                        "name": summary.name,
                        "status": summary.status,
                        "category": summary.category,
                        "vip": summary.vip,
                        "phone": summary.phone,
                        "email": summary.email,
                        "service_address": summary.service_address,
                        "balance": summary.balance,
                    }
                )
                self._rebuild()
                return

    def _account_width(self) -> int:
        longest = max((len(h.account_no) for h in self.hits), default=0)
        return min(max(ACCOUNT.width, longest), 24)

    def _planned_account_width(self) -> int:
        return next((w for c, w in self._plan if c.key == ACCOUNT.key), ACCOUNT.width)

    @property
    def highlighted_account(self) -> str | None:
        if not self.hits or self.cursor_row < 0 or self.cursor_row >= len(self.hits):
            return None
        return self.hits[self.cursor_row].account_no

    def _relayout(self, force: bool = False) -> None:
        width = self.size.width - SCROLLBAR
        if width <= 0:
            width = 78
        plan = plan_columns(width, self.kind, self._account_width())
        if force or [(c.key, w) for c, w in plan] != [(c.key, w) for c, w in self._plan]:
            self._plan = plan
            self._rebuild()

    def _rebuild(self) -> None:
        row = self.cursor_row
        self.clear(columns=True)
        for column, width in self._plan:
            label = Text(column.label, justify="right" if column.right else "left")
            self.add_column(label, width=width, key=column.key)
        for hit in self.hits:
            self.add_row(*self._cells(hit), key=hit.account_no)
        if self.hits:
            self.move_cursor(row=min(max(row, 0), len(self.hits) - 1), animate=False)

    def _cells(self, hit: ConsumerHit) -> list[Text]:
        cells: list[Text] = []
        for column, _width in self._plan:
            cells.append(self._cell(column.key, hit))
        return cells

    def _cell(self, key: str, hit: ConsumerHit) -> Text:
        def plain(value: str | None) -> Text:
            return Text(value or "—", no_wrap=True, overflow="ellipsis", end="")

        if key == "account":
            return plain(hit.account_no)
        if key == "name":
            text = plain(hit.name)
            if hit.vip:
                text = Text.assemble(
                    (f"{VIP_MARK} ", self._styles.get("warning", "")),
                    hit.name,
                    no_wrap=True,
                    overflow="ellipsis",
                    end="",
                )
            return text
        if key == "status":
            return badge_text(badge_for(hit.status, CONSUMER_STATUS), self._styles, short=True)
        if key == "category":
            return plain(hit.category)
        if key == "phone":
            return plain(hit.phone)
        if key == "address":
            return plain(hit.service_address)
        if key == "balance":
            return Text(
                format_money(hit.balance, self.currency_symbol),
                justify="right",
                no_wrap=True,
                end="",
            )
        raise KeyError(key)
