"""The `cso-tui` entry point. A plain `cso-tui [--database URL] [--server URL]` goes straight
to the app without importing typer or building its command tree (~0.1-0.2 s of a 0.8 s
start-up budget); every other command line goes to :mod:`cso_tui.cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cso_tui.config import Settings
    from cso_tui.services.backend import Backend
    from cso_tui.services.local import LocalBackend


_PLAIN_OPTIONS = {"--database": "database", "-d": "database", "--server": "server", "-s": "server"}


def plain_run(args: list[str]) -> tuple[bool, str | None, str | None]:
    """Is this just `cso-tui [--database URL] [--server URL]`? Returns (plain, database,
    server). A plain run skips typer: building its command tree costs ~0.2 s, a quarter of
    the start-up budget. Anything else goes through typer."""
    found: dict[str, str] = {}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if eq and name.startswith("--") and name in _PLAIN_OPTIONS:
            key = _PLAIN_OPTIONS[name]
        elif arg in _PLAIN_OPTIONS and rest and not rest[0].startswith("-"):
            key, value = _PLAIN_OPTIONS[arg], rest.pop(0)
        else:
            return False, None, None
        if key in found:
            return False, None, None
        found[key] = value
    return True, found.get("database"), found.get("server")


def open_local(settings: Settings) -> LocalBackend:
    """The service layer on the settings' database."""
    from cso_tui.services.local import LocalBackend

    return LocalBackend(
        settings.database, session_settings=settings.session, page_size=settings.search_page_size
    )


def open_backend(settings: Settings) -> Backend:
    """The backend the settings name: the server (``--server``) when set, else the database."""
    if settings.server:
        from cso_tui.services.remote import connect

        return connect(settings.server)
    return open_local(settings)


def run_tui(load: Callable[[], Settings]) -> None:
    """Start the app. Settings and the backend load in the app's worker, after first paint."""
    from functools import cache

    from cso_tui.app import CsoApp

    settings = cache(load)
    CsoApp(settings, lambda: open_backend(settings())).run()


def main() -> None:
    plain, database, server = plain_run(sys.argv[1:])
    if plain:
        from cso_tui.config import load_settings

        run_tui(lambda: load_settings(database=database, server=server))
        return
    from cso_tui.cli import main as cli_main

    cli_main()
