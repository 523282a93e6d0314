"""Who is asking and what they may do: API keys (Bearer), roles, scopes. Shared by the API and pages.

* API clients send ``Authorization: Bearer kho_<id>_<secret>``. A key in the URL (``?key=``,
  ``?api_key=``, ``?token=`` …) is refused with 400 even when a header is present too: URLs end up
  in logs and browser histories. Keys are stored hashed and compared in constant time by the
  catalog (:meth:`repository.catalog.Catalog.authenticate_key`); they are never logged.
* A :class:`Principal` is a key or a signed-in user (the pages build one with
  :meth:`Principal.from_user`). Its role decides which *actions* it may perform
  (:data:`PERMISSIONS`); its scopes limit which documents it sees (:class:`ScopePolicy`).
* Failures raise :class:`AuthenticationError` (401) or :class:`PermissionDeniedError` (403).
"""

from __future__ import annotations

import getpass
import os
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from kho.errors import AuthenticationError, PermissionDeniedError, UsageError
from repository.catalog import ApiKey, Catalog, Scopes, User
from repository.catalog_keys import hash_key, parse_key_id
from search.normalize import key as fold_key
from search.places import PlaceTable, locality_keys, query_keys

Action = Literal[
    "citizen_documents", "document_read", "search", "batch_create", "batch_read", "audit_read"
]

# Role -> actions. Portals look citizens up and fetch their documents; officials also search;
# archivists ingest, search and check documents but do not look citizens up; admins do everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "portal": frozenset({"citizen_documents", "document_read"}),
    "official": frozenset({"citizen_documents", "document_read", "search"}),
    "archivist": frozenset({"document_read", "search", "batch_create", "batch_read"}),
    "admin": frozenset(
        {"citizen_documents", "document_read", "search", "batch_create", "batch_read", "audit_read"}
    ),
}

# Query parameters that look like credentials: refused outright.
URL_CREDENTIAL_PARAMETERS = frozenset(
    {"key", "api_key", "apikey", "api-key", "token", "access_token", "auth", "authorization", "bearer"}
)


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: an API key, a signed-in user, or the operator at the command line."""

    kind: Literal["key", "user", "cli"]
    id: str
    name: str
    role: str
    scopes: Scopes = field(default_factory=Scopes)

    @classmethod
    def from_key(cls, key: ApiKey) -> Principal:
        """The principal of an API key (actor ``key:<id>`` in the audit trail)."""
        return cls("key", key.id, key.name, key.role, key.scopes)

    @classmethod
    def from_user(cls, user: User) -> Principal:
        """The principal of a web user (unscoped; actor = username)."""
        return cls("user", user.username, user.display_name or user.username, user.role)

    @classmethod
    def operator(cls) -> Principal:
        """Whoever runs ``kho`` on the server (admin rights; actor ``cli:<system user>``)."""
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no user name for this uid (e.g. a bare container)
            name = f"uid{os.getuid()}"
        return cls("cli", name, name, "admin")

    @property
    def actor(self) -> str:
        """How the audit trail names this caller."""
        return f"{self.kind}:{self.id}" if self.kind in ("key", "cli") else self.id

    def can(self, action: Action) -> bool:
        """Whether the role allows ``action``."""
        return action in PERMISSIONS.get(self.role, frozenset())


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


def key_id_of(authorization: str | None) -> str | None:
    """The key id inside a Bearer header without checking it (for rate-limit buckets), or ``None``."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    return parse_key_id(token) if scheme.lower() == "bearer" else None


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


def require(principal: Principal, action: Action) -> None:
    """:class:`PermissionDeniedError` (403) unless the principal's role allows ``action``."""
    if not principal.can(action):
        raise PermissionDeniedError(
            f"the role '{principal.role}' may not do this ({action.replace('_', ' ')})",
            subject=principal.actor,
        )


@dataclass(frozen=True)
class ScopedFilters:
    """Filters to send to the index so that results stay inside a principal's scopes."""

    document_type: str | None
    locality: str | None


class ScopePolicy:
    """Scope checks with the index's own matching: folded type names, related place keys."""

    def __init__(self, places: PlaceTable):
        """Use ``places`` (``search.places.load_places()``) to relate old and new localities."""
        self._places = places

    def allows(self, scopes: Scopes, document_type: str | None, locality: str | None) -> bool:
        """Whether a document of this type from this locality is inside ``scopes``."""
        if scopes.document_types:
            wanted = {fold_key(t) for t in scopes.document_types}
            if not document_type or fold_key(document_type) not in wanted:
                return False
        if scopes.localities:
            have = set(locality_keys(locality, self._places))
            if not any(set(query_keys(loc)) <= have for loc in scopes.localities):
                return False
        return True

    def check(self, principal: Principal, document_type: str | None, locality: str | None, subject: str) -> None:
        """:class:`PermissionDeniedError` (403) if the document is outside the principal's scopes."""
        if not self.allows(principal.scopes, document_type, locality):
            raise PermissionDeniedError("this document is outside the scope of your key", subject=subject)

    def check_type_filter(self, principal: Principal, document_type: str | None) -> None:
        """403 when a requested document type is outside the key's document-type scope."""
        types = principal.scopes.document_types
        if document_type and types and fold_key(document_type) not in {fold_key(t) for t in types}:
            raise PermissionDeniedError(
                "your key is limited to other document types", subject="document_type"
            )

    def search_filters(
        self, principal: Principal, document_type: str | None, locality: str | None
    ) -> ScopedFilters:
        """Filters that keep a search inside the scopes, or 403/400 when that cannot be expressed.

        A requested type must be one of the scoped types (403 otherwise); with no type asked and
        one scoped type, that type is used; with several, the caller must choose one (400).
        Localities: with one scoped locality it is added to the requested one (the index requires
        every place of a locality filter); with several, the requested locality must lie inside
        one of them.
        """
        scopes = principal.scopes
        self.check_type_filter(principal, document_type)
        if not document_type and scopes.document_types:
            if len(scopes.document_types) > 1:
                raise UsageError(
                    "your key is limited to several document types; choose one with document_type",
                    subject="document_type",
                )
            document_type = next(iter(scopes.document_types))
        if scopes.localities:
            locality = self._scoped_locality(scopes, locality)
        return ScopedFilters(document_type, locality)

    def _scoped_locality(self, scopes: Scopes, locality: str | None) -> str:
        if len(scopes.localities) == 1:
            only = next(iter(scopes.localities))
            return f"{locality}, {only}" if locality and locality.strip() else only
        if locality and locality.strip():
            asked = set(query_keys(locality))
            if any(set(query_keys(loc)) <= asked for loc in scopes.localities):
                return locality
            raise PermissionDeniedError("your key is limited to other localities", subject="locality")
        raise UsageError(
            "your key is limited to several localities; choose one with locality", subject="locality"
        )


_SCOPE_KINDS = {"type": "type", "document_type": "type", "locality": "locality"}


def parse_scopes(specs: tuple[str, ...] | list[str]) -> Scopes:
    """Scopes from ``type=NAME`` / ``locality=NAME`` options (``:`` works too); 400/exit 2 otherwise."""
    types: list[str] = []
    localities: list[str] = []
    for spec in specs:
        sep = min((i for i in (spec.find("="), spec.find(":")) if i > 0), default=-1)
        kind = _SCOPE_KINDS.get(spec[:sep].strip().lower()) if sep > 0 else None
        value = unicodedata.normalize("NFC", spec[sep + 1:]).strip() if sep > 0 else ""
        if kind is None or not value:
            raise UsageError("a scope is type=NAME or locality=NAME", subject=spec or "--scope")
        (types if kind == "type" else localities).append(value)
    return Scopes.of(types, localities)
