"""Why a file of a batch was set aside or failed, in words: a stable code, a Vietnamese sentence that
says what to do, its English, and the raw technical detail (pure).

The steps of a batch record one reason text per item (``BatchItem.reason``): kho's own messages
(``ingest/sources.py``, ``ingest/plan.py``, the OCR pipeline's errors, an upload's checks) and,
inside them, what a library said (poppler, Pillow, zipfile). :func:`explain` recognises every
reason kho writes (older batches' too, since only the text is stored) and gives an
:class:`ItemReason`: the batch page, the API (``reason_code``), the batch report and ``kho ingest``
show its sentence in their language, the library's words only as a detail after it. A reason no
rule knows becomes ``other`` with the text as its detail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_Words = Callable[[dict[str, str]], tuple[str, str]]


@dataclass(frozen=True)
class ItemReason:
    """A reason in words: ``code`` (stable, for programs), ``vi`` and ``en`` sentences, technical ``detail``."""

    code: str
    vi: str
    en: str
    detail: str = ""
    where: str = ""
    """The file of a several-file document the reason is about (``scans/2.jpg``), if any."""
    detail_vi: str = ""
    """The detail in Vietnamese, when kho wrote it and knows its words (a manifest row's problems)."""

    def sentence(self, language: str = "vi") -> str:
        """The sentence alone in ``language`` (``vi`` or ``en``), naming the file it is about."""
        words = self.en if language == "en" else self.vi
        return f"{self.where}: {words}" if self.where else words

    def text(self, language: str = "vi") -> str:
        """The sentence, then the technical detail in brackets (``(chi tiết: …)`` / ``(details: …)``)."""
        if not self.detail:
            return self.sentence(language)
        if language == "en":
            return f"{self.sentence(language)} (details: {self.detail})"
        return f"{self.sentence(language)} (chi tiết: {self.detail_vi or self.detail})"


def _fixed(vi: str, en: str) -> _Words:
    return lambda _groups: (vi, en)


def _resend(what_vi: str, what_en: str) -> _Words:
    return _fixed(f"{what_vi}; hãy quét lại hoặc xuất lại tệp rồi gửi lại.",
                  f"{what_en}; scan or export the file again and send it again.")


_KIND_EN = {"PDF": "a PDF", "ảnh TIFF": "a TIFF image", "ảnh JPEG": "a JPEG image", "ảnh PNG": "a PNG image"}
_ZIP_AGAIN_VI = "hãy nén lại chỉ các tệp quét rồi gửi lại"
_ZIP_AGAIN_EN = "zip only the scans again and send the new ZIP"
_Rule = tuple[str, re.Pattern[str], _Words, str | None]

# (code, pattern searched in the reason, words from the pattern's groups, group holding the technical detail).
# Order matters: the first rule that matches wins (ZIP rules before the general size rules).
_RULES: tuple[_Rule, ...] = (
    ("empty_file", re.compile(r"tệp rỗng|empty file|\(0 bytes?\)"),
     _fixed("Tệp rỗng (0 byte), không có trang nào để đọc; hãy chọn lại đúng tệp (hoặc quét lại) rồi gửi lại.",
            "The file is empty (0 bytes): there is no page to read; choose the right file (or scan it again) "
            "and send it again."), None),
    ("wrong_extension", re.compile(r"tên là (?P<ext>\S+) nhưng nội dung là (?P<kind>[^;]+);"),
     lambda g: (f"Tên tệp có đuôi {g['ext']} nhưng nội dung là {g['kind']}; hãy đổi đuôi tệp cho đúng rồi "
                "gửi lại.",
                f"The file is named {g['ext']} but holds {_KIND_EN.get(g['kind'], 'another kind of file')}; give "
                "it the right extension and send it again."), None),
    ("wrong_content", re.compile(r"tên là (?P<ext>\S+) nhưng nội dung không phải ảnh quét"),
     lambda g: (f"Tên tệp có đuôi {g['ext']} nhưng nội dung không phải ảnh quét (tệp hỏng hoặc sai loại); hãy chọn "
                "lại đúng tệp (hoặc quét lại) rồi gửi lại.",
                f"The file is named {g['ext']} but its content is not a scan (a damaged or wrong file); choose the "
                "right file (or scan it again) and send it again."), None),
    ("not_a_zip", re.compile(r"tên là \.zip nhưng không phải tệp nén ZIP"),
     _fixed("Tên tệp có đuôi .zip nhưng không phải tệp nén ZIP; hãy chọn lại đúng tệp rồi gửi lại.",
            "The file is named .zip but is not a ZIP archive; choose the right file and send it again."), None),
    ("zip_empty", re.compile(r"^ZIP không có tệp nào|the ZIP holds no files"),
     _fixed("Tệp ZIP không có tệp quét nào để nhập (rỗng, hoặc chỉ có thư mục và tệp phụ); hãy gửi tệp ZIP "
            "chứa các bản quét PDF, TIFF, JPEG hoặc PNG.",
            "The ZIP holds no scans to ingest (it is empty, or has only folders and side files); send a ZIP "
            "of PDF, TIFF, JPEG or PNG scans."), None),
    ("zip_corrupt", re.compile(r"corrupt (?:or unreadable ZIP|ZIP entry): (?P<detail>.*)$"),
     _fixed(f"Tệp ZIP bị hỏng, không giải nén được; {_ZIP_AGAIN_VI}.",
            f"The ZIP is damaged and cannot be unpacked; {_ZIP_AGAIN_EN}."), "detail"),
    ("zip_nested", re.compile(r"ZIP inside a ZIP"),
     _fixed("Tệp ZIP nằm trong tệp ZIP; hãy giải nén tệp ZIP bên trong rồi gửi các tệp của nó.",
            "A ZIP inside the ZIP; unpack the inner ZIP and send its files."), None),
    ("zip_encrypted", re.compile(r"encrypted ZIP entry"),
     _fixed("Tệp trong ZIP có mật khẩu; hãy giải nén bằng mật khẩu rồi gửi các tệp đã giải nén.",
            "A file in the ZIP is protected by a password; unpack it with its password and send the files."),
     None),
    ("zip_unsafe_entry", re.compile(r"unsafe path in ZIP|link inside ZIP|inside ZIP; not extracted"),
     _fixed(f"Mục này trong ZIP có đường dẫn hoặc loại không an toàn nên không được giải nén; {_ZIP_AGAIN_VI}.",
            f"This ZIP entry has an unsafe path or kind, so it was not unpacked; {_ZIP_AGAIN_EN}."), None),
    ("zip_too_large", re.compile(r"^ZIP (?:has \d+ entries|would expand|compression ratio|entry)"),
     _fixed("Tệp ZIP quá lớn hoặc nén bất thường (có thể là tệp độc hại) nên không được giải nén; hãy chia "
            "thành nhiều tệp ZIP nhỏ hơn rồi gửi lại.",
            "The ZIP is too large or compressed suspiciously (possibly a hostile file), so it was not unpacked; "
            "split it into smaller ZIPs and send them again."), None),
    ("encrypted_pdf", re.compile(r"encrypted PDF"),
     _fixed("PDF có đặt mật khẩu; hãy lưu một bản không đặt mật khẩu rồi gửi lại.",
            "The PDF is protected by a password; save a copy without a password and send it again."), None),
    ("corrupt_pdf", re.compile(r"corrupt PDF: poppler cannot read it \((?P<detail>.*)\)$|"
                               r"cannot copy pages from the PDF: (?P<detail2>.*)$|corrupt PDF: it has no pages|"
                               r"page \d+ did not render"),
     _resend("PDF bị hỏng, không mở được", "The PDF is damaged and cannot be opened"), "detail"),
    ("corrupt_image", re.compile(r"corrupt (?:or unreadable image|image data on page \d+): (?P<detail>.*)$"),
     _resend("Ảnh bị hỏng, không đọc được", "The image is damaged and cannot be read"), "detail"),
    ("too_many_pages", re.compile(r"(?P<n>\d+) pages, more than the limit of (?P<max>\d+)"),
     lambda g: (f"Tệp có {g['n']} trang, quá giới hạn {g['max']} trang (KHO_MAX_PAGES); hãy tách thành các tệp "
                "nhỏ hơn rồi gửi lại.",
                f"The file has {g['n']} pages, more than the limit of {g['max']} (KHO_MAX_PAGES); split it into "
                "smaller files and send them again."), None),
    ("image_too_large", re.compile(r"too large|decompression bomb|exceeds the limit of \d+ pixels"),
     _fixed("Ảnh quá lớn để xử lý (có thể là tệp độc hại); hãy quét lại ở 300 dpi rồi gửi lại.",
            "The image is too large to process (possibly a hostile file); scan it again at 300 dpi and send it "
            "again."), None),
    ("unsupported_type", re.compile(r"unsupported file type|not a PDF, TIFF, JPEG or PNG|không phải tệp quét"),
     _fixed("Không phải tệp quét kho đọc được; hãy gửi tệp PDF, TIFF, JPEG hoặc PNG (hoặc tệp ZIP chứa các tệp "
            "đó).",
            "Not a scan kho reads; send PDF, TIFF, JPEG or PNG files (or a ZIP of them)."), None),
    ("timeout", re.compile(r"(?P<program>[\w-]+) took longer than (?P<seconds>[\d.]+) s"),
     lambda g: (f"Xử lý quá thời gian cho phép ({g['seconds']} giây, {g['program']}): tệp có thể hỏng hoặc quá "
                "phức tạp, hoặc máy đang bận; hãy chạy lại lô để thử lại, hoặc tăng KHO_OCR_TIMEOUT.",
                f"Processing took longer than allowed ({g['seconds']} s, {g['program']}): the file may be damaged "
                "or too complex, or the machine busy; run the batch again to retry, or raise KHO_OCR_TIMEOUT."),
     None),
    ("worker_died", re.compile(r"worker process died"),
     _fixed("Tiến trình đọc trang dừng đột ngột (hết bộ nhớ hoặc bị lỗi); hãy chạy lại lô để thử lại.",
            "The process reading the pages stopped suddenly (out of memory, or a crash); run the batch again "
            "to retry."), None),
    ("index_refused", re.compile(r"index refused the record: (?P<detail>.*)$"),
     _fixed("Hồ sơ đã được lưu nhưng chỉ mục tìm kiếm chưa nhận; hãy chạy lại lô (hoặc `kho reindex`) để "
            "lập chỉ mục.",
            "The record is stored but the search index did not take it; run the batch again (or `kho reindex`) "
            "to index it."), "detail"),
    ("manifest_file_missing", re.compile(r"file '(?P<file>.*)' \(manifest row (?P<row>\d+)\) is not among"),
     lambda g: (f"Dòng {g['row']} của bảng kê ghi tệp “{g['file']}” nhưng tệp đó không có trong lô; hãy gửi thêm "
                "tệp hoặc sửa bảng kê.",
                f"Row {g['row']} of the manifest names the file “{g['file']}”, which is not in the batch; send the "
                "file or correct the manifest."), None),
    ("manifest_rows_disagree",
     re.compile(r"manifest rows (?P<rows>[\d, ]+) of document '(?P<doc>.*)' disagree on (?P<column>\w+)"),
     lambda g: (f"Các dòng {g['rows']} của bảng kê (văn bản “{g['doc']}”) ghi khác nhau ở cột {g['column']}; hãy "
                "sửa cho thống nhất rồi chạy lại.",
                f"Rows {g['rows']} of the manifest (document “{g['doc']}”) disagree on the column {g['column']}; "
                "make them agree and run again."), None),
    ("manifest_row_invalid", re.compile(r"manifest row (?P<row>\d+): (?P<detail>.*)$"),
     lambda g: (f"Dòng {g['row']} của bảng kê có lỗi (xem chi tiết); hãy sửa dòng đó rồi chạy lại.",
                f"Row {g['row']} of the manifest has errors (see the details); correct the row and run again."),
     "detail"),
    ("not_found", re.compile(r"^(?:file )?not found$"),
     _fixed("Không tìm thấy tệp; hãy kiểm tra đường dẫn rồi chạy lại.",
            "The file was not found; check its path and run again."), None),
    ("unreadable_file", re.compile(r"cannot read the file: (?P<detail>.*)$"),
     _fixed("Không đọc được tệp (quyền truy cập hoặc lỗi đĩa); hãy kiểm tra tệp rồi chạy lại.",
            "The file cannot be read (permissions, or a disk error); check the file and run again."), "detail"),
    ("not_regular_file",
     re.compile(r"^(?P<detail>[^;]*?), not a regular file|^(?P<detail2>symbolic link); not followed"),
     _fixed("Không phải tệp thường (liên kết, thư mục, thiết bị…) nên không được mở; hãy đưa chính tệp quét cho "
            "kho.",
            "Not a regular file (a link, a folder, a device…), so it was not opened; give kho the scan itself."),
     "detail"),
    ("ocr_failed", re.compile(r"(?i)tesseract|pdftoppm|pdfinfo|poppler"),
     _fixed("Bộ nhận dạng chữ không chạy được với tệp này; hãy chạy lại lô, nếu vẫn lỗi hãy báo quản trị viên.",
            "Text recognition could not run on this file; run the batch again, and if it fails again tell the "
            "administrator."), "all"),
)

_ROW_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^issued_on is not a date \(YYYY-MM-DD or DD/MM/YYYY\): (?P<v>.*)$"),
     "ngày ban hành (issued_on) không phải một ngày có thật (YYYY-MM-DD hoặc DD/MM/YYYY): {v}"),
    (re.compile(r"^pages is not a positive whole number: (?P<v>.*)$"),
     "số trang (pages) không phải số nguyên dương: {v}"),
    (re.compile(r"^row (?P<v>\d+) names no file$"), "dòng {v} không ghi tên tệp (file)"),
    (re.compile(r"^file must be a relative path inside the batch"),
     "tên tệp (file) phải là đường dẫn tương đối trong lô (không có '..', không bắt đầu bằng /)"),
    (re.compile(r"^unknown column '(?P<v>[^']*)'"), "cột không biết: '{v}'"),
    (re.compile(r"^(?P<v>\w+) is longer than (?P<n>\d+) characters$"), "cột {v} dài quá {n} ký tự"),
    (re.compile(r"^citizen_id: (?P<v>.*)$"), "số định danh (citizen_id) không hợp lệ: {v}"),
    (re.compile(r"^row \d+, (?P<v>column \d+.*?): control character (?P<n>U\+[0-9A-F]+)"),
     "{v}: có ký tự điều khiển {n}, không được phép"),
)


def row_problems_vi(detail: str) -> str:
    """A manifest row's problems (``; ``-separated, as ``ingest/manifest.py`` writes them) in Vietnamese;
    a problem not known is kept as written."""
    out = []
    for problem in detail.split("; "):
        for pattern, words in _ROW_PROBLEMS:
            found = pattern.search(problem)
            if found is not None:
                problem = words.format(**found.groupdict())
                break
        out.append(problem)
    return "; ".join(out)


_OTHER = ("Không xử lý được tệp này (xem chi tiết); hãy sửa hoặc thay tệp rồi chạy lại lô.",
          "This file could not be processed (see the details); correct or replace it and run the batch again.")
_LEAD = re.compile(r"^(?P<where>[^:/\s][^:]*?\.[A-Za-z0-9]{2,5}(?:#\d+)?): ")


def _detail(found: re.Match[str], group: str | None) -> str:
    if group is None:
        return ""
    if group == "all":
        return found.string.strip()
    for name in (group, group + "2"):
        value = found.groupdict().get(name)
        if value:
            return value.strip()
    return ""


def explain(reason: str | None) -> ItemReason | None:
    """The :class:`ItemReason` of a stored reason text; ``None`` when there is none.

    A leading relative file name (``scans/2.jpg: …``, the file of a several-file document) is kept as
    :attr:`ItemReason.where`; an absolute path in front (the subject of an error) is left out.
    """
    if not reason or not reason.strip():
        return None
    text = " ".join(reason.split())
    where = ""
    lead = _LEAD.match(text)
    if lead is not None:
        where, text = lead["where"], text[lead.end():]
    elif text.startswith("/") and ": " in text:
        text = text.split(": ", 1)[1]
    for code, pattern, words, detail_group in _RULES:
        found = pattern.search(text)
        if found is not None:
            vi, en = words({k: v for k, v in found.groupdict().items() if v is not None})
            detail = _detail(found, detail_group)
            detail_vi = row_problems_vi(detail) if code == "manifest_row_invalid" else ""
            return ItemReason(code, vi, en, detail, where, detail_vi)
    return ItemReason("other", *_OTHER, detail=text, where=where)


def reason_code(reason: str | None) -> str | None:
    """The stable code of a stored reason (``empty_file``, ``corrupt_pdf``, ``timeout``, … ``other``)."""
    found = explain(reason)
    return None if found is None else found.code


def reason_text(reason: str | None, language: str = "vi") -> str | None:
    """A stored reason as a sentence in ``language`` with what to do, the technical detail after it."""
    found = explain(reason)
    return None if found is None else found.text(language)


CODES: tuple[str, ...] = (*(rule[0] for rule in _RULES), "other")
"""Every reason code, as the API documents them."""
