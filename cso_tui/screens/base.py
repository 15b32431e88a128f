"""What every screen shares: typed access to the app and one way to describe failures."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual.dom import DOMNode
from textual.message import Message
from textual.widgets import Input, Select, TextArea

from cso_tui.services.errors import ServiceError

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.widget import Widget

    from cso_tui.app import CsoApp


def cso_app(node: DOMNode) -> CsoApp:
    """The running CsoApp (typed); screens and providers reach the backend through it."""
    return cast("CsoApp", node.app)


def describe_error(error: BaseException) -> str:
    """A message for staff: the service layer's own words, or what went wrong otherwise."""
    if isinstance(error, ServiceError):
        return error.message
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    name = type(error).__name__
    return f"Unexpected error ({name}): {text}" if text else f"Unexpected error ({name})."


def is_typing(screen: Screen[Any]) -> bool:
    """The focus is where keys are text (a box, a text area, an open pick list): letters and
    digits bound on the screen are the user's text there, not commands."""
    focused = screen.focused
    if focused is None:
        return False
    return isinstance(focused, Input | TextArea) or isinstance(focused.parent, Select)


def focus_now(widget: Widget) -> None:
    """Focus ``widget`` at once. ``widget.focus()`` waits behind the messages already queued,
    keys included. (A key that moves the focus must also act as it arrives, a priority
    binding: a plain one runs only once the key has bubbled back up from the widget it was
    sent to, and the keys typed after it have been sent there too.)"""
    widget.screen.set_focus(widget)


def escape_markup(text: str) -> str:
    """``text`` shown as it is in a markup string (a consumer named "[x]" stays "[x]")."""
    return text.replace("[", r"\[")


class SessionResumed(Message):
    """Posted to every screen after a re-login over an expired session: retry what failed."""


class ConnectionRestored(Message):
    """Posted to every screen when the backend answers again after being unreachable."""


class Debouncer:
    """Runs ``act`` once typing pauses for ``delay`` seconds: each ``poke`` (a key typed)
    starts the pause again; ``flush`` (enter) runs it at once if it is still waiting."""

    def __init__(self, owner: DOMNode, delay: float, act: Callable[[], object]) -> None:
        self._owner = owner
        self._delay = delay
        self._act = act
        self._timer: Timer | None = None

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def poke(self) -> None:
        self.cancel()
        self._timer = self._owner.set_timer(self._delay, self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._act()

    def cancel(self) -> bool:
        """Stop waiting (nothing runs); True when something was waiting."""
        if self._timer is None:
            return False
        self._timer.stop()
        self._timer = None
        return True

    def flush(self) -> bool:
        """Run now what was waiting; True when something was."""
        if not self.cancel():
            return False
        self._act()
        return True


def after_typing(node: DOMNode, callback: Callable[[], object]) -> None:
    """Call ``callback`` once every field under ``node`` has handled the keys typed so far
    (and none typed later). A priority key (ctrl+s, enter) runs as it arrives, while keys
    typed just before it may still wait in their fields' queues, each field its own, run in
    no set order: "first name, tab, last name, ctrl+s" must save both names."""
    from textual.widget import Widget

    from cso_tui.widgets.inputs import after_queued

    after_queued([w for w in node.query(Widget) if w.can_focus], callback)
