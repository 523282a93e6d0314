"""Whole documents through ``ocr_document`` with the serial executor (and once with processes)."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr import runner
from ocr.pipeline import (
    W_BLANK,
    W_JUNK_TEXT_LAYER,
    W_ROTATED,
    W_TEXT_LAYER,
    OcrOptions,
    PageTask,
    SerialExecutor,
    ocr_document,
    page_executor,
    plan_tasks,
)
from ocr.rasterize import inspect_source

OPTIONS = OcrOptions(timeout=120)


def _tiff(path: Path, pages: list[np.ndarray], dpi: int = 300) -> Path:
    images = [Image.fromarray(p) for p in pages]
    images[0].save(path, save_all=True, append_images=images[1:], dpi=(dpi, dpi), compression="tiff_lzw")
    return path


def test_upright_rotated_and_blank_pages(tmp_path: Path, page: np.ndarray) -> None:
    blank = np.full_like(page, 245)
    path = _tiff(tmp_path / "three.tif", [page, cv2.rotate(page, cv2.ROTATE_180), blank])
    doc = ocr_document(path, OPTIONS, SerialExecutor())
    first, second, third = doc.pages
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert "Quảng Nam" in first.text and "049085001234" in first.text
    assert first.rotation == 0 and first.warnings == [] and first.confidence > 85
    assert second.rotation == 180 and W_ROTATED in second.warnings
    assert "Quảng Nam" in second.text
    assert third.blank and third.text == "" and W_BLANK in third.warnings
    assert doc.text.count("\f") == 2
    assert doc.confidence == pytest.approx((first.confidence + second.confidence) / 2, abs=0.01)


def test_sideways_page_without_osd_uses_recognition_candidates(tmp_path: Path, page: np.ndarray) -> None:
    path = _tiff(tmp_path / "side.tif", [cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE)])
    doc = ocr_document(path, OcrOptions(timeout=120, osd=False), SerialExecutor())
    assert doc.pages[0].rotation == 90
    assert "Quảng Nam" in doc.pages[0].text


def test_skewed_low_resolution_page(tmp_path: Path, page: np.ndarray, rotate: Callable[..., np.ndarray]) -> None:
    tilted = cv2.resize(rotate(page, 4.0), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    path = _tiff(tmp_path / "tilted.tif", [tilted], dpi=150)
    result = ocr_document(path, OPTIONS, SerialExecutor()).pages[0]
    assert result.skew == pytest.approx(4.0, abs=0.3)
    assert result.dpi == 150 and "low-dpi" in result.warnings
    assert "Điều 1. Cấp giấy phép" in result.text


def _searchable_pdf(image: Path, out: Path, lang: str) -> Path:
    argv = runner.tesseract_argv(image, out.with_suffix(""), lang=lang, dpi=300, outputs=("pdf",))
    assert runner.run(argv, timeout=120, subject=str(image)).ok
    return out


def test_vietnamese_text_layer_is_kept_unless_forced(tmp_path: Path, page: np.ndarray) -> None:
    image = tmp_path / "p.png"
    Image.fromarray(page).save(image, dpi=(300, 300))
    pdf = _searchable_pdf(image, tmp_path / "born.pdf", "vie")
    kept = ocr_document(pdf, OPTIONS, SerialExecutor()).pages[0]
    assert W_TEXT_LAYER in kept.warnings and kept.from_text_layer and kept.confidence == 100.0
    assert "Quảng Nam" in kept.text
    forced = ocr_document(pdf, OcrOptions(timeout=120, force_ocr=True), SerialExecutor()).pages[0]
    assert not forced.from_text_layer and W_TEXT_LAYER not in forced.warnings


def test_junk_text_layer_is_not_trusted(tmp_path: Path, page: np.ndarray) -> None:
    image = tmp_path / "p.png"
    Image.fromarray(page).save(image, dpi=(300, 300))
    pdf = _searchable_pdf(image, tmp_path / "junk.pdf", "eng")   # English model: accents lost
    source = inspect_source(pdf, OPTIONS.limits)
    assert source.text_layer[0]                                   # there is a layer ...
    assert plan_tasks(source, OPTIONS)[0].existing_text is None   # ... but it is not trusted
    result = ocr_document(pdf, OPTIONS, SerialExecutor()).pages[0]
    assert W_JUNK_TEXT_LAYER in result.warnings
    assert "Quảng Nam" in result.text


def test_tasks_and_results_pickle(tmp_path: Path, page: np.ndarray) -> None:
    path = _tiff(tmp_path / "one.tif", [page])
    task = plan_tasks(inspect_source(path, OPTIONS.limits), OPTIONS)[0]
    assert pickle.loads(pickle.dumps(task)) == task
    assert isinstance(task, PageTask)


@pytest.mark.slow
def test_process_pool_gives_the_same_result_as_serial(tmp_path: Path, page: np.ndarray) -> None:
    path = _tiff(tmp_path / "two.tif", [page, page[:, ::-1].copy()])
    options = OcrOptions(timeout=120, text_pdf=True, images=True)
    serial = ocr_document(path, options, SerialExecutor())
    with page_executor(2, 2) as pool:
        parallel = ocr_document(path, options, pool)
    assert parallel.to_json() == serial.to_json()
    assert all(p.image is not None and p.thumbnail is not None and p.text_pdf for p in parallel.pages)


def test_json_shape(tmp_path: Path, page: np.ndarray) -> None:
    path = _tiff(tmp_path / "one.tif", [page])
    body = ocr_document(path, OPTIONS, SerialExecutor()).to_json()
    assert list(body) == ["file", "text", "pages"]
    assert list(body["pages"][0]) == ["number", "text", "confidence", "rotation", "skew", "dpi", "blank", "warnings"]
    assert body["file"] == str(path)


def test_jpeg_scan_is_kept_byte_for_byte_as_the_archive_image(tmp_path: Path, page: np.ndarray) -> None:
    path = tmp_path / "scan.jpg"
    Image.fromarray(page).save(path, dpi=(300, 300), quality=90)
    result = ocr_document(path, OcrOptions(timeout=120, images=True), SerialExecutor()).pages[0]
    assert result.image is not None and result.thumbnail is not None
    assert result.image.data == path.read_bytes()
    assert (result.image.width, result.image.height, result.image.dpi) == (page.shape[1], page.shape[0], 300)


def test_exif_turned_jpeg_is_stored_upright(tmp_path: Path, page: np.ndarray) -> None:
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6                                     # "rotate 90° clockwise to view"
    Image.fromarray(cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE)).save(path, dpi=(300, 300), exif=exif)
    result = ocr_document(path, OcrOptions(timeout=120, images=True), SerialExecutor()).pages[0]
    assert result.image is not None and result.image.data != path.read_bytes()
    assert (result.image.width, result.image.height) == (page.shape[1], page.shape[0])
    assert result.rotation == 0 and "Quảng Nam" in result.text
