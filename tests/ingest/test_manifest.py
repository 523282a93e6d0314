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


HEADER = "file,citizen_id,holder_name,notes\n"


def test_d2_unbalanced_quote_refused_with_row_number() -> None:
    """D2: an unbalanced quote no longer swallows the next row (and its citizen's ID) into a name."""
    text = HEADER + 'a.pdf,049085001234,"Nguyễn Văn An,\nb.pdf,049301004567,Trần Thị Bình,\n'
    with pytest.raises(InputError) as caught:
        parse_manifest(text.encode(), "m.csv")
    message = caught.value.one_line()
    assert "row 2, column 3 (holder_name): unbalanced quote" in message and "nothing was ingested" in message
    assert "049301004567" not in message and "049085001234" not in message


def test_d2_quote_closing_on_a_later_row_is_refused_too() -> None:
    text = HEADER + 'a.pdf,049085001234,"Nguyễn Văn An\nb.pdf,049301004567,Trần Thị Bình",\n'
    with pytest.raises(InputError, match=r"row 2, column 3 \(holder_name\): unbalanced quote.*row 3, column 3"):
        parse_manifest(text.encode(), "m.csv")


def test_d2_wrong_column_count_refused_with_row_number() -> None:
    text = HEADER + "a.pdf,049085001234,Nguyễn Văn An,\nb.pdf,049301004567,Trần,Thị Bình,ghi chú\n"
    with pytest.raises(InputError, match=r"row 3, column 5: more cells than the header has columns \(4\)"):
        parse_manifest(text.encode(), "m.csv")


def test_d2_quoted_cells_with_delimiters_and_doubled_quotes_still_parse() -> None:
    text = HEADER + 'a.pdf,049085001234,"Nguyễn Văn ""Út"" An","xã Trà Sơn, huyện Bắc Trà My"\r\nb.pdf,,,\r\n'
    rows = parse_manifest(text.encode(), "m.csv").rows
    assert rows[0].holder_name == 'Nguyễn Văn "Út" An' and rows[0].notes == "xã Trà Sơn, huyện Bắc Trà My"
    assert [r.line for r in rows] == [2, 3] and all(r.problems == () for r in rows)


def test_d12_control_characters_refused_with_row_and_column() -> None:
    """D12: NUL, BEL and other control characters are refused (the row's file is quarantined), not stored."""
    text = HEADER + "a.pdf,,Nguyễn\x00Văn An,\nb.pdf,,Trần Thị Bình,chuông\x07\nc.pdf,,Lê Văn Cường,\x1b[31m\n"
    text += "d.pdf,,Phạm Thị Dung,ghi chú\tcó tab\n"
    rows = {r.file: r for r in parse_manifest(text.encode(), "m.csv").rows}
    refused = "control character U+{} is not allowed in a value"
    assert rows["a.pdf"].problems == ("row 2, column 3 (holder_name): " + refused.format("0000"),)
    assert rows["b.pdf"].problems == ("row 3, column 4 (notes): " + refused.format("0007"),)
    assert "row 4, column 4 (notes): control character U+001B" in rows["c.pdf"].problems[0]
    assert rows["d.pdf"].problems == () and rows["d.pdf"].notes == "ghi chú\tcó tab"


def test_d12_control_characters_in_xlsx_cells_are_refused() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["file", "holder_name", "notes"])
    sheet.append(["a.pdf", "Nguyễn Văn An", "dòng một\ndòng hai"])
    sheet.append(["b.pdf", "Trần\x9bThị Bình", None])  # openpyxl cannot write C0; C1 is refused too
    buf = io.BytesIO()
    book.save(buf)
    rows = {r.file: r for r in parse_manifest(buf.getvalue(), "m.xlsx").rows}
    assert rows["a.pdf"].problems == () and rows["a.pdf"].notes == "dòng một\ndòng hai"
    assert rows["b.pdf"].problems == (
        "row 3, column 2 (holder_name): control character U+009B is not allowed in a value",
    )


_PEAK_SCRIPT = """
import resource, sys
from pathlib import Path
from ingest.manifest import read_manifest
from kho.errors import InputError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_manifest(Path(sys.argv[1]))
    print("accepted")
except InputError as e:
    print(e.one_line())
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024)
"""


def test_d7_100mb_line_refused_early_with_the_row_and_bounded_memory(tmp_path: Path) -> None:
    """D7: a 100 MB manifest line is refused at its row after reading ~16 KiB, not after ~1 GB of memory."""
    import subprocess
    import sys

    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.write(HEADER.encode() + b"a.pdf,049085001234,Nguyen Van An,ok\nb.pdf,,")
        block = b"A" * (1024 * 1024)
        for _ in range(100):
            fh.write(block)
        fh.write(b",\n")
    out = subprocess.run(
        [sys.executable, "-c", _PEAK_SCRIPT, str(path)], capture_output=True, text=True, timeout=120, check=True
    ).stdout.splitlines()
    assert out[0] == "huge.csv: manifest row 3 is longer than 16384 characters; a cell holds at most 1000"
    assert int(out[1]) < 20, f"peak memory grew by {out[1]} MiB while refusing the manifest"


def test_d7_manifest_larger_than_the_file_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.manifest as manifest_module

    monkeypatch.setattr(manifest_module, "MAX_MANIFEST_BYTES", 64 * 1024)
    path = tmp_path / "long.csv"
    path.write_text(HEADER + "".join(f"f{i}.pdf,,Nguyễn Văn An,\n" for i in range(5000)), encoding="utf-8")
    with pytest.raises(InputError, match=r"manifest is larger than 0\.0625 MiB"):
        manifest_module.read_manifest(path)


def test_d10_a_fifo_given_as_the_manifest_is_refused_without_waiting(tmp_path: Path) -> None:
    import os
    import threading

    from ingest.manifest import read_manifest

    fifo = tmp_path / "manifest.csv"
    os.mkfifo(fifo)
    errors: list[InputError] = []

    def read() -> None:
        try:
            read_manifest(fifo)
        except InputError as e:
            errors.append(e)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(10)
    assert errors, "reading a FIFO manifest hung"
    assert "FIFO (named pipe), not a regular file; not opened" in errors[0].one_line()
