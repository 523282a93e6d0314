"""Contract tests: review tasks, audit trail and fixity runs (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kho.errors import ConflictError, NotFoundError, UsageError
from repository.catalog import Catalog, FixityRunSummary

CITIZEN = "001099012345"  # synthetic 12-digit ID (Hà Nội, male born 1999)


def test_review_task_is_idempotent_per_open_record(catalog: Catalog) -> None:
    first = catalog.open_review_task("R-1", ["độ tin cậy thấp"])
    same = catalog.open_review_task("R-1", ["thiếu ngày ký", "độ tin cậy thấp"])
    assert same.id == first.id and same.reasons == ("độ tin cậy thấp", "thiếu ngày ký")
    other = catalog.open_review_task("R-2", [])
    assert other.id != first.id
    assert catalog.review_backlog() == 2
    assert [t.record_id for t in catalog.list_review_tasks()] == ["R-1", "R-2"]
    assert [t.id for t in catalog.list_review_tasks(limit=1, offset=1)] == [other.id]


def test_resolve_review_task(catalog: Catalog) -> None:
    task = catalog.open_review_task("R-1", ["low"])
    done = catalog.resolve_review_task(task.id, actor="lan", outcome="corrected")
    assert (done.status, done.resolved_by) == ("corrected", "lan") and done.resolved_at is not None
    assert catalog.get_review_task(task.id) == done
    assert catalog.review_backlog() == 0
    assert catalog.list_review_tasks() == []
    assert catalog.list_review_tasks("corrected") == [done]
    assert catalog.list_review_tasks(None) == [done]
    with pytest.raises(ConflictError):
        catalog.resolve_review_task(task.id, actor="minh", outcome="accepted")
    with pytest.raises(UsageError):
        catalog.resolve_review_task(task.id, actor="minh", outcome="open")
    with pytest.raises(NotFoundError):
        catalog.resolve_review_task(9999, actor="minh", outcome="accepted")
    with pytest.raises(UsageError):
        catalog.list_review_tasks("pending")
    reopened = catalog.open_review_task("R-1", ["sửa lại"])
    assert reopened.id != task.id and reopened.status == "open"


def test_audit_events_are_stored_and_queried(catalog: Catalog) -> None:
    t0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    ict = timezone(timedelta(hours=7))
    catalog.record_audit_event(
        actor="k1",
        actor_kind="key",
        action="list_citizen_documents",
        citizen_id=CITIZEN,
        purpose="Xác minh hồ sơ",
        client_address="10.0.0.5",
        details={"count": 3},
        at=t0,
    )
    catalog.record_audit_event(
        actor="lan",
        actor_kind="user",
        action="read_document",
        citizen_id=CITIZEN,
        record_id="R-1",
        at=datetime(2024, 5, 1, 16, 0, tzinfo=ict),  # 09:00 UTC
    )
    catalog.record_audit_event(actor="lan", actor_kind="user", action="update_metadata", record_id="R-2")
    everything = catalog.query_audit()
    assert [e.action for e in everything] == ["update_metadata", "read_document", "list_citizen_documents"]
    by_citizen = catalog.query_audit(citizen_id=CITIZEN)
    assert [e.action for e in by_citizen] == ["read_document", "list_citizen_documents"]
    assert by_citizen[0].at == datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    oldest = by_citizen[1]
    assert (oldest.purpose, oldest.client_address, oldest.details) == ("Xác minh hồ sơ", "10.0.0.5", {"count": 3})
    assert oldest.at == t0 and oldest.at.tzinfo is not None
    assert [e.action for e in catalog.query_audit(since=t0 + timedelta(minutes=30), until=t0 + timedelta(days=1))] == [
        "read_document"
    ]
    assert [e.record_id for e in catalog.query_audit(actor="lan")] == ["R-2", "R-1"]
    assert [e.actor for e in catalog.query_audit(record_id="R-1")] == ["lan"]
    assert [e.action for e in catalog.query_audit(action="update_metadata")] == ["update_metadata"]
    assert len(catalog.query_audit(limit=1)) == 1
    assert catalog.query_audit(citizen_id="079203000001") == []


def test_bad_audit_events_are_refused(catalog: Catalog) -> None:
    with pytest.raises(UsageError):
        catalog.record_audit_event(actor="x", actor_kind="robot", action="read_document")
    with pytest.raises(UsageError):
        catalog.record_audit_event(actor="", actor_kind="user", action="read_document")
    with pytest.raises(UsageError):
        catalog.record_audit_event(actor="x", actor_kind="user", action="a", at=datetime(2024, 1, 1))
    with pytest.raises(UsageError):
        catalog.query_audit(since=datetime(2024, 1, 1))
    assert catalog.query_audit() == []


def test_fixity_runs(catalog: Catalog) -> None:
    assert catalog.last_fixity_run() is None
    start = datetime(2024, 6, 1, 1, 0, tzinfo=UTC)
    first = catalog.record_fixity_run(
        FixityRunSummary(start, start + timedelta(minutes=5), 10, 30, 0, True, {"problems": []})
    )
    later = start + timedelta(days=1)
    second = catalog.record_fixity_run(
        FixityRunSummary(later, later + timedelta(minutes=6), 11, 33, 1, False, {"problems": [{"key": "x"}]})
    )
    assert first.id != second.id
    assert catalog.last_fixity_run() == second
    assert (second.ok, second.problems, second.report) == (False, 1, {"problems": [{"key": "x"}]})
    assert second.started_at == later and second.finished_at == later + timedelta(minutes=6)


def test_overlong_values_are_refused_without_echoing_them(catalog: Catalog) -> None:
    too_long = "0" * 40
    with pytest.raises(UsageError) as info:
        catalog.record_audit_event(actor="x", actor_kind="user", action="read_document", citizen_id=too_long)
    assert too_long not in info.value.one_line() and info.value.subject == "citizen_id"
    with pytest.raises(UsageError):
        catalog.open_review_task("R" * 200, ["x"])
    with pytest.raises(UsageError):
        catalog.open_review_task("  ", ["x"])
    assert catalog.query_audit() == [] and catalog.review_backlog() == 0
