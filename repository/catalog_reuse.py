"""Verifiable reuse in the catalog: office signing keys, certified copies and reuse events.

* ``signing_keys``: an office's signing certificate, its chain up to the office (or real) CA, and
  its private key as an *encrypted* PKCS#8 PEM (the passphrase is ``KHO_SIGNING_PASSPHRASE``,
  never stored); optionally a local time-stamping key of the office.
* ``certified_copies``: one row per certified electronic copy: its public verification code,
  the record (ID, version), the copy's store key, size and SHA-256, who certified it, when and why,
  and how often anyone checked it (``verify_count``: verification lookups are counted, not audited).
* ``reuse_events``: one row per reuse of a result (a portal fetch, a certified copy), with the
  record's locality, type and the month (Vietnam time) for the statistics.

Tables are created by migration ``0004_reuse``; :class:`ReuseCatalog` (``Catalog.reuse``) is the
facade, returning frozen dataclasses.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Final, TypeVar

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from kho.errors import ConflictError, NotFoundError, UsageError
from repository.catalog_models import Base, BigId, UTCDateTime, utcnow

T = TypeVar("T")
Runner = Callable[..., Any]

VIETNAM: Final = timezone(timedelta(hours=7))
REUSE_KINDS: Final = ("portal.documents", "portal.file", "certified_copy")


class SigningKeyRow(Base):
    """An office signing key: certificate, chain, encrypted private key, optional local TSA key."""

    __tablename__ = "signing_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    office: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(16))
    fingerprint: Mapped[str] = mapped_column(String(64))
    certificate: Mapped[str] = mapped_column(Text)
    chain: Mapped[str] = mapped_column(Text)
    private_key: Mapped[str] = mapped_column(Text)
    tsa_certificate: Mapped[str | None] = mapped_column(Text, nullable=True)
    tsa_private_key: Mapped[str | None] = mapped_column(Text, nullable=True)


class CertifiedCopyRow(Base):
    """One certified electronic copy of a record, found by its public verification code."""

    __tablename__ = "certified_copies"
    __table_args__ = (
        Index("ix_certified_copies_record_id", "record_id"),
        Index("ix_certified_copies_sha256", "sha256"),
    )

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(128))
    record_version: Mapped[int] = mapped_column(Integer)
    object_key: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    office: Mapped[str] = mapped_column(String(200))
    official: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    signing_key_id: Mapped[str] = mapped_column(String(64))
    certified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verify_count: Mapped[int] = mapped_column(Integer, default=0)
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ReuseEventRow(Base):
    """One reuse of a result: who reused which record, how, and the record's locality and type."""

    __tablename__ = "reuse_events"
    __table_args__ = (
        Index("ix_reuse_events_month", "month"),
        Index("ix_reuse_events_record_id", "record_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    month: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(128))
    document_type: Mapped[str] = mapped_column(String(200), default="")
    locality: Mapped[str] = mapped_column(String(400), default="")
    actor: Mapped[str] = mapped_column(String(200), default="")


@dataclass(frozen=True)
class SigningKey:
    """An office signing key as stored (the private keys stay encrypted PEM)."""

    id: str
    office: str
    created_at: datetime
    active: bool
    source: str
    fingerprint: str
    certificate: str
    chain: str
    private_key: str
    tsa_certificate: str | None
    tsa_private_key: str | None


@dataclass(frozen=True)
class CertifiedCopy:
    """A certified copy's row: what was certified, by whom, when, and how often it was checked."""

    code: str
    record_id: str
    record_version: int
    object_key: str
    sha256: str
    size: int
    office: str
    official: str
    actor: str
    purpose: str
    signing_key_id: str
    certified_at: datetime
    verify_count: int = 0
    last_verified_at: datetime | None = None


@dataclass(frozen=True)
class ReuseEvent:
    """A reuse event to record (``at`` defaults to now)."""

    kind: str
    record_id: str
    document_type: str | None = None
    locality: str | None = None
    actor: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class ReuseCount:
    """Reuse events and distinct records reused, for one (locality, document type, month)."""

    locality: str
    document_type: str
    month: str
    events: int
    records: int


@dataclass(frozen=True)
class ReusedRecord:
    """One record reused at least once, with its locality and type (for per-locality rates)."""

    record_id: str
    locality: str
    document_type: str
    events: int


def _text(value: str | None, limit: int) -> str:
    return unicodedata.normalize("NFC", value or "").strip()[:limit]


def month_of(when: datetime) -> str:
    """``YYYY-MM`` of an aware timestamp, in Vietnam time."""
    return when.astimezone(VIETNAM).strftime("%Y-%m")


def _key(row: SigningKeyRow) -> SigningKey:
    return SigningKey(
        id=row.id, office=row.office, created_at=row.created_at, active=row.active, source=row.source,
        fingerprint=row.fingerprint, certificate=row.certificate, chain=row.chain,
        private_key=row.private_key, tsa_certificate=row.tsa_certificate, tsa_private_key=row.tsa_private_key,
    )


def _copy(row: CertifiedCopyRow) -> CertifiedCopy:
    return CertifiedCopy(
        code=row.code, record_id=row.record_id, record_version=row.record_version, object_key=row.object_key,
        sha256=row.sha256, size=row.size, office=row.office, official=row.official, actor=row.actor,
        purpose=row.purpose, signing_key_id=row.signing_key_id, certified_at=row.certified_at,
        verify_count=row.verify_count or 0, last_verified_at=row.last_verified_at,
    )


# Session functions --------------------------------------------------------------------------------


def add_signing_key(session: Session, key: SigningKey) -> SigningKey:
    """Store a new key and make it the only active one."""
    if session.get(SigningKeyRow, key.id) is not None:
        raise ConflictError("a signing key with this id exists already; choose another --id", subject=key.id)
    session.execute(update(SigningKeyRow).values(active=False))
    row = SigningKeyRow(**{**key.__dict__, "active": True})
    session.add(row)
    session.flush()
    return _key(row)


def list_signing_keys(session: Session) -> list[SigningKey]:
    """Every signing key, newest first."""
    rows = session.scalars(select(SigningKeyRow).order_by(SigningKeyRow.created_at.desc(), SigningKeyRow.id))
    return [_key(r) for r in rows]


def active_signing_key(session: Session) -> SigningKey | None:
    """The key new copies are signed with, if any."""
    row = session.scalars(select(SigningKeyRow).where(SigningKeyRow.active.is_(True)).limit(1)).first()
    return _key(row) if row else None


def insert_copy(session: Session, copy: CertifiedCopy) -> CertifiedCopy:
    """Store a certified copy's row."""
    row = CertifiedCopyRow(**{**copy.__dict__, "actor": _text(copy.actor, 200),
                              "official": _text(copy.official, 200), "purpose": _text(copy.purpose, 2000)})
    session.add(row)
    session.flush()
    return _copy(row)


def find_copy(session: Session, code: str) -> CertifiedCopy | None:
    """The certified copy of this code, or ``None``."""
    row = session.get(CertifiedCopyRow, code)
    return _copy(row) if row else None


def copies_with_sha256(session: Session, sha256: str) -> list[CertifiedCopy]:
    """Certified copies whose stored SHA-256 is ``sha256``."""
    return [_copy(r) for r in session.scalars(select(CertifiedCopyRow).where(CertifiedCopyRow.sha256 == sha256))]


def count_verification(session: Session, code: str, at: datetime) -> None:
    """Add one to a copy's verification counter."""
    session.execute(
        update(CertifiedCopyRow).where(CertifiedCopyRow.code == code)
        .values(verify_count=CertifiedCopyRow.verify_count + 1, last_verified_at=at)
    )


def insert_reuse_events(session: Session, events: Sequence[ReuseEvent]) -> int:
    """Append reuse events; returns how many."""
    for event in events:
        if event.kind not in REUSE_KINDS:
            raise UsageError(f"reuse kind must be one of {', '.join(REUSE_KINDS)}", subject=event.kind)
        at = event.at or utcnow()
        session.add(ReuseEventRow(
            at=at, month=month_of(at), kind=event.kind, record_id=event.record_id[:128],
            document_type=_text(event.document_type, 200), locality=_text(event.locality, 400),
            actor=_text(event.actor, 200),
        ))
    session.flush()
    return len(events)


def reuse_counts(session: Session) -> list[ReuseCount]:
    """Events and distinct records reused per (locality, document type, month)."""
    r = ReuseEventRow
    rows = session.execute(
        select(r.locality, r.document_type, r.month, func.count(), func.count(r.record_id.distinct()))
        .group_by(r.locality, r.document_type, r.month)
        .order_by(r.month, r.locality, r.document_type)
    )
    return [ReuseCount(loc, dtype, month, int(n), int(records)) for loc, dtype, month, n, records in rows]


def reused_records(session: Session) -> list[ReusedRecord]:
    """Every record reused at least once, with the locality and type of its latest event."""
    r = ReuseEventRow
    latest = select(r.record_id, func.max(r.id).label("last_id"), func.count().label("n")).group_by(r.record_id)
    sub = latest.subquery()
    rows = session.execute(
        select(sub.c.record_id, r.locality, r.document_type, sub.c.n).join(r, r.id == sub.c.last_id)
        .order_by(sub.c.record_id)
    )
    return [ReusedRecord(rid, loc, dtype, int(n)) for rid, loc, dtype, n in rows]


class ReuseCatalog:
    """The reuse part of the catalog (``Catalog.reuse``): each method is one short transaction."""

    def __init__(self, read: Runner, write: Runner):
        """Run queries through the catalog's read and write transaction runners."""
        self._read = read
        self._write = write

    def add_signing_key(self, key: SigningKey) -> SigningKey:
        """Store a new signing key and make it the active one; 409 if the id exists."""
        result: SigningKey = self._write(add_signing_key, key)
        return result

    def list_signing_keys(self) -> list[SigningKey]:
        """Every signing key, newest first."""
        result: list[SigningKey] = self._read(list_signing_keys)
        return result

    def active_signing_key(self) -> SigningKey:
        """The active signing key; :class:`NotFoundError` telling how to create one if there is none."""
        key: SigningKey | None = self._read(active_signing_key)
        if key is None:
            raise NotFoundError(
                "no signing key; create the office's with 'kho signing-keys create' or import one "
                "with 'kho signing-keys import'", subject="signing key",
            )
        return key

    def add_certified_copy(self, copy: CertifiedCopy) -> CertifiedCopy:
        """Store a certified copy's row."""
        result: CertifiedCopy = self._write(insert_copy, copy)
        return result

    def certified_copy(self, code: str) -> CertifiedCopy | None:
        """The certified copy with this verification code, or ``None``."""
        result: CertifiedCopy | None = self._read(find_copy, code)
        return result

    def certified_copies_with_sha256(self, sha256: str) -> list[CertifiedCopy]:
        """Certified copies with this SHA-256 (normally zero or one)."""
        result: list[CertifiedCopy] = self._read(copies_with_sha256, sha256)
        return result

    def count_verification(self, code: str, at: datetime | None = None) -> None:
        """Count one public verification of a copy (no audit event: no personal data is read)."""
        self._write(count_verification, code, at or utcnow())

    def record_reuse(self, events: Sequence[ReuseEvent]) -> int:
        """Append reuse events (portal fetches, certified copies)."""
        if not events:
            return 0
        result: int = self._write(insert_reuse_events, events)
        return result

    def reuse_counts(self) -> list[ReuseCount]:
        """Events and distinct records reused per (locality, type, month)."""
        result: list[ReuseCount] = self._read(reuse_counts)
        return result

    def reused_records(self) -> list[ReusedRecord]:
        """Each record reused at least once, with its locality and type."""
        result: list[ReusedRecord] = self._read(reused_records)
        return result
