"""What the school's chat front ends bring to people on their own, as plain data (no Telegram here).

- ``absent_without_report``: the morning digest. The pupils absent the whole day ``on`` with no word
  from home since their run of such days began — the guides ask the school to make contact (Trøndelag:
  the fraværsansvarlig, after 1–3 days in a row; Jevnaker and Tynset: the contact teacher, that day) —
  go to the school's fraværsansvarlig where it has one, else to the contact teacher; the pupils away
  longer than the guide's "the home must phone" rule allows go to the contact teacher. ``digest_text``
  words it, with the guide's own rule;
- ``meetings_to_remind``: who takes part in a planned meeting on the days a reminder sent on ``on``
  covers (the next day, and on the last school day before a weekend or holiday every day up to the
  next school day, so a Monday meeting is not missed);
- ``new_threshold_notices``: a contact teacher's pupils who newly crossed a threshold of their
  school's guide on ``on`` (not crossed on the previous school day, and no notice sent for that rule
  and window), and ``record_notice`` once the notice is out.

The jobs run for the whole store, so each takes the system's scope (``access.system_scope``, audited
with its purpose); every pupil is still checked against the access rules for the person it goes to
before it is listed, so staff listed on a class of another school never see it; what is listed is
written to the audit log.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from naervaer.access import Permission, Scope, audit, can, grant_for
from naervaer.calendar import SchoolCalendar
from naervaer.clock import OSLO, as_utc, start_of_day
from naervaer.guides.loader import load_guide
from naervaer.guides.schema import FirstDayRule
from naervaer.i18n import t, tn
from naervaer.models import (
    AuditAction,
    Channel,
    ClassGroup,
    ClassRole,
    ClassStaff,
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


def calendar_for(school_code: str, on: date) -> SchoolCalendar:
    """The school's calendar (its own days off when ``naervaer.school_calendars`` knows them)."""
    try:
        from naervaer.school_calendars import calendar_for as school_calendar
    except ImportError:  # pragma: no cover - the per-school calendars are optional
        return SchoolCalendar.for_school_year(on.year if on.month >= 8 else on.year - 1)
    return school_calendar(school_code, on)


def is_school_day(school_code: str, on: date) -> bool:
    return calendar_for(school_code, on).is_school_day(on)


def oslo_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The Norwegian calendar day ``day`` as a UTC interval [start, end)."""
    return start_of_day(day), start_of_day(day + timedelta(days=1))


# --- the morning digest ------------------------------------------------------


@dataclass(frozen=True)
class AbsentPupil:
    pupil_id: int
    given_name: str
    family_name: str
    class_name: str
    days_in_a_row: int = 1               # school days in a row of the run the rule looks at
    rule: FirstDayRule | None = None     # the guide's first-day rule, quoted in the digest
    guide_title: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass
class TeacherDigest:
    """What one person gets in the morning: the pupils to contact today (absent with no word from home;
    to the school's fraværsansvarlig where it has one, else to the contact teacher), and the contact
    teacher's pupils away longer than the guide lets pass without a phone call from home."""

    teacher_id: int
    teacher_given_name: str
    pupils: list[AbsentPupil] = field(default_factory=list)
    long_absent: list[AbsentPupil] = field(default_factory=list)

    @property
    def to_call(self) -> list[AbsentPupil]:
        """Each pupil once, those to contact today first."""
        seen: dict[int, AbsentPupil] = {}
        for p in [*self.pupils, *self.long_absent]:
            seen.setdefault(p.pupil_id, p)
        return list(seen.values())


def _contact_teacher_pupils(session: Session, teacher_ids: Iterable[int] | None):
    """(teacher, pupil, school code) for every contact teacher with a role at the class's own school."""
    teacher = Person.__table__.alias("teacher")
    pupil_person = Person.__table__.alias("pupil_person")
    stmt = (
        select(ClassStaff.person_id.label("teacher_id"), teacher.c.given_name.label("teacher_given_name"),
               Pupil.id.label("pupil_id"), pupil_person.c.given_name, pupil_person.c.family_name,
               pupil_person.c.left_on, ClassGroup.name.label("class_name"), School.code.label("school_code"))
        .join(ClassGroup, ClassGroup.id == ClassStaff.class_group_id)
        .join(School, School.id == ClassGroup.school_id)
        .join(teacher, teacher.c.id == ClassStaff.person_id)
        .join(Pupil, Pupil.class_group_id == ClassGroup.id)
        .join(pupil_person, pupil_person.c.id == Pupil.person_id)
        .where(ClassStaff.role == ClassRole.CONTACT_TEACHER)
        .where(exists().where(StaffMembership.person_id == ClassStaff.person_id,
                              StaffMembership.school_id == ClassGroup.school_id))
        .distinct()
    )
    if teacher_ids is not None:
        stmt = stmt.where(ClassStaff.person_id.in_(list(teacher_ids)))
    return stmt


def _allowed(session: Session, teacher_id: int, pupil_id: int, permission: Permission, on: date) -> bool:
    return can(session, session.get(Person, teacher_id), permission, session.get(Pupil, pupil_id), on)


def absence_officers(session: Session, school_codes: Iterable[str], on: date) -> dict[str, list[tuple[int, str]]]:
    """Per school code, its fraværsansvarlige (staff role absence_officer) still there on ``on``: (id, given name)."""
    codes = sorted(set(school_codes))
    if not codes:
        return {}
    rows = session.execute(
        select(School.code, Person.id, Person.given_name)
        .join(StaffMembership, StaffMembership.school_id == School.id)
        .join(Person, Person.id == StaffMembership.person_id)
        .where(StaffMembership.role == StaffRole.ABSENCE_OFFICER, School.code.in_(codes),
               Person.left_on.is_(None) | (Person.left_on > on))
        .order_by(School.code, Person.id)).all()
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for code, person_id, given in rows:
        out[code].append((person_id, given))
    return dict(out)


def absent_without_report(session: Session, scope: Scope, on: date, teacher_ids: Iterable[int] | None = None,
                          *, audit_reads: bool = True) -> list[TeacherDigest]:
    """The morning digest, per person (only those with something in it).

    * ``pupils``: absent the whole day ``on`` with no word from home since their run of such days began
      (``naervaer.rules.streaks``: the guide's computed "the school contacts the home" rule, e.g.
      Trøndelag's dialogue after days of unannounced absence; a guide without one gets the same-day
      list). They go to the school's fraværsansvarlig where it has one, else to the contact teacher.
    * ``long_absent``: away more days in a row than the guide's "the home must phone" rule allows
      (Tynset: more than three), with no phone call logged since; to the contact teacher.

    Only recipients who may log a contact for the pupil get it (``teacher_ids``: only these people).
    Schools for which ``on`` is not a school day are left out."""
    from naervaer.flags import first_day_in_scope  # the rules over the store

    found = first_day_in_scope(session, scope, on, digest_fallback=True)
    if not found:
        return []
    wanted = None if teacher_ids is None else set(teacher_ids)
    officers = absence_officers(session, {p.school_code for p in found}, on)
    teachers: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in session.execute(_contact_teacher_pupils(session, None).where(
            Pupil.id.in_([p.pupil_id for p in found])).order_by(ClassStaff.person_id)):
        teachers[row.pupil_id].append((row.teacher_id, row.teacher_given_name))

    def reachable(people: list[tuple[int, str]], pupil_id: int) -> list[tuple[int, str]]:
        return [(pid, given) for pid, given in people if (wanted is None or pid in wanted)
                and _allowed(session, pid, pupil_id, Permission.LOG_CONTACT, on)]

    digests: dict[int, TeacherDigest] = {}
    audited: set[tuple[int, int]] = set()
    for p in found:
        title = load_guide(p.guide_key).title
        for due in p.due:
            item = AbsentPupil(p.pupil_id, p.given_name, p.family_name, p.class_name, due.streak.length, due.rule,
                               title)
            contact = due.kind == "contact_today"
            # An officer the job cannot reach (not linked to a chat) leaves it to the contact teacher.
            to = (contact and reachable(officers.get(p.school_code, []), p.pupil_id)) or \
                reachable(teachers[p.pupil_id], p.pupil_id)
            for person_id, given in to:
                digest = digests.setdefault(person_id, TeacherDigest(person_id, given))
                (digest.pupils if contact else digest.long_absent).append(item)
                if audit_reads and (person_id, p.pupil_id) not in audited:
                    audited.add((person_id, p.pupil_id))
                    audit(session, session.get(Person, person_id), session.get(Pupil, p.pupil_id),
                          AuditAction.READ, "absence_digest")
    order = lambda a: (a.class_name, a.family_name, a.given_name)  # noqa: E731
    for digest in digests.values():
        digest.pupils.sort(key=order)
        digest.long_absent.sort(key=order)
    return [digests[k] for k in sorted(digests)]


def _rule_lines(pupils: list[AbsentPupil], lang: str) -> list[str]:
    lines, seen = [], set()
    for p in pupils:
        if p.rule is not None and p.rule.id not in seen:
            seen.add(p.rule.id)
            lines.append(t(lang, "{rule} ({guide}, \"{section}\")", rule=p.rule.text.get(lang), guide=p.guide_title,
                           section=p.rule.source.section))
    return lines


def digest_text(item: TeacherDigest, lang: str, given_name: str) -> str:
    """The morning digest for one person, with each guide's own words for what it asks of the school."""
    lines = []
    if item.pupils:
        lines.append(t(lang, "Good morning, {name}! Absent today with no word from home:", name=given_name))
        for p in item.pupils:
            row = f"• {p.full_name}, {p.class_name}"
            if p.days_in_a_row > 1:
                row += ": " + tn(lang, "{n} school day in a row", "{n} school days in a row", p.days_in_a_row)
            lines.append(row)
        lines += _rule_lines(item.pupils, lang)
        lines.append(t(lang, "When you have made contact, press the pupil's name to log it."))
    else:
        lines.append(t(lang, "Good morning, {name}!", name=given_name))
    if item.long_absent:
        if item.pupils:
            lines.append("")
        lines.append(t(lang, "Away for longer than the guide allows without a phone call from home:"))
        lines += [f"• {p.full_name}, {p.class_name}: "
                  + tn(lang, "{n} school day in a row", "{n} school days in a row", p.days_in_a_row)
                  for p in item.long_absent]
        lines += _rule_lines(item.long_absent, lang)
    return "\n".join(lines)


# --- meeting reminders ------------------------------------------------------


@dataclass(frozen=True)
class MeetingReminder:
    meeting_id: int
    person_id: int
    kind: MeetingKind
    starts_at: datetime  # in Europe/Oslo
    minutes: int
    place: str | None
    pupil_given_name: str


def reminder_days(on: date, calendar: SchoolCalendar | None = None) -> list[date]:
    """The days a reminder sent on ``on`` covers: from tomorrow up to and including the next school day
    (at most two weeks ahead)."""
    calendar = calendar or calendar_for("", on)
    days, d = [], on
    while len(days) < 14:
        d += timedelta(days=1)
        days.append(d)
        if calendar.is_school_day(d):
            break
    return days


def meetings_to_remind(session: Session, scope: Scope, days: Iterable[date]) -> list[MeetingReminder]:
    """Every (participant, planned meeting) on the given days, for participants who are people in the store
    and may still see the pupil; each reminder is written to the audit log."""
    days = sorted(days)
    if not days:
        return []
    start, _ = oslo_day_bounds(days[0])
    _, end = oslo_day_bounds(days[-1])
    wanted = set(days)
    rows = session.execute(
        select(Meeting.id, MeetingParticipant.person_id, Meeting.kind, Meeting.starts_at, Meeting.minutes,
               Meeting.place, Person.given_name, Meeting.pupil_id)
        .join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
        .join(Pupil, Pupil.id == Meeting.pupil_id).join(Person, Person.id == Pupil.person_id)
        .where(Meeting.status == MeetingStatus.PLANNED, Meeting.starts_at >= start, Meeting.starts_at < end,
               MeetingParticipant.person_id.is_not(None))
        .order_by(Meeting.starts_at, Meeting.id, MeetingParticipant.person_id)
    ).all()
    sent_on = days[0] - timedelta(days=1)  # reminder_days(on) starts the day after `on`
    reminders = []
    for meeting_id, person_id, kind, starts_at, minutes, place, given, pupil_id in rows:
        local = as_utc(starts_at).astimezone(OSLO)
        if local.date() not in wanted or not scope.covers(pupil_id):
            continue
        # Only participants who still have a relation to the pupil (a guardian whose child has turned
        # 18, or staff who left the school, hear nothing more about the pupil).
        person, pupil = session.get(Person, person_id), session.get(Pupil, pupil_id)
        if not grant_for(session, person, pupil, sent_on).permissions:
            continue
        reminders.append(MeetingReminder(meeting_id, person_id, MeetingKind(kind), local, minutes, place, given))
        audit(session, person, pupil, AuditAction.READ, "meeting_reminder", meeting_id)
    return reminders





# --- threshold notices ------------------------------------------------------


@dataclass(frozen=True)
class ThresholdNoticeItem:
    teacher_id: int
    pupil_id: int
    pupil_given_name: str
    pupil_full_name: str
    flag: object  # naervaer.rules.engine.Flag

    @property
    def rule_id(self) -> str:
        return self.flag.rule_id  # type: ignore[attr-defined]

    @property
    def window_start(self) -> date:
        return self.flag.window_start  # type: ignore[attr-defined]


def previous_school_day(school_code: str, on: date) -> date:
    calendar = calendar_for(school_code, on)
    d = on - timedelta(days=1)
    for _ in range(60):
        if calendar.is_school_day(d):
            return d
        d -= timedelta(days=1)
    return on - timedelta(days=1)


def new_threshold_notices(session: Session, scope: Scope, on: date, teacher_ids: Iterable[int] | None = None
                          ) -> list[ThresholdNoticeItem]:
    """Thresholds (not judgement patterns) that a contact teacher's pupils crossed on ``on`` but not on
    the previous school day, and that no notice was sent for yet (same pupil, rule and window start)."""
    from naervaer.flags import flags_for_pupils  # the rules over the store

    rows = session.execute(_contact_teacher_pupils(session, teacher_ids)).all()
    rows = [r for r in rows if (r.left_on is None or r.left_on > on) and scope.covers(r.pupil_id)
            and is_school_day(r.school_code, on)]
    if not rows:
        return []
    pupil_ids = sorted({r.pupil_id for r in rows})
    today = flags_for_pupils(session, scope, pupil_ids, on)
    by_school: dict[date, list[int]] = defaultdict(list)
    for r in rows:
        by_school[previous_school_day(r.school_code, on)].append(r.pupil_id)
    before: dict[int, set[str]] = {}
    for day, ids in by_school.items():
        for pid, flags in flags_for_pupils(session, scope, sorted(set(ids)), day).items():
            before[pid] = {f.rule_id for f in flags if f.kind == "threshold"}
    sent = {(p, r, w) for p, r, w in session.execute(
        select(ThresholdNotice.pupil_id, ThresholdNotice.threshold_id, ThresholdNotice.window_start)
        .where(ThresholdNotice.pupil_id.in_(pupil_ids)))}
    items = []
    for r in sorted(rows, key=lambda r: (r.teacher_id, r.family_name, r.given_name)):
        for flag in today.get(r.pupil_id, []):
            if flag.kind != "threshold" or flag.rule_id in before.get(r.pupil_id, set()):
                continue
            if (r.pupil_id, flag.rule_id, flag.window_start) in sent:
                continue
            if not _allowed(session, r.teacher_id, r.pupil_id, Permission.VIEW_STATUS, on):
                continue
            items.append(ThresholdNoticeItem(r.teacher_id, r.pupil_id, r.given_name,
                                             f"{r.given_name} {r.family_name}", flag))
    return items


def record_notice(session: Session, item: ThresholdNoticeItem) -> None:
    """Remember that the notice went out, so it is not sent again for the same window."""
    known = session.scalar(select(ThresholdNotice.id).where(and_(
        ThresholdNotice.pupil_id == item.pupil_id, ThresholdNotice.threshold_id == item.rule_id,
        ThresholdNotice.window_start == item.window_start)))
    if known is None:
        session.add(ThresholdNotice(pupil_id=item.pupil_id, threshold_id=item.rule_id,
                                    window_start=item.window_start))
        session.flush()
    audit(session, session.get(Person, item.teacher_id), session.get(Pupil, item.pupil_id),
          AuditAction.READ, "threshold_notice", channel=Channel.CHAT)
