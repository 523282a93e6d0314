"""Who is asking: an API key, a signed-in user, or the operator at the command line (``cli:<system user>``)."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from access.permissions import Permission, allowed
from repository.catalog import ApiKey, Catalog, Scopes, User

PrincipalKind = Literal["key", "user", "cli"]


@dataclass(frozen=True)
class Principal:
    """An authenticated caller and its role and scopes."""

    kind: PrincipalKind
    id: str
    name: str
    role: str
    scopes: Scopes = field(default_factory=Scopes)

    @classmethod
    def from_key(cls, key: ApiKey) -> Principal:
        """The principal of an API key (actor ``key:<id>`` in the audit trail)."""
        return cls("key", key.id, key.name, key.role, key.scopes)

    @classmethod
    def from_user(cls, user: User) -> Principal:
        """The principal of a web user (unscoped; actor = username)."""
        return cls("user", user.username, user.display_name or user.username, user.role)

    @classmethod
    def operator(cls) -> Principal:
        """Whoever runs ``kho`` on the server (admin rights; actor ``cli:<system user>``)."""
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no user name for this uid (e.g. a bare container)
            name = f"uid{os.getuid()}"
        return cls("cli", name, name, "admin")

    @property
    def actor(self) -> str:
        """How the audit trail names this caller."""
        return f"{self.kind}:{self.id}" if self.kind in ("key", "cli") else self.id

    def can(self, permission: Permission) -> bool:
        """Whether the role allows ``permission``."""
        return allowed(self.role, permission)


def authenticate_key(catalog: Catalog, presented: str) -> Principal | None:
    """The principal of a presented ``kho_<id>_<secret>`` key, or ``None`` if unknown or revoked."""
    key = catalog.authenticate_key(presented)
    return Principal.from_key(key) if key is not None else None


def start_user_session(catalog: Catalog, user: User, lifetime: timedelta) -> str:
    """Record a sign-in session for ``user``; the token to put in the (signed) cookie."""
    _, token = catalog.start_session(user.username, lifetime)
    return token


def user_of_session(catalog: Catalog, token: str | None) -> Principal | None:
    """The signed-in user of a session token, or ``None`` if the session ended, expired, or the user
    was disabled (checked in the catalog on every call, so it holds on every node)."""
    if not token:
        return None
    found = catalog.get_session(token)
    if found is None or not found.active_at(datetime.now(UTC)):
        return None
    user = catalog.get_user(found.username)
    return Principal.from_user(user) if user is not None and user.active else None


def end_user_session(catalog: Catalog, token: str | None) -> None:
    """End one sign-in session (sign-out)."""
    if token:
        catalog.end_session(token)
