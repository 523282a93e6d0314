"""Where a record's objects live in the store, and how its ID is derived (pure functions).

Layout of one record (documented in ``docs/repository.md``)::

    records/<id>/record.json               current version (written last: the commit point)
    records/<id>/versions/<n>.json         immutable copy of every version, n = 1, 2, ...
    records/<id>/manifest-sha256.txt       `sha256sum -c` manifest of every payload object
    records/<id>/original/<sha256><.ext>   each source file exactly as received
    records/<id>/document.pdf              searchable PDF
    records/<id>/pages/0001<.ext>          archive page images (colour/grey), one per page
    records/<id>/thumbs/0001<.ext>         thumbnails
    records/<id>/ocr/text.txt              OCR text (UTF-8, NFC; pages separated by form feeds)
    records/<id>/ocr/ocr.json              OCR JSON
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from kho.errors import InputError, NotFoundError

RECORDS_PREFIX = "records/"
RECORD_ID_PREFIX = "kho-"
RECORD_ID_HEX = 20
RECORD_ID_RE = re.compile(rf"^{RECORD_ID_PREFIX}[0-9a-f]{{{RECORD_ID_HEX}}}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
RECORD_JSON = "record.json"
MANIFEST = "manifest-sha256.txt"
_EXT_RE = re.compile(r"^\.[a-z0-9]{1,8}$")


def record_id_for(sha256s: Iterable[str]) -> str:
    """The record ID of a set of source files: ``kho-`` + 20 hex digits.

    The digits are the start of the SHA-256 of the sorted, de-duplicated, lower-case hex SHA-256s
    of the source files joined by ``\\n``; so the same files always give the same ID, in any order.
    """
    digests = sorted({s.strip().lower() for s in sha256s})
    if not digests:
        raise InputError("a record needs at least one source file", subject="sources")
    for digest in digests:
        if not SHA256_RE.match(digest):
            raise InputError("not a SHA-256 hex digest", subject=digest[:80])
    joined = "\n".join(digests).encode("ascii")
    return RECORD_ID_PREFIX + hashlib.sha256(joined).hexdigest()[:RECORD_ID_HEX]


def check_record_id(record_id: str) -> str:
    """``record_id`` if well-formed; :class:`NotFoundError` (one line) otherwise."""
    if not isinstance(record_id, str) or not RECORD_ID_RE.match(record_id):
        shown = str(record_id)[:80]
        raise NotFoundError(
            f"no such record (IDs look like {RECORD_ID_PREFIX}<20 hex digits>)", subject=shown
        )
    return record_id


def record_prefix(record_id: str) -> str:
    """The key prefix of every object of a record (ends with ``/``)."""
    return f"{RECORDS_PREFIX}{check_record_id(record_id)}/"


def record_json_key(record_id: str) -> str:
    """Key of the current ``record.json``."""
    return record_prefix(record_id) + RECORD_JSON


def version_key(record_id: str, version: int) -> str:
    """Key of the immutable copy of version ``version`` of ``record.json``."""
    return f"{record_prefix(record_id)}versions/{version}.json"


def manifest_key(record_id: str) -> str:
    """Key of the record's ``sha256sum`` manifest."""
    return record_prefix(record_id) + MANIFEST


def safe_extension(name: str) -> str:
    """The lower-case extension of ``name`` if it is short and alphanumeric, else ``""``."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    return suffix if _EXT_RE.match(suffix) else ""


def original_key(record_id: str, sha256: str, name: str) -> str:
    """Key of a source file: content-addressed by its SHA-256, keeping its extension."""
    return f"{record_prefix(record_id)}original/{sha256}{safe_extension(name)}"


def pdf_key(record_id: str) -> str:
    """Key of the searchable PDF."""
    return record_prefix(record_id) + "document.pdf"


def page_key(record_id: str, index: int, name: str) -> str:
    """Key of the archive image of page ``index + 1``."""
    return f"{record_prefix(record_id)}pages/{index + 1:04d}{safe_extension(name)}"


def thumb_key(record_id: str, index: int, name: str) -> str:
    """Key of the thumbnail of page ``index + 1``."""
    return f"{record_prefix(record_id)}thumbs/{index + 1:04d}{safe_extension(name)}"


def text_key(record_id: str) -> str:
    """Key of the OCR text."""
    return record_prefix(record_id) + "ocr/text.txt"


def ocr_json_key(record_id: str) -> str:
    """Key of the OCR JSON."""
    return record_prefix(record_id) + "ocr/ocr.json"


def certified_key(record_id: str, code: str) -> str:
    """``records/<id>/certified/<code>.pdf``: a certified electronic copy, named by its verification code."""
    if not re.fullmatch(r"[a-z0-9]{8,32}", code):
        raise ValueError(f"not a certification code: {code!r}")
    return f"{record_prefix(record_id)}certified/{code}.pdf"


def split_record_key(key: str) -> tuple[str, str] | None:
    """``(record_id, path inside the record)`` for a key under ``records/<id>/``, else ``None``."""
    if not key.startswith(RECORDS_PREFIX):
        return None
    record_id, sep, rest = key[len(RECORDS_PREFIX) :].partition("/")
    if not sep or not RECORD_ID_RE.match(record_id):
        return None
    return record_id, rest


def manifest_text(record_id: str, entries: Iterable[tuple[str, str]]) -> str:
    """The ``sha256sum`` manifest of ``(key, sha256)`` pairs, paths relative to the record folder."""
    prefix = record_prefix(record_id)
    pairs = sorted((key[len(prefix) :], sha) for key, sha in entries if key.startswith(prefix))
    return "".join(f"{sha}  {path}\n" for path, sha in pairs)
