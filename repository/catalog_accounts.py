"""Users and API keys in the catalog: queries on a given session (the facade owns transactions)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kho.errors import ConflictError, NotFoundError, UsageError
from repository.catalog_keys import NewKeySecret
from repository.catalog_models import ApiKeyRow, UserRow, utcnow
from repository.catalog_sessions import end_user_sessions
from repository.catalog_types import ApiKey, Scopes, User, bounded

# last_used_at is rewritten at most this often per key, to keep writes off the hot path.
TOUCH_INTERVAL = timedelta(seconds=60)


def normalize_username(username: str) -> str:
    """NFC, trimmed; refuse empty, over-long or space-containing names."""
    name = unicodedata.normalize("NFC", username).strip()
    if not name or len(name) > 64 or any(c.isspace() or not c.isprintable() for c in name):
        raise UsageError("a username must be 1-64 printable characters without spaces", subject=name or "username")
    return name


def check_role(role: str, allowed: tuple[str, ...], what: str) -> str:
    """``role`` if it is one of ``allowed``, else a :class:`UsageError` listing the choices."""
    if role not in allowed:
        raise UsageError(f"unknown {what} role; choose one of {', '.join(allowed)}", subject=role)
    return role


def to_user(row: UserRow) -> User:
    """The public view of a user row (no password hash)."""
    return User(row.id, row.username, row.display_name, row.role, row.active, row.created_at)


def to_api_key(row: ApiKeyRow) -> ApiKey:
    """The public view of an API key row (no hash)."""
    return ApiKey(
        id=row.id,
        name=row.name,
        role=row.role,
        scopes=Scopes.from_json(row.scopes),
        prefix=row.prefix,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def insert_user(session: Session, username: str, password_hash: str, role: str, display_name: str) -> User:
    """Add a user; :class:`ConflictError` if the username is taken."""
    if session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise ConflictError("a user with this name already exists; choose another name", subject=username)
    row = UserRow(
        username=username,
        password_hash=password_hash,
        role=role,
        display_name=bounded(display_name, 200, "display_name") or "",
        active=True,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return to_user(row)


def user_row(session: Session, username: str) -> UserRow | None:
    """The stored row of ``username``, or ``None``."""
    return session.scalar(select(UserRow).where(UserRow.username == username))


def get_user(session: Session, username: str) -> User | None:
    """The user named ``username``, or ``None``."""
    row = user_row(session, username)
    return to_user(row) if row else None


def list_users(session: Session) -> list[User]:
    """Every user, by username."""
    return [to_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def set_user_active(session: Session, username: str, active: bool) -> User:
    """Enable or disable a user (disabling ends every sign-in session); :class:`NotFoundError` if unknown."""
    row = user_row(session, username)
    if row is None:
        raise NotFoundError("no such user", subject=username)
    row.active = active
    if not active:
        end_user_sessions(session, row.username)
    session.flush()
    return to_user(row)


def set_user_password(session: Session, username: str, password_hash: str) -> User:
    """Replace a user's password hash; :class:`NotFoundError` if unknown."""
    row = user_row(session, username)
    if row is None:
        raise NotFoundError("no such user", subject=username)
    row.password_hash = password_hash
    session.flush()
    return to_user(row)


def insert_api_key(session: Session, secret: NewKeySecret, name: str, role: str, scopes: Scopes) -> ApiKey:
    """Store a new API key (its hash only)."""
    row = ApiKeyRow(
        id=secret.key_id,
        name=bounded(name, 200, "name") or "",
        role=role,
        scopes=scopes.to_json(),
        key_hash=secret.key_hash,
        prefix=secret.prefix,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return to_api_key(row)


def key_row(session: Session, key_id: str) -> ApiKeyRow | None:
    """The stored row of an API key, or ``None``."""
    return session.get(ApiKeyRow, key_id)


def list_api_keys(session: Session) -> list[ApiKey]:
    """Every API key, newest first (revoked ones included)."""
    rows = session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at.desc(), ApiKeyRow.id))
    return [to_api_key(r) for r in rows]


def revoke_api_key(session: Session, key_id: str) -> ApiKey:
    """Revoke a key (idempotent: the first revocation time is kept)."""
    row = key_row(session, key_id)
    if row is None:
        raise NotFoundError("no such API key", subject=key_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return to_api_key(row)


def key_needs_touch(session: Session, key_id: str) -> bool:
    """Whether the key's ``last_used_at`` is older than :data:`TOUCH_INTERVAL` (read-only check)."""
    last = session.scalar(select(ApiKeyRow.last_used_at).where(ApiKeyRow.id == key_id))
    return last is None or last < utcnow() - TOUCH_INTERVAL


def touch_api_key(session: Session, key_id: str) -> None:
    """Record that a key was just used (at most once per :data:`TOUCH_INTERVAL`)."""
    now = utcnow()
    session.execute(
        update(ApiKeyRow)
        .where(ApiKeyRow.id == key_id)
        .where((ApiKeyRow.last_used_at.is_(None)) | (ApiKeyRow.last_used_at < now - TOUCH_INTERVAL))
        .values(last_used_at=now)
    )
