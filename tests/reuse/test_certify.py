"""Certified copies end to end: ``kho certify`` → ``kho verify-copy`` (valid, tampered, revoked, …)."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
from reuse_helpers import CITIZEN, OFFICE, PASSPHRASE, Doc, RunKho, create_record, settings_for
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from access.context import AccessContext
from access.principals import Principal
from access.scopes import ScopePolicy
from kho.backends import Backends, open_backends
from kho.errors import ConfigError, ConflictError, NotFoundError, PermissionDeniedError
from kho.reuse.certify import certify_record, new_code, verification_url
from kho.reuse.pdfcopy import CertificationBlock, prepare_copy, sign_copy
from kho.reuse.signing import OfficeKeys, load_signer, new_office_keys, signing_key_row
from kho.reuse.verify import EXIT_CODES, Outcome, public_verification, verify_copy
from kho.services.endpoints import Endpoints
from search.places import load_places

PURPOSE = "Cấp bản sao cho Sở Xây dựng"


def _ctx(role: str = "official", purpose: str = PURPOSE) -> AccessContext:
    return AccessContext(Principal("user", "nguyen.thi.b", "Nguyễn Thị B", role), purpose, "127.0.0.1")


def _certify(backends: Backends, record_id: str, role: str = "official") -> bytes:
    return certify_record(backends, ScopePolicy(load_places()), _ctx(role), record_id).pdf


def test_certify_verify_tamper_revoke_through_the_cli(run_kho: RunKho, make_doc: Callable[..., Doc],
                                                      tmp_path: Path) -> None:
    doc = make_doc()
    made = run_kho("certify", doc.record_id, "--purpose", PURPOSE, "--out", "c.pdf", "--json")
    assert made.returncode == 0, made.stderr
    result = json.loads(made.stdout)
    copy = tmp_path / "c.pdf"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == result["sha256"]
    assert result["verify_url"] == f"https://kho.example.vn/verify/{result['code']}"

    checked = run_kho("verify-copy", "c.pdf", "--json")
    assert checked.returncode == 0, checked.stderr
    verdict = json.loads(checked.stdout)
    assert verdict["outcome"] == "valid"
    assert verdict["record_status"] == "valid"
    assert verdict["hash_known"] is True
    assert verdict["code"] == result["code"]
    assert verdict["signature"]["trusted"] and verdict["signature"]["level"] == "PAdES B-T"
    assert CITIZEN not in checked.stdout

    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / "flipped.pdf").write_bytes(bytes(data))
    flipped = run_kho("verify-copy", "flipped.pdf", "--json")
    assert flipped.returncode == EXIT_CODES[Outcome.TAMPERED] != 0
    assert json.loads(flipped.stdout)["outcome"] == "tampered"

    revoked = run_kho("revoke", doc.record_id, "--reason", "Thu hồi theo Quyết định 15/QĐ-UBND")
    assert revoked.returncode == 0, revoked.stderr
    after = run_kho("verify-copy", "c.pdf")
    assert after.returncode == EXIT_CODES[Outcome.REVOKED]
    assert "revoked" in after.stdout


def test_an_unsigned_pdf_and_a_non_pdf_have_their_own_answers(run_kho: RunKho, make_doc: Callable[..., Doc],
                                                              tmp_path: Path) -> None:
    (tmp_path / "plain.pdf").write_bytes(make_doc().pdf)
    unsigned = run_kho("verify-copy", "plain.pdf")
    assert unsigned.returncode == EXIT_CODES[Outcome.UNSIGNED]
    assert "unsigned" in unsigned.stdout
    nowhere = run_kho("certify", make_doc().record_id, "--purpose", PURPOSE, "--out", "thiếu/c.pdf")
    assert nowhere.returncode == 2 and "chưa chứng thực gì" in nowhere.stderr
    (tmp_path / "notes.pdf").write_text("không phải PDF")
    junk = run_kho("verify-copy", "notes.pdf")
    assert junk.returncode == 3
    assert junk.stderr.strip() == "kho: error: notes.pdf: tệp hoặc giá trị không dùng được (chi tiết: not a PDF file)"


def test_superseded_untrusted_and_unknown_copies(backends: Backends, make_doc: Callable[..., Doc]) -> None:
    doc = make_doc()
    pdf = _certify(backends, doc.record_id)
    backends.repository.update_metadata(doc.record_id, {"status": "superseded"}, actor="t", reason="thay thế")
    check = verify_copy(backends, pdf)
    assert check.outcome == Outcome.SUPERSEDED and check.exit_code == EXIT_CODES[Outcome.SUPERSEDED] == 25

    other = make_doc()
    code = new_code()
    block = CertificationBlock(OFFICE, "X", datetime.now(UTC), other.record_id,
                               "Giấy phép", "1", code, verification_url("https://kho.example.vn", code), "p")
    stranger = new_office_keys("UBND xã Khác", PASSPHRASE)
    foreign = load_signer(signing_key_row("stranger", "UBND xã Khác", stranger), PASSPHRASE)
    forged = sign_copy(prepare_copy(other.pdf, block), block, foreign.signer, foreign.timestamper)
    assert verify_copy(backends, forged).outcome == Outcome.UNTRUSTED

    ours = load_signer(backends.catalog.reuse.active_signing_key(), PASSPHRASE)
    unregistered = sign_copy(prepare_copy(other.pdf, block), block, ours.signer, ours.timestamper)
    unknown = verify_copy(backends, unregistered)
    assert unknown.outcome == Outcome.UNKNOWN and unknown.exit_code == 23 and not unknown.hash_known


def test_the_copy_is_a_new_file_of_the_record_audited_and_counted(backends: Backends,
                                                                   make_doc: Callable[..., Doc]) -> None:
    doc = make_doc()
    made = certify_record(backends, ScopePolicy(load_places()), _ctx(), doc.record_id)
    record = backends.repository.get(doc.record_id)
    assert record.version == 2
    entry = record.objects_with_role("certified")[0]
    assert entry.sha256 == made.copy.sha256 == hashlib.sha256(made.pdf).hexdigest()
    assert entry.key == f"records/{doc.record_id}/certified/{made.copy.code}.pdf"
    assert backends.store.get_bytes(entry.key) == made.pdf
    assert record.history_entry.actor == "nguyen.thi.b"
    assert record.history_entry.changes["objects"]["sha256"] == entry.sha256
    assert [v.version for v in backends.repository.history(doc.record_id)] == [1, 2]
    events = backends.catalog.query_audit(record_id=doc.record_id, action="document.certify")
    assert len(events) == 1 and events[0].citizen_id == CITIZEN and events[0].purpose == PURPOSE
    assert events[0].details["code"] == made.copy.code
    reused = backends.catalog.reuse.reused_records()
    assert [(r.record_id, r.events) for r in reused] == [(doc.record_id, 1)]


def test_the_copy_is_pdfa_2b_with_the_certification_page(backends: Backends, make_doc: Callable[..., Doc]) -> None:
    doc = make_doc()
    made = certify_record(backends, ScopePolicy(load_places()), _ctx(), doc.record_id)
    with pikepdf.open(io.BytesIO(made.pdf)) as pdf:
        assert len(pdf.pages) == 2
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        intent = pdf.Root.OutputIntents[0]
        assert str(intent.S) == "/GTS_PDFA1" and len(intent.DestOutputProfile.read_bytes()) > 100
        assert str(pdf.docinfo["/KhoVerificationCode"]) == made.copy.code
        info = pdf.docinfo  # PDF/A: the document information agrees with the XMP metadata
        assert str(info["/Producer"]) == meta["pdf:Producer"] and str(info["/Title"]) == meta["dc:title"]
        assert [str(info["/Author"])] == meta["dc:creator"] and "/ModDate" not in info


def test_certify_is_refused_when_it_cannot_be_right(backends: Backends, make_doc: Callable[..., Doc],
                                                    reuse_settings: object) -> None:
    doc = make_doc()
    with pytest.raises(PermissionDeniedError):
        _certify(backends, doc.record_id, role="archivist")
    with pytest.raises(PermissionDeniedError):
        _certify(backends, doc.record_id, role="portal")
    revoked = make_doc()
    backends.repository.update_metadata(revoked.record_id, {"status": "revoked"}, actor="t", reason="thu hồi")
    with pytest.raises(ConflictError, match="revoked"):
        _certify(backends, revoked.record_id)
    with pytest.raises(NotFoundError):
        _certify(backends, "kho-00000000000000000000")
    assert backends.repository.get(doc.record_id).version == 1
    assert backends.catalog.reuse.reused_records() == []


def test_a_wrong_passphrase_names_the_setting(backends: Backends, make_doc: Callable[..., Doc]) -> None:
    key = backends.catalog.reuse.active_signing_key()
    assert key.private_key.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(ConfigError) as raised:
        load_signer(key, "not-the-right-passphrase")
    assert raised.value.one_line().startswith("KHO_SIGNING_PASSPHRASE: does not decrypt")
    with pytest.raises(ConfigError):
        load_signer(key, "short")


@pytest.mark.integration
def test_certify_and_verify_on_minio_and_postgresql(minio_endpoints: Endpoints, postgres_url: str, tmp_path: Path,
                                                    office_keys: OfficeKeys) -> None:
    """The production backends: the copy in a MinIO bucket, its registration in PostgreSQL."""
    bucket, schema = f"kho-certify-{secrets.token_hex(4)}", f"kho_certify_{secrets.token_hex(4)}"
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    catalog_url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    settings = settings_for(tmp_path / "kho-data", store_url=f"s3://{bucket}",
                            s3_endpoint=minio_endpoints.s3_endpoint, s3_access_key=minio_endpoints.s3_access_key,
                            s3_secret_key=minio_endpoints.s3_secret_key,
                            catalog_url=catalog_url.render_as_string(hide_password=False))
    backends = open_backends(settings)
    try:
        backends.index.ensure_ready()
        backends.catalog.reuse.add_signing_key(signing_key_row("office-pg", OFFICE, office_keys))
        doc = create_record(backends, tmp_path, 0)
        pdf = _certify(backends, doc.record_id)
        assert verify_copy(backends, pdf).outcome == Outcome.VALID
        entry = backends.repository.get(doc.record_id).objects_with_role("certified")[0]
        assert backends.store.get_bytes(entry.key) == pdf
        assert public_verification(backends, entry.key.rsplit("/", 1)[1][:-4]).status == "valid"
    finally:
        store = backends.store
        backends.close()
        store.remove_all(remove_bucket=True)  # type: ignore[attr-defined]
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()
