"""Certify a record: a signed PDF/A-2b copy of its searchable PDF, stored as a new file of the record.

:func:`certify_record` is what ``kho certify``, ``POST /api/v1/documents/{id}/certified-copies`` and
the record page's button run. In order: role ``certify`` and scope, a stated purpose, the record must
be ``valid``; the record's PDF is read (SHA-256 checked); the copy is prepared and signed with the
office's active key; it is stored as ``records/<id>/certified/<code>.pdf`` (a new record version);
the catalog gets the copy's row (verification code → record, SHA-256), a reuse event, and one audit
event ``document.certify`` per citizen named on the record.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from access.audit import Action, write_per_citizen
from access.context import AccessContext
from access.permissions import Permission
from access.purpose import require_purpose
from access.reads import scoped_record
from access.scopes import ScopePolicy
from kho.backends import Backends
from kho.errors import ConflictError, IntegrityError
from kho.reuse.pdfcopy import CertificationBlock, prepare_copy, sign_copy
from kho.reuse.signing import load_signer
from repository import layout
from repository.catalog_reuse import CertifiedCopy, ReuseEvent
from repository.schema import Record

CODE_BYTES = 10

# A certified-copy object no record.json names and no catalog row knows, older than this, was left by
# an interrupted certification (P5); younger ones may belong to a certification still running.
ABANDONED_AFTER = timedelta(minutes=5)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Certification:
    """A certified copy just made: its catalog row, the record's new version and the PDF bytes."""

    copy: CertifiedCopy
    record: Record
    pdf: bytes
    url: str


def new_code() -> str:
    """A fresh public verification code: 80 random bits, base32, lower-case (16 characters)."""
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").rstrip("=").lower()


def verification_url(public_url: str, code: str) -> str:
    """``<KHO_PUBLIC_URL>/verify/<code>``."""
    return f"{public_url.rstrip('/')}/verify/{code}"


def _record_pdf(backends: Backends, record: Record) -> bytes:
    info, stream = backends.repository.open_object(record.record_id, "pdf")
    with stream:
        data = stream.read()
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise IntegrityError("the record's PDF does not match its SHA-256; run `kho verify`", subject=info.key)
    return data


def remove_abandoned_copies(backends: Backends, record: Record, now: datetime) -> list[str]:
    """Delete the record's certified-copy objects left by an interrupted certification; their keys.

    ``kho certify`` stores the signed copy before the record version that names it and before its
    catalog row; killed in between, it leaves a copy nobody issued, under a random code no re-run
    overwrites (``kho verify`` lists it as untracked). Such an object — under ``certified/``, not named
    by ``record.json``, its code unknown to the catalog, older than :data:`ABANDONED_AFTER` — is
    removed by the next certification of the record.
    """
    named = {entry.key for entry in record.objects}
    removed: list[str] = []
    for info in backends.repository.store.list_keys(f"{layout.record_prefix(record.record_id)}certified/"):
        code = info.key.rsplit("/", 1)[-1].removesuffix(".pdf")
        old = info.modified is not None and now - info.modified >= ABANDONED_AFTER
        if info.key not in named and old and backends.catalog.reuse.certified_copy(code) is None:
            backends.repository.store.delete(info.key)
            removed.append(info.key)
            log.info("removed %s, left by an interrupted certification", info.key)
    return removed


def _certifiable(backends: Backends, policy: ScopePolicy, ctx: AccessContext, record_id: str) -> Record:
    record = scoped_record(backends, policy, ctx, record_id, Permission.CERTIFY)
    status = record.metadata.status
    if status != "valid":
        word = {"revoked": "đã bị thu hồi / revoked", "superseded": "đã được thay thế / superseded"}[status]
        raise ConflictError(f"the result is {word}; only a valid result can be certified", subject=record_id)
    return record


def certify_record(
    backends: Backends,
    policy: ScopePolicy,
    ctx: AccessContext,
    record_id: str,
    *,
    now: datetime | None = None,
) -> Certification:
    """Make, store, register and audit a certified copy of a record (see the module docstring).

    The purpose of the copy is ``ctx.purpose`` (required). 403 without the ``certify`` permission or
    outside the caller's scopes, 409 for a revoked or superseded result, 404 without a signing key.
    """
    purpose = require_purpose(ctx.purpose)
    principal = ctx.principal
    record = _certifiable(backends, policy, ctx, record_id)
    settings = backends.settings
    key = backends.catalog.reuse.active_signing_key()
    loaded = load_signer(key, settings.signing_passphrase.get_secret_value(), settings.tsa_url)
    code = new_code()
    url = verification_url(settings.public_url, code)
    now = now or datetime.now(UTC)
    office = settings.office_name or key.office
    block = CertificationBlock(
        office=office, official=principal.name, certified_at=now, record_id=record.record_id,
        document_type=record.metadata.document_type, document_number=record.metadata.document_number,
        code=code, url=url, purpose=purpose,
    )
    signed = sign_copy(prepare_copy(_record_pdf(backends, record), block), block, loaded.signer, loaded.timestamper)
    remove_abandoned_copies(backends, record, datetime.now(UTC))
    object_key = layout.certified_key(record.record_id, code)
    updated = backends.repository.add_object(
        record.record_id, "certified", object_key, signed, name=f"{record.record_id}-{code}.pdf",
        content_type="application/pdf", actor=principal.actor, reason=f"Chứng thực bản sao điện tử: {purpose}",
    )
    digest = hashlib.sha256(signed).hexdigest()
    copy = backends.catalog.reuse.add_certified_copy(CertifiedCopy(
        code=code, record_id=record.record_id, record_version=updated.version, object_key=object_key,
        sha256=digest, size=len(signed), office=office, official=principal.name, actor=principal.actor,
        purpose=purpose, signing_key_id=key.id, certified_at=now,
    ))
    backends.catalog.reuse.record_reuse([ReuseEvent(
        kind="certified_copy", record_id=record.record_id, document_type=record.metadata.document_type,
        locality=record.metadata.locality, actor=principal.actor, at=now,
    )])
    write_per_citizen(backends.catalog, ctx, Action.DOCUMENT_CERTIFY, updated.metadata.citizen_ids,
                      updated.record_id, {"code": code, "sha256": digest, "version": updated.version})
    return Certification(copy, updated, signed, url)

