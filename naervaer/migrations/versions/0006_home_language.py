"""the language the home used for a report from home

Revision ID: 0006
Revises: 0005

The school books an interpreter by it (issue 15); empty for the school's own records and for reports made
before this revision.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("absence_records") as batch:
        batch.add_column(sa.Column("home_language", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("absence_records") as batch:
        batch.drop_column("home_language")
