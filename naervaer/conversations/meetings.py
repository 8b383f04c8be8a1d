"""'Sett opp nærværsmøte for Ida neste tirsdag kl 10' — a meeting with the participants the guide
names, warnings (deadline, school day, past, clash), an iCalendar invitation and the proposed
evaluation meeting at the guide's interval."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.access import Permission, audit
from naervaer.case_status import pupil_status
from naervaer.clock import OSLO
from naervaer.conversations.context import Asker
from naervaer.conversations.pupil_choice import Found, find_pupil
from naervaer.directory import contact_teacher, guardians
from naervaer.dates import parse_moment
from naervaer.guides.schema import DoneKind
from naervaer.i18n import N_, format_day, format_moment, t
from naervaer.models import AuditAction, Meeting, MeetingKind, MeetingParticipant, MeetingStatus, StaffMembership, StaffRole
from naervaer.replies import Button, Reply
from naervaer.school_calendars import calendar_for
from naervaer.settings import load_settings

KIND_NAMES = {
    MeetingKind.SAMTALE: N_("conversation with pupil and home"), MeetingKind.NAERVAERSMOTE: N_("attendance meeting"),
    MeetingKind.FAGMOTE: N_("expert meeting"), MeetingKind.SAMARBEIDSMOTE: N_("cooperation meeting"),
    MeetingKind.EVALUERING: N_("evaluation meeting"),
}
KIND_WORDS = {
    "samtale": MeetingKind.SAMTALE, "naervaersmote": MeetingKind.NAERVAERSMOTE, "nærværsmøte": MeetingKind.NAERVAERSMOTE,
    "fagmote": MeetingKind.FAGMOTE, "fagmøte": MeetingKind.FAGMOTE, "samarbeidsmote": MeetingKind.SAMARBEIDSMOTE,
    "samarbeidsmøte": MeetingKind.SAMARBEIDSMOTE, "evaluering": MeetingKind.EVALUERING,
    "evalueringsmøte": MeetingKind.EVALUERING,
}
MEETING_MINUTES = 45


def _kind(value: str | None) -> MeetingKind:
    return KIND_WORDS.get((value or "").strip().lower(), MeetingKind.SAMTALE)


def _participants(session: Session, found: Found, kind: MeetingKind) -> list[tuple[int | None, str]]:
    """The people the guide names for this kind of meeting: (person id or None, role)."""
    roles: list[str] = ["contact_teacher", "home"]
    for _stage, step in found.guide.followup.steps():
        if step.meeting_kind == kind.value:
            roles += [r for r in step.responsible if r not in roles]
            break
    people: list[tuple[int | None, str]] = []
    for role in roles:
        if role == "contact_teacher":
            teacher = contact_teacher(session, found.pupil)
            people.append((teacher.id if teacher else found.viewer.id, role))
        elif role == "home":
            people += [(g.id, "home") for _link, g in guardians(session, found.pupil)]
        elif role == "pupil":
            people.append((found.pupil.person_id, role))
        elif role in ("principal", "department_head"):
            leader = session.scalar(select(StaffMembership.person_id).where(
                StaffMembership.school_id == found.school.id, StaffMembership.role == StaffRole(role)))
            people.append((leader, role))
        else:
            people.append((None, role))  # a service or team the school invites itself
    seen, unique = set(), []
    for person_id, role in people:
        key = person_id or role
        if key not in seen:
            seen.add(key)
            unique.append((person_id, role))
    return unique


def _clash(session: Session, person_id: int, starts: datetime) -> Meeting | None:
    window = timedelta(minutes=MEETING_MINUTES)
    return session.scalars(select(Meeting).join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id).where(
        MeetingParticipant.person_id == person_id, Meeting.status == MeetingStatus.PLANNED,
        Meeting.starts_at > (starts - window).astimezone(timezone.utc),
        Meeting.starts_at < (starts + window).astimezone(timezone.utc))).first()


def schedule(session: Session, asker: Asker, pupil_name: str | None, kind_text: str | None, when_text: str) -> Reply:
    lang = asker.lang
    found = find_pupil(session, asker, pupil_name, Permission.SCHEDULE_MEETING, "schedule_meeting")
    if isinstance(found, Reply):
        return found
    kind = _kind(kind_text)
    moment = parse_moment(when_text or "", asker.today)
    if moment is None:
        return Reply().say(t(lang, "When should the {kind} with {name} be? Write a day and a time, for example "
                                   "\"sett opp {word} for {name} neste tirsdag kl 10\".",
                             kind=t(lang, KIND_NAMES[kind]), name=found.pupil.person.given_name, word=kind.value))
    starts = moment.replace(tzinfo=OSLO)
    warnings = []
    if starts.date() < asker.today:
        return Reply().say(t(lang, "{day} is in the past. Which day should the meeting be?",
                             day=format_day(starts.date(), lang)))
    if not calendar_for(found.school.code, starts.date()).is_school_day(starts.date()):
        warnings.append(t(lang, "{day} is not a school day.", day=format_day(starts.date(), lang)))
    status = pupil_status(session, found.grant, asker.today)
    if status.next is not None and status.next.step is not None and status.next.step.meeting_kind == kind.value \
            and status.next.due is not None:
        latest = status.next.due[1] if isinstance(status.next.due, tuple) else status.next.due
        if starts.date() > latest:
            warnings.append(t(lang, "The guide's deadline for this meeting is {day}.", day=format_day(latest, lang)))
    clash = _clash(session, found.viewer.id, starts)
    if clash is not None:
        warnings.append(t(lang, "You already have a meeting at {time}.", time=format_moment(clash.starts_at.astimezone(OSLO), lang)))

    meeting = Meeting(pupil_id=found.pupil.id, kind=kind, starts_at=starts.astimezone(timezone.utc),
                      minutes=MEETING_MINUTES, place=found.school.name, status=MeetingStatus.PLANNED,
                      created_by_id=found.viewer.id)
    participants = _participants(session, found, kind)
    meeting.participants = [MeetingParticipant(person_id=pid, role=role) for pid, role in participants]
    session.add(meeting)
    session.flush()
    audit(session, found.viewer, found.pupil, AuditAction.CREATE, "meeting", meeting.id)
    invitation = _write_invitation(meeting, found, t(lang, KIND_NAMES[kind]))

    from naervaer.conversations.pupil_status import role_names  # one list of role names

    reply = Reply().say(t(lang, "Booked: {kind} for {name}, {moment}, at {place}. Invited: {who}.",
                          kind=t(lang, KIND_NAMES[kind]), name=found.pupil.person.given_name,
                          moment=format_moment(starts, lang), place=found.school.name,
                          who=role_names(list(dict.fromkeys(role for _pid, role in participants)), lang)))
    for warning in warnings:
        reply.say("⚠ " + warning)
    reply.say(t(lang, "Calendar invitation: {path}", path=invitation))
    evaluation = _evaluation_interval(found)
    if evaluation and kind is not MeetingKind.EVALUERING:
        proposed = (starts + timedelta(days=evaluation)).date()
        reply.say(t(lang, "The guide says the measures are evaluated after {n} days: shall I book the evaluation "
                          "meeting {day} at the same time?", n=evaluation, day=format_day(proposed, lang)),
                  [Button(t(lang, "Yes, book it"),
                          f'/schedule_meeting{{"pupil":"{found.pupil.person.full_name}","meeting_kind":"evaluering",'
                          f'"date":"{proposed.strftime("%d.%m.%Y")} kl {starts:%H.%M}"}}')])
    return reply


def _evaluation_interval(found: Found) -> int | None:
    for _stage, step in found.guide.followup.steps():
        if step.done_by.kind is DoneKind.EVALUATION and step.due is not None:
            return step.due.days
    return None


def _write_invitation(meeting: Meeting, found: Found, title: str) -> Path:
    calendar = Calendar()
    calendar.add("prodid", "-//Naervaer//naervaer//NO")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@naervaer")
    # First name only: an invitation travels by e-mail and calendars; it carries no more than needed.
    event.add("summary", f"{title}: {found.pupil.person.given_name}")
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.minutes))
    event.add("location", meeting.place or "")
    event.add("dtstamp", datetime.now(timezone.utc))
    calendar.add_component(event)
    folder = load_settings().var_dir / "invitations"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"meeting-{meeting.id}.ics"
    path.write_bytes(calendar.to_ical())
    return path
