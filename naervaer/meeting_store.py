"""Writing meetings about a pupil, and reading a person's own calendar for clashes.

Booking takes the grant (the viewer must be allowed to schedule meetings for its pupil) and writes
the audit line with the meeting. `MeetingKind` is re-exported for the conversations, which do not
import the models."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.clock import as_utc
from naervaer.access import Grant, Permission, audit
from naervaer.models import AuditAction, Meeting, MeetingKind, MeetingParticipant, MeetingStatus, Person

__all__ = ["MEETING_MINUTES", "Invitee", "MeetingKind", "book_meeting", "clashing_meeting_start"]

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
