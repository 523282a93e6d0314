"""HTTP authentication of API clients: Bearer keys, the key cache, credentials refused in URLs.

* API clients send ``Authorization: Bearer kho_<id>_<secret>``. A key in the URL (``?key=``,
  ``?api_key=``, ``?token=`` …) is refused with 400 even when a header is present too: URLs end up
  in logs and browser histories. Keys are stored hashed and compared in constant time by the
  catalog; they are never logged.
* Who may do what (roles, scopes, purpose, audit) is the access layer's (:mod:`access`); this
  module only turns a request's header into an :class:`access.principals.Principal`.
* Failures raise :class:`AuthenticationError` (401).
"""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping

from access.principals import Principal
from kho.errors import AuthenticationError, UsageError
from repository.catalog import ApiKey, Catalog
from repository.catalog_keys import hash_key

# Query parameters that look like credentials: refused outright.
URL_CREDENTIAL_PARAMETERS = frozenset(
    {"key", "api_key", "apikey", "api-key", "token", "access_token", "auth", "authorization", "bearer"}
)


def reject_credentials_in_url(parameters: Mapping[str, str] | object) -> None:
    """:class:`UsageError` (400) if any query parameter name looks like a credential."""
    names = parameters.keys() if isinstance(parameters, Mapping) else ()
    found = sorted(n for n in names if n.lower() in URL_CREDENTIAL_PARAMETERS)
    if found:
        raise UsageError(
            "API keys are never accepted in URLs; send the header 'Authorization: Bearer <key>' "
            "and revoke a key that was put in a URL",
            subject=f"query parameter {found[0]}",
        )


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; :class:`AuthenticationError` otherwise."""
    if not authorization or not authorization.strip():
        raise AuthenticationError(
            "an API key is required; send 'Authorization: Bearer <key>'", subject="Authorization"
        )
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("use the Bearer scheme: 'Authorization: Bearer <key>'", subject="Authorization")
    return token.strip()


class KeyUseRecorder:
    """Records a key's last use in the catalog at most once per ``interval`` seconds per process."""

    def __init__(self, interval: float = 60.0):
        """Throttle writes to one per key per ``interval`` seconds."""
        self._interval = interval
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def due(self, key_id: str) -> bool:
        """Whether the key's use should be written now (and note that it is being written)."""
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key_id)
            if last is not None and now - last < self._interval:
                return False
            self._last[key_id] = now
            return True


class KeyCache:
    """Keys recently found valid, for ``ttl`` seconds, so a busy portal does not cost a catalog read
    per request. Entries are keyed by the SHA-256 of the presented key (the key itself is not kept);
    a revocation takes effect everywhere within ``ttl`` seconds.
    """

    def __init__(self, ttl: float = 2.0, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        """Remember up to ``max_entries`` valid keys for ``ttl`` seconds (0 disables the cache)."""
        self._clock = clock
        self._ttl = ttl
        self._max = max_entries
        self._entries: dict[str, tuple[float, ApiKey]] = {}
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> ApiKey | None:
        """The cached key of this hash if still fresh."""
        with self._lock:
            found = self._entries.get(token_hash)
        if found is None or found[0] <= self._clock():
            return None
        return found[1]

    def put(self, token_hash: str, key: ApiKey) -> None:
        """Remember a key just authenticated by the catalog."""
        if self._ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[token_hash] = (self._clock() + self._ttl, key)


def authenticate_bearer(
    catalog: Catalog,
    authorization: str | None,
    recorder: KeyUseRecorder | None = None,
    cache: KeyCache | None = None,
) -> Principal:
    """The principal of a Bearer key; :class:`AuthenticationError` if missing, malformed, unknown or revoked."""
    token = bearer_token(authorization)
    token_hash = hash_key(token)
    key = cache.get(token_hash) if cache is not None else None
    if key is None:
        key = catalog.authenticate_key(token)
        if key is not None and cache is not None:
            cache.put(token_hash, key)
    if key is None:
        raise AuthenticationError(
            "the API key is unknown or revoked; ask an administrator for a valid key", subject="Authorization"
        )
    if recorder is not None and recorder.due(key.id):
        catalog.touch_api_key(key.id)
    return Principal.from_key(key)


def decode_header_text(raw: str | None) -> str | None:
    """A text header as the sender meant it: HTTP headers are Latin-1 on the wire, so a Vietnamese
    value may come as raw UTF-8 bytes or percent-encoded UTF-8 (``X%C3%A1c%20minh``); both are
    decoded where they are valid. ``None`` stays ``None``."""
    if raw is None:
        return None
    text = raw.strip()
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("latin-1").decode("utf-8")
    if "%" in text:
        with contextlib.suppress(UnicodeDecodeError):
            text = urllib.parse.unquote(text, errors="strict")
    return text
