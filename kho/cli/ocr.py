"""``kho ocr FILE``: recognise a scanned file and print or write its text, JSON and searchable PDF."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kho.cli.lang import command, t
from kho.context import CliContext
from kho.errors import InputError, UsageError

if TYPE_CHECKING:
    from ocr.pipeline import DocumentOcr


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def document_json(document: DocumentOcr) -> str:
    """The ``--json`` output of a document (UTF-8 text, NFC, not ASCII-escaped)."""
    from ocr.understand import document_fields

    data = document.to_json()
    data["fields"] = document_fields(document.pages).to_json()  # extracted fields (docs/fields.md), after "pages"
    return json.dumps(data, ensure_ascii=False, indent=2)


def write_outputs(document: DocumentOcr, source: Path, out_dir: Path) -> list[Path]:
    """Write ``NAME.pdf``, ``NAME.txt`` and ``NAME.json`` for ``document`` into ``out_dir``."""
    from ocr.pdfout import searchable_pdf

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(t(f"không tạo được thư mục kết quả: {e.strerror}",
                           f"cannot create the output folder: {e.strerror}"), subject=str(out_dir)) from e
    stem = source.stem
    outputs = [
        (out_dir / f"{stem}.pdf", searchable_pdf(document, source)),
        (out_dir / f"{stem}.txt", (document.text + "\n").encode("utf-8")),
        (out_dir / f"{stem}.json", (document_json(document) + "\n").encode("utf-8")),
    ]
    for path, data in outputs:
        write_atomic(path, data)
    return [path for path, _ in outputs]


def _check_langs(lang: str, timeout: float) -> bool:
    """Check every language of ``lang`` is installed; True when ``osd`` is too."""
    from ocr.recognize import available_languages

    installed = available_languages(timeout)
    missing = [code for code in lang.split("+") if code not in installed]
    if missing:
        raise UsageError(
            t(f"chưa cài dữ liệu ngôn ngữ Tesseract: {', '.join(missing)} (đã cài: {', '.join(sorted(installed))}); "
              f"trên Debian hãy cài tesseract-ocr-{missing[0]}",
              f"Tesseract language data not installed: {', '.join(missing)} (installed: "
              f"{', '.join(sorted(installed))}); on Debian install tesseract-ocr-{missing[0]}"),
            subject="--lang",
        )
    return "osd" in installed


@command("ocr", "Nhận dạng chữ (OCR) một tệp quét FILE (PDF, TIFF, JPEG, PNG).",
         "Recognise the text of a scanned FILE (PDF, TIFF, JPEG, PNG).")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--text", "as_text", is_flag=True, help=t("In chữ của mọi trang (ký tự sang trang giữa các trang).",
                                                        "Print the text of all pages (form feed between pages)."))
@click.option("--json", "as_json", is_flag=True, help=t("In chữ, độ tin cậy và thông tin trang dạng JSON.",
                                                        "Print text, confidences and page facts as JSON."))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help=t("Ghi NAME.pdf (tìm kiếm được), NAME.txt và NAME.json vào thư mục này.",
                     "Write NAME.pdf (searchable), NAME.txt and NAME.json into this folder."))
@click.option("--jobs", type=click.IntRange(min=1), help=t("Số tiến trình (mặc định: mỗi lõi một).",
                                                           "Worker processes (default: one per core)."))
@click.option("--lang", help=t("Ngôn ngữ Tesseract nối bằng '+' (mặc định: KHO_OCR_LANG, vie).",
                               "Tesseract languages joined by '+' (default: KHO_OCR_LANG, vie)."))
@click.option("--dpi", type=click.IntRange(72, 1200), help=t("Độ phân giải khi chuyển PDF thành ảnh (mặc định 300).",
                                                             "Resolution for rasterising PDFs (default 300)."))
@click.option("--force-ocr", is_flag=True, help=t("Nhận dạng mọi trang kể cả khi PDF đã có lớp chữ tốt.",
                                                  "OCR every page even if the PDF has a good text layer."))
@click.pass_obj
def ocr(obj: CliContext, file: Path, as_text: bool, as_json: bool, out_dir: Path | None,
        jobs: int | None, lang: str | None, dpi: int | None, force_ocr: bool) -> None:
    """Recognise ``file`` and print its text or JSON, or write its outputs."""
    from ocr.pipeline import OcrOptions, ocr_document, page_executor
    from ocr.rasterize import inspect_source

    if not (as_text or as_json or out_dir):
        as_text = True
    if as_text and as_json:
        raise UsageError(t("chọn một trong --text và --json", "choose one of --text and --json"), subject="kho ocr")
    settings = obj.settings
    if not file.exists():
        raise InputError(t("không tìm thấy tệp", "file not found"), subject=str(file))
    osd = _check_langs(lang or settings.ocr_lang, float(settings.ocr_timeout))
    options = OcrOptions.from_settings(settings, lang=lang, dpi=dpi, force_ocr=force_ocr,
                                       text_pdf=out_dir is not None, osd=osd)
    pages = inspect_source(file, options.limits, read_text_layer=False).page_count
    with page_executor(jobs or settings.effective_jobs, pages) as executor:
        document = ocr_document(file, options, executor)
    if out_dir is not None:
        for path in write_outputs(document, file, out_dir):
            click.echo(t(f"kho: đã ghi {path}", f"kho: wrote {path}"), err=True)
    if as_json:
        click.echo(document_json(document))
    elif as_text:
        click.echo(document.text)
