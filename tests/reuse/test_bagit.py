"""Archive transfer: ``kho export --bagit`` writes a bag ``bagit`` validates; ``kho import --bagit``
brings it into another kho with every SHA-256 unchanged — on the filesystem store and the real MinIO."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import bagit
import pytest
from reuse_helpers import Doc, RunKho

from access.context import AccessContext
from access.principals import Principal
from access.scopes import ScopePolicy
from kho.backends import Backends
from kho.errors import ConflictError, IntegrityError, UsageError
from kho.reuse.certify import certify_record
from kho.reuse.transfer import select_record_ids
from kho.services.endpoints import Endpoints
from repository.bagit import export_bag, import_bag
from repository.catalog import NewBatchItem
from repository.fsstore import FilesystemStore
from repository.objectstore import ObjectStore
from repository.records import Repository
from repository.s3store import S3Store
from search.places import load_places


def _fixity(repo: Repository) -> dict[str, str]:
    """Every stored key of every record → SHA-256 of its bytes (objects, versions, record.json)."""
    found: dict[str, str] = {}
    for info in repo.store.list_keys("records/"):
        found[info.key] = hashlib.sha256(repo.store.get_bytes(info.key)).hexdigest()
    return found


@pytest.fixture
def three_records(backends: Backends, make_doc: Callable[..., Doc]) -> list[str]:
    """Three records in the order made: the second corrected (version 2), the third with a certified copy
    (a third file role)."""
    docs = [make_doc(), make_doc(locality="phường Hải Châu I, quận Hải Châu, thành phố Đà Nẵng"), make_doc()]
    backends.repository.update_metadata(docs[1].record_id, {"holder_name": "Trần Thị Bình"}, actor="t",
                                        reason="sửa tên")
    ctx = AccessContext(Principal("user", "b", "Nguyễn Thị B", "official"), "lưu trữ", "")
    certify_record(backends, ScopePolicy(load_places()), ctx, docs[2].record_id)
    return [d.record_id for d in docs]


def test_export_validates_and_import_keeps_every_sha256(run_kho: RunKho, backends: Backends,
                                                        three_records: list[str], tmp_path: Path) -> None:
    exported = run_kho("export", "--bagit", "bag")
    assert exported.returncode == 0, exported.stderr
    bag = bagit.Bag(str(tmp_path / "bag"))
    bag.validate()
    assert "sha256" in bag.algorithms
    assert bag.info["Source-Organization"] == "UBND huyện Bắc Trà My"
    assert bag.info["Kho-Record-Count"] == "3"
    assert bag.info["Kho-File-Count"] == str(len(bag.payload_entries()))
    assert (tmp_path / "bag" / "data" / "records" / three_records[1] / "versions" / "2.json").is_file()
    exports = backends.catalog.query_audit(action="records.export")
    assert len(exports) == 1 and exports[0].details["records"] == 3 and exports[0].actor.startswith("cli:")

    other = tmp_path / "other-kho"
    imported = run_kho("import", "--bagit", "bag", KHO_DATA_DIR=str(other))
    assert imported.returncode == 0, imported.stderr
    assert "3 hồ sơ đã nhập" in imported.stdout
    target = Repository(FilesystemStore(other / "store"))
    assert _fixity(target) == _fixity(backends.repository)
    again = run_kho("import", "--bagit", "bag", KHO_DATA_DIR=str(other))
    assert again.returncode == 0 and "3 đã có" in again.stdout


def test_a_tampered_bag_is_refused_whole(backends: Backends, three_records: list[str], tmp_path: Path) -> None:
    some = three_records[:1]
    report = export_bag(backends.repository, some, tmp_path / "one", {"Source-Organization": "t"})
    assert report.records == 1
    data_file = next((tmp_path / "one" / "data" / "records" / some[0] / "original").iterdir())
    data_file.write_bytes(data_file.read_bytes() + b"x")
    target = Repository(FilesystemStore(tmp_path / "target"))
    with pytest.raises(IntegrityError, match="not valid"):
        import_bag(target, tmp_path / "one")
    assert list(target.iter_record_ids()) == []
    with pytest.raises(UsageError, match="not empty"):
        export_bag(backends.repository, some, tmp_path / "one", {})


def test_the_cli_refuses_batch_and_query_together(run_kho: RunKho) -> None:
    both = run_kho("export", "--bagit", "x", "--batch", "1", "--query", "nhà")
    assert both.returncode == 2 and "chọn --batch hoặc --query" in both.stderr


@pytest.fixture
def minio_store(minio_endpoints: Endpoints) -> Iterator[S3Store]:
    """A fresh bucket on the real MinIO (removed afterwards)."""
    store = S3Store.connect(minio_endpoints.s3_endpoint, minio_endpoints.s3_access_key,
                            minio_endpoints.s3_secret_key, f"kho-bag-{secrets.token_hex(4)}")
    store.ensure_bucket()
    yield store
    store.remove_all(remove_bucket=True)


@pytest.mark.integration
def test_round_trip_filesystem_to_minio_and_back(backends: Backends, three_records: list[str],
                                                 minio_store: ObjectStore, tmp_path: Path) -> None:
    export_bag(backends.repository, three_records, tmp_path / "to-minio", {"Source-Organization": "t"})
    on_minio = Repository(minio_store)
    report = import_bag(on_minio, tmp_path / "to-minio")
    assert report.imported == 3
    assert _fixity(on_minio) == _fixity(backends.repository)
    export_bag(on_minio, three_records, tmp_path / "from-minio", {"Source-Organization": "t"})
    bagit.Bag(str(tmp_path / "from-minio")).validate()
    back = Repository(FilesystemStore(tmp_path / "back"))
    import_bag(back, tmp_path / "from-minio")
    assert _fixity(back) == _fixity(backends.repository)


def test_export_selects_one_batch_or_what_a_search_finds(backends: Backends, three_records: list[str],
                                                         run_kho: RunKho, tmp_path: Path) -> None:
    first = three_records[0]
    batch = backends.catalog.create_batch("lô chuyển giao", ["scans"])
    backends.catalog.upsert_batch_items(batch.id, [NewBatchItem("a.pdf")])
    backends.catalog.update_batch_item(batch.id, "a.pdf", status="stored", record_id=first)
    assert select_record_ids(backends, batch="lô chuyển giao") == [first]
    assert select_record_ids(backends, batch=str(batch.id)) == [first]
    number = backends.repository.get(three_records[1]).metadata.document_number
    assert number and select_record_ids(backends, query=number) == [three_records[1]]
    assert select_record_ids(backends) == sorted(three_records)
    exported = run_kho("export", "--bagit", "lo", "--batch", "lô chuyển giao")
    assert exported.returncode == 0, exported.stderr
    assert bagit.Bag(str(tmp_path / "lo")).info["Kho-Record-Count"] == "1"
    missing = run_kho("export", "--bagit", "x", "--batch", "không có")
    assert missing.returncode == 4 and not (tmp_path / "x").exists()


def test_a_conflicting_record_stops_the_import_before_anything_is_written(
        backends: Backends, three_records: list[str], tmp_path: Path) -> None:
    last = three_records[-1]
    export_bag(backends.repository, [last], tmp_path / "one", {"Source-Organization": "t"})
    export_bag(backends.repository, three_records, tmp_path / "all", {"Source-Organization": "t"})
    target = Repository(FilesystemStore(tmp_path / "target"))
    import_bag(target, tmp_path / "one")
    target.update_metadata(last, {"holder_name": "Lê Văn C"}, actor="t", reason="sửa ở nơi nhận")
    with pytest.raises(ConflictError):
        import_bag(target, tmp_path / "all")
    assert list(target.iter_record_ids()) == [last]
    assert [k.key for k in target.store.list_keys("records/") if not k.key.startswith(f"records/{last}/")] == []
