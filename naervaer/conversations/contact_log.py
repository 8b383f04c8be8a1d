"""'Jeg ringte mora til Ida i dag, fikk ikke svar' — every contact with the home is logged:
who, with which guardian, when, how, who took the initiative, and whether they were reached.

Compute, then word: `decide_log` logs the contact, or says what is still to ask (which guardian,
whether they were reached); `render_log` words it, with buttons that carry what is known so far."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from naervaer.access import Permission
from naervaer.case_status import pupil_status
from naervaer.clock import OSLO, now
from naervaer.contacts import ContactMethod, GuardianRelation, record_follow_up
from naervaer.conversations.context import Asker
from naervaer.conversations.pupil_choice import NoPupil, choose_pupil, render_no_pupil
from naervaer.dates import parse_days
from naervaer.directory import guardians as guardians_of_pupil
from naervaer.guides.schema import Localized
from naervaer.i18n import N_, format_day, t
from naervaer.replies import Button, Reply

INTENT = "log_contact"

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


@dataclass(frozen=True)
class AskGuardian:
    """Which of the pupil's guardians was it?"""

    pupil: str                  # full name
    method: ContactMethod
    guardians: tuple[str, ...]  # full names
    reached: bool | None


@dataclass(frozen=True)
class AskReached:
    """Did the teacher reach them?"""

    pupil: str                  # full name
    method: ContactMethod
    guardian: str | None        # full name; None: no guardian is registered


@dataclass(frozen=True)
class Logged:
    method: ContactMethod
    guardian: str | None        # full name; None: the home
    pupil: str                  # given name
    day: date
    reached: bool
    next_step: Localized | None  # the guide's next step, with this contact counted


def _moment(day: date) -> datetime:
    """When a contact on the Oslo day `day` happened: now, on the school's clock, if that is the day (a call at
    00:30 is that day's), else noon of that day (a call "i går" has no hour)."""
    current = now()
    return current if current.date() == day else datetime.combine(day, time(12), tzinfo=OSLO)


def decide_log(session: Session, asker: Asker, pupil_name: str | None, text: str, *,
               guardian_hint: str | None = None, contact_kind: str | None = None, reached: str | None = None,
               date_text: str | None = None) -> AskGuardian | AskReached | Logged | NoPupil:
    found = choose_pupil(session, asker, pupil_name, Permission.LOG_CONTACT)
    if isinstance(found, NoPupil):
        return found
    pupil = found.pupil
    guardians = guardians_of_pupil(session, pupil, asker.today)
    hint = (guardian_hint or "").strip().lower()
    chosen = [g for link, g in guardians if hint and (RELATION_WORDS.get(hint) == link.relation
                                                       or hint in g.full_name.lower())]
    if not chosen and len(guardians) == 1:
        chosen = [guardians[0][1]]
    was_reached = {"yes": True, "no": False}.get(reached or "", None)
    if was_reached is None:
        was_reached = reached_from(text)
    method = METHODS.get(contact_kind or "phone", ContactMethod.PHONE)
    if len(chosen) != 1 and guardians:
        return AskGuardian(pupil.person.full_name, method, tuple(g.full_name for _link, g in guardians), was_reached)
    guardian = chosen[0] if chosen else None
    if was_reached is None:
        return AskReached(pupil.person.full_name, method, guardian.full_name if guardian else None)

    days = parse_days(date_text, asker.today) if date_text else []
    at = _moment(days[0] if days else asker.today)
    record_follow_up(session, found.grant, guardian=guardian, at=at, method=method,
                     from_home=bool(FROM_HOME.search(text.lower())), reached=was_reached)
    status = pupil_status(session, found.grant, asker.today)
    step = status.next.step if status.next is not None else None
    return Logged(method, guardian.full_name if guardian else None, pupil.person.given_name, at.date(), was_reached,
                  step.text if step is not None else None)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else "yes" if value else "no"


def render_log(outcome: AskGuardian | AskReached | Logged | NoPupil, lang: str) -> Reply:
    if isinstance(outcome, NoPupil):
        return render_no_pupil(lang, outcome, INTENT)
    if isinstance(outcome, AskGuardian):
        return Reply().say(t(lang, "Which guardian did you contact?"), [
            Button.for_intent(name, INTENT, pupil=outcome.pupil, contact_kind=outcome.method.value, guardian=name,
                              reached=_yes_no(outcome.reached))
            for name in outcome.guardians])
    if isinstance(outcome, AskReached):
        known = {"pupil": outcome.pupil, "contact_kind": outcome.method.value, "guardian": outcome.guardian}
        return Reply().say(t(lang, "Did you reach them?"), [
            Button.for_intent(t(lang, "Yes"), INTENT, **known, reached="yes"),
            Button.for_intent(t(lang, "No answer"), INTENT, **known, reached="no")])
    summary = t(lang, "Logged: {method} with {guardian} about {pupil}, {day}, {outcome}.",
                method=t(lang, METHOD_NAMES[outcome.method]), guardian=outcome.guardian or t(lang, "the home"),
                pupil=outcome.pupil, day=format_day(outcome.day, lang),
                outcome=t(lang, "reached") if outcome.reached else t(lang, "not reached"))
    reply = Reply().say(summary)
    if outcome.next_step is not None:
        reply.say(t(lang, "Next step: {text}", text=outcome.next_step.get(lang)))
    if not outcome.reached:
        reply.say(t(lang, "Try again later today; the guide expects the school to reach the home."))
    return reply


def log(session: Session, asker: Asker, pupil_name: str | None, text: str, *, guardian_hint: str | None = None,
        contact_kind: str | None = None, reached: str | None = None, date_text: str | None = None) -> Reply:
    return render_log(decide_log(session, asker, pupil_name, text, guardian_hint=guardian_hint,
                                 contact_kind=contact_kind, reached=reached, date_text=date_text), asker.lang)
