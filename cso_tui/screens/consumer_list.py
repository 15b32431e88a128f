"""The consumer list (seed 004 "Consumer Dashboard & Overview"): KPI cards, a search box,
filters, one sort, a page-by-page table with chosen columns, multi-select and bulk actions.

Every backend call runs in a thread worker. The list is asked for page by page (keyset
cursors); every change of the query (term, filters, sort) bumps a sequence number and answers
for an older number are dropped when they arrive, as on the search screen.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from cso_tui.formatting import format_date, format_money
from cso_tui.screens.base import (
    ConnectionRestored,
    Debouncer,
    SessionResumed,
    after_typing,
    cso_app,
    describe_error,
    escape_markup,
    focus_now,
    is_typing,
)
from cso_tui.services.errors import (
    PermissionDeniedError,
    SessionExpiredError,
    UnavailableError,
    ValidationError,
)
from cso_tui.services.schemas import ConsumerQuery, ConsumerSort
from cso_tui.widgets.badges import (
    CONSUMER_STATUS,
    PAYMENT_STANDING,
    VIP_LABEL,
    VIP_MARK,
    Tone,
    badge_for,
    tone_styles,
)
from cso_tui.widgets.fit_table import Col
from cso_tui.widgets.fit_table import plan as fit_plan
from cso_tui.widgets.inputs import OrderedInput
from cso_tui.widgets.kpi import KpiCard

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings
    from cso_tui.services.backend import Backend
    from cso_tui.services.schemas import (
        BulkResult,
        ConsumerKpis,
        ConsumerListPage,
        ConsumerRow,
        ConsumerSummary,
    )

#: The preference that remembers a user's chosen columns.
COLUMNS_PREFERENCE = "consumer_list.columns"
#: Seconds between refreshes of the KPI cards (and at once after a bulk action).
KPI_REFRESH_SECONDS = 60.0
#: Where exports go when set (else the working directory, or home when that is read-only).
EXPORT_DIR_ENV = "CSO_TUI_EXPORT_DIR"

# ---------------------------------------------------------------- colours

#: Seed 004 s.7 rule 7: Active green, Inactive red, Pending yellow, Disconnected orange.
#: The badge's symbol and words always go with the colour (16 colours, NO_COLOR).
STATUS_COLOUR: dict[str, str] = {
    "active": "green",
    "inactive": "red",
    "pending": "yellow",
    "temporarily_disconnected": "orange",
    "disconnected": "orange",
}

# 16 colours have no orange: the dark yellow (brown, orange-ish on many palettes) stands in
# and pending takes the bright one.
_ANSI_COLOURS = {"green": "green", "red": "red", "yellow": "bright_yellow", "orange": "yellow"}
_TRUE_COLOURS = {"yellow": "#E5C21B", "orange": "#FF8C2E"}


def palette(app: App[Any]) -> dict[str, Style]:
    """Bold styles for "green", "red", "yellow" and "orange" in the app's current theme."""
    if app.current_theme.ansi:
        return {name: Style(color=colour, bold=True) for name, colour in _ANSI_COLOURS.items()}
    tones: Mapping[Tone, Style] = tone_styles(app)
    return {
        "green": tones["success"],
        "red": tones["error"],
        **{name: Style(color=colour, bold=True) for name, colour in _TRUE_COLOURS.items()},
    }


def coloured(text: str, colour: str | None, styles: Mapping[str, Style]) -> Text:
    style = styles.get(colour, Style(dim=True)) if colour else Style(dim=True)
    return Text(text, style=style, no_wrap=True, overflow="ellipsis", end="")


# ---------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # minimum width
    flex: int = 0  # share of the spare width
    right: bool = False


SELECT = Column("select", "", 1)
ACCOUNT = Column("account", "Account", 8)
NAME = Column("name", "Name", 14, flex=2)
#: Columns the chooser offers, in the order they are shown (Account and Name always are).
OPTIONAL_COLUMNS: tuple[Column, ...] = (
    Column("status", "Status", 14),
    Column("email", "Email", 16, flex=1),
    Column("phone", "Phone", 14),
    Column("address", "Address", 16, flex=2),
    Column("category", "Category", 11),
    Column("balance", "Balance", 11, right=True),
    Column("payment", "Payment", 12),
    Column("last_contact", "Last contact", 12),
    Column("vip", "VIP", 5),
)
OPTIONAL_KEYS = tuple(c.key for c in OPTIONAL_COLUMNS)
#: Shown until the user chooses (the seed's list: address and last contact where they fit).
DEFAULT_COLUMNS: tuple[str, ...] = ("status", "balance", "payment")
WIDE_DEFAULT_COLUMNS: tuple[str, ...] = ("status", "address", "balance", "payment", "last_contact")
WIDE = 110


def default_columns(width: int) -> list[str]:
    return list(WIDE_DEFAULT_COLUMNS if width >= WIDE else DEFAULT_COLUMNS)


CELL_PADDING = 1
SCROLLBAR = 2
SORT_COLUMN = {
    ConsumerSort.NAME: "name",
    ConsumerSort.ACCOUNT_NO: "account",
    ConsumerSort.BALANCE: "balance",
}
SORT_LABEL = {
    ConsumerSort.NAME: "Name",
    ConsumerSort.ACCOUNT_NO: "Account no",
    ConsumerSort.BALANCE: "Balance",
}
SORT_ORDER = (ConsumerSort.NAME, ConsumerSort.ACCOUNT_NO, ConsumerSort.BALANCE)


def clean_columns(value: object) -> list[str] | None:
    """A stored column choice as known column keys in display order (None if not a list)."""
    if not isinstance(value, list):
        return None
    wanted = {v for v in value if isinstance(v, str)}
    return [key for key in OPTIONAL_KEYS if key in wanted]


def plan_columns(width: int, keys: Sequence[str], account_width: int) -> list[tuple[Column, int]]:
    """The shown columns and their widths: flexible ones share what is left of ``width``.
    Columns never drop out here (the user chose them): a too-wide table scrolls sideways."""
    account = Column(ACCOUNT.key, ACCOUNT.label, max(ACCOUNT.width, account_width))
    chosen = [SELECT, account, NAME, *(c for c in OPTIONAL_COLUMNS if c.key in keys)]
    need = sum(c.width + 2 * CELL_PADDING for c in chosen)
    spare = max(width - need, 0)
    weights = sum(c.flex for c in chosen) or 1
    return [(c, c.width + spare * c.flex // weights) for c in chosen]


def arrow(descending: bool) -> str:
    return "↓" if descending else "↑"


def sort_text(query: ConsumerQuery) -> str:
    return f"{SORT_LABEL[query.sort]} {arrow(query.descending)}"


def money_text(value: Decimal | None, symbol: str) -> str:
    return "" if value is None else format_money(value, symbol)


def filters_summary(query: ConsumerQuery, symbol: str) -> str:
    """ "Active, Past due, VIP, balance ≥ $100.00" (empty when nothing is filtered)."""
    parts = [badge_for(s, CONSUMER_STATUS).label for s in query.statuses]
    parts += [badge_for(s, PAYMENT_STANDING).short for s in query.standings]
    parts += list(query.categories)
    if query.vip is True:
        parts.append("VIP")
    elif query.vip is False:
        parts.append("not VIP")
    if query.balance_min is not None:
        parts.append(f"balance ≥ {format_money(query.balance_min, symbol)}")
    if query.balance_max is not None:
        parts.append(f"balance ≤ {format_money(query.balance_max, symbol)}")
    return ", ".join(parts)


def count_text(page: ConsumerListPage | None) -> str:
    if page is None:
        return ""
    if not page.counted:  # counting would have been slow: what is shown is a lower bound
        return f"{page.matches:,}+ consumers"
    if page.matches > page.count_cap:
        return f"{page.count_cap:,}+ consumers"
    return f"{page.matches:,} consumer{'s' if page.matches != 1 else ''}"


# ---------------------------------------------------------------- the table


RowT = TypeVar("RowT")


class ThemedTable(DataTable[Text]):
    """A row table whose cells are coloured from the theme and whose columns fit the width:
    styles are read again when the theme changes, the layout again when the size does.
    Subclasses draw with ``_tones`` / ``_colours`` and implement ``_relayout`` and
    ``_rebuild``."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=CELL_PADDING)
        self._plan: list[tuple[Any, int]] = []  # (column, width): each table has its own
        self._tones: dict[Tone, Style] = {}
        self._colours: dict[str, Style] = {}

    def on_mount(self) -> None:
        self._styles()
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)
        self._relayout(force=True)

    def _styles(self) -> None:
        self._tones = tone_styles(self.app)
        self._colours = palette(self.app)

    def _on_theme_changed(self, _theme: object) -> None:
        self._styles()
        self._rebuild()

    def on_resize(self, _event: events.Resize) -> None:
        self._relayout()

    def _relayout(self, force: bool = False) -> None:
        raise NotImplementedError

    def _rebuild(self) -> None:
        raise NotImplementedError


class PagedTable(ThemedTable, Generic[RowT]):
    """A themed table of rows that arrive a page at a time (the collections list, the
    disconnection requests): each row has a key, the account column is as wide as the
    widest account no shown (never cut, at most ``MAX_ACCOUNT``), and the columns are
    planned for the width with :func:`cso_tui.widgets.fit_table.plan`. Subclasses give
    ``COLUMNS``, ``SORTED`` (the column the list is ordered by, marked ↓), ``row_key`` and
    ``_cell``."""

    COLUMNS: tuple[Col, ...] = ()
    SORTED = ""
    MAX_ACCOUNT = 24

    def __init__(self, display: DisplaySettings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display_settings = display
        self.rows_shown: list[RowT] = []

    def row_key(self, row: RowT) -> str:
        raise NotImplementedError

    def _cell(self, key: str, row: RowT) -> Text:
        raise NotImplementedError

    @property
    def highlighted(self) -> RowT | None:
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    def row_of(self, key: str) -> RowT | None:
        return next((r for r in self.rows_shown if self.row_key(r) == key), None)

    def show_rows(self, rows: Sequence[RowT]) -> None:
        self.rows_shown = list(rows)
        self._relayout(force=True)

    def append_rows(self, rows: Iterable[RowT]) -> int:
        """Add a page; returns how many rows were new."""
        seen = {self.row_key(r) for r in self.rows_shown}
        new = [r for r in rows if self.row_key(r) not in seen]
        self.rows_shown.extend(new)
        before = [(c.key, w) for c, w in self._plan]
        self._relayout()  # a longer account no arrived: widen, never cut
        if [(c.key, w) for c, w in self._plan] == before:
            for row in new:
                self.add_row(*self._cells(row), key=self.row_key(row))
        return len(new)

    def _account_width(self) -> int:
        longest = max((len(getattr(r, "account_no", "")) for r in self.rows_shown), default=0)
        return min(longest, self.MAX_ACCOUNT)

    def _relayout(self, force: bool = False) -> None:
        width = self.size.width - SCROLLBAR
        if width <= 0:
            width = 78
        wide = self._account_width()
        columns = [
            replace(c, width=max(c.width, wide)) if c.key == "account" else c for c in self.COLUMNS
        ]
        planned = fit_plan(columns, width)
        if force or [(c.key, w) for c, w in planned] != [(c.key, w) for c, w in self._plan]:
            self._plan = planned
            self._rebuild()

    def _rebuild(self) -> None:
        row = self.cursor_row
        self.clear(columns=True)
        for column, width in self._plan:
            label = Text(column.label, justify="right" if column.right else "left")
            if column.key == self.SORTED:
                label.append(" ↓")
            self.add_column(label, width=width, key=column.key)
        for shown in self.rows_shown:
            self.add_row(*self._cells(shown), key=self.row_key(shown))
        if self.rows_shown:
            self.move_cursor(row=min(max(row, 0), len(self.rows_shown) - 1), animate=False)

    def _cells(self, row: RowT) -> list[Text]:
        return [self._cell(column.key, row) for column, _width in self._plan]


def plain_cell(value: str, right: bool = False, style: str = "") -> Text:
    """A one-line cell, cut with an ellipsis."""
    return Text(value, style=style, justify="right" if right else "left", no_wrap=True,
                overflow="ellipsis", end="")  # fmt: skip


class ConsumerTable(ThemedTable):
    """Consumers, one row per account (row key = account no), with a tick column."""

    def __init__(self, display: DisplaySettings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display_settings = display
        self.rows_shown: list[ConsumerRow] = []
        self.selected: dict[str, ConsumerRow] = {}  # in the order they were ticked
        self.chosen_columns: list[str] | None = None  # None: the default for the width
        self.columns_shown: list[str] = list(DEFAULT_COLUMNS)
        self.sort_key = "name"
        self.descending = False

    # ------------------------------------------------------------ rows

    def show_rows(self, rows: Sequence[ConsumerRow]) -> None:
        """Replace the rows (the cursor goes back to the top)."""
        self.rows_shown = list(rows)
        self._relayout(force=True, top=True)

    def append_rows(self, rows: Iterable[ConsumerRow]) -> int:
        """Add a page; returns how many rows were new."""
        seen = {r.account_no for r in self.rows_shown}
        new = [r for r in rows if r.account_no not in seen]
        self.rows_shown.extend(new)
        if self._account_width() != self._planned_width(ACCOUNT.key):
            self._relayout(force=True)  # a longer account number arrived: widen, never cut
            return len(new)
        for row in new:
            self.add_row(*self._cells(row), key=row.account_no)
        return len(new)

    def set_columns(self, keys: Sequence[str]) -> None:
        self.chosen_columns = [k for k in OPTIONAL_KEYS if k in keys]
        self._relayout(force=True)

    def set_sort(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        if self._plan:
            self._rebuild()

    @property
    def highlighted(self) -> ConsumerRow | None:
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    # ------------------------------------------------------------ selection

    def toggle(self, row: ConsumerRow) -> None:
        if row.account_no in self.selected:
            del self.selected[row.account_no]
        else:
            self.selected[row.account_no] = row
        self._tick(row.account_no)

    def select_all(self) -> bool:
        """Tick every loaded row; if all were ticked already, untick them. True if ticked."""
        loaded = [r for r in self.rows_shown if r.account_no not in self.selected]
        if loaded:
            for row in loaded:
                self.selected[row.account_no] = row
                self._tick(row.account_no)
            return True
        for row in self.rows_shown:
            self.selected.pop(row.account_no, None)
            self._tick(row.account_no)
        return False

    def clear_selection(self) -> None:
        ticked = list(self.selected)
        self.selected.clear()
        for account_no in ticked:
            self._tick(account_no)

    def _tick(self, account_no: str) -> None:
        if account_no in self.rows:
            self.update_cell(account_no, SELECT.key, self._tick_cell(account_no))

    def _tick_cell(self, account_no: str) -> Text:
        if account_no in self.selected:
            return Text("☑", style=self._tones.get("primary", ""), end="")
        return Text("☐", style="dim", end="")

    # ------------------------------------------------------------ layout

    def _account_width(self) -> int:
        longest = max((len(r.account_no) for r in self.rows_shown), default=0)
        return min(max(ACCOUNT.width, longest), 24)

    def _planned_width(self, key: str) -> int:
        return next((w for c, w in self._plan if c.key == key), 0)

    def _relayout(self, force: bool = False, top: bool = False) -> None:
        width = self.size.width - SCROLLBAR
        if width <= 0:
            width = 78
        self.columns_shown = (
            default_columns(width) if self.chosen_columns is None else self.chosen_columns
        )
        plan = plan_columns(width, self.columns_shown, self._account_width())
        if force or [(c.key, w) for c, w in plan] != [(c.key, w) for c, w in self._plan]:
            self._plan = plan
            self._rebuild(top=top)

    def _header(self, column: Column) -> Text:
        label = column.label
        if column.key == self.sort_key:
            label = f"{label} {arrow(self.descending)}"
        return Text(label, justify="right" if column.right else "left")

    def _rebuild(self, top: bool = False) -> None:
        row = 0 if top else self.cursor_row
        self.clear(columns=True)
        for column, width in self._plan:
            self.add_column(self._header(column), width=width, key=column.key)
        for consumer in self.rows_shown:
            self.add_row(*self._cells(consumer), key=consumer.account_no)
        if self.rows_shown:
            self.move_cursor(row=min(max(row, 0), len(self.rows_shown) - 1), animate=False)

    def _cells(self, row: ConsumerRow) -> list[Text]:
        return [self._cell(column.key, row) for column, _width in self._plan]

    def _cell(self, key: str, row: ConsumerRow) -> Text:
        def plain(value: str | None) -> Text:
            if not value:
                return Text("—", style="dim", end="")
            return Text(value, no_wrap=True, overflow="ellipsis", end="")

        if key == "select":
            return self._tick_cell(row.account_no)
        if key == "account":
            return plain(row.account_no)
        if key == "name":
            if row.vip and "vip" not in self.columns_shown:
                return Text.assemble(
                    (f"{VIP_MARK} ", self._tones.get("warning", "")),
                    row.name,
                    no_wrap=True,
                    overflow="ellipsis",
                    end="",
                )
            return plain(row.name)
        if key == "status":
            badge = badge_for(row.status, CONSUMER_STATUS)
            return coloured(badge.text(short=True), STATUS_COLOUR.get(row.status), self._colours)
        if key == "email":
            return plain(row.email)
        if key == "phone":
            return plain(row.phone)
        if key == "address":
            return plain(row.service_address)
        if key == "category":
            return plain(row.category)
        if key == "balance":
            return Text(
                format_money(row.balance, self.display_settings.currency_symbol),
                justify="right",
                no_wrap=True,
                end="",
            )
        if key == "payment":
            badge = badge_for(row.payment_standing, PAYMENT_STANDING)
            style = self._tones.get(badge.tone)
            return Text(badge.text(short=True), style=style or "", no_wrap=True, end="")
        if key == "last_contact":
            if row.last_contact_at is None:
                return Text("—", style="dim", end="")
            zone = ZoneInfo(self.display_settings.timezone)
            day = row.last_contact_at.astimezone(zone).date()
            return plain(format_date(day, self.display_settings))
        if key == "vip":
            if not row.vip:
                return Text("—", style="dim", end="")
            return Text(VIP_LABEL, style=self._tones.get("warning", ""), end="")
        raise KeyError(key)


# ---------------------------------------------------------------- the screen


class ConsumerListScreen(Screen[None]):
    HELP_TITLE = "Consumer list"
    CSS_PATH = "consumer_list.tcss"
    AUTO_FOCUS = "#consumers"
    DEBOUNCE = 0.15
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    #: Where exports are written; None: $CSO_TUI_EXPORT_DIR, else the working directory
    #: (home when that is not writable). Tests and embedders may set it.
    export_dir: ClassVar[Path | None] = None

    BINDINGS = [
        # enter on a row: the table's own key; listed here for the help (the footer is full)
        Binding("enter", "open_profile", "Open the profile", show=False, id="consumers.open"),
        Binding("space", "tick", "Select", id="consumers.toggle"),
        Binding(
            "s", "focus_search", "Search box", show=False, priority=True, id="consumers.search"
        ),  # priority: "sDoe" in one burst (see focus_now)
        Binding("f", "filters", "Filters", id="consumers.filters"),
        Binding("o", "sort", "Sort", id="consumers.sort"),
        Binding("b", "bulk", "Bulk", id="consumers.bulk"),
        Binding("n", "new", "New consumer", show=False, id="consumers.new"),
        Binding("O", "reverse", "Reverse sort", show=False, id="consumers.reverse"),
        Binding("c", "columns", "Columns", show=False, id="consumers.columns"),
        Binding("ctrl+a", "select_all", "Select all / none", show=False, id="consumers.all"),
        Binding("ctrl+n", "more", "More rows", show=False, id="consumers.more"),
        Binding("r", "refresh", "Refresh", show=False, id="consumers.refresh"),
        Binding("escape", "back", "Back", show=False, id="consumers.back"),
        # priority: keys typed ahead after it already go to the table
        Binding("down", "box_down", "To the list", show=False, priority=True, id="consumers.down"),
    ]

    class Loaded(Message):
        def __init__(self, seq: int, page: ConsumerListPage, append: bool) -> None:
            super().__init__()
            self.seq = seq
            self.page = page
            self.append = append

    class LoadFailed(Message):
        def __init__(self, seq: int, error: BaseException, cursor: str | None) -> None:
            super().__init__()
            self.seq = seq
            self.error = error
            self.cursor = cursor

    class KpisLoaded(Message):
        def __init__(self, kpis: ConsumerKpis | None, error: BaseException | None) -> None:
            super().__init__()
            self.kpis = kpis
            self.error = error

    class ColumnsLoaded(Message):
        def __init__(self, columns: list[str] | None) -> None:
            super().__init__()
            self.columns = columns

    class Exported(Message):
        def __init__(self, path: Path | None, count: int, error: BaseException | None) -> None:
            super().__init__()
            self.path = path
            self.count = count
            self.error = error

    def __init__(self, subtitle: str = "") -> None:
        super().__init__()
        self.sub_title = subtitle or "Consumers"
        self.query_state = ConsumerQuery()
        self.seq = 0  # numbers every change of the query; answers for older ones are stale
        self.shown_seq = -1
        self.page: ConsumerListPage | None = None  # the first page of what is shown
        self.next_cursor: str | None = None
        self.fetching = True
        self.paging = False
        self.kpis: ConsumerKpis | None = None
        self.columns_loaded = False
        self.failed: tuple[int, str | None] | None = None  # (seq, cursor) to retry
        self._debounce = Debouncer(self, self.DEBOUNCE, self._apply_term)
        self._focus_table_when_ready = False

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        app = cso_app(self)
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="kpis"):
            yield KpiCard("Total accounts", "Total", short_sub=False, id="kpi-total")
            yield KpiCard("Active", id="kpi-active")
            yield KpiCard("Inactive", id="kpi-inactive")
            yield KpiCard(
                "Temporarily Disconnected", "Temp. Disconnected", "Temp. disconn.", id="kpi-temp"
            )
            yield KpiCard("Total balance", "Balance", short_sub=False, id="kpi-balance")
        with Horizontal(id="consumer-search-row"):
            yield Label("Search", id="consumer-search-label")
            yield OrderedInput(
                placeholder="name, account no, phone, email or address",
                id="consumer-search",
                max_length=200,
                compact=True,
            )
        yield Label("", id="consumer-filters")
        yield Label("Loading consumers…", id="consumer-status")
        yield ConsumerTable(app.settings.display, id="consumers")
        yield Footer()

    def on_mount(self) -> None:
        self._compact_cards()
        self._show_filters()
        self.table.set_sort(SORT_COLUMN[self.query_state.sort], self.query_state.descending)
        self.load(self.seq, self.query_state)
        self.load_kpis()
        self.load_columns()
        self.set_interval(KPI_REFRESH_SECONDS, self.load_kpis)
        cso_app(self).record_usage("Viewed_Consumer_List", {})

    def on_resize(self, _event: events.Resize) -> None:
        self._compact_cards()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.kpis is not None:
            self.load_kpis()  # back from a profile: figures may have moved

    def _compact_cards(self) -> None:
        compact = self.size.height < 32
        for card in self.query(KpiCard):
            card.compact = compact

    @property
    def table(self) -> ConsumerTable:
        return self.query_one("#consumers", ConsumerTable)

    @property
    def search_box(self) -> Input:
        return self.query_one("#consumer-search", Input)

    @property
    def symbol(self) -> str:
        return cso_app(self).settings.display.currency_symbol

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        """Ask for the first page of the current query (a new sequence number)."""
        self.seq += 1
        self.fetching = True
        self.paging = False
        self._status("Loading consumers…")
        self.load(self.seq, self.query_state)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="consumers-list")
    def load(self, seq: int, query: ConsumerQuery, cursor: str | None = None) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            page = backend.list_consumers(
                session.token, query, cursor, app.settings.search_page_size
            )
        except Exception as exc:
            self.post_message(self.LoadFailed(seq, exc, cursor))
            return
        self.post_message(self.Loaded(seq, page, append=cursor is not None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.seq != self.seq:
            return  # an answer for a query that has since changed
        self.failed = None
        self.fetching = False
        self.paging = False
        self.next_cursor = message.page.next_cursor
        if message.append:
            self.table.append_rows(message.page.items)
        else:
            self.shown_seq = message.seq
            self.page = message.page
            self.table.show_rows(message.page.items)
            if self._focus_table_when_ready:
                self._focus_table_when_ready = False
                self.action_to_table()
        self._status_for_rows()
        self.refresh_bindings()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        if message.seq != self.seq:
            return
        self.fetching = False
        self.paging = False
        self._focus_table_when_ready = False
        self.failed = (message.seq, message.cursor)
        error = message.error
        cso_app(self).backend_trouble(error)
        if isinstance(error, SessionExpiredError):
            self._status("Your session ended: log in again; your search is kept.", tone="error")
            return
        what = "load more consumers" if message.cursor else "load the consumers"
        self._status(
            f"Cannot {what}: {escape_markup(describe_error(error))} "
            "(your search and filters are kept; r tries again)",
            tone="error",
        )

    def _status_for_rows(self) -> None:
        shown = len(self.table.rows_shown)
        parts = [count_text(self.page) or "no consumers"]
        if self.page is not None and self.page.matches == 0:
            parts = ["No consumer matches"]
        elif self.next_cursor:
            parts.append(f"{shown:,} shown, more below")
        parts.append(f"sort: {sort_text(self.query_state)}")
        selected = len(self.table.selected)
        if selected:
            parts.append(f"{selected:,} selected")
        self._status(" · ".join(parts))

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#consumer-status", Label)
        status.update(text)
        status.set_class(tone == "error", "-error")

    def _show_filters(self) -> None:
        summary = filters_summary(self.query_state, self.symbol)
        label = self.query_one("#consumer-filters", Label)
        label.set_class(bool(summary), "-active")
        if summary:
            label.update(f"Filters: {escape_markup(summary)}")
        else:
            label.update("Filters: none · f filters · o sort · c columns · n new · ⏎ profile")

    # ------------------------------------------------------------ search box

    @on(Input.Changed, "#consumer-search")
    def _term_changed(self, event: Input.Changed) -> None:
        self.seq += 1  # what is shown no longer matches the box
        self.fetching = True
        self._status("Searching…")
        self._debounce.poke()

    def _apply_term(self) -> None:
        self.query_state = self.query_state.model_copy(update={"text": self.search_box.value})
        self.reload()

    @on(Input.Submitted, "#consumer-search")
    def _term_submitted(self) -> None:
        if self._debounce.pending:  # typed faster than the pause: search at once
            self._focus_table_when_ready = True
            self._debounce.flush()
        elif self.fetching:
            self._focus_table_when_ready = True
        else:
            self.action_to_table()

    # ------------------------------------------------------------ paging

    @on(DataTable.RowHighlighted, "#consumers")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 1:
            self.action_more()

    def action_more(self) -> None:
        if self.next_cursor is None or self.paging or self.shown_seq != self.seq:
            return
        self.paging = True
        self._status(f"{count_text(self.page)} · loading more…")
        self.load(self.seq, self.query_state, self.next_cursor)

    # ------------------------------------------------------------ profile

    @on(DataTable.RowSelected, "#consumers")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            cso_app(self).open_profile(event.row_key.value)

    def action_open_profile(self) -> None:
        row = self.table.highlighted
        if row is not None:
            cso_app(self).open_profile(row.account_no)

    # ------------------------------------------------------------ KPIs

    @work(thread=True, exclusive=True, exit_on_error=False, group="consumers-kpis")
    def load_kpis(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            kpis = backend.consumer_kpis(session.token)
        except Exception as exc:
            self.post_message(self.KpisLoaded(None, exc))
            return
        self.post_message(self.KpisLoaded(kpis, None))

    @on(KpisLoaded)
    def _kpis_loaded(self, message: KpisLoaded) -> None:
        kpis = message.kpis
        if kpis is None:
            assert message.error is not None
            if not cso_app(self).backend_trouble(message.error) and self.kpis is None:
                for card in self.query(KpiCard):
                    card.show("?", "not loaded")
            return
        self.kpis = kpis

        def share(count: int) -> tuple[str, str]:
            return f"{count:,}", f"{kpis.percent(count)}% of total"

        self.query_one("#kpi-total", KpiCard).show(f"{kpis.total:,}", "accounts")
        self.query_one("#kpi-active", KpiCard).show(*share(kpis.active))
        self.query_one("#kpi-inactive", KpiCard).show(*share(kpis.inactive))
        self.query_one("#kpi-temp", KpiCard).show(*share(kpis.temporarily_disconnected))
        self.query_one("#kpi-balance", KpiCard).show(
            format_money(kpis.total_balance, self.symbol), "all accounts"
        )

    # ------------------------------------------------------------ columns

    @work(thread=True, exclusive=True, exit_on_error=False, group="consumers-prefs")
    def load_columns(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            value = backend.get_preference(session.token, COLUMNS_PREFERENCE)
        except Exception as exc:  # the default columns stay: not worth a message
            self.log.warning(f"column preference not read: {exc}")
            value = None
        self.post_message(self.ColumnsLoaded(clean_columns(value)))

    @on(ColumnsLoaded)
    def _columns_loaded(self, message: ColumnsLoaded) -> None:
        self.columns_loaded = True
        if message.columns is not None:
            self.table.set_columns(message.columns)

    def action_columns(self) -> None:
        self.app.push_screen(ColumnsScreen(self.table.columns_shown), self._columns_chosen)

    def _columns_chosen(self, columns: list[str] | None) -> None:
        if columns is None or columns == self.table.columns_shown:
            return
        self.table.set_columns(columns)
        self.save_columns(columns)

    @work(thread=True, exit_on_error=False, group="consumers-prefs-save")
    def save_columns(self, columns: list[str]) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            backend.set_preference(session.token, COLUMNS_PREFERENCE, columns)
        except Exception as exc:
            self.app.call_from_thread(self._columns_not_saved, exc)

    def _columns_not_saved(self, error: BaseException) -> None:
        if not cso_app(self).backend_trouble(error):
            self.notify(
                f"Columns changed here but not remembered: {describe_error(error)}",
                severity="warning",
            )

    # ------------------------------------------------------------ filters and sort

    def action_filters(self) -> None:
        self.app.push_screen(FiltersScreen(self.query_state), self._filters_chosen)

    def _filters_chosen(self, query: ConsumerQuery | None) -> None:
        if query is None:
            return
        self.query_state = query.model_copy(
            update={
                "text": self.search_box.value,
                "sort": self.query_state.sort,
                "descending": self.query_state.descending,
            }
        )
        self._show_filters()
        self.reload()

    def action_sort(self) -> None:
        """Next sort key: Name, Account no, Balance (balance starts with the largest)."""
        current = SORT_ORDER.index(self.query_state.sort)
        sort = SORT_ORDER[(current + 1) % len(SORT_ORDER)]
        self._sort_by(sort, sort is ConsumerSort.BALANCE)

    def action_reverse(self) -> None:
        self._sort_by(self.query_state.sort, not self.query_state.descending)

    def _sort_by(self, sort: ConsumerSort, descending: bool) -> None:
        self.query_state = self.query_state.model_copy(
            update={"sort": sort, "descending": descending, "text": self.search_box.value}
        )
        self.table.set_sort(SORT_COLUMN[sort], descending)
        self.reload()

    # ------------------------------------------------------------ selection

    def action_tick(self) -> None:
        row = self.table.highlighted
        if row is None:
            return
        self.table.toggle(row)
        if not self.fetching:
            self._status_for_rows()
        self.refresh_bindings()
        if self.table.cursor_row < self.table.row_count - 1:
            self.table.action_cursor_down()  # tick the next one with the next space

    def action_select_all(self) -> None:
        self.table.select_all()
        if not self.fetching:
            self._status_for_rows()
        self.refresh_bindings()

    def targets(self) -> list[ConsumerRow]:
        """What a bulk action acts on: the ticked rows, else the highlighted one."""
        if self.table.selected:
            return list(self.table.selected.values())
        row = self.table.highlighted
        return [row] if row is not None else []

    # ------------------------------------------------------------ bulk actions

    def action_bulk(self) -> None:
        targets = self.targets()
        if not targets:
            self.notify("No consumer to act on: the list is empty.", severity="warning")
            return
        self.app.push_screen(BulkMenuScreen(targets, bool(self.table.selected)), self._bulk_chosen)

    def _bulk_chosen(self, choice: str | None) -> None:
        targets = self.targets()
        if choice is None or not targets:
            return
        if choice == "export":
            self.export([t.account_no for t in targets])
        elif choice == "message":
            self.app.push_screen(MessageScreen(targets), self._bulk_done)
        elif choice == "note":
            self.app.push_screen(NoteScreen(targets), self._bulk_done)
        elif choice == "clear":
            self.table.clear_selection()
            self._status_for_rows()
            self.refresh_bindings()

    def _bulk_done(self, result: BulkResult | None) -> None:
        if result is not None:
            self.load_kpis()

    # ------------------------------------------------------------ new consumer

    def action_new(self) -> None:
        """The new consumer form; once it has created one, the cards and rows refresh (the
        form itself opens the new profile)."""
        # deferred: new_consumer imports this module
        from cso_tui.screens.new_consumer import NewConsumerScreen

        self.app.push_screen(NewConsumerScreen(), self._created)

    def _created(self, summary: ConsumerSummary | None) -> None:
        if summary is not None:
            self.load_kpis()
            self.reload()

    def export_directory(self) -> Path:
        if self.export_dir is not None:
            return self.export_dir
        configured = os.environ.get(EXPORT_DIR_ENV, "").strip()
        if configured:
            return Path(configured).expanduser()
        here = Path.cwd()
        return here if os.access(here, os.W_OK) else Path.home()

    @work(thread=True, exclusive=True, exit_on_error=False, group="consumers-export")
    def export(self, account_nos: list[str]) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            text = backend.export_consumers(session.token, account_nos)
            path = write_export(self.export_directory(), text, datetime.now())
        except Exception as exc:
            self.post_message(self.Exported(None, len(account_nos), exc))
            return
        self.post_message(self.Exported(path, len(account_nos), None))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        if message.error is not None:
            error = message.error
            if cso_app(self).backend_trouble(error):
                return
            text = describe_error(error)
            if isinstance(error, OSError):
                text = f"Cannot write the file: {error.strerror or error} ({error.filename})"
            self.notify(f"Export failed: {text}", title="Export", severity="error", timeout=10)
            return
        count = message.count
        self.notify(
            f"{count:,} consumer{'s' if count != 1 else ''} written to {message.path}",
            title="Exported",
            timeout=10,
        )

    # ------------------------------------------------------------ after a pause

    def on_session_resumed(self, _message: SessionResumed) -> None:
        self._retry()

    def on_connection_restored(self, _message: ConnectionRestored) -> None:
        self._retry()

    def _retry(self) -> None:
        failed, self.failed = self.failed, None
        if failed is not None and failed[0] == self.seq:
            _seq, cursor = failed
            if cursor is None:
                self.reload()
            else:
                self.paging = True
                self.load(self.seq, self.query_state, cursor)
        self.load_kpis()

    # ------------------------------------------------------------ keys

    def action_refresh(self) -> None:
        self.reload()
        self.load_kpis()

    def action_focus_search(self) -> None:
        box = self.search_box
        focus_now(box)
        box.cursor_position = len(box.value)

    def action_to_table(self) -> None:
        if self.table.row_count:
            self.set_focus(self.table)

    def action_box_down(self) -> None:
        from textual.actions import SkipAction

        if self.focused is not self.search_box:
            raise SkipAction()
        self.action_to_table()

    def action_back(self) -> None:
        if self.focused is self.search_box and self.table.row_count:
            self.action_to_table()
        elif self.app.screen is self and len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = is_typing(self)
        if action in ("tick", "select_all"):
            return None if typing else True
        if action in ("filters", "sort", "reverse", "columns", "focus_search", "refresh", "new"):
            return None if typing else True
        if action == "bulk":
            return None if typing or not self.table.rows_shown else True
        if action == "more":
            return self.next_cursor is not None and self.shown_seq == self.seq
        return True

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.refresh_bindings()


def write_export(directory: Path, text: str, now: datetime) -> Path:
    """Write ``text`` to ``consumers-YYYYMMDD-HHMMSS.csv`` in ``directory`` (never over an
    existing file: a second export in the same second gets ``-2``), readable by the owner
    only: it holds personal data."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"consumers-{now:%Y%m%d-%H%M%S}"
    for n in range(1, 100):
        path = directory / (f"{stem}.csv" if n == 1 else f"{stem}-{n}.csv")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        return path
    raise FileExistsError(f"Too many exports named {stem} in {directory}")


# ---------------------------------------------------------------- ticks that read without colour


class TickBox(Checkbox):
    """A checkbox whose tick is a character ("X" or blank), not only a colour."""

    def __init__(self, label: str, value: bool = False, *, id: str | None = None) -> None:
        super().__init__(label, value, id=id, compact=True)
        self.BUTTON_INNER = "X" if value else " "

    def watch_value(self) -> None:
        super().watch_value()
        self.BUTTON_INNER = "X" if self.value else " "
        self.refresh()


class TickRadio(RadioButton):
    """A radio button whose dot is a character, not only a colour."""

    def __init__(self, label: str, value: bool = False, *, id: str | None = None) -> None:
        super().__init__(label, value, id=id)
        self.BUTTON_INNER = "●" if value else " "

    def watch_value(self) -> None:
        super().watch_value()
        self.BUTTON_INNER = "●" if self.value else " "
        self.refresh()


# ---------------------------------------------------------------- filters


STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("temporarily_disconnected", "Temp. disconn."),
    ("disconnected", "Disconnected"),
    ("pending", "Pending"),
)
STANDING_CHOICES: tuple[tuple[str, str], ...] = (
    ("current", "Current"),
    ("past_due", "Past due"),
    ("collection", "Collection"),
)
VIP_CHOICES: tuple[tuple[bool | None, str], ...] = (
    (None, "Any"),
    (True, "VIP"),
    (False, "Not VIP"),
)
#: Offered as suggestions in the category box (any other category can be typed).
KNOWN_CATEGORIES = ("Residential", "Commercial", "Industrial", "Institutional", "Government")


def parse_amount(text: str, symbol: str) -> Decimal | None:
    """ "1,200.50", "$1200.5" -> Decimal; blank -> None. Raises ValueError otherwise."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if symbol:
        cleaned = cleaned.replace(symbol.strip(), "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_categories(text: str) -> list[str]:
    """ "residential, Commercial" -> ["Residential", "Commercial"] (known names take their
    own spelling; others are kept as typed)."""
    known = {c.lower(): c for c in KNOWN_CATEGORIES}
    out: list[str] = []
    for part in text.split(","):
        name = part.strip()
        if name:
            name = known.get(name.lower(), name)
            if name not in out:
                out.append(name)
    return out


QueryT = TypeVar("QueryT")


class CheckedFiltersScreen(ModalScreen["QueryT | None"], Generic[QueryT]):
    """A filter form that answers the filters chosen once the backend has taken them (one
    row asked for), or None when cancelled. A refusal lands on the field it names (one of
    ``FIELDS``, shown as ``#filter-<name>``), what was chosen is kept. Subclasses compose the
    form and give ``chosen`` (the query it shows), ``probe`` (the one-row call) and
    ``action_reset``."""

    FIELDS: tuple[str, ...] = ()
    STATUS_ID = "filters-status"

    class Checked(Message):
        def __init__(self, query: Any, error: BaseException | None) -> None:
            super().__init__()
            self.query = query
            self.error = error

    def __init__(self, query: QueryT) -> None:
        super().__init__()
        self.current = query
        self.checking = False

    def chosen(self) -> QueryT:
        """The query the form shows. Raises ValidationError for a field it cannot read."""
        raise NotImplementedError

    def probe(self, backend: Backend, token: str, query: QueryT) -> None:
        """Ask the backend for one row under ``query`` (raises what it refuses)."""
        raise NotImplementedError

    def action_apply(self) -> None:
        # a priority key runs as it arrives: read the fields behind the keys typed before it
        after_typing(self, self._apply)

    def _apply(self) -> None:
        if self.checking:
            return
        self._clear_errors()
        try:
            query = self.chosen()
        except ValidationError as exc:
            self._show_error(exc)
            return
        self.checking = True
        self._status("Checking…")
        self.check(query)

    @work(thread=True, exclusive=True, exit_on_error=False, group="filters-check")
    def check(self, query: QueryT) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            self.probe(backend, session.token, query)
        except Exception as exc:
            self.post_message(self.Checked(query, exc))
            return
        self.post_message(self.Checked(query, None))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        self.checking = False
        error = message.error
        if error is None:
            self.dismiss(message.query)
            return
        if isinstance(error, ValidationError):
            self._show_error(error)
            return
        cso_app(self).backend_trouble(error)
        self._status(
            f"Filters not applied: {escape_markup(describe_error(error))} "
            "Your choices are kept: press enter to try again.",
            tone="error",
        )

    def _show_error(self, error: ValidationError) -> None:
        field = error.field
        if field not in self.FIELDS:
            self._status(escape_markup(error.message), tone="error")
            return
        label = self.query_one(f"#filter-{field}-error", Label)
        label.update(escape_markup(error.message))
        label.add_class("-shown")
        self.query_one(f"#filter-{field}", Input).focus()
        self._status("Fix the field marked above, then press enter.", tone="error")

    def _clear_errors(self) -> None:
        for label in self.query(".field-error"):
            if isinstance(label, Label):
                label.update("")
                label.remove_class("-shown")
        self._status("")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one(f"#{self.STATUS_ID}", Static)
        status.update(text)
        status.set_class(tone == "error", "-error")


class FiltersScreen(CheckedFiltersScreen[ConsumerQuery]):
    """Answers the filters chosen (checked by the backend first), or None when cancelled."""

    HELP_TITLE = "Filter consumers"
    CSS_PATH = "consumer_list.tcss"
    AUTO_FOCUS = "#status-active"

    BINDINGS = [
        Binding("ctrl+s,enter", "apply", "Apply", priority=True, id="consumers.filters.apply"),
        Binding("ctrl+r", "reset", "Clear all", priority=True, id="consumers.filters.reset"),
        Binding("escape", "cancel", "Cancel", id="consumers.filters.cancel"),
        Binding("f1", "app.help", "Help", id="consumers.filters.help"),
    ]

    FIELDS = ("categories", "balance_min", "balance_max")

    def compose(self) -> ComposeResult:
        query = self.current
        symbol = cso_app(self).settings.display.currency_symbol
        with Vertical(id="filters-box", classes="modal-box") as box:
            box.border_title = "Filter consumers"
            box.border_subtitle = "space ticks · enter applies · ctrl+r clears · esc"
            with Horizontal(classes="form-row"):
                yield Label("Status", classes="field-label")
                with Grid(id="filter-statuses", classes="ticks"):
                    for value, label in STATUS_CHOICES:
                        yield TickBox(label, value in query.statuses, id=f"status-{value}")
            with Horizontal(classes="form-row"):
                yield Label("Payment", classes="field-label")
                with Grid(id="filter-standings", classes="ticks"):
                    for value, label in STANDING_CHOICES:
                        yield TickBox(label, value in query.standings, id=f"standing-{value}")
            with Horizontal(classes="form-row"):
                yield Label("VIP", classes="field-label")
                with RadioSet(id="filter-vip", compact=True):
                    for index, (vip, label) in enumerate(VIP_CHOICES):
                        yield TickRadio(label, vip is query.vip, id=f"vip-{index}")
            with Horizontal(classes="form-row"):
                yield Label("Category", classes="field-label")
                with Vertical(classes="form-field"):
                    yield OrderedInput(
                        ", ".join(query.categories),
                        placeholder="any (e.g. Residential, Commercial)",
                        id="filter-categories",
                        max_length=200,
                        compact=True,
                    )
                    yield Label("", id="filter-categories-error", classes="field-error")
            for name, label in (("balance_min", "Balance ≥"), ("balance_max", "Balance ≤")):
                value = getattr(query, name)
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="form-field"):
                        yield OrderedInput(
                            "" if value is None else str(value),
                            placeholder=f"any (amount, e.g. {symbol}100.00)",
                            id=f"filter-{name}",
                            max_length=20,
                            compact=True,
                        )
                        yield Label("", id=f"filter-{name}-error", classes="field-error")
            yield Static("", id="filters-status", classes="form-status")
        yield Footer()

    def chosen(self) -> ConsumerQuery:
        """The query the form shows. Raises ValidationError for an amount that is no number."""
        symbol = cso_app(self).settings.display.currency_symbol
        amounts: dict[str, Decimal | None] = {}
        for name in ("balance_min", "balance_max"):
            try:
                amounts[name] = parse_amount(self.query_one(f"#filter-{name}", Input).value, symbol)
            except ValueError:
                raise ValidationError(
                    name, "Enter an amount, e.g. 120.50, or leave it blank."
                ) from None
        vip_index = self.query_one("#filter-vip", RadioSet).pressed_index
        return ConsumerQuery(
            statuses=[
                v for v, _ in STATUS_CHOICES if self.query_one(f"#status-{v}", TickBox).value
            ],
            standings=[
                v for v, _ in STANDING_CHOICES if self.query_one(f"#standing-{v}", TickBox).value
            ],
            vip=VIP_CHOICES[vip_index][0] if vip_index >= 0 else None,
            categories=parse_categories(self.query_one("#filter-categories", Input).value),
            balance_min=amounts["balance_min"],
            balance_max=amounts["balance_max"],
            sort=self.current.sort,
            descending=self.current.descending,
        )

    def probe(self, backend: Backend, token: str, query: ConsumerQuery) -> None:
        backend.list_consumers(token, query, None, 1)  # no search term: the filters alone

    def action_reset(self) -> None:
        for box in self.query(TickBox):
            box.value = False
        self.query_one("#vip-0", RadioButton).value = True
        for name in ("categories", "balance_min", "balance_max"):
            self.query_one(f"#filter-{name}", Input).value = ""
        self._clear_errors()
        self._status("Cleared: press enter to show every consumer.")


# ---------------------------------------------------------------- columns


class ColumnsScreen(ModalScreen[list[str] | None]):
    """Answers the optional columns ticked, or None when cancelled."""

    HELP_TITLE = "Choose columns"
    CSS_PATH = "consumer_list.tcss"

    BINDINGS = [
        Binding("ctrl+s,enter", "apply", "Apply", priority=True, id="consumers.columns.apply"),
        Binding("escape", "cancel", "Cancel", id="consumers.columns.cancel"),
        Binding("f1", "app.help", "Help", id="consumers.columns.help"),
    ]

    def __init__(self, shown: Sequence[str]) -> None:
        super().__init__()
        self.shown = list(shown)

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-box", classes="modal-box") as box:
            box.border_title = "Columns"
            box.border_subtitle = "space ticks · enter applies · esc"
            yield Static("Account and Name are always shown.", classes="form-note")
            with Grid(id="columns-ticks", classes="ticks"):
                for column in OPTIONAL_COLUMNS:
                    yield TickBox(column.label, column.key in self.shown, id=f"col-{column.key}")
        yield Footer()

    def action_apply(self) -> None:
        self.dismiss(
            [c.key for c in OPTIONAL_COLUMNS if self.query_one(f"#col-{c.key}", TickBox).value]
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


# ---------------------------------------------------------------- bulk actions


class Target(Protocol):
    """What a bulk form needs of a consumer (a list row or a collections row)."""

    @property
    def account_no(self) -> str: ...

    @property
    def name(self) -> str: ...


def targets_text(targets: Sequence[Target], limit: int = 3) -> str:
    """ "WU-10001 John Doe, WU-10002 Jane Smith and 3 more"."""
    named = ", ".join(f"{t.account_no} {t.name}" for t in targets[:limit])
    more = len(targets) - limit
    return f"{named} and {more:,} more" if more > 0 else named


def consumers_text(count: int) -> str:
    return f"{count:,} consumer{'s' if count != 1 else ''}"


class BulkMenuScreen(ModalScreen[str | None]):
    """A small menu of what to do with the selected (or highlighted) consumers."""

    HELP_TITLE = "Bulk actions"
    CSS_PATH = "consumer_list.tcss"

    BINDINGS = [
        Binding("e", "choose('export')", "Export CSV", id="consumers.bulk.export"),
        Binding("m", "choose('message')", "Message", id="consumers.bulk.message"),
        Binding("n", "choose('note')", "Note", id="consumers.bulk.note"),
        Binding("x", "choose('clear')", "Clear selection", id="consumers.bulk.clear"),
        Binding("escape", "choose('')", "Cancel", id="consumers.bulk.cancel"),
    ]

    def __init__(self, targets: Sequence[ConsumerRow], ticked: bool) -> None:
        super().__init__()
        self.targets = list(targets)
        self.ticked = ticked

    def compose(self) -> ComposeResult:
        with Vertical(id="bulk-box", classes="modal-box") as box:
            if self.ticked:
                box.border_title = f"{consumers_text(len(self.targets))} selected"
            else:
                box.border_title = "Nothing ticked: the highlighted consumer"
            box.border_subtitle = "enter or letter · esc"
            yield Static(escape_markup(targets_text(self.targets)), classes="form-note")
            options = [
                Option("e  Export as CSV", id="export"),
                Option("m  Send a message…", id="message"),
                Option("n  Add a note…", id="note"),
            ]
            if self.ticked:
                options.append(Option("x  Clear the selection", id="clear"))
            yield OptionList(*options, id="bulk-options")
        yield Footer()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_choose(self, choice: str) -> None:
        if choice == "clear" and not self.ticked:
            return
        self.dismiss(choice or None)


class BulkFormScreen(ModalScreen["BulkResult | None"]):
    """A form that acts on several consumers at once (send a message, add a note).

    Nothing typed is lost to a failed call: the form stays open as it is. Each distinct
    request gets one idempotency key, kept across retries, so a retry after a timeout that
    did land is not applied twice.
    """

    CSS_PATH = "consumer_list.tcss"
    FIELDS: ClassVar[tuple[str, ...]] = ()

    class Done(Message):
        def __init__(self, result: BulkResult | None, error: BaseException | None) -> None:
            super().__init__()
            self.result = result
            self.error = error

    def __init__(self, targets: Sequence[Target]) -> None:
        super().__init__()
        self.targets = list(targets)
        self.account_nos = [t.account_no for t in targets]
        self.sending = False
        self.confirm_discard = False
        self._keys: dict[str, str] = {}  # request -> its idempotency key

    # subclasses: what the form holds and how it is sent
    def request(self) -> dict[str, Any]:
        raise NotImplementedError

    def call(self, token: str, request: dict[str, Any], key: str) -> BulkResult:
        raise NotImplementedError

    def done_text(self, result: BulkResult) -> str:
        raise NotImplementedError

    @property
    def dirty(self) -> bool:
        return any(str(v).strip() for k, v in self.request().items() if k != "channel")

    def idempotency_key(self, request: dict[str, Any]) -> str:
        body = repr(sorted(request.items())) + "|" + ",".join(self.account_nos)
        return self._keys.setdefault(body, uuid.uuid4().hex)

    def action_send(self) -> None:
        after_typing(self, self._send)

    def _send(self) -> None:
        if self.sending:
            return
        self._clear_errors()
        request = self.request()
        self.sending = True
        self._status("Saving…")
        self.send(request, self.idempotency_key(request))

    @work(thread=True, exclusive=True, exit_on_error=False, group="consumers-bulk")
    def send(self, request: dict[str, Any], key: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            result = self.call(session.token, request, key)
        except Exception as exc:
            self.post_message(self.Done(None, exc))
            return
        self.post_message(self.Done(result, None))

    @on(Done)
    def _done(self, message: Done) -> None:
        self.sending = False
        result, error = message.result, message.error
        if result is not None:
            self.notify(self.done_text(result), title="Done")
            self.dismiss(result)
            return
        assert error is not None
        if isinstance(error, ValidationError) and error.field in self.FIELDS:
            self._field_error(error.field, escape_markup(error.message))
            self._status("Fix the field marked above, then press ctrl+s.", tone="error")
        elif isinstance(error, ValidationError | PermissionDeniedError):
            self._status(f"Not saved: {escape_markup(error.message)}", tone="error")
        elif isinstance(error, SessionExpiredError | UnavailableError):
            cso_app(self).backend_trouble(error)
            self._status(
                f"Not saved: {escape_markup(error.message)} What you typed is kept: press "
                "ctrl+s again when cso-tui says it is back.",
                tone="error",
            )
        else:
            self._status(
                f"Not saved: {escape_markup(describe_error(error))} What you typed is kept.",
                tone="error",
            )

    def action_cancel(self) -> None:
        if self.dirty and not self.confirm_discard:
            self.confirm_discard = True
            self._status("Press esc again to discard what you typed, ctrl+s to save.", "error")
            return
        self.dismiss(None)

    def on_session_resumed(self, _message: SessionResumed) -> None:
        self._status("Logged in again. What you typed is kept: press ctrl+s to save it.")

    def on_connection_restored(self, _message: ConnectionRestored) -> None:
        if not self.sending:
            self._status("The server is back. What you typed is kept: press ctrl+s.")

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _edited(self, event: Message) -> None:
        self.confirm_discard = False

    def _field_error(self, name: str, text: str) -> None:
        label = self.query_one(f"#form-{name}-error", Label)
        label.update(text)
        label.set_class(bool(text), "-shown")
        if text:
            self.query_one(f"#form-{name}").focus()

    def _clear_errors(self) -> None:
        for name in self.FIELDS:
            label = self.query_one(f"#form-{name}-error", Label)
            label.update("")
            label.remove_class("-shown")

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#form-status", Static)
        status.update(text)
        status.set_class(tone == "error", "-error")

    def _body_area(self, text: str = "") -> TextArea:
        return TextArea(text, id="form-body", soft_wrap=True, show_line_numbers=False, compact=True)


CHANNELS: tuple[tuple[str, str], ...] = (("email", "Email"), ("sms", "SMS"), ("letter", "Letter"))


class MessageScreen(BulkFormScreen):
    """Send a message (email, SMS or letter) to the consumers; answers the BulkResult."""

    HELP_TITLE = "Send a message"
    AUTO_FOCUS = "#form-subject"
    FIELDS = ("channel", "subject", "body")
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True, id="consumers.message.send"),
        Binding("escape", "cancel", "Cancel", id="consumers.message.cancel"),
        Binding("f1", "app.help", "Help", id="consumers.message.help"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="message-box", classes="modal-box form-box") as box:
            box.border_title = f"Send a message to {consumers_text(len(self.targets))}"
            box.border_subtitle = "ctrl+s send · esc cancel"
            yield Static(escape_markup(targets_text(self.targets)), classes="form-note")
            with Horizontal(classes="form-row"):
                yield Label("Channel", classes="field-label")
                with Vertical(classes="form-field"):
                    with RadioSet(id="form-channel", compact=True):
                        for index, (_value, label) in enumerate(CHANNELS):
                            yield TickRadio(label, index == 0, id=f"channel-{index}")
                    yield Label("", id="form-channel-error", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label("Subject", classes="field-label")
                with Vertical(classes="form-field"):
                    yield OrderedInput(id="form-subject", max_length=200, compact=True)
                    yield Label("", id="form-subject-error", classes="field-error")
            with Horizontal(classes="form-row body-row"):
                yield Label("Message", classes="field-label")
                with Vertical(classes="form-field"):
                    yield self._body_area()
                    yield Label("", id="form-body-error", classes="field-error")
            yield Static("", id="form-status", classes="form-status")
        yield Footer()

    @on(Input.Submitted, "#form-subject")
    def _subject_done(self) -> None:
        self.query_one("#form-body", TextArea).focus()

    def request(self) -> dict[str, Any]:
        index = self.query_one("#form-channel", RadioSet).pressed_index
        return {
            "channel": CHANNELS[index][0] if index >= 0 else "",
            "subject": self.query_one("#form-subject", Input).value,
            "body": self.query_one("#form-body", TextArea).text,
        }

    def call(self, token: str, request: dict[str, Any], key: str) -> BulkResult:
        from cso_tui.services.schemas import NewMessage

        backend = cso_app(self).backend
        assert backend is not None
        return backend.send_message(token, self.account_nos, NewMessage(**request), key)

    def done_text(self, result: BulkResult) -> str:
        return f"Message queued for {consumers_text(result.done)}."


class NoteScreen(BulkFormScreen):
    """Add the same note to each consumer; answers the BulkResult."""

    HELP_TITLE = "Add a note"
    AUTO_FOCUS = "#form-body"
    FIELDS = ("body",)
    BINDINGS = [
        Binding("ctrl+s", "send", "Save", priority=True, id="consumers.note.save"),
        Binding("escape", "cancel", "Cancel", id="consumers.note.cancel"),
        Binding("f1", "app.help", "Help", id="consumers.note.help"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="modal-box form-box") as box:
            box.border_title = f"Add a note to {consumers_text(len(self.targets))}"
            box.border_subtitle = "ctrl+s save · esc cancel"
            yield Static(escape_markup(targets_text(self.targets)), classes="form-note")
            with Horizontal(classes="form-row body-row"):
                yield Label("Note", classes="field-label")
                with Vertical(classes="form-field"):
                    yield self._body_area()
                    yield Label("", id="form-body-error", classes="field-error")
            yield Static("", id="form-status", classes="form-status")
        yield Footer()

    def request(self) -> dict[str, Any]:
        return {"body": self.query_one("#form-body", TextArea).text}

    def call(self, token: str, request: dict[str, Any], key: str) -> BulkResult:
        backend = cso_app(self).backend
        assert backend is not None
        return backend.add_notes(token, self.account_nos, request["body"], key)

    def done_text(self, result: BulkResult) -> str:
        return f"Note added to {consumers_text(result.done)}."
