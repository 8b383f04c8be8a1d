"""guardianships.relation: mother, father or other

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("guardianships") as batch:
        batch.add_column(sa.Column("relation", sa.Enum("mother", "father", "other", name="guardianrelation",
                                                       native_enum=False, create_constraint=True, length=32),
                                   nullable=True))


def downgrade() -> None:
    # The CHECK constraint of the enum names the column, so it goes first (SQLite copies the table).
    with op.batch_alter_table("guardianships") as batch:
        batch.drop_constraint(op.f("ck_guardianships_guardianrelation"), type_="check")
        batch.drop_column("relation")
