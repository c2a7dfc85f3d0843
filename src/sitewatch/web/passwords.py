"""Password hashing for local accounts: argon2id (argon2-cffi's defaults, RFC 9106 low-memory).

The store only ever sees the encoded hash. A login for an unknown user still spends one
verification, so response time does not tell which user names exist.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from sitewatch.exceptions import SitewatchError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 10
MAX_LENGTH = 1024


class PasswordError(SitewatchError):
    """A password that cannot be used (too short, too long)."""


@cache
def hasher() -> PasswordHasher:
    try:
        from argon2 import PasswordHasher
    except ModuleNotFoundError:
        raise SitewatchError("accounts need argon2-cffi: install sitewatch[web]") from None
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return hasher().hash("sitewatch-dummy-password-for-timing")


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"a password may have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_policy(password)
    return hasher().hash(password)


def verify(encoded: str | None, password: str) -> bool:
    """True when ``password`` matches ``encoded``; a None hash (no such user, SSO-only)
    still costs one verification and is False."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher().verify(encoded or _dummy_hash(), password) and encoded is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    return hasher().check_needs_rehash(encoded)
