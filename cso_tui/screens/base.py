"""What every screen shares: typed access to the app and one way to describe failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode
from textual.message import Message

from cso_tui.services.errors import ServiceError

if TYPE_CHECKING:
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


def escape_markup(text: str) -> str:
    """``text`` shown as it is in a markup string (a consumer named "[x]" stays "[x]")."""
    return text.replace("[", r"\[")


class SessionResumed(Message):
    """Posted to every screen after a re-login over an expired session: retry what failed."""


class ConnectionRestored(Message):
    """Posted to every screen when the backend answers again after being unreachable."""
