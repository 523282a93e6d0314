"""Manifest parsing and validation (pure)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.manifest import COLUMNS, REPAIRED_ID_WARNING, parse_citizen_ids, parse_date, parse_manifest
from kho.errors import InputError

RES = Path(__file__).resolve().parents[1] / "resources" / "ingest"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "manifest.csv"


def test_bad_manifest_rows_each_carry_their_problem() -> None:
    manifest = parse_manifest((RES / "manifest-bad.csv").read_bytes(), "manifest-bad.csv")
    assert manifest.unknown_columns == ("colour",)
    rows = {(r.file, r.line): r for r in manifest.rows}
    good = rows[("good.png", 2)]
    assert good.problems == () and good.citizen_ids == ("049085001234",)
    assert good.issued_on == dt.date(2022, 2, 9) and good.document_type == "Quyết định" and good.pages == 1
    assert "not a date" in rows[("bad-date.png", 3)].problems[0]
    bad_id = rows[("bad-id.png", 4)]
    assert "citizen_id" in bad_id.problems[0] and "12345" not in bad_id.problems[0]
    lost = rows[("lost-zero.png", 5)]
    assert lost.problems == () and lost.citizen_ids == ("049085001234",)
    assert lost.warnings == (REPAIRED_ID_WARNING,) and lost.issued_on == dt.date(2022, 2, 10)
    assert "unknown column 'colour'" in rows[("extra-column.png", 6)].problems[0]
    assert "relative path" in rows[("../outside.png", 7)].problems[0]
    assert rows[("part-1.png", 8)].group == "hs-01"
    assert "listed twice" in rows[("good.png", 12)].problems[0]


def test_semicolon_csv_with_bom_and_aliases() -> None:
    text = "\ufeffFile;Citizen ID;Issued-On\nsub\\a.pdf;049 085 001 234;9/2/2022\n"
    manifest = parse_manifest(text.encode("utf-8"), "m.csv")
    (row,) = manifest.rows
    assert row.file == "sub/a.pdf" and row.citizen_ids == ("049085001234",)
    assert row.issued_on == dt.date(2022, 2, 9) and row.problems == ()


def test_decomposed_text_is_nfc() -> None:
    text = "file,issuer\na.pdf,UBND huye\u0323\u0302n\n"
    (row,) = parse_manifest(text.encode(), "m.csv").rows
    assert row.issuer == "UBND huyện"


def test_xlsx_numbers_and_dates() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    sheet.append(["a.pdf", None, 49085001234, "Quyết định", "07/QĐ-UBND", dt.datetime(2022, 2, 9), None, None,
                  None, None, None, 2])
    buf = io.BytesIO()
    book.save(buf)
    (row,) = parse_manifest(buf.getvalue(), "m.xlsx").rows
    assert row.citizen_ids == ("049085001234",) and row.warnings == (REPAIRED_ID_WARNING,)
    assert row.issued_on == dt.date(2022, 2, 9) and row.pages == 2 and row.problems == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"citizen_id\n049085001234\n", "no 'file' column"),
        (b"", "empty"),
        (b"file,file\na,b\n", "repeated"),
        ("file\nạ\n".encode("utf-16"), "UTF-8"),
        (b"PK\x03\x04 broken workbook", "XLSX"),
    ],
)
def test_unusable_manifest_raises(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_manifest(data, "m.csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-02-09", dt.date(2022, 2, 9)),
        ("09/02/2022", dt.date(2022, 2, 9)),
        ("9.2.2022", dt.date(2022, 2, 9)),
        ("31/02/2022", None),
        ("2022/02/09", None),
        ("hôm qua", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_parse_citizen_ids_several_and_cmnd() -> None:
    ids, problems, warnings = parse_citizen_ids("049085001234; 123456789")
    assert ids == ("049085001234", "123456789") and problems == [] and warnings == []
    ids, problems, _ = parse_citizen_ids("999085001234")
    assert ids == () and len(problems) == 1 and "999085001234" not in problems[0]


def test_example_manifest_parses_cleanly() -> None:
    manifest = parse_manifest(EXAMPLE.read_bytes(), EXAMPLE.name)
    assert manifest.rows and all(not r.problems for r in manifest.rows)
    assert manifest.unknown_columns == ()
