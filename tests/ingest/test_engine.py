"""Item 8: every record's provenance names the Tesseract version and the language data that read it."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from ingest_helpers import blank_png

from ingest.engine import engine_identity, parse_tessdata_dir, parse_version, traineddata_sha256
from ingest.service import create_batch, run_batch
from kho.backends import Backends


def test_parse_version_and_tessdata_dir() -> None:
    assert parse_version("tesseract 5.3.0\n leptonica-1.82.0\n") == "5.3.0"
    assert parse_version("tesseract v5.4.1.20240606\n") == "5.4.1.20240606"
    assert parse_version("no version here") is None
    listing = 'List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (3):\neng\nosd\nvie\n'
    assert parse_tessdata_dir(listing) == Path("/usr/share/tesseract-ocr/5/tessdata/")
    assert parse_tessdata_dir("tesseract: command failed") is None


def test_traineddata_sha256_of_each_language_found(tmp_path: Path) -> None:
    (tmp_path / "vie.traineddata").write_bytes(b"vie data")
    assert traineddata_sha256(tmp_path, "vie+eng") == {"vie": hashlib.sha256(b"vie data").hexdigest()}


def test_engine_identity_is_asked_once_per_process() -> None:
    assert engine_identity("vie", 30.0) is engine_identity("vie", 30.0)


def _expected() -> tuple[str, str]:
    """The version and vie.traineddata SHA-256, found independently of kho."""
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=True).stdout
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=True).stdout
    folder = Path(langs.split('"')[1])
    return version.split()[1], hashlib.sha256((folder / "vie.traineddata").read_bytes()).hexdigest()


def test_item8_provenance_records_tesseract_version_and_traineddata_sha256(
    backends: Backends, tmp_path: Path
) -> None:
    blank_png(tmp_path / "in" / "a.png", 41)
    batch = create_batch(backends, [tmp_path / "in"])
    summary = run_batch(backends, batch.id, jobs=1)
    assert summary.stored == 1
    (record_id,) = list(backends.repository.iter_record_ids())
    ocr = backends.repository.get(record_id).provenance.ocr
    version, vie_sha256 = _expected()
    assert ocr.engine_version == version
    assert ocr.language_data == {"vie": vie_sha256}
