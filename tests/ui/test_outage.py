"""The server stops mid-session: the TUI says it is unreachable, keeps what was typed, and
works again when it is back (a real `cso-tui serve` process, stopped and started again)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import ServeProcess, free_port
from textual.widgets import Input, Label

from cso_tui.app import CsoApp
from cso_tui.screens.edit_consumer import EditConsumerScreen
from cso_tui.screens.search import SearchScreen
from cso_tui.services.backend import Backend

from .helpers import keys, login, make_app, search, wait_until
from .test_edit import field, status
from .test_search import open_details, row_texts


@pytest.fixture
def server(demo_url: str, tmp_path: Path) -> Iterator[ServeProcess]:
    served = ServeProcess(demo_url, tmp_path, free_port())
    served.start()
    yield served
    served.stop()


def remote_app(server: ServeProcess, demo_url: str) -> CsoApp:
    def factory() -> Backend:
        from cso_tui.services.remote import connect

        return connect(server.url)

    return make_app(demo_url, factory, server=server.url)


def notices(app: CsoApp) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


async def test_search_while_the_server_is_down_runs_when_it_is_back(
    server: ServeProcess, demo_url: str
) -> None:
    app = remote_app(server, demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await login(pilot)
        await search(pilot, "M-5678")
        server.stop()
        box = screen.query_one("#search", Input)
        box.value = "Doe"
        label = screen.query_one("#search-status", Label)
        await wait_until(pilot, lambda: "Cannot reach the server" in str(label.content), "error")
        assert "your search is kept" in str(label.content)
        assert app.offline
        await wait_until(
            pilot, lambda: "Server unreachable: Cannot reach the server at" in notices(app), "toast"
        )
        assert box.value == "Doe"
        server.start()
        # nobody presses anything: the probe finds the server and the search runs again
        await wait_until(pilot, lambda: not app.offline, "the server to be found again")
        await wait_until(pilot, lambda: screen.shown_term == "Doe", "the search to rerun")
        assert any("Doe" in row[1] for row in row_texts(screen.results))
        await wait_until(
            pilot, lambda: "Connected: The server answers again." in notices(app), "the notice"
        )


async def test_a_save_while_the_server_is_down_keeps_the_form(
    server: ServeProcess, demo_url: str
) -> None:
    app = remote_app(server, demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        screen = await search(pilot, "M-5678")
        await open_details(pilot, screen)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EditConsumerScreen), "the form")
        form: Any = app.screen
        server.stop()
        await pilot.press("down", "ctrl+u", *keys("(555) 444-5555"), "ctrl+s")
        await wait_until(pilot, lambda: "Cannot reach the server" in status(form), "error")
        assert "Your changes are kept: press ctrl+s to try again" in status(form)
        assert field(form, "phone").value == "(555) 444-5555"
        assert app.screen is form
        server.start()
        await wait_until(pilot, lambda: "The server is back" in status(form), "back")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "saved")
        assert app.backend is not None and app.session is not None
        saved = app.backend.get_consumer(app.session.token, "WU-10001")
        assert (saved.phone, saved.version) == ("(555) 444-5555", 2)


class BuggyServer:
    """A backend whose searches meet a server bug (HTTP 500, as RemoteBackend reports it)."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner

    def search_consumers(self, *args: Any, **kwargs: Any) -> Any:
        from cso_tui.services import api
        from cso_tui.services.errors import ServiceError

        raise ServiceError(api.SERVER_BUG)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_server_bug_is_reported_and_the_app_carries_on(demo_url: str) -> None:
    from .helpers import local_factory

    inner = local_factory(demo_url)
    app = make_app(demo_url, lambda: BuggyServer(inner()))  # type: ignore[arg-type, return-value]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await login(pilot)
        screen.query_one("#search", Input).value = "Doe"
        label = screen.query_one("#search-status", Label)
        await wait_until(pilot, lambda: "failed to handle" in str(label.content), "the report")
        assert "Cannot search: The server failed to handle the request" in str(label.content)
        assert "your search is kept" in str(label.content)
        assert not app.offline  # a bug is not an outage
        assert isinstance(app.screen, SearchScreen)
        assert screen.query_one("#search", Input).value == "Doe"
