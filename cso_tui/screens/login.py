"""Login: paints at once, connects in a worker, lists demo users on a demo database only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from cso_tui.screens.base import cso_app, describe_error
from cso_tui.services.backend import Backend
from cso_tui.services.errors import AccountLockedError, AuthenticationError, ValidationError
from cso_tui.widgets.inputs import OrderedInput, after_queued

if TYPE_CHECKING:
    from cso_tui.services.schemas import BackendInfo, SessionInfo

DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
FIRST_USER_COMMAND = "cso-tui user add NAME --role utility_admin"


class LoggedIn(Message):
    """A login worker's answer: the new session."""

    def __init__(self, session: SessionInfo) -> None:
        super().__init__()
        self.session = session


class LoginFailed(Message):
    """A login worker's answer: why not (wrong password, locked, unreachable...)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


def attempt_login(screen: Screen[Any], username: str, password: str) -> None:
    """Log in through the app's backend (blocking: from a thread worker); the answer is
    posted to ``screen`` as LoggedIn or LoginFailed."""
    backend = cso_app(screen).backend
    assert backend is not None
    try:
        session = backend.login(username, password, client="cso-tui")
    except Exception as exc:
        screen.post_message(LoginFailed(exc))
        return
    screen.post_message(LoggedIn(session))


class LoginScreen(Screen[None]):
    HELP_TITLE = "Log in"
    CSS_PATH = "login.tcss"
    SUB_TITLE = "Customer service office"
    AUTO_FOCUS = "#username"

    BINDINGS = [
        Binding("ctrl+r", "retry", "Retry", id="login.retry"),
        # priority: runs as the key arrives, so "admin⏎demo⏎" typed ahead over a slow SSH
        # link lands in the right fields (a Submitted handler would move focus too late)
        Binding(
            "enter", "enter", "Next field / log in", show=False, priority=True, id="login.enter"
        ),
    ]

    class Connected(Message):
        def __init__(self, backend: Backend, info: BackendInfo) -> None:
            super().__init__()
            self.backend = backend
            self.info = info

    class ConnectFailed(Message):
        def __init__(self, error: BaseException, backend: Backend | None) -> None:
            super().__init__()
            self.error = error
            self.backend = backend

    def __init__(self, message: str | None = None, username: str = "") -> None:
        super().__init__()
        self.initial_message = message
        self.initial_username = username
        self.info: BackendInfo | None = None
        self.connect_error: str | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        with Vertical(id="login-box") as box:
            box.border_title = "Log in"
            with Horizontal(id="login-body"):
                with Vertical(id="login-form"):
                    yield Label("User name", classes="field-label")
                    yield OrderedInput(
                        self.initial_username,
                        placeholder="your user name",
                        id="username",
                        max_length=64,
                    )
                    yield Label("", id="username-error", classes="field-error")
                    yield Label("Password", classes="field-label")
                    yield OrderedInput(
                        placeholder="password", password=True, id="password", max_length=256
                    )
                    yield Label("", id="password-error", classes="field-error")
                with Vertical(id="demo-panel"):
                    yield Label("Demo users", id="demo-title")
                    yield OptionList(id="demo-users")
                    yield Static("", id="demo-hint")
            yield Static("Connecting…", id="login-status")
        yield Footer()

    def on_mount(self) -> None:
        if self.initial_message:
            self._status(self.initial_message, "warning")
        if self.initial_username:
            self.query_one("#password", Input).focus()
        # start after the first paint: the factory is slow (imports, migrations)
        self.call_after_refresh(self.connect)

    # ------------------------------------------------------------ connecting

    @work(thread=True, exclusive=True, exit_on_error=False, group="connect")
    def connect(self) -> None:
        app = cso_app(self)
        backend = app.backend
        try:
            app.load_settings()
            if backend is None:
                backend = app.backend_factory()
            info = backend.info()
        except Exception as exc:  # any start-up failure: show it and offer a retry
            self.post_message(self.ConnectFailed(exc, backend))
            return
        self.post_message(self.Connected(backend, info))

    @on(Connected)
    def _connected(self, message: Connected) -> None:
        app = cso_app(self)
        app.backend = message.backend
        self.info = message.info
        self.connect_error = None
        info = message.info
        kind = DATABASE_NAMES.get(info.database, info.database)
        demo = " demo" if info.is_demo else ""
        server = app.settings.server
        via = f" through the server at {server}" if server else ""
        if not self.initial_message:
            self._status(f"Connected to the {kind}{demo} database{via}.", "ok")
        self.initial_message = None
        panel = self.query_one("#demo-panel")
        panel.display = info.is_demo and bool(info.demo_users)
        if panel.display:
            options = self.query_one("#demo-users", OptionList)
            options.clear_options()
            pad = max(len(u.username) for u in info.demo_users) + 2
            options.add_options(
                Option(f"{u.username:<{pad}}{u.role_label}", id=u.username) for u in info.demo_users
            )
            password = info.demo_password or "demo"
            self.query_one("#demo-hint", Static).update(
                f"Choose one to fill the user name. Every demo password is [b]{password}[/b]."
            )
        if not info.has_users:
            self._status(
                "No users yet. Create the first one in a shell:\n"
                f"  {FIRST_USER_COMMAND}\nthen press ctrl+r here.",
                "warning",
            )
        self.refresh_bindings()

    @on(ConnectFailed)
    def _connect_failed(self, message: ConnectFailed) -> None:
        if message.backend is not None:
            cso_app(self).backend = message.backend
        self.connect_error = describe_error(message.error)
        self._status(f"Cannot connect: {self.connect_error}\nPress ctrl+r to retry.", "error")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.connect_error is not None or (
                self.info is not None and not self.info.has_users
            )
        return True

    def action_retry(self) -> None:
        self._status("Connecting…", "")
        self.connect_error = None
        self.refresh_bindings()
        self.connect()

    # ------------------------------------------------------------ logging in

    @on(OptionList.OptionSelected, "#demo-users")
    def _demo_user_chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#username", Input).value = event.option.id or ""
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def action_enter(self) -> None:
        # A priority binding runs as the key arrives, while keys typed just before it may
        # still wait in the fields' queues: moving focus must happen now (so the next keys go
        # to the next field), but reading the fields must wait behind those queued keys, in
        # both fields (after "user, tab, password" the user name's may run last).
        username = self.query_one("#username", Input)
        password = self.query_one("#password", Input)
        if self.focused is username and not password.value:
            self.set_focus(password)
        elif self.focused in (username, password):
            after_queued((username, password), self.submit)
        else:
            raise SkipAction()  # the demo user list chooses with enter

    @on(Input.Changed)
    def _clear_field_error(self, event: Input.Changed) -> None:
        # typing clears the field's message; clearing the field ourselves keeps it
        if event.input.id and event.value:
            self.query_one(f"#{event.input.id}-error", Label).update("")

    def submit(self) -> None:
        """Log in with what is typed (in a worker)."""
        username = self.query_one("#username", Input)
        password = self.query_one("#password", Input)
        if self.busy:
            return
        if not username.value.strip():
            self._field_error("username", "Enter your user name.")
            username.focus()
            return
        if not password.value:
            self._field_error("password", "Enter your password.")
            password.focus()
            return
        if cso_app(self).backend is None:
            note = "Still connecting…" if self.connect_error is None else "Not connected."
            self._status(f"{note} Your entries are kept.", "warning")
            return
        self.busy = True
        self._status("Logging in…", "")
        self.login(username.value, password.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def login(self, username: str, password: str) -> None:
        attempt_login(self, username, password)

    @on(LoggedIn)
    def _logged_in(self, message: LoggedIn) -> None:
        self.busy = False
        cso_app(self).start_session(message.session)

    @on(LoginFailed)
    def _login_failed(self, message: LoginFailed) -> None:
        self.busy = False
        error = message.error
        password = self.query_one("#password", Input)
        if isinstance(error, ValidationError) and error.field == "username":
            self._field_error("username", error.message)
            self.query_one("#username", Input).focus()
            self._status("", "")
            return
        if isinstance(error, AuthenticationError | ValidationError):
            # wrong password or a locked account: the message sits under the password field
            password.value = ""
            self._field_error("password", describe_error(error))
            password.focus()
            self._status(
                "Account locked." if isinstance(error, AccountLockedError) else "", "error"
            )
            return
        self._status(f"Cannot log in: {describe_error(error)}\nYour entries are kept.", "error")

    # ------------------------------------------------------------ helpers

    def _field_error(self, field: str, text: str) -> None:
        self.query_one(f"#{field}-error", Label).update(text)

    def _status(self, text: str, tone: str) -> None:
        status = self.query_one("#login-status", Static)
        status.update(text)
        for name in ("ok", "warning", "error"):
            status.set_class(tone == name, f"-{name}")
