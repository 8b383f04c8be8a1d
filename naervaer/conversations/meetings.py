"""'Sett opp nærværsmøte for Ida neste tirsdag kl 10' — a meeting with the participants the guide
names, warnings (deadline, school day, past, clash), an iCalendar invitation and the proposed
evaluation meeting at the guide's interval.

`read_request` parses the message, `decide` checks it, books the meeting and says what happened
(`Booking`, or why not), `render` words that and the invitation; the invitation file is written by
`MeetingAnswer.full_reply` once the booking is committed."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from naervaer.access import Permission
from naervaer.case_status import pupil_status
from naervaer.clock import OSLO
from naervaer.conversations.context import Asker
from naervaer.conversations.pupil_choice import Found, find_pupil
from naervaer.conversations.pupil_status import role_names
from naervaer.dates import parse_moment
from naervaer.directory import contact_teacher, guardians, staff_with_role
from naervaer.guides.schema import DoneKind, Guide
from naervaer.i18n import N_, format_day, format_moment, t
from naervaer.invitations import Invitation, invitation_folder
from naervaer.meeting_store import MEETING_MINUTES, Invitee, MeetingKind, book_meeting, clashing_meeting_start
from naervaer.replies import Button, Message, Reply
from naervaer.school_calendars import calendar_for

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class MeetingRequest:
    kind: MeetingKind
    starts: datetime | None  # Oslo time; None when the message has no day and time


@dataclass(frozen=True)
class TimeMissing:
    kind: MeetingKind
    first_name: str


@dataclass(frozen=True)
class DayPassed:
    day: date


@dataclass(frozen=True)
class Booking:
    meeting_id: int
    kind: MeetingKind
    first_name: str
    full_name: str
    starts: datetime  # Oslo time
    minutes: int
    place: str
    roles: tuple[str, ...]            # who is invited, each role once, in the guide's order
    not_a_school_day: bool
    deadline: date | None             # the guide's deadline for this meeting, when the booking is later
    clash: datetime | None            # when the booker's other meeting starts (Oslo time)
    evaluation_after_days: int | None  # the evaluation meeting to propose, days after this one
    invitation_folder: Path

    @property
    def evaluation_on(self) -> date | None:
        if self.evaluation_after_days is None:
            return None
        return (self.starts + timedelta(days=self.evaluation_after_days)).date()


Outcome = TimeMissing | DayPassed | Booking


@dataclass(frozen=True)
class MeetingAnswer:
    """The reply, and the invitation it announces: written by `full_reply`, once the booking is committed."""

    reply: Reply
    invitation: Invitation | None = None
    # Said instead of the invitation's line when its file cannot be written: the meeting is booked
    # all the same, and a person told "something went wrong" would book it again.
    not_written: str = ""

    @property
    def text(self) -> str:
        return self.reply.text

    def full_reply(self) -> Reply:
        """The reply, with its invitation file written; call it once the session has committed."""
        if self.invitation is None:
            return self.reply
        try:
            self.invitation.write()
        except OSError as error:
            log.warning("meeting %s booked, invitation not written: %s", self.invitation.meeting_id,
                        type(error).__name__)
            path = str(self.invitation.path)
            messages = [m if path not in m.text else Message(text=self.not_written) for m in self.reply.messages]
            return Reply(messages=messages, slots=dict(self.reply.slots))
        return self.reply


def schedule(session: Session, asker: Asker, pupil_name: str | None, kind_text: str | None,
             when_text: str) -> MeetingAnswer:
    found = find_pupil(session, asker, pupil_name, Permission.SCHEDULE_MEETING, "schedule_meeting")
    if isinstance(found, Reply):
        return MeetingAnswer(found)
    return render(decide(session, found, read_request(kind_text, when_text, asker.today), asker.today), asker.lang)


def read_request(kind_text: str | None, when_text: str | None, today: date) -> MeetingRequest:
    """The kind of meeting (a conversation with pupil and home unless named) and when, from the message."""
    kind = KIND_WORDS.get((kind_text or "").strip().lower(), MeetingKind.SAMTALE)
    moment = parse_moment(when_text or "", today)
    return MeetingRequest(kind, moment.replace(tzinfo=OSLO) if moment is not None else None)


def refusal(request: MeetingRequest, first_name: str, today: date) -> TimeMissing | DayPassed | None:
    """Why the request cannot be booked as it stands, if it cannot."""
    if request.starts is None:
        return TimeMissing(request.kind, first_name)
    if request.starts.date() < today:
        return DayPassed(request.starts.date())
    return None


def decide(session: Session, found: Found, request: MeetingRequest, today: date) -> Outcome:
    """Book the requested meeting, with what the booker should be warned about, or say why not."""
    pupil = found.grant.pupil_for(Permission.SCHEDULE_MEETING)
    refused = refusal(request, pupil.person.given_name, today)
    if refused is not None:
        return refused
    starts, kind = request.starts, request.kind
    deadline = _deadline(session, found, kind, today)
    clash = clashing_meeting_start(session, found.viewer, starts)
    invited = invitees(session, found, kind, today)
    meeting_id = book_meeting(session, found.grant, kind, starts, found.school.name, invited)
    return Booking(
        meeting_id=meeting_id, kind=kind, first_name=pupil.person.given_name, full_name=pupil.person.full_name,
        starts=starts, minutes=MEETING_MINUTES, place=found.school.name,
        roles=tuple(dict.fromkeys(i.role for i in invited)),
        not_a_school_day=not calendar_for(found.school.code, starts.date()).is_school_day(starts.date()),
        deadline=deadline if deadline is not None and starts.date() > deadline else None,
        clash=clash.astimezone(OSLO) if clash is not None else None,
        evaluation_after_days=None if kind is MeetingKind.EVALUERING else evaluation_interval(found.guide),
        invitation_folder=invitation_folder())


def _deadline(session: Session, found: Found, kind: MeetingKind, today: date) -> date | None:
    """The last day the guide gives for the meeting, when it is the case's next step."""
    step = pupil_status(session, found.grant, today).next
    if step is None or step.step is None or step.step.meeting_kind != kind.value or step.due is None:
        return None
    return step.due[1] if isinstance(step.due, tuple) else step.due


def invitees(session: Session, found: Found, kind: MeetingKind, on: date) -> tuple[Invitee, ...]:
    """The people the guide names for this kind of meeting, each once."""
    roles: list[str] = ["contact_teacher", "home"]
    for _stage, step in found.guide.followup.steps():
        if step.meeting_kind == kind.value:
            roles += [r for r in step.responsible if r not in roles]
            break
    pupil = found.pupil
    people: list[Invitee] = []
    for role in roles:
        if role == "contact_teacher":
            teacher = contact_teacher(session, pupil)
            people.append(Invitee(teacher.id if teacher else found.viewer.id, role))
        elif role == "home":
            people += [Invitee(g.id, "home") for _link, g in guardians(session, pupil, on)]
        elif role == "pupil":
            people.append(Invitee(pupil.person_id, role))
        elif role in ("principal", "department_head"):
            leaders = staff_with_role(session, found.school, role)
            people.append(Invitee(leaders[0].id if leaders else None, role))
        else:
            people.append(Invitee(None, role))  # a service or team the school invites itself
    seen, unique = set(), []
    for invitee in people:
        key = invitee.person_id or invitee.role
        if key not in seen:
            seen.add(key)
            unique.append(invitee)
    return tuple(unique)


def evaluation_interval(guide: Guide) -> int | None:
    """Days after which the guide's follow-up path evaluates the measures, if it says."""
    for _stage, step in guide.followup.steps():
        if step.done_by.kind is DoneKind.EVALUATION and step.due is not None:
            return step.due.days
    return None


def render(outcome: Outcome, lang: str) -> MeetingAnswer:
    if isinstance(outcome, TimeMissing):
        return MeetingAnswer(Reply().say(t(
            lang, "When should the {kind} with {name} be? Write a day and a time, for example "
                  "\"sett opp {word} for {name} neste tirsdag kl 10\".",
            kind=t(lang, KIND_NAMES[outcome.kind]), name=outcome.first_name, word=outcome.kind.value)))
    if isinstance(outcome, DayPassed):
        return MeetingAnswer(Reply().say(t(lang, "{day} is in the past. Which day should the meeting be?",
                                           day=format_day(outcome.day, lang))))
    booking = outcome
    kind_name = t(lang, KIND_NAMES[booking.kind])
    invitation = Invitation(
        meeting_id=booking.meeting_id,
        # First name only: an invitation travels by e-mail and calendars; it carries no more than needed.
        summary=f"{kind_name}: {booking.first_name}",
        starts=booking.starts.astimezone(timezone.utc), minutes=booking.minutes, location=booking.place,
        folder=booking.invitation_folder)
    reply = Reply().say(t(lang, "Booked: {kind} for {name}, {moment}, at {place}. Invited: {who}.",
                          kind=kind_name, name=booking.first_name, moment=format_moment(booking.starts, lang),
                          place=booking.place, who=role_names(list(booking.roles), lang)))
    for warning in _warnings(booking, lang):
        reply.say("⚠ " + warning)
    reply.say(t(lang, "Calendar invitation: {path}", path=invitation.path))
    proposed = booking.evaluation_on
    if proposed is not None:
        reply.say(t(lang, "The guide says the measures are evaluated after {n} days: shall I book the evaluation "
                          "meeting {day} at the same time?", n=booking.evaluation_after_days,
                    day=format_day(proposed, lang)),
                  [Button.for_intent(t(lang, "Yes, book it"), "schedule_meeting", pupil=booking.full_name,
                                     meeting_kind="evaluering",
                                     date=f"{proposed.strftime('%d.%m.%Y')} kl {booking.starts:%H.%M}")])
    return MeetingAnswer(reply, invitation, t(lang, "The meeting is booked, but I could not write its calendar "
                                                     "invitation. Please add it to the calendars by hand."))


def _warnings(booking: Booking, lang: str) -> list[str]:
    warnings = []
    if booking.not_a_school_day:
        warnings.append(t(lang, "{day} is not a school day.", day=format_day(booking.starts.date(), lang)))
    if booking.deadline is not None:
        warnings.append(t(lang, "The guide's deadline for this meeting is {day}.",
                          day=format_day(booking.deadline, lang)))
    if booking.clash is not None:
        warnings.append(t(lang, "You already have a meeting at {time}.", time=format_moment(booking.clash, lang)))
    return warnings
