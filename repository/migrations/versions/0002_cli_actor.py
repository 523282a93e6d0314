"""Audit events may name a command-line operator (actor kind ``cli``).

Revision ID: 0002_cli_actor
Revises: 0001_initial
Create Date: 2026-11-26 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002_cli_actor"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ck_audit_events_actor_kind"


def _replace_check(condition: str) -> None:
    # Batch mode: ALTER on PostgreSQL, copy-and-move on SQLite (named CHECKs are carried over).
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint(NAME, type_="check")
        batch.create_check_constraint(NAME, condition)


def upgrade() -> None:
    """Allow ``actor_kind = 'cli'``."""
    _replace_check("actor_kind IN ('key', 'user', 'cli')")


def downgrade() -> None:
    """Back to keys and users only (fails while ``cli`` events exist)."""
    _replace_check("actor_kind IN ('key', 'user')")
