"""Typed errors of the service layer. They cross the wire by ``code`` (see the server)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar


class ServiceError(Exception):
    """Base of every error the service layer raises on purpose."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


class NotFoundError(ServiceError):
    code = "not_found"


class PermissionDeniedError(ServiceError):
    code = "permission_denied"


class ValidationError(ServiceError):
    """Bad input; ``field`` names the field to fix."""

    code = "validation"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "field": self.field}


class ConflictError(ServiceError):
    """A stale write (the record changed since it was read) or a reused idempotency key."""

    code = "conflict"


class DuplicateConsumerError(ServiceError):
    """A new consumer's phone, email or name and address match existing consumers: shown
    first, created only when the caller confirms (``allow_duplicates``)."""

    code = "duplicate_consumer"

    def __init__(self, message: str, matches: list[dict[str, str]]) -> None:
        super().__init__(message)
        #: each: account_no, name, service_address, matched ("phone", "email", "name and address")
        self.matches = matches

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "matches": self.matches}


class AuthenticationError(ServiceError):
    """Wrong user name or password."""

    code = "authentication"


class AccountLockedError(AuthenticationError):
    code = "account_locked"

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "until": self.until.isoformat()}


class SessionExpiredError(ServiceError):
    """The session ended (logout, timeout, disabled user): log in again."""

    code = "session_expired"


class UnavailableError(ServiceError):
    """The database or server cannot be reached; nothing was changed."""

    code = "unavailable"


ERRORS_BY_CODE: dict[str, type[ServiceError]] = {
    cls.code: cls
    for cls in (
        ServiceError,
        NotFoundError,
        PermissionDeniedError,
        ValidationError,
        ConflictError,
        DuplicateConsumerError,
        AuthenticationError,
        AccountLockedError,
        SessionExpiredError,
        UnavailableError,
    )
}
