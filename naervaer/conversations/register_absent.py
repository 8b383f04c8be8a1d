"""'Ida er ikke her i dag' — a teacher registers a pupil absent today; the reply says whether the
home has reported, and if not, what the guide asks of the school today and whom to call: the home side
of `directory.home_side` (the guardians, or a pupil of 18 or over themselves, with the parents only as
the fallback the guide describes).

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
from naervaer.directory import home_side
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
    guardians: tuple[GuardianToCall, ...] = ()   # whom to call: the guardians, or the adult pupil
    adult: bool = False                          # 18 or over: the pupil is the home side
    # The guide's rule for a pupil of 18 or over, when it has one and there are parents to fall back on:
    # they are contacted only if the pupil cannot be reached, mindful of confidentiality.
    parents_fallback: FirstDayRule | None = None


def register_today(session: Session, found: Found, on: date) -> Registration:
    """Register the found pupil absent the whole day `on`, and see whether the home has reported it."""
    pupil = found.pupil
    record, created = register_school_absence(session, found.grant, on)
    home_reported = record.announced_by_home or home_reported_first_day(session, found.grant, on)
    home = home_side(session, pupil, on)
    if home_reported:
        return Registration(pupil.person.given_name, pupil.person.full_name, created, True, record.reason,
                            found.guide.title, adult=home.adult)
    rules = tuple(rule for rule in found.guide.first_day if rule.kind is FirstDayKind.SCHOOL_CONTACTS)
    to_call = tuple(GuardianToCall(person.full_name, person.given_name, person.phone) for person in home.people)
    adult_rule = next((rule for rule in found.guide.first_day if rule.kind is FirstDayKind.ADULT_PUPIL), None)
    return Registration(pupil.person.given_name, pupil.person.full_name, created, False, record.reason,
                        found.guide.title, rules, to_call, adult=home.adult,
                        parents_fallback=adult_rule if home.adult and home.fallback else None)


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
        if registration.adult:
            return Reply().say(t(lang, "{name} is registered absent today. {name} has reported it (reason: {reason}).",
                                 name=name, reason=reason))
        return Reply().say(t(lang, "{name} is registered absent today. The home has reported it (reason: {reason}).",
                             name=name, reason=reason))
    first = t(lang, "{name} is registered absent today.", name=name) if registration.created else \
        t(lang, "{name} was already registered absent today.", name=name)
    unreported = t(lang, "{name} has not reported the absence. {name} is 18 or over, so the school contacts {name} "
                         "directly, not the parents.", name=name) if registration.adult else \
        t(lang, "The home has not reported the absence.")
    reply = Reply().say(first + " " + unreported)
    for rule in registration.school_rules:
        reply.say(t(lang, "{rule} ({guide}, \"{section}\")", rule=rule.text.get(lang), guide=registration.guide_title,
                    section=rule.source.section))
    buttons = []
    for person in registration.guardians:
        if person.phone:
            reply.say(f"{person.full_name}: {person.phone}")
        # An adult pupil is no guardian: the call is logged with the pupil as the home side.
        buttons.append(Button.for_intent(t(lang, "Log a call to {name}", name=person.given_name), "log_contact",
                                         pupil=registration.full_name,
                                         guardian=None if registration.adult else person.full_name,
                                         contact_kind="phone"))
    if buttons:
        reply.say(t(lang, "When you have called, log it:"), buttons)
    fallback = registration.parents_fallback
    if fallback is not None:
        reply.say(t(lang, "If {name} cannot be reached, the guide allows contacting the parents, mindful of the duty "
                          "of confidentiality: say only that the school wants to get in touch with {name}. "
                          "({guide}, \"{section}\")", name=name, guide=registration.guide_title,
                    section=fallback.source.section))
    return reply


def register(session: Session, asker: Asker, pupil_name: str | None) -> Reply:
    return render_registration(decide_registration(session, asker, pupil_name), asker.lang)
