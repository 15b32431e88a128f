"""The Textual app: login, the consumer-search home, global keys, help and the command palette.

The UI speaks only the Backend protocol, and only from workers: the backend is created by
``backend_factory`` in a thread after the first paint (it imports SQLAlchemy and may migrate).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, get_system_commands_provider
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.dom import DOMNode
from textual.theme import Theme
from textual.timer import Timer

from cso_tui.commands import ConsumerProvider, NavigationProvider
from cso_tui.screens.base import ConnectionRestored, SessionResumed, describe_error, is_typing
from cso_tui.screens.help import HelpScreen, key_rows
from cso_tui.screens.login import LoginScreen
from cso_tui.screens.relogin import ReloginScreen
from cso_tui.screens.search import SearchScreen
from cso_tui.services.backend import Backend
from cso_tui.services.errors import SessionExpiredError, UnavailableError

if TYPE_CHECKING:
    from cso_tui.config import Settings
    from cso_tui.screens.consumer_list import ConsumerListScreen
    from cso_tui.screens.disconnections import DisconnectionsScreen
    from cso_tui.screens.recovery import RecoveryScreen
    from cso_tui.services.schemas import SessionInfo

#: Seconds between checks that an unreachable backend answers again.
PROBE_SECONDS = 3.0
#: Seconds between this terminal's notification runs (SLA escalations, the email outbox).
NOTIFY_SECONDS = 60.0
AUTO_THEME = "auto"
DEFAULT_THEME = "textual-dark"
ANSI_THEME = "cso-ansi"

# 16 colours by name: the terminal's own palette, readable on any background it chose.
CSO_ANSI = Theme(
    name=ANSI_THEME,
    ansi=True,
    primary="ansi_blue",
    secondary="ansi_cyan",
    warning="ansi_yellow",
    error="ansi_red",
    success="ansi_green",
    accent="ansi_magenta",
    foreground="ansi_default",
    background="ansi_default",
    surface="ansi_default",
    panel="ansi_default",
    boost="ansi_default",
    dark=True,
    variables={
        "ansi-background": "ansi_black",
        "ansi-foreground": "ansi_white",
        "border": "ansi_blue",
        "border-blurred": "ansi_bright_black",
        "block-cursor-foreground": "ansi_black",
        "block-cursor-background": "ansi_cyan",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "ansi_black",
        "block-cursor-blurred-background": "ansi_white",
        "footer-key-foreground": "ansi_yellow",
        "input-cursor-background": "ansi_white",
        "input-cursor-foreground": "ansi_black",
        "input-cursor-text-style": "none",
        "input-selection-background": "ansi_blue",
        "input-selection-foreground": "ansi_bright_white",
        "screen-selection-background": "ansi_blue",
        "screen-selection-foreground": "ansi_bright_white",
    },
)


class CsoApp(App[None], inherit_bindings=False):
    """cso-tui. ``backend_factory`` is called once, in a worker, after the first paint."""

    CSS_PATH = "app.tcss"
    TITLE = "cso-tui"
    SUB_TITLE = "Customer service office"

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        get_system_commands_provider,
        ConsumerProvider,
        NavigationProvider,
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="app.command_palette",
            priority=True,
            show=False,  # the footer shows it on its right
        ),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        # priority (as the key arrives, see focus_now): "/smith" typed in one burst searches
        Binding("slash,ctrl+f", "search", "Search", id="app.search", priority=True),
        # ctrl+l / ctrl+g / ctrl+o: not Input's editing keys, and pass through SSH and tmux
        Binding("ctrl+l", "consumers", "Consumer list", show=False, id="app.consumers"),
        Binding("ctrl+g", "collections", "Collections", show=False, id="app.collections"),
        Binding("ctrl+o", "disconnections", "Disconnections", show=False, id="app.disconnections"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        # priority, like the forms' enter / down "next field": the focus moves as the key
        # arrives, so keys typed after it in one burst (a fast typist, SSH) go to the next
        # field while those typed before it, still queued in the field, stay there
        Binding("tab", "focus_next", "Next field", show=False, priority=True, id="app.next"),
        Binding(
            "shift+tab",
            "focus_previous",
            "Previous field",
            show=False,
            priority=True,
            id="app.previous",
        ),
    ]

    def __init__(
        self,
        settings: Settings | Callable[[], Settings],
        backend_factory: Callable[[], Backend],
    ) -> None:
        """``settings`` may be a loader: it then runs in the connect worker, after the first
        paint (pydantic-settings costs ~0.25 s of start-up), and the theme and keys follow."""
        super().__init__()
        self._settings: Settings | None = None
        self._settings_loader: Callable[[], Settings] | None = None
        if callable(settings):
            self._settings_loader = settings
        else:
            self._settings = settings
        self.backend_factory = backend_factory
        self.backend: Backend | None = None
        self.session: SessionInfo | None = None
        self.offline = False  # a call found the backend unreachable; probing until it answers
        self._probe_timer: Timer | None = None
        self.register_theme(CSO_ANSI)
        self._theme_warning: str | None = None
        self.theme = self._choose_theme(
            self._settings.display.theme if self._settings else AUTO_THEME
        )

    @property
    def settings(self) -> Settings:
        if self._settings is None:  # asked before the worker loaded them: load now
            assert self._settings_loader is not None
            self._settings = self._settings_loader()
        return self._settings

    def load_settings(self) -> None:
        """From the connect worker: read the settings off the UI thread, then apply them."""
        if self._settings is None:
            self.settings  # noqa: B018  (loads)
            self.call_from_thread(self._apply_settings)

    def _apply_settings(self) -> None:
        self.theme = self._choose_theme(self.settings.display.theme)
        self.set_keymap(self.keymap)
        if self._theme_warning:
            self.notify(self._theme_warning, severity="warning")

    def _choose_theme(self, wanted: str) -> str:
        if os.environ.get("NO_COLOR") and wanted in (AUTO_THEME, ANSI_THEME):
            # NO_COLOR turns the terminal's own ANSI colours into black on black; Textual's
            # greyscale of textual-dark stays readable (grey and white on black).
            return DEFAULT_THEME
        if wanted == AUTO_THEME:
            colors = self.console.color_system
            return ANSI_THEME if colors in ("standard", "windows") else DEFAULT_THEME
        if wanted in self.available_themes:
            return wanted
        self._theme_warning = f"Unknown theme {wanted!r}: using {DEFAULT_THEME}."
        return DEFAULT_THEME

    @property
    def keymap(self) -> dict[str, str]:
        """The user's key remapping (binding id -> keys), tidied: ``"ctrl+f, /"`` works."""
        return {
            binding_id: ",".join(k.strip() for k in keys.split(",") if k.strip())
            for binding_id, keys in self.settings.keymap.items()
        }

    def on_mount(self) -> None:
        if self._settings is not None:
            self.set_keymap(self.keymap)
        self.push_screen(LoginScreen())
        self.set_interval(NOTIFY_SECONDS, self.deliver_notifications)
        if self._theme_warning:
            self.notify(self._theme_warning, severity="warning")

    async def on_unmount(self) -> None:
        backend, session = self.backend, self.session
        if backend is None:
            return

        def finish() -> None:
            try:
                if session is not None:
                    backend.logout(session.token)
            finally:
                backend.close()

        try:  # bounded: a dead server must not keep the terminal from quitting
            await asyncio.wait_for(asyncio.to_thread(finish), timeout=3)
        except Exception as exc:
            self.log.warning(f"closing the backend: {exc}")

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        names = ", ".join(sorted(b.id or b.action for b in clashed_bindings))
        self.log.warning(f"keymap: keys clash for {names} on {node}")

    # ------------------------------------------------------------ session

    def start_session(self, session: SessionInfo) -> None:
        """Called by the login screen: land on the home screen."""
        self.session = session
        subtitle = f"Consumer search · {session.full_name} ({session.role_label})"
        self.switch_screen(SearchScreen(subtitle=subtitle))
        landing = "consumer_search"
        if session.role == "recovery_executive":
            # the collections list on top of the search home: escape goes back to the search
            self.action_collections()
            landing = "collections"
        self.record_usage("Viewed_Landing_Page", {"role": session.role, "screen": landing})

    def session_ended(self, message: str) -> None:
        """The backend said the session is over: log in again over the current screen.

        The screens stay as they are (a half-typed search, an open form); once the same user
        has logged in again they get :class:`SessionResumed` and carry on.
        """
        session = self.session
        if session is None:
            return
        for screen in self.screen_stack:
            if isinstance(screen, ReloginScreen):
                screen.update_message(message)
                return
        self.push_screen(ReloginScreen(message, session.username), self._relogged_in)

    def _relogged_in(self, session: SessionInfo | None) -> None:
        old = self.session
        if session is None:  # someone else takes the terminal: the unsaved input is not theirs
            self.session = None
            self._to_login("Log in.", "")
            return
        self.session = session
        self.notify("Logged in again: what you typed is kept.", title="Session resumed")
        self.record_usage("Resumed_Session", {"role": session.role, "was": old is not None})
        for screen in self.screen_stack:
            screen.post_message(SessionResumed())

    def _to_login(self, message: str, username: str) -> None:
        while len(self.screen_stack) > 2:  # modals above the home screen
            self.pop_screen()
        self.switch_screen(LoginScreen(message=message, username=username))
        self.notify(message, title="Logged out", severity="warning")

    def _home(self) -> SearchScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, SearchScreen):
                return screen
        return None

    def backend_trouble(self, error: BaseException) -> bool:
        """The app-wide answer to a failed call, for every screen: an ended session opens
        the re-login box, an unreachable backend starts the probe. True if it was either."""
        if isinstance(error, SessionExpiredError):
            self.session_ended(error.message)
            return True
        if isinstance(error, UnavailableError):
            self.connection_lost(error)
            return True
        return False

    # ------------------------------------------------------------ connection

    def connection_lost(self, error: BaseException) -> None:
        """A call found the server (or database) unreachable: say so once and keep probing;
        every screen gets :class:`ConnectionRestored` when it answers again."""
        if self.offline:
            return
        self.offline = True
        self.notify(
            f"{describe_error(error)} What you typed is kept; cso-tui checks every "
            f"{PROBE_SECONDS:g} s and says when it is back.",
            title="Server unreachable",
            severity="error",
            timeout=10,
        )
        self._probe_timer = self.set_interval(PROBE_SECONDS, self.probe_connection)

    @work(thread=True, exclusive=True, exit_on_error=False, group="probe")
    def probe_connection(self) -> None:
        backend = self.backend
        if backend is None:
            return
        try:
            backend.info()
        except Exception:
            return
        self.call_from_thread(self._connection_back)

    def _connection_back(self) -> None:
        if not self.offline:
            return
        self.offline = False
        if self._probe_timer is not None:
            self._probe_timer.stop()
            self._probe_timer = None
        self.notify("The server answers again.", title="Connected")
        for screen in self.screen_stack:
            screen.post_message(ConnectionRestored())

    @work(thread=True, exclusive=True, exit_on_error=False, group="notifications")
    def deliver_notifications(self) -> None:
        """Each terminal helps the outbox along (SLA escalations, emails by SMTP): with the
        embedded database there is no server to do it. A failure waits for the next run."""
        backend, session = self.backend, self.session
        if backend is None or session is None:
            return
        try:
            backend.deliver_notifications(session.token)
        except Exception as exc:
            self.log.warning(f"notification run: {exc}")

    @work(thread=True, exit_on_error=False, group="usage")
    def record_usage(self, event: str, properties: dict[str, Any]) -> None:
        """Behaviour tracking (seed 001 section 9); never disturbs the desk when it fails."""
        backend, session = self.backend, self.session
        if backend is None or session is None:
            return
        try:
            backend.record_usage(session.token, event, properties)
        except (SessionExpiredError, UnavailableError) as exc:
            self.call_from_thread(self.backend_trouble, exc)
        except Exception as exc:
            self.log.warning(f"usage event {event} not recorded: {exc}")

    @work(thread=True, exclusive=True, exit_on_error=False, group="logout")
    def _logout(self, token: str) -> None:
        backend = self.backend
        if backend is None:
            return
        try:
            backend.logout(token)
        except Exception as exc:
            self.log.warning(f"logout: {exc}")

    # ------------------------------------------------------------ actions

    def action_logout(self) -> None:
        session = self.session
        if session is None:
            return
        self.session = None
        self._logout(session.token)
        self._to_login("You have logged out.", session.username)

    def action_search(self) -> None:
        """Focus the consumer search box (from anywhere once logged in)."""
        home = self._home()
        if home is None:
            return
        while self.screen is not home and len(self.screen_stack) > 2:
            self.pop_screen()
        home.focus_search()

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        local, everywhere = key_rows(self, screen, self.keymap, screen.active_bindings)
        title = getattr(screen, "HELP_TITLE", "") or screen.sub_title or "cso-tui"
        self.push_screen(HelpScreen(title, local, everywhere))

    def open_consumer(self, account_no: str) -> None:
        """Show ``account_no``'s details on the home screen (used by the command palette)."""
        home = self._home()
        if home is None or self.session is None:
            return
        while self.screen is not home and len(self.screen_stack) > 2:
            self.pop_screen()
        home.open_account(account_no)

    def open_profile(self, account_no: str) -> None:
        """Open ``account_no``'s 360 profile over the current screen (list, search, palette)."""
        if self.session is None:
            return
        from cso_tui.screens.profile import ProfileScreen  # deferred: not needed at start-up

        self.push_screen(ProfileScreen(account_no))

    def action_consumers(self) -> None:
        """The consumer list (from anywhere once logged in); brought forward if open."""
        from cso_tui.screens.consumer_list import ConsumerListScreen  # deferred: start-up

        self._open_on_home(ConsumerListScreen, "Consumers")

    def action_collections(self) -> None:
        """The recovery executive's collections list; brought forward if open."""
        from cso_tui.screens.recovery import RecoveryScreen  # deferred: start-up

        self._open_on_home(RecoveryScreen, "Collections")

    def action_disconnections(self) -> None:
        """The disconnection requests' landing page; brought forward if open."""
        from cso_tui.screens.disconnections import DisconnectionsScreen  # deferred: start-up

        self._open_on_home(DisconnectionsScreen, "Disconnection requests")

    def open_request(self, request_no: str) -> None:
        """Open a disconnection / reconnection request's detail view over the current screen."""
        if self.session is None:
            return
        from cso_tui.screens.request_detail import RequestScreen  # deferred: start-up

        self.push_screen(RequestScreen(request_no))

    def new_request(self, account_no: str | None = None) -> None:
        """The create form for a disconnection / reconnection request (for ``account_no``, or
        with the customer search first); once made, its detail view."""
        if self.session is None:
            return
        from cso_tui.screens.new_request import NewRequestScreen  # deferred: start-up

        def made(request_no: str | None) -> None:
            if request_no:
                self.open_request(request_no)

        self.push_screen(NewRequestScreen(account_no), made)

    def open_disconnection_settings(self) -> None:
        """The disconnection settings (reasons, slots, SLA, checklist, calendar, guard-rails);
        brought forward if open. A role without the right is told so there."""
        if any(isinstance(s, ReloginScreen) for s in self.screen_stack):
            return  # never over (or by closing) the re-login box
        from cso_tui.screens import disconnection_settings  # deferred: start-up

        disconnection_settings.open_disconnection_settings(self)

    def _open_on_home(
        self,
        kind: type[ConsumerListScreen | RecoveryScreen | DisconnectionsScreen],
        title: str,
    ) -> None:
        """Show the open ``kind`` screen (closing what is above it), else push a new one."""
        session = self.session
        if session is None or any(isinstance(s, ReloginScreen) for s in self.screen_stack):
            return  # never over (or by closing) the re-login box
        for screen in reversed(self.screen_stack):
            if isinstance(screen, kind):
                while self.screen is not screen:
                    self.pop_screen()  # it resumes with the focus it had
                return
        self.push_screen(kind(subtitle=f"{title} · {session.full_name} ({session.role_label})"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search":
            # while typing, "/" is a character and ctrl+f the box's own key
            if self.session is None:
                return False
            return None if is_typing(self.screen) else True
        if action in ("consumers", "collections", "disconnections"):
            return self.session is not None
        return True
