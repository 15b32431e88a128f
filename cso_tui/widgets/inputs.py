"""An Input whose editing keys keep their place among typed characters.

Textual's Input inserts printable characters in its own key handler, but its editing keys
(backspace, arrows, home, ctrl+u...) are bindings that run only after the key has bubbled
up to the app, while the characters typed after them are already being inserted. Keys that
arrive together (a fast typist, a paste-like burst over SSH) then apply out of order:
"ctrl+u" then "Doe" ended as an empty field (Textual issue #6605, open). This Input runs
its own bindings inline, in arrival order; keys it does not bind still bubble as before.

Tab is the same story across fields: the keys typed after it were already on their way to
this field when the app moved the focus ("callcenter", tab, "demo" filled the user name
with "callcenterdemo"). Here tab and shift+tab move the focus at once, and keys that reach
this field after the focus has left it go back to the app, which delivers them (bindings
included) to the widget that has it now.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        focused = screen.focused
        if focused is not self and focused is not None and screen is self.app.screen:
            # typed after a key that already moved the focus on: hand it back to the app,
            # which delivers it (bindings included) to the widget that has the focus now
            event.prevent_default()
            event.stop()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("tab", "shift+tab") and screen is self.app.screen:
            event.prevent_default()
            event.stop()
            if event.key == "tab":
                screen.focus_next()
            else:
                screen.focus_previous()
            return
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                # priority bindings ran at the app before the key got here
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.prevent_default()
                    event.stop()
                    self._restart_blink()
                    return
        await super()._on_key(event)
