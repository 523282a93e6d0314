"""Whole documents through ``ocr_document`` with the serial executor (and once with processes)."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import colour_pages
import cv2
import numpy as np
import pytest
from PIL import Image

from ocr import orientation, pipeline, recognize, runner
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
from ocr.prepare import prepare_page
from ocr.rasterize import inspect_source
from ocr.recognize import Recognition, Word, parse_tsv

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


# Orientation that never costs a reading, and colour/polarity never worse than plain (issue 13 items 3-4).

CAPS = (
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "QUYẾT ĐỊNH VỀ VIỆC CẤP GIẤY PHÉP XÂY DỰNG",
    "ĐIỀU 1. CẤP GIẤY PHÉP CHO HỘ ÔNG NGUYỄN VĂN THÀNH",
    "ĐIỀU 2. QUYẾT ĐỊNH NÀY CÓ HIỆU LỰC KỂ TỪ NGÀY KÝ",
)


def _good_words(words: tuple[Word, ...]) -> int:
    return sum(1 for w in words if w.confidence >= pipeline.GOOD_WORD_CONFIDENCE)


def _plain_tesseract_words(path: Path) -> tuple[Word, ...]:
    out = path.with_name(path.stem + "-plain")
    done = runner.run(["tesseract", str(path), str(out), "-l", "vie", "tsv"], timeout=120, subject=str(path))
    assert done.ok
    return parse_tsv(out.with_suffix(".tsv").read_text("utf-8"))


class _CountReadings:
    """Calls through to the real recogniser, counting readings of the whole page (not probes)."""

    def __init__(self, real: Callable[..., Recognition], page_rows: int) -> None:
        self.real, self.page_rows, self.full = real, page_rows, 0

    def __call__(self, image: np.ndarray, **kwargs: Any) -> Recognition:
        if image.shape[0] >= self.page_rows // 2:
            self.full += 1
        return self.real(image, **kwargs)


def test_upside_down_page_with_weak_line_shape_is_turned_by_a_probe_before_reading(
    tmp_path: Path, make_page: Callable[..., np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    caps = make_page(CAPS, height=1200)
    turned = cv2.rotate(caps, cv2.ROTATE_180)
    assert orientation.evident_turn(turned) is None          # capitals: the line shape cannot tell
    counter = _CountReadings(recognize.recognize, caps.shape[0])
    monkeypatch.setattr(recognize, "recognize", counter)
    result = ocr_document(_tiff(tmp_path / "caps.tif", [turned]), OPTIONS, SerialExecutor()).pages[0]
    assert result.rotation == 180 and "QUẢNG NAM" in result.text
    assert counter.full == 1                                  # no upside-down reading, no second reading


def test_reading_past_its_budget_is_stopped_and_the_page_still_read(
    tmp_path: Path, page: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "BUDGET_FLOOR", 0.05)
    monkeypatch.setattr(pipeline, "BUDGET_FACTOR", 0.0)
    counter = _CountReadings(recognize.recognize, page.shape[0])
    monkeypatch.setattr(recognize, "recognize", counter)
    result = ocr_document(_tiff(tmp_path / "p.tif", [page]), OPTIONS, SerialExecutor()).pages[0]
    assert "Quảng Nam" in result.text and result.rotation == 0
    assert counter.full == 2                                  # stopped once, then read with the full timeout


def test_reading_budget_follows_the_page_and_is_bounded(page: np.ndarray) -> None:
    blank = np.full_like(page, 255)
    assert pipeline.expected_seconds(page) > pipeline.expected_seconds(blank)
    assert pipeline.reading_budget(blank, 180) == pipeline.BUDGET_FLOOR
    assert pipeline.reading_budget(np.tile(page, (8, 4)), 30) == 30


@pytest.mark.parametrize("name", sorted(colour_pages.PAGES))
def test_colour_and_inverse_pages_read_at_least_as_well_as_plain_tesseract(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    Image.fromarray(cv2.cvtColor(colour_pages.PAGES[name](), cv2.COLOR_BGR2RGB)).save(path, dpi=(300, 300))
    result = ocr_document(path, OPTIONS, SerialExecutor()).pages[0]
    assert _good_words(result.words) >= _good_words(_plain_tesseract_words(path)), result.steps
    expected = "QUYỀN SỞ HỮU NHÀ Ở" if name == "coloured-cover" else "TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    assert expected in result.text
    if name != "coloured-cover":
        assert "049085001234" in result.text


def test_a_region_lost_by_cleaning_is_read_from_the_plain_grey_page(tmp_path: Path) -> None:
    prepared = prepare_page(colour_pages.inverse_band_page(), 300)
    assert "invert" in prepared.plan.steps()
    lost = prepared.recognition.copy()
    lost[100:450] = 255                                       # a cleaning that wiped the letterhead out
    broken = replace(prepared, recognition=lost)
    assert pipeline.text_may_be_lost(broken, Recognition("", (), 0.0))
    assert not pipeline.text_may_be_lost(prepared, Recognition("", (Word("x", 90, 0, 0, 1, 1, (1, 1, 1)),) * 60, 90))
    task = PageTask(inspect_source(_tiff(tmp_path / "x.tif", [prepared.archive[..., 0]]), OPTIONS.limits), 0, OPTIONS)
    ours = recognize.recognize(lost, dpi=300, lang="vie", timeout=120, subject="x")
    kept, plain = pipeline._never_worse_than_plain(broken, ours, task)
    assert plain and "TÀI NGUYÊN" in kept.text and _good_words(kept.words) > _good_words(ours.words)


def _count_readings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The shapes of the images Tesseract reads from now on (each reading still runs for real)."""
    calls: list[tuple[int, ...]] = []
    real = recognize.recognize

    def counting(image: np.ndarray, **kwargs: Any) -> Recognition:
        calls.append(image.shape)
        return real(image, **kwargs)

    monkeypatch.setattr(recognize, "recognize", counting)
    return calls


def test_a_shadow_that_cleaning_removed_costs_a_region_reading_not_a_page_reading(
    tmp_path: Path, page: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    shadowed = page.copy()
    rng = np.random.default_rng(3)
    corner = shadowed[1000:, :700]                            # a photo's shadowed corner: mottled grey, no text
    mottle = cv2.resize(rng.normal(130, 45, (25, 35)), (700, 500), interpolation=cv2.INTER_NEAREST)
    corner[:] = np.clip(mottle, 0, 255).astype(np.uint8)
    prepared = replace(prepare_page(page, 300), archive=shadowed)
    prepared = replace(prepared, plan=replace(prepared.plan, illumination=True))
    ours = recognize.recognize(page, dpi=300, lang="vie", timeout=120, subject="x")
    found = pipeline.lost_text(prepared, ours)
    assert found and not found.page and found.region is not None
    top, bottom, left, right = found.region
    assert top >= 800 and right <= 1100                       # the corner, not the page
    calls = _count_readings(monkeypatch)
    task = PageTask(inspect_source(_tiff(tmp_path / "s.tif", [shadowed]), OPTIONS.limits), 0, OPTIONS)
    kept, plain = pipeline._never_worse_than_plain(prepared, ours, task)
    assert kept is ours and not plain
    assert calls == [(bottom - top, right - left)]             # the region only


def test_text_the_reading_left_unread_is_read_alone_and_put_back_in_place(
    tmp_path: Path, page: np.ndarray, rotate: Callable[..., np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    tilted = page.copy()
    tilted[120:340, :1300] = rotate(page[120:340, :1300], 4.0)     # a curled letterhead: its own tilt
    prepared = prepare_page(tilted, 300)
    whole = recognize.recognize(tilted, dpi=300, lang="vie", timeout=120, subject="x")
    below = tuple(w for w in whole.words if w.top > 360)          # Tesseract took the header for a picture
    dropped = replace(whole, words=below, text="\n".join(w.text for w in below))
    task = PageTask(inspect_source(_tiff(tmp_path / "t.tif", [tilted]), OPTIONS.limits), 0, OPTIONS)
    calls = _count_readings(monkeypatch)
    assert pipeline.read_unread_regions(prepared, whole, task) is whole and calls == []   # read whole: no run
    mended = pipeline.read_unread_regions(prepared, dropped, task)
    assert len(calls) == 1 and calls[0][0] < tilted.shape[0] // 2     # one run on a region, not the page
    assert mended.text.startswith("ỦY BAN NHÂN DÂN")                  # the header's text first
    added = mended.words[len(below):]
    assert {"HUYỆN", "BẮC", "TRÀ"} <= {w.text for w in added}
    assert len({w.text for w in added} & {w.text for w in below}) <= 2  # the region's edges are not read twice
    for word in added:                                                 # boxes where the letters are on the page
        original = [w for w in whole.words if w.text == word.text and w.top <= 360]
        if original:
            assert min(abs(w.top - word.top) + abs(w.left - word.left) for w in original) < 40
