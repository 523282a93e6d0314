"""``kho signing-keys create|import|list``: keys encrypted at rest, a PKCS#12 import that signs and verifies."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from reuse_helpers import Doc, RunKho

from kho.backends import Backends


def _self_signed_p12(path: Path, password: bytes) -> None:
    """A PKCS#12 file like one a real CA would issue (here self-signed, ECDSA P-256)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sở Tư pháp tỉnh Quảng Nam")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"so-tu-phap", key, cert, None, serialization.BestAvailableEncryption(password)))


def test_create_list_and_the_key_is_encrypted_at_rest(run_kho: RunKho, tmp_path: Path) -> None:
    made = run_kho("signing-keys", "create", "--id", "office-2026")
    assert made.returncode == 0, made.stderr
    listed = json.loads(run_kho("signing-keys", "list", "--json").stdout)
    assert [(k["id"], k["active"], k["local_tsa"]) for k in listed] == [("office-2026", True, True)]
    assert "PRIVATE KEY" not in run_kho("signing-keys", "list", "--json").stdout
    short = run_kho("signing-keys", "create", "--id", "office-x", KHO_SIGNING_PASSPHRASE="ngắn")
    assert short.returncode == 2
    assert short.stderr.startswith("kho: error: KHO_SIGNING_PASSPHRASE: thiết lập không hợp lệ")
    assert "(chi tiết: set a passphrase" in short.stderr


def test_a_pkcs12_key_imported_signs_copies_that_verify(run_kho: RunKho, backends: Backends,
                                                        make_doc: Callable[..., Doc], tmp_path: Path) -> None:
    _self_signed_p12(tmp_path / "so.p12", b"p12-password")
    wrong = run_kho("signing-keys", "import", "so.p12", "--id", "so-tu-phap", "--password-stdin", stdin="sai\n")
    assert wrong.returncode == 3 and "cannot read the key" in wrong.stderr
    imported = run_kho("signing-keys", "import", "so.p12", "--id", "so-tu-phap", "--password-stdin",
                       stdin="p12-password\n")
    assert imported.returncode == 0, imported.stderr
    key = backends.catalog.reuse.active_signing_key()
    assert key.id == "so-tu-phap" and key.source == "imported" and key.tsa_private_key is None
    assert key.private_key.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    doc = make_doc()
    made = run_kho("certify", doc.record_id, "--purpose", "thử khoá nhập", "--out", "c.pdf", "--json")
    assert made.returncode == 0, made.stderr
    checked = json.loads(run_kho("verify-copy", "c.pdf", "--json").stdout)
    assert checked["outcome"] == "valid"
    assert checked["signature"]["level"] == "PAdES B-B"  # no TSA: KHO_TSA_URL unset and no local TSA key
    assert "Sở Tư pháp" in checked["signature"]["signer"]
