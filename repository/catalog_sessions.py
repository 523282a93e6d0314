"""Server-side sign-in sessions in the catalog: queries on a given session (the facade owns transactions).

The browser's cookie carries a random token; the catalog keeps only its SHA-256
(:func:`repository.catalog_keys.hash_key`), the username, and when the session expires or ended.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from repository.catalog_models import SignInSessionRow, utcnow
from repository.catalog_types import SignInSession


def to_sign_in_session(row: SignInSessionRow) -> SignInSession:
    """The public view of a session row (no token hash)."""
    return SignInSession(row.username, row.created_at, row.expires_at, row.ended_at)


def insert_session(session: Session, token_hash: str, username: str, expires_at: datetime) -> SignInSession:
    """Record a new sign-in session; expired and ended ones of the same user are dropped on the way."""
    now = utcnow()
    session.execute(
        delete(SignInSessionRow)
        .where(SignInSessionRow.username == username)
        .where((SignInSessionRow.expires_at <= now) | SignInSessionRow.ended_at.is_not(None))
    )
    row = SignInSessionRow(token_hash=token_hash, username=username, created_at=now, expires_at=expires_at)
    session.add(row)
    session.flush()
    return to_sign_in_session(row)


def get_session(session: Session, token_hash: str) -> SignInSession | None:
    """The session of this token hash, or ``None``."""
    row = session.get(SignInSessionRow, token_hash)
    return to_sign_in_session(row) if row else None


def end_session(session: Session, token_hash: str) -> None:
    """End one session (idempotent; the first end time is kept)."""
    session.execute(
        update(SignInSessionRow)
        .where(SignInSessionRow.token_hash == token_hash)
        .where(SignInSessionRow.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_user_sessions(session: Session, username: str) -> int:
    """End every open session of ``username``; how many were open."""
    result = session.execute(
        update(SignInSessionRow)
        .where(SignInSessionRow.username == username)
        .where(SignInSessionRow.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
