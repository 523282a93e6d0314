"""``truth.jsonl`` is scored by the acceptance's own scorer (``../shared/tools/score_fields.py``) like
``real-admin/fields.jsonl``: a reader that prints the truth (or an accepted spelling) scores 1.0."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from shared_material import SHARED, require_shared

from ocr.corpus import CorpusItem

SCORER = SHARED / "tools" / "score_fields.py"
REAL_ADMIN_TRUTH = SHARED / "real-admin" / "fields.jsonl"


def _write_outputs(folder: Path, lines: list[dict[str, object]], use_alt: bool) -> None:
    for line in lines:
        alt = line["alt"]
        assert isinstance(alt, dict)
        issuer = alt["issuer"][0] if use_alt and alt.get("issuer") else line["issuer"]
        fields = {"document_type": line["document_type"], "document_number": {"value": line["document_number"]},
                  "issued_on": line["issued_on"], "issuer": issuer, "holder_name": line["holder_name"],
                  "citizen_ids": [{"value": v} for v in line["citizen_ids"]], "cmnd_ids": []}  # type: ignore[attr-defined]
        (folder / f"kho-{line['file']}.json").write_text(json.dumps({"fields": fields}, ensure_ascii=False),
                                                         encoding="utf-8")


@pytest.mark.parametrize("use_alt", [False, True], ids=["canonical", "alt-spelling"])
def test_score_fields_gives_full_marks_to_the_truth(
    use_alt: bool, corpus_dir: Path, corpus_items: list[CorpusItem], tmp_path: Path
) -> None:
    scorer = require_shared(SCORER)
    truth = corpus_dir / "truth.jsonl"
    lines = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    _write_outputs(tmp_path, lines, use_alt)
    out = tmp_path / "scores.json"
    done = subprocess.run([sys.executable, str(scorer), str(truth), str(tmp_path), "--json", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    scores = json.loads(out.read_text(encoding="utf-8"))["all"]
    for field, modes in scores.items():
        strict = modes["strict"]
        if strict["truth"]:
            assert strict["precision"] == strict["recall"] == 1.0, (field, strict)
    assert scores["citizen_ids"]["strict"]["truth"] > 0 and scores["issuer"]["strict"]["truth"] == len(lines)
    if use_alt:
        assert scores["issuer"]["strict"]["via_alt"] > 0


def test_truth_lines_carry_every_real_admin_field(corpus_dir: Path) -> None:
    real = require_shared(REAL_ADMIN_TRUTH)
    real_keys = set(json.loads(real.read_text(encoding="utf-8").splitlines()[0])) - {"notes"}
    ours = json.loads((corpus_dir / "truth.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert real_keys <= set(ours), real_keys - set(ours)
