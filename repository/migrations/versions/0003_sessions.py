"""Server-side sign-in sessions: sign-out and disabling a user end them on every node.

Revision ID: 0003_sessions
Revises: 0002_cli_actor
Create Date: 2026-12-05 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_sessions"
down_revision: str | None = "0002_cli_actor"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add ``sign_in_sessions`` (token hash, username, created, expires, ended)."""
    op.create_table(
        "sign_in_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sign_in_sessions"),
    )
    op.create_index("ix_sign_in_sessions_username", "sign_in_sessions", ["username"])


def downgrade() -> None:
    """Drop the sessions (everyone signs in again with cookie-only sessions)."""
    op.drop_index("ix_sign_in_sessions_username", table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
