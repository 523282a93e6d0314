"""The reuse tables on SQLite and the real PostgreSQL; the pure reuse summary; a record's added file."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from reuse_helpers import Doc
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kho.backends import Backends
from kho.errors import ConflictError, NotFoundError, UsageError
from kho.reuse.stats import summarize
from repository.catalog import Catalog
from repository.catalog_reuse import CertifiedCopy, ReuseCount, ReusedRecord, ReuseEvent, SigningKey
from web.pages.stats import Digitized, area_of

JAN = datetime(2026, 1, 31, 18, 0, tzinfo=UTC)  # 1 February in Vietnam


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def catalog(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Catalog]:
    """A migrated catalog on a temp SQLite file or a fresh schema of the real PostgreSQL."""
    if request.param == "sqlite":
        with Catalog.open(f"sqlite:///{tmp_path / 'c.sqlite3'}") as opened:
            yield opened
        return
    base: str = request.getfixturevalue("postgres_url")
    schema = "kho_reuse_test_" + secrets.token_hex(4)
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    try:
        with Catalog.open(url) as opened:
            yield opened
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _key(key_id: str) -> SigningKey:
    return SigningKey(key_id, "UBND huyện Bắc Trà My", JAN, True, "created", "f" * 64, "CERT", "CHAIN",
                      "-----BEGIN ENCRYPTED PRIVATE KEY-----", None, None)


def test_signing_keys_copies_and_reuse_events(catalog: Catalog) -> None:
    reuse = catalog.reuse
    with pytest.raises(NotFoundError, match="kho signing-keys create"):
        reuse.active_signing_key()
    reuse.add_signing_key(_key("office-1"))
    reuse.add_signing_key(_key("office-2"))
    assert reuse.active_signing_key().id == "office-2"
    assert [(k.id, k.active) for k in reuse.list_signing_keys()] == [("office-1", False), ("office-2", True)]
    with pytest.raises(ConflictError):
        reuse.add_signing_key(_key("office-2"))

    copy = CertifiedCopy("abcdefghijklmnop", "kho-00000000000000000001", 2, "records/x/certified/a.pdf", "a" * 64,
                         1234, "UBND", "Nguyễn Thị B", "b", "cấp bản sao", "office-2", JAN)
    reuse.add_certified_copy(copy)
    reuse.count_verification(copy.code)
    reuse.count_verification(copy.code)
    found = reuse.certified_copy(copy.code)
    assert found is not None and found.verify_count == 2 and found.last_verified_at is not None
    assert [c.code for c in reuse.certified_copies_with_sha256("a" * 64)] == [copy.code]
    assert reuse.certified_copy("zzzzzzzzzzzzzzzz") is None

    tra_my = "xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam"
    reuse.record_reuse([
        ReuseEvent("portal.documents", "kho-1", "Giấy phép xây dựng", tra_my, "key:p", JAN),
        ReuseEvent("portal.file", "kho-1", "Giấy phép xây dựng", tra_my, "key:p", JAN),
        ReuseEvent("certified_copy", "kho-2", "Quyết định", tra_my, "b", JAN),
    ])
    with pytest.raises(UsageError):
        reuse.record_reuse([ReuseEvent("download", "kho-3")])
    counts = reuse.reuse_counts()
    assert {(c.document_type, c.month, c.events, c.records) for c in counts} == {
        ("Giấy phép xây dựng", "2026-02", 2, 1), ("Quyết định", "2026-02", 1, 1)}
    assert [(r.record_id, r.events) for r in reuse.reused_records()] == [("kho-1", 2), ("kho-2", 1)]


def test_summary_per_area_is_reused_over_digitized() -> None:
    tra_my = "xã Trà Sơn, huyện Bắc Trà My, tỉnh Quảng Nam"
    digitized = [Digitized("2026-01", "huyện Bắc Trà My", "GPXD", 1)] * 4 + [Digitized("2026-01", "quận Hải Châu",
                                                                                       "GPXD", 1)]
    reused = [ReusedRecord("kho-1", tra_my, "GPXD", 3), ReusedRecord("kho-2", tra_my, "GPXD", 1)]
    counts = [ReuseCount(tra_my, "GPXD", "2026-02", 4, 2)]
    summary = summarize(digitized, reused, counts, area_of)
    assert (summary.digitized, summary.reused, summary.events, summary.rate) == (5, 2, 4, 0.4)
    assert [(a.area, a.digitized, a.reused, a.rate) for a in summary.by_area] == [
        ("huyện Bắc Trà My", 4, 2, 0.5), ("quận Hải Châu", 1, 0, 0.0)]
    assert [(m.area, m.month, m.events, m.records) for m in summary.monthly] == [("huyện Bắc Trà My", "2026-02", 4, 2)]
    assert summarize([], [], [], area_of).rate is None


def test_add_object_writes_a_version_naming_the_new_file(backends: Backends, make_doc: Callable[..., Doc]) -> None:
    doc = make_doc()
    repo = backends.repository
    key = f"records/{doc.record_id}/certified/abcdefghijklmnop.pdf"
    record = repo.add_object(doc.record_id, "certified", key, b"%PDF-1.7 copy", name="c.pdf",
                             content_type="application/pdf", actor="b", reason="chứng thực")
    assert record.version == 2 and record.objects[-1].key == key and record.objects[-1].index == 0
    assert record.metadata == repo.history(doc.record_id)[0].metadata
    with pytest.raises(ConflictError):
        repo.add_object(doc.record_id, "certified", key, b"x", name="c.pdf", content_type="application/pdf",
                        actor="b", reason="again")
    with pytest.raises(ConflictError):
        repo.add_object(doc.record_id, "certified", "records/kho-00000000000000000000/x.pdf", b"x", name="x",
                        content_type="application/pdf", actor="b", reason="outside")
    assert repo.get(doc.record_id).version == 2
