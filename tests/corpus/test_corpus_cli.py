"""``kho corpus`` through click's runner and through the real console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kho.cli import cli
from kho.cli.corpus import parse_levels
from kho.errors import UsageError

KHO = Path(sys.executable).parent / "kho"


def test_parse_levels() -> None:
    assert parse_levels(None) is None
    assert parse_levels("clean, heavy") == ("clean", "heavy")
    with pytest.raises(UsageError, match="mức không có"):
        parse_levels("clean,foggy")


def test_runner_writes_corpus_and_manifest(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["corpus", str(tmp_path), "--n", "2", "--seed", "3",
                                      "--levels", "clean,pdf200", "--manifest"])
    assert result.exit_code == 0, result.output
    assert "2 văn bản" in result.output
    index = json.loads((tmp_path / "corpus.json").read_text(encoding="utf-8"))
    assert [item["level"] for item in index["items"]] == ["clean", "pdf200"]
    assert (tmp_path / "manifest.csv").is_file()
    assert index["items"][1]["file"].endswith(".pdf")


def test_kinds_option_chooses_document_kinds(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["corpus", str(tmp_path), "--n", "2", "--seed", "1", "--levels", "clean",
                                      "--kinds", "cong-van, legal"])
    assert result.exit_code == 0, result.output
    kinds = {json.loads(line)["kind"] for line in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()}
    assert kinds <= {"cong-van", "luat", "nghi-dinh", "thong-tu"}
    bad = CliRunner().invoke(cli, ["corpus", str(tmp_path / "x"), "--kinds", "sắc-lệnh"])
    assert isinstance(bad.exception, UsageError) and "unknown document kind" in str(bad.exception)
    assert not (tmp_path / "x").exists()  # nothing written


def test_console_script_generates_and_reports_errors(tmp_path: Path) -> None:
    done = subprocess.run([str(KHO), "corpus", str(tmp_path / "c"), "--n", "1", "--seed", "9", "--levels", "light"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "c" / "doc0000.truth.json").is_file()
    bad = subprocess.run([str(KHO), "corpus", str(tmp_path / "d"), "--levels", "clean,foggy"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("kho: error: --levels foggy: mức không có; chọn trong "
                                  "clean, light, medium, heavy, rotated, photo, pdf200, inverse, guilloche, stamp, "
                                  "speckle, photo180")
    assert "Traceback" not in bad.stderr
