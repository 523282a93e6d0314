"""Verifiable reuse: office signing keys, certified copies (by verification code), reuse events.

Revision ID: 0004_reuse
Revises: 0003_sessions
Create Date: 2026-12-05 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_reuse"
down_revision: str | None = "0003_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create ``signing_keys``, ``certified_copies`` and ``reuse_events``."""
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("office", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("certificate", sa.Text(), nullable=False),
        sa.Column("chain", sa.Text(), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("tsa_certificate", sa.Text(), nullable=True),
        sa.Column("tsa_private_key", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_signing_keys"),
    )
    op.create_table(
        "certified_copies",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("object_key", sa.String(400), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("office", sa.String(200), nullable=False),
        sa.Column("official", sa.String(200), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("signing_key_id", sa.String(64), nullable=False),
        sa.Column("certified_at", TS, nullable=False),
        sa.Column("verify_count", sa.Integer(), nullable=False),
        sa.Column("last_verified_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("code", name="pk_certified_copies"),
    )
    op.create_index("ix_certified_copies_record_id", "certified_copies", ["record_id"])
    op.create_index("ix_certified_copies_sha256", "certified_copies", ["sha256"])
    op.create_table(
        "reuse_events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("document_type", sa.String(200), nullable=False),
        sa.Column("locality", sa.String(400), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reuse_events"),
    )
    op.create_index("ix_reuse_events_month", "reuse_events", ["month"])
    op.create_index("ix_reuse_events_record_id", "reuse_events", ["record_id"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("reuse_events")
    op.drop_table("certified_copies")
    op.drop_table("signing_keys")
