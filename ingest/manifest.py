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
import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from ingest.sources import open_regular, safe_member_name
from kho.core.citizen_id import InvalidCitizenId, parse_citizen_id
from kho.errors import InputError, TooLargeError

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
#: Per-file bound: a manifest (CSV, or XLSX unpacked) larger than this is refused while reading.
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
#: Per-row (and so per-cell) bound: a longer CSV line or XLSX cell is refused as soon as it is met.
MAX_ROW_CHARS = 16 * 1024
#: How many unreadable rows one error message lists.
MAX_FAULTS_SHOWN = 5
#: Control characters never allowed in a value: C0 (except tab and line feed, allowed in notes), DEL, C1.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_NOTES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_XLSX_MAGIC = b"PK\x03\x04"
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

    Each ID follows the one rule of :func:`kho.core.citizen_id.parse_citizen_id` (strict, as in the
    record form): a 12-digit personal ID must validate; a 9-digit value is a CMND; an 11-digit value
    that lost its leading zero is repaired and flagged. Messages never contain the ID itself.
    """
    ids: list[str] = []
    problems: list[str] = []
    warnings: list[str] = []
    for part in (p.strip() for p in _ID_SPLIT.split(text)):
        if not part:
            continue
        try:
            parsed = parse_citizen_id(part)
        except InvalidCitizenId as e:
            problems.append(f"citizen_id: {e.message}")
            continue
        ids.append(parsed.digits)
        if parsed.repaired:
            warnings.append(REPAIRED_ID_WARNING)
    return tuple(dict.fromkeys(ids)), problems, warnings


def parse_pages(text: str) -> int | None:
    """A positive page count, or ``None`` if ``text`` is not one."""
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= MAX_PAGES_VALUE else None


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


@dataclass(frozen=True)
class RowFault:
    """A row that cannot be read as cells (its number, the 1-based column where it breaks, why)."""

    line: int
    column: int
    reason: str

    def text(self, header: Sequence[str] = ()) -> str:
        """``row 7, column 3 (holder_name): reason``."""
        name = header[self.column - 1] if 0 < self.column <= len(header) and header[self.column - 1] else ""
        where = f"column {self.column}" + (f" ({name})" if name else "")
        return f"row {self.line}, {where}: {self.reason}"


#: A record of the manifest: its row number, and its cells or why they cannot be read.
SourceRow = tuple[int, "Sequence[Any] | RowFault"]

_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)"')


@functools.cache
def _plain_cell(delimiter: str) -> re.Pattern[str]:
    return re.compile(f'[^"{re.escape(delimiter)}]*')


def split_csv_line(text: str, delimiter: str) -> list[str] | tuple[int, str]:
    """The cells of one CSV line under a strict dialect, or ``(column, reason)`` if it does not parse.

    A cell is either plain (no quote in it) or quoted from its first to its last character, with
    ``""`` for a quote inside. A quote that does not close on the same line is refused: cells never
    span lines, so an unbalanced quote cannot swallow the rows after it.
    """
    if '"' not in text:
        return text.split(delimiter)
    try:  # the C parser first; it agrees with this dialect whenever no cell value holds a quote
        fast = next(csv.reader((text,), delimiter=delimiter, strict=True))
        if not any('"' in cell for cell in fast):
            return fast
    except csv.Error:
        pass
    plain = _plain_cell(delimiter)
    cells: list[str] = []
    pos = 0
    while True:
        column = len(cells) + 1
        if text.startswith('"', pos):
            match = _QUOTED.match(text, pos)
            if match is None:
                return column, "unbalanced quote (a quoted cell does not close on its row; cells cannot span lines)"
            cells.append(match.group(1).replace('""', '"'))
        else:
            match = plain.match(text, pos)
            assert match is not None  # a possibly empty run always matches
            cells.append(match.group(0))
            if text.startswith('"', match.end()):
                return column, 'quote inside an unquoted cell (quote the whole cell and double inner quotes: "a ""b""")'
        pos = match.end()
        if pos == len(text):
            return cells
        if text[pos] != delimiter:
            return column, "text after the closing quote of a cell"
        pos += 1


class _BoundedReader(io.RawIOBase):
    """A binary stream that refuses to yield more than ``limit`` bytes (the per-file bound)."""

    def __init__(self, stream: IO[bytes], limit: int, name: str):
        self._stream = stream
        self._left = limit
        self._limit = limit
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise TooLargeError(
                f"manifest is larger than {_mib(self._limit)} MiB; split the batch", subject=self._name
            )
        self._left -= len(data)
        memoryview(buffer)[: len(data)] = data
        return len(data)


def csv_rows(stream: IO[bytes], name: str) -> Iterator[SourceRow]:
    """``(row number, cells or RowFault)`` for each line of a UTF-8 CSV (BOM allowed), streamed.

    The delimiter (``,``, ``;`` or tab) is guessed from the first line. A line longer than
    :data:`MAX_ROW_CHARS` or a file larger than :data:`MAX_MANIFEST_BYTES` raises at once, after
    reading at most that much.
    """
    raw = io.BufferedReader(_BoundedReader(stream, MAX_MANIFEST_BYTES, name), 64 * 1024)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="\n")
    delimiter = ","
    line = 0
    while True:
        line += 1
        try:
            chunk = text.readline(MAX_ROW_CHARS + 2)
        except UnicodeDecodeError as e:
            raise InputError(
                f"manifest row {line} is not UTF-8 text; save it as 'CSV UTF-8' or as XLSX", subject=name
            ) from e
        if not chunk:
            return
        if not chunk.endswith("\n") and len(chunk) > MAX_ROW_CHARS:
            raise TooLargeError(
                f"manifest row {line} is longer than {MAX_ROW_CHARS} characters; a cell holds at most {MAX_TEXT}",
                subject=name,
            )
        body = chunk.removesuffix("\n").removesuffix("\r")
        if line == 1:
            delimiter = max((",", ";", "\t"), key=body.count)
        cells = split_csv_line(body, delimiter)
        yield (line, RowFault(line, *cells)) if isinstance(cells, tuple) else (line, cells)


def xlsx_rows(stream: IO[bytes], name: str) -> Iterator[SourceRow]:
    """``(row number, cell values)`` of the first worksheet of an XLSX workbook (read-only, streamed).

    The workbook is refused if it would unpack to more than :data:`MAX_MANIFEST_BYTES` (checked
    from its directory before reading a sheet); a cell longer than :data:`MAX_ROW_CHARS` is a fault.
    """
    from openpyxl import load_workbook

    data = stream.read(MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise TooLargeError(f"manifest is larger than {_mib(MAX_MANIFEST_BYTES)} MiB", subject=name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # zipfile and openpyxl raise many kinds (zip, XML, key errors) on a bad workbook
        raise InputError(f"cannot read the XLSX workbook: {type(e).__name__}", subject=name) from e
    if unpacked > MAX_MANIFEST_BYTES:
        book.close()
        raise TooLargeError(
            f"XLSX workbook unpacks to more than {_mib(MAX_MANIFEST_BYTES)} MiB", subject=name
        )
    try:
        for line, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            long = next((i for i, v in enumerate(values, 1) if isinstance(v, str) and len(v) > MAX_ROW_CHARS), 0)
            if long:
                yield line, RowFault(line, long, f"cell is longer than {MAX_ROW_CHARS} characters")
            else:
                yield line, list(values)
    finally:
        book.close()


def read_manifest(path: Path, name: str | None = None) -> Manifest:
    """Parse the manifest file at ``path`` (streamed, bounded; never opens a FIFO or device)."""
    with open_regular(path) as fh:
        return read_manifest_stream(fh, name or path.name)


def manifest_bytes(path: Path) -> bytes:
    """The bytes of a manifest file, read only if it is a regular file of at most :data:`MAX_MANIFEST_BYTES`."""
    with open_regular(path) as fh:
        data = fh.read(MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise TooLargeError(f"manifest is larger than {_mib(MAX_MANIFEST_BYTES)} MiB", subject=path.name)
    return data


def parse_manifest(data: bytes, name: str) -> Manifest:
    """Parse a CSV or XLSX manifest held in memory (see :func:`read_manifest_stream`)."""
    return read_manifest_stream(io.BytesIO(data), name)


def read_manifest_stream(stream: IO[bytes], name: str) -> Manifest:
    """Parse a CSV or XLSX manifest (chosen by content) from a seekable stream into validated rows.

    Raises :class:`InputError` when the manifest as a whole is unusable: not UTF-8, not a
    workbook, no ``file`` column, a repeated column, too large, or a row that cannot be read as
    cells (an unbalanced quote, more cells than columns): such rows are named with their number
    and nothing of the manifest is used, because the cells of a broken row cannot be trusted to
    be what their columns say. Faults of a value (a bad ID or date, a control character) are kept
    in its row, whose file is quarantined while the rest of the batch goes on.
    """
    head = stream.read(4)
    stream.seek(0)
    source = xlsx_rows(stream, name) if head == _XLSX_MAGIC else csv_rows(stream, name)
    header: list[str] | None = None
    parsed: list[ManifestRow] = []
    faults: list[RowFault] = []
    for line, cells in source:
        if isinstance(cells, RowFault):
            faults.append(cells)
        elif not any(cell_text(c) for c in cells):
            continue
        elif header is None:
            header = _header(cells, name)
        elif (extra := _extra_cells(line, header, cells)) is not None:
            faults.append(extra)
        else:
            parsed.append(validate_row(line, header, cells))
        if len(faults) >= MAX_FAULTS_SHOWN:
            break
    if faults:
        raise InputError(_faults_message(faults, header or []), subject=name)
    if header is None:
        raise InputError("manifest is empty", subject=name)
    unknown = tuple(h for h in header if h and h not in COLUMNS)
    return Manifest(name=name, rows=_mark_duplicates(parsed), unknown_columns=unknown)


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


def _extra_cells(line: int, header: Sequence[str], cells: Sequence[Any]) -> RowFault | None:
    """A fault if the row has a non-empty cell beyond the header's columns (its cells may be shifted)."""
    extra = next((i for i, c in enumerate(cells[len(header):], len(header) + 1) if cell_text(c)), 0)
    if not extra:
        return None
    return RowFault(line, extra, f"more cells than the header has columns ({len(header)}); a delimiter too many?")


def _faults_message(faults: Sequence[RowFault], header: Sequence[str]) -> str:
    shown = "; ".join(f.text(header) for f in faults[:MAX_FAULTS_SHOWN])
    more = " (and maybe more)" if len(faults) >= MAX_FAULTS_SHOWN else ""
    return (
        f"bảng kê có dòng không đọc được / manifest rows that cannot be read: {shown}{more}; "
        "nothing was ingested: fix these rows and submit the batch again"
    )


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


def control_problems(line: int, header: Sequence[str], cells: Sequence[Any]) -> list[str]:
    """One problem per cell holding a control character (NUL, BEL, … ; tab and line feed only in notes)."""
    if not _CONTROL.search("".join(c for c in cells if isinstance(c, str))):  # the usual case, at C speed
        return []
    problems = []
    for column, (name, cell) in enumerate(zip(header, cells, strict=False), start=1):
        if not isinstance(cell, str):
            continue
        found = (_CONTROL_IN_NOTES if name == "notes" else _CONTROL).search(cell)
        if found:
            shown = f"column {column}" + (f" ({name})" if name else "")
            problems.append(
                f"row {line}, {shown}: control character U+{ord(found.group()):04X} is not allowed in a value"
            )
    return problems


def validate_row(line: int, header: Sequence[str], cells: Sequence[Any]) -> ManifestRow:
    """One data row (``line`` is its 1-based row number in the file) checked against the columns."""
    values = [cell_text(c) for c in cells]
    problems: list[str] = control_problems(line, header, cells)
    warnings: list[str] = []
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


_PROBLEM_COLUMN: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"^(?P<c>issued_on|pages) is not"), None),
    (re.compile(r"^(?P<c>citizen_id): "), None),
    (re.compile(r"^(?P<c>\w+) is longer than \d+ characters$"), None),
    (re.compile(r"^row \d+, column \d+ \((?P<c>\w+)\): control character"), None),
    (re.compile(r"^unknown column '(?P<c>[^']*)'"), None),
    (re.compile(r"^row \d+ names no file$|^file must be a relative path|^file listed twice"), "file"),
)


def problem_column(problem: str) -> str | None:
    """The column a problem of :func:`validate_row` is about (``issued_on``, ``file`` …), or ``None``."""
    for pattern, column in _PROBLEM_COLUMN:
        found = pattern.search(problem)
        if found is not None:
            return column or found.group("c")
    return None
