"""The help modal: keys of the screen below and of the app, built from the active bindings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from textual.actions import parse as parse_action
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingsMap, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from cso_tui.widgets.badges import CONSUMER_STATUS, PAYMENT_STANDING, VIP_LABEL


@dataclass(frozen=True)
class KeyRow:
    keys: str
    description: str


def _enabled(node: DOMNode, action: str) -> bool:
    _namespace, name, parameters = parse_action(action)
    return node.check_action(name, parameters) is not False


def key_rows(
    app: App[Any],
    screen: Screen[Any],
    keymap: Mapping[str, str],
    focused_bindings: Mapping[str, ActiveBinding] | None = None,
) -> tuple[list[KeyRow], list[KeyRow]]:
    """(this screen's keys, keys that work everywhere), one row per binding with all its keys.

    Built from the screen's and the app's BINDINGS with the user's keymap applied (so keys a
    focused Input would swallow are still listed), plus the focused widget's shown keys.
    """

    def rows(node: DOMNode, bindings: Iterable[BindingType]) -> list[KeyRow]:
        bindings_map = BindingsMap(bindings)
        if keymap:
            bindings_map.apply_keymap(dict(keymap))
        groups: dict[str, tuple[list[str], Binding]] = {}
        for _key, binding in bindings_map:
            if binding.system or not binding.description or not _enabled(node, binding.action):
                continue
            keys, _ = groups.setdefault(binding.id or binding.action, ([], binding))
            display = app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
        return [KeyRow(", ".join(keys), binding.description) for keys, binding in groups.values()]

    local: list[KeyRow] = []
    seen: set[str] = set()
    for active in (focused_bindings or {}).values():
        binding = active.binding
        if active.node in (app, screen) or not binding.show or not binding.description:
            continue
        if binding.description not in seen:
            seen.add(binding.description)
            local.append(KeyRow(app.get_key_display(binding), binding.description))
    local.extend(rows(screen, type(screen).BINDINGS))
    local.append(KeyRow("tab, shift+tab", "Next / previous field"))
    return local, rows(app, type(app).BINDINGS)


def _table(rows: list[KeyRow]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, min_width=15, style="bold")
    table.add_column()
    for row in rows:
        table.add_row(row.keys, row.description)
    return table


def legend() -> Table:
    status = [b.text() for b in CONSUMER_STATUS.values()]
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, min_width=15, style="bold")
    table.add_column()
    # two short lines rather than one that wraps inside a label
    table.add_row("Status", "   ".join(s for s in status if len(s) < 12))
    table.add_row("", "   ".join(s for s in status if len(s) >= 12))
    table.add_row("Standing", "   ".join(b.text() for b in PAYMENT_STANDING.values()))
    table.add_row("Marks", f"{VIP_LABEL} customer")
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"

    BINDINGS = [
        Binding("escape,f1,question_mark,q", "close", "Close help", id="help.close"),
    ]

    def __init__(self, title: str, local: list[KeyRow], everywhere: list[KeyRow]) -> None:
        super().__init__()
        self.title_text = title
        self.local = local
        self.everywhere = everywhere

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = f"Help · {self.title_text}"
            body.border_subtitle = "esc closes"
            if self.local:
                yield Label("On this screen", classes="help-heading")
                yield Static(_table(self.local), id="help-local")
            yield Label("Everywhere", classes="help-heading")
            yield Static(_table(self.everywhere), id="help-everywhere")
            yield Label(
                "Symbols (always with words, so no colour is needed)", classes="help-heading"
            )
            yield Static(legend(), id="help-legend")

    def action_close(self) -> None:
        self.dismiss(None)
