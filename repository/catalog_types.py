"""The values the :class:`repository.catalog.Catalog` returns and accepts: frozen dataclasses.

Nothing here touches a database; callers (ingest, web, CLI) import these names to code against the
catalog without seeing SQLAlchemy. Every timestamp is timezone-aware UTC.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kho.errors import UsageError

USER_ROLES: tuple[str, ...] = ("official", "archivist", "admin")
KEY_ROLES: tuple[str, ...] = ("portal", "official", "archivist", "admin")
BATCH_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")
ITEM_STATUSES: tuple[str, ...] = ("queued", "processing", "stored", "indexed", "failed", "quarantined")
ITEM_DONE_STATUSES: tuple[str, ...] = ("stored", "indexed")
REVIEW_STATUSES: tuple[str, ...] = ("open", "accepted", "corrected")
REVIEW_OUTCOMES: tuple[str, ...] = ("accepted", "corrected")
ACTOR_KINDS: tuple[str, ...] = ("key", "user", "cli")


def bounded(value: str | None, limit: int, what: str) -> str | None:
    """``value`` NFC-normalised and trimmed (``None`` if blank); :class:`UsageError` if over ``limit``.

    The message names only ``what``, never the value (it may be a citizen ID).
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value).strip()
    if len(text) > limit:
        raise UsageError(f"too long: at most {limit} characters", subject=what)
    return text or None


@dataclass(frozen=True)
class Scopes:
    """What an API key may see: document types and localities. An empty set means "all"."""

    document_types: frozenset[str] = frozenset()
    localities: frozenset[str] = frozenset()

    @classmethod
    def of(cls, document_types: Iterable[str] = (), localities: Iterable[str] = ()) -> Scopes:
        """Scopes from any iterables of codes (blank entries dropped)."""
        return cls(
            frozenset(t.strip() for t in document_types if t.strip()),
            frozenset(loc.strip() for loc in localities if loc.strip()),
        )

    @property
    def unrestricted(self) -> bool:
        """Whether the key may see every document type in every locality."""
        return not self.document_types and not self.localities

    def allows(self, document_type: str | None, locality: str | None) -> bool:
        """Whether a document of this type from this locality is inside the scopes."""
        if self.document_types and document_type not in self.document_types:
            return False
        return not (self.localities and locality not in self.localities)

    def to_json(self) -> dict[str, list[str]]:
        """A JSON-ready form with sorted lists (stable in storage and API answers)."""
        return {"document_types": sorted(self.document_types), "localities": sorted(self.localities)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Scopes:
        """The inverse of :meth:`to_json`; missing keys mean "all"."""
        data = data or {}
        return cls.of(data.get("document_types") or (), data.get("localities") or ())


@dataclass(frozen=True)
class SignInSession:
    """A server-side sign-in session (the token itself is only in the cookie, never stored)."""

    username: str
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None

    def active_at(self, now: datetime) -> bool:
        """Whether the session still lets its user in at ``now``."""
        return self.ended_at is None and now < self.expires_at


@dataclass(frozen=True)
class User:
    """A person who signs in to the web pages (never carries the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class ApiKey:
    """An API key as stored; the secret itself is shown once by ``create_api_key`` and never kept."""

    id: str
    name: str
    role: str
    scopes: Scopes
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        """Whether the key has not been revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class Batch:
    """One ingest run over a set of sources, resumable by name."""

    id: int
    name: str
    status: str
    sources: tuple[str, ...]
    options: dict[str, Any]
    counts: dict[str, int]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class NewBatchItem:
    """An item to plan in a batch: its key (relative path or document group) and source checksums."""

    key: str
    source_sha256s: tuple[str, ...] = ()
    pages: int | None = None


@dataclass(frozen=True)
class BatchItem:
    """One item of a batch and how far it got."""

    batch_id: int
    key: str
    status: str
    reason: str | None
    record_id: str | None
    source_sha256s: tuple[str, ...]
    pages: int | None
    confidence: float | None
    warnings: tuple[str, ...]
    fields: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class BatchProgress:
    """Counts per item status, pages done and throughput of one batch."""

    batch_id: int
    status: str
    total: int
    counts: dict[str, int]
    pages_done: int
    started_at: datetime | None
    finished_at: datetime | None
    elapsed_seconds: float
    pages_per_minute: float

    @property
    def done(self) -> int:
        """Items that reached a final state (stored, indexed, failed or quarantined)."""
        return sum(n for s, n in self.counts.items() if s not in ("queued", "processing"))


@dataclass(frozen=True)
class ReviewTask:
    """A record that a person must check (low confidence, missing fields, ...)."""

    id: int
    record_id: str
    reasons: tuple[str, ...]
    status: str
    created_at: datetime
    resolved_by: str | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class AuditEvent:
    """Who read or changed what, when, from where and why. ``citizen_id`` is personal data."""

    id: int
    at: datetime
    actor: str
    actor_kind: str
    action: str
    citizen_id: str | None
    record_id: str | None
    purpose: str
    client_address: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FixityRunSummary:
    """What a fixity check (``kho verify``) found, as handed to the catalog."""

    started_at: datetime
    finished_at: datetime
    records_checked: int
    objects_checked: int
    problems: int
    ok: bool
    report: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FixityRun:
    """A stored fixity run."""

    id: int
    started_at: datetime
    finished_at: datetime
    records_checked: int
    objects_checked: int
    problems: int
    ok: bool
    report: dict[str, Any]
