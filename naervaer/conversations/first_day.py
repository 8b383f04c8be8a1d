"""The first-day report from home: which child, which days, whole day or part of it, a reason
category, a confirmation in plain words, then storage (absence announced by the home and a logged
first-day contact) and what the school's guide expects of the home next.

Each step is a function of plain values, so the dialogue layer (a Rasa form) stays thin."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.absence_store import NewAbsence, record_absence
from naervaer.access import Permission, audit, grant_for, visible_pupils
from naervaer.conversations.context import Asker, unknown_sender, who_is_asking
from naervaer.dates import parse_days
from naervaer.guides.loader import load_guide
from naervaer.guides.schema import FirstDayKind
from naervaer.i18n import N_, format_day, t
from naervaer.models import (
    AbsenceRecord,
    AuditAction,
    Channel,
    ClassGroup,
    ClassRole,
    ClassStaff,
    Contact,
    ContactMethod,
    ContactPurpose,
    Guardianship,
    Initiator,
    Person,
    Pupil,
    School,
)
from naervaer.pupil_lookup import find_pupils
from naervaer.replies import Button, Reply
from naervaer.school_calendars import calendar_for

PAST_LIMIT = timedelta(days=7)     # older absence is the school's to register, not a first-day report
FUTURE_LIMIT = timedelta(days=60)  # further ahead is a leave application, not a report

SCOPES = {  # how much of the day, as the kind of record it becomes
    "whole_day": (AbsenceKind.DAY, N_("the whole day")),
    "arrives_late": (AbsenceKind.LATE, N_("comes later")),
    "leaves_early": (AbsenceKind.LEFT_EARLY, N_("leaves early")),
}
REASONS = {
    ReasonCategory.SICK: N_("sick"),
    ReasonCategory.MEDICAL_APPOINTMENT: N_("doctor or dentist"),
    ReasonCategory.LEAVE: N_("leave"),
    ReasonCategory.OTHER: N_("other"),
}


@dataclass
class Step:
    """The outcome of one form step: the value to keep (None: ask again) and what to say."""

    value: object = None
    reply: Reply = field(default_factory=Reply)
    stop: bool = False  # end the flow (the reply says why)
    understood: bool = True  # False when the message held nothing this step could read


def _children(session: Session, viewer: Person, today: date) -> list[Pupil]:
    return visible_pupils(session, viewer, Permission.REPORT_ABSENCE, today)


def _why_not(session: Session, viewer: Person, lang: str, today: date) -> Reply:
    """A guardian who may not report: without parental responsibility, or the pupil is 18."""
    links = session.scalars(select(Guardianship).where(Guardianship.guardian_id == viewer.id)).all()
    if any(link.parental_responsibility and link.pupil.is_adult(today) for link in links):
        return Reply().say(t(lang, "Pupils who are 18 or over report their absence themselves. "
                                   "Ask your child to tell the school, or contact the school."))
    if links:
        return Reply().say(t(lang, "Only a guardian with parental responsibility can report absence here. "
                                   "Please contact the school."))
    return Reply().say(t(lang, "You are not registered as someone who can report absence here. "
                               "Please contact the school."))


def choose_child(session: Session, asker: Asker, name: str | None) -> Step:
    lang = asker.lang
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return Step(reply=unknown_sender(lang), stop=True)
    children = _children(session, viewer, asker.today)
    if not children:
        return Step(reply=_why_not(session, viewer, lang, asker.today), stop=True)
    if len(children) == 1 and not name:
        return Step(value=children[0].person.full_name)
    lookup = find_pupils(session, viewer, Permission.REPORT_ABSENCE, name, asker.today)
    if lookup.found is not None:
        return Step(value=lookup.found.person.full_name)
    options = lookup.pupils or children
    if name and not lookup.pupils:
        text = t(lang, "I can't find {name} among the children you can report for. Which child is it?", name=name)
    else:
        text = t(lang, "Which child is it?")
    return Step(reply=Reply().say(text, [Button(p.person.given_name, f'/inform{{"pupil":"{p.person.full_name}"}}')
                                         for p in options]))


def _pupil(session: Session, asker: Asker, full_name: str) -> tuple[Person, Pupil] | None:
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return None
    lookup = find_pupils(session, viewer, Permission.REPORT_ABSENCE, full_name, asker.today)
    return (viewer, lookup.found) if lookup.found is not None else None


def _school(session: Session, pupil: Pupil) -> School:
    return session.get(School, session.get(ClassGroup, pupil.class_group_id).school_id)


def choose_days(session: Session, asker: Asker, pupil_name: str, text: str | None) -> Step:
    lang = asker.lang
    if not text:
        return Step(reply=ask_days(lang))
    found = _pupil(session, asker, pupil_name)
    if found is None:
        return Step(reply=Reply(), stop=True)
    days = parse_days(text, asker.today)
    if not days:
        return Step(reply=Reply().say(t(lang, "I didn't catch which days. Write for example \"i dag\", "
                                              "\"i morgen\" or \"fra mandag til onsdag\".")), understood=False)
    if min(days) < asker.today - PAST_LIMIT:
        return Step(reply=Reply().say(t(lang, "That is more than a week ago. Absence that far back is registered by "
                                              "the school: please contact the contact teacher.")))
    if max(days) > asker.today + FUTURE_LIMIT:
        return Step(reply=Reply().say(t(lang, "That is more than two months ahead. For absence planned that far "
                                              "ahead, apply for leave at the school.")))
    calendar = calendar_for(_school(session, found[1]).code, asker.today)
    school_days = [d for d in days if calendar.is_school_day(d)]
    if not school_days:
        return Step(reply=Reply().say(t(lang, "{days} is not a school day, so there is nothing to report. "
                                              "Which days will the child be away?",
                                        days=_list_days(days, lang))))
    reply = Reply()
    skipped = [d for d in days if d not in school_days]
    if skipped and len(days) <= 7:
        reply.say(t(lang, "{days} is not a school day, so I leave it out.", days=_list_days(skipped, lang)))
    return Step(value=[d.isoformat() for d in school_days], reply=reply)


def reason_in(text: str) -> str | None:
    """A reason category named in a message ("syk", "sjuk", "tannlege"), using the import's words."""
    from naervaer.imports.values import REASONS as WORDS

    for word in re.findall(r"\w+", text.lower()):
        if word in WORDS:
            return WORDS[word].value
    return None


def ask_days(lang: str) -> Reply:
    return Reply().say(t(lang, "Which days? For example \"i dag\", \"i morgen\" or \"fra mandag til onsdag\"."),
                       [Button(t(lang, "Today"), '/inform{"date":"i dag"}'),
                        Button(t(lang, "Tomorrow"), '/inform{"date":"i morgen"}')])


def ask_scope(lang: str) -> Reply:
    return Reply().say(t(lang, "The whole day, or part of it?"),
                       [Button(t(lang, label).capitalize(), f'/inform{{"absence_scope":"{key}"}}')
                        for key, (_kind, label) in SCOPES.items()])


def ask_reason(lang: str) -> Reply:
    return Reply().say(t(lang, "What is the reason? Choose one; please don't write details about health here."),
                       [Button(t(lang, label).capitalize(), f'/inform{{"reason":"{reason.value}"}}')
                        for reason, label in REASONS.items()])


def _list_days(days: list[date], lang: str) -> str:
    names = [format_day(d, lang) for d in sorted(days)]
    if len(names) > 3:
        return t(lang, "{first} to {last}", first=names[0], last=names[-1])
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + t(lang, " and ") + names[-1]


def summary(asker: Asker, pupil_name: str, days: list[str], scope: str, reason: str) -> Reply:
    lang = asker.lang
    first = pupil_name.split()[0]
    text = t(lang, "{name} is away {days}, {scope}, reason: {reason}. Is that right?", name=first,
             days=_list_days([date.fromisoformat(d) for d in days], lang), scope=t(lang, SCOPES[scope][1]),
             reason=t(lang, REASONS[ReasonCategory(reason)]))
    return Reply().say(text, [Button(t(lang, "Yes, send"), "/affirm"), Button(t(lang, "No"), "/deny")])


def store(session: Session, asker: Asker, pupil_name: str, days: list[str], scope: str, reason: str) -> Reply:
    """Store a confirmed report; the same report twice stores nothing new."""
    lang = asker.lang
    found = _pupil(session, asker, pupil_name)
    if found is None:  # access is checked again at the moment of writing, never trusted from slots
        return Reply().say(t(lang, "I couldn't store the report: you can't report absence for this pupil."))
    viewer, pupil = found
    kind = SCOPES[scope][0]
    created = changed = 0
    for day in sorted(date.fromisoformat(d) for d in days):
        record, new = record_absence(session, NewAbsence(
            pupil_id=pupil.id, on=day, kind=kind, channel=Channel.CHAT, announced_by_home=True,
            reason=ReasonCategory(reason), registered_by_id=viewer.id))
        if new:
            created += 1
            audit(session, viewer, pupil, AuditAction.CREATE, "absence_record", record.id)
        elif not record.announced_by_home or record.reason != ReasonCategory(reason):
            # The school registered the absence first; the home's report now explains it.
            record.announced_by_home, record.reason = True, ReasonCategory(reason)
            changed += 1
            audit(session, viewer, pupil, AuditAction.UPDATE, "absence_record", record.id)
    name = pupil.person.given_name
    if not created and not changed:
        return Reply().say(t(lang, "That is already reported for {name}; nothing new was stored.", name=name))
    session.add(Contact(pupil_id=pupil.id, guardian_id=None if viewer.id == pupil.person_id else viewer.id,
                        at=datetime.now(timezone.utc), method=ContactMethod.MESSAGE, initiated_by=Initiator.HOME,
                        purpose=ContactPurpose.FIRST_DAY, reached=True, registered_by_id=viewer.id,
                        channel=Channel.CHAT))
    reply = Reply().say(t(lang, "Thank you, the school now knows that {name} is away {days}.", name=name,
                          days=_list_days([date.fromisoformat(d) for d in days], lang)))
    _expectations(session, pupil, len(days), asker, reply)
    return reply


def _contact_teacher(session: Session, pupil: Pupil) -> Person | None:
    return session.scalars(select(Person).join(ClassStaff, ClassStaff.person_id == Person.id).where(
        ClassStaff.class_group_id == pupil.class_group_id, ClassStaff.role == ClassRole.CONTACT_TEACHER)).first()


def _expectations(session: Session, pupil: Pupil, n_days: int, asker: Asker, reply: Reply) -> None:
    """What the school's guide expects of the home next, for a report of `n_days` school days."""
    lang = asker.lang
    school = _school(session, pupil)
    guide = load_guide(school.guide_key)
    teacher = _contact_teacher(session, pupil)
    for rule in guide.first_day:
        if rule.kind is FirstDayKind.PHONE_REQUIRED:
            note = rule.text.get(lang)
            if rule.days is not None and n_days > rule.days:
                note = t(lang, "This report covers more than {n} days, so: {rule}", n=rule.days, rule=note)
            reply.say(t(lang, "{rule} ({guide}, \"{section}\")", rule=note, guide=guide.title,
                        section=rule.source.section))
    if teacher is not None and teacher.phone:
        reply.say(t(lang, "The contact teacher is {teacher}, phone {phone}.", teacher=teacher.full_name,
                    phone=teacher.phone))


def withdraw(session: Session, asker: Asker, pupil_name: str | None) -> Reply:
    """Withdraw today's reports from this person (made today, for today or later)."""
    lang = asker.lang
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return unknown_sender(lang)
    start = datetime.combine(asker.today, datetime.min.time(), tzinfo=timezone.utc) - timedelta(hours=2)
    records = session.scalars(select(AbsenceRecord).where(
        AbsenceRecord.registered_by_id == viewer.id, AbsenceRecord.channel == Channel.CHAT,
        AbsenceRecord.on >= asker.today, AbsenceRecord.created_at >= start)).all()
    if pupil_name:
        lookup = find_pupils(session, viewer, Permission.REPORT_ABSENCE, pupil_name, asker.today)
        ids = {p.id for p in lookup.pupils}
        records = [r for r in records if r.pupil_id in ids]
    # Only what the viewer may still report for (e.g. not after losing parental responsibility).
    records = [r for r in records
               if grant_for(session, viewer, session.get(Pupil, r.pupil_id), asker.today).allows(Permission.REPORT_ABSENCE)]
    if not records:
        return Reply().say(t(lang, "I find no report from you today that can be withdrawn."))
    days = sorted({r.on for r in records})
    names = sorted({session.get(Pupil, r.pupil_id).person.given_name for r in records})
    for record in records:
        audit(session, viewer, session.get(Pupil, record.pupil_id), AuditAction.DELETE, "absence_record", record.id)
    session.execute(delete(AbsenceRecord).where(AbsenceRecord.id.in_([r.id for r in records])))
    return Reply().say(t(lang, "The report for {names} for {days} is withdrawn.", names=", ".join(names),
                         days=_list_days(days, lang)))


def free_text_health(session: Session, asker: Asker) -> Reply:
    """The chat cannot take health details; point to the contact teacher instead."""
    lang = asker.lang
    reply = Reply().say(t(lang, "Thank you for telling me. This chat can't take details about health, so I have "
                                "not stored what you wrote. Please talk to the contact teacher directly."))
    viewer = who_is_asking(session, asker)
    if viewer is not None:
        for pupil in _children(session, viewer, asker.today)[:2]:
            teacher = _contact_teacher(session, pupil)
            if teacher is not None and teacher.phone:
                reply.say(t(lang, "{pupil}'s contact teacher is {teacher}, phone {phone}.",
                            pupil=pupil.person.given_name, teacher=teacher.full_name, phone=teacher.phone))
    return reply


def not_sent(lang: str) -> Reply:
    return Reply().say(t(lang, "OK, nothing was sent to the school. You can start again whenever you like."))


def change(session: Session, asker: Asker, pupil_name: str | None) -> Reply:
    """Changing a report is withdrawing it and reporting again."""
    reply = withdraw(session, asker, pupil_name)
    reply.say(t(asker.lang, "Tell me the new report, for example \"Ida er syk i dag og i morgen\"."))
    return reply
