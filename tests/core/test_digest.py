"""What the bot brings to people on its own: the morning digest, meeting reminders, threshold notices.
On SQLite and PostgreSQL, over the demo store."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select

from naervaer import digest
from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.access import system_scope
from naervaer.clock import OSLO
from naervaer.db import session_scope
from naervaer.models import (
    AbsenceRecord,
    AuditEntry,
    Channel,
    ClassGroup,
    ClassRole,
    ClassStaff,
    Contact,
    ContactMethod,
    ContactPurpose,
    Initiator,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    MeetingStatus,
    Person,
    Pupil,
    School,
    StaffMembership,
    StaffRole,
    ThresholdNotice,
)
from tests.helpers import TODAY  # a Monday

FRIDAY = TODAY - timedelta(days=3)


def whole_store(session):
    return system_scope(session, "test")


def person(session, given: str, family: str) -> Person:
    return session.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)
                           .order_by(Person.id)).first()


def pupil(session, given: str, family: str) -> Pupil:
    return session.scalar(select(Pupil).where(Pupil.person_id == person(session, given, family).id))


def absent(session, who: Pupil, on: date, **kw) -> None:
    session.add(AbsenceRecord(pupil_id=who.id, on=on, kind=AbsenceKind.DAY, channel=Channel.IMPORT, **kw))


@pytest.fixture
def morning(demo_engine):
    """Today: Eirik and Sander absent with no word from home; Ida Haugland reported by home; Noah absent
    but his mother called the school this morning."""
    with session_scope(demo_engine) as s:
        absent(s, pupil(s, "Eirik", "Berg"), TODAY)
        absent(s, pupil(s, "Sander", "Nilsen"), TODAY)
        absent(s, pupil(s, "Ida", "Haugland"), TODAY, announced_by_home=True, reason=ReasonCategory.SICK)
        noah = pupil(s, "Noah", "Bakke")
        absent(s, noah, TODAY)
        s.add(Contact(pupil_id=noah.id, at=datetime.combine(TODAY, time(7, 45), OSLO).astimezone(timezone.utc),
                      method=ContactMethod.PHONE, initiated_by=Initiator.HOME, purpose=ContactPurpose.FIRST_DAY,
                      channel=Channel.CHAT))
    return demo_engine


def names(digests) -> dict[str, list[str]]:
    return {d.teacher_given_name: [p.full_name for p in d.pupils] for d in digests}


def test_each_contact_teacher_gets_only_their_own_unreported_absent_pupils(morning):
    with session_scope(morning) as s:
        found = digest.absent_without_report(s, whole_store(s), TODAY)
        assert names(found) == {"Marte": ["Eirik Berg"], "Ingrid": ["Sander Nilsen"]}
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.what == "absence_digest")) == 2


def test_a_home_call_on_another_day_does_not_count_as_a_report(morning):
    with session_scope(morning) as s:
        noah = pupil(s, "Noah", "Bakke")
        s.execute(delete(Contact).where(Contact.pupil_id == noah.id))
        s.add(Contact(pupil_id=noah.id, at=datetime.combine(FRIDAY, time(23, 30), OSLO).astimezone(timezone.utc),
                      method=ContactMethod.PHONE, initiated_by=Initiator.HOME, purpose=ContactPurpose.FIRST_DAY,
                      channel=Channel.CHAT))
    with session_scope(morning) as s:
        assert names(digest.absent_without_report(s, whole_store(s), TODAY, audit_reads=False))["Marte"] == ["Noah Bakke", "Eirik Berg"]


def test_staff_of_another_school_listed_on_the_class_get_nothing(morning):
    with session_scope(morning) as s:
        sixa = s.scalar(select(ClassGroup).where(ClassGroup.name == "6A"))
        s.add(ClassStaff(class_group_id=sixa.id, person_id=person(s, "Knut", "Haugen").id,
                         role=ClassRole.CONTACT_TEACHER))
    with session_scope(morning) as s:
        assert "Knut" not in names(digest.absent_without_report(s, whole_store(s), TODAY, audit_reads=False))


def test_no_digest_on_days_without_school(morning):
    with session_scope(morning) as s:
        saturday = TODAY - timedelta(days=2)
        absent(s, pupil(s, "Eirik", "Berg"), saturday)
        assert digest.absent_without_report(s, whole_store(s), saturday) == []
        assert digest.absent_without_report(s, whole_store(s), date(2026, 12, 28)) == []  # Christmas holiday


def test_only_asked_teachers(morning):
    with session_scope(morning) as s:
        marte = person(s, "Marte", "Lie")
        assert names(digest.absent_without_report(s, whole_store(s), TODAY, [marte.id], audit_reads=False)) == {"Marte": ["Eirik Berg"]}


def _meeting(s, when: datetime, *people: Person, status=MeetingStatus.PLANNED) -> Meeting:
    m = Meeting(pupil_id=pupil(s, "Ida", "Hansen").id, kind=MeetingKind.SAMTALE,
                starts_at=when.astimezone(timezone.utc), place="Grupperom 2", status=status)
    m.participants = [MeetingParticipant(person_id=p.id, role="x") for p in people]
    s.add(m)
    s.flush()
    return m


def test_a_meeting_reminder_goes_only_to_participants_who_may_still_see_the_pupil_and_is_audited(demo_engine):
    with session_scope(demo_engine) as s:
        marte, kari, per = person(s, "Marte", "Lie"), person(s, "Kari", "Hansen"), person(s, "Per", "Holm")
        # Per Holm teaches 6B, not Ida's class: listed on the meeting by mistake, he hears nothing of Ida.
        tuesday = _meeting(s, datetime.combine(TODAY + timedelta(days=1), time(9), OSLO), marte, kari, per)
        found = digest.meetings_to_remind(s, whole_store(s), digest.reminder_days(TODAY))
        assert [r.person_id for r in found] == sorted([marte.id, kari.id])
        audited = s.scalars(select(AuditEntry.actor_id).where(AuditEntry.what == "meeting_reminder",
                                                              AuditEntry.record_id == tuesday.id)).all()
        assert sorted(audited) == sorted([marte.id, kari.id])


def test_meeting_reminders_the_day_before_and_over_the_weekend(demo_engine):
    with session_scope(demo_engine) as s:
        marte, kari = person(s, "Marte", "Lie"), person(s, "Kari", "Hansen")
        tuesday = _meeting(s, datetime.combine(TODAY + timedelta(days=1), time(0, 30), OSLO), marte, kari)
        _meeting(s, datetime.combine(TODAY + timedelta(days=1), time(14), OSLO), marte,
                 status=MeetingStatus.CANCELLED)
        wednesday = _meeting(s, datetime.combine(TODAY + timedelta(days=2), time(9), OSLO), marte)
        monday = _meeting(s, datetime.combine(TODAY + timedelta(days=7), time(8), OSLO), kari)

        assert digest.reminder_days(TODAY) == [TODAY + timedelta(days=1)]
        found = digest.meetings_to_remind(s, whole_store(s), digest.reminder_days(TODAY))
        assert [(r.meeting_id, r.person_id) for r in found] == [(tuesday.id, marte.id), (tuesday.id, kari.id)]
        assert found[0].starts_at.hour == 0 and found[0].starts_at.minute == 30  # Oslo time, not UTC
        assert found[0].pupil_given_name == "Ida"
        assert [r.meeting_id for r in digest.meetings_to_remind(s, whole_store(s), digest.reminder_days(TODAY + timedelta(days=1)))] \
            == [wednesday.id]
        friday = TODAY + timedelta(days=4)
        assert [r.meeting_id for r in digest.meetings_to_remind(s, whole_store(s), digest.reminder_days(friday))] == [monday.id]


@pytest.fixture
def eirik_crosses_today(demo_engine):
    """Eirik Berg: three whole days last week, a fourth today; Jevnaker's rule is more than three in a month."""
    pytest.importorskip("naervaer.flags")
    with session_scope(demo_engine) as s:
        eirik = pupil(s, "Eirik", "Berg")
        s.execute(delete(AbsenceRecord).where(AbsenceRecord.pupil_id == eirik.id))
        for on in (TODAY - timedelta(days=5), TODAY - timedelta(days=4), FRIDAY, TODAY):
            absent(s, eirik, on)
    return demo_engine


def test_threshold_notice_only_when_newly_crossed_and_only_once(eirik_crosses_today):
    with session_scope(eirik_crosses_today) as s:
        found = digest.new_threshold_notices(s, whole_store(s), TODAY)
        assert [(n.pupil_full_name, n.rule_id) for n in found] == [("Eirik Berg", "jevnaker_days_month")]
        assert found[0].teacher_id == person(s, "Marte", "Lie").id
        # Ida Hansen crossed the same rule last week: no notice today.
        assert all(n.pupil_given_name != "Ida" for n in found)
        digest.record_notice(s, found[0])
    with session_scope(eirik_crosses_today) as s:
        assert digest.new_threshold_notices(s, whole_store(s), TODAY) == []
        assert s.scalar(select(func.count()).select_from(ThresholdNotice)) == 1


def test_a_notice_can_be_explained(eirik_crosses_today):
    from naervaer.rules.explain import explain

    with session_scope(eirik_crosses_today) as s:
        notice = digest.new_threshold_notices(s, whole_store(s), TODAY)[0]
        text = explain(notice.flag, "nb", notice.pupil_given_name)
        assert text.startswith("Eirik har vært borte 4 hele dager")


def test_oslo_day_bounds_cross_midnight_in_utc():
    start, end = digest.oslo_day_bounds(TODAY)
    assert start == datetime(2026, 11, 22, 23, 0, tzinfo=timezone.utc)
    assert end - start == timedelta(hours=24)


# --- the guide's first-day rules in the digest (naervaer.rules.streaks) -------------------------------


def _only_today(s, *who: Pupil, **kw) -> None:
    """Clear the pupils' records and have them away today."""
    for p in who:
        s.execute(delete(AbsenceRecord).where(AbsenceRecord.pupil_id == p.id))
        absent(s, p, TODAY, **kw)


def test_a_trondelag_pupil_away_unannounced_is_in_the_digest_with_the_guides_words(demo_engine):
    with session_scope(demo_engine) as s:
        _only_today(s, pupil(s, "Jonas", "Aune"))
        absent(s, pupil(s, "Sara", "Lund"), TODAY)  # and Wednesday to Friday, nobody announced them
    with session_scope(demo_engine) as s:
        [anders] = [d for d in digest.absent_without_report(s, whole_store(s), TODAY) if d.teacher_given_name == "Anders"]
        assert [(p.full_name, p.days_in_a_row) for p in anders.pupils] == [("Jonas Aune", 1), ("Sara Lund", 4)]
        assert {p.rule.id for p in anders.pupils} == {"trondelag_unannounced_dialogue"}
        nb = digest.digest_text(anders, "nb", "Anders")
        en = digest.digest_text(anders, "en", "Anders")
    assert nb.startswith("God morgen, Anders! Borte i dag uten beskjed fra hjemmet:\n• Jonas Aune, VG1STA\n• Sara Lund")
    assert "Fraværsansvarlig tar kontakt med eleven eller foreldrene etter en til tre sammenhengende dager" in nb
    assert "• Sara Lund, VG1STA: 4 school days in a row" in en
    assert ("The absence officer contacts the pupil or parents after one to three days in a row of absence that "
            "nobody announced.") in en and "Fortløpende oppfølging av fravær" in en


def test_the_digest_goes_to_the_fravaersansvarlig_where_the_school_has_one(demo_engine):
    with session_scope(demo_engine) as s:
        _only_today(s, pupil(s, "Jonas", "Aune"), pupil(s, "Eirik", "Berg"))
        school = s.scalar(select(School).where(School.code == "demo-trondelag"))
        officer = Person(given_name="Berit", family_name="Fravær", external_id="officer-1")
        s.add(officer)
        s.flush()
        s.add(StaffMembership(person_id=officer.id, school_id=school.id, role=StaffRole.ABSENCE_OFFICER))
    with session_scope(demo_engine) as s:
        found = names(digest.absent_without_report(s, whole_store(s), TODAY))
        assert found["Berit"] == ["Jonas Aune"] and "Anders" not in found
        assert found["Marte"] == ["Eirik Berg"]  # Jevnaker's school has none: the contact teacher
        from naervaer.access import Permission, grant_for

        berit, jonas = person(s, "Berit", "Fravær"), pupil(s, "Jonas", "Aune")
        assert grant_for(s, berit, jonas, TODAY).permissions == frozenset(Permission) - {Permission.SCHEDULE_MEETING}
        assert not grant_for(s, berit, pupil(s, "Eirik", "Berg"), TODAY).permissions  # another school's pupil
        # the officer has no chat the job can write to: the contact teacher gets it rather than nobody
        anders = person(s, "Anders", "Fossum").id
        assert names(digest.absent_without_report(s, whole_store(s), TODAY, [anders], audit_reads=False)) == \
            {"Anders": ["Jonas Aune"]}


def test_a_contact_since_the_run_began_takes_the_pupil_off_the_list(demo_engine):
    with session_scope(demo_engine) as s:
        jonas, sara = pupil(s, "Jonas", "Aune"), pupil(s, "Sara", "Lund")
        _only_today(s, jonas)
        absent(s, sara, TODAY)
        at = datetime.combine(TODAY, time(8, 15), OSLO).astimezone(timezone.utc)
        s.add(Contact(pupil_id=jonas.id, at=at, method=ContactMethod.PHONE, initiated_by=Initiator.SCHOOL,
                      purpose=ContactPurpose.FOLLOW_UP, reached=True, channel=Channel.CHAT))
        # Sara's home was reached on Thursday, the second day of her run (Wednesday to today): the dialogue
        # the guide asks for is established for this run.
        thursday = datetime.combine(FRIDAY - timedelta(days=1), time(12), OSLO).astimezone(timezone.utc)
        s.add(Contact(pupil_id=sara.id, at=thursday, method=ContactMethod.PHONE, initiated_by=Initiator.SCHOOL,
                      purpose=ContactPurpose.FOLLOW_UP, reached=True, channel=Channel.CHAT))
    with session_scope(demo_engine) as s:
        assert "Anders" not in names(digest.absent_without_report(s, whole_store(s), TODAY, audit_reads=False))


def test_a_call_after_midnight_when_winter_time_starts_is_that_mondays(demo_engine):
    monday = date(2026, 10, 26)  # summer time ended on Sunday 25 October
    with session_scope(demo_engine) as s:
        jonas = pupil(s, "Jonas", "Aune")
        s.execute(delete(AbsenceRecord).where(AbsenceRecord.pupil_id == jonas.id))
        absent(s, jonas, monday)
        s.add(Contact(pupil_id=jonas.id, at=datetime(2026, 10, 25, 22, 45, tzinfo=timezone.utc),  # Sunday 23:45
                      method=ContactMethod.PHONE, initiated_by=Initiator.SCHOOL, purpose=ContactPurpose.FOLLOW_UP,
                      reached=True, channel=Channel.CHAT))
    with session_scope(demo_engine) as s:
        assert "Jonas Aune" in names(digest.absent_without_report(s, whole_store(s), monday, audit_reads=False))["Anders"]
        s.add(Contact(pupil_id=jonas.id, at=datetime(2026, 10, 25, 23, 30, tzinfo=timezone.utc),  # Monday 00:30
                      method=ContactMethod.PHONE, initiated_by=Initiator.SCHOOL, purpose=ContactPurpose.FOLLOW_UP,
                      reached=True, channel=Channel.CHAT))
        s.flush()
        assert "Anders" not in names(digest.absent_without_report(s, whole_store(s), monday, audit_reads=False))


def test_a_tynset_pupil_away_four_days_in_a_row_is_told_to_the_contact_teacher(demo_engine):
    with session_scope(demo_engine) as s:
        lucas = pupil(s, "Lucas", "Brekke")
        s.execute(delete(AbsenceRecord).where(AbsenceRecord.pupil_id == lucas.id))
        for on in (TODAY - timedelta(days=5), TODAY - timedelta(days=4), FRIDAY, TODAY):  # Wed, Thu, Fri, Mon
            absent(s, lucas, on, announced_by_home=True, reason=ReasonCategory.SICK)  # four one-day reports
    with session_scope(demo_engine) as s:
        [knut] = [d for d in digest.absent_without_report(s, whole_store(s), TODAY) if d.teacher_given_name == "Knut"]
        assert knut.pupils == [] and [(p.full_name, p.days_in_a_row) for p in knut.long_absent] == [("Lucas Brekke", 4)]
        assert [p.full_name for p in knut.to_call] == ["Lucas Brekke"]
        text = digest.digest_text(knut, "en", "Knut")
        nn = digest.digest_text(knut, "nn", "Knut")
    assert text.startswith("Good morning, Knut!\nAway for longer than the guide allows without a phone call from home:\n"
                           "• Lucas Brekke, 9A: 4 school days in a row\nIf the absence lasts more than three days, "
                           "the parents must phone the contact teacher or the school.")
    assert "Varer fråværet meir enn tre dagar, skal foreldra ringje kontaktlæraren eller skulen." in nn
