"""The profile's Activity tab: the account's timeline, newest first, with a category filter
(All, Payments, Billing, Service, Communication, Account), a search box and keyset paging."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from cso_tui.formatting import format_money
from cso_tui.screens.base import Debouncer, cso_app, describe_error, escape_markup, focus_now
from cso_tui.screens.profile_lists import hanging_grid
from cso_tui.screens.profile_pane import ProfilePane
from cso_tui.screens.profile_text import ACTIVITY_CATEGORIES, long_datetime, plural
from cso_tui.widgets.badges import badge_for, badge_text
from cso_tui.widgets.inputs import OrderedInput

if TYPE_CHECKING:
    from cso_tui.services.backend import Backend
    from cso_tui.services.schemas import ActivityOut, ActivityPage, ConsumerProfile

PAGE = 30
#: (label, value) of the category filter; "all" asks for every category.
CATEGORY_FILTERS: list[tuple[str, str]] = [
    ("All", "all"),
    ("Payments", "payments"),
    ("Billing", "billing"),
    ("Service", "service"),
    ("Communication", "communication"),
    ("Account", "account"),
]


@dataclass(frozen=True)
class Query:
    category: str
    text: str


class ActivityPane(ProfilePane):
    TAB = "activity"
    TITLE = "Activity"
    SHORT = "Activity"
    DEBOUNCE = 0.3

    KEYS = [
        # the filter bar names these keys: the footer keeps room for the others
        Binding("c", "category", "Category", show=False, id="profile.activity_category"),
        Binding("s", "find", "Search", show=False, id="profile.activity_search"),
        Binding("ctrl+n", "more", "Older", id="profile.activity_more"),
    ]

    class PageLoaded(Message):
        def __init__(self, seq: int, page: ActivityPage) -> None:
            super().__init__()
            self.seq = seq
            self.page = page

    class PageFailed(Message):
        def __init__(self, seq: int, error: BaseException) -> None:
            super().__init__()
            self.seq = seq
            self.error = error

    def __init__(self, account_no: str, display: Any) -> None:
        super().__init__(account_no, display)
        self.query_now = Query("all", "")
        self.items: list[ActivityOut] = []
        self.next_cursor: str | None = None
        self.paging = False
        self._debounce = Debouncer(self, self.DEBOUNCE, self._search_now)

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(classes="filter-bar"):
            yield Label("Category (c)", classes="filter-label")
            yield Select(
                CATEGORY_FILTERS,
                value="all",
                allow_blank=False,
                compact=True,
                id="activity-category",
            )
            yield OrderedInput(
                placeholder="Search activity (s)",
                id="activity-search",
                max_length=200,
                compact=True,
            )
        yield Label("", classes="table-caption", id="activity-caption")
        with VerticalScroll(classes="pane-scroll pane-focus", id="activity-scroll"):
            yield Static("", id="activity-list")
            yield Static("", id="activity-more")

    # ------------------------------------------------------------ loading

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        query = self.query_now
        category = None if query.category == "all" else query.category
        return backend.activity(token, self.account_no, category, query.text, None, PAGE)

    def show(self, data: ActivityPage) -> None:
        self.items = list(data.items)
        self.next_cursor = data.next_cursor
        self.paging = False
        self._draw()
        self.query_one("#activity-scroll", VerticalScroll).scroll_home(animate=False)

    def action_more(self) -> None:
        if self.next_cursor is None or self.paging or self.state != "loaded":
            return
        self.paging = True
        self.query_one("#activity-more", Static).update("Loading older activity…")
        self._more(self.seq, self.query_now, self.next_cursor)

    @work(thread=True, exit_on_error=False, group="profile-activity-more")
    def _more(self, seq: int, query: Query, cursor: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        category = None if query.category == "all" else query.category
        try:
            page = backend.activity(
                session.token, self.account_no, category, query.text, cursor, PAGE
            )
        except Exception as exc:
            self.post_message(self.PageFailed(seq, exc))
            return
        self.post_message(self.PageLoaded(seq, page))

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        message.stop()
        if message.seq != self.seq:
            return
        self.paging = False
        self.items.extend(message.page.items)
        self.next_cursor = message.page.next_cursor
        self._draw()

    @on(PageFailed)
    def _page_failed(self, message: PageFailed) -> None:
        message.stop()
        if message.seq != self.seq:
            return
        self.paging = False
        cso_app(self).backend_trouble(message.error)
        self.query_one("#activity-more", Static).update(
            f"Cannot load older activity: {escape_markup(describe_error(message.error))} "
            "(ctrl+n to try again)"
        )

    # ------------------------------------------------------------ drawing

    def _draw(self) -> None:
        query = self.query_now
        label = dict((v, k) for k, v in CATEGORY_FILTERS)[query.category]
        what = "All activity" if query.category == "all" else label
        matching = f" matching “{query.text}”" if query.text else ""
        more = " · ctrl+n for older" if self.next_cursor else ""
        caption = (
            f"{what}{matching} · {plural(len(self.items), 'event')}, newest first{more}"
            if self.items
            else f"{what}{matching} · nothing found."
        )
        self.query_one("#activity-caption", Label).update(caption)
        grid = hanging_grid()
        for item in self.items:
            self.add_entry(grid, item)
        self.query_one("#activity-list", Static).update(grid)
        older = self.query_one("#activity-more", Static)
        older.update("ctrl+n: older activity" if self.next_cursor else "")
        older.display = self.next_cursor is not None
        self.refresh_bindings()  # ctrl+n shows only while there is more

    def description(self, item: ActivityOut) -> str:
        """The item's description with its amount in the office's currency format."""
        text = item.description
        if "{amount}" in text and item.amount is not None:
            symbol = self.display_settings.currency_symbol
            text = text.replace("{amount}", format_money(item.amount, symbol))
        return text

    def add_entry(self, grid: Table, item: ActivityOut) -> None:
        category = badge_for(item.category, ACTIVITY_CATEGORIES)
        when = long_datetime(item.at, self.display_settings)
        grid.add_row(
            Text("▸", style="bold"),
            Text.assemble((item.title, "bold"), "  ", badge_text(category, self.styles_by_tone)),
        )
        grid.add_row("", Text(self.description(item)))
        grid.add_row("", Text(f"{when} · By: {item.by}", style="dim"))

    # ------------------------------------------------------------ filters

    @on(Select.Changed, "#activity-category")
    def _category_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = str(event.value) if event.value != Select.NULL else "all"
        if value != self.query_now.category:
            self.query_now = Query(value, self.query_now.text)
            self.load()

    @on(Input.Changed, "#activity-search")
    def _text_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._debounce.poke()

    @on(Input.Submitted, "#activity-search")
    def _text_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._search_now()
        self.query_one("#activity-scroll", VerticalScroll).focus()

    def _search_now(self) -> None:
        self._debounce.cancel()
        text = self.query_one("#activity-search", Input).value.strip()
        if text != self.query_now.text:
            self.query_now = Query(self.query_now.category, text)
            self.load()

    def action_category(self) -> None:
        values = [v for _, v in CATEGORY_FILTERS]
        index = values.index(self.query_now.category)
        self.query_one("#activity-category", Select).value = values[(index + 1) % len(values)]

    def action_find(self) -> None:
        focus_now(self.query_one("#activity-search", Input))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more":
            return self.next_cursor is not None
        return True
