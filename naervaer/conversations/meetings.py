"""'Sett opp nærværsmøte for Ida neste tirsdag kl 10' — a meeting with the participants the guide
names, warnings (deadline, school day), an iCalendar invitation and the proposed evaluation meeting
inside the guide's window, in the guide's own words.

What is never booked: a meeting without a time, on a day gone by or at an hour already past today
(refused, with a proposal), and a meeting at the same time as another one of the booker's, of a
teacher invited, or about the same pupil: that is asked about first ("book it anyway", or a free
time), and booked only when confirmed.

`read_request` parses the message, `decide` checks it, books the meeting and says what happened
(`Booking`, or why not), `render` words that and the invitation; the invitation file is written by
`MeetingAnswer.full_reply` once the booking is committed."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from naervaer import clock
from naervaer.absence import SchoolLevel
from naervaer.access import Permission
from naervaer.case_status import pupil_status
from naervaer.clock import OSLO
from naervaer.conversations.context import Asker
from naervaer.conversations.pupil_choice import Found, find_pupil
from naervaer.conversations.pupil_status import role_names
from naervaer.dates import parse_moment
from naervaer.directory import contact_teacher, home_side, person_by_id, staff_with_role
from naervaer.guides.schema import DoneKind, Guide, Localized, Step
from naervaer.i18n import N_, format_day, format_moment, t
from naervaer.invitations import Invitation, invitation_folder
from naervaer.meeting_store import (
    MEETING_MINUTES,
    Invitee,
    MeetingKind,
    book_meeting,
    overlapping_meetings,
)
from naervaer.replies import Button, Message, Reply
from naervaer.rules.nextstep import NextStep
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
# "… likevel": book even though it clashes with another meeting (the word the confirming button adds).
CONFIRM_WORD = "likevel"
_CONFIRM = re.compile(r"\b(likevel|uansett|anyway)\b", re.IGNORECASE)
# Roles a guide names that are nobody to invite: the school itself (the booker and the staff stand for
# it), and whoever holds the concern (the booker).
_NOT_INVITED = {"school", "concern_owner"}
_STAFF_ROLES = {"contact_teacher", "principal", "department_head", "resource_team", "absence_officer"}
LATEST_PROPOSED_START = time(16, 0)  # a free time proposed later the same day starts within school hours


@dataclass(frozen=True)
class MeetingRequest:
    kind: MeetingKind
    starts: datetime | None  # Oslo time; None when the message has no day and time
    confirmed: bool = False  # "likevel": book it even though it clashes with another meeting


@dataclass(frozen=True)
class TimeMissing:
    kind: MeetingKind
    first_name: str


@dataclass(frozen=True)
class DayPassed:
    day: date


@dataclass(frozen=True)
class HourPassed:
    """Today, at an hour already gone: nothing is booked; the same time on the next school day is proposed."""

    kind: MeetingKind
    first_name: str
    starts: datetime                 # Oslo time, as asked
    now: datetime                    # Oslo time
    full_name: str = ""
    proposed: datetime | None = None  # Oslo time, free for the booker, the teachers invited and the pupil


@dataclass(frozen=True)
class AskClash:
    """Another planned meeting at that time: nothing is booked until the booker confirms or picks another time."""

    kind: MeetingKind
    first_name: str
    full_name: str
    starts: datetime                # Oslo time, as asked
    clashes: tuple[Clash, ...]
    proposed: datetime | None       # Oslo time: the first free time after the clashes


@dataclass(frozen=True)
class Clash:
    starts: datetime       # Oslo time
    ends: datetime         # Oslo time
    kind: MeetingKind
    about_pupil: bool      # a meeting about the same pupil
    yours: bool            # the booker takes part in it
    teacher: str | None    # else the full name of the teacher invited who takes part in it


@dataclass(frozen=True)
class EvaluationProposal:
    """The guide's evaluation of the measures, after this meeting: its words, its window, a day inside it."""

    says: Localized | None   # the guide's own words for when ("etter 2–4 uker"), where the data has them
    step_text: Localized     # the step, in our words of the guide (said when `says` is missing)
    guide: str
    section: str
    earliest: date
    latest: date
    proposed: date


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
    evaluation: EvaluationProposal | None  # the evaluation meeting to propose, inside the guide's window
    invitation_folder: Path

    @property
    def evaluation_on(self) -> date | None:
        return None if self.evaluation is None else self.evaluation.proposed


Outcome = TimeMissing | DayPassed | HourPassed | AskClash | Booking


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
            messages = [m if m.attachment != path else Message(text=self.not_written) for m in self.reply.messages]
            return Reply(messages=messages, slots=dict(self.reply.slots))
        return self.reply


def schedule(session: Session, asker: Asker, pupil_name: str | None, kind_text: str | None,
             when_text: str, *, text: str = "", now: datetime | None = None) -> MeetingAnswer:
    """Book a meeting; `text` is the whole message (a "likevel" in it confirms a clash), `now` the moment
    asked (the school's clock by default)."""
    found = find_pupil(session, asker, pupil_name, Permission.SCHEDULE_MEETING, "schedule_meeting")
    if isinstance(found, Reply):
        return MeetingAnswer(found)
    request = read_request(kind_text, when_text, asker.today)
    if request.starts is None and text and not text.startswith("/"):
        # The NLU may pick the day and miss the clock time ("… neste tirsdag kl 10"): read the whole message.
        request = replace(read_request(kind_text, text, asker.today), confirmed=request.confirmed)
    if not request.confirmed and _CONFIRM.search(text or ""):
        request = replace(request, confirmed=True)
    return render(decide(session, found, request, asker.today, now), asker.lang)


def current_moment(today: date) -> datetime:
    """Now on the school's clock, on the asker's day (a day pinned for a demo keeps the hour running)."""
    moment = clock.now()
    return moment if moment.date() == today else datetime.combine(today, moment.time(), tzinfo=OSLO)


def read_request(kind_text: str | None, when_text: str | None, today: date) -> MeetingRequest:
    """The kind of meeting (a conversation with pupil and home unless named) and when, from the message."""
    kind = KIND_WORDS.get((kind_text or "").strip().lower(), MeetingKind.SAMTALE)
    confirmed = bool(_CONFIRM.search(when_text or ""))
    moment = parse_moment(_CONFIRM.sub(" ", when_text or ""), today)
    if moment is None:
        return MeetingRequest(kind, None, confirmed)
    # Through UTC and back: an hour the spring change skips (02.30 on 29 March) becomes the hour it is.
    starts = moment.replace(tzinfo=OSLO).astimezone(timezone.utc).astimezone(OSLO)
    return MeetingRequest(kind, starts, confirmed)


def refusal(request: MeetingRequest, first_name: str, today: date,
            now: datetime | None = None) -> TimeMissing | DayPassed | HourPassed | None:
    """Why the request cannot be booked as it stands, if it cannot: no time, a day gone by, or an hour
    already past today (`now`, the school's clock by default)."""
    if request.starts is None:
        return TimeMissing(request.kind, first_name)
    if request.starts.date() < today:
        return DayPassed(request.starts.date())
    now = now or current_moment(today)
    if request.starts <= now:
        return HourPassed(request.kind, first_name, request.starts, now.astimezone(OSLO))
    return None


def decide(session: Session, found: Found, request: MeetingRequest, today: date,
           now: datetime | None = None) -> Outcome:
    """Book the requested meeting, with what the booker should be warned about, or say why not."""
    pupil = found.grant.pupil_for(Permission.SCHEDULE_MEETING)
    refused = refusal(request, pupil.person.given_name, today, now)
    if isinstance(refused, HourPassed):
        invited = invitees(session, found, request.kind, today)
        nxt = _next_school_day(found.school.code, refused.starts.date(), refused.starts.time())
        return replace(refused, full_name=pupil.person.full_name, proposed=_free_moment(session, found, invited, nxt))
    if refused is not None:
        return refused
    starts, kind = request.starts, request.kind
    next_step = pupil_status(session, found.grant, today).next
    step = meeting_step(found, kind, next_step)
    invited = invitees(session, found, kind, today, step)
    if not request.confirmed:
        clashes = _clashes(session, found, invited, starts)
        if clashes:
            return AskClash(kind, pupil.person.given_name, pupil.person.full_name, starts, clashes,
                            _free_moment(session, found, invited, starts))
    deadline = _deadline(kind, next_step)
    meeting_id = book_meeting(session, found.grant, kind, starts, found.school.name, invited)
    return Booking(
        meeting_id=meeting_id, kind=kind, first_name=pupil.person.given_name, full_name=pupil.person.full_name,
        starts=starts, minutes=MEETING_MINUTES, place=found.school.name,
        roles=tuple(dict.fromkeys(i.role for i in invited)),
        not_a_school_day=not calendar_for(found.school.code, starts.date()).is_school_day(starts.date()),
        deadline=deadline if deadline is not None and starts.date() > deadline else None,
        evaluation=None if kind is MeetingKind.EVALUERING else evaluation_proposal(found, starts.date()),
        invitation_folder=invitation_folder())


def _deadline(kind: MeetingKind, step: NextStep | None) -> date | None:
    """The last day the guide gives for the meeting, when it is the case's next step."""
    if step is None or step.step is None or step.step.meeting_kind != kind.value or step.due is None:
        return None
    return step.due[1] if isinstance(step.due, tuple) else step.due


def meeting_step(found: Found, kind: MeetingKind, next_step: NextStep | None = None) -> Step | None:
    """The guide's step for this kind of meeting: the case's next step when it is one, else the first
    step of that kind on the path of the pupil's school level."""
    if next_step is not None and next_step.step is not None and next_step.step.meeting_kind == kind.value:
        return next_step.step
    for _stage, step in found.guide.followup.steps(found.pupil.class_group.level):
        if step.meeting_kind == kind.value:
            return step
    return None


def invitees(session: Session, found: Found, kind: MeetingKind, on: date,
             step: Step | None = None) -> tuple[Invitee, ...]:
    """The people the guide names for this kind of meeting, each once, and the booker.

    With the step's `participants` (the guide names who takes part): those and the step's responsible.
    Where the guide names nobody: the contact teacher, the home and the responsible. The home is
    `directory.home_side`: the guardians who act for the pupil, or a pupil of 18 or over themselves."""
    if step is None:
        step = meeting_step(found, kind)
    if step is not None and step.participants:
        roles = list(dict.fromkeys([*step.participants, *step.responsible]))
    else:
        roles = list(dict.fromkeys(["contact_teacher", "home", *(step.responsible if step else [])]))
    pupil = found.pupil
    home = home_side(session, pupil, on)
    people: list[Invitee] = []
    for role in roles:
        if role in _NOT_INVITED:
            continue
        if role == "contact_teacher":
            teacher = contact_teacher(session, pupil)
            people.append(Invitee(teacher.id if teacher else found.viewer.id, role))
        elif role == "home":
            people += [Invitee(person.id, home.role) for person in home.people]
        elif role == "pupil":
            people.append(Invitee(pupil.person_id, role))
        elif role in ("principal", "department_head"):
            leaders = staff_with_role(session, found.school, role)
            people.append(Invitee(leaders[0].id if leaders else None, role))
        else:
            people.append(Invitee(None, role))  # a service or team the school invites itself
    if all(invitee.person_id != found.viewer.id for invitee in people):
        people.append(Invitee(found.viewer.id, _booker_role(session, found)))
    seen, unique = set(), []
    for invitee in people:
        key = invitee.person_id or invitee.role
        if key not in seen:
            seen.add(key)
            unique.append(invitee)
    return tuple(unique)


def _booker_role(session: Session, found: Found) -> str:
    """The booker's own role about the pupil, when the guide's list does not hold them."""
    if "contact_teacher" in found.grant.relations:
        return "contact_teacher"
    for role in ("principal", "department_head", "resource_team", "absence_officer"):
        if any(person.id == found.viewer.id for person in staff_with_role(session, found.school, role)):
            return role
    return "contact_teacher"


def _clashes(session: Session, found: Found, invited: tuple[Invitee, ...], starts: datetime) -> tuple[Clash, ...]:
    """The planned meetings at that time of the booker, of the teachers invited, and about the pupil."""
    teachers = {i.person_id for i in invited if i.person_id is not None and i.role in _STAFF_ROLES}
    teachers.add(found.viewer.id)
    clashes = []
    for busy in overlapping_meetings(session, found.grant, starts, teachers):
        others = sorted(p for p in busy.people if p != found.viewer.id)
        teacher = person_by_id(session, others[0]) if others else None
        clashes.append(Clash(
            starts=busy.starts.astimezone(OSLO), ends=busy.ends.astimezone(OSLO), kind=busy.kind,
            about_pupil=busy.about_pupil, yours=found.viewer.id in busy.people,
            teacher=teacher.full_name if teacher is not None else None))
    return tuple(clashes)


def _next_school_day(school_code: str, day: date, at: time) -> datetime:
    """`at` o'clock on the first school day after `day` (Oslo time)."""
    for _ in range(60):
        day += timedelta(days=1)
        if calendar_for(school_code, day).is_school_day(day):
            break
    return _oslo(day, at)


def _oslo(day: date, at: time) -> datetime:
    """`at` o'clock on `day` in Oslo (through UTC, so an hour the spring change skips becomes the hour it is)."""
    return datetime.combine(day, at, tzinfo=OSLO).astimezone(timezone.utc).astimezone(OSLO)


def _free_moment(session: Session, found: Found, invited: tuple[Invitee, ...], start: datetime) -> datetime | None:
    """The first time from `start` on when neither the booker, the teachers invited nor the pupil is in
    another meeting: later the same day in quarter hours (starting by 16.00, or by the hour asked if
    later), else from the same hour on the next school days."""
    latest = max(LATEST_PROPOSED_START, start.time())
    candidate = start
    for _ in range(200):
        clashes = _clashes(session, found, invited, candidate)
        if not clashes:
            return candidate
        later = _round_up(max(max(c.ends for c in clashes), candidate + timedelta(minutes=15)))
        if later.date() == candidate.date() and later.time() <= latest:
            candidate = later
        else:
            candidate = _next_school_day(found.school.code, candidate.date(), start.time())
    return None


def _round_up(moment: datetime) -> datetime:
    """Up to the next quarter hour (Oslo time)."""
    moment = moment.astimezone(OSLO).replace(second=0, microsecond=0)
    return _oslo(moment.date(), moment.time()) + timedelta(minutes=(-moment.minute) % 15)


def evaluation_step(guide: Guide, level: SchoolLevel | None = None) -> Step | None:
    """The guide's evaluation of the measures, when it gives a time for it."""
    for _stage, step in guide.followup.steps(level):
        if step.done_by.kind is DoneKind.EVALUATION and step.due is not None:
            return step
    return None


def evaluation_interval(guide: Guide) -> int | None:
    """Days after which the guide's follow-up path evaluates the measures at the latest, if it says."""
    step = evaluation_step(guide)
    return step.due.days if step is not None else None


def evaluation_proposal(found: Found, meeting_day: date) -> EvaluationProposal | None:
    """The evaluation the guide asks for after this meeting: its window counted from the meeting day, and
    the first school day inside it (the earliest day when the window holds none)."""
    step = evaluation_step(found.guide, found.pupil.class_group.level)
    if step is None:
        return None
    due = step.due
    earliest = _add_days(found.school.code, meeting_day, due.min_days if due.min_days is not None else due.days,
                         due.school_days)
    latest = _add_days(found.school.code, meeting_day, due.days, due.school_days)
    proposed = next((earliest + timedelta(days=i) for i in range((latest - earliest).days + 1)
                     if calendar_for(found.school.code, earliest + timedelta(days=i))
                     .is_school_day(earliest + timedelta(days=i))), earliest)
    return EvaluationProposal(getattr(due, "says", None), step.text, found.guide.title, step.source.section,
                              earliest, latest, proposed)


def _add_days(school_code: str, day: date, days: int, school_days: bool) -> date:
    if not school_days:
        return day + timedelta(days=days)
    left = days
    while left:
        day += timedelta(days=1)
        if calendar_for(school_code, day).is_school_day(day):
            left -= 1
    return day


def _when(moment: datetime) -> str:
    """A day and time the booker's buttons send back, in the form `parse_moment` reads."""
    return f"{moment.strftime('%d.%m.%Y')} kl {moment:%H.%M}"


def render(outcome: Outcome, lang: str) -> MeetingAnswer:
    if isinstance(outcome, TimeMissing):
        return MeetingAnswer(Reply().say(t(
            lang, "When should the {kind} with {name} be? Write a day and a time, for example "
                  "\"sett opp {word} for {name} neste tirsdag kl 10\".",
            kind=t(lang, KIND_NAMES[outcome.kind]), name=outcome.first_name, word=outcome.kind.value)))
    if isinstance(outcome, DayPassed):
        return MeetingAnswer(Reply().say(t(lang, "{day} is in the past. Which day should the meeting be?",
                                           day=format_day(outcome.day, lang))))
    if isinstance(outcome, HourPassed):
        return MeetingAnswer(_render_hour_passed(outcome, lang))
    if isinstance(outcome, AskClash):
        return MeetingAnswer(_render_clash(outcome, lang))
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
    reply.messages.append(Message(text=t(lang, "The calendar invitation to the meeting:"),
                                  attachment=str(invitation.path)))
    proposal = booking.evaluation
    if proposal is not None:
        reply.say(_evaluation_text(proposal, lang), [Button.for_intent(
            t(lang, "Yes, book it"), "schedule_meeting", pupil=booking.full_name, meeting_kind="evaluering",
            date=_when(datetime.combine(proposal.proposed, booking.starts.time())))])
    return MeetingAnswer(reply, invitation, t(lang, "The meeting is booked, but I could not write its calendar "
                                                     "invitation. Please add it to the calendars by hand."))


def _evaluation_text(proposal: EvaluationProposal, lang: str) -> str:
    """The guide's words for when the measures are evaluated, its window from this meeting, and the day proposed."""
    source = t(lang, "({guide}, \"{section}\")", guide=proposal.guide, section=proposal.section)
    if proposal.says is not None:
        said = t(lang, "The guide evaluates the measures {says} {source}.", says=proposal.says.get(lang), source=source)
    else:
        said = t(lang, "The guide: \"{text}\" {source}.", text=proposal.step_text.get(lang).rstrip("."), source=source)
    day = format_day(proposal.proposed, lang)
    if proposal.earliest == proposal.latest:
        ask = t(lang, "Shall I book the evaluation meeting {day} at the same time?", day=day)
    else:
        ask = t(lang, "Counted from this meeting, that is between {first} and {last}. Shall I book the evaluation "
                      "meeting {day} at the same time?", first=format_day(proposal.earliest, lang),
                last=format_day(proposal.latest, lang), day=day)
    return said + " " + ask


def _render_hour_passed(outcome: HourPassed, lang: str) -> Reply:
    reply = Reply()
    text = t(lang, "{moment} has already passed (it is now {now}), so I have booked nothing.",
             moment=format_moment(outcome.starts, lang), now=format_moment(outcome.now, lang))
    if outcome.proposed is None:
        return reply.say(text + " " + t(lang, "Which day and time should the meeting be?"))
    return reply.say(
        text + " " + t(lang, "Shall I book the {kind} for {name} {moment} instead? Or write another time.",
                       kind=t(lang, KIND_NAMES[outcome.kind]), name=outcome.first_name,
                       moment=format_moment(outcome.proposed, lang)),
        [Button.for_intent(format_moment(outcome.proposed, lang), "schedule_meeting", pupil=outcome.full_name,
                           meeting_kind=outcome.kind.value, date=_when(outcome.proposed))])


def _render_clash(outcome: AskClash, lang: str) -> Reply:
    lines = []
    for clash in outcome.clashes:
        at = format_moment(clash.starts, lang)
        if clash.about_pupil:
            lines.append(t(lang, "{name} already has a {kind} {moment}.", name=outcome.first_name,
                           kind=t(lang, KIND_NAMES[clash.kind]), moment=at))
        elif clash.yours:
            lines.append(t(lang, "You already have a meeting {moment}.", moment=at))
        else:
            lines.append(t(lang, "{teacher} already has a meeting {moment}.", teacher=clash.teacher or "?", moment=at))
    kind = t(lang, KIND_NAMES[outcome.kind])
    question = t(lang, "Shall I book the {kind} for {name} {moment} all the same, or at another time? "
                       "I have booked nothing yet.", kind=kind, name=outcome.first_name,
                 moment=format_moment(outcome.starts, lang))
    buttons = [Button.for_intent(t(lang, "Book it all the same"), "schedule_meeting", pupil=outcome.full_name,
                                 meeting_kind=outcome.kind.value, date=f"{_when(outcome.starts)} {CONFIRM_WORD}")]
    if outcome.proposed is not None:
        buttons.append(Button.for_intent(format_moment(outcome.proposed, lang), "schedule_meeting",
                                         pupil=outcome.full_name, meeting_kind=outcome.kind.value,
                                         date=_when(outcome.proposed)))
    return Reply().say(" ".join(lines) + " " + question, buttons)


def _warnings(booking: Booking, lang: str) -> list[str]:
    warnings = []
    if booking.not_a_school_day:
        warnings.append(t(lang, "{day} is not a school day.", day=format_day(booking.starts.date(), lang)))
    if booking.deadline is not None:
        warnings.append(t(lang, "The guide's deadline for this meeting is {day}.",
                          day=format_day(booking.deadline, lang)))
    return warnings
