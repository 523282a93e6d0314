"""``kho ingest`` through its real entry point: a clean batch end to end, then re-runs that add nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ingest_helpers import KHO, blank_png, cli_env, corpus_pages, manifest_rows
from pypdf import PdfReader

from kho.backends import open_backends
from kho.settings import load_settings
from search.index import SearchQuery


def _ingest(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KHO), "ingest", *args], env=cli_env(data_dir, KHO_JOBS="2"), capture_output=True, text=True,
        timeout=600, check=False,
    )


def test_kho_ingest_end_to_end_then_rerun_stores_nothing_new(clean_corpus: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    manifest = clean_corpus / "manifest.csv"
    first = _ingest(data_dir, str(clean_corpus), "--manifest", str(manifest), "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["documents"], summary["stored"], summary["stored_now"]) == (4, 4, 4)
    assert summary["pages"] == summary["pages_this_run"] == corpus_pages(clean_corpus)
    assert summary["failed"] == summary["quarantined"] == 0
    assert "kho ingest: 4/4" in first.stderr  # plain progress lines when not on a terminal
    rows = manifest_rows(clean_corpus)
    for row in rows:
        assert row["citizen_id"] not in first.stderr  # no citizen ID in logs or progress
    backends = open_backends(load_settings(environ={}, overrides={"data_dir": data_dir}))
    try:
        records = [backends.repository.get(rid) for rid in backends.repository.iter_record_ids()]
        assert len(records) == 4 == backends.index.count()
        by_holder = {r.metadata.holder_name: r for r in records}
        for row in rows:
            record = by_holder[row["holder_name"]]
            meta = record.metadata
            assert meta.citizen_ids[0] == row["citizen_id"] and meta.document_number == row["document_number"]
            assert meta.evidence["document_number"].source == "manifest"
            roles = {o.role for o in record.objects}
            assert {"original", "pdf", "page", "thumb", "text", "json", "manifest"} <= roles
            assert len(record.objects_with_role("page")) == meta.page_count
            hits = backends.index.search(SearchQuery(citizen_id=row["citizen_id"]))
            assert [h.record_id for h in hits.hits] == [record.record_id]
        pdf_key = backends.repository.object_key(records[0], "pdf")
        reader = PdfReader(backends.store.open_stream(pdf_key))
        assert len(reader.pages) == records[0].metadata.page_count
        assert "UBND" in reader.pages[0].extract_text()  # the searchable PDF has a text layer
        report = json.loads(Path(summary["report_json"]).read_text("utf-8"))
        assert {item["record_id"] for item in report["items"]} == {r.record_id for r in records}
        assert Path(summary["report_csv"]).read_text("utf-8-sig").startswith("key,files,status,record_id")
    finally:
        backends.close()

    second = _ingest(data_dir, str(clean_corpus), "--manifest", str(manifest), "--json")
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert again["batch_id"] == summary["batch_id"]
    assert (again["stored"], again["stored_now"], again["pages_this_run"]) == (4, 0, 0)
    resumed = _ingest(data_dir, "--resume", summary["name"])
    assert resumed.returncode == 0 and "4 (đã lưu 4, mới 0" in resumed.stdout
    other_batch = _ingest(data_dir, str(clean_corpus), "--batch", "lần hai", "--json")
    assert other_batch.returncode == 0, other_batch.stderr
    third = json.loads(other_batch.stdout)
    assert (third["stored"], third["stored_now"], third["already_stored"]) == (4, 0, 4)
    backends = open_backends(load_settings(environ={}, overrides={"data_dir": data_dir}))
    try:
        assert len(list(backends.repository.iter_record_ids())) == 4 == backends.index.count()
    finally:
        backends.close()


def test_kho_ingest_usage_errors(tmp_path: Path) -> None:
    missing = _ingest(tmp_path / "data", str(tmp_path / "nothing-here"))
    assert missing.returncode == 3 and missing.stderr.strip().endswith(
        "nothing-here: Không tìm thấy tệp; hãy kiểm tra đường dẫn rồi chạy lại.")
    assert "Traceback" not in missing.stderr
    both = _ingest(tmp_path / "data", str(tmp_path), "--resume", "x")
    assert both.returncode == 2 and "--resume không đi kèm đường dẫn" in both.stderr
    unknown = _ingest(tmp_path / "data", "--resume", "no-such-batch")
    assert unknown.returncode == 4 and "no-such-batch" in unknown.stderr


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 3, result.stderr  # InputError: bad input
    assert len(lines) == 1 and lines[0].startswith("kho: error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_d2_cli_refuses_a_manifest_with_an_unbalanced_quote_and_stores_nothing(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    blank_png(scans / "a.png", 31)
    blank_png(scans / "b.png", 32)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        'file,citizen_id,holder_name\na.png,049085001234,"Nguyễn Văn An\nb.png,049301004567,Trần Thị Bình\n',
        encoding="utf-8",
    )
    data_dir = tmp_path / "data"
    line = _one_line_error(_ingest(data_dir, str(scans), "--manifest", str(manifest)))
    assert "row 2, column 3 (holder_name): unbalanced quote" in line and "049301004567" not in line
    assert not (data_dir / "store").exists() or not any((data_dir / "store").rglob("record.json"))


def test_d7_cli_refuses_a_100mb_manifest_line_at_its_row_with_bounded_memory(tmp_path: Path) -> None:
    """D7 through the entry point: peak RSS of `kho ingest` measured by a parent that only runs it."""
    import sys

    scans = tmp_path / "scans"
    blank_png(scans / "a.png", 33)
    manifest = tmp_path / "manifest.csv"
    with manifest.open("wb") as fh:
        fh.write(b"file,holder_name\na.png,")
        for _ in range(100):
            fh.write(b"A" * (1024 * 1024))
        fh.write(b"\n")
    parent = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
        "print(r.stderr, end='')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", parent, str(KHO), "ingest", str(scans), "--manifest", str(manifest)],
        env=cli_env(tmp_path / "data"), capture_output=True, text=True, timeout=300, check=True,
    )
    status, peak_mib = (int(x) for x in result.stdout.splitlines()[0].split())
    assert status == 3, result.stdout
    assert "manifest row 2 is longer than 16384 characters" in result.stdout
    assert peak_mib < 300, f"kho ingest peaked at {peak_mib} MiB refusing a 100 MB manifest line"


def test_d10_cli_ingest_never_hangs_on_a_fifo(tmp_path: Path) -> None:
    import os

    scans = tmp_path / "scans"
    blank_png(scans / "a.png", 34)
    os.mkfifo(scans / "pipe.pdf")
    result = _ingest(tmp_path / "data", str(scans), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["documents"], summary["quarantined"]) == (2, 1)
    report = Path(summary["report_csv"]).read_text("utf-8-sig")
    assert "không được mở" in report and "(chi tiết: FIFO (named pipe))" in report and "not_regular_file" in report


def test_d13_cli_empty_zip_is_a_one_line_error(tmp_path: Path) -> None:
    import zipfile

    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    line = _one_line_error(_ingest(tmp_path / "data", str(empty)))
    assert "không có tệp quét nào để nhập" in line and "nothing to ingest" not in line and "empty.zip" in line
