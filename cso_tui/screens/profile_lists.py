"""The profile's record tabs: Service orders, Complaints, Requests, Communication, Documents
and Notes. Each is a table (newest first) with the highlighted row's full text under it, and
``n`` opens the matching quick action form."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Label, Select, Static

from cso_tui.screens.profile_pane import ProfilePane
from cso_tui.screens.profile_text import (
    CHANNELS,
    DIRECTIONS,
    file_size,
    long_date,
    long_datetime,
    plural,
    status_badge,
    words,
)
from cso_tui.widgets.badges import badge_for, badge_text
from cso_tui.widgets.charts import meter
from cso_tui.widgets.fit_table import Cell, Col, FitTable

if TYPE_CHECKING:
    from cso_tui.services.backend import Backend
    from cso_tui.services.schemas import (
        CommunicationOut,
        ComplaintOut,
        ConsumerProfile,
        DocumentOut,
        NoteOut,
        RequestOut,
        ServiceOrderOut,
    )

Item = TypeVar("Item")
LIST_LIMIT = 50


class TablePane(ProfilePane, Generic[Item]):
    """A table of records with a detail line for the highlighted one."""

    COLUMNS: ClassVar[Sequence[Col]] = ()
    NOUN: ClassVar[str] = "record"  # "service order"
    EMPTY: ClassVar[str] = "None yet."
    NEW_HINT: ClassVar[str] = ""  # "n new order"

    def __init__(self, account_no: str, display: Any) -> None:
        super().__init__(account_no, display)
        self.items: list[Item] = []

    def compose_body(self) -> Iterable[Widget]:
        yield from self.compose_filters()
        yield Label("", classes="table-caption")
        yield FitTable(self.COLUMNS, classes="pane-focus record-table")
        yield Static("", classes="record-detail")

    def compose_filters(self) -> Iterable[Widget]:
        return ()

    @property
    def table(self) -> FitTable:
        return self.query_one(".record-table", FitTable)

    def show(self, data: list[Item]) -> None:
        self.items = list(data)
        self.table.set_rows([(self.key(item), self.cells(item)) for item in self.items])
        count = len(self.items)
        caption = f"{plural(count, self.NOUN)} · newest first" if count else self.EMPTY
        if count >= LIST_LIMIT:
            caption = f"the latest {count} {self.NOUN}s · newest first"
        if self.NEW_HINT:
            caption += f" · {self.NEW_HINT}"
        self.query_one(".table-caption", Label).update(caption)
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one(".record-detail", Static)
        row = self.table.cursor_row
        if not self.items or not 0 <= row < len(self.items):
            detail.update("")
            detail.display = False
            return
        detail.display = True
        detail.update(self.detail(self.items[row]))

    def key(self, item: Item) -> str:
        raise NotImplementedError

    def cells(self, item: Item) -> dict[str, Cell]:
        raise NotImplementedError

    def detail(self, item: Item) -> Text:
        raise NotImplementedError

    def status(self, value: str, *, short: bool = True) -> Text:
        return badge_text(status_badge(value), self.styles_by_tone, short=short)

    def day(self, value: Any) -> str:
        return long_date(value.date() if hasattr(value, "date") else value, self.display_settings)

    def when(self, value: Any) -> str:
        return long_datetime(value, self.display_settings)


# ---------------------------------------------------------------- Service orders


class ServicePane(TablePane["ServiceOrderOut"]):
    TAB = "service"
    TITLE = "Service"
    SHORT = "Service"
    COUNT = "service_orders"
    NOUN = "service order"
    EMPTY = "No service orders yet."
    NEW_HINT = "n creates one"
    COLUMNS = (
        Col("no", "SO no", 8),
        Col("date", "Date", 12),
        Col("type", "Type", 13),
        Col("description", "Description", 12, flex=1),
        Col("priority", "Priority", 8, drop=1),
        Col("status", "Status", 12),
    )
    KEYS = [Binding("n", "new", "New order", id="profile.new_service_order")]

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        return backend.list_service_orders(token, self.account_no, LIST_LIMIT)

    def key(self, item: ServiceOrderOut) -> str:
        return item.so_no

    def cells(self, item: ServiceOrderOut) -> dict[str, Cell]:
        return {
            "no": item.so_no,
            "date": self.day(item.created_at),
            "type": item.order_type,
            "description": item.description,
            "priority": words(item.priority),
            "status": self.status(item.status),
        }

    def detail(self, item: ServiceOrderOut) -> Text:
        parts = [f"priority {words(item.priority)}"]
        if item.scheduled_date:
            parts.append(f"scheduled {long_date(item.scheduled_date, self.display_settings)}")
        if item.assigned_to:
            parts.append(f"assigned to {item.assigned_to}")
        if item.completed_at:
            parts.append(f"completed {self.when(item.completed_at)}")
        return Text.assemble(
            (f"{item.so_no} · {item.order_type}: ", "bold"),
            item.description,
            "\n",
            self.status(item.status, short=False),
            (f" · {' · '.join(parts)}", "dim"),
        )

    def action_new(self) -> None:
        self.request_action("service_order")


# ---------------------------------------------------------------- Complaints


class ComplaintsPane(TablePane["ComplaintOut"]):
    TAB = "complaints"
    TITLE = "Complaints"
    SHORT = "Compl."
    COUNT = "complaints"
    NOUN = "complaint"
    EMPTY = "No complaints registered."
    NEW_HINT = "n registers one"
    COLUMNS = (
        Col("no", "No", 7),
        Col("date", "Date", 12),
        Col("category", "Category", 18),
        Col("description", "Description", 12, flex=1, drop=1),
        Col("priority", "Priority", 8, drop=2),
        Col("status", "Status", 12),
    )
    KEYS = [Binding("n", "new", "New complaint", id="profile.new_complaint")]

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        return backend.list_complaints(token, self.account_no, LIST_LIMIT)

    def key(self, item: ComplaintOut) -> str:
        return item.complaint_no

    def cells(self, item: ComplaintOut) -> dict[str, Cell]:
        return {
            "no": item.complaint_no,
            "date": self.day(item.created_at),
            "category": item.category,
            "description": item.description,
            "priority": words(item.priority),
            "status": self.status(item.status),
        }

    def detail(self, item: ComplaintOut) -> Text:
        resolved = f" · resolved {self.when(item.resolved_at)}" if item.resolved_at else ""
        return Text.assemble(
            (f"{item.complaint_no} · {item.category}: ", "bold"),
            item.description,
            "\n",
            self.status(item.status, short=False),
            (f" · priority {words(item.priority)} · registered {self.when(item.created_at)}"
             f"{resolved}", "dim"),
        )  # fmt: skip

    def action_new(self) -> None:
        self.request_action("complaint")


# ---------------------------------------------------------------- Requests


class RequestsPane(TablePane["RequestOut"]):
    TAB = "requests"
    TITLE = "Requests"
    SHORT = "Req."
    COUNT = "requests"
    NOUN = "request"
    EMPTY = "No transfer, disconnection or reconnection requests."
    NEW_HINT = "n creates one"
    COLUMNS = (
        Col("no", "Request", 8),
        Col("date", "Date", 12),
        Col("type", "Type", 13),
        Col("description", "Description", 12, flex=1, drop=2),
        Col("progress", "Progress", 11, drop=1),
        Col("status", "Status", 13),
    )
    KEYS = [Binding("n", "new", "New request", id="profile.new_request")]

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        return backend.list_requests(token, self.account_no, LIST_LIMIT)

    def key(self, item: RequestOut) -> str:
        return item.request_no

    def cells(self, item: RequestOut) -> dict[str, Cell]:
        return {
            "no": item.request_no,
            "date": self.day(item.created_at),
            "type": item.request_type,
            "description": item.description,
            "progress": f"{meter(item.progress, 100, 6)} {item.progress}%",
            "status": self.status(item.status),
        }

    def detail(self, item: RequestOut) -> Text:
        parts = [f"{item.progress}% done", f"created {self.when(item.created_at)}"]
        if item.scheduled_for:
            parts.append(f"scheduled for {long_date(item.scheduled_for, self.display_settings)}")
        if item.completed_at:
            parts.append(f"completed {self.when(item.completed_at)}")
        return Text.assemble(
            (f"{item.request_no} · {item.request_type}: ", "bold"),
            item.description,
            "\n",
            self.status(item.status, short=False),
            (f" · {' · '.join(parts)}", "dim"),
        )

    def action_new(self) -> None:
        self.request_action("request")


# ---------------------------------------------------------------- Communication

CHANNEL_FILTERS: list[tuple[str, str]] = [
    ("All channels", "all"),
    ("✉ Email", "email"),
    ("☎ Phone", "phone"),
    ("✆ SMS", "sms"),
    ("✎ Letter", "letter"),
]


class CommunicationPane(TablePane["CommunicationOut"]):
    TAB = "communication"
    TITLE = "Communication"
    SHORT = "Comms"
    COUNT = "communications"
    NOUN = "message"
    EMPTY = "No communication on this channel."
    NEW_HINT = "m sends a message"
    COLUMNS = (
        Col("time", "Time", 21),
        Col("channel", "Channel", 7),
        Col("direction", "Direction", 15),
        Col("subject", "Subject", 12, flex=1),
        Col("by", "By", 14, drop=1),
    )
    KEYS = [
        Binding("m,n", "new", "Send message", id="profile.send_message"),
        Binding("f", "channel", "Channel", show=False, id="profile.channel_filter"),
    ]

    def __init__(self, account_no: str, display: Any) -> None:
        super().__init__(account_no, display)
        self.channel = "all"

    def compose_filters(self) -> Iterable[Widget]:
        with Horizontal(classes="filter-bar"):
            yield Label("Channel (f)", classes="filter-label")
            yield Select(
                CHANNEL_FILTERS,
                value="all",
                allow_blank=False,
                compact=True,
                id="channel-filter",
            )

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        channel = None if self.channel == "all" else self.channel
        return backend.list_communications(token, self.account_no, channel, LIST_LIMIT)

    @on(Select.Changed, "#channel-filter")
    def _channel_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = str(event.value) if event.value != Select.NULL else "all"
        if value != self.channel:
            self.channel = value
            self.load()

    def action_channel(self) -> None:
        """Step to the next channel filter."""
        values = [v for _, v in CHANNEL_FILTERS]
        index = values.index(self.channel) if self.channel in values else 0
        self.query_one("#channel-filter", Select).value = values[(index + 1) % len(values)]

    def key(self, item: CommunicationOut) -> str:
        return str(item.id)

    def cells(self, item: CommunicationOut) -> dict[str, Cell]:
        channel = badge_for(item.channel, CHANNELS)
        return {
            "time": self.when(item.at).replace(" at ", " "),
            "channel": channel.text(),
            "direction": DIRECTIONS.get(item.direction, words(item.direction)),
            "subject": item.subject or "(no subject)",
            "by": item.by or "System",
        }

    def detail(self, item: CommunicationOut) -> Text:
        channel = badge_for(item.channel, CHANNELS)
        answered = " · answered" if item.responded else ""
        return Text.assemble(
            (f"{item.subject or '(no subject)'}: ", "bold"),
            item.body,
            "\n",
            (
                f"{channel.text()} · {DIRECTIONS.get(item.direction, item.direction)} · "
                f"{self.when(item.at)} · by {item.by or 'System'} · {words(item.status)}"
                f"{answered}",
                "dim",
            ),
        )

    def action_new(self) -> None:
        self.request_action("message")


# ---------------------------------------------------------------- Documents


class DocumentsPane(TablePane["DocumentOut"]):
    TAB = "documents"
    TITLE = "Documents"
    SHORT = "Docs"
    COUNT = "documents"
    NOUN = "document"
    EMPTY = "No documents on file."
    NEW_HINT = "n attaches a file"
    COLUMNS = (
        Col("type", "Type", 20),
        Col("title", "Title", 16, flex=1),
        Col("status", "Status", 12),
        Col("date", "Date", 12),
        Col("size", "Size", 7, right=True, drop=1),
    )
    KEYS = [Binding("n", "new", "Attach file", id="profile.attach_document")]

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        return backend.list_documents(token, self.account_no, LIST_LIMIT)

    def key(self, item: DocumentOut) -> str:
        return str(item.id)

    def cells(self, item: DocumentOut) -> dict[str, Cell]:
        return {
            "type": item.doc_type,
            "title": item.title,
            "status": self.status(item.status),
            "date": long_date(item.doc_date, self.display_settings),
            "size": file_size(item.size_bytes),
        }

    def detail(self, item: DocumentOut) -> Text:
        return Text.assemble(
            (f"{item.title}", "bold"),
            f" · {item.doc_type}\n",
            self.status(item.status, short=False),
            (
                f" · {long_date(item.doc_date, self.display_settings)} · "
                f"{item.filename or 'no file'} · {file_size(item.size_bytes)}",
                "dim",
            ),
        )

    def action_new(self) -> None:
        self.request_action("document")


# ---------------------------------------------------------------- Notes


def hanging_grid() -> Table:
    """Entries whose wrapped lines stay indented under a marker column."""
    grid = Table.grid(expand=True)
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1)
    return grid


class NotesPane(ProfilePane):
    TAB = "notes"
    TITLE = "Notes"
    SHORT = "Notes"
    COUNT = "notes"
    KEYS = [Binding("n", "new", "Add note", id="profile.add_note")]

    def __init__(self, account_no: str, display: Any) -> None:
        super().__init__(account_no, display)
        self.notes: list[NoteOut] = []

    def compose_body(self) -> Iterable[Widget]:
        yield Label("", classes="table-caption")
        with VerticalScroll(classes="pane-scroll pane-focus", id="notes-scroll"):
            yield Static("", id="notes-list")

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        return backend.list_notes(token, self.account_no, LIST_LIMIT)

    def show(self, data: list[NoteOut]) -> None:
        self.notes = list(data)
        count = len(self.notes)
        caption = f"{plural(count, 'note')} · newest first · n adds one" if count else (
            "No notes yet · n adds one"
        )  # fmt: skip
        self.query_one(".table-caption", Label).update(caption)
        grid = hanging_grid()
        for index, note in enumerate(self.notes):
            if index:
                grid.add_row("", "")
            heading = f"{self.when_text(note)} · {note.author_name}"
            grid.add_row(Text("▸", style="bold"), Text(heading, style="bold"))
            grid.add_row("", Text(note.body))
        self.query_one("#notes-list", Static).update(grid)
        self.query_one("#notes-scroll", VerticalScroll).scroll_home(animate=False)

    def when_text(self, note: NoteOut) -> str:
        return long_datetime(note.created_at, self.display_settings)

    def action_new(self) -> None:
        self.request_action("note")
