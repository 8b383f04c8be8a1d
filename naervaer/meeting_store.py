"""Writing meetings about a pupil, and reading the calendars a new meeting could clash with (the
booker's and the staff invited, and the pupil's own meetings).

Booking takes the grant (the viewer must be allowed to schedule meetings for its pupil) and writes
the audit line with the meeting. `MeetingKind` is re-exported for the conversations, which do not
import the models."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from naervaer.clock import as_utc
from naervaer.access import Grant, Permission, audit
from naervaer.models import AuditAction, Meeting, MeetingKind, MeetingParticipant, MeetingStatus, Person

__all__ = ["MEETING_MINUTES", "Busy", "Invitee", "MeetingKind", "book_meeting", "clashing_meeting_start",
           "overlapping_meetings"]

MEETING_MINUTES = 45


@dataclass(frozen=True)
class Invitee:
    person_id: int | None  # None: a service or team the school invites itself
    role: str              # as the guide names it: contact_teacher, home, pupil, ppt, ...


def book_meeting(session: Session, grant: Grant, kind: MeetingKind, starts: datetime, place: str,
                 invitees: Iterable[Invitee], minutes: int = MEETING_MINUTES) -> int:
    """A planned meeting about the grant's pupil, booked by its viewer; the new meeting's id."""
    pupil = grant.pupil_for(Permission.SCHEDULE_MEETING)
    meeting = Meeting(pupil_id=pupil.id, kind=kind, starts_at=starts.astimezone(timezone.utc), minutes=minutes,
                      place=place, status=MeetingStatus.PLANNED,
                      created_by_id=grant.viewer.id if grant.viewer else None)
    meeting.participants = [MeetingParticipant(person_id=i.person_id, role=i.role) for i in invitees]
    session.add(meeting)
    session.flush()
    audit(session, grant.viewer, pupil, AuditAction.CREATE, "meeting", meeting.id)
    return meeting.id


def clashing_meeting_start(session: Session, person: Person, starts: datetime,
                           minutes: int = MEETING_MINUTES) -> datetime | None:
    """When one of the person's own planned meetings starts less than `minutes` from `starts` (UTC)."""
    window = timedelta(minutes=minutes)
    found = session.scalars(
        select(Meeting.starts_at).join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id).where(
            MeetingParticipant.person_id == person.id, Meeting.status == MeetingStatus.PLANNED,
            Meeting.starts_at > (starts - window).astimezone(timezone.utc),
            Meeting.starts_at < (starts + window).astimezone(timezone.utc))).first()
    return None if found is None else as_utc(found)


@dataclass(frozen=True)
class Busy:
    """A planned meeting that overlaps a new one: when, what, and whose calendar it is in."""

    starts: datetime               # UTC
    minutes: int
    kind: MeetingKind
    about_pupil: bool              # a meeting about the same pupil
    people: frozenset[int]         # which of the people asked about take part in it

    @property
    def ends(self) -> datetime:
        return self.starts + timedelta(minutes=self.minutes)


def overlapping_meetings(session: Session, grant: Grant, starts: datetime, person_ids: Collection[int],
                         minutes: int = MEETING_MINUTES) -> list[Busy]:
    """The planned meetings overlapping [starts, starts + minutes): about the grant's pupil, or with any of
    `person_ids` (the booker and the staff invited) taking part. Only times and kinds come back: who the
    other meetings are about stays out of the answer."""
    pupil = grant.pupil_for(Permission.SCHEDULE_MEETING)
    begin = starts.astimezone(timezone.utc)
    end = begin + timedelta(minutes=minutes)
    wanted = set(person_ids)
    with_people = select(MeetingParticipant.meeting_id).where(MeetingParticipant.person_id.in_(wanted))
    rows = session.execute(
        select(Meeting.id, Meeting.starts_at, Meeting.minutes, Meeting.kind, Meeting.pupil_id)
        .where(Meeting.status == MeetingStatus.PLANNED,
               Meeting.starts_at > begin - timedelta(days=1), Meeting.starts_at < end,  # no meeting lasts a day
               or_(Meeting.pupil_id == pupil.id, Meeting.id.in_(with_people)))
        .order_by(Meeting.starts_at, Meeting.id)).all()
    found = []
    for meeting_id, at, length, kind, pupil_id in rows:
        other_start = as_utc(at)
        if other_start + timedelta(minutes=length or MEETING_MINUTES) <= begin:
            continue
        people = frozenset(session.scalars(select(MeetingParticipant.person_id).where(
            MeetingParticipant.meeting_id == meeting_id, MeetingParticipant.person_id.in_(wanted))))
        found.append(Busy(other_start, length or MEETING_MINUTES, MeetingKind(kind), pupil_id == pupil.id, people))
    return found
