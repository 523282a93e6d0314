"""The SQL catalog of operational state: the :class:`Catalog` facade.

The object store is the system of record for documents; the catalog holds what operating kho needs:
accounts and API keys, ingest batches and items, review tasks, the audit trail and fixity runs.
SQLite (embedded default) and PostgreSQL (production) through SQLAlchemy 2.0; the schema is
migrated to head by :meth:`Catalog.open`. Every method runs in its own short transaction (one
session per call, pooled connections), so one ``Catalog`` may be shared by threads. Methods return
the frozen dataclasses of :mod:`repository.catalog_types`, never ORM objects.
See ``docs/catalog.md``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from kho.errors import ConflictError, UsageError
from repository import catalog_accounts as accounts
from repository import catalog_batches as batches
from repository import catalog_oversight as oversight
from repository import catalog_sessions as sign_ins
from repository.catalog_engine import (
    create_catalog_engine,
    migrate_to_head,
    safe_url,
    translated_errors,
    writer,
)
from repository.catalog_keys import (
    dummy_password_hash,
    hash_key,
    hash_password,
    key_matches,
    new_key_secret,
    parse_key_id,
    verify_password,
)
from repository.catalog_reuse import ReuseCatalog
from repository.catalog_types import (
    KEY_ROLES,
    USER_ROLES,
    ApiKey,
    AuditEvent,
    Batch,
    BatchItem,
    BatchProgress,
    FixityRun,
    FixityRunSummary,
    NewBatchItem,
    ReviewTask,
    Scopes,
    SignInSession,
    User,
)

P = ParamSpec("P")
T = TypeVar("T")

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Batch",
    "BatchItem",
    "BatchProgress",
    "Catalog",
    "FixityRun",
    "FixityRunSummary",
    "NewBatchItem",
    "ReviewTask",
    "Scopes",
    "SignInSession",
    "User",
]


class Catalog:
    """Operational state in SQL. Open with :meth:`open`; share between threads; :meth:`close` at exit."""

    def __init__(self, engine: Engine, url: str):
        """Wrap an engine whose schema is already at head (use :meth:`open`)."""
        self._engine = engine
        self._url = url
        self._reads = sessionmaker(bind=engine, expire_on_commit=False)
        self._write_engine = writer(engine)
        self._writes = sessionmaker(bind=self._write_engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Catalog:
        """Connect to ``url`` (``sqlite:///PATH`` or ``postgresql+psycopg://...``) and migrate to head.

        Raises :class:`ServiceUnavailableError` naming the URL (password masked) when unreachable.
        """
        engine = create_catalog_engine(url)
        try:
            with translated_errors(url):
                migrate_to_head(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, url)

    @property
    def url(self) -> str:
        """The database URL with the password masked."""
        return safe_url(self._url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    @property
    def reuse(self) -> ReuseCatalog:
        """Signing keys, certified copies and reuse events (:mod:`repository.catalog_reuse`)."""
        return ReuseCatalog(self._read, self._write)

    def close(self) -> None:
        """Close pooled connections (the catalog may not be used afterwards)."""
        self._engine.dispose()

    def __enter__(self) -> Catalog:
        """Use as ``with Catalog.open(url) as catalog:``; closed on exit."""
        return self

    def __exit__(self, *_exc: object) -> None:
        """Close the catalog."""
        self.close()

    def ping(self) -> None:
        """Check that the database answers; :class:`ServiceUnavailableError` if not."""
        with translated_errors(self._url), self._engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def _read(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with translated_errors(self._url), self._reads() as session, session.begin():
            return fn(session, *args, **kwargs)

    def _write(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        with translated_errors(self._url), self._writes() as session, session.begin():
            return fn(session, *args, **kwargs)

    # Users -------------------------------------------------------------------------------------

    def create_user(self, username: str, password: str, role: str, display_name: str = "") -> User:
        """Add an active user; :class:`ConflictError` if the username exists, :class:`UsageError` if
        the name, role or password (at least 8 characters) is unfit."""
        name = accounts.normalize_username(username)
        accounts.check_role(role, USER_ROLES, "user")
        password_hash = hash_password(_check_password(password, name))
        return self._write(accounts.insert_user, name, password_hash, role, display_name)

    def authenticate_user(self, username: str, password: str) -> User | None:
        """The user if the password matches and the user is active, else ``None`` (same time either way)."""
        try:
            name = accounts.normalize_username(username)
        except UsageError:
            verify_password(password, dummy_password_hash())
            return None
        found = self._read(_password_and_user, name)
        if found is None:
            verify_password(password, dummy_password_hash())
            return None
        stored_hash, user = found
        return user if verify_password(password, stored_hash) and user.active else None

    def get_user(self, username: str) -> User | None:
        """The user called ``username``, or ``None``."""
        return self._read(accounts.get_user, username.strip())

    def list_users(self) -> list[User]:
        """Every user, by username."""
        return self._read(accounts.list_users)

    def disable_user(self, username: str) -> User:
        """Stop a user from signing in; :class:`NotFoundError` if unknown."""
        return self._write(accounts.set_user_active, username.strip(), False)

    def enable_user(self, username: str) -> User:
        """Let a disabled user sign in again; :class:`NotFoundError` if unknown."""
        return self._write(accounts.set_user_active, username.strip(), True)

    def set_user_password(self, username: str, password: str) -> User:
        """Replace a user's password; :class:`NotFoundError` if unknown."""
        name = username.strip()
        return self._write(accounts.set_user_password, name, hash_password(_check_password(password, name)))

    # Sign-in sessions -------------------------------------------------------------------------

    def start_session(self, username: str, lifetime: timedelta) -> tuple[SignInSession, str]:
        """Record a sign-in session of ``lifetime``; returns it and its token (for the cookie only)."""
        token = secrets.token_urlsafe(32)
        expires_at = datetime.now(UTC) + lifetime
        started = self._write(sign_ins.insert_session, hash_key(token), username.strip(), expires_at)
        return started, token

    def get_session(self, token: str) -> SignInSession | None:
        """The session of a cookie's token (ended and expired ones included), or ``None``."""
        return self._read(sign_ins.get_session, hash_key(token)) if token else None

    def end_session(self, token: str) -> None:
        """End the session of this token (sign-out; idempotent)."""
        if token:
            self._write(sign_ins.end_session, hash_key(token))

    def end_user_sessions(self, username: str) -> int:
        """End every open session of ``username`` (on every node at their next request); how many."""
        return self._write(sign_ins.end_user_sessions, username.strip())

    # API keys ----------------------------------------------------------------------------------

    def create_api_key(self, name: str, role: str, scopes: Scopes | None = None) -> tuple[ApiKey, str]:
        """Create a key; returns it and its plaintext ``kho_<id>_<secret>`` (shown once, never stored)."""
        accounts.check_role(role, KEY_ROLES, "API key")
        if not name.strip():
            raise UsageError("an API key needs a name (who or what uses it)", subject="name")
        secret = new_key_secret()
        key = self._write(accounts.insert_api_key, secret, name, role, scopes or Scopes())
        return key, secret.plaintext

    def authenticate_key(self, presented: str) -> ApiKey | None:
        """The active key matching the presented ``kho_<id>_<secret>``, else ``None`` (constant-time)."""
        key_id = parse_key_id(presented)
        found = self._read(_key_hash_and_key, key_id) if key_id else None
        if found is None:
            key_matches(presented, "0" * 64)
            return None
        stored_hash, key = found
        return key if key_matches(presented, stored_hash) and key.active else None

    def list_api_keys(self) -> list[ApiKey]:
        """Every key, newest first, revoked ones included."""
        return self._read(accounts.list_api_keys)

    def revoke_api_key(self, key_id: str) -> ApiKey:
        """Revoke a key at once (idempotent); :class:`NotFoundError` if unknown."""
        return self._write(accounts.revoke_api_key, key_id)

    def touch_api_key(self, key_id: str) -> None:
        """Record the key's last use (written at most once a minute per key)."""
        if self._read(accounts.key_needs_touch, key_id):  # a read first: no write lock per request
            self._write(accounts.touch_api_key, key_id)

    # Batches -----------------------------------------------------------------------------------

    def create_batch(self, name: str, sources: Iterable[str], options: Mapping[str, Any] | None = None) -> Batch:
        """Add a queued batch; :class:`ConflictError` if the name exists (find and resume it instead)."""
        return self._write(batches.insert_batch, name, sources, options or {})

    def get_batch(self, batch_id: int) -> Batch:
        """One batch; :class:`NotFoundError` if unknown."""
        return self._read(lambda s: batches.to_batch(batches.batch_row(s, batch_id)))

    def find_batch_by_name(self, name: str) -> Batch | None:
        """The batch called ``name``, or ``None``."""
        return self._read(batches.find_batch_by_name, name)

    def list_batches(self, limit: int = 100, offset: int = 0) -> list[Batch]:
        """Batches, newest first."""
        return self._read(batches.list_batches, limit, offset)

    def set_batch_status(self, batch_id: int, status: str, *, counts: Mapping[str, int] | None = None) -> Batch:
        """Move a batch to queued/running/done/failed (stamping start and end); optionally set counts."""
        return self._write(batches.set_batch_status, batch_id, status, counts)

    def upsert_batch_items(self, batch_id: int, items: Sequence[NewBatchItem]) -> list[BatchItem]:
        """Plan items, idempotent by key; known items keep their state unless their sources changed."""
        return self._write(batches.upsert_items, batch_id, items)

    def update_batch_item(
        self,
        batch_id: int,
        key: str,
        *,
        status: str,
        record_id: str | None = None,
        reason: str | None = None,
        pages: int | None = None,
        confidence: float | None = None,
        warnings: Sequence[str] | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> BatchItem:
        """Set an item's status and reason (replaced, ``None`` clears it); other ``None`` values keep
        what is stored. :class:`NotFoundError` if the item is unknown."""
        changes = {
            "record_id": record_id,
            "reason": reason,
            "pages": pages,
            "confidence": confidence,
            "warnings": warnings,
            "fields": fields,
        }
        return self._write(batches.update_item, batch_id, key, status, changes)

    def list_batch_items(
        self, batch_id: int, status: str | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[BatchItem]:
        """Items of a batch in planning order, optionally only those of one status."""
        return self._read(batches.list_items, batch_id, status, limit, offset)

    def batch_progress(self, batch_id: int) -> BatchProgress:
        """Counts per status, pages done, start time and pages per minute of a batch."""
        return self._read(batches.progress, batch_id)

    def count_items_by_status(self, batch_id: int | None = None) -> dict[str, int]:
        """Items per status over all batches (or one), every status present."""
        return self._read(batches.count_items_by_status, batch_id)

    def quarantine_count(self) -> int:
        """How many items are quarantined, over all batches."""
        return self.count_items_by_status()["quarantined"]

    # Review ------------------------------------------------------------------------------------

    def open_review_task(self, record_id: str, reasons: Iterable[str]) -> ReviewTask:
        """Open a review task for a record, or add the reasons to its open task (idempotent)."""
        reasons = list(reasons)
        try:
            return self._write(oversight.open_task, record_id, reasons)
        except ConflictError:  # another writer opened it at the same moment: merge into theirs
            return self._write(oversight.open_task, record_id, reasons)

    def list_review_tasks(self, status: str | None = "open", limit: int = 50, offset: int = 0) -> list[ReviewTask]:
        """Review tasks of a status (``None``: all), oldest first."""
        return self._read(oversight.list_tasks, status, limit, offset)

    def get_review_task(self, task_id: int) -> ReviewTask:
        """One review task; :class:`NotFoundError` if unknown."""
        return self._read(oversight.get_task, task_id)

    def resolve_review_task(self, task_id: int, *, actor: str, outcome: str) -> ReviewTask:
        """Close an open task as ``accepted`` or ``corrected``; :class:`ConflictError` if already closed."""
        return self._write(oversight.resolve_task, task_id, actor, outcome)

    def review_backlog(self) -> int:
        """How many review tasks are open."""
        return self._read(oversight.backlog)

    # Audit -------------------------------------------------------------------------------------

    def record_audit_event(
        self,
        *,
        actor: str,
        actor_kind: str,
        action: str,
        citizen_id: str | None = None,
        record_id: str | None = None,
        purpose: str = "",
        client_address: str = "",
        details: Mapping[str, Any] | None = None,
        at: datetime | None = None,
    ) -> AuditEvent:
        """Append an audit event (``actor_kind`` is ``key``, ``user`` or ``cli``; ``at`` defaults to now, UTC)."""
        values = {
            "actor": actor,
            "actor_kind": actor_kind,
            "action": action,
            "citizen_id": citizen_id,
            "record_id": record_id,
            "purpose": purpose,
            "client_address": client_address,
            "details": details,
            "at": at,
        }
        with translated_errors(self._url), self._write_engine.begin() as conn:
            return oversight.insert_event(conn, values)

    def query_audit(
        self,
        citizen_id: str | None = None,
        since: datetime | None = None,
        actor: str | None = None,
        record_id: str | None = None,
        *,
        until: datetime | None = None,
        action: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[AuditEvent]:
        """Audit events matching every given filter (``since`` inclusive, ``until`` not), newest first."""
        query = oversight.AuditQuery(citizen_id, since, until, actor, record_id, action, limit, offset)
        return self._read(oversight.query_events, query)

    # Fixity ------------------------------------------------------------------------------------

    def record_fixity_run(self, report: FixityRunSummary) -> FixityRun:
        """Store the summary of a fixity run."""
        return self._write(oversight.insert_fixity_run, report)

    def last_fixity_run(self) -> FixityRun | None:
        """The most recently started fixity run, or ``None``."""
        return self._read(oversight.last_fixity_run)


def _check_password(password: str, subject: str) -> str:
    if len(password) < 8:
        raise UsageError("a password must have at least 8 characters", subject=subject)
    return password


def _password_and_user(session: Session, username: str) -> tuple[str, User] | None:
    row = accounts.user_row(session, username)
    return (row.password_hash, accounts.to_user(row)) if row else None


def _key_hash_and_key(session: Session, key_id: str) -> tuple[str, ApiKey] | None:
    row = accounts.key_row(session, key_id)
    return (row.key_hash, accounts.to_api_key(row)) if row else None
