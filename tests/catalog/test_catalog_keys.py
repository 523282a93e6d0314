"""Unit tests of the catalog's secrets (pure functions)."""

from __future__ import annotations

from repository.catalog_keys import (
    hash_key,
    hash_password,
    key_matches,
    new_key_secret,
    parse_key_id,
    verify_password,
)


def test_key_secret_shape_and_hash() -> None:
    secret = new_key_secret()
    assert parse_key_id(secret.plaintext) == secret.key_id
    assert secret.key_hash == hash_key(secret.plaintext)
    assert len(secret.key_hash) == 64
    assert key_matches(secret.plaintext, secret.key_hash)
    assert not key_matches(secret.plaintext + "x", secret.key_hash)
    assert secret.key_id in secret.prefix and secret.plaintext not in secret.prefix


def test_parse_key_id_rejects_other_shapes() -> None:
    for bad in ("", "kho_", "kho_abc_def", "Bearer kho_0123456789ab_" + "x" * 43, "kho_0123456789AB_" + "x" * 43):
        assert parse_key_id(bad) is None


def test_password_hash_roundtrip() -> None:
    stored = hash_password("Mật khẩu 123", n=2**10)
    assert stored.startswith("scrypt$1024$")
    assert verify_password("Mật khẩu 123", stored)
    assert not verify_password("mật khẩu 123", stored)
    assert hash_password("same", n=2**10) != hash_password("same", n=2**10)  # salted


def test_malformed_password_hash_never_matches() -> None:
    for stored in ("", "plain", "scrypt$x$8$1$AAAA$AAAA", "scrypt$1024$8$1$!!$!!", "scrypt$4194304$8$1$AA==$AA=="):
        assert not verify_password("anything", stored)
