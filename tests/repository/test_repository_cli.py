"""`kho get`, `kho show`, `kho verify` through the real command line."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kho.cli import cli
from kho.errors import IntegrityError, NotFoundError
from repository.catalog import Catalog
from repository.fsstore import FilesystemStore
from repository.records import RecordFiles, Repository
from repository.schema import Provenance, RecordMetadata

MakeFiles = Callable[..., RecordFiles]
KHO = Path(sys.executable).parent / "kho"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "kho-data"


@pytest.fixture
def env(data_dir: Path) -> dict[str, str]:
    """An environment pointing kho at the embedded backends in ``data_dir`` and nothing else."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    return {**keep, "KHO_DATA_DIR": str(data_dir), "KHO_LOG_LEVEL": "WARNING"}


@pytest.fixture
def stored(
    data_dir: Path, make_files: MakeFiles, metadata: RecordMetadata, provenance: Provenance
) -> tuple[Repository, str, RecordFiles]:
    repo = Repository(FilesystemStore(data_dir / "store"))
    files = make_files()
    record_id = repo.create(files, metadata, provenance).record_id
    repo.update_metadata(record_id, {"status": "revoked"}, actor="cán bộ", reason="thu hồi")
    return repo, record_id, files


def run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KHO), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_get_writes_verified_files(
    stored: tuple[Repository, str, RecordFiles], env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, record_id, files = stored
    runner = CliRunner(env=env)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    result = runner.invoke(cli, ["get", record_id], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (out / f"{record_id}.pdf").read_bytes() == files.pdf.read_bytes()  # type: ignore[union-attr]
    result = runner.invoke(cli, ["get", record_id, "--file", "original", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0
    assert (out / files.sources[0].name).read_bytes() == files.sources[0].path.read_bytes()
    result = runner.invoke(cli, ["get", record_id, "--file", "text", "--out", "-"], catch_exceptions=False)
    assert result.stdout == files.ocr_text
    result = runner.invoke(cli, ["get", record_id, "--file", "json", "--out", str(out / "o.json")])
    assert json.loads((out / "o.json").read_text("utf-8")) == files.ocr_json


def test_get_refuses_a_corrupted_object(
    stored: tuple[Repository, str, RecordFiles], env: dict[str, str], tmp_path: Path
) -> None:
    repo, record_id, _ = stored
    key = repo.object_key(repo.get(record_id), "pdf")
    repo.store.put_bytes(key, b"tampered")
    result = CliRunner(env=env).invoke(cli, ["get", record_id, "--out", str(tmp_path / "x.pdf")])
    assert isinstance(result.exception, IntegrityError)
    assert not (tmp_path / "x.pdf").exists() and list(tmp_path.glob(".x.pdf.*")) == []


def test_show_prints_metadata_and_history(stored: tuple[Repository, str, RecordFiles], env: dict[str, str]) -> None:
    _, record_id, _ = stored
    runner = CliRunner(env=env)
    current = json.loads(runner.invoke(cli, ["show", record_id], catch_exceptions=False).stdout)
    assert current["record_id"] == record_id and current["version"] == 2
    assert current["metadata"]["status"] == "revoked" and current["metadata"]["document_number"] == "07/QĐ-UBND"
    history = json.loads(runner.invoke(cli, ["show", record_id, "--history"], catch_exceptions=False).stdout)
    assert [v["version"] for v in history] == [1, 2]
    assert history[1]["history_entry"]["reason"] == "thu hồi"
    result = runner.invoke(cli, ["show", "kho-0123456789abcdef0123"])
    assert isinstance(result.exception, NotFoundError)


def test_verify_clean_then_damaged_records_runs_in_catalog(
    stored: tuple[Repository, str, RecordFiles], env: dict[str, str], data_dir: Path
) -> None:
    repo, record_id, _ = stored
    runner = CliRunner(env=env)
    result = runner.invoke(cli, ["verify", "--json"], catch_exceptions=False)
    report = json.loads(result.stdout)
    assert report["ok"] and report["records_checked"] == 1 and report["objects_checked"] == 9
    repo.store.delete(repo.object_key(repo.get(record_id), "thumb", 1))
    result = runner.invoke(cli, ["verify"])
    assert isinstance(result.exception, IntegrityError)
    assert "missing" in result.stdout
    catalog = Catalog.open(f"sqlite:///{data_dir / 'catalog.sqlite3'}")
    try:
        last = catalog.last_fixity_run()
        assert last is not None and not last.ok and last.problems == 1
        assert last.report["counts"]["missing"] == 1
    finally:
        catalog.close()


def test_command_line_errors_are_one_line(
    stored: tuple[Repository, str, RecordFiles], env: dict[str, str], tmp_path: Path
) -> None:
    repo, record_id, _ = stored
    result = run(env, tmp_path, "show", "kho-0123456789abcdef0123")
    assert result.returncode == NotFoundError.exit_code
    assert result.stderr.strip().splitlines()[-1] == ("kho: error: kho-0123456789abcdef0123: không tìm thấy "
                                                      "(chi tiết: no such record)")
    result = run(env, tmp_path, "get", "../../etc/passwd")
    assert result.returncode == NotFoundError.exit_code and "Traceback" not in result.stderr
    raw = subprocess.run([str(KHO), "get", record_id, "--out", "-"], env=env, cwd=tmp_path, capture_output=True)
    assert raw.returncode == 0
    assert hashlib.sha256(raw.stdout).hexdigest() == repo.get(record_id).objects_with_role("pdf")[0].sha256
    repo.store.put_bytes("records/stray.txt", b"x")
    result = run(env, tmp_path, "verify")
    assert result.returncode == IntegrityError.exit_code
    assert result.stderr.strip().splitlines()[-1].startswith("kho: error: kho verify: 1 sự cố")
    assert "records/stray.txt" in result.stdout


def test_d11_kho_verify_reports_a_deleted_record_json_as_a_damaged_record(
    stored: tuple[Repository, str, RecordFiles], env: dict[str, str], tmp_path: Path
) -> None:
    """D11 through the entry point: a record whose record.json was deleted is damaged, never 'delete it'."""
    repo, record_id, _ = stored
    repo.store.delete(f"records/{record_id}/record.json")
    result = run(env, tmp_path, "verify", "--json")
    assert result.returncode == IntegrityError.exit_code, result.stderr
    report = json.loads(result.stdout)
    assert report["counts"]["damaged"] == 1 and report["counts"]["untracked"] == 0
    (problem,) = report["problems"]
    assert problem["kind"] == "damaged" and "copy versions/2.json to record.json" in problem["detail"]
    output = (result.stdout + result.stderr).lower()
    assert "interrupted write" not in output
    assert "không bao giờ xóa thư mục hồ sơ" in result.stderr and "delete the" not in output
