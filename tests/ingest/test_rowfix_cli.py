"""``kho batch fix-row`` through the real entry point: a row with 31/02/2023 quarantines its document;
a correction still invalid is refused (exit 3, nothing changed); 28/02/2023 is kept and the batch runs
the document, stored with the corrected date, the correction audited as the operator."""

from __future__ import annotations

import datetime as dt
import getpass
import shutil
import subprocess
from pathlib import Path

from ingest_helpers import KHO, cli_env, manifest_rows

from ingest.corrections import corrections_path
from kho.backends import open_backends
from kho.settings import load_settings


def _kho(data_dir: Path, *args: str, language: str = "vi") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KHO), *args], env=cli_env(data_dir, KHO_JOBS="1", KHO_LANGUAGE=language),
                          capture_output=True, text=True, timeout=600, check=False)


def test_kho_batch_fix_row_corrects_the_row_and_runs_the_document(clean_corpus: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    row = manifest_rows(clean_corpus)[0]
    scans = tmp_path / "scans"
    scans.mkdir()
    shutil.copy(clean_corpus / row["file"], scans / Path(row["file"]).name)
    name = Path(row["file"]).name
    manifest = tmp_path / "bang-ke.csv"
    manifest.write_text(f"file,issued_on,holder_name\n{name},31/02/2023,{row['holder_name']}\n", "utf-8")
    first = _kho(data_dir, "ingest", str(scans), "--manifest", str(manifest), "--batch", "lo-cli", "--quiet")
    assert first.returncode == 0, first.stderr
    assert "Dòng 2 của bảng kê có lỗi" in first.stdout

    refused = _kho(data_dir, "batch", "fix-row", "lo-cli", name, "--set", "issued_on=30/02/2023")
    assert refused.returncode == 3, refused.stderr
    assert refused.stderr.strip().splitlines()[-1] == (
        f"kho: error: {name}, dòng 2: ngày ban hành (issued_on) không phải một ngày có thật "
        "(YYYY-MM-DD hoặc DD/MM/YYYY): '30/02/2023'")
    unknown = _kho(data_dir, "batch", "fix-row", "lo-cli", name, "--set", "colour=red", language="en")
    assert unknown.returncode == 2 and "expected COLUMN=VALUE" in unknown.stderr
    assert not corrections_path(data_dir, 1).exists()

    fixed = _kho(data_dir, "batch", "fix-row", "lo-cli", name, "--set", "Issued-On=28/02/2023")
    assert fixed.returncode == 0, fixed.stderr
    assert "Đã sửa dòng 2, issued_on: 31/02/2023 → 28/02/2023" in fixed.stdout
    assert manifest.read_text("utf-8").count("31/02/2023") == 1

    backends = open_backends(load_settings(environ={}, overrides={"data_dir": data_dir}))
    try:
        [item] = backends.catalog.list_batch_items(1)
        assert item.status == "indexed" and item.record_id
        assert backends.repository.get(item.record_id).metadata.issued_on == dt.date(2023, 2, 28)
        [event] = backends.catalog.query_audit(action="batch.row_fix")
        assert event.actor == f"cli:{getpass.getuser()}" and event.details["row"] == 2
    finally:
        backends.close()
