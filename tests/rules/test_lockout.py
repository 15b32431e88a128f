"""The failed-login lockout state machine (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cso_tui.services.rules.lockout import LoginState, after_failure, after_success, is_locked

NOW = datetime(2024, 11, 20, 9, 0, tzinfo=UTC)
LOCK = timedelta(minutes=15)


def test_a_fresh_account_is_not_locked() -> None:
    assert not is_locked(LoginState(0, None), NOW)


def test_failures_count_up_until_the_limit_then_lock() -> None:
    state = LoginState(0, None)
    for expected in range(1, 5):
        state = after_failure(state, NOW, 5, LOCK)
        assert state == LoginState(expected, None)
        assert not is_locked(state, NOW)
    state = after_failure(state, NOW, 5, LOCK)
    assert state == LoginState(0, NOW + LOCK)
    assert is_locked(state, NOW)


def test_the_lock_ends_when_its_time_is_up() -> None:
    state = LoginState(0, NOW + LOCK)
    assert is_locked(state, NOW + LOCK - timedelta(microseconds=1))
    assert not is_locked(state, NOW + LOCK)
    assert not is_locked(state, NOW + LOCK + timedelta(days=1))


def test_success_clears_everything() -> None:
    assert after_success() == LoginState(0, None)


def test_a_limit_of_one_locks_at_the_first_failure() -> None:
    assert after_failure(LoginState(0, None), NOW, 1, LOCK) == LoginState(0, NOW + LOCK)


@given(
    st.lists(st.sampled_from(["fail", "ok", "wait"]), max_size=40),
    st.integers(min_value=1, max_value=8),
)
def test_matches_a_simple_model(events: list[str], limit: int) -> None:
    """After `limit` failures in a row (no success between), the account locks for LOCK."""
    state, now = LoginState(0, None), NOW
    streak, locked_until = 0, None
    for event in events:
        if event == "wait":
            now += timedelta(minutes=7)
            continue
        if locked_until is not None and now < locked_until:
            assert is_locked(state, now)
            continue  # the service refuses the attempt without changing the state
        assert not is_locked(state, now)
        if event == "ok":
            state, streak, locked_until = after_success(), 0, None
        else:
            state = after_failure(state, now, limit, LOCK)
            streak, locked_until = streak + 1, None
            if streak >= limit:
                streak, locked_until = 0, now + LOCK
        assert state == LoginState(streak, locked_until)
        assert 0 <= state.failed_logins < limit
