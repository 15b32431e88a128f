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


class TwoFields(App[None]):
    def compose(self) -> ComposeResult:
        yield OrderedInput(id="user")
        yield OrderedInput(id="password")


async def test_keys_typed_after_tab_land_in_the_next_field() -> None:
    """A user name, tab and the password in one burst (tmux send-keys, a fast typist)."""
    app = TwoFields()
    async with app.run_test() as pilot:
        user = app.query_one("#user", OrderedInput)
        password = app.query_one("#password", OrderedInput)
        user.focus()
        await pilot.pause()
        burst(app, "j", "o", "tab", "d", "e", "m", "o")
        for _ in range(4):
            await pilot.pause()
        assert (user.value, password.value) == ("jo", "demo")
        assert app.focused is password
        # back with shift+tab (the field's text is selected on focus: end keeps it)
        burst(app, "shift+tab", "end", "e")
        for _ in range(4):
            await pilot.pause()
        assert (user.value, password.value) == ("joe", "demo")
        assert app.focused is user
