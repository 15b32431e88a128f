"""An Input whose editing keys keep their place among typed characters.

Textual's Input inserts printable characters in its own key handler, but its editing keys
(backspace, arrows, home, ctrl+u...) are bindings that run only after the key has bubbled
up to the app, while the characters typed after them are already being inserted. Keys that
arrive together (a fast typist, a paste-like burst over SSH) then apply out of order:
"ctrl+u" then "Doe" ended as an empty field (Textual issue #6605, open). This Input runs
its own bindings inline, in arrival order; keys it does not bind still bubble as before.

Each widget handles its keys in its own queue, and those queues run in no set order: after a
tab the next field may handle the keys typed after the tab before the previous field has
handled those typed before it. ``after_queued`` waits for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import events
from textual.message_pump import MessagePump
from textual.widgets import Input


def after_queued(pumps: Iterable[MessagePump], callback: Callable[[], object]) -> None:
    """Call ``callback`` once each of ``pumps`` has handled what is queued to it now (the keys
    typed so far), and not those that arrive later.

    A priority key (enter, ctrl+s) that reads several fields must wait for them all: waiting
    for the focused field alone, a burst "callcenter, tab, demo, enter" read an empty user
    name when the password field's queue ran first.
    """
    pending = 0

    def done() -> None:
        nonlocal pending
        pending -= 1
        if pending == 0:
            callback()

    for pump in pumps:
        pending += 1
        if not pump.call_later(done):  # closed (removed): nothing queued there to wait for
            pending -= 1
    if pending == 0:
        callback()


class OrderedInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                # priority bindings ran at the app before the key got here
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.prevent_default()
                    event.stop()
                    self._restart_blink()
                    return
        await super()._on_key(event)
