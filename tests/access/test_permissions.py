"""The one permissions table (role x permission) and the principals."""

from __future__ import annotations

import pytest

from access.permissions import ROLE_PERMISSIONS, Permission, allowed, require
from access.principals import Principal
from kho.errors import PermissionDeniedError
from repository.catalog_types import KEY_ROLES, USER_ROLES


def test_every_role_of_keys_and_users_is_in_the_table() -> None:
    assert set(KEY_ROLES) | set(USER_ROLES) == set(ROLE_PERMISSIONS)


@pytest.mark.parametrize(("role", "permission", "expected"), [
    ("portal", Permission.CITIZEN_DOCUMENTS, True),
    ("portal", Permission.SEARCH, False),
    ("portal", Permission.RECORD_EDIT, False),
    ("official", Permission.RECORD_REVOKE, True),
    ("official", Permission.BATCH_CREATE, False),
    ("archivist", Permission.CITIZEN_DOCUMENTS, False),
    ("archivist", Permission.REVIEW, True),
    ("archivist", Permission.RECORD_REVOKE, False),
    ("admin", Permission.AUDIT_READ, True),
    ("official", Permission.AUDIT_READ, False),
    ("official", Permission.CERTIFY, True),
    ("archivist", Permission.CERTIFY, False),
    ("portal", Permission.CERTIFY, False),
    ("nobody", Permission.DOCUMENT_READ, False),
])
def test_table(role: str, permission: Permission, expected: bool) -> None:
    assert allowed(role, permission) is expected


def test_admin_may_do_everything() -> None:
    assert ROLE_PERMISSIONS["admin"] == frozenset(Permission)


def test_require_names_the_actor_and_the_permission() -> None:
    portal = Principal("key", "abc123abc123", "cổng", "portal")
    with pytest.raises(PermissionDeniedError, match="audit read") as caught:
        require(portal, Permission.AUDIT_READ)
    assert caught.value.subject == "key:abc123abc123"
    require(Principal.operator(), Permission.AUDIT_READ)
    assert Principal.operator().actor.startswith("cli:")
