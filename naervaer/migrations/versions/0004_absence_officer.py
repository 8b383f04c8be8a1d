"""staff_roles.role: absence_officer (fraværsansvarlig)

Revision ID: 0004
Revises: 0003

The role is a VARCHAR with a CHECK constraint listing the values (models._enum), so a new value means a
new constraint; batch mode copies the table on SQLite, and alters it in place on PostgreSQL.
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_BEFORE = ("contact_teacher", "subject_teacher", "department_head", "principal", "resource_team")
_AFTER = (*_BEFORE, "absence_officer")


def _check(values: tuple[str, ...]) -> str:
    return "role IN ({})".format(", ".join(f"'{v}'" for v in values))


def _replace_check(values: tuple[str, ...]) -> None:
    # The constraint name is the models' convention (ck_<table>_<enum name>); `staffrole` is given bare so
    # the convention builds the same name on both backends.
    with op.batch_alter_table("staff_roles") as batch:
        batch.drop_constraint(op.f("ck_staff_roles_staffrole"), type_="check")
        batch.create_check_constraint("staffrole", _check(values))


def upgrade() -> None:
    _replace_check(_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM staff_roles WHERE role = 'absence_officer'")
    _replace_check(_BEFORE)
