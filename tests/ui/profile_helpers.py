"""Pilot helpers for the consumer profile: a backend on the seed's clock (May 12, 2025, when
John Doe's figures are the seed's), opening the profile from the search, reading panes."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Label, Static

from cso_tui.app import CsoApp
from cso_tui.screens.profile import ProfileScreen
from cso_tui.screens.profile_pane import ProfilePane
from cso_tui.services.backend import Backend
from cso_tui.widgets.field_grid import FieldGrid

from .helpers import PAGE_SIZE, login, make_app, search, wait_until

#: The seed's "now": John Doe's payment is due in 3 days, health 85, compliance 92%.
SEED_NOW = datetime(2025, 5, 12, 15, tzinfo=UTC)


def clocked_factory(url: str, clock: Callable[[], datetime]) -> Callable[[], Backend]:
    def factory() -> Backend:
        from cso_tui.services.local import LocalBackend

        return LocalBackend(url, clock=clock, page_size=PAGE_SIZE)

    return factory


def profile_app(url: str, clock: Callable[[], datetime], **settings: Any) -> CsoApp:
    return make_app(url, clocked_factory(url, clock), **settings)


class Recorder:
    """Records the app's usage events and notifications (and still shows the latter)."""

    def __init__(self, app: CsoApp) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.notices: list[str] = []
        notify = app.notify

        def record_usage(event: str, properties: dict[str, Any]) -> None:
            self.events.append((event, properties))

        def notify_and_keep(message: str, **kw: Any) -> None:
            self.notices.append(f"{kw.get('title', '')}: {message}")
            notify(message, **kw)

        app.record_usage = record_usage  # type: ignore[assignment, method-assign]
        app.notify = notify_and_keep  # type: ignore[method-assign]

    def named(self, event: str) -> list[dict[str, Any]]:
        return [props for name, props in self.events if name == event]


async def open_profile(pilot: Pilot[Any], term: str = "M-5678") -> ProfileScreen:
    """Log in, search ``term``, press ``p`` on the first result; wait for the Overview."""
    app = pilot.app
    await login(pilot)
    screen = await search(pilot, term)
    await pilot.press("down")
    await wait_until(pilot, lambda: screen.focused is screen.results, "focus on the results")
    await pilot.press("p")
    await wait_until(pilot, lambda: isinstance(app.screen, ProfileScreen), "the profile")
    profile = app.screen
    assert isinstance(profile, ProfileScreen)
    await wait_until(pilot, lambda: profile.profile is not None, "the profile's data")
    await wait_for_pane(pilot, profile, "overview")
    return profile


async def wait_for_pane(pilot: Pilot[Any], screen: ProfileScreen, tab: str) -> ProfilePane:
    pane = screen.pane(tab)
    await wait_until(pilot, lambda: pane.state == "loaded", f"the {tab} tab")
    await pilot.pause()
    return pane


async def show_tab(pilot: Pilot[Any], screen: ProfileScreen, key: str, tab: str) -> ProfilePane:
    await pilot.press(key)
    await wait_until(pilot, lambda: screen.current_tab == tab, f"the {tab} tab shown")
    return await wait_for_pane(pilot, screen, tab)


def plain(renderable: Any, width: int = 100) -> str:
    """A Rich renderable as plain text."""
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def text_of(widget: Any) -> str:
    if isinstance(widget, FieldGrid):
        return widget.text
    if isinstance(widget, Static | Label):
        content = widget.content
        if isinstance(content, str):
            return content
        if isinstance(content, Text):
            return content.plain
        return plain(content)
    return plain(widget.render())


def header_text(screen: ProfileScreen) -> str:
    """The header's shown text, one widget a line."""
    header = screen.header
    return "\n".join(text_of(w) for w in header.query("Label, Static") if w.display)


def new_number(notices: list[str], prefix: str) -> str:
    """The record number a success notification names (``SO-4525``)."""
    found = re.findall(rf"\b{prefix}-\d+\b", "\n".join(notices))
    assert found, notices
    return str(found[-1])
