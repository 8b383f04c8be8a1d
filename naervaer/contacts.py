"""Contacts between the school and the home: written and read for a grant's pupil only, as its viewer.

The conversations name how a contact was made and with whom by the enums exported here, so they need
not reach into the models."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.access import Grant, Permission, audit
from naervaer.clock import now_utc, start_of_day
from naervaer.models import AuditAction, Channel, Contact, ContactMethod, ContactPurpose, GuardianRelation, Initiator

if TYPE_CHECKING:
    from naervaer.models import Person

__all__ = ["ContactMethod", "GuardianRelation", "home_reported_first_day", "record_first_day_contact",
           "record_follow_up"]


def _add(session: Session, grant: Grant, contact: Contact) -> int:
    session.add(contact)
    session.flush()
    audit(session, grant.viewer, grant.pupil, AuditAction.CREATE, "contact", contact.id)
    return contact.id


def record_first_day_contact(session: Session, grant: Grant) -> int:
    """The home's first-day report, logged as a contact from the home (a message, in the chat) now on the
    school's clock (pinned in demos and tests, like the day the report is for); its id."""
    pupil = grant.pupil_for(Permission.REPORT_ABSENCE)
    viewer = grant.viewer
    return _add(session, grant, Contact(
        pupil_id=pupil.id, guardian_id=None if viewer.id == pupil.person_id else viewer.id,  # an adult pupil's own
        at=now_utc(), method=ContactMethod.MESSAGE, initiated_by=Initiator.HOME,
        purpose=ContactPurpose.FIRST_DAY, reached=True, registered_by_id=viewer.id, channel=Channel.CHAT))


def record_follow_up(session: Session, grant: Grant, *, guardian: Person | None, at: datetime,
                     method: ContactMethod, from_home: bool, reached: bool) -> int:
    """A contact of the grant's viewer (staff) with the home about the pupil (`guardian` None: the home as
    a whole); its id."""
    pupil = grant.pupil_for(Permission.LOG_CONTACT)
    return _add(session, grant, Contact(
        pupil_id=pupil.id, staff_id=grant.viewer.id, guardian_id=guardian.id if guardian else None,
        at=at.astimezone(timezone.utc), method=method, initiated_by=Initiator.HOME if from_home else Initiator.SCHOOL,
        purpose=ContactPurpose.FOLLOW_UP, reached=reached, registered_by_id=grant.viewer.id, channel=Channel.CHAT))


def home_reported_first_day(session: Session, grant: Grant, on: date) -> bool:
    """Whether the home has made a first-day report about the grant's pupil on the (Oslo) day `on`."""
    pupil = grant.pupil_for(Permission.VIEW_STATUS)
    return session.scalar(select(Contact.id).where(
        Contact.pupil_id == pupil.id, Contact.initiated_by == Initiator.HOME, Contact.at >= start_of_day(on),
        Contact.purpose == ContactPurpose.FIRST_DAY).limit(1)) is not None
