"""The Alembic migrations build exactly the schema the models describe, and can be undone."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from naervaer.migrate import downgrade, upgrade
from naervaer.models import Base


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(engine):
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_the_store_takes_a_fravaersansvarlig_and_a_downgrade_gives_the_role_back(engine):
    """0004: staff_roles.role allows absence_officer (the CHECK constraint lists the roles)."""
    from sqlalchemy import func, select

    from naervaer.db import session_scope
    from naervaer.models import Person, School, StaffMembership, StaffRole

    def add_officer() -> None:
        with session_scope(engine) as s:
            school = School(code="m-1", name="Migrasjon vgs", municipality="Trondheim", guide_key="trondelag")
            officer = Person(given_name="Berit", family_name="Fravær", external_id="m-officer")
            s.add_all([school, officer])
            s.flush()
            s.add(StaffMembership(person_id=officer.id, school_id=school.id, role=StaffRole.ABSENCE_OFFICER))

    add_officer()
    with session_scope(engine) as s:
        assert s.scalar(select(StaffMembership.role)) == StaffRole.ABSENCE_OFFICER
    downgrade(engine, "0003")  # the role goes with its rows; the old constraint is back
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(StaffMembership)) == 0
    upgrade(engine)
    with session_scope(engine) as s:
        s.query(Person).delete()
        s.query(School).delete()
    add_officer()
