"""Command palette providers: consumers (searched in the backend, off the UI thread) and
navigation (screens and app actions)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from cso_tui.screens.base import cso_app
from cso_tui.widgets.badges import CONSUMER_STATUS, VIP_MARK, badge_for

if TYPE_CHECKING:
    from cso_tui.app import CsoApp
    from cso_tui.services.schemas import ConsumerHit

MIN_QUERY = 2
PALETTE_LIMIT = 10


def hit_text(hit: ConsumerHit) -> str:
    vip = f" {VIP_MARK}" if hit.vip else ""
    status = badge_for(hit.status, CONSUMER_STATUS).text(short=True)
    phone = f" · {hit.phone}" if hit.phone else ""
    return f"{hit.account_no}  {hit.name}{vip} · {status}{phone}"


class ConsumerProvider(Provider):
    """Find a consumer by anything the search box takes; choosing one opens its details."""

    async def search(self, query: str) -> Hits:
        app = cso_app(self.screen)
        backend, session = app.backend, app.session
        term = query.strip()
        if backend is None or session is None or len(term) < MIN_QUERY:
            return
        try:
            # a blocking backend call: run it in a thread so the palette keeps painting
            page = await asyncio.to_thread(
                backend.search_consumers, session.token, term, None, PALETTE_LIMIT
            )
        except Exception as exc:  # the palette is no place for a traceback: say it once
            if not app.backend_trouble(exc):
                app.notify(f"Consumer lookup failed: {exc}", severity="error")
            return
        matcher = self.matcher(term)
        count = len(page.items)
        for index, hit in enumerate(page.items):
            text = hit_text(hit)
            yield Hit(
                # the backend ranks best first: keep its order above fuzzy matches
                score=1.0 - index / (count * 10),
                match_display=matcher.highlight(text),
                command=partial(app.open_consumer, hit.account_no),
                text=text,
                help=f"Open {hit.account_no}: {hit.service_address}",
            )


def new_consumer(app: CsoApp) -> None:
    """The consumer list (brought forward, or opened), with the new consumer form over it:
    once the form creates one, the list refreshes under the new profile."""
    from cso_tui.screens.consumer_list import ConsumerListScreen  # deferred: start-up

    app.action_consumers()
    screen = app.screen
    if isinstance(screen, ConsumerListScreen):  # not when the list could not come forward
        screen.action_new()


class NavigationProvider(Provider):
    """Screens and app actions."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cso_app(self.screen)
        commands: list[tuple[str, str, Callable[[], object]]] = []
        if app.session is not None:
            commands.append(
                ("Consumer search", "Go to the search box (/ or ctrl+f)", app.action_search)
            )
            commands.append(
                (
                    "Consumer list",
                    "Every consumer with KPIs, filters, sort and bulk actions (ctrl+l)",
                    app.action_consumers,
                )
            )
            commands.append(
                (
                    "New consumer",
                    "Create a consumer account, from the consumer list (n there)",
                    partial(new_consumer, app),
                )
            )
            commands.append(
                (
                    "Collections (recovery)",
                    "Accounts past due or in collection, largest balance first (ctrl+g)",
                    app.action_collections,
                )
            )
            commands.append(
                (
                    "Disconnection requests",
                    "Disconnection and reconnection requests: KPIs, SLA, settlement (ctrl+o)",
                    app.action_disconnections,
                )
            )
            commands.append(
                (
                    "New disconnection request",
                    "Find the customer, then the reason, date and time slot",
                    app.new_request,
                )
            )
            commands.append(
                (
                    "Disconnection settings",
                    "Reasons, time slots, SLA targets, checklist, SLA calendar, guard-rails",
                    app.open_disconnection_settings,
                )
            )
            commands.append(("Log out", "End this session and return to login", app.action_logout))
        commands.append(("Help: keys", "List the keys of this screen (? or F1)", app.action_help))
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
