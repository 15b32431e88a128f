"""The base of the profile's tab panes: each loads its data in a thread worker the first time
its tab is shown (not all ten at once), shows "Loading…" until the data lands, and says
what went wrong when a load fails (the screen retries it after a re-login or an outage).

Thread workers cannot be cancelled, so every load carries a sequence number and the answer
of an older load is dropped when it arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from cso_tui.screens.base import cso_app, describe_error, escape_markup, focus_now
from cso_tui.services.errors import NotFoundError, SessionExpiredError, UnavailableError
from cso_tui.widgets.badges import Tone, tone_styles

if TYPE_CHECKING:
    from rich.style import Style

    from cso_tui.config import DisplaySettings
    from cso_tui.services.backend import Backend
    from cso_tui.services.schemas import ConsumerProfile

State = Literal["idle", "waiting", "loading", "loaded", "failed"]


class ProfilePane(Vertical):
    """One tab's content. Subclasses fetch (in the worker) and show (on the UI thread)."""

    TAB: ClassVar[str] = ""  # the tab's id without "tab-": "overview"
    TITLE: ClassVar[str] = ""  # the tab's label: "Overview"
    SHORT: ClassVar[str] = ""  # the label at 80 columns
    COUNT: ClassVar[str | None] = None  # the TabCounts field shown beside the label
    NEEDS_PROFILE: ClassVar[bool] = False  # shown with the profile's own figures
    #: The tab's own keys ("n" for a new record). The screen binds them and hands them to the
    #: tab on show, whatever has the focus: keys typed in one burst with the tab's number
    #: ("9n") come before the focus has moved into the tab, and would reach the tab left.
    KEYS: ClassVar[list[Binding]] = []

    class Loaded(Message):
        def __init__(self, seq: int, data: Any) -> None:
            super().__init__()
            self.seq = seq
            self.data = data

    class Failed(Message):
        def __init__(self, seq: int, error: BaseException) -> None:
            super().__init__()
            self.seq = seq
            self.error = error

    class ActionRequested(Message):
        """A pane key asks the screen for a quick action form (``n`` on the Service tab)."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, account_no: str, display: DisplaySettings) -> None:
        super().__init__(id=f"pane-{self.TAB}", classes="profile-pane")
        self.account_no = account_no
        self.display_settings = display
        self.profile: ConsumerProfile | None = None
        self.state: State = "idle"
        self.seq = 0
        self.shown = False  # data has been shown once (a reload keeps it on screen)
        self.error: BaseException | None = None
        self._styles: dict[Tone, Style] = {}

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-status")
        with Vertical(classes="pane-body"):
            yield from self.compose_body()

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def on_mount(self) -> None:
        self._styles = tone_styles(self.app)
        self._status("Not loaded yet.")

    @property
    def styles_by_tone(self) -> dict[Tone, Style]:
        return self._styles

    def focus_target(self) -> Widget | None:
        """What takes the focus when the tab is shown: nothing until its data is (the body is
        hidden, and a table there would take keys meant for the screen, such as "right")."""
        if not self.has_class("-shown"):
            return None
        for widget in self.query(".pane-focus"):
            if widget.focusable:
                return widget
        return None

    # ------------------------------------------------------------ loading

    def set_profile(self, profile: ConsumerProfile) -> None:
        """A (re)loaded profile: panes drawn from it are stale until shown again."""
        self.profile = profile
        if self.NEEDS_PROFILE and self.state in ("loaded", "failed"):
            self.state = "idle"
        if self.state == "waiting":
            self.load()

    def mark_stale(self) -> None:
        """Its data changed (an action): load again when next shown."""
        self.seq += 1  # an answer on its way is already old
        self.state = "idle"

    def ensure_loaded(self) -> None:
        if self.state == "idle":
            self.load()

    def load(self) -> None:
        if self.NEEDS_PROFILE and self.profile is None:
            self.state = "waiting"
            self._status("Loading the profile…")
            return
        self.seq += 1
        self.state = "loading"
        self.error = None
        self._status("Updating…" if self.shown else f"Loading {self.TITLE.lower()}…")
        self._fetch(self.seq, self.profile)

    @work(thread=True, exit_on_error=False, group="profile-pane")
    def _fetch(self, seq: int, profile: ConsumerProfile | None) -> None:
        app = cso_app(self)
        backend, session = app.backend, app.session
        if backend is None or session is None:
            return
        try:
            data = self.fetch(backend, session.token, profile)
        except Exception as exc:
            self.post_message(self.Failed(seq, exc))
            return
        self.post_message(self.Loaded(seq, data))

    def fetch(self, backend: Backend, token: str, profile: ConsumerProfile | None) -> Any:
        """Runs in the worker thread: the backend calls this pane needs."""
        return None

    def show(self, data: Any) -> None:
        """Runs on the UI thread with what :meth:`fetch` returned."""

    def on_profile_pane_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.seq != self.seq:
            return
        self.state = "loaded"
        self.add_class("-shown")
        self._status("")
        self.show(message.data)
        self.shown = True
        # shown before its data came: nothing of it could take the focus then, which stayed
        # in the tab left behind (hidden), where the next key ("n") went unheard. After the
        # refresh: the content it shows now is displayed (focusable) only then.
        self.call_after_refresh(self.take_focus)

    def take_focus(self, *, or_none: bool = False) -> None:
        """Focus this tab's content at once (checked and given with no key in between), if
        the tab is the one shown and the focus is not in it already. ``or_none``: with
        nothing focusable yet, the tab left behind does not keep the focus either."""
        screen = self.screen
        if getattr(screen, "current_tab", None) != self.TAB:
            return  # keys have moved on to another tab
        focused = screen.focused
        if focused is not None and self in focused.ancestors_with_self:
            return
        target = self.focus_target()
        if target is not None:
            focus_now(target)
        elif or_none:
            screen.set_focus(None)

    def on_profile_pane_failed(self, message: Failed) -> None:
        message.stop()
        if message.seq != self.seq:
            return
        self.state = "failed"
        error = self.error = message.error
        cso_app(self).backend_trouble(error)
        if isinstance(error, SessionExpiredError):
            text = "Your session ended: log in again and this tab loads again."
        elif isinstance(error, UnavailableError):
            text = f"{describe_error(error)} This tab loads again when the server is back."
        elif isinstance(error, NotFoundError):
            text = f"{describe_error(error)} Press esc to go back."
        else:
            text = f"Cannot load {self.TITLE.lower()}: {describe_error(error)} (r to retry)"
        self._status(escape_markup(text), error=True)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one(".pane-status", Static)
        status.update(text)
        status.display = bool(text)
        status.set_class(error, "-error")

    # ------------------------------------------------------------ keys

    def request_action(self, action: str) -> None:
        self.post_message(self.ActionRequested(action))
