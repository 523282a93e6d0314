"""Office signing keys: a self-signed office CA (embedded default, tests) or an imported key.

A signing key is the office's signing certificate, its chain up to a trust anchor (the office CA,
or a real CA in production), and the private key, kept in the catalog as an *encrypted* PKCS#8
PEM whose passphrase is ``KHO_SIGNING_PASSPHRASE`` (never stored). ``create`` also makes a
time-stamping certificate of the office CA: the office's local RFC 3161 time-stamp authority, used
when no ``KHO_TSA_URL`` is set. Hardware tokens (PKCS#11) are documented in ``docs/reuse.md``.

Pure functions build certificates and keys (:func:`new_office_keys`, :func:`imported_key`); the
catalog stores them; :func:`load_signer` turns a stored key back into pyHanko objects.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kho.errors import ConfigError, InputError, UsageError
from repository.catalog_reuse import SigningKey

CA_YEARS = 10
SIGNER_YEARS = 5
KEY_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
PASSPHRASE_VARIABLE = "KHO_SIGNING_PASSPHRASE"
MIN_PASSPHRASE = 12


@dataclass(frozen=True)
class OfficeKeys:
    """PEM texts of a new key set: CA, signing and TSA certificates and their (encrypted) keys."""

    ca_certificate: str
    certificate: str
    private_key: str
    tsa_certificate: str
    tsa_private_key: str


def check_passphrase(passphrase: str) -> bytes:
    """The passphrase as bytes; :class:`ConfigError` naming the variable if unset or too short."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ConfigError(
            f"set a passphrase of at least {MIN_PASSPHRASE} characters: it encrypts the office's "
            "signing keys at rest", subject=PASSPHRASE_VARIABLE,
        )
    return passphrase.encode("utf-8")


def check_key_id(key_id: str) -> str:
    """A key id (lower-case letters, digits, ``.``, ``_``, ``-``; at most 64); 400/exit 2 otherwise."""
    if not KEY_ID_RE.fullmatch(key_id):
        raise UsageError("a key id is lower-case letters, digits, '.', '_' or '-' (at most 64)", subject=key_id)
    return key_id


def _name(common_name: str, office: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, office[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ])


def _usage(*, sign: bool = False, commit: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign, content_commitment=commit, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
    )


def _issue(subject: x509.Name, public_key: Any, issuer: x509.Name, issuer_key: Any, days: int,
           now: datetime) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )


def _pem_key(key: Any, passphrase: bytes) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    ).decode("ascii")


def _pem_cert(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def new_office_keys(office: str, passphrase: str, now: datetime | None = None) -> OfficeKeys:
    """A self-signed office CA (10 years), a signing certificate (5 years, non-repudiation) and a
    time-stamping certificate issued by it; private keys encrypted with ``passphrase``.

    The signing key is ECDSA P-256; the TSA key RSA-3072 (pyHanko's local time stamper signs with RSA).
    """
    secret = check_passphrase(passphrase)
    office = unicodedata.normalize("NFC", office).strip()
    if not office:
        raise ConfigError("name the certifying office (KHO_OFFICE_NAME or --office)", subject="KHO_OFFICE_NAME")
    now = now or datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{office} - CA", office)
    ca = (
        _issue(ca_name, ca_key.public_key(), ca_name, ca_key, 365 * CA_YEARS, now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _issue(_name(office, office), key.public_key(), ca_name, ca_key, 365 * SIGNER_YEARS, now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True, commit=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    tsa = (
        _issue(_name(f"{office} - TSA", office), tsa_key.public_key(), ca_name, ca_key, 365 * SIGNER_YEARS, now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True, commit=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return OfficeKeys(_pem_cert(ca), _pem_cert(cert), _pem_key(key, secret), _pem_cert(tsa), _pem_key(tsa_key, secret))


def fingerprint(certificate_pem: str) -> str:
    """SHA-256 of the certificate's DER, lower-case hex."""
    cert = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def signing_key_row(key_id: str, office: str, keys: OfficeKeys, now: datetime | None = None) -> SigningKey:
    """The catalog row of a newly created key set."""
    return SigningKey(
        id=check_key_id(key_id), office=office, created_at=now or datetime.now(UTC), active=True,
        source="created", fingerprint=fingerprint(keys.certificate), certificate=keys.certificate,
        chain=keys.ca_certificate, private_key=keys.private_key, tsa_certificate=keys.tsa_certificate,
        tsa_private_key=keys.tsa_private_key,
    )


def _load_certs(data: bytes, subject: str) -> list[x509.Certificate]:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as e:
        raise InputError(f"not a PEM or DER certificate: {e}", subject=subject) from e


def imported_key(key_id: str, office: str, passphrase: str, *, pkcs12_data: bytes | None = None,
                 pkcs12_password: str = "", key_pem: bytes | None = None, key_password: str = "",
                 cert_data: bytes | None = None, chain_data: bytes | None = None,
                 subject: str = "key") -> SigningKey:
    """A catalog row for an existing key: a PKCS#12 file, or a PEM key with its certificate.

    ``chain_data`` (PEM) adds CA certificates; the last certificate of the chain is the trust anchor
    copies are verified against. The private key is re-encrypted with ``passphrase``.
    """
    secret = check_passphrase(passphrase)
    chain: list[x509.Certificate] = []
    try:
        if pkcs12_data is not None:
            loaded = pkcs12.load_key_and_certificates(pkcs12_data, pkcs12_password.encode("utf-8") or None)
            key, cert, extra = loaded[0], loaded[1], list(loaded[2] or [])
            chain.extend(extra)
        else:
            if key_pem is None or cert_data is None:
                raise UsageError("give a PKCS#12 file, or a PEM key with its certificate", subject=subject)
            key = serialization.load_pem_private_key(key_pem, key_password.encode("utf-8") or None)
            certs = _load_certs(cert_data, subject)
            cert, chain = certs[0], certs[1:]
    except (ValueError, TypeError) as e:
        raise InputError(f"cannot read the key (wrong password or format?): {e}", subject=subject) from e
    if key is None or cert is None:
        raise InputError("the file holds no private key and certificate", subject=subject)
    if chain_data:
        chain.extend(_load_certs(chain_data, subject))
    if not chain:
        chain = [cert]  # a self-signed certificate is its own trust anchor
    return SigningKey(
        id=check_key_id(key_id), office=unicodedata.normalize("NFC", office).strip(), created_at=datetime.now(UTC),
        active=True, source="imported", fingerprint=fingerprint(_pem_cert(cert)), certificate=_pem_cert(cert),
        chain="".join(_pem_cert(c) for c in chain), private_key=_pem_key(key, secret),
        tsa_certificate=None, tsa_private_key=None,
    )


@dataclass(frozen=True)
class LoadedSigner:
    """pyHanko's signer and time stamper for a stored key, and the trust anchor of its chain."""

    signer: Any
    timestamper: Any
    trust_roots: tuple[Any, ...]
    key: SigningKey


def trust_roots(key: SigningKey) -> tuple[Any, ...]:
    """The trust anchor (last certificate of the chain) as asn1crypto certificates."""
    from pyhanko.keys import load_certs_from_pemder_data

    certs = list(load_certs_from_pemder_data(key.chain.encode("ascii")))
    return (certs[-1],) if certs else ()


def load_signer(key: SigningKey, passphrase: str, tsa_url: str = "") -> LoadedSigner:
    """Decrypt a stored key and build pyHanko's signer and time stamper (``tsa_url``, else the local TSA).

    :class:`ConfigError` naming ``KHO_SIGNING_PASSPHRASE`` if it does not decrypt the key; if there is
    neither a TSA URL nor a local TSA key, the time stamper is ``None`` (PAdES B-B).
    """
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    secret = check_passphrase(passphrase)
    try:
        private = load_private_key_from_pemder_data(key.private_key.encode("ascii"), secret)
        tsa_private = (load_private_key_from_pemder_data(key.tsa_private_key.encode("ascii"), secret)
                       if key.tsa_private_key else None)
    except (ValueError, TypeError) as e:
        raise ConfigError(f"does not decrypt the signing key '{key.id}'", subject=PASSPHRASE_VARIABLE) from e
    cert = next(iter(load_certs_from_pemder_data(key.certificate.encode("ascii"))))
    chain = list(load_certs_from_pemder_data(key.chain.encode("ascii")))
    signer = signers.SimpleSigner(
        signing_cert=cert, signing_key=private, cert_registry=SimpleCertificateStore.from_certs(chain)
    )
    timestamper: Any = None
    if tsa_url:
        timestamper = HTTPTimeStamper(tsa_url)
    elif tsa_private is not None and key.tsa_certificate:
        tsa_cert = next(iter(load_certs_from_pemder_data(key.tsa_certificate.encode("ascii"))))
        timestamper = DummyTimeStamper(
            tsa_cert=tsa_cert, tsa_key=tsa_private, certs_to_embed=SimpleCertificateStore.from_certs(chain)
        )
    return LoadedSigner(signer, timestamper, trust_roots(key), key)
