"""``kho ocr`` through the real entry point: outputs, searchable PDF, bad inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from kho.cli import cli
from kho.errors import ExitCode

KHO = Path(sys.executable).parent / "kho"


def _kho(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([str(KHO), *args], capture_output=True, text=True, timeout=300, env=full_env, check=False)


@pytest.fixture(scope="module")
def two_page_tiff(tmp_path_factory: pytest.TempPathFactory, page: np.ndarray) -> Path:
    """A two-page TIFF: the rendered page and a second page with other words."""
    path = tmp_path_factory.mktemp("cli") / "hồ sơ.tif"
    second = np.full_like(page, 255)
    second[150:410] = page[700:960]       # "Điều 1 ...", "Điều 2 ...", "Nơi nhận ..."
    Image.fromarray(page).save(path, save_all=True, append_images=[Image.fromarray(second)], dpi=(300, 300))
    return path


def test_text_output_separates_pages_with_form_feeds(two_page_tiff: Path) -> None:
    result = CliRunner().invoke(cli, ["ocr", str(two_page_tiff), "--text", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    first, second = result.output.rstrip("\n").split("\f")
    assert "Quảng Nam" in first and "Điều 2." in second


def test_json_output(two_page_tiff: Path) -> None:
    result = CliRunner().invoke(cli, ["ocr", str(two_page_tiff), "--json", "--jobs", "1", "--lang", "vie"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["file"] == str(two_page_tiff)
    assert [p["number"] for p in body["pages"]] == [1, 2]
    assert body["text"] == "\f".join(p["text"] for p in body["pages"])
    page = body["pages"][0]
    assert 0 <= page["confidence"] <= 100 and page["dpi"] == 300 and page["blank"] is False


def test_out_writes_searchable_pdf_text_and_json(tmp_path: Path, two_page_tiff: Path) -> None:
    done = _kho("ocr", str(two_page_tiff), "--out", str(tmp_path / "out"), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    pdf, txt, js = (tmp_path / "out" / f"hồ sơ.{ext}" for ext in ("pdf", "txt", "json"))
    assert txt.read_text("utf-8").count("\f") == 1
    assert json.loads(js.read_text("utf-8"))["pages"][1]["number"] == 2
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           2" in info
    assert "595.2 x 360 pts" in info         # 2480x1500 px at 300 dpi
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert "Quảng Nam" in pages[0] and "049085001234" in pages[0]
    assert "Điều 2." in pages[1]
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "gray" in images                  # the grey page image, not a binarised one


@pytest.mark.parametrize(("name", "reason"), [  # worded by ingest/reasons.py in the CLI language (vi)
    ("corrupt.pdf", "PDF bị hỏng, không mở được"),
    ("encrypted.pdf", "PDF có đặt mật khẩu"),
    ("not-an-image.jpg", "Không phải tệp quét kho đọc được"),
    ("truncated.jpg", "Ảnh bị hỏng, không đọc được"),
    ("bomb.png", "Ảnh quá lớn để xử lý"),
])
def test_bad_input_is_one_line_error(bad_dir: Path, name: str, reason: str) -> None:
    done = _kho("ocr", str(bad_dir / name), "--text")
    assert done.returncode == 3
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"kho: error: {bad_dir / name}: ")
    assert reason in lines[0]


def test_too_many_pages(two_page_tiff: Path) -> None:
    done = _kho("ocr", str(two_page_tiff), env={"KHO_MAX_PAGES": "1"})
    assert done.returncode == 3
    assert done.stderr.strip() == (
        f"kho: error: {two_page_tiff}: Tệp có 2 trang, quá giới hạn 1 trang (KHO_MAX_PAGES); hãy tách thành các "
        "tệp nhỏ hơn rồi gửi lại."
    )


def test_timeout(tmp_path: Path, page: np.ndarray) -> None:
    big = np.tile(page, (3, 1))
    path = tmp_path / "big.png"
    Image.fromarray(big).save(path, dpi=(600, 600))
    done = _kho("ocr", str(path), env={"KHO_OCR_TIMEOUT": "1"})
    assert done.returncode == ExitCode.TIMEOUT  # transient (retry with more time), not bad input
    assert done.stderr.startswith(f"kho: error: {path}: Xử lý quá thời gian cho phép (1 giây, tesseract)")
    assert "Traceback" not in done.stderr


def test_missing_file_and_unknown_language(tmp_path: Path, two_page_tiff: Path) -> None:
    missing = CliRunner().invoke(cli, ["ocr", str(tmp_path / "nope.pdf")])
    assert missing.exit_code != 0
    done = _kho("ocr", str(two_page_tiff), "--lang", "xyz")
    assert done.returncode == 2
    assert done.stderr.startswith("kho: error: --lang: chưa cài dữ liệu ngôn ngữ Tesseract: xyz")
