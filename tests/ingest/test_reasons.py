"""Every reason a file of a batch can be set aside or fail with has a code, a Vietnamese sentence saying
what to do and its English; a library's words only as the detail after it (``ingest/reasons.py``).

The reasons are made by the real code that writes them (sources, plan, runner, the OCR pipeline's
errors, an upload's checks), so a message changed there without a rule here fails."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from ingest.manifest import Manifest, validate_row
from ingest.plan import plan_documents
from ingest.reasons import CODES, explain, reason_code, reason_text
from ingest.runner import WORKER_DIED
from ingest.sources import (
    EMPTY_FILE,
    EMPTY_ZIP,
    Discovery,
    SourceItem,
    ZipEntry,
    ZipLimits,
    check_zip,
    special_file_problem,
)
from kho.errors import InputError
from ocr import runner as ocr_runner
from ocr.rasterize import Limits, inspect_source
from web.uploads import scan_problem

VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ]|[àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIMITS = ZipLimits(max_entries=3, max_total_bytes=10_000, max_entry_bytes=5_000, max_ratio=10.0,
                   ratio_floor_bytes=100)


def _zip_problems() -> list[str]:
    def entry(name: str, size: int = 10, packed: int = 10, **flags: bool) -> ZipEntry:
        return ZipEntry(name, size, packed, flags.get("is_dir", False), flags.get("is_link", False),
                        flags.get("encrypted", False), flags.get("is_special", False))

    whole = [check_zip([entry(f"{n}.png") for n in range(4)], LIMITS).archive_problem,
             check_zip([entry("a.png", 4_000), entry("b.png", 4_000), entry("c.png", 4_000)], LIMITS).archive_problem,
             check_zip([entry("a.png", 1_000, 10)], LIMITS).archive_problem]
    entries = check_zip([entry("../x.png"), entry("l.png", is_link=True), entry("f", is_special=True)], LIMITS)
    more = check_zip([entry("e.png", encrypted=True), entry("big.png", 6_000, 6_000)],
                     ZipLimits(max_total_bytes=10_000, max_entry_bytes=5_000))
    return [p for p in (*whole, *entries.entry_problems, *more.entry_problems) if p]


def _plan_problems() -> list[str]:
    header = ["file", "citizen_id", "issued_on", "pages", "document", "document_type"]
    rows = (validate_row(2, header, ["a.png", "12345", "31/02/2023", "many", "", ""]),
            validate_row(3, header, ["gone.png", "", "", "", "", ""]),
            validate_row(4, header, ["b.png", "", "", "", "hs", "Quyết định"]),
            validate_row(5, header, ["c.png", "", "", "", "hs", "Giấy phép"]))
    items = [SourceItem(k, Path(k), k) for k in ("a.png", "b.png", "c.png")]
    planned = plan_documents(Discovery(items=items), Manifest("m.csv", rows))
    return [d.problem for d in planned if d.problem]


def _ocr_problems(tmp_path: Path) -> list[str]:
    found = []
    for name, data in (("notes.jpg", b"hello"), ("truncated.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
                       ("nopages.pdf", b"%PDF-1.4\n%%EOF\n")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError) as e:
            inspect_source(tmp_path / name, Limits(), read_text_layer=False)
        found.append(e.value.message)
    found.append(ocr_runner._timeout_error("tesseract", 180, "a.png").message)
    found.append(ocr_runner._pdf_failure(RuntimeError("Syntax Error: Couldn't find trailer dictionary"), "a").message)
    found.append(ocr_runner._pdf_failure(RuntimeError("Incorrect password"), "a").message)
    return found


def _upload_problems() -> list[str]:
    checks = [("empty.jpg", b""), ("notes.txt", b"hello"), ("fake.pdf", b"nope"), ("picture.pdf", PNG),
              ("archive.zip", PNG)]
    return [p for name, head in checks if (p := scan_problem(name, head))]


def every_reason(tmp_path: Path) -> list[str]:
    """The reasons kho writes, from the code that writes them."""
    modes = (stat.S_IFIFO, stat.S_IFCHR, stat.S_IFSOCK, stat.S_IFDIR, stat.S_IFLNK)
    return [
        *(p for mode in modes if (p := special_file_problem(mode | 0o644))),
        *_zip_problems(), EMPTY_ZIP, EMPTY_FILE, WORKER_DIED, *_plan_problems(), *_ocr_problems(tmp_path),
        *_upload_problems(), "index refused the record: mapper_parsing_exception",
        # written inline (f-strings) by ingest/sources.py and ocr/rasterize.py:
        "corrupt or unreadable ZIP: File is not a zip file", "corrupt ZIP entry: Bad CRC-32",
        "ZIP inside a ZIP; unpack the inner archive and submit its files",
        "2 pages, more than the limit of 1 (KHO_MAX_PAGES); split the file",
        "image too large (decompression bomb?)", "page 3 is too large (40000x40000 pixels)",
        "/tmp/work/p1.png: tesseract failed: exit status 1: Error in pixReadMem",  # a failure: e.one_line()
        "scans/2.jpg: corrupt or unreadable image: cannot identify image file", "not found",
        "cannot read the file: Permission denied", "symbolic link; not followed (copy the file itself)",
    ]


def test_every_reason_kho_writes_has_a_code_and_words_in_both_languages(tmp_path: Path) -> None:
    reasons = every_reason(tmp_path)
    assert len(reasons) > 30
    seen = set()
    for reason in reasons:
        why = explain(reason)
        assert why is not None and why.code != "other", reason
        seen.add(why.code)
        assert VIETNAMESE.search(why.vi) and why.vi.endswith("."), (reason, why.vi)
        assert not VIETNAMESE.search(why.en.replace("Quyết định", "")), (reason, why.en)
        vietnamese = why.text("vi")
        sentence = vietnamese.partition(" (chi tiết: ")[0]
        assert "hãy" in sentence or "chạy lại" in sentence, (reason, sentence)  # says what to do
        assert reason not in sentence or VIETNAMESE.search(reason), reason  # never the raw English as the reason
        english = why.text("en")
        assert " (chi tiết: " not in english and ("(details: " in english) == bool(why.detail)
    assert seen == set(CODES) - {"other"}  # every rule is reached by a reason kho writes


def test_library_words_are_only_a_detail() -> None:
    poppler = "corrupt PDF: poppler cannot read it (Syntax Error: Couldn't find trailer dictionary)"
    assert reason_code(poppler) == "corrupt_pdf"
    assert reason_text(poppler) == ("PDF bị hỏng, không mở được; hãy quét lại hoặc xuất lại tệp rồi gửi lại. "
                                    "(chi tiết: Syntax Error: Couldn't find trailer dictionary)")
    assert reason_text(poppler, "en") == ("The PDF is damaged and cannot be opened; scan or export the file again "
                                          "and send it again. (details: Syntax Error: Couldn't find trailer "
                                          "dictionary)")


def test_a_file_of_a_several_file_document_and_an_error_subject() -> None:
    inner = explain("scans/2.jpg: corrupt or unreadable image: cannot identify image file")
    assert inner is not None and inner.where == "scans/2.jpg" and inner.code == "corrupt_image"
    assert inner.text().startswith("scans/2.jpg: Ảnh bị hỏng")
    timeout = explain("/srv/kho/uploads/x/a.png: tesseract took longer than 180 s; the file may be damaged")
    assert timeout is not None and timeout.code == "timeout" and timeout.where == ""
    assert "/srv/kho" not in timeout.text()


def test_a_manifest_rows_problems_are_worded_one_by_one() -> None:
    [problem] = [p for p in _plan_problems() if p.startswith("manifest row 2")]
    text = reason_text(problem)
    assert text is not None and text.startswith("Dòng 2 của bảng kê có lỗi")
    assert "ngày ban hành (issued_on) không phải một ngày có thật" in text and "'31/02/2023'" in text
    assert "số trang (pages) không phải số nguyên dương: 'many'" in text and "số định danh (citizen_id)" in text
    assert "is not a date" not in text and "issued_on is not a date" in (reason_text(problem, "en") or "")


def test_an_unknown_reason_is_other_with_the_text_as_detail() -> None:
    why = explain("ValueError: boom")
    assert why is not None and why.code == "other" and why.detail == "ValueError: boom"
    assert why.text().startswith("Không xử lý được tệp này") and why.text().endswith("(chi tiết: ValueError: boom)")
    assert explain(None) is None and explain("  ") is None and reason_code("") is None
