"""Failed-login lockout: after N failures in a row the account is locked for a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LoginState:
    failed_logins: int
    locked_until: datetime | None


def is_locked(state: LoginState, now: datetime) -> bool:
    return state.locked_until is not None and state.locked_until > now


def after_failure(
    state: LoginState, now: datetime, max_failures: int, lock_for: timedelta
) -> LoginState:
    failures = state.failed_logins + 1
    if failures >= max_failures:
        return LoginState(failed_logins=0, locked_until=now + lock_for)
    return LoginState(failed_logins=failures, locked_until=None)


def after_success() -> LoginState:
    return LoginState(failed_logins=0, locked_until=None)
