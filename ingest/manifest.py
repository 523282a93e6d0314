"""The batch manifest (CSV or XLSX): one row per file, metadata the archivist already knows.

Pure functions: :func:`parse_manifest` takes the file's bytes and returns a :class:`Manifest` whose
rows carry their own ``problems`` (reasons the row's file is quarantined) and ``warnings`` (reasons
the document is flagged for review, e.g. a citizen ID whose leading zero a spreadsheet dropped and
that was repaired). Only a manifest that cannot be read at all raises (:class:`InputError`).
The format is documented in ``docs/ingest.md``; citizen IDs never appear in messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ingest.sources import safe_member_name
from kho.errors import InputError
from ocr.fields.ids import is_valid_citizen_id, normalize_digits, repair_citizen_id

#: The columns a manifest may have, in the documented order. ``file`` is required.
COLUMNS: tuple[str, ...] = (
    "file",
    "document",
    "citizen_id",
    "document_type",
    "document_number",
    "issued_on",
    "issuer",
    "locality",
    "holder_name",
    "procedure_code",
    "notes",
    "pages",
)
#: Columns holding free text copied to the record as given (NFC, stripped).
TEXT_COLUMNS: tuple[str, ...] = (
    "document_type",
    "document_number",
    "issuer",
    "locality",
    "holder_name",
    "procedure_code",
    "notes",
)
MAX_TEXT = 1000
MAX_PAGES_VALUE = 100_000
_ID_SPLIT = re.compile(r"[;,|\n]+")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
REPAIRED_ID_WARNING = (
    "số định danh trong bảng kê đã được sửa (thiếu số 0 đầu) / manifest citizen ID repaired (leading zero restored)"
)


@dataclass(frozen=True, kw_only=True)
class ManifestValues:
    """The metadata a manifest gives for a file or a document (``None``/empty: not given)."""

    citizen_ids: tuple[str, ...] = ()
    document_type: str | None = None
    document_number: str | None = None
    issued_on: dt.date | None = None
    issuer: str | None = None
    locality: str | None = None
    holder_name: str | None = None
    procedure_code: str | None = None
    notes: str | None = None
    pages: int | None = None
    raw: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManifestRow(ManifestValues):
    """One validated row: the file it describes, its values, and what is wrong with it."""

    line: int
    file: str
    document: str = ""
    problems: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        """The document this row belongs to: the ``document`` column, else the file itself."""
        return self.document or self.file


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest: its rows in file order and the column names it had that kho does not know."""

    name: str
    rows: tuple[ManifestRow, ...]
    unknown_columns: tuple[str, ...] = ()

    def by_file(self) -> dict[str, ManifestRow]:
        """Rows keyed by their ``file`` value (the first row wins when a file is listed twice)."""
        out: dict[str, ManifestRow] = {}
        for row in self.rows:
            if row.file and row.file not in out:
                out[row.file] = row
        return out


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def column_name(header: str) -> str:
    """A header cell as a column name: NFC, trimmed, lower case, spaces and dashes as ``_``."""
    name = _nfc(header).strip().lstrip("\ufeff").lower()
    return re.sub(r"[\s\-]+", "_", name)


def cell_text(value: Any) -> str:
    """A cell (CSV string, or XLSX number/date/None) as trimmed NFC text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _nfc(str(value)).strip()


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` (also with ``.`` or ``-``) as a date; ``None`` if not a date."""
    match = _YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.match(text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_citizen_ids(text: str) -> tuple[tuple[str, ...], list[str], list[str]]:
    """IDs from a ``citizen_id`` cell (several separated by ``;``), with problems and warnings.

    A 12-digit personal ID must validate; a 9-digit value is taken as a CMND; an 11-digit value
    that lost its leading zero is repaired with :func:`repair_citizen_id` and flagged. Messages
    never contain the ID itself.
    """
    ids: list[str] = []
    problems: list[str] = []
    warnings: list[str] = []
    for part in (p.strip() for p in _ID_SPLIT.split(text)):
        if not part:
            continue
        digits = normalize_digits(part)
        if len(digits) == 11 and digits.isascii() and digits.isdigit():
            repaired = repair_citizen_id(digits)
            if repaired is not None:
                ids.append(repaired)
                warnings.append(REPAIRED_ID_WARNING)
                continue
        if digits.isascii() and digits.isdigit() and (
            len(digits) == 9 or (len(digits) == 12 and is_valid_citizen_id(digits))
        ):
            ids.append(digits)
            continue
        problems.append(
            f"citizen_id is not a valid personal ID (12 digits) or CMND (9 digits) ({len(digits)} characters)"
        )
    return tuple(dict.fromkeys(ids)), problems, warnings


def parse_pages(text: str) -> int | None:
    """A positive page count, or ``None`` if ``text`` is not one."""
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= MAX_PAGES_VALUE else None


def decode_csv(data: bytes, name: str) -> list[list[str]]:
    """CSV rows from UTF-8 bytes (BOM allowed); the delimiter (``,``, ``;`` or tab) is guessed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"manifest is not UTF-8 text (byte {e.start}); save it as 'CSV UTF-8' or as XLSX", subject=name
        ) from e
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as e:
        raise InputError(f"malformed CSV: {e}", subject=name) from e


def decode_xlsx(data: bytes, name: str) -> list[list[Any]]:
    """Rows of the first worksheet of an XLSX workbook, as cell values."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds (zip, XML, key errors) on a bad workbook
        raise InputError(f"cannot read the XLSX workbook: {type(e).__name__}", subject=name) from e
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _header(cells: Sequence[Any], name: str) -> list[str]:
    header = [column_name(cell_text(c)) for c in cells]
    while header and not header[-1]:
        header.pop()
    if "file" not in header:
        raise InputError(
            "manifest has no 'file' column; the first row must name the columns (file,document,citizen_id,...)",
            subject=name,
        )
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise InputError(f"manifest column repeated: {', '.join(dupes)}", subject=name)
    return header


def parse_manifest(data: bytes, name: str) -> Manifest:
    """Parse a CSV or XLSX manifest (chosen by content) into validated rows.

    Raises :class:`InputError` only when the manifest as a whole is unusable (not UTF-8, not a
    workbook, no ``file`` column, a repeated column); row-level faults are kept in each row.
    """
    rows = decode_xlsx(data, name) if data[:4] == b"PK\x03\x04" else decode_csv(data, name)
    rows = [r for r in rows if any(cell_text(c) for c in r)]
    if not rows:
        raise InputError("manifest is empty", subject=name)
    header = _header(rows[0], name)
    unknown = tuple(h for h in header if h and h not in COLUMNS)
    parsed = [validate_row(line, header, cells) for line, cells in enumerate(rows[1:], start=2)]
    return Manifest(name=name, rows=_mark_duplicates(parsed), unknown_columns=unknown)


def _mark_duplicates(rows: list[ManifestRow]) -> tuple[ManifestRow, ...]:
    first_line: dict[str, int] = {}
    out = []
    for row in rows:
        if row.file and row.file in first_line:
            problem = f"file listed twice in the manifest (rows {first_line[row.file]} and {row.line})"
            row = replace(row, problems=(*row.problems, problem))
        elif row.file:
            first_line[row.file] = row.line
        out.append(row)
    return tuple(out)


def validate_row(line: int, header: Sequence[str], cells: Sequence[Any]) -> ManifestRow:
    """One data row (``line`` is its 1-based row number in the file) checked against the columns."""
    values = [cell_text(c) for c in cells]
    problems: list[str] = []
    warnings: list[str] = []
    if any(values[len(header):]):
        problems.append(f"row {line} has more cells than the header has columns")
    raw = {h: v for h, v in zip(header, values, strict=False) if h}
    for column, value in raw.items():
        if value and column not in COLUMNS:
            problems.append(f"unknown column '{column}' (known: {', '.join(COLUMNS)})")
    file_value = raw.get("file", "")
    file = safe_member_name(file_value) if file_value else None
    if not file_value:
        problems.append(f"row {line} names no file")
    elif file is None:
        problems.append("file must be a relative path inside the batch (no '..', no absolute path)")
    ids, id_problems, id_warnings = parse_citizen_ids(raw.get("citizen_id", ""))
    problems.extend(id_problems)
    warnings.extend(id_warnings)
    issued_on = None
    if raw.get("issued_on"):
        issued_on = parse_date(raw["issued_on"])
        if issued_on is None:
            problems.append(f"issued_on is not a date (YYYY-MM-DD or DD/MM/YYYY): {raw['issued_on'][:40]!r}")
    pages = None
    if raw.get("pages"):
        pages = parse_pages(raw["pages"])
        if pages is None:
            problems.append(f"pages is not a positive whole number: {raw['pages'][:20]!r}")
    texts: dict[str, str | None] = {}
    for column in TEXT_COLUMNS:
        value = raw.get(column, "")
        if len(value) > MAX_TEXT:
            problems.append(f"{column} is longer than {MAX_TEXT} characters")
        texts[column] = value or None
    known_raw = {k: v for k, v in raw.items() if k in COLUMNS and v}
    return ManifestRow(
        line=line,
        file=file or file_value,
        document=raw.get("document", ""),
        citizen_ids=ids,
        issued_on=issued_on,
        pages=pages,
        raw=known_raw,
        problems=tuple(problems),
        warnings=tuple(warnings),
        **texts,
    )
