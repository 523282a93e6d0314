"""What every access-layer operation receives: who asks, why, and from where."""

from __future__ import annotations

from dataclasses import dataclass

from access.principals import Principal
from access.purpose import CLI_PURPOSE


@dataclass(frozen=True)
class AccessContext:
    """The caller, the purpose as stated (checked by each operation) and the client address."""

    principal: Principal
    purpose: str | None
    client_address: str = ""

    @classmethod
    def command_line(cls, purpose: str | None, *, required: bool = False) -> AccessContext:
        """The operator at ``kho`` (actor ``cli:<system user>``, address ``cli``).

        Without ``--purpose`` the purpose is :data:`CLI_PURPOSE`, unless ``required`` (then the
        operation refuses with exit 2).
        """
        given = purpose if purpose and purpose.strip() else None
        return cls(Principal.operator(), given if required else (given or CLI_PURPOSE), "cli")
