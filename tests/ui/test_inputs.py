"""Keys that arrive together apply in arrival order in our inputs (Textual issue #6605)."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from cso_tui.widgets.inputs import OrderedInput


class OneField(App[None]):
    def compose(self) -> ComposeResult:
        yield OrderedInput("John Smith", id="field")


def burst(app: App[None], *keys: str) -> None:
    """Post keys the way the terminal driver does, without waiting between them."""
    for key in keys:
        character = key if len(key) == 1 else (" " if key == "space" else None)
        app.post_message(events.Key(key, character))


def where(app: App[None]) -> str:
    """Where the app is, for a failure message: screens, focus, fields and messages shown."""
    screen = app.screen
    parts = [
        f"screens {[type(s).__name__ for s in app.screen_stack]}",
        f"focused {app.focused!r}",
        f"workers {[(w.group, w.state.name) for w in app.workers]}",
    ]
    for box in screen.query(Input):
        parts.append(f"#{box.id}={box.value!r}")  # the demo password: no secret
    for label in screen.query(".field-error, #login-status"):
        parts.append(f"#{label.id}: {str(getattr(label, 'content', '')).strip()!r}")
    return "; ".join(parts)


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
    await burst_login(demo_url)


async def test_login_burst_waits_for_the_user_name_handled_last(demo_url: str) -> None:
    """Each field handles its keys in its own queue, in no set order: under load a layout
    pass that had just posted the password field a Resize ran its queue first, and enter read
    an empty user name ("Enter your user name.", then cleared as the name arrived)."""
    await burst_login(demo_url, user_name_last=True)


async def burst_login(demo_url: str, user_name_last: bool = False) -> None:
    """Log in by "callcenter, tab, demo, enter" in one burst; land on the search screen."""
    from cso_tui.screens.search import SearchScreen

    from .helpers import connected, make_app, wait_until

    app = make_app(demo_url)
    async with app.run_test(size=(80, 24)) as pilot:
        try:
            login = await connected(pilot)
            username = login.query_one("#username")
            await wait_until(pilot, lambda: app.focused is username, "the user name box")
            release = asyncio.Event()
            if user_name_last:
                username.call_later(release.wait)  # its queue waits...
            burst(app, *"callcenter", "tab", *"demo", "enter")
            if user_name_last:
                # ...until the password field has handled the burst (enter's read included)
                app.call_later(login.query_one("#password").call_later, release.set)
            await wait_until(
                pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen"
            )
            assert app.session is not None and app.session.username == "callcenter"
            await wait_until(pilot, lambda: app.focused is not None, "the search box")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; {where(app)}") from None
        await pilot.pause()
