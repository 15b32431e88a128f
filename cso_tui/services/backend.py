"""The Backend protocol: the one contract the UI speaks (LocalBackend, RemoteBackend).

Every call but :meth:`Backend.info` and :meth:`Backend.login` takes the session token
returned by ``login``; the backend checks it and the caller's role on every call.
Mutating calls take an ``idempotency_key``: the same key and body give one effect and
the first answer; the same key with another body raises :class:`ConflictError`.
Errors are the typed ones in :mod:`cso_tui.services.errors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from cso_tui.services.schemas import (
        BackendInfo,
        ConsumerSummary,
        ConsumerUpdate,
        NoteOut,
        SearchPage,
        SessionInfo,
        SessionsEnded,
        UserOut,
    )


@runtime_checkable
class Backend(Protocol):
    def info(self) -> BackendInfo:
        """Version, database kind and, on a demo database only, the demo user names."""
        ...

    def login(self, username: str, password: str, client: str | None = None) -> SessionInfo:
        """Check the password; return a session.

        Raises AuthenticationError (wrong name or password) or AccountLockedError
        (too many failures: locked for a while). Every attempt is audited.
        """
        ...

    def logout(self, token: str) -> None:
        """End the session at once. Ending an ended session is not an error."""
        ...

    def search_consumers(
        self, token: str, term: str, cursor: str | None = None, limit: int | None = None
    ) -> SearchPage:
        """Detect what ``term`` is (account, meter, device, phone, email, name/address) and
        return one page of matches, best first; pass ``next_cursor`` back for the next page.
        Writes a Used_Consumer_Search usage event.
        """
        ...

    def get_consumer(self, token: str, account_no: str) -> ConsumerSummary:
        """The consumer's basic details. Raises NotFoundError. Writes Viewed_Consumer_Details."""
        ...

    def update_consumer(
        self,
        token: str,
        account_no: str,
        changes: ConsumerUpdate,
        expected_version: int,
        idempotency_key: str,
    ) -> ConsumerSummary:
        """Apply ``changes`` if the record is still at ``expected_version``.

        Raises ValidationError (naming the field), ConflictError (stale version),
        NotFoundError, PermissionDeniedError. Audited with before and after.
        """
        ...

    def add_note(self, token: str, account_no: str, body: str, idempotency_key: str) -> NoteOut:
        """Add a note to the consumer's account, authored by the caller."""
        ...

    def list_notes(self, token: str, account_no: str, limit: int = 20) -> list[NoteOut]:
        """The consumer's notes, newest first."""
        ...

    def record_usage(self, token: str, event: str, properties: dict[str, Any]) -> None:
        """Record a behaviour-tracking event the UI observed (e.g. Viewed_Landing_Page)."""
        ...

    def create_user(
        self,
        token: str,
        username: str,
        full_name: str,
        role: str,
        password: str,
        idempotency_key: str,
    ) -> UserOut:
        """Create a staff user (admins only)."""
        ...

    def list_users(self, token: str) -> list[UserOut]:
        """Every staff user, by user name, with open session counts (admins only)."""
        ...

    def set_user_active(
        self, token: str, username: str, active: bool, idempotency_key: str
    ) -> UserOut:
        """Enable or disable a staff user (admins only; not oneself).

        Disabling ends the user's sessions at once: their next call gets SessionExpiredError.
        """
        ...

    def end_sessions(self, token: str, username: str, idempotency_key: str) -> SessionsEnded:
        """End every open session of ``username`` at once (admins only), e.g. a lost laptop.

        The user may log in again; their terminals are asked to. Ending one's own sessions
        ends the caller's session too.
        """
        ...

    def close(self) -> None:
        """Release connections."""
        ...
