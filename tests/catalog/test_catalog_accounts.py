"""Contract tests: users and API keys (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kho.errors import ConflictError, NotFoundError, UsageError
from repository.catalog import Catalog, Scopes

PASSWORD = "mật-khẩu-đủ-dài"


def test_create_and_authenticate_user(catalog: Catalog) -> None:
    user = catalog.create_user("lan", PASSWORD, "official", display_name="Nguyễn Thị Lan")
    assert (user.username, user.role, user.active) == ("lan", "official", True)
    assert user.display_name == "Nguyễn Thị Lan"
    assert user.created_at.tzinfo is not None
    assert abs((datetime.now(UTC) - user.created_at).total_seconds()) < 60
    assert catalog.authenticate_user("lan", PASSWORD) == user
    assert catalog.authenticate_user("lan", PASSWORD + "x") is None
    assert catalog.authenticate_user("nobody", PASSWORD) is None
    assert catalog.authenticate_user("bad name", PASSWORD) is None
    assert catalog.get_user("lan") == user
    assert catalog.get_user("nobody") is None


def test_user_is_never_exposed_with_its_hash(catalog: Catalog) -> None:
    user = catalog.create_user("hoa", PASSWORD, "archivist")
    assert "password" not in repr(user) and "scrypt" not in repr(user)


def test_duplicate_user_conflicts(catalog: Catalog) -> None:
    catalog.create_user("lan", PASSWORD, "official")
    with pytest.raises(ConflictError) as info:
        catalog.create_user("lan", PASSWORD, "admin")
    assert info.value.subject == "lan"


@pytest.mark.parametrize(
    ("username", "password", "role"),
    [("lan", PASSWORD, "portal"), ("", PASSWORD, "official"), ("a b", PASSWORD, "official"), ("lan", "short", "admin")],
)
def test_unfit_users_are_refused(catalog: Catalog, username: str, password: str, role: str) -> None:
    with pytest.raises(UsageError):
        catalog.create_user(username, password, role)
    assert catalog.list_users() == []


def test_disable_enable_and_password_change(catalog: Catalog) -> None:
    catalog.create_user("minh", PASSWORD, "admin")
    catalog.create_user("an", PASSWORD, "official")
    assert [u.username for u in catalog.list_users()] == ["an", "minh"]
    disabled = catalog.disable_user("minh")
    assert not disabled.active
    assert catalog.authenticate_user("minh", PASSWORD) is None
    assert catalog.enable_user("minh").active
    catalog.set_user_password("minh", "một mật khẩu mới")
    assert catalog.authenticate_user("minh", PASSWORD) is None
    assert catalog.authenticate_user("minh", "một mật khẩu mới") is not None
    with pytest.raises(NotFoundError):
        catalog.disable_user("ghost")


def test_usernames_are_nfc(catalog: Catalog) -> None:
    decomposed = "ho\u0300a"  # "hòa" with a combining grave accent
    user = catalog.create_user(decomposed, PASSWORD, "official")
    assert user.username == "h\u00f2a"
    assert catalog.authenticate_user(decomposed, PASSWORD) == user


def test_api_key_lifecycle(catalog: Catalog) -> None:
    scopes = Scopes.of(["giay_khai_sinh"], ["01", "79"])
    key, plaintext = catalog.create_api_key("Cổng dịch vụ công", "portal", scopes)
    assert plaintext.startswith(f"kho_{key.id}_") and len(plaintext) > 50
    assert key.prefix == f"kho_{key.id}" and plaintext not in repr(key)
    assert key.scopes == scopes and key.active and key.last_used_at is None
    assert catalog.authenticate_key(plaintext) == key
    assert catalog.authenticate_key(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert catalog.authenticate_key("kho_000000000000_" + "x" * 43) is None
    assert catalog.authenticate_key("not a key") is None
    assert catalog.authenticate_key("") is None
    assert catalog.list_api_keys() == [key]

    catalog.touch_api_key(key.id)
    touched = catalog.list_api_keys()[0]
    assert touched.last_used_at is not None
    catalog.touch_api_key(key.id)  # within the interval: not rewritten
    assert catalog.list_api_keys()[0].last_used_at == touched.last_used_at

    revoked = catalog.revoke_api_key(key.id)
    assert revoked.revoked_at is not None and not revoked.active
    assert catalog.authenticate_key(plaintext) is None
    assert catalog.revoke_api_key(key.id).revoked_at == revoked.revoked_at
    with pytest.raises(NotFoundError):
        catalog.revoke_api_key("ffffffffffff")


def test_keys_are_distinct_and_listed_newest_first(catalog: Catalog) -> None:
    made = [catalog.create_api_key(f"key {i}", "official") for i in range(3)]
    assert len({plain for _, plain in made}) == 3
    assert {k.id for k in catalog.list_api_keys()} == {k.id for k, _ in made}
    for key, plain in made:
        assert catalog.authenticate_key(plain) == key
    assert catalog.list_api_keys()[0].created_at >= catalog.list_api_keys()[-1].created_at


def test_unknown_key_role_is_refused(catalog: Catalog) -> None:
    with pytest.raises(UsageError):
        catalog.create_api_key("x", "superuser")
    with pytest.raises(UsageError):
        catalog.create_api_key("  ", "portal")


def test_scopes_semantics() -> None:
    everything = Scopes()
    assert everything.unrestricted and everything.allows("giay_khai_sinh", "01")
    narrow = Scopes.of(["giay_khai_sinh"], ["01"])
    assert narrow.allows("giay_khai_sinh", "01")
    assert not narrow.allows("giay_khai_sinh", "79")
    assert not narrow.allows("bang_tot_nghiep", "01")
    assert not narrow.allows(None, None)
    assert Scopes.from_json(narrow.to_json()) == narrow
    assert Scopes.from_json(None) == everything
