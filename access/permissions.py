"""The one permissions table: which role may do which :class:`Permission` (API, pages and CLI alike)."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from kho.errors import PermissionDeniedError


class Permission(StrEnum):
    """Something a caller may be allowed to do."""

    CITIZEN_DOCUMENTS = "citizen_documents"
    DOCUMENT_READ = "document_read"
    SEARCH = "search"
    BATCH_CREATE = "batch_create"
    BATCH_READ = "batch_read"
    AUDIT_READ = "audit_read"
    RECORD_EDIT = "record_edit"
    RECORD_REVOKE = "record_revoke"
    REVIEW = "review"
    STATISTICS = "statistics"
    CERTIFY = "certify"


P = Permission

# Role -> permissions. Portals look citizens up and fetch their documents; officials also search,
# correct, revoke and certify copies (Decree 23/2015); archivists ingest, search, correct and review
# but do not look citizens up; admins do everything.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "portal": frozenset({P.CITIZEN_DOCUMENTS, P.DOCUMENT_READ}),
    "official": frozenset(
        {P.CITIZEN_DOCUMENTS, P.DOCUMENT_READ, P.SEARCH, P.RECORD_EDIT, P.RECORD_REVOKE, P.STATISTICS,
         P.CERTIFY}
    ),
    "archivist": frozenset(
        {P.DOCUMENT_READ, P.SEARCH, P.BATCH_CREATE, P.BATCH_READ, P.RECORD_EDIT, P.REVIEW, P.STATISTICS}
    ),
    "admin": frozenset(Permission),
}


class HasRole(Protocol):
    """Anything with a role and an audit name (a :class:`~access.principals.Principal`)."""

    @property
    def role(self) -> str:
        """The caller's role."""
        ...

    @property
    def actor(self) -> str:
        """How the audit trail names the caller."""
        ...


def allowed(role: str, permission: Permission) -> bool:
    """Whether ``role`` may do ``permission`` (unknown roles may do nothing)."""
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def require(caller: HasRole, permission: Permission) -> None:
    """:class:`PermissionDeniedError` (403) unless the caller's role allows ``permission``."""
    if not allowed(caller.role, permission):
        raise PermissionDeniedError(
            f"the role '{caller.role}' may not do this ({permission.value.replace('_', ' ')})",
            subject=caller.actor,
        )
