"""Fields on the real dev sets (../shared/real-admin, ../shared/real-scans), read by the real pipeline.

The files are never copied into the repository. In a clone without ../shared these tests skip with
one line; with CI=true a missing dev set fails them. The figures are printed by
`bench/fields.py --real`; here the floors guard against regressions: what kho gives must be right
(handwritten numbers and days may be missing, never wrong), and the issuer and type must be found.
"""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from shared_material import SHARED, require_shared

from ocr.fields.evaluate import combined, score_real_documents

# ~37 documents, ~80 pages read with the real pipeline: a few minutes on an idle 2-core machine.
pytestmark = pytest.mark.timeout(1800)


def _dev_set(name: str) -> Path:
    return require_shared(SHARED / name / "fields.jsonl").parent


def _read(path: str) -> dict:
    """The fields of one real document, read by the pipeline (in a spawned worker)."""
    from kho.settings import load_settings
    from ocr.pipeline import OcrOptions, SerialExecutor, ocr_document
    from ocr.understand import document_fields

    pages = ocr_document(Path(path), OcrOptions.from_settings(load_settings(environ={})), SerialExecutor()).pages
    return document_fields(pages).values()


@pytest.fixture(scope="module")
def scored() -> dict[str, object]:
    rows: list[tuple[Path, dict]] = []
    for name in ("real-admin", "real-scans"):
        folder = _dev_set(name)
        rows += [(folder / r["file"], r) for r in map(json.loads, (folder / "fields.jsonl").read_text(
            encoding="utf-8").splitlines()) if r]
    # spawned, not forked: earlier tests leave threads in this process, and a fork can inherit their locks
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        found = list(pool.map(_read, [str(path) for path, _ in rows]))
    pairs = [(row["file"], values, row) for (_, row), values in zip(rows, found, strict=True)]
    return {"board": score_real_documents(pairs), "count": len(pairs)}


@pytest.mark.slow
def test_header_fields_on_real_documents_are_right_when_given(scored: dict) -> None:
    board = scored["board"]
    together = combined(board)
    wrong = [e for e in board.errors if e[3] is not None and e[1] != "citizen_ids"]
    assert together.precision >= 0.95, wrong
    for name in ("document_type", "issuer"):
        assert board.scores[name].recall >= 0.85, (name, [e for e in board.errors if e[1] == name])


@pytest.mark.slow
def test_no_holder_or_citizen_id_invented_on_real_documents(scored: dict) -> None:
    board = scored["board"]
    assert board.scores["holder_name"].fp == 0
    assert board.scores["citizen_ids"].fp == 0
