"""Password hashing (argon2 through pwdlib)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    return PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bool(_hasher().verify(password, password_hash))
    except Exception:  # a malformed stored hash is a failed login, not a crash
        return False


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Verified against when the user does not exist, so both paths cost the same time."""
    return hash_password(secrets.token_hex(8))
