"""'Ida er ikke her i dag' — a teacher registers a pupil absent today; the reply says whether the
home has reported, and if not, what the guide asks of the school today."""
from __future__ import annotations

from datetime import datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.absence import AbsenceKind
from naervaer.absence_store import NewAbsence, record_absence
from naervaer.access import Permission, audit
from naervaer.clock import OSLO
from naervaer.conversations.context import Asker
from naervaer.conversations.first_day import REASONS
from naervaer.conversations.pupil_choice import Found, find_pupil
from naervaer.directory import guardians
from naervaer.guides.schema import FirstDayKind
from naervaer.i18n import t
from naervaer.models import AuditAction, Channel, Contact, ContactPurpose, Initiator
from naervaer.replies import Button, Reply


def home_reported_today(session: Session, pupil_id: int, asker: Asker) -> bool:
    start = datetime.combine(asker.today, time(0), tzinfo=OSLO).astimezone(timezone.utc)
    return session.scalar(select(Contact.id).where(
        Contact.pupil_id == pupil_id, Contact.initiated_by == Initiator.HOME, Contact.at >= start,
        Contact.purpose == ContactPurpose.FIRST_DAY).limit(1)) is not None


def register(session: Session, asker: Asker, pupil_name: str | None) -> Reply:
    lang = asker.lang
    # Staff only: the status permission is what separates school staff from the home.
    found = find_pupil(session, asker, pupil_name, Permission.VIEW_STATUS, "register_absent")
    if isinstance(found, Reply):
        return found
    pupil, name = found.pupil, found.pupil.person.given_name
    record, created = record_absence(session, NewAbsence(
        pupil_id=pupil.id, on=asker.today, kind=AbsenceKind.DAY, channel=Channel.CHAT,
        registered_by_id=found.viewer.id))
    if created:
        audit(session, found.viewer, pupil, AuditAction.CREATE, "absence_record", record.id)
    if record.announced_by_home or home_reported_today(session, pupil.id, asker):
        reason = t(lang, REASONS[record.reason]) if record.reason else t(lang, "no reason given")
        return Reply().say(t(lang, "{name} is registered absent today. The home has reported it (reason: {reason}).",
                             name=name, reason=reason))
    return _not_reported(session, found, asker, created)


def _not_reported(session: Session, found: Found, asker: Asker, created: bool) -> Reply:
    lang = asker.lang
    pupil, name = found.pupil, found.pupil.person.given_name
    first = t(lang, "{name} is registered absent today.", name=name) if created else \
        t(lang, "{name} was already registered absent today.", name=name)
    reply = Reply().say(first + " " + t(lang, "The home has not reported the absence."))
    for rule in found.guide.first_day:
        if rule.kind is FirstDayKind.SCHOOL_CONTACTS:
            reply.say(t(lang, "{rule} ({guide}, \"{section}\")", rule=rule.text.get(lang), guide=found.guide.title,
                        section=rule.source.section))
    buttons = []
    for link, guardian in guardians(session, pupil):
        if guardian.phone:
            reply.say(f"{guardian.full_name}: {guardian.phone}")
        payload = (f'/log_contact{{"pupil":"{pupil.person.full_name}","guardian":"{guardian.full_name}",'
                   f'"contact_kind":"phone"}}')
        buttons.append(Button(t(lang, "Log a call to {name}", name=guardian.given_name), payload))
    if buttons:
        reply.say(t(lang, "When you have called, log it:"), buttons)
    return reply
