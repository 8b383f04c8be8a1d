"""Who may see and do what, as a matrix: role × relation to the pupil × action."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from naervaer.access import AccessDenied, Permission, grant_for, require, visible_pupils
from naervaer.db import session_scope
from naervaer.models import (
    AuditAction,
    AuditEntry,
    ClassGroup,
    ClassRole,
    ClassStaff,
    Guardianship,
    Person,
    Pupil,
    School,
    StaffMembership,
    StaffRole,
    Subject,
)
from tests.helpers import TODAY

P = Permission
NOTHING: set[Permission] = set()
EVERYTHING = set(Permission)
GUARDIAN = {P.VIEW_ABSENCE, P.VIEW_HOUR_ABSENCE, P.REPORT_ABSENCE}
SELF_CHILD = {P.VIEW_ABSENCE, P.VIEW_HOUR_ABSENCE}
SELF_ADULT = SELF_CHILD | {P.REPORT_ABSENCE}
RESOURCE = {P.VIEW_ABSENCE, P.VIEW_HOUR_ABSENCE, P.VIEW_STATUS, P.SCHEDULE_MEETING}


@pytest.fixture
def world(engine):
    """Two schools. `child` (11) and `adult` (18) in class A1, `other` in A2 at school A; `far` at school B."""
    ids: dict[str, int] = {}
    with session_scope(engine) as s:
        a = School(code="a", name="A skole", municipality="Jevnaker", guide_key="jevnaker")
        b = School(code="b", name="B skole", municipality="Bergen", guide_key="alvoen")
        s.add_all([a, b])
        s.flush()
        a1, a2, b1 = ClassGroup(school_id=a.id, name="A1", year=6), ClassGroup(school_id=a.id, name="A2", year=6), \
            ClassGroup(school_id=b.id, name="B1", year=6)
        mat, nor = Subject(code="MAT", name="Matte"), Subject(code="NOR", name="Norsk")
        s.add_all([a1, a2, b1, mat, nor])
        s.flush()

        def person(key: str) -> Person:
            p = Person(given_name=key, family_name="X")
            s.add(p)
            s.flush()
            ids[key] = p.id
            return p

        def pupil(key: str, group: ClassGroup, born: date) -> Pupil:
            pp = Pupil(person_id=person(key).id, class_group_id=group.id, birth_date=born)
            s.add(pp)
            s.flush()
            ids["pupil:" + key] = pp.id
            return pp

        child = pupil("child", a1, date(2015, 5, 1))
        adult = pupil("adult", a1, date(2008, 1, 1))
        other = pupil("other", a2, date(2015, 6, 1))
        far = pupil("far", b1, date(2015, 7, 1))

        def guardian(key: str, of: Pupil, responsibility: bool) -> None:
            s.add(Guardianship(pupil_id=of.id, guardian_id=person(key).id, parental_responsibility=responsibility))

        guardian("mother", child, True)
        guardian("father_without_responsibility", child, False)
        guardian("parent_of_adult", adult, True)
        guardian("parent_of_other", other, True)

        def staff(key: str, school: School, role: StaffRole, group: ClassGroup | None = None,
                  subject: Subject | None = None) -> None:
            p = person(key)
            s.add(StaffMembership(person_id=p.id, school_id=school.id, role=role))
            if group is not None:
                class_role = ClassRole.CONTACT_TEACHER if role == StaffRole.CONTACT_TEACHER else ClassRole.SUBJECT_TEACHER
                s.add(ClassStaff(class_group_id=group.id, person_id=p.id, role=class_role,
                                 subject_id=subject.id if subject else None))

        staff("contact_teacher_a1", a, StaffRole.CONTACT_TEACHER, a1)
        staff("contact_teacher_a2", a, StaffRole.CONTACT_TEACHER, a2)
        staff("maths_teacher_a1", a, StaffRole.SUBJECT_TEACHER, a1, mat)
        staff("principal_a", a, StaffRole.PRINCIPAL)
        staff("department_head_a", a, StaffRole.DEPARTMENT_HEAD)
        staff("resource_team_a", a, StaffRole.RESOURCE_TEAM)
        staff("principal_b", b, StaffRole.PRINCIPAL)
        staff("contact_teacher_b1", b, StaffRole.CONTACT_TEACHER, b1)
        person("stranger")
        # A teacher of school B wrongly listed on class A1: class lists alone never open another school.
        p = person("teacher_b_listed_on_a1")
        s.add(StaffMembership(person_id=p.id, school_id=b.id, role=StaffRole.CONTACT_TEACHER))
        s.add(ClassStaff(class_group_id=a1.id, person_id=p.id, role=ClassRole.CONTACT_TEACHER))
    return engine, ids


MATRIX = [
    # viewer, pupil, expected permissions
    ("mother", "child", GUARDIAN),
    ("mother", "other", NOTHING),
    ("father_without_responsibility", "child", NOTHING),
    ("parent_of_adult", "adult", NOTHING),          # parental responsibility ends at 18
    ("parent_of_other", "child", NOTHING),
    ("child", "child", SELF_CHILD),
    ("adult", "adult", SELF_ADULT),                 # from 18 the pupil reports for themselves
    ("child", "other", NOTHING),
    ("contact_teacher_a1", "child", EVERYTHING),
    ("contact_teacher_a1", "adult", EVERYTHING),
    ("contact_teacher_a1", "other", NOTHING),
    ("contact_teacher_a2", "child", NOTHING),
    ("maths_teacher_a1", "child", {P.VIEW_HOUR_ABSENCE}),
    ("maths_teacher_a1", "other", NOTHING),
    ("principal_a", "child", EVERYTHING),
    ("principal_a", "other", EVERYTHING),
    ("principal_a", "far", NOTHING),
    ("department_head_a", "other", EVERYTHING),
    ("resource_team_a", "child", RESOURCE),
    ("principal_b", "child", NOTHING),
    ("principal_b", "far", EVERYTHING),
    ("contact_teacher_b1", "child", NOTHING),
    ("teacher_b_listed_on_a1", "child", NOTHING),
    ("stranger", "child", NOTHING),
]


@pytest.mark.parametrize(("viewer", "pupil", "expected"), MATRIX, ids=[f"{v}->{p}" for v, p, _ in MATRIX])
@pytest.mark.parametrize("permission", list(Permission))
def test_access_matrix(world, viewer, pupil, expected, permission):
    engine, ids = world
    with session_scope(engine) as s:
        grant = grant_for(s, s.get(Person, ids[viewer]), s.get(Pupil, ids["pupil:" + pupil]), TODAY)
        assert grant.allows(permission) == (permission in expected)


def test_subject_teacher_sees_hours_in_their_subjects_only(world):
    engine, ids = world
    with session_scope(engine) as s:
        grant = grant_for(s, s.get(Person, ids["maths_teacher_a1"]), s.get(Pupil, ids["pupil:child"]), TODAY)
        mat = s.scalar(select(Subject.id).where(Subject.code == "MAT"))
        assert grant.hour_subjects == frozenset({mat})
        full = grant_for(s, s.get(Person, ids["contact_teacher_a1"]), s.get(Pupil, ids["pupil:child"]), TODAY)
        assert full.hour_subjects is None


def test_visible_pupils_lists_exactly_the_allowed_ones(world):
    engine, ids = world
    expected = {
        "mother": {"child"}, "contact_teacher_a1": {"child", "adult"}, "principal_a": {"child", "adult", "other"},
        "principal_b": {"far"}, "father_without_responsibility": set(), "stranger": set(),
        "teacher_b_listed_on_a1": set(), "adult": {"adult"},
    }
    with session_scope(engine) as s:
        for viewer, pupils in expected.items():
            seen = visible_pupils(s, s.get(Person, ids[viewer]), P.VIEW_ABSENCE, TODAY)
            assert {p.id for p in seen} == {ids["pupil:" + k] for k in pupils}, viewer


def test_a_refusal_is_written_to_the_audit_log(world):
    engine, ids = world
    with session_scope(engine) as s:
        with pytest.raises(AccessDenied):
            require(s, s.get(Person, ids["father_without_responsibility"]), P.VIEW_ABSENCE,
                    s.get(Pupil, ids["pupil:child"]), TODAY)
    with session_scope(engine) as s:
        entry = s.scalars(select(AuditEntry)).one()
        assert entry.action == AuditAction.DENIED and entry.actor_id == ids["father_without_responsibility"]


def test_the_eighteenth_birthday_moves_the_rights(world):
    engine, ids = world
    with session_scope(engine) as s:
        adult = s.get(Pupil, ids["pupil:adult"])
        parent = s.get(Person, ids["parent_of_adult"])
        assert grant_for(s, parent, adult, date(2025, 12, 31)).allows(P.REPORT_ABSENCE)
        assert not grant_for(s, parent, adult, date(2026, 1, 1)).allows(P.REPORT_ABSENCE)
        me = s.get(Person, ids["adult"])
        assert not grant_for(s, me, adult, date(2025, 12, 31)).allows(P.REPORT_ABSENCE)
        assert grant_for(s, me, adult, date(2026, 1, 1)).allows(P.REPORT_ABSENCE)
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


# --- the readers of pupil data take what access hands out --------------------------------------

READERS = {
    # reader, the permission it needs
    "pupil_status": P.VIEW_STATUS,
    "pupil_events": P.VIEW_ABSENCE,
    "absence_summary": P.VIEW_HOUR_ABSENCE,
    "withdrawable": P.REPORT_ABSENCE,
    "home_reported_first_day": P.VIEW_STATUS,
}


def _read(session, reader: str, grant):
    from naervaer.absence_store import withdrawable
    from naervaer.absence_summary import summarise
    from naervaer.case_status import pupil_status
    from naervaer.contacts import home_reported_first_day
    from naervaer.flags import pupil_events

    if reader == "pupil_status":
        return pupil_status(session, grant, TODAY)
    if reader == "pupil_events":
        return pupil_events(session, grant, date(2026, 8, 1), TODAY)
    if reader == "withdrawable":
        return withdrawable(session, grant, TODAY)
    if reader == "home_reported_first_day":
        return home_reported_first_day(session, grant, TODAY)
    return summarise(session, grant, TODAY)


@pytest.mark.parametrize(("viewer", "pupil", "expected"), MATRIX, ids=[f"{v}->{p}" for v, p, _ in MATRIX])
@pytest.mark.parametrize("reader", list(READERS))
def test_each_reader_of_pupil_data_follows_the_matrix(world, viewer, pupil, expected, reader):
    engine, ids = world
    with session_scope(engine) as s:
        grant = grant_for(s, s.get(Person, ids[viewer]), s.get(Pupil, ids["pupil:" + pupil]), TODAY)
        if READERS[reader] in expected:
            assert _read(s, reader, grant) is not None
        else:
            with pytest.raises(AccessDenied):
                _read(s, reader, grant)


def test_a_grant_without_a_pupil_opens_nothing(world):
    from naervaer.access import Grant
    from naervaer.case_status import pupil_status

    engine, _ids = world
    with session_scope(engine) as s, pytest.raises(AccessDenied):
        pupil_status(s, Grant(permissions=frozenset(Permission)), TODAY)


def test_a_viewers_scope_is_the_pupils_the_matrix_allows(world):
    from naervaer.access import scope_for

    engine, ids = world
    viewers = {v for v, _, _ in MATRIX}
    with session_scope(engine) as s:
        for viewer in viewers:
            scope = scope_for(s, s.get(Person, ids[viewer]), P.VIEW_STATUS, TODAY)
            allowed = {ids["pupil:" + p] for v, p, expected in MATRIX if v == viewer and P.VIEW_STATUS in expected}
            # The matrix lists some pairs only; every pair it lists agrees with the scope.
            listed = {ids["pupil:" + p] for v, p, _ in MATRIX if v == viewer}
            assert scope.pupil_ids & listed == allowed, viewer
        assert scope_for(s, None, P.VIEW_STATUS, TODAY).pupil_ids == frozenset()


def test_flags_are_read_only_within_the_scope_and_the_system_scope_is_audited(world):
    from naervaer.absence import AbsenceKind
    from naervaer.access import scope_for, system_scope
    from naervaer.flags import flags_for_school, flags_for_pupils
    from naervaer.models import AbsenceRecord, Channel

    engine, ids = world
    with session_scope(engine) as s:  # every pupil of school A away the last five school days
        for key in ("child", "adult", "other"):
            for day in range(16, 21):
                s.add(AbsenceRecord(pupil_id=ids["pupil:" + key], on=date(2026, 11, day), kind=AbsenceKind.DAY,
                                    channel=Channel.IMPORT))
    with session_scope(engine) as s:
        teacher = scope_for(s, s.get(Person, ids["contact_teacher_a1"]), P.VIEW_STATUS, TODAY)
        seen = {p.pupil_id for p in flags_for_school(s, teacher, "a", TODAY)}
        assert seen == {ids["pupil:child"], ids["pupil:adult"]}
        assert set(flags_for_pupils(s, teacher, [ids["pupil:other"]], TODAY)) == set()
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0
        everyone = {p.pupil_id for p in flags_for_school(s, system_scope(s, "test"), "a", TODAY)}
        assert everyone == {ids["pupil:child"], ids["pupil:adult"], ids["pupil:other"]}
    with session_scope(engine) as s:
        entry = s.scalars(select(AuditEntry)).one()
        assert (entry.actor_id, entry.action, entry.what) == (None, AuditAction.READ, "system:test")


# --- the writers too: nothing is written about a pupil without the grant's permission ----------

WRITERS = {
    # writer, the permissions it needs, the table it writes to
    "home_report": ({P.REPORT_ABSENCE}, "absence_records"),
    "school_registration": ({P.VIEW_STATUS, P.REPORT_ABSENCE}, "absence_records"),
    "follow_up_contact": ({P.LOG_CONTACT}, "contacts"),
    "meeting": ({P.SCHEDULE_MEETING}, "meetings"),
}


def _write(session, writer: str, grant) -> None:
    from datetime import datetime, timezone

    from naervaer.absence import AbsenceKind, ReasonCategory
    from naervaer.absence_store import record_home_report, register_school_absence
    from naervaer.contacts import ContactMethod, record_follow_up
    from naervaer.meeting_store import Invitee, MeetingKind, book_meeting

    if writer == "home_report":
        record_home_report(session, grant, [TODAY], AbsenceKind.DAY, ReasonCategory.SICK)
    elif writer == "school_registration":
        register_school_absence(session, grant, TODAY)
    elif writer == "follow_up_contact":
        record_follow_up(session, grant, guardian=None, at=datetime(2026, 11, 23, 9, tzinfo=timezone.utc),
                         method=ContactMethod.PHONE, from_home=False, reached=True)
    else:
        book_meeting(session, grant, MeetingKind.SAMTALE, datetime(2026, 11, 24, 9, tzinfo=timezone.utc), "Rom 1",
                     [Invitee(None, "home")])


@pytest.mark.parametrize(("viewer", "pupil", "expected"), MATRIX, ids=[f"{v}->{p}" for v, p, _ in MATRIX])
@pytest.mark.parametrize("writer", list(WRITERS))
def test_each_writer_of_pupil_data_follows_the_matrix(world, viewer, pupil, expected, writer):
    from sqlalchemy import text

    engine, ids = world
    needs, table = WRITERS[writer]
    with session_scope(engine) as s:
        grant = grant_for(s, s.get(Person, ids[viewer]), s.get(Pupil, ids["pupil:" + pupil]), TODAY)
        if needs <= expected:
            _write(s, writer, grant)
        else:
            with pytest.raises(AccessDenied):
                _write(s, writer, grant)
    with session_scope(engine) as s:
        assert s.scalar(text(f"SELECT count(*) FROM {table}")) == (1 if needs <= expected else 0)
