"""Secrets of the catalog: scrypt password hashes and API key secrets (pure functions, no I/O).

API keys are presented as ``kho_<id>_<secret>``. Only the SHA-256 of the whole presented string is
stored (the secret has 256 bits of entropy, so a fast hash is enough); comparisons are constant-time.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

KEY_ID_BYTES = 6
KEY_SECRET_BYTES = 32
_KEY_RE = re.compile(r"^kho_([0-9a-f]{12})_([A-Za-z0-9_-]{20,200})$")

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_SCRYPT_MAXMEM = 256 * 1024 * 1024
_SCRYPT_MAX_N = 2**20


@dataclass(frozen=True)
class NewKeySecret:
    """A freshly generated API key: its id, the plaintext to show once, its hash and display prefix."""

    key_id: str
    plaintext: str
    key_hash: str
    prefix: str


def new_key_secret() -> NewKeySecret:
    """Generate an API key id and secret (``kho_<12 hex>_<43 url-safe chars>``)."""
    key_id = secrets.token_hex(KEY_ID_BYTES)
    plaintext = f"kho_{key_id}_{secrets.token_urlsafe(KEY_SECRET_BYTES)}"
    return NewKeySecret(key_id, plaintext, hash_key(plaintext), f"kho_{key_id}")


def parse_key_id(presented: str) -> str | None:
    """The key id inside a presented key, or ``None`` if it is not shaped like a kho key."""
    match = _KEY_RE.match(presented.strip())
    return match.group(1) if match else None


def hash_key(presented: str) -> str:
    """Hex SHA-256 of a presented key (what the catalog stores)."""
    return hashlib.sha256(presented.strip().encode("utf-8")).hexdigest()


def key_matches(presented: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hmac.compare_digest(hash_key(presented), stored_hash)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = SCRYPT_N) -> str:
    """An scrypt hash ``scrypt$n$r$p$salt$hash`` of ``password`` with a random 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, maxmem=_SCRYPT_MAXMEM, dklen=32
    )
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored scrypt hash (constant-time; False if malformed)."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, expected = base64.b64decode(parts[4]), base64.b64decode(parts[5])
    except ValueError:
        return False
    if not (1 < n <= _SCRYPT_MAX_N and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16):
        return False
    if not salt or not 16 <= len(expected) <= 64 or 128 * n * r * 2 > _SCRYPT_MAXMEM:
        return False
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=len(expected)
    )
    return hmac.compare_digest(digest, expected)


@functools.cache
def dummy_password_hash() -> str:
    """A hash checked when a username is unknown, so that the answer takes as long as for a known one."""
    return hash_password(secrets.token_urlsafe(16))
