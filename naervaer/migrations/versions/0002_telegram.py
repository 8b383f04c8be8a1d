"""telegram chats and threshold notices

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:20:00

Hand-written; plain types and named constraints (the models' naming convention), so it runs the
same on SQLite and PostgreSQL.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "telegram_chats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telegram_chats")),
        sa.UniqueConstraint("sender_id", name=op.f("uq_telegram_chats_sender_id")),
    )
    op.create_table(
        "threshold_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("threshold_id", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupils.id"], name=op.f("fk_threshold_notices_pupil_id_pupils"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threshold_notices")),
        sa.UniqueConstraint("pupil_id", "threshold_id", "window_start",
                            name=op.f("uq_threshold_notices_pupil_id_threshold_id_window_start")),
    )
    op.create_index(op.f("ix_threshold_notices_pupil_id"), "threshold_notices", ["pupil_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_threshold_notices_pupil_id"), table_name="threshold_notices")
    op.drop_table("threshold_notices")
    op.drop_table("telegram_chats")
