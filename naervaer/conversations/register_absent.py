"""'Ida er ikke her i dag' — a teacher registers a pupil absent today; the reply says whether the
home has reported, and if not, what the guide asks of the school today.

Compute, then word: `decide_registration` registers and returns a `Registration` (or why no pupil was
found), `render_registration` words it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from naervaer.absence import ReasonCategory
from naervaer.absence_store import register_school_absence
from naervaer.access import Permission
from naervaer.contacts import home_reported_first_day
from naervaer.conversations.context import Asker
from naervaer.conversations.first_day import REASONS
from naervaer.conversations.pupil_choice import Found, Missing, NoPupil, choose_pupil, render_no_pupil
from naervaer.directory import guardians
from naervaer.guides.schema import FirstDayKind, FirstDayRule
from naervaer.i18n import t
from naervaer.replies import Button, Reply

INTENT = "register_absent"


@dataclass(frozen=True)
class GuardianToCall:
    full_name: str
    given_name: str
    phone: str | None


@dataclass(frozen=True)
class Registration:
    """A pupil registered absent today, and what the school is to do when the home has not reported it."""

    name: str                      # the pupil's given name
    full_name: str
    created: bool                  # False: the pupil was registered absent today already
    home_reported: bool
    reason: ReasonCategory | None
    guide_title: str
    school_rules: tuple[FirstDayRule, ...] = ()  # the guide's "the school contacts the home" rules
    guardians: tuple[GuardianToCall, ...] = ()   # whom to call


def register_today(session: Session, found: Found, on: date) -> Registration:
    """Register the found pupil absent the whole day `on`, and see whether the home has reported it."""
    pupil = found.pupil
    record, created = register_school_absence(session, found.grant, on)
    home_reported = record.announced_by_home or home_reported_first_day(session, found.grant, on)
    if home_reported:
        return Registration(pupil.person.given_name, pupil.person.full_name, created, True, record.reason,
                            found.guide.title)
    rules = tuple(rule for rule in found.guide.first_day if rule.kind is FirstDayKind.SCHOOL_CONTACTS)
    to_call = tuple(GuardianToCall(guardian.full_name, guardian.given_name, guardian.phone)
                    for _link, guardian in guardians(session, pupil, on))
    return Registration(pupil.person.given_name, pupil.person.full_name, created, False, record.reason,
                        found.guide.title, rules, to_call)


def decide_registration(session: Session, asker: Asker, pupil_name: str | None) -> Registration | NoPupil:
    # Staff only: the status permission is what separates school staff from the home.
    found = choose_pupil(session, asker, pupil_name, Permission.VIEW_STATUS)
    if isinstance(found, NoPupil):
        return found
    if not found.grant.allows(Permission.REPORT_ABSENCE):  # the resource team sees the status, registers nothing
        return NoPupil(Missing.PUPILS)
    return register_today(session, found, asker.today)


def render_registration(registration: Registration | NoPupil, lang: str) -> Reply:
    if isinstance(registration, NoPupil):
        return render_no_pupil(lang, registration, INTENT)
    name = registration.name
    if registration.home_reported:
        reason = t(lang, REASONS[registration.reason]) if registration.reason else t(lang, "no reason given")
        return Reply().say(t(lang, "{name} is registered absent today. The home has reported it (reason: {reason}).",
                             name=name, reason=reason))
    first = t(lang, "{name} is registered absent today.", name=name) if registration.created else \
        t(lang, "{name} was already registered absent today.", name=name)
    reply = Reply().say(first + " " + t(lang, "The home has not reported the absence."))
    for rule in registration.school_rules:
        reply.say(t(lang, "{rule} ({guide}, \"{section}\")", rule=rule.text.get(lang), guide=registration.guide_title,
                    section=rule.source.section))
    buttons = []
    for guardian in registration.guardians:
        if guardian.phone:
            reply.say(f"{guardian.full_name}: {guardian.phone}")
        buttons.append(Button.for_intent(t(lang, "Log a call to {name}", name=guardian.given_name), "log_contact",
                                         pupil=registration.full_name, guardian=guardian.full_name,
                                         contact_kind="phone"))
    if buttons:
        reply.say(t(lang, "When you have called, log it:"), buttons)
    return reply


def register(session: Session, asker: Asker, pupil_name: str | None) -> Reply:
    return render_registration(decide_registration(session, asker, pupil_name), asker.lang)
