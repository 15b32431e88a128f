"""An Input whose editing keys keep their place among typed characters.

Textual's Input inserts printable characters in its own key handler, but its editing keys
(backspace, arrows, home, ctrl+u...) are bindings that run only after the key has bubbled
up to the app, while the characters typed after them are already being inserted. Keys that
arrive together (a fast typist, a paste-like burst over SSH) then apply out of order:
"ctrl+u" then "Doe" ended as an empty field (Textual issue #6605, open). This Input runs
its own bindings inline, in arrival order; keys it does not bind still bubble as before.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


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
