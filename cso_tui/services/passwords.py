"""Password hashing (argon2 through pwdlib)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    # OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~35 ms a check here, where
    # pwdlib's default (64 MiB, 3, 4) took ~160 ms and 0.5 s under load, so 200 terminals
    # logging in at a shift's start held a 2-core server for 25 s. Hashes made with other
    # parameters still verify (each hash names its own).
    return PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))


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
