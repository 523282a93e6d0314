"""A generated corpus on disk: files, formats, truth, index, manifest and determinism."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from kho.errors import NotFoundError, UsageError
from ocr.corpus import CorpusItem, generate_corpus, load_corpus
from ocr.corpus.degrade import LEVELS
from ocr.corpus.people import century_digit, load_province_codes
from ocr.corpus.writer import MANIFEST_COLUMNS

EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "tiff": ".tif", "pdf": ".pdf"}
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}
TRUTH_KEYS = {"id", "file", "level", "format", "kind", "colour", "dpi", "rotation", "skew", "pages", "text", "fields"}
FIELD_KEYS = {"citizen_ids", "cmnd_ids", "tax_codes", "document_number", "issued_on", "issuer", "place",
              "document_type", "summary", "holder_name", "locality", "issuer_parent", "signer", "title", "alt"}
TRUTH_LINE_KEYS = {"file", "document_type", "document_number", "issued_on", "issuer", "issuer_parent", "place",
                   "signer", "title", "holder_name", "citizen_ids", "alt", "level", "kind"}


def _page_count(item: CorpusItem) -> int:
    if item.format == "pdf":
        return len(PdfReader(item.path).pages)
    with Image.open(item.path) as image:
        assert image.format == PIL_FORMATS[item.format]
        return getattr(image, "n_frames", 1)


def test_every_level_is_present_with_a_readable_file(corpus_items: list[CorpusItem]) -> None:
    assert {item.level for item in corpus_items} == set(LEVELS)
    for item in corpus_items:
        assert item.path.suffix == EXTENSIONS[item.format]
        assert _page_count(item) == len(item.pages), item.file


def test_formats_follow_the_levels(corpus_items: list[CorpusItem]) -> None:
    for item in corpus_items:
        if item.level == "pdf200":
            assert item.format == "pdf" and item.dpi == 200
        elif item.level in ("photo", "photo180", "speckle") and len(item.pages) == 1:
            assert item.format == "jpeg"
        elif len(item.pages) > 1:
            assert item.format in ("tiff", "pdf")


def test_page_geometry_matches_the_truth(corpus_items: list[CorpusItem]) -> None:
    for item in corpus_items:
        if item.format == "pdf":
            page = PdfReader(item.path).pages[0]
            width_in = float(page.mediabox.width) / 72
            assert abs(width_in * item.dpi - item.pages[0].width) < 2
            continue
        with Image.open(item.path) as image:
            assert image.size == (item.pages[0].width, item.pages[0].height)
        if item.level in ("clean", "light", "inverse", "guilloche", "stamp"):
            assert (item.pages[0].width >= 2480) and (item.pages[0].height >= 3508)
        if item.level == "rotated":
            assert item.rotation in (90, 180, 270)
        if item.level in ("photo", "photo180"):
            assert 2000 <= max(item.pages[0].width, item.pages[0].height) <= 3000
            assert len(item.pages) == 1 and item.rotation == (180 if item.level == "photo180" else 0)


def test_truth_files_have_the_documented_shape(corpus_dir: Path, corpus_items: list[CorpusItem]) -> None:
    for item in corpus_items:
        truth = json.loads(item.truth_path.read_text(encoding="utf-8"))
        assert set(truth) == TRUTH_KEYS
        assert set(truth["fields"]) == FIELD_KEYS
        assert truth["text"] == "\f".join(page["text"] for page in truth["pages"])
        assert unicodedata.is_normalized("NFC", truth["text"])
        assert unicodedata.is_normalized("NFC", json.dumps(truth["fields"], ensure_ascii=False))
        assert truth["file"] == item.path.name and (corpus_dir / truth["file"]).is_file()
        dt.date.fromisoformat(truth["fields"]["issued_on"])


def test_ids_in_truth_validate_and_appear_in_the_text(corpus_items: list[CorpusItem]) -> None:
    codes = load_province_codes()
    for item in corpus_items:
        f = item.fields
        assert bool(f.citizen_ids) == (f.holder_name is not None) or item.kind == "giay-nghi-phep", item.id
        for cid in f.citizen_ids:
            assert len(cid) == 12 and cid.isdigit() and cid[:3] in codes
            assert int(cid[3]) <= 3, "born 1900–2099"
            assert cid in item.text
        for cmnd in f.cmnd_ids:
            assert len(cmnd) == 9 and f"CMND số {cmnd}" in item.text
        for code in f.tax_codes:
            assert len(code) == 10 and code in item.text


BIRTH_THEN_ID = re.compile(r"(?:sinh ngày|sinh năm|năm sinh:?|[Ss]inh ngày:|năm sinh:) (?:\d{2}/\d{2}/)?(\d{4})"
                           r"[^\d]{0,200}?(\d{12})")


def test_printed_birth_dates_agree_with_the_id(corpus_items: list[CorpusItem]) -> None:
    checked = 0
    for item in corpus_items:
        for match in BIRTH_THEN_ID.finditer(" ".join(item.text.split())):
            year, cid = int(match.group(1)), match.group(2)
            assert cid[4:6] == f"{year % 100:02d}", (item.id, match.group(0))
            assert int(cid[3]) // 2 == century_digit(year, False) // 2, (item.id, match.group(0))
            checked += 1
    assert checked >= sum(1 for item in corpus_items if item.fields.citizen_ids) // 2


def test_load_corpus_reads_back_what_was_generated(tmp_path: Path) -> None:
    items = generate_corpus(tmp_path, 2, 5, ["clean", "light"])
    assert load_corpus(tmp_path) == items


def test_same_seed_gives_identical_truth_and_clean_pixels(tmp_path: Path) -> None:
    levels = ["clean", "medium", "light", "inverse", "stamp"]
    first = generate_corpus(tmp_path / "a", 5, 42, levels)
    second = generate_corpus(tmp_path / "b", 5, 42, levels)
    for a, b in zip(first, second, strict=True):
        assert a.truth_path.read_bytes() == b.truth_path.read_bytes()
        assert hashlib.sha256(a.path.read_bytes()).digest() == hashlib.sha256(b.path.read_bytes()).digest()
    for a, b in zip(first, second, strict=True):
        if a.format != "pdf":
            with Image.open(a.path) as image_a, Image.open(b.path) as image_b:
                assert np.array_equal(np.asarray(image_a), np.asarray(image_b))
    assert (tmp_path / "a" / "corpus.json").read_bytes() == (tmp_path / "b" / "corpus.json").read_bytes()
    assert (tmp_path / "a" / "truth.jsonl").read_bytes() == (tmp_path / "b" / "truth.jsonl").read_bytes()
    other = generate_corpus(tmp_path / "c", 1, 43, ["clean"])
    assert other[0].text != first[0].text


def test_manifest_has_one_row_per_file(corpus_dir: Path, corpus_items: list[CorpusItem]) -> None:
    raw = (corpus_dir / "manifest.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert tuple(rows[0].keys()) == MANIFEST_COLUMNS
    assert [row["file"] for row in rows] == [item.file for item in corpus_items]
    for row, item in zip(rows, corpus_items, strict=True):
        assert (corpus_dir / row["file"]).is_file()
        assert row["document"] == item.id
        assert row["citizen_id"] == (item.fields.citizen_ids[0] if item.fields.citizen_ids else "")
        assert row["issued_on"] == item.fields.issued_on
        assert row["issuer"] == item.fields.issuer and row["holder_name"] == (item.fields.holder_name or "")


def test_truth_jsonl_has_the_real_admin_shape(corpus_dir: Path, corpus_items: list[CorpusItem]) -> None:
    raw = (corpus_dir / "truth.jsonl").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in raw.splitlines()]
    assert [line["file"] for line in lines] == [item.file for item in corpus_items]
    for line, item in zip(lines, corpus_items, strict=True):
        assert set(line) == TRUTH_LINE_KEYS
        f = item.fields
        assert (line["document_type"], line["document_number"], line["issuer"]) == (
            f.document_type, f.document_number, f.issuer)
        assert line["citizen_ids"] == [*f.citizen_ids, *f.cmnd_ids]
        assert all(isinstance(v, list) for v in line["alt"].values())
        assert unicodedata.is_normalized("NFC", json.dumps(line, ensure_ascii=False))


def test_old_truth_files_without_the_newer_fields_still_load(corpus_items: list[CorpusItem]) -> None:
    data = corpus_items[0].to_json()
    for key in ("issuer_parent", "signer", "title", "alt"):
        del data["fields"][key]
    old = CorpusItem.from_json(data, corpus_items[0].path.parent)
    assert old.fields.issuer == corpus_items[0].fields.issuer and old.fields.alt == ()


def test_kinds_select_groups_and_unknown_kinds_are_usage_errors(tmp_path: Path) -> None:
    items = generate_corpus(tmp_path / "legacy", 3, 4, ["clean"], kinds=["legacy"])
    assert all(item.fields.issuer.startswith("UBND ") and item.fields.citizen_ids for item in items)
    (letter,) = generate_corpus(tmp_path / "letter", 1, 4, ["clean"], kinds=["cong-van"])
    assert letter.fields.document_type == "Công văn" and letter.fields.holder_name is None
    with pytest.raises(UsageError, match="unknown document kind"):
        generate_corpus(tmp_path / "x", 1, 0, ["clean"], kinds=["sắc lệnh"])


def test_corpus_index_lists_every_item(corpus_dir: Path, corpus_items: list[CorpusItem]) -> None:
    index = json.loads((corpus_dir / "corpus.json").read_text(encoding="utf-8"))
    assert index["n"] == len(corpus_items) and index["levels"] == list(LEVELS)
    assert [entry["id"] for entry in index["items"]] == [item.id for item in corpus_items]


def test_bad_arguments_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown level"):
        generate_corpus(tmp_path, 1, 0, ["blurry"])
    with pytest.raises(UsageError):
        generate_corpus(tmp_path, 0, 0)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        generate_corpus(tmp_path / "file", 1, 0)
    with pytest.raises(NotFoundError):
        load_corpus(tmp_path / "missing")
