"""Edit a consumer's contact details, with no silent overwrite.

The form remembers the version it was opened at. A save sends only the fields changed from
that version; if someone saved the consumer meanwhile, the service answers a conflict and
the form shows, field by field, their value beside yours. ctrl+r reloads their version and
re-applies your changes on top (fields you did not touch take their new values); you review
and save again. Nothing typed is lost to a failed or timed-out save, an unreachable server or
an expired session: the form stays as it is and the same save can be sent again (with the
same idempotency key, so a save that did land is not applied twice).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from cso_tui.screens.base import (
    ConnectionRestored,
    SessionResumed,
    after_typing,
    cso_app,
    describe_error,
    escape_markup,
)
from cso_tui.services.errors import (
    ConflictError,
    SessionExpiredError,
    UnavailableError,
    ValidationError,
)
from cso_tui.widgets.inputs import OrderedInput

if TYPE_CHECKING:
    from cso_tui.services.schemas import ConsumerSummary


@dataclass(frozen=True)
class Field:
    name: str  # ConsumerUpdate / ConsumerSummary attribute
    label: str
    max_length: int
    placeholder: str = ""


FIELDS: tuple[Field, ...] = (
    Field("name", "Name", 160),
    Field("phone", "Phone", 40, "e.g. (555) 123-4567"),
    Field("email", "Email", 255, "e.g. name@example.com"),
    Field("service_address", "Service address", 255),
    Field("billing_address", "Billing address", 255, "blank: same as the service address"),
)


def _value(summary: ConsumerSummary, name: str) -> str:
    value = getattr(summary, name)
    return "" if value is None else str(value)


class EditConsumerScreen(ModalScreen["ConsumerSummary | None"]):
    """Answers the saved consumer, or None when closed without saving."""

    HELP_TITLE = "Edit a consumer"
    CSS_PATH = "edit_consumer.tcss"
    AUTO_FOCUS = "#edit-name"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="edit.save"),
        Binding("ctrl+r", "reapply", "Reload + re-apply", priority=True, id="edit.reapply"),
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
        # a modal screen hides the app's own keys: help must be offered here too
        Binding("f1", "app.help", "Help", id="edit.help"),
        # priority: they run as the key arrives, so keys typed ahead land in the next field
        Binding(
            "down,enter", "next_field", "Next field", show=False, priority=True, id="edit.next"
        ),
        Binding(
            "up", "previous_field", "Previous field", show=False, priority=True, id="edit.prev"
        ),
    ]

    class Saved(Message):
        def __init__(self, summary: ConsumerSummary) -> None:
            super().__init__()
            self.summary = summary

    class SaveFailed(Message):
        def __init__(self, error: BaseException) -> None:
            super().__init__()
            self.error = error

    class Reloaded(Message):
        def __init__(self, summary: ConsumerSummary | None, error: BaseException | None) -> None:
            super().__init__()
            self.summary = summary
            self.error = error

    def __init__(self, summary: ConsumerSummary) -> None:
        super().__init__()
        self.base = summary  # the version the edits apply to
        self.theirs: ConsumerSummary | None = None  # the newer version after a conflict
        self.saving = False
        self.confirm_discard = False
        self._keys: dict[str, str] = {}  # request body -> its idempotency key
        self._refused: dict[str, str] = {}  # field -> the value its shown message is about

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-box") as box:
            box.border_title = f"Edit {self.base.account_no} · {self.base.name}"
            box.border_subtitle = "ctrl+s save · esc cancel"
            for field in FIELDS:
                with Horizontal(classes="edit-row"):
                    yield Label(field.label, classes="field-label")
                    with Vertical(classes="edit-field"):
                        yield OrderedInput(
                            _value(self.base, field.name),
                            placeholder=field.placeholder,
                            id=f"edit-{field.name}",
                            max_length=field.max_length,
                            compact=True,
                        )
                        yield Label("", id=f"edit-{field.name}-error", classes="field-error")
            yield Static("", id="edit-conflict")
            yield Static("", id="edit-status")
        yield Footer()

    def on_mount(self) -> None:
        self._status(f"Version {self.base.version}. Only the fields you change are saved.")

    # ------------------------------------------------------------ state

    def typed(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#edit-{f.name}", Input).value for f in FIELDS}

    def changes(self) -> dict[str, str]:
        """Fields whose text differs from the version being edited (spaces at the ends aside)."""
        return {
            name: value
            for name, value in self.typed().items()
            if value.strip() != _value(self.base, name).strip()
        }

    @property
    def dirty(self) -> bool:
        return bool(self.changes())

    # ------------------------------------------------------------ saving

    def action_save(self) -> None:
        # a priority key runs as it arrives: read the fields behind the keys typed before it
        after_typing(self, self._save)

    def _save(self) -> None:
        if self.saving:
            return
        if self.theirs is not None:
            self._status(
                "Someone else changed this consumer: press ctrl+r to reload their version "
                "and re-apply your changes, then save.",
                tone="error",
            )
            return
        changes = self.changes()
        if not changes:
            self._status("Nothing changed yet: edit a field, then press ctrl+s.", tone="error")
            return
        self._clear_errors()
        body = repr(sorted(changes.items())) + f"@{self.base.version}"
        key = self._keys.setdefault(body, str(uuid.uuid4()))
        self.saving = True
        self._status("Saving…")
        self.save(changes, self.base.version, key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="edit-save")
    def save(self, changes: dict[str, str], version: int, key: str) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        from cso_tui.services.schemas import ConsumerUpdate

        try:
            summary = backend.update_consumer(
                session.token,
                self.base.account_no,
                ConsumerUpdate.model_validate(changes),
                expected_version=version,
                idempotency_key=key,
            )
        except Exception as exc:
            self.post_message(self.SaveFailed(exc))
            return
        self.post_message(self.Saved(summary))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.saving = False
        cso_app(self).notify(
            f"Saved {message.summary.account_no} (version {message.summary.version}).",
            title="Consumer updated",
        )
        self.dismiss(message.summary)

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self.saving = False
        error = message.error
        app = cso_app(self)
        if isinstance(error, ValidationError):
            if error.field in {f.name for f in FIELDS}:
                self._field_error(error.field, escape_markup(error.message))
                self.query_one(f"#edit-{error.field}", Input).focus()
                self._status("Fix the field marked above, then press ctrl+s.", tone="error")
            else:
                self._status(escape_markup(error.message), tone="error")
        elif isinstance(error, ConflictError):
            self._status("Checking what changed…")
            self.reload()
        elif isinstance(error, SessionExpiredError):
            self._status("Your session ended: log in again; your changes are kept.", tone="error")
            app.backend_trouble(error)
        elif isinstance(error, UnavailableError):
            self._status(
                f"{escape_markup(error.message)} Your changes are kept: press ctrl+s to try "
                "again (cso-tui says when the server is back).",
                tone="error",
            )
            app.backend_trouble(error)
        else:
            self._status(
                f"Not saved: {escape_markup(describe_error(error))} Your changes are kept.",
                tone="error",
            )

    # ------------------------------------------------------------ conflicts

    @work(thread=True, exclusive=True, exit_on_error=False, group="edit-reload")
    def reload(self) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            summary = backend.get_consumer(session.token, self.base.account_no)
        except Exception as exc:
            self.post_message(self.Reloaded(None, exc))
            return
        self.post_message(self.Reloaded(summary, None))

    @on(Reloaded)
    def _reloaded(self, message: Reloaded) -> None:
        if message.summary is None:
            error = message.error
            assert error is not None
            cso_app(self).backend_trouble(error)
            self._status(
                "Someone else changed this consumer, and their version cannot be loaded: "
                f"{escape_markup(describe_error(error))} Your changes are kept.",
                tone="error",
            )
            return
        fresh = message.summary
        if fresh.version == self.base.version:  # the conflict was not about this record
            self._status("Not saved: try ctrl+s again.", tone="error")
            return
        self.theirs = fresh
        self._show_conflict()
        self.refresh_bindings()

    def _show_conflict(self) -> None:
        theirs = self.theirs
        assert theirs is not None
        mine = self.changes()
        lines = [
            f"[b]Someone else saved {theirs.account_no} while you were editing[/b] "
            f"(version {self.base.version} → {theirs.version}). Nothing of yours was saved."
        ]
        for field in FIELDS:
            before = _value(self.base, field.name)
            now = _value(theirs, field.name)
            if field.name in mine or before != now:
                theirs_text = escape_markup(now or "(blank)")
                if field.name in mine:
                    yours = escape_markup(mine[field.name].strip() or "(blank)")
                    clash = " ⚠ both changed" if before != now else ""
                    lines.append(f"  {field.label}: theirs {theirs_text} · yours {yours}{clash}")
                else:
                    lines.append(f"  {field.label}: theirs {theirs_text} (you left it)")
        lines.append(
            "[b]ctrl+r[/b] reload theirs and re-apply yours, then review and save · "
            "[b]esc[/b] discard yours"
        )
        self.query_one("#edit-conflict", Static).update("\n".join(lines))
        self.add_class("-conflict")
        self._status("Not saved: the consumer changed (see above).", tone="error")

    def action_reapply(self) -> None:
        after_typing(self, self._reapply)

    def _reapply(self) -> None:
        theirs = self.theirs
        if theirs is None:
            return
        mine = self.changes()
        self.base, self.theirs = theirs, None
        for field in FIELDS:
            box = self.query_one(f"#edit-{field.name}", Input)
            box.value = mine.get(field.name, _value(theirs, field.name))
        self.remove_class("-conflict")
        self.query_one("#edit-conflict", Static).update("")
        kept = ", ".join(f.label for f in FIELDS if f.name in self.changes())
        self._status(
            f"Reloaded version {theirs.version}; your changes re-applied"
            + (f" ({kept})" if kept else " (theirs already matched yours)")
            + ". Review, then press ctrl+s.",
        )
        self.refresh_bindings()

    # ------------------------------------------------------------ after a pause

    def on_session_resumed(self, _message: SessionResumed) -> None:
        self._status("Logged in again. Your changes are kept: press ctrl+s to save them.")

    def on_connection_restored(self, _message: ConnectionRestored) -> None:
        if not self.saving:
            self._status("The server is back. Your changes are kept: press ctrl+s to save.")

    # ------------------------------------------------------------ keys

    def action_cancel(self) -> None:
        if self.dirty and not self.confirm_discard:
            self.confirm_discard = True
            self._status(
                "You have unsaved changes: press esc again to discard them, ctrl+s to save.",
                tone="error",
            )
            return
        self.dismiss(None)

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        self.confirm_discard = False
        name = (event.input.id or "").removeprefix("edit-")
        # Changed messages of keys typed just before ctrl+s may arrive after the answer:
        # only an edit of the refused value clears its message
        if name in self._refused and event.input.value != self._refused[name]:
            self._field_error(name, "")

    def action_next_field(self) -> None:
        self.focus_next(Input)

    def action_previous_field(self) -> None:
        self.focus_previous(Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reapply":
            return self.theirs is not None
        return True

    # ------------------------------------------------------------ helpers

    def _clear_errors(self) -> None:
        for field in FIELDS:
            self._field_error(field.name, "")

    def _field_error(self, name: str, text: str) -> None:
        label = self.query_one(f"#edit-{name}-error", Label)
        label.update(text)
        label.set_class(bool(text), "-shown")
        if text:
            self._refused[name] = self.query_one(f"#edit-{name}", Input).value
        else:
            self._refused.pop(name, None)

    def _status(self, text: str, tone: str = "") -> None:
        status = self.query_one("#edit-status", Static)
        status.update(text)
        status.set_class(tone == "error", "-error")
