"""'Jeg ringte mora til Ida i dag, fikk ikke svar' — every contact with the home is logged:
who, with which guardian, when, how, who took the initiative, and whether they were reached."""
from __future__ import annotations

import re
from datetime import datetime, time, timezone

from sqlalchemy.orm import Session

from naervaer.access import Permission, audit
from naervaer.case_status import pupil_status
from naervaer.clock import OSLO, now
from naervaer.conversations.context import Asker
from naervaer.conversations.pupil_choice import find_pupil
from naervaer.directory import guardians as guardians_of_pupil
from naervaer.dates import parse_days
from naervaer.i18n import N_, format_day, t
from naervaer.models import AuditAction, Channel, Contact, ContactMethod, ContactPurpose, GuardianRelation, Initiator
from naervaer.replies import Button, Reply

# Words for "did not get hold of them": a short list, because logging "reached" wrongly would
# tick off a guide step that has not happened. When in doubt the teacher is asked.
NOT_REACHED = re.compile(r"\b(ikke svar|ikkje svar|ingen svar|fikk ikke tak|fekk ikkje tak|svarte ikke|svara ikkje|"
                         r"svarte ikkje|no answer|didn'?t answer|did not answer|not reached|couldn'?t reach|"
                         r"la igjen beskjed|la att beskjed|left a message|talepost|voicemail)\b")
REACHED = re.compile(r"\b(snakket med|snakka med|fikk tak|fekk tak|spoke to|talked to|reached|svarte|svara)\b")
FROM_HOME = re.compile(r"\b(ringte meg|ringde meg|tok kontakt med meg|called me|phoned me|rang meg)\b")

RELATION_WORDS = {
    "mother": GuardianRelation.MOTHER, "mor": GuardianRelation.MOTHER, "mora": GuardianRelation.MOTHER,
    "moren": GuardianRelation.MOTHER, "mamma": GuardianRelation.MOTHER, "mum": GuardianRelation.MOTHER,
    "mom": GuardianRelation.MOTHER, "father": GuardianRelation.FATHER, "far": GuardianRelation.FATHER,
    "faren": GuardianRelation.FATHER, "faren til": GuardianRelation.FATHER, "pappa": GuardianRelation.FATHER,
    "dad": GuardianRelation.FATHER,
}
METHODS = {"phone": ContactMethod.PHONE, "meeting": ContactMethod.MEETING, "message": ContactMethod.MESSAGE}
METHOD_NAMES = {ContactMethod.PHONE: N_("phone call"), ContactMethod.MEETING: N_("meeting"),
                ContactMethod.MESSAGE: N_("message")}


def reached_from(text: str) -> bool | None:
    lowered = text.lower()
    if NOT_REACHED.search(lowered):
        return False
    if REACHED.search(lowered):
        return True
    return None


def log(session: Session, asker: Asker, pupil_name: str | None, text: str, *, guardian_hint: str | None = None,
        contact_kind: str | None = None, reached: str | None = None, date_text: str | None = None) -> Reply:
    lang = asker.lang
    found = find_pupil(session, asker, pupil_name, Permission.LOG_CONTACT, "log_contact")
    if isinstance(found, Reply):
        return found
    pupil = found.pupil
    guardians = guardians_of_pupil(session, pupil)
    hint = (guardian_hint or "").strip().lower()
    chosen = [g for link, g in guardians if hint and (RELATION_WORDS.get(hint) == link.relation
                                                       or hint in g.full_name.lower())]
    if not chosen and len(guardians) == 1:
        chosen = [guardians[0][1]]
    was_reached = {"yes": True, "no": False}.get(reached or "", None)
    if was_reached is None:
        was_reached = reached_from(text)
    method = METHODS.get(contact_kind or "phone", ContactMethod.PHONE)
    base = {"pupil": pupil.person.full_name, "contact_kind": method.value}
    if len(chosen) != 1 and guardians:
        return Reply().say(t(lang, "Which guardian did you contact?"), [
            Button(g.full_name, _payload({**base, "guardian": g.full_name, **_reached(was_reached)}))
            for _link, g in guardians])
    if was_reached is None:
        who = {"guardian": chosen[0].full_name} if chosen else {}
        return Reply().say(t(lang, "Did you reach them?"), [
            Button(t(lang, "Yes"), _payload({**base, **who, "reached": "yes"})),
            Button(t(lang, "No answer"), _payload({**base, **who, "reached": "no"}))])

    days = parse_days(date_text, asker.today) if date_text else []
    at = datetime.combine(days[0], time(12), tzinfo=OSLO) if days and days[0] != asker.today else now()
    contact = Contact(pupil_id=pupil.id, staff_id=found.viewer.id, guardian_id=chosen[0].id if chosen else None,
                      at=at.astimezone(timezone.utc), method=method,
                      initiated_by=Initiator.HOME if FROM_HOME.search(text.lower()) else Initiator.SCHOOL,
                      purpose=ContactPurpose.FOLLOW_UP, reached=was_reached, registered_by_id=found.viewer.id,
                      channel=Channel.CHAT)
    session.add(contact)
    session.flush()
    audit(session, found.viewer, pupil, AuditAction.CREATE, "contact", contact.id)
    summary = t(lang, "Logged: {method} with {guardian} about {pupil}, {day}, {outcome}.",
                method=t(lang, METHOD_NAMES[method]), guardian=chosen[0].full_name if chosen else t(lang, "the home"),
                pupil=pupil.person.given_name, day=format_day(at.date(), lang),
                outcome=t(lang, "reached") if was_reached else t(lang, "not reached"))
    reply = Reply().say(summary)
    status = pupil_status(session, found.grant, asker.today)
    if status.next is not None and status.next.step is not None:
        reply.say(t(lang, "Next step: {text}", text=status.next.step.text.get(lang)))
    if not was_reached:
        reply.say(t(lang, "Try again later today; the guide expects the school to reach the home."))
    return reply


def _reached(value: bool | None) -> dict:
    return {} if value is None else {"reached": "yes" if value else "no"}


def _payload(entities: dict) -> str:
    body = ",".join(f'"{k}":"{v}"' for k, v in entities.items())
    return f"/log_contact{{{body}}}"
