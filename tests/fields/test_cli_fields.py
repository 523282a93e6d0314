"""`kho ocr FILE --json` carries the extracted fields (real OCR on a rendered synthetic page)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ocr.corpus import generate_corpus

KHO = Path(sys.executable).parent / "kho"


def _issuer_name(name: str) -> str:
    """An issuer's name compared the way the acceptance does (case folded, ``UBND`` = ``Ủy ban nhân dân``)."""
    return name.replace("UBND", "Ủy ban nhân dân").casefold()


@pytest.mark.slow
def test_kho_ocr_json_has_fields(tmp_path: Path) -> None:
    item = generate_corpus(tmp_path / "corpus", 1, seed=3, levels=["clean"])[0]
    result = subprocess.run([str(KHO), "ocr", str(item.path), "--json"], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    fields = json.loads(result.stdout)["fields"]
    for key in ("citizen_ids", "document_number", "issued_on", "issuer", "place", "document_type", "summary",
                "holder_name", "locality", "tax_codes"):
        assert key in fields
    truth = item.fields
    assert fields["document_number"]["value"] == truth.document_number
    assert fields["issued_on"]["value"] == truth.issued_on
    assert _issuer_name(fields["issuer"]["value"]) == _issuer_name(truth.issuer)
    assert [v["value"] for v in fields["citizen_ids"]] == list(truth.citizen_ids)
    evidence = fields["document_number"]["evidence"]
    page_text = json.loads(result.stdout)["pages"][evidence["page"] - 1]["text"]
    assert page_text[evidence["start"]:evidence["end"]] == truth.document_number
