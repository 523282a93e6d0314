"""Reindex from a real (filesystem) repository, and the ``kho search`` / ``kho reindex`` commands."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from search_corpus import ID_AN

from access.purpose import CLI_PURPOSE
from kho.cli import cli
from kho.settings import Settings, load_settings
from repository.catalog import Catalog
from repository.fsstore import FilesystemStore
from repository.layout import record_json_key
from repository.records import RecordFiles, Repository, SourceFile
from repository.schema import Provenance, RecordMetadata
from search.documents import index_document_from_record
from search.index import SearchIndex, SearchQuery
from search.reindex import reindex
from search.sqlite_index import SqliteIndex

BIN = Path(sys.executable).parent / "kho"


def add_record(repo: Repository, tmp: Path, seed: str, pages: list[str], **meta: object) -> str:
    data = f"%PDF-1.4 {seed}\n".encode() * 20
    path = tmp / "sources" / f"{seed}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    source = SourceFile(name=path.name, path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    files = RecordFiles(sources=(source,), ocr_text="\f".join(pages))
    provenance = Provenance(ingested_at=datetime(2025, 10, 2, tzinfo=UTC), software_version="test")
    return repo.create(files, RecordMetadata(**meta), provenance).record_id  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(environ={}, overrides={"data_dir": tmp_path / "data"})


@pytest.fixture
def repo(settings: Settings, tmp_path: Path) -> Repository:
    repository = Repository(FilesystemStore(settings.data_dir / "store"))
    add_record(repository, tmp_path, "a", ["Quyết định cấp phép xây dựng", "Điều 1. ông Nguyễn Văn An"],
               citizen_ids=(ID_AN,), document_type="Quyết định", document_number="07/QĐ-UBND",
               issued_on=date(2022, 2, 9), issuer="UBND huyện Bắc Trà My", locality="xã Trà Sơn",
               holder_name="Nguyễn Văn An")
    add_record(repository, tmp_path, "b", ["Giấy khai sinh của Lê Thị Hoà"], document_type="Giấy khai sinh",
               issued_on=date(2025, 8, 1), locality="xã Trà My, thành phố Đà Nẵng", review_state="needs_review")
    add_record(repository, tmp_path, "c", ["Thông báo"], document_type="Thông báo")
    return repository


def sqlite_index(settings: Settings) -> SqliteIndex:
    return SqliteIndex(settings.data_dir / "index.sqlite3")


def test_index_document_from_record(repo: Repository) -> None:
    record = next(r for r in repo.iter_records() if r.metadata.document_number)
    doc = index_document_from_record(record, repo.page_texts(record))
    assert (doc.record_id, doc.version, doc.citizen_ids) == (record.record_id, 1, (ID_AN,))
    assert doc.pages == ("Quyết định cấp phép xây dựng", "Điều 1. ông Nguyễn Văn An")
    assert (doc.page_count, doc.locality, doc.ingested_at) == (2, "xã Trà Sơn", record.provenance.ingested_at)


def test_reindex_builds_then_check_finds_missing_extra_outdated(repo: Repository, settings: Settings,
                                                               tmp_path: Path) -> None:
    index: SearchIndex = sqlite_index(settings)
    report = reindex(repo, index)
    assert (report.records, report.indexed, report.failures, report.ok) == (3, 3, (), True)
    assert index.search(SearchQuery(text="hoa", locality="Trà Sơn")).total == 1  # old/new names: b is in Trà My
    assert reindex(repo, index, check_only=True).ok
    changed = next(r for r in repo.iter_records() if r.metadata.document_type == "Thông báo")
    repo.update_metadata(changed.record_id, {"summary": "V/v họp"}, actor="tester", reason="test")
    added = add_record(repo, tmp_path, "d", ["mới"], document_type="Biên bản")
    index.index_documents([index_document_from_record(changed, ["x"]).__class__(record_id="ghost", version=1)])
    check = reindex(repo, index, check_only=True)
    assert (check.missing, check.extra, check.outdated) == ((added,), ("ghost",), (changed.record_id,))
    assert not check.ok
    rebuilt = reindex(repo, index)
    assert rebuilt.indexed == 4 and reindex(repo, index, check_only=True).ok


def test_an_unreadable_record_is_reported_not_dropped(repo: Repository, settings: Settings) -> None:
    broken = next(repo.iter_record_ids())
    store = repo.store
    assert isinstance(store, FilesystemStore)
    store.put_bytes(record_json_key(broken), b"{not json", content_type="application/json")
    report = reindex(repo, sqlite_index(settings))
    assert report.indexed == 2
    assert [f.record_id for f in report.failures] == [broken]
    assert not report.ok


def _invoke(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"KHO_DATA_DIR": str(settings.data_dir), "KHO_INDEX_URL": "", "KHO_STORE_URL": "",
           "KHO_CONFIG": None}
    result = CliRunner().invoke(cli, list(args), env=env, standalone_mode=False, catch_exceptions=True)
    return (0 if result.exception is None else getattr(result.exception, "exit_code", 1)), result.output


def test_cli_reindex_then_search_json(repo: Repository, settings: Settings) -> None:
    env = {**os.environ, "KHO_DATA_DIR": str(settings.data_dir), "KHO_INDEX_URL": "", "KHO_STORE_URL": ""}
    env.pop("KHO_CONFIG", None)
    done = subprocess.run([str(BIN), "reindex", "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["indexed"] == 3
    found = subprocess.run([str(BIN), "search", "nguyen", "van", "an", "--json"], env=env, capture_output=True,
                           text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    payload = json.loads(found.stdout)
    assert payload["total"] == 1
    hit = payload["hits"][0]
    assert set(hit) == {"record_id", "score", "document_type", "document_number", "issued_on", "issuer",
                        "holder_name", "citizen_id_masked", "birth_year", "highlights"}
    assert hit["citizen_id_masked"] == "•••1234" and hit["birth_year"] == 1985 and hit["issued_on"] == "2022-02-09"
    assert ID_AN not in found.stdout  # a hit never carries the full ID
    assert hit["highlights"] == [{"page": 2, "text": "Điều 1. ông <mark>Nguyễn Văn An</mark>"}]
    assert payload["facets"]["document_type"] == [{"value": "Quyết định", "count": 1}]
    assert ID_AN not in found.stderr
    bad = subprocess.run([str(BIN), "search", "--citizen", "12345"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("kho: error: citizen ID: tham số không hợp lệ (chi tiết: not a citizen ID "
                                  "(12 digits, or a 9-digit CMND): 5 digits)")


def test_cli_search_table_and_filters(repo: Repository, settings: Settings) -> None:
    reindex(repo, sqlite_index(settings))
    code, out = _invoke(settings, "search", "--locality", "Bắc Trà My", "--from", "2020-01-01", "--sort", "date")
    assert code == 0
    assert "Tìm thấy 2 hồ sơ" in out and "Giấy khai sinh" in out and "Quyết định" in out
    code, out = _invoke(settings, "search", "--json", "--citizen", ID_AN[1:], "--limit", "1")
    assert json.loads(out)["total"] == 1
    code, out = _invoke(settings, "search", "--json", "--review-state", "needs_review", "--to", "01/12/2025")
    assert [h["document_type"] for h in json.loads(out)["hits"]] == ["Giấy khai sinh"]


def test_cli_reindex_check_exit_code(repo: Repository, settings: Settings) -> None:
    code, out = _invoke(settings, "reindex", "--check")
    assert code == 1
    assert "Thiếu trong chỉ mục: 3" in out and "missing" not in out
    code, _ = _invoke(settings, "reindex")
    assert code == 0
    code, out = _invoke(settings, "reindex", "--check", "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_cli_reads_are_audited_with_the_operator_and_purpose(repo: Repository, settings: Settings) -> None:
    reindex(repo, sqlite_index(settings))
    env = {**os.environ, "KHO_DATA_DIR": str(settings.data_dir), "KHO_INDEX_URL": "", "KHO_STORE_URL": ""}
    env.pop("KHO_CONFIG", None)

    def kho(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done

    found = json.loads(kho("search", "--citizen", ID_AN, "--json", "--purpose", "Xác minh hồ sơ").stdout)
    record_id = found["hits"][0]["record_id"]
    kho("show", record_id)
    kho("get", record_id, "--file", "original", "--out", "-")
    catalog = Catalog.open(settings.effective_catalog_url)
    try:
        events = list(reversed(catalog.query_audit()))
    finally:
        catalog.close()
    operator = f"cli:{getpass.getuser()}"
    assert [(e.action, e.actor, e.actor_kind, e.citizen_id) for e in events] == [
        ("search", operator, "cli", ID_AN),
        ("document.metadata", operator, "cli", ID_AN),
        ("document.file", operator, "cli", ID_AN),
    ]
    assert events[0].purpose == "Xác minh hồ sơ" and events[0].details["record_ids"] == [record_id]
    assert events[1].purpose == CLI_PURPOSE and events[2].record_id == record_id
