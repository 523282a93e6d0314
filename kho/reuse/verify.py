"""Checking a certified copy: the signature, the hash against the repository, the record's status now.

* :func:`verify_copy` (``kho verify-copy FILE.pdf``) checks a PDF someone holds: its PAdES signature
  with pyHanko's validator (trust anchors: the CAs of the office's signing keys), that it covers the
  whole file, that its SHA-256 is one the repository issued, and the record's status today. Each
  outcome has its own exit code (:data:`EXIT_CODES`).
* :func:`public_verification` (``GET /verify/<code>``) answers what anyone holding a code may know:
  type, number, date, issuer, status, when and by which office it was certified, the copy's SHA-256
  — no citizen ID, no name. Lookups are counted on the copy's row, not audited.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from kho.backends import Backends
from kho.errors import InputError, NotFoundError
from kho.reuse.pdfcopy import embedded_code
from kho.reuse.signing import trust_roots
from repository.catalog_reuse import CertifiedCopy

CODE_RE: Final = re.compile(r"^[a-z2-7]{16}$")

# pyHanko logs every failed path search with a traceback; the verdict says it in one line instead.
logging.getLogger("pyhanko").setLevel(logging.ERROR)


class Outcome(StrEnum):
    """The verdict on a copy."""

    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    TAMPERED = "tampered"
    UNSIGNED = "unsigned"
    UNTRUSTED = "untrusted"
    UNKNOWN = "unknown"


# Exit codes of ``kho verify-copy``: 0 for a valid copy, 20-25 for the other verdicts (above every
# kho.errors.ExitCode, so a verdict is never mistaken for an error such as a timeout).
EXIT_CODES: Final = {
    Outcome.VALID: 0,
    Outcome.TAMPERED: 20,
    Outcome.UNSIGNED: 21,
    Outcome.UNTRUSTED: 22,
    Outcome.UNKNOWN: 23,
    Outcome.REVOKED: 24,
    Outcome.SUPERSEDED: 25,
}

MESSAGES: Final = {
    Outcome.VALID: "Bản sao hợp lệ: chữ ký đúng, tệp nguyên vẹn, văn bản còn hiệu lực / "
                   "valid copy: signature correct, file intact, result in force",
    Outcome.REVOKED: "Chữ ký đúng nhưng văn bản đã bị thu hồi / signature correct but the result has been revoked",
    Outcome.SUPERSEDED: "Chữ ký đúng nhưng văn bản đã được thay thế / "
                        "signature correct but the result has been superseded",
    Outcome.TAMPERED: "Tệp đã bị sửa sau khi ký: không dùng được / "
                      "the file was changed after signing: do not accept it",
    Outcome.UNSIGNED: "Tệp không có chữ ký số: không phải bản sao chứng thực / "
                      "the file has no digital signature: not a certified copy",
    Outcome.UNTRUSTED: "Chữ ký không do cơ quan chứng thực của kho này tạo / "
                       "the signature was not made by this repository's certifying office",
    Outcome.UNKNOWN: "Kho này không cấp bản sao này / this repository did not issue this copy",
}


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko's validator said about the signature."""

    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    timestamped: bool = False
    timestamp_trusted: bool = False
    signer: str | None = None
    signed_at: datetime | None = None
    level: str | None = None


@dataclass(frozen=True)
class CopyCheck:
    """The verdict on one copy, with what supports it (no personal data)."""

    outcome: Outcome
    message: str
    sha256: str
    hash_known: bool = False
    code: str | None = None
    record_id: str | None = None
    record_status: str | None = None
    certified_at: datetime | None = None
    office: str | None = None
    signature: SignatureCheck = field(default_factory=SignatureCheck)

    @property
    def exit_code(self) -> int:
        """The exit code of ``kho verify-copy`` for this verdict."""
        return EXIT_CODES[self.outcome]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO text)."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _signature_check(pdf: bytes, roots: tuple[Any, ...]) -> SignatureCheck | None:
    """The validator's findings on the last signature; ``None`` if the file has none.

    :class:`InputError` if the bytes are not a PDF at all; a PDF whose structure or signature
    is broken gives a check with ``intact=False``.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    if not pdf.lstrip()[:5] == b"%PDF-":
        raise InputError("not a PDF file", subject="FILE")
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError):  # the structure is broken: not intact
        return SignatureCheck()
    if not signatures:
        return None
    context = ValidationContext(trust_roots=list(roots), allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[-1], signer_validation_context=context,
                                        ts_validation_context=context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError):
        return SignatureCheck()
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    ts = status.timestamp_validity
    return SignatureCheck(
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        timestamped=ts is not None, timestamp_trusted=bool(ts is not None and ts.trusted),
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else None,
        signed_at=(ts.timestamp if ts is not None else status.signer_reported_dt),
        level="PAdES B-T" if ts is not None else "PAdES B-B",
    )


def _all_roots(backends: Backends) -> tuple[Any, ...]:
    roots: list[Any] = []
    for key in backends.catalog.reuse.list_signing_keys():
        roots.extend(trust_roots(key))
    return tuple(roots)


def _issued_copy(backends: Backends, pdf: bytes, sha256: str) -> CertifiedCopy | None:
    code = embedded_code(pdf)
    copy = backends.catalog.reuse.certified_copy(code) if code and CODE_RE.match(code) else None
    if copy is None:
        found = backends.catalog.reuse.certified_copies_with_sha256(sha256)
        copy = found[0] if found else None
    return copy


def verify_copy(backends: Backends, pdf: bytes) -> CopyCheck:
    """The verdict on a copy's bytes (see the module docstring); counted as a verification if issued here."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    signature = _signature_check(pdf, _all_roots(backends))
    if signature is None:
        return CopyCheck(Outcome.UNSIGNED, MESSAGES[Outcome.UNSIGNED], sha256)
    copy = _issued_copy(backends, pdf, sha256)
    known = copy is not None and copy.sha256 == sha256
    base: dict[str, Any] = {"sha256": sha256, "hash_known": known, "signature": signature}
    if copy is not None:
        base.update(code=copy.code, record_id=copy.record_id, certified_at=copy.certified_at, office=copy.office)
    if not (signature.intact and signature.valid and signature.covers_whole_file):
        return CopyCheck(Outcome.TAMPERED, MESSAGES[Outcome.TAMPERED], **base)
    if not signature.trusted:
        return CopyCheck(Outcome.UNTRUSTED, MESSAGES[Outcome.UNTRUSTED], **base)
    if copy is None or not known:
        return CopyCheck(Outcome.UNKNOWN, MESSAGES[Outcome.UNKNOWN], **base)
    backends.catalog.reuse.count_verification(copy.code)
    status = backends.repository.get(copy.record_id).metadata.status
    outcome = {"valid": Outcome.VALID, "revoked": Outcome.REVOKED, "superseded": Outcome.SUPERSEDED}[status]
    return CopyCheck(outcome, MESSAGES[outcome], record_status=status, **base)


@dataclass(frozen=True)
class PublicVerification:
    """What ``/verify/<code>`` shows anyone: the document, its status now, the certification."""

    code: str
    document_type: str | None
    document_number: str | None
    issued_on: date | None
    issuer: str | None
    status: str
    certified_at: datetime
    office: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO text)."""
        return _jsonable(asdict(self))


def public_verification(backends: Backends, code: str) -> PublicVerification:
    """The public facts of a certified copy; :class:`NotFoundError` (404) for an unknown code."""
    code = code.strip().lower()
    copy = backends.catalog.reuse.certified_copy(code) if CODE_RE.match(code) else None
    if copy is None:
        raise NotFoundError("no certified copy has this code; check the code on the copy", subject="code")
    meta = backends.repository.get(copy.record_id).metadata
    backends.catalog.reuse.count_verification(copy.code)
    return PublicVerification(
        code=copy.code, document_type=meta.document_type, document_number=meta.document_number,
        issued_on=meta.issued_on, issuer=meta.issuer, status=meta.status, certified_at=copy.certified_at,
        office=copy.office, sha256=copy.sha256, size=copy.size,
    )
