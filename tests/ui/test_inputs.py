"""Keys that arrive together apply in arrival order in our inputs (Textual issue #6605)."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult

from cso_tui.widgets.inputs import OrderedInput


class OneField(App[None]):
    def compose(self) -> ComposeResult:
        yield OrderedInput("John Smith", id="field")


def burst(app: App[None], *keys: str) -> None:
    """Post keys the way the terminal driver does, without waiting between them."""
    for key in keys:
        character = key if len(key) == 1 else (" " if key == "space" else None)
        app.post_message(events.Key(key, character))


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("ctrl+u", "D", "o", "e"), "Doe"),  # clear, then type: nothing typed is lost
        (("home", "X"), "XJohn Smith"),  # move, then type: lands where the cursor went
        (("backspace", "backspace", "backspace", "y", "t", "h"), "John Smyth"),
        (("ctrl+w", "J", "o", "n", "e", "s"), "John Jones"),
        (("left", "left", "left", "left", "left", "ctrl+k", "D", "o", "e"), "John Doe"),
    ],
)
async def test_editing_keys_and_typing_keep_their_order(
    keys: tuple[str, ...], expected: str
) -> None:
    app = OneField()
    async with app.run_test() as pilot:
        field = app.query_one("#field", OrderedInput)
        field.focus()
        await pilot.pause()
        field.cursor_position = len(field.value)
        burst(app, *keys)
        await pilot.pause()
        await pilot.pause()
        assert field.value == expected


async def test_user_name_tab_password_enter_in_one_burst_logs_in(demo_url: str) -> None:
    """As tmux send-keys or a fast typist over SSH sends them: nothing lands in the wrong
    field (tab moves the focus as it arrives, like the login's enter)."""
    from cso_tui.screens.search import SearchScreen

    from .helpers import connected, make_app, wait_until

    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        login = await connected(pilot)
        await wait_until(
            pilot, lambda: app.focused is login.query_one("#username"), "the user name box"
        )
        burst(app, *"callcenter", "tab", *"demo", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
        assert app.session is not None and app.session.username == "callcenter"
        await wait_until(pilot, lambda: app.focused is not None, "the search box")
        await pilot.pause()
