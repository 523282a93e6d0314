"""The access layer's operations on real embedded backends: role, scope, purpose, then one audit event."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from access.audit import Action, AuditFilters, query_audit_events
from access.batches import UploadedFiles, create_uploaded_batch
from access.changes import correct_record, revoke_record
from access.context import AccessContext
from access.principals import Principal
from access.reads import read_document, read_object, search_documents
from access.scopes import ScopePolicy
from kho.backends import Backends, open_backends
from kho.errors import PermissionDeniedError, UsageError
from kho.settings import Settings
from repository.catalog import Scopes
from repository.records import RecordFiles, SourceFile
from repository.schema import Provenance, RecordMetadata
from search.documents import index_document_from_record
from search.index import SearchQuery
from search.places import load_places

CID = "079085001234"
POLICY = ScopePolicy(load_places())


@pytest.fixture
def backends(settings: Settings) -> Iterator[Backends]:
    opened = open_backends(settings)
    opened.index.ensure_ready()
    yield opened
    opened.close()


@pytest.fixture
def record_id(backends: Backends, tmp_path: Path) -> str:
    """One record of a citizen (Giấy phép xây dựng, Bắc Trà My), stored and indexed."""
    data = b"%PDF-1.4 scan " * 40
    source_path = tmp_path / "scan.pdf"
    source_path.write_bytes(data)
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(b"%PDF-1.7\nsearchable\n%%EOF\n")
    source = SourceFile(name="scan.pdf", path=source_path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    meta = RecordMetadata(citizen_ids=(CID,), document_type="Giấy phép xây dựng", holder_name="Nguyễn Văn An",
                          locality="xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam")
    provenance = Provenance(ingested_at=datetime(2025, 1, 2, tzinfo=UTC), software_version="test")
    outcome = backends.repository.create(RecordFiles(sources=(source,), pdf=pdf), meta, provenance)
    record = backends.repository.get(outcome.record_id)
    backends.index.index_documents([index_document_from_record(record, ["Nguyễn Văn An"])], refresh=True)
    return outcome.record_id


def _ctx(role: str, purpose: str | None = "Xác minh", scopes: Scopes | None = None) -> AccessContext:
    return AccessContext(Principal("user", f"u-{role}", role, role, scopes or Scopes()), purpose, "10.0.0.1")


def _actions(backends: Backends) -> list[str]:
    return [e.action for e in backends.catalog.query_audit(limit=1000)]


def test_reads_are_audited_once_per_citizen_with_the_purpose(backends: Backends, record_id: str) -> None:
    read_document(backends, POLICY, _ctx("official"), record_id)
    found = read_object(backends, POLICY, _ctx("official"), record_id, "original", 0)
    with found.stream:
        assert found.stream.read(14) == b"%PDF-1.4 scan "
    events = backends.catalog.query_audit(limit=10)
    assert [e.action for e in events] == [Action.DOCUMENT_FILE.value, Action.DOCUMENT_METADATA.value]
    assert all(e.citizen_id == CID and e.purpose == "Xác minh" and e.actor == "u-official" for e in events)
    assert events[0].details["role"] == "original"


def test_refused_operations_write_nothing(backends: Backends, record_id: str) -> None:
    with pytest.raises(UsageError):
        read_document(backends, POLICY, _ctx("official", purpose=None), record_id)
    with pytest.raises(PermissionDeniedError):
        search_documents(backends, POLICY, _ctx("portal"), SearchQuery(text="An"))
    elsewhere = Scopes.of(localities=["Hội An"])
    with pytest.raises(PermissionDeniedError):
        read_document(backends, POLICY, _ctx("official", scopes=elsewhere), record_id)
    with pytest.raises(PermissionDeniedError):
        revoke_record(backends, POLICY, _ctx("archivist"), record_id, "sai", expected_version=1)
    with pytest.raises(PermissionDeniedError):
        correct_record(backends, POLICY, _ctx("official", scopes=elsewhere), record_id, {"holder_name": "X"},
                       "sửa", expected_version=1)
    assert _actions(backends) == []
    assert backends.repository.get(record_id).version == 1


def test_changes_write_a_version_and_an_event(backends: Backends, record_id: str) -> None:
    outcome = correct_record(backends, POLICY, _ctx("archivist"), record_id, {"holder_name": "Nguyễn Văn Anh"},
                             "sai chính tả", expected_version=1)
    assert outcome.changed and outcome.record.version == 2
    revoked = revoke_record(backends, POLICY, _ctx("official"), record_id, "thu hồi theo QĐ 12", expected_version=2)
    assert revoked.record.metadata.status == "revoked"
    assert _actions(backends) == [Action.DOCUMENT_REVOKE.value, Action.DOCUMENT_UPDATE.value]


def test_d4_audit_query_requires_a_purpose_and_is_recorded(backends: Backends, record_id: str) -> None:
    read_document(backends, POLICY, _ctx("admin"), record_id)
    with pytest.raises(UsageError):
        query_audit_events(backends.catalog, _ctx("admin", purpose="  "), AuditFilters())
    with pytest.raises(PermissionDeniedError):
        query_audit_events(backends.catalog, _ctx("official"), AuditFilters())
    events = query_audit_events(backends.catalog, _ctx("admin", purpose="Thanh tra"), AuditFilters(citizen_id=CID))
    assert [e.action for e in events] == [Action.DOCUMENT_METADATA.value]
    recorded = backends.catalog.query_audit(action=Action.AUDIT_QUERY.value)
    assert len(recorded) == 1 and recorded[0].purpose == "Thanh tra" and recorded[0].citizen_id == CID


def test_batch_creation_needs_the_permission_and_is_audited(backends: Backends, tmp_path: Path) -> None:
    files = tmp_path / "upload"
    files.mkdir()
    (files / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    upload = UploadedFiles(files, None, ("a.png",))
    with pytest.raises(PermissionDeniedError):
        create_uploaded_batch(backends, _ctx("official"), upload, "lô 1")
    batch = create_uploaded_batch(backends, _ctx("archivist", purpose=None), upload, "lô 1")
    event = backends.catalog.query_audit(action=Action.BATCH_CREATE.value)[0]
    assert event.details["batch_id"] == batch.id and event.purpose


def test_the_review_queue_is_for_reviewers_and_the_next_task_wraps(backends: Backends, record_id: str) -> None:
    from access.review import next_review_task, open_review_tasks, review_task

    first = backends.catalog.open_review_task(record_id, ["Thiếu số văn bản"])
    second = backends.catalog.open_review_task("kho-00000000000000000002", ["Thiếu ngày"])  # one task a record
    queue = open_review_tasks(backends, _ctx("archivist"), limit=10)
    assert [t.id for t in queue.tasks] == [first.id, second.id] and queue.backlog == 2
    assert next_review_task(backends, _ctx("archivist")) == first
    assert next_review_task(backends, _ctx("archivist"), after=first.id) == second
    assert next_review_task(backends, _ctx("archivist"), after=second.id) == first     # wraps to the oldest
    assert review_task(backends, _ctx("archivist"), second.id) == second
    for role in ("official", "portal"):
        with pytest.raises(PermissionDeniedError):
            open_review_tasks(backends, _ctx(role), limit=10)
        with pytest.raises(PermissionDeniedError):
            next_review_task(backends, _ctx(role))


def test_batch_reads_are_for_batch_roles_and_an_unknown_batch_is_not_found(backends: Backends) -> None:
    from access.batches import batch_lines, batch_progress, batch_to_resume, problem_items, quarantined_total
    from kho.errors import NotFoundError

    batch = backends.catalog.create_batch("lô thử", ["/scans"])
    [line] = batch_lines(backends, _ctx("archivist"))
    assert line.batch.id == batch.id and line.progress is not None and line.state == "queued"
    assert batch_progress(backends, _ctx("archivist"), batch.id).batch_id == batch.id
    assert problem_items(backends, _ctx("archivist"), batch.id) == []
    assert quarantined_total(backends, _ctx("archivist")) == 0
    assert batch_to_resume(backends, _ctx("archivist"), batch.id).id == batch.id
    with pytest.raises(NotFoundError):
        batch_progress(backends, _ctx("archivist"), batch.id + 99)
    for read in (lambda ctx: batch_lines(backends, ctx), lambda ctx: batch_progress(backends, ctx, batch.id),
                 lambda ctx: problem_items(backends, ctx, batch.id), lambda ctx: quarantined_total(backends, ctx)):
        with pytest.raises(PermissionDeniedError):
            read(_ctx("official"))
    with pytest.raises(PermissionDeniedError):
        batch_to_resume(backends, _ctx("official"), batch.id)
