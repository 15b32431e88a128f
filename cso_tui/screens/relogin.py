"""Session expired: log in again over the screen you were on, so nothing typed is lost.

The modal sits on top of the screen stack; the screens below (a half-typed search, an edit
form) stay as they are. Only the same user may resume them: "someone else" goes to the full
login screen and drops the unsaved input, since it is not theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from cso_tui.screens.base import describe_error
from cso_tui.screens.login import LoggedIn, LoginFailed, attempt_login
from cso_tui.services.errors import AuthenticationError
from cso_tui.widgets.inputs import OrderedInput

if TYPE_CHECKING:
    from cso_tui.services.schemas import SessionInfo  # noqa: F401 (the base class names it)


class ReloginScreen(ModalScreen["SessionInfo | None"]):
    """Answers the new session, or None for "log in as someone else"."""

    HELP_TITLE = "Session expired: log in again"
    CSS_PATH = "relogin.tcss"
    AUTO_FOCUS = "#relogin-password"

    BINDINGS = [
        Binding("enter", "submit", "Log in", priority=True, id="relogin.submit"),
        Binding("ctrl+o", "someone_else", "Other user", id="relogin.other"),
        Binding("f1", "app.help", "Help", id="relogin.help"),
    ]

    def __init__(self, message: str, username: str) -> None:
        super().__init__()
        self.message = message
        self.username = username
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="relogin-box") as box:
            box.border_title = "Session expired"
            yield Static(self.message, id="relogin-reason")
            yield Static(
                "Log in again to carry on: what you typed on the screen behind is kept.",
                id="relogin-kept",
            )
            yield Label(f"User name  {self.username}", id="relogin-user")
            yield Label("Password", classes="field-label")
            yield OrderedInput(
                placeholder="password", password=True, id="relogin-password", max_length=256
            )
            yield Label("", id="relogin-error", classes="field-error")
            yield Static(
                "[b]Enter[/b] log in · [b]ctrl+o[/b] log in as someone else "
                "(the unsaved input is discarded)",
                id="relogin-hint",
            )
        yield Footer()

    def update_message(self, message: str) -> None:
        """Another call failed the same way while this was open: show its words."""
        self.message = message
        self.query_one("#relogin-reason", Static).update(message)

    def action_submit(self) -> None:
        password = self.query_one("#relogin-password", Input)
        # behind keys typed just before enter (see LoginScreen.action_enter)
        password.call_later(self._submit)

    def _submit(self) -> None:
        password = self.query_one("#relogin-password", Input).value
        if self.busy:
            return
        if not password:
            self._error("Enter your password.")
            return
        self.busy = True
        self._error("Logging in…", tone="")
        self.login(password)

    @work(thread=True, exclusive=True, exit_on_error=False, group="relogin")
    def login(self, password: str) -> None:
        attempt_login(self, self.username, password)

    @on(LoggedIn)
    def _logged_in(self, message: LoggedIn) -> None:
        self.busy = False
        self.dismiss(message.session)

    @on(LoginFailed)
    def _login_failed(self, message: LoginFailed) -> None:
        self.busy = False
        box = self.query_one("#relogin-password", Input)
        if isinstance(message.error, AuthenticationError):
            box.value = ""
            self._error(describe_error(message.error))
        else:  # the server is down, say: the password stays for another try
            self._error(f"{describe_error(message.error)} Press Enter to try again.")
        box.focus()

    @on(Input.Changed, "#relogin-password")
    def _typing(self, event: Input.Changed) -> None:
        if event.value and not self.busy:
            self._error("")

    def action_someone_else(self) -> None:
        self.dismiss(None)

    def _error(self, text: str, tone: str = "error") -> None:
        label = self.query_one("#relogin-error", Label)
        label.update(text)
        label.set_class(tone == "error", "field-error")
